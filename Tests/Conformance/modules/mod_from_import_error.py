try:
    from threading import NoSuchName
except ImportError as e:
    print(type(e).__name__)
    print("NoSuchName" in str(e))
