print("42".zfill(5), "-42".zfill(6), "abc".zfill(2))
print("[" + "ab".center(7, "*") + "]", "[" + "ab".center(6) + "]", "[" + "ab".ljust(5) + "]", "[" + "ab".rjust(5, ".") + "]")
