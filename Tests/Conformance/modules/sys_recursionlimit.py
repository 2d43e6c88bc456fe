# sys.setrecursionlimit lowers how deep calls may go; a limit below 1 is refused.
import sys
print(sys.getrecursionlimit())

def depth(n):
    return depth(n + 1)

sys.setrecursionlimit(60)
print(sys.getrecursionlimit())
try:
    depth(0)
except RecursionError as e:
    print("RecursionError:", e)
sys.setrecursionlimit(1000)
print(sys.getrecursionlimit())

def count(n):
    return 0 if n == 0 else 1 + count(n - 1)

print(count(500))
try:
    sys.setrecursionlimit(0)
except ValueError as e:
    print("ValueError:", e)
sys.setrecursionlimit(-5)
