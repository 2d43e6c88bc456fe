import threading

try:
    threading.no_such_thing
except AttributeError as e:
    print(e)
