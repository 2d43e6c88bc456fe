def noisy(n):
    for i in range(n):
        print("producing", i)
        yield i

squares = (x * x for x in noisy(3))
print("created")
print(next(squares))
print(next(squares))
