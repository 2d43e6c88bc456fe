def careful():
    while True:
        try:
            yield "ok"
        except ValueError as e:
            print("handled", e)

g = careful()
print(next(g))
print(g.throw(ValueError("bad value")))
print(next(g))
