words = ["apple", "bob", "cat", "dog", "egg"]
lengths = {len(w) for w in words}
print(sorted(lengths))
print({x % 3 for x in range(10)})
