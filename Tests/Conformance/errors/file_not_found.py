try:
    open("_conf_no_such_file.txt")
except OSError as e:
    print(type(e).__name__, e)
open("_conf_no_such_file.txt")
