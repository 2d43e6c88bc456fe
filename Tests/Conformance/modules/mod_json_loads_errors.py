import json
for s in ["[1,]", "{\"a\":1,}", "{\"a\" 1}", "{1:2}", "[1 2]", "", "  ", "nul", "\"abc", "\"a\\qb\"", "\"a\\u12\"", "\"a\nb\"", "[1] x", "{\"a\":}", "-", "01", "1.", "[", "{", "{\"a\"", "tru", "\"\\", "-Infinity", "NaN", "[1e5, 2E-3, -0, 0.5e+1]", "\"\\ud83d\\ude00\"", "{\"a\": [1, {\"b\": null}], \"c\": true}", " \n [1,\n 2,\n x]", "\"\\u00e9\\n\\t\\\"\"", "  {  \"k\" : [ ] , \"j\" : { } }  ", "1.5e", "-12.25E+2"]:
    try:
        print(repr(s), "->", repr(json.loads(s)))
    except json.JSONDecodeError as e:
        print(repr(s), "->", e, "|", e.msg, e.pos, e.lineno, e.colno, isinstance(e, ValueError))
data = {"name": "Ann", "age": 30, "tags": ["a", "b"], "ok": True, "none": None, "pi": 3.14159, "nested": {"z": 1, "a": [1, 2, {"x": []}]}, "empty": {}, "e": 1e20, "t": (1, 2)}
print(json.dumps(data))
print(json.dumps(data, indent=2))
print(json.dumps(data, sort_keys=True, indent=4))
print(json.dumps(data, separators=(",", ":")))
print(json.dumps("héllo ☺ \U0001F600 \x01"), json.dumps("héllo ☺", ensure_ascii=False))
print(json.dumps({1: "a", 2.5: "b", True: "c", None: "d"}))
print(json.dumps([float("inf"), float("nan"), -0.0, 0.1 + 0.2]))
print(json.dumps([1, [2, [3]]], indent="\t"))
print(json.loads(json.dumps(data)) == dict(data, t=[1, 2]))
print(json.dumps({"b": 1, "a": 2}, sort_keys=True), json.dumps([]), json.dumps({}, indent=2), json.dumps([[]], indent=2))
print(json.loads('{"a": 1.5}', parse_float=str), json.loads('{"a": {"b": 1}}', object_hook=lambda d: sorted(d)))
class P:
    pass
try:
    json.dumps(P())
except TypeError as e:
    print(e)
try:
    json.dumps({(1, 2): 3})
except TypeError as e:
    print(e)
print(json.dumps({(1, 2): 3, "k": 1}, skipkeys=True), json.dumps(P(), default=lambda o: "P!"))
l = []
l.append(l)
try:
    json.dumps(l)
except ValueError as e:
    print(e)
try:
    json.loads('{"a": tru}')
except json.JSONDecodeError as e:
    print(type(e).__name__, e.msg, e.pos)
json.loads(5)
