buf = bytearray(b"ab")
buf += b"c"
print(buf)
