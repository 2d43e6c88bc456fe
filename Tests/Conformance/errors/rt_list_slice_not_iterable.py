nums = [1, 2, 3]
nums[0:2] = [7, 8, 9]
print(nums)
nums[1:2] = 5
