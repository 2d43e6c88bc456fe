s = "the quick brown fox"
print(s.replace("o", "0"), s.replace("o", "0", 1), s.upper(), s.title())
print("hELLO wORLD".capitalize(), "Hello".swapcase(), "MiXeD".lower())
