# int and float methods and attributes; hex/bin/oct past 64 bits.
print((255).bit_length(), (0).bit_length(), (1).bit_length(), (-5).bit_length(), (2**64).bit_length(), (2**70).bit_length())
print((7).bit_count(), (-7).bit_count(), (2**100 + 1).bit_count())
print((10).as_integer_ratio(), (0.75).as_integer_ratio(), (-2.5).as_integer_ratio(), (0.1).as_integer_ratio())
print((1e300).as_integer_ratio()[1], (5e-324).as_integer_ratio()[0])
print((5).real, (5).imag, (5).numerator, (5).denominator, (2.5).real, (2.5).imag, True.numerator)
print((3).conjugate(), (2.5).conjugate(), (2.0).is_integer(), (2.5).is_integer())
print(hex(2**64), bin(2**65), oct(-2**70), hex(-255), bin(0))
n = 12345678901234567890123
print(n.bit_length(), hex(n))
try:
    float("inf").as_integer_ratio()
except OverflowError as e:
    print(e)
try:
    hex(1.5)
except TypeError as e:
    print(e)
