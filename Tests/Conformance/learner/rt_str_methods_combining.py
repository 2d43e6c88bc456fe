# str methods on text with combining characters work by code point.
s = "cafe\u0301 ole\u0301"
print(s.startswith("cafe"), s.endswith("e\u0301"), s.endswith("\u0301"), s.split("e"), s.partition("e"))
print(s.strip("\u0301"), s.rstrip("\u0301"), s.upper(), s.title(), s.capitalize(), s.swapcase())
print(s.center(12, "*"), s.ljust(12, "."), s.zfill(12), s.index("\u0301"), s.rfind("e"), s.count("\u0301"))
print(s.lower() == s, "\u00e9" in s, s.removeprefix("cafe"), s.removesuffix("\u0301"), s.casefold())
print(list(s), [c for c in "e\u0301"], "-".join("e\u0301"), reversed("e\u0301").__class__.__name__ if False else 1)
print(f"{s:>12}|{s:^12}|", "%-10s|" % s, "{:.5}".format(s), repr(s), str(s), s.encode())
print(sorted(set("e\u0301\u00e9e")), {c: 1 for c in "e\u0301\u00e9"})
print(s.replace("e\u0301", "E"), s.find("e\u0301"), s[3], s[4], len(s[3:5]), s.splitlines(), s.isalpha())
