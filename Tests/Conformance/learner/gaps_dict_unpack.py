# Merging settings with ** in a dict display, and * in list, set and tuple displays.
defaults = {"host": "localhost", "port": 80, "debug": False}
overrides = {"port": 8080}
config = {**defaults, **overrides, "debug": True}
print(config)
print({"first": 1, **overrides}, {**{}}, {**defaults} == defaults, {**defaults} is defaults)
evens = range(0, 10, 2)
print([*evens, 100], (*evens,), sorted({*evens, *range(3)}), [*"hi", *map(str.upper, "ab")])
try:
    print({**[("a", 1)]})
except TypeError as error:
    print("TypeError:", error)
