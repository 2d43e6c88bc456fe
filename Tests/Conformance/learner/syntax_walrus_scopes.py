# A := in a function binds a local; in a comprehension it binds in the function around it; in a lambda, the lambda's.
counter = 0
def count_matches(words, letter):
    hits = [w for w in words if (found := letter in w)]
    return hits, found
print(count_matches(["cat", "dog", "cow"], "c"))
f = lambda x: (y := x + 1) * y
print(f(3))
def outer():
    values = [(total := i) for i in range(5)]
    return values, total
print(outer())
print(f"{(w := 7)} {w}")
