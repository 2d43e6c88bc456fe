import sys

sys.setswitchinterval(1)
try:
    sys.setswitchinterval(0)
except ValueError as e:
    print(e)
print("set")
