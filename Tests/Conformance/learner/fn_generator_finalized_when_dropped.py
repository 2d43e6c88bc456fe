# A generator paused at a yield runs its finally when its last reference goes (CPython closes it).
def numbers():
    try:
        yield 1
        yield 2
    finally:
        print("cleanup")

for n in numbers():
    print(n)
    break
print("after the loop")

g = numbers()
print(next(g))
g = None
print("after rebinding")

def unstarted():
    try:
        yield 1
    finally:
        print("never printed: it never started")

u = unstarted()
del u
print("done")
