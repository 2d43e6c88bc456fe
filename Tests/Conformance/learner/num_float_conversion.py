print(float(3), float("2.5"), float(" 1_000.25 "), float("-inf"), float("nan"))
print(int(3.99), int(-3.99), int("42"), int("-17"), int(" 7 "))
print(float(2**70))
