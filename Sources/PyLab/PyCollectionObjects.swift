import LabOS
import Synchronization
import LabCore

/// A variable shared between a function and the functions nested in it (`MAKE_CELL`, `LOAD_DEREF`,
/// `STORE_DEREF`): the closure holds the cell, not the value, so `nonlocal` assignments are seen on both sides.
package final class PyCell: PyObject, @unchecked Sendable {
    /// The value's bits (`PyValue.unbound` when empty); a counted reference.
    package let contents: Atomic<UInt64>
    package init(_ value: PyValue, id: Int, owner: Int) {
        contents = Atomic(value.bits)
        super.init(kind: .cell, id: id, immortal: false, owner: owner)
    }
    package var value: PyValue { PyValue(bits: contents.load(ordering: .acquiring)) }
    package override func references() -> [PyValue] { value.isObject ? [value] : [] }
    package override func takeReferences() -> [PyValue] {
        let v = PyValue(bits: contents.exchange(PyValue.unbound.bits, ordering: .acquiringAndReleasing))
        return v.isObject ? [v] : []
    }
}

/// `super()` in a method: the class whose bases to search and the instance to bind what it finds to.
package final class PySuper: PyObject, @unchecked Sendable {
    package let cls: PyClass
    package let classValue: PyValue
    package let selfValue: PyValue
    package let released = Atomic<Bool>(false)
    package init(cls: PyClass, classValue: PyValue, selfValue: PyValue, id: Int, owner: Int) {
        self.cls = cls
        self.classValue = classValue
        self.selfValue = selfValue
        super.init(kind: .superProxy, id: id, immortal: false, owner: owner)
    }
    package override func references() -> [PyValue] { released.load(ordering: .acquiring) ? [] : [classValue, selfValue] }
    package override func takeReferences() -> [PyValue] {
        released.exchange(true, ordering: .acquiringAndReleasing) ? [] : [classValue, selfValue]
    }
}

/// A set: dict-like storage of keys only, in insertion order (CPython's order differs for some ints and all
/// strings; conclab prints a set of small ints sorted, as CPython does for those).
package final class PySet: PyObject, @unchecked Sendable {
    package let storage: SpinLocked<PyDictStorage>
    /// A `frozenset`: no mutating methods, hashable (a dict key or a set member) by its members.
    package let frozen: Bool
    package init(id: Int, owner: Int, frozen: Bool = false) {
        storage = SpinLocked(PyDictStorage())
        self.frozen = frozen
        super.init(kind: .set, id: id, immortal: false, owner: owner)
    }
    package var members: [PyValue] { storage.withLock { s in s.entries.compactMap { $0?.key } } }
    package override func references() -> [PyValue] { members }
    package override func takeReferences() -> [PyValue] {
        storage.withLock { s in
            defer { s = PyDictStorage() }
            return s.entries.compactMap { $0?.key }
        }
    }
}

/// The lazy iterators of `map`, `filter`, `zip` and `enumerate`: each `next` pulls one item from its sources,
/// so an endless source (a generator that never returns) works as in CPython.
package final class PyLazyIterator: PyObject, @unchecked Sendable {
    package enum Flavor: String, Sendable {
        case map, filter, zip, enumerate
        /// `iter(f, sentinel)`: `function` is f, `sources` holds the sentinel.
        case callable = "callable_iterator"
        /// `iter(obj)` of an instance with `__getitem__` and no `__iter__`: `function` is obj, `counter` the next index.
        case sequence = "iterator"
    }
    package let flavor: Flavor
    /// `map`'s and `filter`'s function (`None` for `filter(None, …)`); unused otherwise.
    package let function: PyValue
    /// The iterators it pulls from.
    package let sources: [PyValue]
    /// `enumerate`'s next number.
    package let counter: Atomic<Int>
    package let exhausted = Atomic<Bool>(false)
    package let released = Atomic<Bool>(false)
    package init(_ flavor: Flavor, function: PyValue, sources: [PyValue], start: Int = 0, id: Int, owner: Int) {
        self.flavor = flavor
        self.function = function
        self.sources = sources
        self.counter = Atomic(start)
        super.init(kind: .lazyIterator, id: id, immortal: false, owner: owner)
    }
    package override func references() -> [PyValue] { released.load(ordering: .acquiring) ? [] : [function] + sources }
    package override func takeReferences() -> [PyValue] {
        released.exchange(true, ordering: .acquiringAndReleasing) ? [] : [function] + sources
    }
}

/// `d.keys()`, `d.values()`, `d.items()`: live views of a dict (they see later changes), printed as CPython does.
package final class PyDictView: PyObject, @unchecked Sendable {
    package enum Flavor: String, Sendable {
        case keys = "dict_keys", values = "dict_values", items = "dict_items"
    }
    package let flavor: Flavor
    package let dict: PyValue
    package let released = Atomic<Bool>(false)
    package init(_ flavor: Flavor, dict: PyValue, id: Int, owner: Int) {
        self.flavor = flavor
        self.dict = dict
        super.init(kind: .dictView, id: id, immortal: false, owner: owner)
    }
    package override func references() -> [PyValue] { released.load(ordering: .acquiring) ? [] : [dict] }
    package override func takeReferences() -> [PyValue] {
        released.exchange(true, ordering: .acquiringAndReleasing) ? [] : [dict]
    }
}
