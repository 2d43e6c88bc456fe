from bisect import bisect_left, bisect_right, insort

records = [("ann", 19), ("bob", 25), ("cid", 25), ("dee", 40)]
print(bisect_left(records, 25, key=lambda r: r[1]), bisect_right(records, 25, key=lambda r: r[1]))
insort(records, ("eve", 30), key=lambda r: r[1])
print(records)
try:
    bisect_left([1, 2], 1, -1)
except ValueError as e:
    print("ValueError:", e)
bisect_left(None, 1)
