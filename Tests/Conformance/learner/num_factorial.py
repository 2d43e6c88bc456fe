def factorial(n):
    result = 1
    for i in range(2, n + 1):
        result *= i
    return result

for n in (5, 20, 21, 25, 30):
    print(n, factorial(n))
print(len(str(factorial(100))))
