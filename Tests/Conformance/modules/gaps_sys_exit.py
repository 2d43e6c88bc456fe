# sys.exit raises SystemExit: it can be caught, a thread ends quietly, and exit(0) ends the program as success.
import sys
import threading

def worker():
    print("worker starts")
    sys.exit(1)
    print("never printed")

t = threading.Thread(target=worker)
t.start()
t.join()
print("alive after the worker's exit:", t.is_alive())
try:
    sys.exit("bad input")
except SystemExit as e:
    print("caught:", e.code, e.args, isinstance(e, Exception), isinstance(e, BaseException))
try:
    sys.exit()
except SystemExit as e:
    print("caught:", e.code, e.args)

def main():
    print("main runs")
    return 0

if __name__ == "__main__":
    sys.exit(main())
print("not reached")
