import json

print(json.loads("[12345678901234567890123, -0, 1e400, -1e-400, 0.1, 3.0e2, 123456789012345678]"))
print(json.loads('{"a": 1.25, "b": [2, 3.5]}', parse_float=lambda t: "float:" + t, parse_int=lambda t: int(t) * 10))
print(json.loads('{"x": {"y": {}}, "z": [{"w": 1}]}', object_hook=lambda d: ("obj", sorted(d))))
print(json.loads('{"k": 1, "j": 2, "k": 3}'), json.loads('"\\u0041\\u00e9\\u4e2d\\ud83d\\ude00"'))
print(json.loads('[[[[[[[[[[["deep"]]]]]]]]]]]'), json.loads("\t\r\n [ 1 , 2 ] \n"))
print(json.dumps(json.loads('{"s": "tab\\there \\"q\\" \\\\ \\/ \\b\\f"}')))
doc = json.dumps({"text": "x" * 50, "items": list(range(30))})
print(len(doc), json.loads(doc)["items"][-1])
for bad in ['[1, 2', '{"a": [1, 2}', '"abc\\', '[tru]', '{"a" "b"}', '[1]]', '["a\tb"]', '  [\n  1,\n  ]']:
    try:
        json.loads(bad)
    except ValueError as e:
        print(repr(bad), "->", e)
json.loads('{}', object_hook=5)
