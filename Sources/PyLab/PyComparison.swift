import LabCore

/// Equality, ordering and `in` on snippet values.
extension PyThreadState {
    package func equals(_ a: PyValue, _ b: PyValue, depth: Int = 0) throws(PyError) -> Bool {
        // The same object is equal to itself, except a float NaN compared directly (a container's items go by identity).
        if a == b { return depth > 0 || floatValue(a).map { !$0.isNaN } ?? true }
        if let x = asInt(a), let y = asInt(b) { return x == y }
        if let order = numberOrder(a, b) { return order == 0 }
        guard a.isObject, b.isObject else {
            if (a.isObject && a.object.kind == .instance) || (b.isObject && b.object.kind == .instance) {
                return try instanceEquals(a, b)
            }
            return false
        }
        let oa = a.object, ob = b.object
        try check(oa)
        try check(ob)
        if depth > 50 { throw error(runtime.classes.recursionError, "maximum recursion depth exceeded in comparison") }
        switch (oa.kind, ob.kind) {
        case (.str, .str): return PyKey.sameText(unsafeDowncast(oa, to: PyStr.self).value, unsafeDowncast(ob, to: PyStr.self).value)
        case (.bytes, .bytes): return unsafeDowncast(oa, to: PyBytes.self).value == unsafeDowncast(ob, to: PyBytes.self).value
        case (.list, .list), (.tuple, .tuple):
            let x = sequenceItems(oa), y = sequenceItems(ob)
            guard x.count == y.count else { return false }
            for (p, q) in zip(x, y) where try !equals(p, q, depth: depth + 1) { return false }
            return true
        case (.range, .range):
            let x = unsafeDowncast(oa, to: PyRange.self), y = unsafeDowncast(ob, to: PyRange.self)
            return x.start == y.start && x.stop == y.stop && x.step == y.step
        case (.dict, .dict):
            let x = unsafeDowncast(oa, to: PyDict.self).storage.withLock { $0.entries.compactMap { $0 } }
            let ys = unsafeDowncast(ob, to: PyDict.self).storage.withLock { $0 }
            guard x.count == ys.count else { return false }
            for e in x {
                guard let i = ys.keys[try dictKey(e.key)], let other = ys.entries[i] else { return false }
                if try !equals(e.value, other.value, depth: depth + 1) { return false }
            }
            return true
        case (.instance, _), (_, .instance): return try instanceEquals(a, b)
        case (.dictView, .set), (.set, .dictView), (.dictView, .dictView):
            // A keys or items view equals a set (or view) of the same members, as CPython's views are set-like.
            for o in [oa, ob] where o.kind == .dictView && unsafeDowncast(o, to: PyDictView.self).flavor == .values { return false }
            func members(_ v: PyValue) throws(PyError) -> PyValue {
                if v.objectKind == .set { incref(v); return v }
                let items = try collect(v)
                defer { for x in items { decref(x) } }
                return try newSet(items)
            }
            let x = try members(a)
            defer { decref(x) }
            let y = try members(b)
            defer { decref(y) }
            return try equals(x, y, depth: depth + 1)
        case (.set, .set):
            let x = unsafeDowncast(oa, to: PySet.self).members, y = unsafeDowncast(ob, to: PySet.self)
            guard x.count == y.members.count else { return false }
            for v in x where try !setContains(y, v) { return false }
            return true
        default: return false
        }
    }

    /// `a == b` (or `a != b` when `negated`) when either operand is an instance, as a truth.
    package func instanceEquals(_ a: PyValue, _ b: PyValue, negated: Bool = false) throws(PyError) -> Bool {
        let r = try richEquality(a, b, negated: negated)
        defer { decref(r) }
        return try truthy(r)
    }

    /// `a == b` or `a != b` as CPython's rich comparison: the left operand's `__eq__` (`__ne__`), then the right
    /// one's reflected, each passing the turn by returning NotImplemented; the inherited `__ne__` inverts `__eq__`;
    /// identity when nobody answers. A new reference to what the method returned (any value, as in CPython).
    package func richEquality(_ a: PyValue, _ b: PyValue, negated: Bool) throws(PyError) -> PyValue {
        let notImplemented = runtime.notImplemented
        let neID = runtime.intern("__ne__")
        func ask(_ x: PyValue, _ y: PyValue) throws(PyError) -> PyValue? {
            guard x.isObject, x.object.kind == .instance else { return nil }
            let cls = unsafeDowncast(x.object, to: PyInstance.self).cls
            if negated, let m = cls.lookup(neID) {
                let r = try call(m, [x, y])
                if r == notImplemented { return nil }
                return r
            }
            guard let m = cls.lookup(runtime.names.eqID) else { return nil }
            let r = try call(m, [x, y])
            if r == notImplemented { return nil }
            guard negated else { return r }
            defer { decref(r) }
            return .bool(try !truthy(r))
        }
        // A right operand whose class is a subclass overriding the method is asked first, as in CPython.
        if reflectedFirst(a, b, negated ? neID : runtime.names.eqID),
           let r = try ask(b, a) { return r }
        if let r = try ask(a, b) { return r }
        if let r = try ask(b, a) { return r }
        return .bool((a == b) != negated)
    }

    /// Whether `b`'s reflected method goes first: its class is a proper subclass of `a`'s that defines the
    /// reflection (`reflected`) other than where `a`'s class finds it.
    private func reflectedFirst(_ a: PyValue, _ b: PyValue, _ reflected: Int) -> Bool {
        guard a.isObject, b.isObject, a.object.kind == .instance, b.object.kind == .instance else { return false }
        let ca = unsafeDowncast(a.object, to: PyInstance.self).cls, cb = unsafeDowncast(b.object, to: PyInstance.self).cls
        guard ca !== cb, cb.isSubclass(of: ca), let mine = cb.lookup(reflected) else { return false }
        return ca.lookup(reflected) != mine
    }

    /// `a != b`: the negation of `equals`, except that an instance's `__ne__` has its say.
    package func notEquals(_ a: PyValue, _ b: PyValue) throws(PyError) -> Bool {
        if (a.isObject && a.object.kind == .instance) || (b.isObject && b.object.kind == .instance) {
            return try instanceEquals(a, b, negated: true)
        }
        return try !equals(a, b)
    }

    package func sequenceItems(_ o: PyObject) -> [PyValue] {
        switch o.kind {
        case .list: return unsafeDowncast(o, to: PyList.self).items.withLock { $0 }
        case .tuple: return unsafeDowncast(o, to: PyTuple.self).items
        default: return []
        }
    }

    /// An instance's rich comparison for `op` (`__lt__` … `__ge__`), or its reflection on the other operand (`a < b`
    /// asks `b.__gt__(a)` when `a` has no `__lt__`), as an order that makes `op` come out as the method said; nil when
    /// neither operand is an instance with such a method.
    func instanceOrder(_ a: PyValue, _ b: PyValue, _ op: Op) throws(PyError) -> Int? {
        guard let r = try instanceComparison(a, b, op) else { return nil }
        defer { decref(r) }
        let answer = try truthy(r)
        let holdsWhenNegative = op == .compareLT || op == .compareLE
        return answer == holdsWhenNegative ? -1 : 1
    }

    /// `a < b` (… `a >= b`) by the operands' methods: the left one's, then the right one's reflection (`b > a`), each
    /// passing the turn by returning NotImplemented (a right operand of a subclass is asked first). A new reference
    /// to what the method returned; nil when no method answered.
    func instanceComparison(_ a: PyValue, _ b: PyValue, _ op: Op) throws(PyError) -> PyValue? {
        let names: (String, String)
        switch op {
        case .compareLT: names = ("__lt__", "__gt__")
        case .compareLE: names = ("__le__", "__ge__")
        case .compareGT: names = ("__gt__", "__lt__")
        default: names = ("__ge__", "__le__")
        }
        func ask(_ x: PyValue, _ name: String, _ y: PyValue) throws(PyError) -> PyValue? {
            guard x.isObject, x.object.kind == .instance,
                  let m = unsafeDowncast(x.object, to: PyInstance.self).cls.lookup(runtime.intern(name)) else { return nil }
            let r = try call(m, [x, y])
            return r == runtime.notImplemented ? nil : r
        }
        if reflectedFirst(a, b, runtime.intern(names.1)), let r = try ask(b, names.1, a) { return r }
        if let r = try ask(a, names.0, b) { return r }
        return try ask(b, names.1, a)
    }

    /// -1, 0, 1 for the ordered kinds (ints, strings, lists, tuples).
    package func order(_ a: PyValue, _ b: PyValue, _ op: Op) throws(PyError) -> Int {
        if let x = asInt(a), let y = asInt(b) { return x < y ? -1 : x == y ? 0 : 1 }
        if (a.isObject && a.object.kind == .instance) || (b.isObject && b.object.kind == .instance),
           let order = try instanceOrder(a, b, op) { return order }
        // NaN is unordered: every comparison with it is false (`compare` asks first), and sorting keeps it in place.
        if let order = numberOrder(a, b) { return order ?? 0 }
        if let x = string(a), let y = string(b) { return PyKey.textPrecedes(x, y) ? -1 : PyKey.sameText(x, y) ? 0 : 1 }
        if let order = bytesOrder(a, b) { return order }
        if a.isObject, b.isObject, a.object.kind == b.object.kind, a.object.kind == .list || a.object.kind == .tuple {
            let x = sequenceItems(a.object), y = sequenceItems(b.object)
            for (p, q) in zip(x, y) {
                if try equals(p, q) { continue }
                return try order(p, q, op)
            }
            return x.count < y.count ? -1 : x.count == y.count ? 0 : 1
        }
        throw typeError("'\(Self.symbol(op))' not supported between instances of '\(typeName(a))' and '\(typeName(b))'")
    }

    package func compare(_ op: Op, _ a: PyValue, _ b: PyValue) throws(PyError) -> PyValue {
        if (a.isObject && a.object.kind == .instance) || (b.isObject && b.object.kind == .instance) {
            if let r = try instanceComparison(a, b, op) { return r }
            throw typeError("'\(Self.symbol(op))' not supported between instances of '\(typeName(a))' and '\(typeName(b))'")
        }
        if a.isObject, b.isObject, a.objectKind == .set, b.objectKind == .set {
            return .bool(try setCompare(op, unsafeDowncast(a.object, to: PySet.self), unsafeDowncast(b.object, to: PySet.self)))
        }
        if let order = numberOrder(a, b), order == nil { return .false }
        let comparison: PyInt.Comparison
        switch op {
        case .compareLT: comparison = .less
        case .compareLE: comparison = .lessOrEqual
        case .compareGT: comparison = .greater
        default: comparison = .greaterOrEqual
        }
        return .bool(comparison.holds(try order(a, b, op), 0))
    }

    /// `a <= b` (subset), `a < b` (proper subset), `a >= b`, `a > b` on sets and frozensets.
    private func setCompare(_ op: Op, _ a: PySet, _ b: PySet) throws(PyError) -> Bool {
        func isSubset(_ x: PySet, _ y: PySet) throws(PyError) -> Bool {
            for v in x.members where try !setContains(y, v) { return false }
            return true
        }
        let (na, nb) = (a.storage.withLock { $0.count }, b.storage.withLock { $0.count })
        switch op {
        case .compareLE: return na <= nb ? try isSubset(a, b) : false
        case .compareLT: return na < nb ? try isSubset(a, b) : false
        case .compareGE: return nb <= na ? try isSubset(b, a) : false
        default: return nb < na ? try isSubset(b, a) : false
        }
    }

    package func contains(_ container: PyValue, _ item: PyValue) throws(PyError) -> Bool {
        guard container.isObject else { throw typeError("argument of type '\(typeName(container))' is not iterable") }
        if container.objectKind == .dict && container.unmanaged._withUnsafeGuaranteedRef({ $0.freedBy.load(ordering: .relaxed) == 0 }) {
            // `key in d` without retaining the dict, the common case of this test.
            let (key, h) = try hashedKey(item)
            let alone = self.alone
            return container.unmanaged._withUnsafeGuaranteedRef { o in
                unsafeDowncast(o, to: PyDict.self).storage.withLock(alone: alone) { $0.keys.find(key, hash: h) != nil }
            }
        }
        let o = container.object
        try check(o)
        switch o.kind {
        case .str:
            guard let needle = string(item) else { throw typeError("'in <string>' requires string as left operand, not \(typeName(item))") }
            let hay = unsafeDowncast(o, to: PyStr.self).value
            return needle.isEmpty || hay.pyContains(needle)
        case .bytes:
            return try bytesContain(unsafeDowncast(o, to: PyBytes.self).value, item)
        case .list, .tuple:
            for v in sequenceItems(o) where try equals(v, item, depth: 1) { return true }
            return false
        case .dict:
            let key = try dictKey(item)
            return unsafeDowncast(o, to: PyDict.self).storage.withLock { $0.keys[key] != nil }
        case .set:
            return try setContains(unsafeDowncast(o, to: PySet.self), item)
        case .range:
            let r = unsafeDowncast(o, to: PyRange.self)
            guard let x = asInt(item) else { return false }
            if r.step > 0 { return x >= r.start && x < r.stop && (x - r.start) % r.step == 0 }
            return x <= r.start && x > r.stop && (r.start - x) % (-r.step) == 0
        case .instance:
            if let m = unsafeDowncast(o, to: PyInstance.self).cls.lookup(runtime.intern("__contains__")) {
                let r = try call(m, [container, item])
                defer { decref(r) }
                return try truthy(r)
            }
            fallthrough
        default:
            let it = try iterate(container)
            defer { decref(it) }
            while let v = try iterNext(it) {
                let same = try equals(v, item)
                decref(v)
                if same { return true }
            }
            return false
        }
    }
}
