import LabCore
/// One value of the snippet interpreter, in a single machine word, so the eval loop moves plain integers
/// around instead of reference-counted Swift objects:
///
/// - `…xx1`: a small integer (63 bits, two's complement, shifted left by one);
/// - `…000`: a heap object (the address of a `PyObject`, whose reference count the interpreter keeps itself);
/// - `…010`: a constant: `None`, `False`, `True`, and two markers the compiler and the VM use internally
///   (an unbound name, an empty stack slot);
/// - `…100`: a built-in function, by number.
///
/// The tags are how CPython's critics and PyPy describe "tagged pointers"; CPython itself boxes every int.
package struct PyValue: Equatable, Hashable, Sendable {
    package var bits: UInt64

    @inline(__always) package init(bits: UInt64) { self.bits = bits }

    package static let none = PyValue(bits: 0b0_0010)
    package static let `false` = PyValue(bits: 0b0_1010)
    package static let `true` = PyValue(bits: 0b1_0010)
    /// A name with no value yet (an unassigned local or global).
    package static let unbound = PyValue(bits: 0b1_1010)
    /// The "no self" marker `LOAD_METHOD` pushes; never visible to snippets.
    package static let null = PyValue(bits: 0b10_0010)

    /// The largest and smallest integers that fit.
    package static let maxInt = Int.max >> 1
    package static let minInt = Int.min >> 1

    @inline(__always) package static func int(_ value: Int) -> PyValue {
        PyValue(bits: UInt64(bitPattern: Int64(value) &<< 1) | 1)
    }

    /// An integer, or nil when it does not fit in 63 bits.
    @inline(__always) package static func checkedInt(_ value: Int) -> PyValue? {
        (value &<< 1) >> 1 == value ? .int(value) : nil
    }

    @inline(__always) package static func bool(_ value: Bool) -> PyValue { value ? .true : .false }

    @inline(__always) package static func builtin(_ index: Int) -> PyValue { PyValue(bits: UInt64(index) << 3 | 0b100) }

    @inline(__always) package var isInt: Bool { bits & 1 != 0 }
    /// The integer inside; only meaningful when `isInt`.
    @inline(__always) package var intValue: Int { Int(Int64(bitPattern: bits) >> 1) }
    @inline(__always) package var isObject: Bool { bits & 0b111 == 0 }
    @inline(__always) package var isBuiltin: Bool { bits & 0b111 == 0b100 }
    @inline(__always) package var builtinIndex: Int { Int(bits >> 3) }
    @inline(__always) package var isBool: Bool { self == .true || self == .false }

    /// The object this value points to; only when `isObject`. Does not retain it: the interpreter's own
    /// reference count, not Swift's, keeps it alive.
    @inline(__always) package var object: PyObject { unmanaged.takeUnretainedValue() }

    @inline(__always) package static func object(_ object: Unmanaged<PyObject>) -> PyValue {
        PyValue(bits: UInt64(UInt(bitPattern: object.toOpaque())))
    }

    /// The kind of the object this value points to, read without retaining it (only when `isObject`).
    @inline(__always) package var objectKind: PyKind {
        unmanaged._withUnsafeGuaranteedRef { $0.kind }
    }

    /// Only for `isObject` values, which are never zero (the interpreter makes them from live objects).
    @inline(__always) package var unmanaged: Unmanaged<PyObject> {
        Unmanaged<PyObject>.fromOpaque(UnsafeRawPointer(bitPattern: UInt(bits)).unsafelyUnwrapped)
    }
}
