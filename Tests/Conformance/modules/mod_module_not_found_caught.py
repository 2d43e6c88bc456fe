try:
    import no_such_module_here
except ModuleNotFoundError as e:
    print(e)
except ImportError:
    print("import error")
