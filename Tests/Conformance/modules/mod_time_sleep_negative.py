import time

try:
    time.sleep(-1)
except ValueError as e:
    print(e)
try:
    time.sleep("1")
except TypeError:
    print("TypeError")
