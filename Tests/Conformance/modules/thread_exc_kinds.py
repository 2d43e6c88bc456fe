# Several kinds of exceptions end threads (stderr reports each); SystemExit ends one quietly.
import sys
import threading

def divide():
    return 1 / 0

def missing():
    return {}["key"]

def leave():
    sys.exit(2)

def nested():
    try:
        int("x")
    except ValueError as e:
        raise RuntimeError("wrapped") from e

for target in [divide, missing, leave, nested]:
    t = threading.Thread(target=target, name="t-" + target.__name__)
    t.start()
    t.join()
    print(t.name, "ended, alive:", t.is_alive())
print("all joined")
