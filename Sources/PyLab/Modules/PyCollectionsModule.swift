import LabCore

/// `collections`: `deque`, `Counter`, `defaultdict`, `OrderedDict` and `namedtuple`, in Python over lists and dicts
/// (their methods and reprs are CPython's; a `deque` is a list here, so `popleft` costs what `list.pop(0)` costs).
package enum CollectionsModule {
    /// `namedtuple(...)` makes a constructor: a native bound to the class and its field names, taking the fields
    /// positionally or by keyword (conclab's functions have no `*args` yet).
    static let construct: BuiltinBody = { ts, a throws(PyError) in
        // a[0]: the class, a[1]: the field names (a tuple), then the call's arguments.
        let cls = a[0]
        guard a[1].isObject, let fields = a[1].object as? PyTuple else { throw ts.typeError("bad namedtuple") }
        let names = fields.items.map { ts.string($0) ?? "" }
        let typeName = (cls.isObject ? (cls.object as? PyClass)?.lookup(ts.runtime.intern("_typename")) : nil).flatMap { ts.string($0) } ?? "tuple"
        var values = [PyValue?](repeating: nil, count: names.count)
        let given = a.count - 2
        if given > names.count {
            throw ts.typeError("\(typeName).__new__() takes \(names.count + 1) positional arguments but \(given + 1) were given")
        }
        for i in 0..<given { values[i] = a[2 + i] }
        for (k, v) in a.keywords {
            guard let i = names.firstIndex(of: k) else { throw ts.typeError("\(typeName).__new__() got an unexpected keyword argument '\(k)'") }
            if values[i] != nil { throw ts.typeError("\(typeName).__new__() got multiple values for argument '\(k)'") }
            values[i] = v
        }
        let missing = names.indices.filter { values[$0] == nil }.map { "'\(names[$0])'" }
        if !missing.isEmpty {
            throw ts.typeError("\(typeName).__new__() missing \(missing.count) required positional argument\(missing.count == 1 ? "" : "s"): \(missing.joined(separator: " and "))")
        }
        let items = values.map { $0 ?? .none }
        for v in items { ts.incref(v) }
        let tuple = ts.newTuple(items)
        defer { ts.decref(tuple) }
        return try ts.call(cls, [tuple])
    }

    package static let definition = ModuleDefinition("collections", natives: [
        Builtin("_constructor") { ts, a throws(PyError) in
            try a.expect(3...3, ts)
            ts.incref(a[0])
            ts.incref(a[1])
            return ts.newNative(Builtin(ts.string(a[2]) ?? "namedtuple", construct), bound: [a[0], a[1]])
        },
    ], source: """
        class deque:
            _conclab_match = "sequence"

            def __init__(self, iterable=(), maxlen=None):
                if maxlen is not None and maxlen < 0:
                    raise ValueError("maxlen must be non-negative")
                self.maxlen = maxlen
                self._items = []
                for x in iterable:
                    self.append(x)

            def append(self, x):
                self._items.append(x)
                if self.maxlen is not None and len(self._items) > self.maxlen:
                    self._items.pop(0)

            def appendleft(self, x):
                self._items.insert(0, x)
                if self.maxlen is not None and len(self._items) > self.maxlen:
                    self._items.pop()

            def pop(self):
                if not self._items:
                    raise IndexError("pop from an empty deque")
                return self._items.pop()

            def popleft(self):
                if not self._items:
                    raise IndexError("pop from an empty deque")
                return self._items.pop(0)

            def extend(self, iterable):
                for x in iterable:
                    self.append(x)

            def extendleft(self, iterable):
                for x in iterable:
                    self.appendleft(x)

            def rotate(self, n=1):
                k = len(self._items)
                if k:
                    n = n % k
                    if n:
                        self._items = self._items[k - n:] + self._items[:k - n]

            def clear(self):
                self._items = []

            def count(self, x):
                return self._items.count(x)

            def index(self, x):
                return self._items.index(x)

            def remove(self, x):
                self._items.remove(x)

            def reverse(self):
                self._items.reverse()

            def copy(self):
                return deque(self._items, self.maxlen)

            def __len__(self):
                return len(self._items)

            def __iter__(self):
                return iter(self._items)

            def __getitem__(self, i):
                return self._items[i]

            def __setitem__(self, i, v):
                self._items[i] = v

            def __contains__(self, x):
                return x in self._items

            def __eq__(self, other):
                return isinstance(other, deque) and self._items == other._items

            def __repr__(self):
                if self.maxlen is None:
                    return "deque(" + repr(self._items) + ")"
                return "deque(" + repr(self._items) + ", maxlen=" + str(self.maxlen) + ")"

        class _Mapping:
            _conclab_match = "mapping"
            _NOTHING = object()

            def __init__(self):
                self._d = {}

            def __len__(self):
                return len(self._d)

            def __iter__(self):
                return iter(self._d)

            def __contains__(self, k):
                return k in self._d

            def __getitem__(self, k):
                return self._d[k]

            def __setitem__(self, k, v):
                self._d[k] = v

            def __delitem__(self, k):
                del self._d[k]

            def __eq__(self, other):
                if isinstance(other, _Mapping):
                    return self._d == other._d
                return self._d == other

            def keys(self):
                return self._d.keys()

            def values(self):
                return self._d.values()

            def items(self):
                return self._d.items()

            def get(self, k, default=None):
                return self._d.get(k, default)

            def pop(self, k, default=_NOTHING):
                if default is self._NOTHING:
                    return self._d.pop(k)
                return self._d.pop(k, default)

            def setdefault(self, k, default=None):
                return self._d.setdefault(k, default)

            def clear(self):
                self._d = {}

            def copy(self):
                other = type(self)()
                for k in self._d:
                    other._d[k] = self._d[k]
                return other

        class OrderedDict(_Mapping):
            def __init__(self, pairs=None, **kwargs):
                self._d = {}
                if pairs is not None:
                    for k, v in _pairs(pairs):
                        self._d[k] = v
                for k in kwargs:
                    self._d[k] = kwargs[k]

            def move_to_end(self, k, last=True):
                v = self._d.pop(k)
                if last:
                    self._d[k] = v
                else:
                    rest = self._d
                    self._d = {k: v}
                    for key in rest:
                        self._d[key] = rest[key]

            def popitem(self, last=True):
                if not self._d:
                    raise KeyError("dictionary is empty")
                keys = list(self._d)
                if last:
                    k = keys[-1]
                else:
                    k = keys[0]
                return (k, self._d.pop(k))

            def __repr__(self):
                if not self._d:
                    return "OrderedDict()"
                return "OrderedDict(" + repr(list(self._d.items())) + ")"

        def _pairs(source):
            if isinstance(source, dict):
                return source.items()
            if isinstance(source, _Mapping):
                return source.items()
            return source

        class defaultdict(_Mapping):
            def __init__(self, default_factory=None, pairs=None):
                self._d = {}
                self.default_factory = default_factory
                if pairs is not None:
                    for k, v in _pairs(pairs):
                        self._d[k] = v

            def __getitem__(self, k):
                if k in self._d:
                    return self._d[k]
                if self.default_factory is None:
                    raise KeyError(k)
                v = self.default_factory()
                self._d[k] = v
                return v

            def __repr__(self):
                return "defaultdict(" + _factory_repr(self.default_factory) + ", " + repr(self._d) + ")"

        def _factory_repr(f):
            types = [list, int, dict, str, tuple]
            names = ["list", "int", "dict", "str", "tuple"]
            for i in range(len(types)):
                if f is types[i]:
                    return "<class '" + names[i] + "'>"
            return repr(f)

        class Counter(_Mapping):
            def __init__(self, iterable=None, **kwargs):
                self._d = {}
                self.update(iterable, **kwargs)

            def __getitem__(self, k):
                return self._d.get(k, 0)

            def update(self, iterable=None, **kwargs):
                if iterable is None:
                    pass
                elif isinstance(iterable, dict) or isinstance(iterable, _Mapping):
                    for k, v in iterable.items():
                        self._d[k] = self._d.get(k, 0) + v
                else:
                    for k in iterable:
                        self._d[k] = self._d.get(k, 0) + 1
                for k in kwargs:
                    self._d[k] = self._d.get(k, 0) + kwargs[k]

            def subtract(self, iterable=None, **kwargs):
                if iterable is None:
                    pass
                elif isinstance(iterable, dict) or isinstance(iterable, _Mapping):
                    for k, v in iterable.items():
                        self._d[k] = self._d.get(k, 0) - v
                else:
                    for k in iterable:
                        self._d[k] = self._d.get(k, 0) - 1
                for k in kwargs:
                    self._d[k] = self._d.get(k, 0) - kwargs[k]

            def _combine(self, other, pick):
                # CPython's order: this counter's keys, then the other's new ones; only positive counts stay.
                if not isinstance(other, Counter):
                    return NotImplemented
                result = Counter()
                for k, v in self._d.items():
                    n = pick(v, other[k])
                    if n > 0:
                        result._d[k] = n
                for k, v in other._d.items():
                    if k not in self._d:
                        n = pick(0, v)
                        if n > 0:
                            result._d[k] = n
                return result

            def __add__(self, other):
                return self._combine(other, lambda a, b: a + b)

            def __sub__(self, other):
                return self._combine(other, lambda a, b: a - b)

            def __or__(self, other):
                return self._combine(other, lambda a, b: b if a < b else a)

            def __and__(self, other):
                return self._combine(other, lambda a, b: a if a < b else b)

            def __pos__(self):
                return Counter() + self

            def __neg__(self):
                return Counter() - self

            def total(self):
                return sum(self._d.values())

            def elements(self):
                result = []
                for k, v in self._d.items():
                    for i in range(v):
                        result.append(k)
                return iter(result)

            def most_common(self, n=None):
                ordered = []
                for k, v in self._d.items():
                    i = len(ordered)
                    while i > 0 and ordered[i - 1][1] < v:
                        i -= 1
                    ordered.insert(i, (k, v))
                if n is None:
                    return ordered
                return ordered[:n]

            def __repr__(self):
                if not self._d:
                    return "Counter()"
                parts = []
                for k, v in self.most_common():
                    parts.append(repr(k) + ": " + repr(v))
                return "Counter({" + ", ".join(parts) + "})"

        class _NamedTuple:
            _conclab_match = "sequence"

            def __init__(self, values):
                self._values = values
                i = 0
                for name in self._fields:
                    setattr(self, name, values[i])
                    i += 1

            def __getitem__(self, i):
                return self._values[i]

            def __iter__(self):
                return iter(self._values)

            def __len__(self):
                return len(self._values)

            def __contains__(self, x):
                return x in self._values

            def __eq__(self, other):
                if isinstance(other, _NamedTuple):
                    return self._values == other._values
                return self._values == other

            def _asdict(self):
                d = {}
                i = 0
                for name in self._fields:
                    d[name] = self._values[i]
                    i += 1
                return d

            def _replace(self, **changes):
                values = list(self._values)
                unexpected = []
                for name in changes:
                    if name in self._fields:
                        values[self._fields.index(name)] = changes[name]
                    else:
                        unexpected.append(name)
                if unexpected:
                    raise ValueError("Got unexpected field names: " + repr(unexpected))
                return type(self)(*values)

            def __repr__(self):
                parts = []
                i = 0
                for name in self._fields:
                    parts.append(name + "=" + repr(self._values[i]))
                    i += 1
                return self._typename + "(" + ", ".join(parts) + ")"

        def namedtuple(typename, field_names, defaults=None):
            if isinstance(field_names, str):
                field_names = field_names.replace(",", " ").split()
            fields = tuple(field_names)
            field_defaults = {}
            if defaults is not None:
                defaults = tuple(defaults)
                if len(defaults) > len(fields):
                    raise TypeError("Got more default values than field names")
                for i in range(len(defaults)):
                    field_defaults[fields[len(fields) - len(defaults) + i]] = defaults[i]
            class _Record(_NamedTuple):
                def __init__(self, *args, **kwargs):
                    names = self._fields
                    if len(args) > len(names):
                        raise TypeError(self._typename + ".__new__() takes " + str(len(names) + 1) + " positional arguments but "
                                        + str(len(args) + 1) + " were given")
                    values = list(args)
                    for name in names[len(args):]:
                        if name in kwargs:
                            values.append(kwargs[name])
                        elif name in self._field_defaults:
                            values.append(self._field_defaults[name])
                        else:
                            raise TypeError(self._typename + ".__new__() missing 1 required positional argument: '" + name + "'")
                    _NamedTuple.__init__(self, tuple(values))
            def _make(iterable):
                return _Record(*iterable)
            _Record._make = _make
            _Record._field_defaults = field_defaults
            _Record._fields = fields
            _Record.__match_args__ = fields
            _Record._typename = typename
            _Record.__name__ = typename
            return _Record

        class ChainMap:
            _conclab_match = "mapping"

            def __init__(self, *maps):
                self.maps = list(maps) or [{}]

            def __getitem__(self, key):
                for mapping in self.maps:
                    if key in mapping:
                        return mapping[key]
                raise KeyError(key)

            def get(self, key, default=None):
                return self[key] if key in self else default

            def __contains__(self, key):
                for mapping in self.maps:
                    if key in mapping:
                        return True
                return False

            def __setitem__(self, key, value):
                self.maps[0][key] = value

            def __delitem__(self, key):
                if key not in self.maps[0]:
                    raise KeyError("Key not found in the first mapping: " + repr(key))
                del self.maps[0][key]

            def _keys(self):
                seen = {}
                for mapping in reversed(self.maps):
                    for key in mapping:
                        seen[key] = None
                return list(seen)

            def __len__(self):
                return len(self._keys())

            def __iter__(self):
                return iter(self._keys())

            def keys(self):
                return self._keys()

            def values(self):
                return [self[k] for k in self._keys()]

            def items(self):
                return [(k, self[k]) for k in self._keys()]

            def __bool__(self):
                return any(self.maps)

            def new_child(self, m=None):
                return ChainMap({} if m is None else m, *self.maps)

            @property
            def parents(self):
                return ChainMap(*self.maps[1:])

            def __eq__(self, other):
                return dict(self.items()) == dict(other.items())

            def __repr__(self):
                return "ChainMap(" + ", ".join([repr(m) for m in self.maps]) + ")"
        """)
}
