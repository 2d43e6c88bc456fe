# SystemExit is catchable and carries its code; it is not an Exception, so 'except Exception' lets it pass.
import sys
for args in [(), (0,), (2,), ("message",), (None,)]:
    try:
        sys.exit(*args)
    except SystemExit as e:
        print(args, "->", repr(e.code), e.args)
try:
    try:
        sys.exit(4)
    except Exception:
        print("not caught here")
except SystemExit as e:
    print("outer caught", e.code, isinstance(e, BaseException))
try:
    raise SystemExit(7)
except SystemExit as e:
    print("raised directly", e.code)
print("done")
sys.exit(0)
