# A lambda made in a list comprehension closes over the comprehension's one variable cell.
fs = [lambda: i for i in range(3)]
print([f() for f in fs])
print([f() for f in [lambda: i * 10 for i in range(4)]])
# The default-argument idiom takes the value when each lambda is made.
gs = [lambda i=i: i for i in range(3)]
print([g() for g in gs])
print([g(7) for g in gs])
# Two variables, both shared.
pairs = [lambda: (a, b) for a in range(2) for b in "xy"]
print([p() for p in pairs])
