/// `abc` and `enum`: what CPython's metaclasses (ABCMeta, EnumType) give a class, as a flag on the class that the
/// interpreter reads (`PyClass.abstractBase`, `PyClass.classHooks`), set by each module's own native.
enum ClassModules {
    /// `enum`: `Enum` and `auto`. The class-level behaviour CPython's EnumType metaclass gives (iteration, len,
    /// `Color['RED']`, `Color(1)`) goes through the class's `_conclab_class_*` functions; no metaclasses otherwise,
    /// and `IntEnum`, `Flag` and the functional API are refused by name.
    static let `enum` = ModuleDefinition("enum", natives: enumNatives, source: """
        class auto:
            pass

        class Enum:
            def _conclab_class_init(cls):
                members = []
                by_value = {}
                by_name = {}
                last = 0
                for name, value in _class_items(cls):
                    if name.startswith("_") or callable(value) or type(value).__name__ in ("property", "classmethod", "staticmethod"):
                        continue
                    if isinstance(value, auto):
                        value = last + 1
                    if type(value) is int:
                        last = value
                    if value in by_value:
                        setattr(cls, name, by_value[value])
                        by_name[name] = by_value[value]
                        continue
                    member = _bare_instance(cls)
                    member._name_ = name
                    member._value_ = value
                    setattr(cls, name, member)
                    by_value[value] = member
                    by_name[name] = member
                    members.append(member)
                if members:
                    cls._conclab_members = members
                    cls._conclab_by_value = by_value
                    cls._conclab_by_name = by_name

            def _conclab_class_iter(cls):
                return list(getattr(cls, "_conclab_members", []))

            def _conclab_class_len(cls):
                return len(getattr(cls, "_conclab_members", []))

            def _conclab_class_getitem(cls, name):
                return getattr(cls, "_conclab_by_name", {})[name]

            def _conclab_class_call(cls, *args):
                if len(args) != 1:
                    raise TypeError("conclab's Python does not support Enum's functional API (Enum('Name', ...))")
                value = args[0]
                by_value = getattr(cls, "_conclab_by_value", {})
                if value in by_value:
                    return by_value[value]
                raise ValueError(repr(value) + " is not a valid " + cls.__qualname__)

            @property
            def name(self):
                return self._name_

            @property
            def value(self):
                return self._value_

            def __repr__(self):
                return "<" + type(self).__name__ + "." + self._name_ + ": " + repr(self._value_) + ">"

            def __str__(self):
                return type(self).__name__ + "." + self._name_

        _make_class_hooks(Enum)
        """)

    /// `abc`: `ABC` and `abstractmethod` (an instance of a class that still has an abstract method is CPython's
    /// TypeError). No metaclasses: `ABCMeta` and `register` are refused by name.
    static let abc = ModuleDefinition("abc", natives: abcNatives, source: """
        def abstractmethod(funcobj):
            funcobj._conclab_abstract = True
            return funcobj

        class ABC:
            pass

        _make_abstract_base(ABC)
        """)

    static let abcNatives: [Builtin] = [
        Builtin("_make_abstract_base") { ts, a throws(PyError) in
            // abc.ABC: its subclasses check for abstract methods left when an instance is made.
            let cls = try classArgument(ts, a, "_make_abstract_base")
            cls.abstractBase.store(true, ordering: .relaxed)
            return .none
        },
    ]

    static let enumNatives: [Builtin] = [
        Builtin("_make_class_hooks") { ts, a throws(PyError) in
            // enum.Enum: the class answers iteration, len, cls[name] and cls(value) itself (see PyClass.classHooks).
            let cls = try classArgument(ts, a, "_make_class_hooks")
            cls.classHooks.store(true, ordering: .relaxed)
            return .none
        },
        Builtin("_bare_instance") { ts, a throws(PyError) in
            // An instance of the class with no __init__ run (CPython's object.__new__(cls)): an enum's member.
            let cls = try classArgument(ts, a, "_bare_instance")
            ts.incref(a[0])
            return ts.allocate(PyInstance(cls: cls, classValue: a[0], arguments: [], id: ts.runtime.heap.newID(), owner: ts.ownerForNew))
        },
        Builtin("_class_items") { ts, a throws(PyError) in
            // A class's own attributes, in the order its body set them, as (name, value) pairs.
            let cls = try classArgument(ts, a, "_class_items")
            return ts.attributePairs(cls.attributes.withLock { $0 })
        },
    ]

    /// The one argument of these natives: a class.
    private static func classArgument(_ ts: PyThreadState, _ a: BuiltinArgs, _ name: String) throws(PyError) -> PyClass {
        try a.expect(1...1, ts)
        guard a[0].isObject, a[0].object.kind == .cls else { throw ts.typeError("\(name)() needs a class") }
        return unsafeDowncast(a[0].object, to: PyClass.self)
    }
}
