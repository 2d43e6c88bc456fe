# int() of text in other bases, with and without the base's prefix.
print(int("ff", 16), int("0xff", 16), int("0XFF", 16), int("0b1010", 2), int("0o777", 8), int("777", 8))
print(int("0x1f", 0), int("0b101", 0), int("0o17", 0), int("42", 0), int("  -0x_10 ", 0), int("z", 36))
for text, base in [("010", 0), ("0x", 16), ("0b2", 2), ("12", 2), ("0x1f", 10)]:
    try:
        print(int(text, base))
    except ValueError as error:
        print("ValueError:", error)
for args in [(5, 16), ("5", 1), ("5", 37)]:
    try:
        print(int(*args))
    except (TypeError, ValueError) as error:
        print(type(error).__name__ + ":", error)
