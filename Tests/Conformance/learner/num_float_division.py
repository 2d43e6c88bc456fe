total = 7
count = 2
average = total / count
print("average:", average)
print(10 / 4, 9 / 3, -7 / 2, True / 2)
