d = {}
try:
    d["a"]
except KeyError as e:
    print(repr(e), str(e), e.args)
try:
    d[(1, 2)]
except KeyError as e:
    print(repr(e), str(e), e.args, e.args[0])
try:
    {1: 2}.pop(3)
except KeyError as e:
    print(repr(e), e.args)
try:
    set().pop()
except KeyError as e:
    print(repr(e), str(e))
try:
    {5}.remove(6)
except KeyError as e:
    print(repr(e), e.args)
try:
    {}.popitem()
except KeyError as e:
    print(repr(e), str(e))
try:
    del d["gone"]
except KeyError as e:
    print(repr(e))
print(str(KeyError("k")), str(KeyError("k", 1)), repr(KeyError()), str(KeyError()) == "")
class MissingKey(KeyError):
    pass
print(str(MissingKey("m")), repr(MissingKey("m")))
