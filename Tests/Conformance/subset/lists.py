l = [3, 1, 2]
l.append(5)
l.sort()
print(l, len(l), l[0], l[-1], l[1:3])
l.pop()
l.insert(0, 9)
print(l, l.index(9), l.count(1))
