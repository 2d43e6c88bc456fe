def load(d):
    try:
        return d["key"]
    except KeyError as e:
        raise LookupError("no key") from e

print("start")
load({})
