import json

text = '''
{
  "users": [
    {"id": 1, "name": "Ann", "admin": true, "score": 9.5},
    {"id": 2, "name": "Bob", "admin": false, "score": null, "tags": ["x", "y"]}
  ],
  "count": 2,
  "ratio": -1.25e-3,
  "unicode": "caf\\u00e9 \\ud83d\\ude00"
}
'''
doc = json.loads(text)
print(doc)
print(type(doc["count"]).__name__, type(doc["ratio"]).__name__, doc["users"][1]["score"] is None, doc["unicode"])
for user in doc["users"]:
    print(user["name"], user.get("tags", []))
print(json.dumps(doc, indent=2, sort_keys=True))
print(json.loads("[]"), json.loads("{}"), json.loads(" 42 "), json.loads('"s"'), json.loads("-0.0"), json.loads("1E3"))
print(json.loads('{"a": 1, "a": 2}'), json.loads('[1, 2]', parse_int=str))
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y
print(json.dumps(Point(1, 2), default=lambda p: {"x": p.x, "y": p.y}))
json.dumps(Point(1, 2))
