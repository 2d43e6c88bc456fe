rows = [(1, 2, 3), (4, 5, 6, 7)]
for first, *others in rows:
    print(first, others)
