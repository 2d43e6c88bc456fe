# The self-documenting f-string (Python 3.8+), as people print while debugging.
total = 0
for price in [3, 4.5, 10]:
    total += price
    print(f"{price=} {total=}")
name = "Ada"
print(f"{name=}", f"{name=!s}", f"{ total = }", f"{total=:.2f}", f"{len(name) * 2=}")
print(f"{total == 17.5}", f"{total >= 1=}")
