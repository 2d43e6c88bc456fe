nums = [3, 1, 4, 1, 5, 9, 2, 6]
print(sum(x * x for x in nums))
print(max(x for x in nums if x % 2 == 0))
print(any(x > 8 for x in nums), all(x > 0 for x in nums))
