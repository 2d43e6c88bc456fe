line = "  alpha beta\tgamma  delta "
print(line.split())
print(line.split(maxsplit=2))
print("a,b,,c".split(","), "a,b,c".split(",", 1))
print("a.b.c".rsplit(".", 1), "a b c".rsplit(None, 1))
