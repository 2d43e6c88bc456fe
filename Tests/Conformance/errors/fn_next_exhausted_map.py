m = map(abs, [-1])
print(next(m))
next(m)
