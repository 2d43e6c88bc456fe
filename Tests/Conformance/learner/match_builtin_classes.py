def typed(v):
    match v:
        case bool(b):
            return f"bool {b}"
        case int(n) if n < 0:
            return f"negative int {n}"
        case int(n):
            return f"int {n}"
        case float(f):
            return f"float {f}"
        case str() as s if len(s) == 0:
            return "empty str"
        case str(s):
            return "str " + s
        case bytes(b):
            return f"bytes {b!r}"
        case list([x, *_]):
            return f"list starting with {x}"
        case tuple((a, b)):
            return f"pair {a} {b}"
        case dict({"k": k}):
            return f"dict with k={k}"
        case set():
            return f"set of {len(v)}"
        case _:
            return "other"

for v in [True, -3, 12, 2.5, "", "abc", b"z", [1, 2], [], (1, 2), (1, 2, 3), {"k": 9}, {"j": 1}, {1, 2}, None]:
    print(repr(v), "->", typed(v))
