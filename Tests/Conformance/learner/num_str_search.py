s = "hello world, hello"
print(s.find("hello"), s.rfind("hello"), s.find("zzz"), s.index("world"), s.count("l"))
print(s.find("l", 5), s.count("hello", 1), s.startswith("hello"), s.endswith(("x", "lo")))
print(s.startswith("world", 6), "abc".rindex("c"))
