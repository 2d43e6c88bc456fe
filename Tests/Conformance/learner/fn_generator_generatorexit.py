def watcher():
    try:
        yield 1
    except GeneratorExit:
        print("got GeneratorExit")
        raise

w = watcher()
next(w)
w.close()
print("closed")
