import LabCore

/// `dataclasses`: `@dataclass` and `@dataclass(...)` (init, repr, eq, order, frozen), `field`, `fields`, `asdict`,
/// `astuple`, `replace`, `is_dataclass` and `FrozenInstanceError`, written in Python over the class's
/// `__annotations__`, as CPython's module is. The generated `__init__` takes `*args, **kwargs` and binds them itself,
/// with the words CPython's generated `__init__` would give for a missing or unexpected argument. What it does not
/// build (`slots=`, `kw_only=`, `unsafe_hash=`, `InitVar`, `KW_ONLY`, `make_dataclass`) raises "conclab's Python does
/// not support …" by name.
enum DataclassesModule {
    static let definition = ModuleDefinition("dataclasses", natives: [
        Builtin("_isclass") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return .bool(a[0].isObject && a[0].object.kind == .cls)
        },
        Builtin("_has_own") { ts, a throws(PyError) in
            // Whether the class itself (not a base) sets the attribute: what `name in cls.__dict__` says.
            try a.expect(2...2, ts)
            guard a[0].isObject, a[0].object.kind == .cls, let name = ts.string(a[1]) else { return .false }
            let id = ts.runtime.intern(name)
            return .bool(unsafeDowncast(a[0].object, to: PyClass.self).attributes.withLock { $0[id] } != nil)
        },
        Builtin("_own_names") { ts, a throws(PyError) in
            // The names the class itself sets (`cls.__dict__`'s keys), in order.
            try a.expect(1...1, ts)
            guard a[0].isObject, a[0].object.kind == .cls else { return ts.newList([]) }
            let names = unsafeDowncast(a[0].object, to: PyClass.self).attributes.withLock { $0.names }
            return ts.newList(names.map { ts.newString(ts.runtime.name(ofInterned: $0)) })
        },
        Builtin("_unhashable") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            do throws(PyError) { _ = try ts.dictKey(a[0]) } catch {
                if error.type === ts.runtime.classes.typeError { return .true }
                throw error
            }
            return .false
        },
        Builtin("_unsupported") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            throw ts.error(ts.runtime.classes.notImplementedError, "conclab's Python does not support \(ts.string(a[0]) ?? "this")")
        },
    ], source: source)

    static let source = #"""
class FrozenInstanceError(AttributeError):
    pass

class _MISSING_TYPE:
    def __repr__(self):
        return '<dataclasses._MISSING_TYPE object>'

MISSING = _MISSING_TYPE()

class _Unsupported:
    def __init__(self, name):
        self.name = name
    def __getitem__(self, item):
        _unsupported(self.name)
    def __call__(self, *args, **kwargs):
        _unsupported(self.name)

InitVar = _Unsupported('dataclasses.InitVar')
KW_ONLY = _Unsupported('dataclasses.KW_ONLY')

def make_dataclass(*args, **kwargs):
    _unsupported('dataclasses.make_dataclass')

class Field:
    def __init__(self, default, default_factory, init, repr, hash, compare, metadata):
        self.name = None
        self.type = None
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.hash = hash
        self.compare = compare
        self.metadata = {} if metadata is None else metadata

    def __repr__(self):
        return ('Field(name=' + repr(self.name) + ',type=' + repr(self.type) + ',default=' + repr(self.default)
                + ',default_factory=' + repr(self.default_factory) + ',init=' + repr(self.init) + ',repr='
                + repr(self.repr) + ',hash=' + repr(self.hash) + ',compare=' + repr(self.compare) + ')')

def field(*, default=MISSING, default_factory=MISSING, init=True, repr=True, hash=None, compare=True,
          metadata=None, kw_only=MISSING):
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError('cannot specify both default and default_factory')
    if kw_only is not MISSING:
        _unsupported('field(kw_only=...)')
    return Field(default, default_factory, init, repr, hash, compare, metadata)

def _has_default(f):
    return f.default is not MISSING or f.default_factory is not MISSING

def _quoted_list(names):
    quoted = ["'" + n + "'" for n in names]
    if len(quoted) == 1:
        return quoted[0]
    if len(quoted) == 2:
        return quoted[0] + ' and ' + quoted[1]
    return ', '.join(quoted[:-1]) + ', and ' + quoted[-1]

def _make_init(cls, flds, frozen):
    qual = cls.__qualname__ + '.__init__()'
    params = [f for f in flds if f.init]
    names = [f.name for f in params]
    required = len([f for f in params if not _has_default(f)])

    def __init__(self, *args, **kwargs):
        if len(args) > len(params):
            given = len(args) + 1
            if required == len(params):
                took = str(len(params) + 1) + ' positional argument' + ('' if len(params) == 0 else 's')
            else:
                took = 'from ' + str(required + 1) + ' to ' + str(len(params) + 1) + ' positional arguments'
            raise TypeError(qual + ' takes ' + took + ' but ' + str(given) + (' was' if given == 1 else ' were') + ' given')
        values = {}
        for i in range(len(args)):
            values[names[i]] = args[i]
        for k in kwargs:
            if k not in names:
                raise TypeError(qual + " got an unexpected keyword argument '" + k + "'")
            if k in values:
                raise TypeError(qual + " got multiple values for argument '" + k + "'")
            values[k] = kwargs[k]
        missing = [f.name for f in params if f.name not in values and not _has_default(f)]
        if missing:
            raise TypeError(qual + ' missing ' + str(len(missing)) + ' required positional argument'
                            + ('' if len(missing) == 1 else 's') + ': ' + _quoted_list(missing))
        for f in flds:
            if f.init and f.name in values:
                value = values[f.name]
            elif f.default_factory is not MISSING:
                value = f.default_factory()
            elif f.default is not MISSING:
                value = f.default
            else:
                continue
            if frozen:
                object.__setattr__(self, f.name, value)
            else:
                setattr(self, f.name, value)
        if hasattr(self, '__post_init__'):
            self.__post_init__()
    return __init__

def _make_repr(flds):
    shown = [f.name for f in flds if f.repr]
    def __repr__(self):
        return self.__class__.__qualname__ + '(' + ', '.join([n + '=' + repr(getattr(self, n)) for n in shown]) + ')'
    return __repr__

def _make_eq(flds):
    compared = [f.name for f in flds if f.compare]
    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return tuple([getattr(self, n) for n in compared]) == tuple([getattr(other, n) for n in compared])
        return self is other
    return __eq__

def _make_order(flds, symbol):
    compared = [f.name for f in flds if f.compare]
    def check(self, other):
        if other.__class__ is not self.__class__:
            raise TypeError("'" + symbol + "' not supported between instances of '" + type(self).__name__
                            + "' and '" + type(other).__name__ + "'")
        return tuple([getattr(self, n) for n in compared]), tuple([getattr(other, n) for n in compared])
    if symbol == '<':
        def __lt__(self, other):
            a, b = check(self, other)
            return a < b
        return __lt__
    if symbol == '<=':
        def __le__(self, other):
            a, b = check(self, other)
            return a <= b
        return __le__
    if symbol == '>':
        def __gt__(self, other):
            a, b = check(self, other)
            return a > b
        return __gt__
    def __ge__(self, other):
        a, b = check(self, other)
        return a >= b
    return __ge__

def _make_frozen(cls, flds):
    names = [f.name for f in flds]
    def __setattr__(self, name, value):
        if type(self) is cls or name in names:
            raise FrozenInstanceError('cannot assign to field ' + repr(name))
        super(cls, self).__setattr__(name, value)
    def __delattr__(self, name):
        if type(self) is cls or name in names:
            raise FrozenInstanceError('cannot delete field ' + repr(name))
        super(cls, self).__delattr__(name)
    return __setattr__, __delattr__

def _set_new_attribute(cls, name, value):
    if _has_own(cls, name):
        return True
    setattr(cls, name, value)
    return False

def _process_class(cls, init, repr, eq, order, frozen):
    fields = {}
    any_frozen_base = False
    has_dataclass_bases = False
    for b in reversed(cls.__mro__[1:]):
        base_fields = getattr(b, '__dataclass_fields__', None)
        if base_fields is not None:
            has_dataclass_bases = True
            for f in base_fields.values():
                fields[f.name] = f
            if getattr(b, '__dataclass_params__')['frozen']:
                any_frozen_base = True
    for name, type_ in cls.__annotations__.items():
        if type(type_).__name__ == '_Alias' and type_._name == 'ClassVar':
            continue
        default = getattr(cls, name, MISSING)
        if isinstance(default, Field):
            f = default
        else:
            f = field(default=default)
        f.name = name
        f.type = type_
        if f.default is not MISSING and _unhashable(f.default):
            raise ValueError('mutable default ' + str(type(f.default)) + ' for field ' + name
                             + ' is not allowed: use default_factory')
        fields[name] = f
        if isinstance(default, Field):
            if f.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, f.default)
    if has_dataclass_bases:
        if any_frozen_base and not frozen:
            raise TypeError('cannot inherit non-frozen dataclass from a frozen one')
        if not any_frozen_base and frozen:
            raise TypeError('cannot inherit frozen dataclass from a non-frozen one')
    for name in _own_names(cls):
        if isinstance(getattr(cls, name, None), Field) and name not in cls.__annotations__:
            raise TypeError("'" + name + "' is a field but has no type annotation")
    cls.__dataclass_fields__ = fields
    cls.__dataclass_params__ = {'init': init, 'repr': repr, 'eq': eq, 'order': order, 'frozen': frozen}
    flds = list(fields.values())
    if init:
        seen_default = False
        for f in flds:
            if f.init:
                if _has_default(f):
                    seen_default = True
                elif seen_default:
                    raise TypeError('non-default argument ' + "'" + f.name + "'" + ' follows default argument')
        _set_new_attribute(cls, '__init__', _make_init(cls, flds, frozen))
    if repr:
        _set_new_attribute(cls, '__repr__', _make_repr(flds))
    if eq:
        _set_new_attribute(cls, '__eq__', _make_eq(flds))
    if order:
        if not eq:
            raise ValueError('eq must be true if order is true')
        for name, symbol in [('__lt__', '<'), ('__le__', '<='), ('__gt__', '>'), ('__ge__', '>=')]:
            if _set_new_attribute(cls, name, _make_order(flds, symbol)):
                raise TypeError('Cannot overwrite attribute ' + name + ' in class ' + cls.__name__
                                + '. Consider using functools.total_ordering')
    if eq and frozen and not _has_own(cls, '__hash__'):
        # Hashed by its fields as CPython's generated __hash__ does (conclab keys it by them: see dataclassKey).
        cls._dataclass_hash_fields = tuple([f.name for f in flds if (f.compare if f.hash is None else f.hash)])
    if frozen:
        setter, deleter = _make_frozen(cls, flds)
        if _set_new_attribute(cls, '__setattr__', setter):
            raise TypeError('Cannot overwrite attribute __setattr__ in class ' + cls.__name__)
        if _set_new_attribute(cls, '__delattr__', deleter):
            raise TypeError('Cannot overwrite attribute __delattr__ in class ' + cls.__name__)
    return cls

def dataclass(cls=None, *, init=True, repr=True, eq=True, order=False, unsafe_hash=False, frozen=False,
              match_args=True, kw_only=False, slots=False, weakref_slot=False):
    if unsafe_hash:
        _unsupported('dataclass(unsafe_hash=True)')
    if kw_only:
        _unsupported('dataclass(kw_only=True)')
    if slots:
        _unsupported('dataclass(slots=True)')
    if weakref_slot:
        _unsupported('dataclass(weakref_slot=True)')
    def wrap(c):
        return _process_class(c, init, repr, eq, order, frozen)
    if cls is None:
        return wrap
    return wrap(cls)

def fields(class_or_instance):
    found = getattr(class_or_instance, '__dataclass_fields__', None)
    if found is None:
        raise TypeError('must be called with a dataclass type or instance')
    return tuple(found.values())

def is_dataclass(obj):
    return hasattr(obj, '__dataclass_fields__')

def _is_dataclass_instance(obj):
    return hasattr(obj, '__dataclass_fields__') and not _isclass(obj)

def _asdict_inner(obj):
    if _is_dataclass_instance(obj):
        result = {}
        for f in fields(obj):
            result[f.name] = _asdict_inner(getattr(obj, f.name))
        return result
    if isinstance(obj, list):
        return [_asdict_inner(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple([_asdict_inner(v) for v in obj])
    if isinstance(obj, dict):
        return {_asdict_inner(k): _asdict_inner(v) for k, v in obj.items()}
    return obj

def _astuple_inner(obj):
    if _is_dataclass_instance(obj):
        return tuple([_astuple_inner(getattr(obj, f.name)) for f in fields(obj)])
    if isinstance(obj, list):
        return [_astuple_inner(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple([_astuple_inner(v) for v in obj])
    if isinstance(obj, dict):
        return {_astuple_inner(k): _astuple_inner(v) for k, v in obj.items()}
    return obj

def asdict(obj, *, dict_factory=None):
    if not _is_dataclass_instance(obj):
        raise TypeError('asdict() should be called on dataclass instances')
    if dict_factory is not None:
        _unsupported('asdict(dict_factory=...)')
    return _asdict_inner(obj)

def astuple(obj, *, tuple_factory=None):
    if not _is_dataclass_instance(obj):
        raise TypeError('astuple() should be called on dataclass instances')
    if tuple_factory is not None:
        _unsupported('astuple(tuple_factory=...)')
    return _astuple_inner(obj)

def replace(obj, **changes):
    if not _is_dataclass_instance(obj):
        raise TypeError('replace() should be called on dataclass instances')
    for f in fields(obj):
        if not f.init:
            if f.name in changes:
                raise ValueError('field ' + f.name + ' is declared with init=False, it cannot be specified with replace()')
            continue
        if f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)
"""#
}
