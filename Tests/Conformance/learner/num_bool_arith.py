print(True + True, True * 2.5, True / 2, False ** 0, -True, abs(False))
print(sum([True, False, True]), int(True), float(False))
