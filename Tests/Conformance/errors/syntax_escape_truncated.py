print("bad \x4 escape")
