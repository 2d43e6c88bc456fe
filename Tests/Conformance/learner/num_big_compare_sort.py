nums = [2 ** 65, -2 ** 64, 3, 2 ** 65 + 1, 0.5]
print(sorted(nums))
print(max(nums), min(nums))
print(2 ** 65 in nums, 2 ** 66 in nums)
