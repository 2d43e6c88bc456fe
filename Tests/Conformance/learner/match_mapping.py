def handle(event):
    match event:
        case {"type": "click", "pos": (x, y)}:
            return f"click at {x},{y}"
        case {"type": "key", "key": str(k)}:
            return "key " + k
        case {"type": "resize", **rest}:
            return "resize " + repr(sorted(rest.items()))
        case {}:
            return "some other mapping " + repr(event)
        case _:
            return "not a mapping"

print(handle({"type": "click", "pos": (3, 4)}))
print(handle({"type": "click", "pos": (3, 4), "extra": 1}))
print(handle({"type": "key", "key": "q"}))
print(handle({"type": "key", "key": 5}))
print(handle({"type": "resize", "w": 10, "h": 20}))
print(handle({"kind": 1}))
print(handle([("type", "click")]))
print(handle("type"))

match {1: "one", 2.0: "two", True: "t"}:
    case {1: a, 2: b}:
        print("numeric keys", a, b)

match {"a": 1}:
    case {"a": 1, **rest}:
        print("rest is empty:", rest, type(rest).__name__)

match {None: 0, False: 1}:
    case {None: n}:
        print("None key", n)
