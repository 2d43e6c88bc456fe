import json

data = {"name": "Ann", "age": 30, "tags": ["a", "b"], "ok": True, "none": None, "pi": 3.14159,
        "nested": {"z": 1, "a": [1, 2, {"x": []}]}, "empty": {}, "big": 1e20, "t": (1, 2), "neg": -0.5}
print(json.dumps(data))
print(json.dumps(data, indent=2))
print(json.dumps(data, sort_keys=True, indent=4))
print(json.dumps(data, separators=(",", ":")))
print(json.dumps(data, indent=1, separators=(",", " = ")))
print(json.dumps("héllo ☺ \U0001F600 \x01 \"q\" \\ /"), json.dumps("héllo ☺", ensure_ascii=False))
print(json.dumps({1: "a", 2.5: "b", True: "c", None: "d"}))
print(json.dumps([float("inf"), float("nan"), -0.0, 0.1 + 0.2, 1 / 3, 100.0, 12345678901234567890]))
print(json.dumps([1, [2, [3]]], indent="\t"))
print(json.dumps({"b": 1, "a": 2}, sort_keys=True), json.dumps([]), json.dumps({}, indent=2), json.dumps([[]], indent=2))
back = json.loads(json.dumps(data))
print(back["nested"], back["t"], back == data)
print(json.dumps("line\nbreak\ttab"), json.dumps(None), json.dumps(True), json.dumps(7))
