/// A dict's or set's index from key to entry position: an open-addressed table of (hash, position, key) slots.
///
/// It replaces a Swift `[PyKey: Int]`, whose generic lookups copied and destroyed the key enum several times per
/// operation and hashed a key again for every insert after a miss; here a caller hashes once (`tableHash`), and the
/// probe compares an int or str key without the general `==`. Linear probing over a power-of-two table kept at most
/// two-thirds full (removed keys included, as tombstones), so a probe always reaches an empty slot.
package struct PyKeyIndex: Sendable {
    struct Slot: Sendable {
        var hash: Int
        /// The entry's position; `PyKeyIndex.empty` or `PyKeyIndex.removed` when the slot holds no key.
        var position: Int
        var key: PyKey
    }

    static let empty = -1
    static let removed = -2

    private var slots: ContiguousArray<Slot> = []
    /// Keys held.
    package private(set) var count = 0
    /// Slots not empty: keys held and tombstones.
    private var used = 0

    package init() {}

    /// The keys held, in no particular order.
    package var keys: [PyKey] { slots.compactMap { $0.position >= 0 ? $0.key : nil } }

    package subscript(key: PyKey) -> Int? {
        get { find(key, hash: key.tableHash) }
        set {
            let h = key.tableHash
            if let newValue {
                if let j = slot(of: key, hash: h) { slots[j].position = newValue } else { insertNew(key, hash: h, position: newValue) }
            } else if let j = slot(of: key, hash: h) {
                slots[j] = Slot(hash: 0, position: Self.removed, key: .none)
                count -= 1
            }
        }
    }

    /// The entry position of `key`, whose `tableHash` is `h`.
    @inline(__always) package func find(_ key: PyKey, hash h: Int) -> Int? {
        guard let j = slot(of: key, hash: h) else { return nil }
        return slots[j].position
    }

    /// Files `key` (hash `h`, not held yet) at entry `position`.
    package mutating func insertNew(_ key: PyKey, hash h: Int, position: Int) {
        if (used + 1) * 3 > slots.count * 2 { rebuild() }
        let mask = slots.count - 1
        var j = h & mask
        while slots[j].position >= 0 { j = (j + 1) & mask }
        if slots[j].position == Self.empty { used += 1 }
        slots[j] = Slot(hash: h, position: position, key: key)
        count += 1
    }

    /// The slot holding `key`. An int or str key is compared by its payload (the common keys, and the probe's hot
    /// loop); any other by `PyKey`'s `==`.
    @inline(__always) private func slot(of key: PyKey, hash h: Int) -> Int? {
        if slots.isEmpty { return nil }
        switch key {
        case .int(let x):
            return probe(h) { if case .int(let y) = $0 { return x == y } else { return false } }
        case .str(let x):
            // The same string value (as when the key and the query are one str object) is found without reading
            // its bytes: equal representations are equal texts.
            return probe(h) { if case .str(let y) = $0 { return Self.sameRepresentation(x, y) || PyKey.sameText(x, y) } else { return false } }
        default:
            return probe(h) { $0 == key }
        }
    }

    @inline(__always) private func probe(_ h: Int, _ matches: (borrowing PyKey) -> Bool) -> Int? {
        slots.withUnsafeBufferPointer { p -> Int? in
            let mask = p.count - 1
            var j = h & mask
            while true {
                let position = p[j].position
                if position == Self.empty { return nil }
                if position >= 0 && p[j].hash == h && matches(p[j].key) { return j }
                j = (j + 1) & mask
            }
        }
    }

    @inline(__always) private static func sameRepresentation(_ x: String, _ y: String) -> Bool {
        unsafeBitCast(x, to: (UInt64, UInt64).self) == unsafeBitCast(y, to: (UInt64, UInt64).self)
    }

    /// A table with room for twice the keys held (at least 8 slots), without the tombstones.
    private mutating func rebuild() {
        var size = 8
        while (2 * count + 1) * 3 > size * 2 { size *= 2 }
        let old = slots
        slots = ContiguousArray(repeating: Slot(hash: 0, position: Self.empty, key: .none), count: size)
        used = 0
        count = 0
        for s in old where s.position >= 0 { insertNew(s.key, hash: s.hash, position: s.position) }
    }
}
