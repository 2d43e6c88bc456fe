s = {1, 2}
try:
    s.remove(3)
except KeyError as e:
    print("KeyError", e)
print(s)
