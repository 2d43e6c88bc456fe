import struct

# Every byte order and integer code, at the edges of its range and of a C long: struct.error's words differ by all three.
values = [0, 1, -1, 127, 128, 255, 256, -128, -129, 32767, -32768, 65535, 65536, 2**31 - 1, -2**31, 2**32 - 1, 2**32,
          2**62, -2**62, 2**63 - 1, -2**63, 2**63, -2**63 - 1, 2**64 - 1, 2**64]
for order in "<>!=@":
    for code in "bBhHiIlLqQ":
        fmt = order + code
        for v in values:
            try:
                b = struct.pack(fmt, v)
                print(fmt, v, b.hex(), struct.unpack(fmt, b)[0] == v)
            except struct.error as e:
                print(fmt, v, "error:", e)
for n in [0, 1, 2, 4, 8, 9]:
    for v in [0, 5, -5, 255, -256, 2**63 - 1, -2**63]:
        for signed in [False, True]:
            try:
                b = v.to_bytes(n, "little", signed=signed)
                print(n, v, signed, b, int.from_bytes(b, "little", signed=signed), int.from_bytes(b, "big", signed=signed))
            except OverflowError as e:
                print(n, v, signed, "OverflowError", e)
