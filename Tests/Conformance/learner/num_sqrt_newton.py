def sqrt(x):
    guess = x / 2
    for _ in range(20):
        guess = (guess + x / guess) / 2
    return guess

for v in (2, 9, 10, 1e6):
    print(v, sqrt(v), round(sqrt(v), 4))
