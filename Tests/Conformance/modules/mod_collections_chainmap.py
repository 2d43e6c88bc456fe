from collections import ChainMap
defaults = {"color": "red", "user": "guest"}
args = {"user": "admin"}
cm = ChainMap(args, defaults)
print(cm["user"], cm["color"], len(cm), sorted(cm), "user" in cm, cm.get("x", 0))
cm["color"] = "blue"
print(cm, args, defaults)
child = cm.new_child({"user": "root"})
print(child["user"], child.parents["user"], list(child.items()))
del cm["color"]
print(cm["color"], dict(cm))
try:
    del cm["size"]
except KeyError as e:
    print("KeyError", e)
try:
    cm["nothing"]
except KeyError as e:
    print("KeyError", e)
