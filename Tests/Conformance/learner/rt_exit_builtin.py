print("before")
for i in range(3):
    if i == 1:
        exit()
    print(i)
print("not reached")
