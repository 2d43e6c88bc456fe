# sys.exit(3) ends the program quietly (status 3): what was printed before stays, nothing after runs.
import sys
def finish(code):
    print("finishing with", code)
    sys.exit(code)
print("start")
try:
    finish(3)
finally:
    print("finally runs on the way out")
print("never printed")
