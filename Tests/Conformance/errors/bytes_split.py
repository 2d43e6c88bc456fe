print(b"a,b".split(b","))
