import LabOS
import Synchronization
import LabCore
import BigInt

/// What kind of heap object a `PyObject` is (checked before every downcast).
package enum PyKind: UInt8, Sendable {
    case str, list, tuple, dict, function, cls, instance, method, builtinMethod, generator
    case range, rangeIterator, seqIterator, lock, slice, code
    case cell, superProxy, set, lazyIterator, dictView
    /// An imported module, and a function a module implements in Swift (see `Modules/`).
    case module, native
    /// A float, and an integer too large for the tagged word (PyNumbers.swift).
    case float, bigint
    /// An immutable byte string (PyBytes.swift).
    case bytes
    /// `property`, `classmethod` or `staticmethod` (PyDescriptors.swift).
    case descriptor

    package var typeName: String {
        switch self {
        case .str: return "str"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .function: return "function"
        case .cls: return "type"
        case .instance: return "object"
        case .method: return "method"
        case .builtinMethod: return "builtin_function_or_method"
        case .generator: return "generator"
        case .range: return "range"
        case .rangeIterator: return "range_iterator"
        case .seqIterator: return "iterator"
        case .lock: return "lock"
        case .slice: return "slice"
        case .code: return "code"
        case .cell: return "cell"
        case .superProxy: return "super"
        case .set: return "set"
        case .lazyIterator: return "iterator"
        case .dictView: return "dict_view"
        case .module: return "module"
        case .native: return "builtin_function_or_method"
        case .float: return "float"
        case .bigint: return "int"
        case .bytes: return "bytes"
        case .descriptor: return "property"
        }
    }
}

/// The header every heap object carries: its kind, a number for reports, and its reference count.
///
/// The count is the interpreter's own (Swift's ARC only keeps the memory valid): `shared` is the count in the
/// `plain`, `atomic` and `locked` modes and the other threads' part in `biased` mode, where `local` is the owner
/// thread's part (PEP 703). In `locked` mode `owner` is the object's lock word instead (see `PyObjectLocks.swift`). `freedBy` poisons the object: once the count reaches zero it holds the number of
/// the thread that freed it, and every later use is reported instead of touching reused memory.
///
/// Thread safety: every stored property of this class and its subclasses is either immutable or an
/// `Atomic`/`Locked`; a generator's frame is the one exception, guarded by the generator's `running` flag.
package class PyObject: @unchecked Sendable {
    package let kind: PyKind
    package let id: Int
    package let immortal: Bool
    package let shared: Atomic<Int>
    package let local: Atomic<Int>
    package let owner: Atomic<Int>
    package let freedBy = Atomic<Int>(0)
    /// A use after free of this object was already reported.
    package let touchReported = Atomic<Bool>(false)
    /// Biased counts: already waiting for the next safe point's merge (queued once, however often it is dropped).
    package let mergeQueued = Atomic<Bool>(false)

    package init(kind: PyKind, id: Int, immortal: Bool, owner: Int) {
        self.kind = kind
        self.id = id
        self.immortal = immortal
        if owner != 0 {
            shared = Atomic(0)
            local = Atomic(1)
        } else {
            shared = Atomic(1)
            local = Atomic(0)
        }
        self.owner = Atomic(owner)
    }

    package var typeName: String {
        if kind == .instance, let inst = self as? PyInstance { return inst.cls.name }
        if kind == .lazyIterator, let it = self as? PyLazyIterator { return it.flavor.rawValue }
        if kind == .dictView, let view = self as? PyDictView { return view.flavor.rawValue }
        if kind == .descriptor, let d = self as? PyDescriptor { return d.flavor.rawValue }
        if kind == .set, let set = self as? PySet, set.frozen { return "frozenset" }
        return kind.typeName
    }

    /// The count as `sys.getrefcount` would see it (without its own argument).
    package var totalCount: Int { shared.load(ordering: .relaxed) + local.load(ordering: .relaxed) }

    package var isFreed: Bool { freedBy.load(ordering: .acquiring) != 0 }

    /// References this object holds (for the heap check); nothing for leaves.
    package func references() -> [PyValue] { [] }

    /// Gives up the references this object holds, for freeing; the caller releases them.
    package func takeReferences() -> [PyValue] { [] }
}

package final class PyStr: PyObject, @unchecked Sendable {
    /// Changed only by `append`, under its rule; otherwise immutable. Unchecked: a dynamic exclusivity check on
    /// every read of every string would cost more than the one in-place append saves.
    @exclusivity(unchecked) package private(set) var value: String
    /// `PyKey.textHash(value)` once a dict or set has asked for it, else 0: a word counted in a loop is hashed once,
    /// not at every lookup. Relaxed: two threads that race to fill it store the same number.
    private let hashCache = Atomic<Int>(0)
    package init(_ value: String, id: Int, immortal: Bool, owner: Int) {
        self.value = value
        super.init(kind: .str, id: id, immortal: immortal, owner: owner)
    }

    /// `s += t` in place, as CPython's `unicode_concatenate` does: only for a string no other thread can see (the
    /// caller holds the GIL and the two references it counted are its own), so nobody reads `value` meanwhile.
    /// Swift's buffer grows geometrically, so a loop of appends is linear instead of quadratic.
    package func append(_ text: String) {
        let known = scalars.load(ordering: .relaxed)
        value += text
        hashCache.store(0, ordering: .relaxed)
        if known >= 0 { scalars.store(known + text.unicodeScalars.count, ordering: .relaxed) }
    }

    /// `append` of another string's text, unless the result would pass `limit` bytes (false then, nothing done).
    package func append(_ other: PyStr, limit: Int) -> Bool {
        guard value.utf8.count + other.value.utf8.count <= limit else { return false }
        let known = scalars.load(ordering: .relaxed)
        value.append(other.value)
        hashCache.store(0, ordering: .relaxed)
        if known >= 0 { scalars.store(known + other.scalarCount, ordering: .relaxed) }
        return true
    }

    /// `len()`: the number of code points, counted once and then kept (kept up to date by `append`), so a loop
    /// that asks `len(s)` of a growing string is not quadratic; CPython stores the length in the object too.
    package var scalarCount: Int {
        let known = scalars.load(ordering: .relaxed)
        if known >= 0 { return known }
        let n = value.unicodeScalars.count
        scalars.store(n, ordering: .relaxed)
        return n
    }
    /// -1 until counted. An atomic: two threads may count a shared string at once with the GIL off.
    private let scalars = Atomic<Int>(-1)

    /// The hash a dict or set files this string under (`PyKey.str(value).tableHash`).
    @inline(__always) package var tableHash: Int {
        let cached = hashCache.load(ordering: .relaxed)
        if cached != 0 { return cached }
        let h = PyKey.textHash(value)
        hashCache.store(h, ordering: .relaxed)
        return h
    }
}

package final class PyList: PyObject, @unchecked Sendable {
    package let items: SpinLocked<[PyValue]>
    package init(_ items: [PyValue], id: Int, owner: Int) {
        self.items = SpinLocked(items)
        super.init(kind: .list, id: id, immortal: false, owner: owner)
    }
    package override func references() -> [PyValue] { items.withLock { $0 } }
    package override func takeReferences() -> [PyValue] { items.withLock { items in defer { items = [] }; return items } }
}

package final class PyTuple: PyObject, @unchecked Sendable {
    package let items: [PyValue]
    /// Set when the tuple is freed: its items were released (an immutable array cannot be emptied).
    package let released = Atomic<Bool>(false)
    package init(_ items: [PyValue], id: Int, immortal: Bool, owner: Int) {
        self.items = items
        super.init(kind: .tuple, id: id, immortal: immortal, owner: owner)
    }
    package override func references() -> [PyValue] { released.load(ordering: .acquiring) ? [] : items }
    package override func takeReferences() -> [PyValue] {
        released.exchange(true, ordering: .acquiringAndReleasing) ? [] : items
    }
}

/// Keys a dict can hold: the hashable values of the subset.
package enum PyKey: Hashable, Sendable {
    case int(Int)
    case str(String)
    case none
    case bool(Bool)
    case tuple([PyKey])
    /// An integer outside 63 bits (an integral float of that size too, as Python hashes them alike).
    case big(BigInt)
    /// A float with a fractional part (an integral one is keyed as the equal integer).
    case float(Double)
    /// A bytes value (never equal to a str key, as `b"a" != "a"`).
    case bytes([UInt8])
    /// An object equal only to itself (an instance of a class without `__eq__`, a class, a function, a lock …), by
    /// its id; the dict or set holds a reference to it, so the id stays its own while it is a key.
    case identity(Int)
    /// A frozenset, by its members (order does not matter, as in Python).
    case frozenset(Set<PyKey>)
    /// An instance whose class defines `__hash__`: what it returned. Two such keys with one hash are taken for one key
    /// only when `__eq__` says they are equal (`checkCustomKey`); unequal ones are refused, not silently merged.
    case custom(Int)
}

extension PyKey {
    /// Python's string equality: the same code points (Swift's `==` on `String` also calls canonically equivalent
    /// spellings equal, which Python does not: 'e\u0301' and '\u00e9' are two keys).
    package static func == (a: PyKey, b: PyKey) -> Bool {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x == y
        case (.str(let x), .str(let y)): return sameText(x, y)
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.tuple(let x), .tuple(let y)): return x == y
        case (.big(let x), .big(let y)): return x == y
        case (.float(let x), .float(let y)): return x == y
        case (.identity(let x), .identity(let y)): return x == y
        case (.bytes(let x), .bytes(let y)): return x == y
        case (.frozenset(let x), .frozenset(let y)): return x == y
        case (.custom(let x), .custom(let y)): return x == y
        default: return false
        }
    }

    /// Hashes by what `==` above compares: a string by its code points (UTF-8 bytes), not Swift's normalized form, so
    /// 'e\u0301' and '\u00e9' hash apart as in CPython.
    package func hash(into hasher: inout Hasher) {
        switch self {
        case .int(let x): hasher.combine(0 as UInt8); hasher.combine(x)
        case .str(let x):
            hasher.combine(1 as UInt8)
            hasher.combine(x.utf8.count)
            for byte in x.utf8 { hasher.combine(byte) }
        case .none: hasher.combine(2 as UInt8)
        case .bool(let x): hasher.combine(3 as UInt8); hasher.combine(x)
        case .tuple(let x): hasher.combine(4 as UInt8); hasher.combine(x)
        case .big(let x): hasher.combine(5 as UInt8); hasher.combine(x)
        case .float(let x): hasher.combine(6 as UInt8); hasher.combine(x)
        case .bytes(let x): hasher.combine(7 as UInt8); hasher.combine(x)
        case .identity(let x): hasher.combine(8 as UInt8); hasher.combine(x)
        case .frozenset(let x): hasher.combine(9 as UInt8); hasher.combine(x)
        case .custom(let x): hasher.combine(10 as UInt8); hasher.combine(x)
        }
    }

    /// Two strings with the same code points (Python's `==` on str).
    @inline(__always) package static func sameText(_ x: String, _ y: String) -> Bool {
        guard x.utf8.count == y.utf8.count else { return false }
        // Native strings keep their UTF-8 in one buffer: compared there, not byte by byte through the view's index.
        if let same = x.utf8.withContiguousStorageIfAvailable({ a in y.utf8.withContiguousStorageIfAvailable { b in a.elementsEqual(b) } }),
           let same { return same }
        return x.utf8.elementsEqual(y.utf8)
    }

    /// Python's string order: by code point, which is the order of the UTF-8 bytes (Swift's `<` on `String` orders
    /// canonically equivalent spellings as equal and is not code point order).
    @inline(__always) package static func textPrecedes(_ x: String, _ y: String) -> Bool {
        x.utf8.lexicographicallyPrecedes(y.utf8)
    }

    /// The hash a dict or set table uses: ints and strings without SipHash (a quarter of a dict update's time went to
    /// it), by a multiplicative mix of the int and FNV-1a over the string's UTF-8 bytes. Equal keys hash alike, as `==`
    /// above requires; no hash flooding to fear from a learner's snippet.
    package func _rawHashValue(seed: Int) -> Int { tableHash }

    /// The hash `PyKeyIndex` files this key under (and `Set<PyKey>` too): ints and strings by the cheap mixes below,
    /// anything else through `Hasher`.
    package var tableHash: Int {
        switch self {
        case .int(let i): return Self.intHash(i)
        case .str(let s): return Self.textHash(s)
        default:
            var hasher = Hasher()
            hash(into: &hasher)
            return hasher.finalize()
        }
    }

    @inline(__always) package static func intHash(_ i: Int) -> Int { mix(UInt64(bitPattern: Int64(i))) }

    /// FNV-1a over the UTF-8 bytes, read from the string's own buffer when it has one (walking the UTF-8 view's
    /// index byte by byte cost several times more).
    @inline(__always) package static func textHash(_ s: String) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        if s.utf8.withContiguousStorageIfAvailable({ (bytes: UnsafeBufferPointer<UInt8>) -> Void in
            for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        }) == nil {
            for byte in s.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        }
        return mix(h)
    }

    @inline(__always) private static func mix(_ x: UInt64) -> Int {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return Int(bitPattern: UInt(z ^ (z >> 31)))
    }
}

/// A Swift string as a dictionary key with Python's equality: the same code points, not Swift's canonical
/// equivalence (so the constant table keeps 'e\u0301' and '\u00e9' apart).
package struct CodePointText: Hashable, Sendable {
    package let text: String
    package init(_ text: String) { self.text = text }
    package static func == (a: CodePointText, b: CodePointText) -> Bool { PyKey.sameText(a.text, b.text) }
    package func hash(into hasher: inout Hasher) {
        for byte in text.utf8 { hasher.combine(byte) }
    }
}

package struct PyDictStorage: Sendable {
    package var keys = PyKeyIndex()
    /// Insertion order: (key object, value); removed entries become nil.
    package var entries: [(key: PyValue, value: PyValue)?] = []
    package var count: Int { keys.count }
}

package final class PyDict: PyObject, @unchecked Sendable {
    package let storage: SpinLocked<PyDictStorage>
    /// Set on the copies `globals()` and `vars(obj)` give (1 and 2): CPython's are live, so a change through them is
    /// refused instead of silently changing nothing.
    package let snapshot = Atomic<UInt8>(0)
    package init(id: Int, owner: Int) {
        storage = SpinLocked(PyDictStorage())
        super.init(kind: .dict, id: id, immortal: false, owner: owner)
    }
    package override func references() -> [PyValue] {
        storage.withLock { s in s.entries.compactMap { $0 }.flatMap { [$0.key, $0.value] } }
    }
    package override func takeReferences() -> [PyValue] {
        storage.withLock { s in
            defer { s = PyDictStorage() }
            return s.entries.compactMap { $0 }.flatMap { [$0.key, $0.value] }
        }
    }
}

/// A code object as a constant: what `LOAD_CONST` pushes for `MAKE_FUNCTION` to make a function of (3.11's way).
/// Immortal, and kept alive by the code object whose constant it is; it never reaches a snippet's names.
package final class PyCode: PyObject, @unchecked Sendable {
    package let code: CodeObject
    package init(_ code: CodeObject, id: Int) {
        self.code = code
        super.init(kind: .code, id: id, immortal: true, owner: 0)
    }
}

package final class PyFunction: PyObject, @unchecked Sendable {
    package let code: CodeObject
    /// What a call needs, copied out of `code` so the eval loop reads plain values (no retain of the code object).
    package let codeRef: Unmanaged<CodeObject>
    package let argumentCount: Int, localCount: Int, maxStack: Int, isGenerator: Bool
    package let instructions: UnsafeMutablePointer<UInt32>
    package let constants: UnsafeMutablePointer<PyValue>
    package let defaults: [PyValue]
    /// Defaults of keyword-only parameters, by name.
    package let keywordDefaults: [(name: String, value: PyValue)]
    /// The cells of the variables it uses from its enclosing functions, in `code.signature.freeSlots` order.
    package let closure: [PyValue]
    package let released = Atomic<Bool>(false)
    package init(code: CodeObject, defaults: [PyValue], keywordDefaults: [(name: String, value: PyValue)] = [], closure: [PyValue] = [],
                 id: Int, immortal: Bool = false, owner: Int) {
        self.code = code
        self.codeRef = Unmanaged.passUnretained(code)
        // -1 keeps a function with keyword-only parameters, *args, **kwargs or a closure off the call's fast path
        // (which binds positional arguments slot for slot): its arguments always go through `bindArguments`.
        self.argumentCount = code.signature.isSimple ? code.argumentCount : -1
        self.keywordDefaults = keywordDefaults
        self.closure = closure
        self.localCount = code.localCount
        self.maxStack = code.maxStack
        self.isGenerator = code.isGenerator
        self.instructions = code.executable
        self.constants = code.constants
        self.defaults = defaults
        super.init(kind: .function, id: id, immortal: immortal, owner: owner)
    }
    /// `__name__`: the code's name until a program sets it (`functools.wraps` does); tracebacks keep the code's.
    package var name: String { renamed.withLock { $0 } ?? code.name }
    package let renamed = Locked<String?>(nil)
    /// What a program set on it (`wrapper.calls = 0`), by interned name: a function's `__dict__`.
    package let attributes = SpinLocked<PyAttributeMap>([:])
    private var held: [PyValue] { defaults + keywordDefaults.map(\.value) + closure }
    package override func references() -> [PyValue] {
        attributes.withLock { Array($0.values) } + (released.load(ordering: .acquiring) ? [] : held)
    }
    package override func takeReferences() -> [PyValue] {
        let attrs = attributes.withLock { a in defer { a = [:] }; return Array(a.values) }
        return attrs + (released.exchange(true, ordering: .acquiringAndReleasing) ? [] : held)
    }
}

/// A class: built-in exception classes are immortal; a `class` statement makes a counted one.
package final class PyClass: PyObject, @unchecked Sendable {
    /// `__name__`: the `class` statement's until a program sets it (`namedtuple` does).
    package var name: String { renamed.withLock { $0 } ?? givenName }
    package let givenName: String
    package let renamed = Locked<String?>(nil)
    /// `__qualname__` when it is not the name (a class nested in a class or a function): set by `makeClass`.
    package let qualified = Locked<String?>(nil)
    /// The first base (`object` for a class statement without bases; nil for `object`).
    package let base: PyClass?
    package let attributes: SpinLocked<PyAttributeMap>
    /// Held as counted references to the base classes (released when this class is freed).
    package let baseValues: [PyValue]
    /// The method resolution order after this class (`__mro__` without its first item): the bases' C3
    /// linearisation, so a lookup and `super()` follow CPython's order under multiple inheritance.
    package let ancestors: [PyClass]
    package let released = Atomic<Bool>(false)
    /// `threading.local` or a subclass: its instances keep one set of attributes per thread (`attributeKey`).
    package let threadLocal = Atomic<Bool>(false)
    /// This class or one of its ancestors has a property or defines `__setattr__`/`__delattr__`: setting or deleting
    /// an instance's attribute takes the slow path (`setHookedAttribute`). Decided when the class is made and when a
    /// class attribute is set, so a plain class's attribute store costs one flag check.
    package let hooksAttributes = Atomic<Bool>(false)
    /// `abc.ABC` or a subclass: making an instance first checks that no abstract method is left (`abstractMethods`).
    package let abstractBase = Atomic<Bool>(false)
    /// `enum.Enum` or a subclass: the class itself answers iteration, `len`, `cls[name]` and `cls(value)` through its
    /// `_conclab_class_*` functions (what CPython's EnumType metaclass does), and converts its members when made.
    package let classHooks = Atomic<Bool>(false)
    /// The classes made so far with this one in their MRO (held weakly), so a property or hook set on this class
    /// later marks them too. Built-in classes keep none: nothing can be set on them.
    package let subclasses = Locked<[WeakClass]>([])

    package convenience init(name: String, base: PyClass?, baseValue: PyValue, attributes: [Int: PyValue], id: Int, immortal: Bool, owner: Int) {
        self.init(name: name, bases: base.map { [$0] } ?? [], baseValues: base == nil ? [] : [baseValue],
                  ancestors: base.map { [$0] + $0.ancestors } ?? [], attributes: attributes, id: id, immortal: immortal, owner: owner)
    }

    /// `ancestors` is the linearisation of `bases` (`PyClass.linearization(of:)`).
    package init(name: String, bases: [PyClass], baseValues: [PyValue], ancestors: [PyClass], attributes: [Int: PyValue],
                 id: Int, immortal: Bool, owner: Int) {
        self.givenName = name
        self.base = bases.first
        self.baseValues = baseValues
        self.ancestors = ancestors
        self.attributes = SpinLocked(PyAttributeMap(attributes))
        threadLocal.store(bases.contains { $0.threadLocal.load(ordering: .relaxed) }, ordering: .relaxed)
        hooksAttributes.store(bases.contains { $0.hooksAttributes.load(ordering: .relaxed) }, ordering: .relaxed)
        abstractBase.store(bases.contains { $0.abstractBase.load(ordering: .relaxed) }, ordering: .relaxed)
        classHooks.store(bases.contains { $0.classHooks.load(ordering: .relaxed) }, ordering: .relaxed)
        super.init(kind: .cls, id: id, immortal: immortal, owner: owner)
    }

    /// Looks `name` up here, then along the method resolution order. Returns a borrowed value.
    package func lookup(_ name: Int) -> PyValue? {
        if let v = attributes.withLock({ $0[name] }) { return v }
        return lookup(name, after: self)
    }

    /// Looks `name` up in the classes of this class's MRO that come after `cls` (what `super()` in a method of
    /// `cls` sees when this is the instance's class). Returns a borrowed value.
    package func lookup(_ name: Int, after cls: PyClass) -> PyValue? {
        var searching = cls === self
        for c in ancestors {
            if searching, let v = c.attributes.withLock({ $0[name] }) { return v }
            if c === cls { searching = true }
        }
        return nil
    }

    package func isSubclass(of other: PyClass) -> Bool {
        self === other || ancestors.contains { $0 === other }
    }

    /// `__mro__`: this class, then its ancestors.
    package var mro: [PyClass] { [self] + ancestors }

    /// C3: the MRO after a class with `bases`; when the bases' orders contradict each other, the classes none of
    /// which could come next (what CPython's "Cannot create a consistent method resolution order" names).
    package static func linearization(of bases: [PyClass]) -> Result<[PyClass], LinearizationConflict> {
        var sequences = bases.map(\.mro) + [bases]
        var result: [PyClass] = []
        while true {
            sequences.removeAll { $0.isEmpty }
            if sequences.isEmpty { return .success(result) }
            // The first head that is in no other sequence's tail.
            guard let head = sequences.lazy.map({ $0[0] }).first(where: { candidate in
                !sequences.contains { $0.dropFirst().contains { $0 === candidate } }
            }) else {
                var heads: [PyClass] = []
                for s in sequences where !heads.contains(where: { $0 === s[0] }) { heads.append(s[0]) }
                return .failure(LinearizationConflict(heads: heads))
            }
            result.append(head)
            for i in sequences.indices where sequences[i][0] === head { sequences[i].removeFirst() }
        }
    }

    package override func references() -> [PyValue] { attributes.withLock { Array($0.values) } + (released.load(ordering: .acquiring) ? [] : baseValues) }
    package override func takeReferences() -> [PyValue] {
        let attrs = attributes.withLock { a in defer { a = [:] }; return Array(a.values) }
        return attrs + (released.exchange(true, ordering: .acquiringAndReleasing) ? [] : baseValues)
    }
}

/// A class held without keeping it alive (`PyClass.subclasses`).
package struct WeakClass: Sendable {
    package weak var cls: PyClass?
    package init(_ cls: PyClass) { self.cls = cls }
}

/// Bases whose orders C3 cannot merge: the classes that were candidates when it stopped.
package struct LinearizationConflict: Error {
    package let heads: [PyClass]
}

/// An instance of a class; exception instances also carry their arguments and where they were raised.
package final class PyInstance: PyObject, @unchecked Sendable {
    package let cls: PyClass
    package let classValue: PyValue
    package let attributes: SpinLocked<PyAttributeMap>
    package let arguments: [PyValue]
    package let traceback = Locked<[String]>([])
    package let released = Atomic<Bool>(false)

    package init(cls: PyClass, classValue: PyValue, arguments: [PyValue], id: Int, owner: Int) {
        self.cls = cls
        self.classValue = classValue
        self.arguments = arguments
        self.attributes = SpinLocked([:])
        super.init(kind: .instance, id: id, immortal: false, owner: owner)
    }

    package override func references() -> [PyValue] {
        attributes.withLock { Array($0.values) } + (released.load(ordering: .acquiring) ? [] : [classValue] + arguments)
    }
    package override func takeReferences() -> [PyValue] {
        let attrs = attributes.withLock { a in defer { a = [:] }; return Array(a.values) }
        return attrs + (released.exchange(true, ordering: .acquiringAndReleasing) ? [] : [classValue] + arguments)
    }
}

/// A function bound to an instance (`obj.method` without calling it).
package final class PyMethod: PyObject, @unchecked Sendable {
    package let function: PyValue
    package let selfValue: PyValue
    package let released = Atomic<Bool>(false)
    package init(function: PyValue, selfValue: PyValue, id: Int, owner: Int) {
        self.function = function
        self.selfValue = selfValue
        super.init(kind: .method, id: id, immortal: false, owner: owner)
    }
    package override func references() -> [PyValue] { released.load(ordering: .acquiring) ? [] : [function, selfValue] }
    package override func takeReferences() -> [PyValue] {
        released.exchange(true, ordering: .acquiringAndReleasing) ? [] : [function, selfValue]
    }
}

/// A built-in method bound to its object (`lst.append` without calling it).
package final class PyBuiltinMethod: PyObject, @unchecked Sendable {
    package let builtin: Int
    package let selfValue: PyValue
    package let released = Atomic<Bool>(false)
    package init(builtin: Int, selfValue: PyValue, id: Int, owner: Int) {
        self.builtin = builtin
        self.selfValue = selfValue
        super.init(kind: .builtinMethod, id: id, immortal: false, owner: owner)
    }
    package override func references() -> [PyValue] { released.load(ordering: .acquiring) ? [] : [selfValue] }
    package override func takeReferences() -> [PyValue] {
        released.exchange(true, ordering: .acquiringAndReleasing) ? [] : [selfValue]
    }
}

/// A generator: a suspended frame (its locals, its value stack and where it stopped), not a list of values.
package final class PyGenerator: PyObject, @unchecked Sendable {
    package enum Phase: UInt8 { case created, suspended, running, finished }
    package let function: PyValue
    package let code: CodeObject
    /// Locals then stack, `code.localCount + code.maxStack` slots. Only the thread that set `running` touches it.
    package let frame: UnsafeMutablePointer<PyValue>
    package let phase = Atomic<UInt8>(Phase.created.rawValue)
    /// Where to resume and how deep the saved stack is (valid while suspended).
    package let resumeAt = Atomic<Int>(0)
    package let stackDepth = Atomic<Int>(0)
    /// The frame's stack slots holding the exceptions its handlers were handling when it yielded (innermost
    /// last): a resumption handles them again, so a raise there takes them as context.
    package let handledSlots = Locked<[Int]>([])
    /// Whether `handledSlots` holds any: a resumption reads them only then (a yield outside a handler, the usual
    /// case, costs no lock).
    package let handlesSomething = Atomic<Bool>(false)
    /// Set when its last reference went and it was closed for that (`free`): a generator is finalized once.
    package let finalized = Atomic<Bool>(false)

    package init(function: PyValue, code: CodeObject, id: Int, owner: Int) {
        self.function = function
        self.code = code
        let size = code.localCount + code.maxStack
        frame = UnsafeMutablePointer<PyValue>.allocate(capacity: max(1, size))
        frame.initialize(repeating: .unbound, count: max(1, size))
        super.init(kind: .generator, id: id, immortal: false, owner: owner)
    }

    deinit { frame.deallocate() }

    package var name: String { code.name }

    /// Claims the frame for one resumption; false when another thread runs it or it is done.
    package func begin() -> Phase {
        while true {
            let p = phase.load(ordering: .acquiring)
            guard let current = Phase(rawValue: p) else { return .finished }
            if current == .running || current == .finished { return current }
            if phase.compareExchange(expected: p, desired: Phase.running.rawValue, ordering: .acquiringAndReleasing).exchanged {
                return current
            }
        }
    }

    /// `begin` for the thread that holds the GIL: no other thread resumes a generator while it holds it, so a load
    /// and a store claim the frame (the compare-and-swap was a fifth of a generator pipeline's time).
    @inline(__always) package func beginHoldingGIL() -> Phase {
        let p = phase.load(ordering: .relaxed)
        guard let current = Phase(rawValue: p) else { return .finished }
        if current == .running || current == .finished { return current }
        phase.store(Phase.running.rawValue, ordering: .relaxed)
        return current
    }

    package func end(_ next: Phase) { phase.store(next.rawValue, ordering: .releasing) }

    private func savedValues() -> [PyValue] {
        let p = Phase(rawValue: phase.load(ordering: .acquiring)) ?? .finished
        guard p == .created || p == .suspended else { return [] }
        let count = code.localCount + stackDepth.load(ordering: .relaxed)
        return (0..<count).map { frame[$0] }.filter { $0.isObject }
    }

    package override func references() -> [PyValue] { savedValues() + [function] }

    package override func takeReferences() -> [PyValue] {
        let p = Phase(rawValue: phase.exchange(Phase.finished.rawValue, ordering: .acquiringAndReleasing)) ?? .finished
        var values: [PyValue] = []
        if p == .created || p == .suspended {
            let count = code.localCount + stackDepth.load(ordering: .relaxed)
            for i in 0..<count where frame[i].isObject { values.append(frame[i]) }
            for i in 0..<count { frame[i] = .unbound }
        }
        return values + [function]
    }
}

package final class PyRange: PyObject, @unchecked Sendable {
    package let start: Int, stop: Int, step: Int
    package init(start: Int, stop: Int, step: Int, id: Int, owner: Int) {
        self.start = start
        self.stop = stop
        self.step = step
        super.init(kind: .range, id: id, immortal: false, owner: owner)
    }
    package var count: Int {
        if step > 0 { return start < stop ? (stop - start - 1) / step + 1 : 0 }
        return start > stop ? (start - stop - 1) / (-step) + 1 : 0
    }
}

package final class PyRangeIterator: PyObject, @unchecked Sendable {
    package let next: Atomic<Int>
    package let stop: Int, step: Int
    package init(start: Int, stop: Int, step: Int, id: Int, owner: Int) {
        self.next = Atomic(start)
        self.stop = stop
        self.step = step
        super.init(kind: .rangeIterator, id: id, immortal: false, owner: owner)
    }
}

/// An iterator over a list, tuple, string or dict (by position).
package final class PySeqIterator: PyObject, @unchecked Sendable {
    package let sequence: PyValue
    package let index = Atomic<Int>(0)
    package let released = Atomic<Bool>(false)
    /// A dict or set whose snapshot `sequence` is (a counted reference; `.none` otherwise) and its size then: a
    /// change of size makes the next step a RuntimeError, as CPython's dict and set iterators check.
    package let watched: PyValue
    package let watchedCount: Int
    /// Over a dict itself (`sequence` is the dict, `index` a position in its entries, read live as CPython's dict
    /// iterators do): what each step gives. `watchedCount` is then the dict's size when the iterator was made.
    package let dictPart: PyDictView.Flavor?
    /// Entries given so far (a dict iterator that finds more than the dict had is CPython's "keys changed").
    package let given = Atomic<Int>(0)
    package init(sequence: PyValue, watching watched: PyValue = .none, count: Int = 0, dictPart: PyDictView.Flavor? = nil,
                 id: Int, owner: Int) {
        self.sequence = sequence
        self.watched = watched
        self.watchedCount = count
        self.dictPart = dictPart
        super.init(kind: .seqIterator, id: id, immortal: false, owner: owner)
    }
    private var held: [PyValue] { watched == .none ? [sequence] : [sequence, watched] }
    package override func references() -> [PyValue] { released.load(ordering: .acquiring) ? [] : held }
    package override func takeReferences() -> [PyValue] {
        released.exchange(true, ordering: .acquiringAndReleasing) ? [] : held
    }
}

/// `Lock()`: a real lock snippets share. Blocking in `acquire` releases the GIL, as CPython's does.
package final class PyLock: PyObject, @unchecked Sendable {
    package struct State: Sendable {
        package var holder = 0
        package var acquisitions = 0
        package var contended = 0
    }
    package let state = Gate(State())
    package init(id: Int, owner: Int) { super.init(kind: .lock, id: id, immortal: false, owner: owner) }
    package var isLocked: Bool { state.update { $0.holder != 0 } }
}

/// `a[start:stop:step]`'s slice (integers or None only).
package final class PySlice: PyObject, @unchecked Sendable {
    package let start: Int?, stop: Int?, step: Int?
    package init(start: Int?, stop: Int?, step: Int?, id: Int, owner: Int) {
        self.start = start
        self.stop = stop
        self.step = step
        super.init(kind: .slice, id: id, immortal: false, owner: owner)
    }

    /// The positions a slice with step 1 covers in a sequence of `count` items, clamped as CPython clamps them (an
    /// empty range where an assignment inserts: `a[2:2] = …`, `a[5:1] = …` inserts at 5).
    package func simpleRange(count: Int) -> Range<Int> {
        func clamp(_ i: Int?, _ missing: Int) -> Int {
            guard let i else { return missing }
            return i < 0 ? max(0, i + count) : min(i, count)
        }
        let lo = clamp(start, 0)
        return lo..<max(lo, clamp(stop, count))
    }

    /// The indices it selects in a sequence of `count` items (Python's slice.indices).
    package func indices(count: Int) -> [Int] {
        let st = step ?? 1
        var result: [Int] = []
        if st > 0 {
            var lo = start ?? 0
            var hi = stop ?? count
            if lo < 0 { lo = max(0, lo + count) }
            if hi < 0 { hi = max(0, hi + count) }
            lo = min(lo, count)
            hi = min(hi, count)
            var i = lo
            while i < hi { result.append(i); i += st }
        } else {
            var lo = count - 1
            if let s = start {
                lo = s < 0 ? s + count : s
                lo = lo < 0 ? -1 : min(lo, count - 1)
            }
            var hi = -1
            if let e = stop {
                hi = e < 0 ? e + count : e
                hi = hi < 0 ? -1 : min(hi, count - 1)
            }
            var i = lo
            while i > hi { result.append(i); i += st }
        }
        return result
    }
}
