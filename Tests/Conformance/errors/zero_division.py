print('before')
x = 10 // 0
print('after')
