b = b"abc"
print(b, len(b), b[0], b[-1], b[1:], b[::-1], b + b"de", b * 2, 3 * b"x", b"" * 5)
print(repr(b"it's"), repr(b'say "hi"'), repr(b"both ' and \""), b"\x00\x7f\x80\xff\t\n\r\\")
print(b'\101\x42C' b"D", rb"\n\x00", br'\t')
print(b == b"abc", b != b"abd", b < b"abd", b"ab" < b"abc", b"b" > b"abc", b <= b"abc", b == "abc")
print(hash(b"k") == hash(b"k"), {b"k": 1, "k": 2}[b"k"], len({b"k", "k", b"k"}))
print(97 in b, b"bc" in b, b"" in b, b"cb" in b)
print(list(b), [x for x in b"\x01\x02"], tuple(b"hi"))
print(bytes(3), bytes([1, 2, 255]), bytes(range(65, 70)), bytes(), bytes(b"xy"), bytes("é", "utf-8"), bytes("hi", encoding="ascii"))
print(b"caf\xc3\xa9".decode(), b"abc".decode("ascii"), b"\xe9".decode("latin-1"), "café".encode(), "abc".encode("ascii"))
print((1024).to_bytes(2, "big"), (1024).to_bytes(4, "little"), (-1).to_bytes(2, "big", signed=True), (255).to_bytes(1, "big"))
print(int.from_bytes(b"\x04\x00", "big"), int.from_bytes(b"\x00\x04", "little"), int.from_bytes(b"\xff\xff", "big", signed=True), int.from_bytes([1, 0], "big"))
print((2**70).to_bytes(9, "big"), int.from_bytes(b"\x01" + bytes(9), "big"), (0).to_bytes(0, "big"), (-129).to_bytes(2, "little", signed=True))
print(b"\x00\xab".hex(), bool(b""), bool(b"\x00"), not b"", str(b"a\n"), f"{b'x'}", type(b"x"), isinstance(b"", bytes), type(b"") is bytes)
print(sorted([b"b", b"a", b"ab"]), max(b"azb"), sum(b"\x01\x02"), b"abc"[5:], list(reversed(b"ab")))
import sys
print(sys.getsizeof(b""), sys.getsizeof(b"abcd"))
x = b"ab"
x += b"cd"
x *= 2
print(x, x.decode("utf8"), bytes.decode(b"hi"), b"%s" if False else 1)
print(b"\
ab", b"""multi
line""")
