/// A dict's or set's index from key to entry position: an open-addressed table of item numbers over a dense array of
/// (hash, position, key) items.
///
/// It replaces a Swift `[PyKey: Int]`, whose generic lookups copied and destroyed the key enum several times per
/// operation and hashed a key again for every insert after a miss; here a caller hashes once (`tableHash`), and the
/// probe compares an int or str key without the general `==`. Linear probing over a power-of-two table kept at most
/// two-thirds full (removed keys included: their slots stay, as tombstones, until the next rebuild), so a probe always
/// reaches an empty slot.
package struct PyKeyIndex: Sendable {
    struct Item: Sendable {
        var hash: Int
        /// The entry's position; `PyKeyIndex.removed` once the key is gone (its slot then acts as a tombstone).
        var position: Int
        var key: PyKey
    }

    static let empty: Int32 = -1
    static let removed = -1

    /// The open-addressed part: per slot, `empty` or the number of an item in `items` (4 bytes a slot, so the table
    /// can stay sparse; the keys themselves sit densely in `items`, as in CPython's compact dict).
    private var table: ContiguousArray<Int32> = []
    /// Every key filed since the last rebuild, removed ones included, in the order they were filed.
    private var items: ContiguousArray<Item> = []
    /// Keys held.
    package private(set) var count = 0

    package init() {}

    /// The keys held, in no particular order.
    package var keys: [PyKey] { items.compactMap { $0.position >= 0 ? $0.key : nil } }

    package subscript(key: PyKey) -> Int? {
        get { find(key, hash: key.tableHash) }
        set {
            let h = key.tableHash
            if let newValue {
                if let i = item(of: key, hash: h) { items[i].position = newValue } else { insertNew(key, hash: h, position: newValue) }
            } else if let i = item(of: key, hash: h) {
                items[i] = Item(hash: h, position: Self.removed, key: .none)
                count -= 1
            }
        }
    }

    /// The entry position of `key`, whose `tableHash` is `h`.
    @inline(__always) package func find(_ key: PyKey, hash h: Int) -> Int? {
        guard let i = item(of: key, hash: h) else { return nil }
        return items[i].position
    }

    /// Files `key` (hash `h`, not held yet) at entry `position`.
    package mutating func insertNew(_ key: PyKey, hash h: Int, position: Int) {
        if (items.count + 1) * 3 > table.count * 2 { rebuild() }
        let mask = table.count - 1
        var j = h & mask
        while table[j] != Self.empty { j = (j + 1) & mask }
        table[j] = Int32(items.count)
        items.append(Item(hash: h, position: position, key: key))
        count += 1
    }

    /// The item holding `key`. An int or str key is compared by its payload (the common keys, and the probe's hot
    /// loop); any other by `PyKey`'s `==`.
    @inline(__always) private func item(of key: PyKey, hash h: Int) -> Int? {
        if table.isEmpty { return nil }
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
        table.withUnsafeBufferPointer { t -> Int? in
            items.withUnsafeBufferPointer { p -> Int? in
                let mask = t.count - 1
                var j = h & mask
                while true {
                    let slot = t[j]
                    if slot == Self.empty { return nil }
                    let i = Int(slot)
                    if p[i].hash == h && p[i].position >= 0 && matches(p[i].key) { return i }
                    j = (j + 1) & mask
                }
            }
        }
    }

    @inline(__always) private static func sameRepresentation(_ x: String, _ y: String) -> Bool {
        unsafeBitCast(x, to: (UInt64, UInt64).self) == unsafeBitCast(y, to: (UInt64, UInt64).self)
    }

    /// A table with room for twice the keys held (at least 8 slots), the removed keys dropped.
    private mutating func rebuild() {
        var size = 8
        while (2 * count + 1) * 3 > size * 2 { size *= 2 }
        let old = items
        table = ContiguousArray(repeating: Self.empty, count: size)
        items = []
        items.reserveCapacity(2 * count + 1)
        count = 0
        for item in old where item.position >= 0 { insertNew(item.key, hash: item.hash, position: item.position) }
    }
}
