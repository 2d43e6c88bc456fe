import LabCore

/// The attributes of an instance or a class, by interned name, in the order they were first set: two short arrays
/// searched from the front. An object has few names, and comparing a few integers is several times faster than
/// hashing one (a `[Int: PyValue]` spent most of an attribute read in SipHash).
package struct PyAttributeMap: ExpressibleByDictionaryLiteral, Sendable {
    package private(set) var names: [Int] = []
    package private(set) var values: [PyValue] = []

    package init(dictionaryLiteral elements: (Int, PyValue)...) {
        for (name, value) in elements { self[name] = value }
    }

    package init(_ attributes: [Int: PyValue]) {
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) { self[name] = value }
    }

    @inline(__always) private func index(of name: Int) -> Int? {
        names.withUnsafeBufferPointer { buffer in
            var i = 0
            while i < buffer.count {
                if buffer[i] == name { return i }
                i += 1
            }
            return nil
        }
    }

    package var count: Int { names.count }

    package subscript(name: Int) -> PyValue? {
        @inline(__always) get { index(of: name).map { values[$0] } }
        set {
            if let i = index(of: name) {
                if let newValue { values[i] = newValue } else { names.remove(at: i); values.remove(at: i) }
            } else if let newValue {
                names.append(name)
                values.append(newValue)
            }
        }
    }

    /// Replaces the value of a name already here and returns the old one; nil (and nothing changed) when absent.
    @inline(__always) package mutating func replace(_ name: Int, with value: PyValue) -> PyValue? {
        guard let i = index(of: name) else { return nil }
        let old = values[i]
        values[i] = value
        return old
    }

    package mutating func removeValue(forKey name: Int) -> PyValue? {
        guard let i = index(of: name) else { return nil }
        names.remove(at: i)
        return values.remove(at: i)
    }
}
