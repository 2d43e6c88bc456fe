squares = {n: n * n for n in range(5)}
print(squares)
words = ["hi", "hello", "hey"]
print({w: len(w) for w in words if len(w) > 2})
inverted = {v: k for k, v in {"a": 1, "b": 2}.items()}
print(inverted)
