print(format(3.5, ".3f"), format(1e20, ","), format(1.0, ""), format(123.456, "g"))
print(format(42, "08b"), format(42, ""), format("x", ">3"), format(0.000012345, ".2e"))
print(format(True, ""), format(True, "d"), format(1234.5, ".2"))
