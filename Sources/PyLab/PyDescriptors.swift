import LabOS
import Synchronization
import LabCore

/// `property`, `classmethod` and `staticmethod`: what a class attribute gives when it is read through an instance or
/// the class (CPython's descriptor protocol, for these three built-in descriptors only).
///
/// A property is a data descriptor: setting or deleting the attribute on an instance calls its setter or deleter.
/// Plain classes never pay for that: a class that has a property (or `__setattr__`/`__delattr__`) is marked when it
/// is made (`PyClass.hooksAttributes`), and only a marked class's instances take the slow path of a store.
package final class PyDescriptor: PyObject, @unchecked Sendable {
    package enum Flavor: String, Sendable { case property, classmethod, staticmethod }
    package let flavor: Flavor
    /// A property's fget, fset, fdel and doc (None when absent); a classmethod's or staticmethod's function is `getter`.
    package let getter: PyValue, setter: PyValue, deleter: PyValue, doc: PyValue
    /// The class attribute's name (what CPython's `__set_name__` records), for the errors of a property.
    package let name = Locked<String?>(nil)
    package let released = Atomic<Bool>(false)

    package init(_ flavor: Flavor, getter: PyValue, setter: PyValue = .none, deleter: PyValue = .none, doc: PyValue = .none,
                 id: Int, owner: Int) {
        self.flavor = flavor
        self.getter = getter
        self.setter = setter
        self.deleter = deleter
        self.doc = doc
        super.init(kind: .descriptor, id: id, immortal: false, owner: owner)
    }

    private var held: [PyValue] { [getter, setter, deleter, doc] }
    package override func references() -> [PyValue] { released.load(ordering: .acquiring) ? [] : held }
    package override func takeReferences() -> [PyValue] {
        released.exchange(true, ordering: .acquiringAndReleasing) ? [] : held
    }
}

extension Builtins {
    /// `property(fget, fset, fdel, doc)`, `classmethod(f)`, `staticmethod(f)` and a property's `getter`, `setter`,
    /// `deleter` (each a copy with one function replaced, as `@x.setter` needs).
    static let descriptorFunctions: [Builtin] = [
        Builtin("property") { ts, a throws(PyError) in
            let names = ["fget", "fset", "fdel", "doc"]
            try a.expect(0...4, keywords: names, ts)
            let parts = (0..<4).map { i in i < a.count ? a[i] : a.keyword(names[i]) ?? .none }
            return ts.newDescriptor(.property, parts)
        },
        Builtin("classmethod") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return ts.newDescriptor(.classmethod, [a[0]])
        },
        Builtin("staticmethod") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return ts.newDescriptor(.staticmethod, [a[0]])
        },
        Builtin("delattr") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            guard let n = ts.string(a[1]) else { throw ts.typeError("attribute name must be string, not '\(ts.typeName(a[1]))'") }
            try ts.deleteAttribute(a[0], ts.runtime.intern(n))
            return .none
        },
        Builtin("getter", on: .descriptor) { ts, a throws(PyError) in try ts.propertyCopy(a, replacing: 0) },
        Builtin("setter", on: .descriptor) { ts, a throws(PyError) in try ts.propertyCopy(a, replacing: 1) },
        Builtin("deleter", on: .descriptor) { ts, a throws(PyError) in try ts.propertyCopy(a, replacing: 2) },
    ]
}

extension PyThreadState {
    /// A new descriptor of borrowed parts (fget, fset, fdel, doc; missing ones are None).
    func newDescriptor(_ flavor: PyDescriptor.Flavor, _ parts: [PyValue]) -> PyValue {
        let p = (0..<4).map { i in i < parts.count ? parts[i] : .none }
        for v in p { incref(v) }
        return allocate(PyDescriptor(flavor, getter: p[0], setter: p[1], deleter: p[2], doc: p[3], id: runtime.heap.newID(), owner: ownerForNew))
    }

    /// `prop.setter(f)` and its kin: the property again with function `index` (0 fget, 1 fset, 2 fdel) replaced.
    func propertyCopy(_ a: BuiltinArgs, replacing index: Int) throws(PyError) -> PyValue {
        try a.expect(2...2, self)
        let d = unsafeDowncast(a[0].object, to: PyDescriptor.self)
        guard d.flavor == .property else {
            throw error(runtime.classes.attributeError, "'\(d.flavor.rawValue)' object has no attribute '\(["getter", "setter", "deleter"][index])'")
        }
        var parts = [d.getter, d.setter, d.deleter, d.doc]
        parts[index] = a[1]
        let copy = newDescriptor(.property, parts)
        unsafeDowncast(copy.object, to: PyDescriptor.self).name.withLock { $0 = d.name.withLock { $0 } }
        return copy
    }

    /// What descriptor `d`, found on a class, gives when read through `instance` (nil: through the class itself,
    /// `classValue`). An owned reference.
    func descriptorGet(_ d: PyDescriptor, instance: PyValue?, classValue: PyValue) throws(PyError) -> PyValue {
        switch d.flavor {
        case .property:
            guard let instance else {
                let v = PyValue.object(Unmanaged.passUnretained(d))
                incref(v)
                return v
            }
            guard d.getter != .none else { throw propertyError(d, instance, "getter") }
            return try call(d.getter, [instance])
        case .classmethod:
            incref(d.getter)
            incref(classValue)
            return allocate(PyMethod(function: d.getter, selfValue: classValue, id: runtime.heap.newID(), owner: ownerForNew))
        case .staticmethod:
            incref(d.getter)
            return d.getter
        }
    }

    /// CPython 3.11's words: "property 'x' of 'C' object has no setter".
    func propertyError(_ d: PyDescriptor, _ instance: PyValue, _ missing: String) -> PyError {
        let name = d.name.withLock { $0 }.map { "'\($0)' " } ?? ""
        return error(runtime.classes.attributeError, "property \(name)of '\(typeName(instance))' object has no \(missing)")
    }

    /// A property of `cls` (or its ancestors) named `name`, borrowed.
    func property(_ cls: PyClass, _ name: Int) -> PyDescriptor? {
        guard let v = cls.lookup(name), v.isObject, v.object.kind == .descriptor else { return nil }
        let d = unsafeDowncast(v.object, to: PyDescriptor.self)
        return d.flavor == .property ? d : nil
    }

    /// Marks `cls` when attribute `name` (now `value`) makes its instances' stores take the slow path, and gives a
    /// property its name (CPython's `__set_name__`).
    func noteClassAttribute(_ cls: PyClass, _ name: Int, _ value: PyValue) {
        if value.isObject, value.object.kind == .descriptor {
            let d = unsafeDowncast(value.object, to: PyDescriptor.self)
            guard d.flavor == .property else { return }
            d.name.withLock { n in if n == nil { n = runtime.name(ofInterned: name) } }
            markHooks(cls)
        } else if name == runtime.names.setattrID || name == runtime.names.delattrID {
            markHooks(cls)
        }
    }

    /// Sends `cls`'s instances, and its subclasses' made so far, through the slow path of a store.
    private func markHooks(_ cls: PyClass) {
        if cls.hooksAttributes.exchange(true, ordering: .relaxed) { return }
        for sub in cls.subclasses.withLock({ $0.compactMap(\.cls) }) { sub.hooksAttributes.store(true, ordering: .relaxed) }
    }

    /// After a class body ran: every attribute it set, noted as `noteClassAttribute` does.
    func noteClassAttributes(_ cls: PyClass) {
        let map = cls.attributes.withLock { $0 }
        for (name, value) in zip(map.names, map.values) { noteClassAttribute(cls, name, value) }
    }

    /// `obj.name = value` on an instance of a marked class: its `__setattr__`, else `object.__setattr__`. Takes over
    /// `value`'s reference on success.
    func setHookedAttribute(_ inst: PyInstance, _ obj: PyValue, _ name: Int, _ value: PyValue) throws(PyError) {
        if let hook = inst.cls.lookup(runtime.names.setattrID) {
            let nameValue = newString(runtime.name(ofInterned: name))
            defer { decref(nameValue) }
            let r = try call(hook, [obj, nameValue, value])
            decref(r)
            decref(value)
            return
        }
        try setGenericAttribute(inst, obj, name, value)
    }

    /// `object.__setattr__`: a property's setter, else the instance's own table. Takes over `value` on success.
    func setGenericAttribute(_ inst: PyInstance, _ obj: PyValue, _ name: Int, _ value: PyValue) throws(PyError) {
        if let d = property(inst.cls, name) {
            guard d.setter != .none else { throw propertyError(d, obj, "setter") }
            let r = try call(d.setter, [obj, value])
            decref(r)
            decref(value)
            return
        }
        let key = try attributeKey(inst, name)
        let old = inst.attributes.withLock { a in
            let previous = a[key]
            a[key] = value
            return previous
        }
        if let old { decref(old) }
    }

    /// `del obj.name` on an instance of a marked class: its `__delattr__`, else `object.__delattr__`.
    func deleteHookedAttribute(_ inst: PyInstance, _ obj: PyValue, _ name: Int) throws(PyError) {
        if let hook = inst.cls.lookup(runtime.names.delattrID) {
            let nameValue = newString(runtime.name(ofInterned: name))
            defer { decref(nameValue) }
            decref(try call(hook, [obj, nameValue]))
            return
        }
        try deleteGenericAttribute(inst, obj, name)
    }

    /// `object.__delattr__`: a property's deleter, else the instance's own table.
    func deleteGenericAttribute(_ inst: PyInstance, _ obj: PyValue, _ name: Int) throws(PyError) {
        if let d = property(inst.cls, name) {
            guard d.deleter != .none else { throw propertyError(d, obj, "deleter") }
            decref(try call(d.deleter, [obj]))
            return
        }
        let key = try attributeKey(inst, name)
        guard let old = inst.attributes.withLock({ $0.removeValue(forKey: key) }) else { throw attributeError(obj, name) }
        decref(old)
    }

    /// `object.__setattr__` / `object.__delattr__` as functions (`object.__setattr__(self, 'x', 1)`), with `bound`
    /// (an owned reference to the instance, for `super().__setattr__`) or unbound.
    func genericAttributeFunction(_ name: Int, bound: [PyValue]) -> PyValue {
        let setting = name == runtime.names.setattrID
        return newNative(Builtin(setting ? "__setattr__" : "__delattr__") { ts, a throws(PyError) in
            try a.expect(setting ? 3...3 : 2...2, ts)
            guard a[0].isObject, a[0].object.kind == .instance else {
                throw ts.typeError("descriptor '\(setting ? "__setattr__" : "__delattr__")' requires a 'object' object but received a '\(ts.typeName(a[0]))'")
            }
            guard let text = ts.string(a[1]) else { throw ts.typeError("attribute name must be string, not '\(ts.typeName(a[1]))'") }
            let inst = unsafeDowncast(a[0].object, to: PyInstance.self)
            let id = ts.runtime.intern(text)
            if setting {
                ts.incref(a[2])
                do throws(PyError) { try ts.setGenericAttribute(inst, a[0], id, a[2]) } catch {
                    ts.decref(a[2])
                    throw error
                }
            } else {
                try ts.deleteGenericAttribute(inst, a[0], id)
            }
            return .none
        }, bound: bound)
    }

    /// `fget`, `fset`, `fdel`, `__func__` of a descriptor (owned), or nil.
    func descriptorAttribute(_ d: PyDescriptor, _ name: Int) -> PyValue? {
        let v: PyValue
        switch runtime.name(ofInterned: name) {
        case "fget" where d.flavor == .property: v = d.getter
        case "fset" where d.flavor == .property: v = d.setter
        case "fdel" where d.flavor == .property: v = d.deleter
        case "__func__" where d.flavor != .property: v = d.getter
        default: return nil
        }
        incref(v)
        return v
    }

    /// `C.__annotations__`: the class's own (CPython 3.10+ does not inherit them), made empty when it has none.
    func classAnnotations(_ cls: PyClass) throws(PyError) -> PyValue {
        let id = runtime.names.annotationsID
        if let v = cls.attributes.withLock({ $0[id] }) {
            incref(v)
            return v
        }
        if cls.immortal { throw attributeError(.object(Unmanaged.passUnretained(cls)), id) }
        let d = allocate(PyDict(id: runtime.heap.newID(), owner: ownerForNew))
        incref(d)
        let old = cls.attributes.withLock { a in
            let previous = a[id]
            a[id] = d
            return previous
        }
        if let old { decref(old) }
        return d
    }
}
