import heapq

nums = [12, 4, 56, 1, 33, 56, 7, 0, 21]
print(heapq.nlargest(3, nums), heapq.nsmallest(3, nums))
print(heapq.nlargest(0, nums), heapq.nsmallest(20, nums))
people = [("ann", 31), ("bob", 25), ("cid", 31), ("dee", 19)]
print(heapq.nlargest(2, people, key=lambda p: p[1]))
print(heapq.nsmallest(2, people, key=lambda p: p[1]))
print(list(heapq.merge([1, 4, 9], [2, 3, 10], [0])))
print(list(heapq.merge([9, 4, 1], [8, 2], reverse=True)))
print(list(heapq.merge(["b", "C"], ["A", "d"], key=str.lower)))
