print("abc".split(""))
