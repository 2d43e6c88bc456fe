m = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
print([sum(x * k for x in row) for k, row in enumerate(m)])
print([max(v - k for v in row) for k, row in enumerate(m)])
# all() over a generator expression that reads the comprehension's variable.
limit = 40
print([n for n in range(2, limit) if all(n % d for d in range(2, int(n ** 0.5) + 1))])
print([any(c == ch for c in "hello") for ch in "hxl"])
def weighted(rows, w):
    return [sum(v * w * i for v in r) for i, r in enumerate(rows, 1)]
print(weighted(m, 2))
