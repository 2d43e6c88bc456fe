# The types of frozenset, slice and iter(f, sentinel) objects, and mixing set with frozenset.
print(type(frozenset()), frozenset, type(slice(1)), vars, type(iter(lambda: 1, 0)).__name__, type(iter(type("", (), {}))) if False else 0)
print(isinstance(frozenset(), (set, frozenset)), issubclass(frozenset, frozenset))
print(frozenset("ab") == frozenset("ba"), hash(frozenset()) == hash(frozenset()), {frozenset([1,2]), frozenset([2,1])})
print(sorted({1,2} | frozenset([3])), type({1} | frozenset([3])).__name__, type(frozenset([3]) | {1}).__name__)
print(type(slice(1)), isinstance(slice(2), slice), slice)
