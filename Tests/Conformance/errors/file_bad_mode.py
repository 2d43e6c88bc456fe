for mode in ["z", "rw", "rbt", "rr"]:
    try:
        open("_conf_bad_mode.txt", mode)
    except ValueError as e:
        print(repr(mode), e)
try:
    open("_conf_bad_mode.txt", "rb", encoding="utf-8")
except ValueError as e:
    print(e)
open(3.5)
