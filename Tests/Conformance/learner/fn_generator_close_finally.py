def numbers():
    try:
        n = 0
        while True:
            yield n
            n += 1
    finally:
        print("generator closed")

g = numbers()
print(next(g), next(g))
g.close()
print("after close")
