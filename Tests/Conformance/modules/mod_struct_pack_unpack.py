import struct
def t(f, *args):
    try:
        print(f.__name__, args, f(*args))
    except Exception as e:
        print(f.__name__, args, type(e).__name__, e)
for fmt, v in [("<B",256),("<B",-1),("B",255),("b",200),("<b",-128),("h",40000),("<h",-5),("H",-1),("<H",70000),("<I",-1),("<I",2**32),("I",2**32-1),("<i",2**31),("i",-2**31),("<q",2**63),("<q",-2**63),("<Q",-1),("<Q",2**64),("Q",2**64-1),("<Q","x"),("<Q",1.5),("<Z",1),("<2I",1),("<l",2**31),("<L",-1),("l",2**63),("L",-1),("!Q",1),(">q",-2),("=H",258),("<?",5),("<I",True)]:
    t(struct.pack, fmt, v)
t(struct.pack, "<2I", 1, 2)
t(struct.pack, "<I")
t(struct.pack, "<I", 1, 2)
t(struct.pack, "@bI", 1, 2)
t(struct.pack, "<?x3s", True, b"ab")
t(struct.pack, "<3B", 1, 2, 3)
t(struct.pack, "<c", b"a")
t(struct.pack, "<c", 1)
t(struct.pack, "<2s", b"abc")
t(struct.pack, "<I I", 1, 2)
t(struct.unpack, "<Q", b"123")
t(struct.unpack, "<I", "abcd")
t(struct.unpack, "<?x3s", b"\x01\x00ab\x00")
t(struct.unpack, ">Hh", b"\xff\xff\xff\xff")
t(struct.unpack, "<Q", (2**64 - 1).to_bytes(8, "little"))
t(struct.unpack, "<qI", struct.pack("<qI", -7, 9))
t(struct.unpack, "!Q", struct.pack("!Q", 123456789012))
for f in ["@bI", "<bI", "bQ", "@HQ", "@QH", "<x2xH", "<5s", "2"]:
    t(struct.calcsize, f)
try:
    struct.pack("<B", 300)
except struct.error as e:
    print("struct.error", e, isinstance(e, Exception))
