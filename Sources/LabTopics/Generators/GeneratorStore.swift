import LabOS
import Synchronization
import LabCore
import PyLab

/// Generators: Python's iterator protocol, laziness and single-pass exhaustion made visible.
///
/// `gen range|count|fib|primes|lines|random` make sources, `gen map|filter|take|zip|chain` stack lazy
/// stages on them (nothing is computed while a pipeline is built), `next`, `iter`, `gen list` and
/// `gen sum` pull values through, `gen trace on` shows every stage as it is asked and as it computes,
/// and `gen sum` against `list sum` measures from /proc what materialising a list costs in memory.
///
/// The store is the model: one per session, it holds every pipeline stage behind one lock, so stages
/// shared by several handles (`gen map g1 …` pulls from g1's own iterator) are never raced. Handles
/// (`g1`…) are `GeneratorObject`s in the session's object table that point into it.
package final class GeneratorStore: Sendable {
    /// A handle's target: a range (an iterable) or an iterator.
    package enum Entry {
        case iterable(RangeSpec, name: String)
        case iterator(IteratorNode)
    }

    package struct Graph {
        package var entries: [Int: Entry] = [:]
        package var nextID = 1
        package var trace = false

        /// Python's `iter(obj)` for a consumer: a new iterator over a range, the iterator itself otherwise.
        package func iterator(_ id: Int) throws -> IteratorNode {
            switch try entry(id) {
            case .iterable(let spec, let name): return RangeIterator(spec, name: "iter(\(name))")
            case .iterator(let node): return node
            }
        }

        package func entry(_ id: Int) throws -> Entry {
            guard let entry = entries[id] else { throw CommandError("that generator was closed") }
            return entry
        }

        package mutating func insert(_ entry: Entry) -> Int {
            let id = nextID
            nextID += 1
            entries[id] = entry
            return id
        }
    }

    private let graph = Locked(Graph())

    /// The store of `session`, made on first use.
    package static func of(_ session: Session) -> GeneratorStore {
        session.state(stateKey)
    }

    package static let stateKey = TopicKey("generators") { GeneratorStore() }

    package var traceOn: Bool { graph.withLock { $0.trace } }

    package func setTrace(_ on: Bool) { graph.withLock { $0.trace = on } }

    // MARK: Building

    /// A source that needs no other generator.
    package func addSource(_ make: Source) -> Int {
        graph.withLock { g in
            switch make {
            case .range(let spec): return g.insert(.iterable(spec, name: "?"))
            case .count(let start, let step): return g.insert(.iterator(CountIterator(start: start, step: step, name: "?")))
            case .fib: return g.insert(.iterator(FibonacciIterator(name: "?")))
            case .primes: return g.insert(.iterator(PrimesIterator(name: "?")))
            case .lines(let path): return g.insert(.iterator(LinesIterator(path: path, name: "?")))
            case .random(let seed, let below): return g.insert(.iterator(RandomIterator(seed: seed, below: below, name: "?")))
            }
        }
    }

    package enum Source: Sendable {
        case range(RangeSpec)
        case count(start: Int, step: Int)
        case fib
        case primes
        case lines(String)
        case random(seed: Int, below: Int?)
    }

    package enum Combinator: Sendable {
        case map(ItemExpression)
        case filter(ItemExpression)
        case take(Int)
        case zip
        case chain
    }

    /// A stage over existing generators: each source is `iter()`-ed now, as Python's `map(f, r)` does.
    package func addCombinator(_ kind: Combinator, over sources: [Int]) throws -> Int {
        try graph.withLock { g in
            var nodes: [IteratorNode] = []
            for id in sources { nodes.append(try g.iterator(id)) }
            guard let first = nodes.first else { throw CommandError("a combinator needs a generator") }
            let node: IteratorNode
            switch kind {
            case .map(let expression): node = MapIterator(first, expression, name: "?")
            case .filter(let expression): node = FilterIterator(first, expression, name: "?")
            case .take(let n): node = TakeIterator(first, n, name: "?")
            case .zip: node = ZipIterator(nodes, name: "?")
            case .chain: node = ChainIterator(nodes, name: "?")
            }
            return g.insert(.iterator(node))
        }
    }

    /// `iter(G)`: for a range, a new iterator (its id); for an iterator, nil (it is its own iterator).
    package func makeIterator(of id: Int) throws -> Int? {
        try graph.withLock { g in
            switch try g.entry(id) {
            case .iterable(let spec, _): return g.insert(.iterator(RangeIterator(spec, name: "?")))
            case .iterator: return nil
            }
        }
    }

    /// Names the stage after the handle the object table gave it.
    package func setName(_ id: Int, _ name: String) {
        graph.withLock { g in
            switch g.entries[id] {
            case .iterable(let spec, _): g.entries[id] = .iterable(spec, name: name)
            case .iterator(let node): node.name = name
            case nil: break
            }
        }
    }

    package func remove(_ id: Int) { graph.withLock { g in g.entries[id] = nil } }

    /// `close G`: an iterator is closed (exhausted from now on, also for stages built on it); the handle goes.
    package func close(_ id: Int) {
        graph.withLock { g in
            if case .iterator(let node) = g.entries[id] { node.close() }
            g.entries[id] = nil
        }
    }

    // MARK: Looking

    /// What `ls`, `show` and `gen list` say about one handle.
    package struct Facts: Sendable {
        package var type: String
        package var pipeline: String
        package var iterable: Bool
        package var infinite: Bool
        package var produced: Int?
        package var exhausted: Bool
        package var closed: Bool
        /// Values computed so far by this stage and every stage upstream of it.
        package var computed: Int
        package var length: Int?

        package var state: String {
            if iterable { return "iterable" }
            if closed { return "closed" }
            if exhausted { return "exhausted" }
            return produced == 0 ? "new" : "suspended"
        }
    }

    package func facts(_ id: Int) -> Facts? {
        graph.withLock { g in
            switch g.entries[id] {
            case nil: return nil
            case .iterable(let spec, _):
                return Facts(type: "range", pipeline: spec.label, iterable: true, infinite: false, produced: nil,
                             exhausted: false, closed: false, computed: 0, length: Int(exactly: spec.count))
            case .iterator(let node):
                var seen: [ObjectIdentifier] = []
                var computed = 0
                var stack = [node]
                while let n = stack.popLast() {
                    if seen.contains(ObjectIdentifier(n)) { continue }
                    seen.append(ObjectIdentifier(n))
                    computed += n.produced
                    stack += n.sources
                }
                // Python's names: iter(range(…)) is a range_iterator.
                let type = node is RangeIterator ? "range_iterator" : String(node.label.prefix(while: { $0 != "(" }))
                return Facts(type: type, pipeline: node.description, iterable: false, infinite: node.isInfinite,
                             produced: node.produced, exhausted: node.exhausted, closed: node.closed, computed: computed,
                             length: nil)
            }
        }
    }

    // MARK: Pulling

    /// `next(G)`: the value, or nil for StopIteration; plus the trace when it is on.
    package func next(_ id: Int, handle: String, cancellation: Cancellation) throws -> (value: Value?, produced: Int, trace: String?) {
        try graph.withLock { g in
            let node: IteratorNode
            switch try g.entry(id) {
            case .iterable(let spec, _):
                throw CommandError("\(handle) is a \(spec.label): an iterable, not an iterator (Python: TypeError: 'range' object is not an iterator). Run 'iter \(handle)' to get an iterator over it.")
            case .iterator(let n): node = n
            }
            let pull = Pull(trace: g.trace ? Trace() : nil, cancellation: cancellation)
            let value = try node.next(pull)
            return (value, node.produced, pull.trace?.text)
        }
    }

    /// The most `gen list G` shows without a count.
    package static let listLimit = 10_000
    /// The most `gen list G N` keeps and shows.
    package static let shownLimit = 1_000_000

    /// `list(islice(G, n))`: up to `limit` values (all of a finite generator when nil).
    package func take(_ id: Int, handle: String, limit: Int?, cancellation: Cancellation) throws -> (values: [Value], exhausted: Bool, capped: Bool, trace: String?) {
        try graph.withLock { g in
            let node = try g.iterator(id)
            if limit == nil && node.isInfinite {
                throw CommandError("\(handle) never ends (\(node.description)): give a count, as in 'gen list \(handle) 10', or build 'gen take \(handle) N' first")
            }
            let cap = limit ?? Self.listLimit
            let pull = Pull(trace: g.trace ? Trace() : nil, cancellation: cancellation)
            var values: [Value] = []
            var exhausted = false
            while values.count < cap {
                guard let v = try node.next(pull) else { exhausted = true; break }
                values.append(v)
                if values.count & 1023 == 0 { try pull.checkCancelled() }
            }
            return (values, exhausted || node.exhausted, limit == nil && !exhausted, pull.trace?.text)
        }
    }

    /// What `gen sum` and `list sum` measured.
    package struct SumReport: Sendable {
        package var sum: Sum
        package var items: Int
        package var nanoseconds: Int64
        package var before: ProcFS.Memory?
        /// For a list: measured while the list is still alive.
        package var after: ProcFS.Memory?
        /// For a list: the bytes its buffer holds (capacity × 8 for whole numbers).
        package var listBytes: Int?
        package var trace: String?
    }

    /// `sum(G)`: one value at a time, nothing kept. An infinite generator runs until Ctrl-C.
    package func sum(_ id: Int, cancellation: Cancellation) throws -> SumReport {
        try graph.withLock { g in
            let node = try g.iterator(id)
            let pull = Pull(trace: g.trace ? Trace() : nil, cancellation: cancellation)
            let before = try? ProcFS.memory()
            let start = Clock.monotonicNanoseconds()
            var sum = Sum()
            var items = 0
            while let v = try node.next(pull) {
                try sum.add(v)
                items += 1
                if items & 4095 == 0 { try pull.checkCancelled() }
            }
            let elapsed = Clock.monotonicNanoseconds() - start
            let after = try? ProcFS.memory()
            return SumReport(sum: sum, items: items, nanoseconds: elapsed, before: before, after: after, listBytes: nil,
                             trace: pull.trace?.text)
        }
    }

    /// The most `list sum` materialises: 100 million whole numbers are a buffer of 763 MiB, and up to about twice that
    /// for a moment while it grows (the last doubling copies the old buffer into a new one of twice the size).
    package static let materialiseLimit = 100_000_000

    /// What the refusal says the list would cost, as it would really peak.
    package static var materialiseCost: String {
        "a buffer of \(Format.bytes(Double(materialiseLimit) * 8)), up to twice that while it grows"
    }

    /// `sum(list(G))`: the whole list first (measured while alive), then its sum.
    package func sumOfList(_ id: Int, handle: String, cancellation: Cancellation) throws -> SumReport {
        try graph.withLock { g in
            let node = try g.iterator(id)
            if node.isInfinite {
                throw CommandError("list(\(handle)) would never end: \(node.description) is infinite. Build 'gen take \(handle) N' first.")
            }
            if let range = node as? RangeIterator, range.remainingCount > Int128(Self.materialiseLimit) {
                throw CommandError("list(\(handle)) would hold \(range.remainingCount) items; conclab materialises at most \(Self.materialiseLimit) (\(Self.materialiseCost))")
            }
            let pull = Pull(trace: g.trace ? Trace() : nil, cancellation: cancellation)
            let before = try? ProcFS.memory()
            let start = Clock.monotonicNanoseconds()
            var list = MaterialisedList()
            while let v = try node.next(pull) {
                list.append(v)
                if list.count & 4095 == 0 {
                    try pull.checkCancelled()
                    if list.count > Self.materialiseLimit {
                        throw CommandError("list(\(handle)) passed \(Self.materialiseLimit) items (\(Self.materialiseCost)); stopped to protect the machine's memory")
                    }
                }
            }
            let built = Clock.monotonicNanoseconds()
            // Read while the list is alive; the read itself (a few /proc files) is not timed.
            let withList = try? ProcFS.memory()
            let summing = Clock.monotonicNanoseconds()
            var sum = Sum()
            try list.sum(into: &sum, pull: pull)
            let elapsed = (built - start) + (Clock.monotonicNanoseconds() - summing)
            return SumReport(sum: sum, items: list.count, nanoseconds: elapsed, before: before, after: withList,
                             listBytes: list.bufferBytes, trace: pull.trace?.text)
        }
    }
}

/// Python's `sum`: whole numbers are exact (accumulated in 128 bits, so the sum of ten million squares,
/// about 3.3e20, is right); a float makes the sum a float; anything else is a TypeError.
package struct Sum: Sendable {
    package private(set) var integer: Int128 = 0
    package private(set) var fraction: Double = 0
    package private(set) var sawFloat = false

    package mutating func add(_ value: Value) throws {
        switch value {
        case .int(let i): try addInteger(i)
        case .bool(let b): try addInteger(b ? 1 : 0)
        case .double(let d), .quantity(let d, _):
            fraction += d
            sawFloat = true
        default:
            throw CommandError("cannot sum a \(value.typeName) (\(ItemText.show(value))): sum needs numbers (Python: TypeError)")
        }
    }

    @inline(__always)
    package mutating func addInteger(_ i: Int) throws {
        let (r, o) = integer.addingReportingOverflow(Int128(i))
        if o { throw CommandError("integer overflow: the sum does not fit in 128 bits") }
        integer = r
    }

    /// The sum as a field: an int when it fits in 64 bits, else a float (the exact digits are in `exact`).
    package var value: Value {
        if sawFloat { return .double(Double(integer) + fraction) }
        if let i = Int(exactly: integer) { return .int(i) }
        return .double(Double(integer))
    }

    /// All the digits, as Python prints them.
    package var exact: String {
        sawFloat ? HumanRenderer(color: false).cell(value) : String(integer)
    }
}

/// `list(G)`: whole numbers in a plain `[Int]` (8 bytes an item, like the pointer array of a Python
/// list), anything else as values.
package struct MaterialisedList {
    private var ints: [Int] = []
    private var values: [Value]?

    package var count: Int { values?.count ?? ints.count }

    package mutating func append(_ v: Value) {
        if values == nil, case .int(let i) = v {
            ints.append(i)
            return
        }
        if values == nil {
            values = ints.map(Value.int)
            ints = []
        }
        values?.append(v)
    }

    /// The bytes of the list's buffer (its capacity, which grows by doubling).
    package var bufferBytes: Int {
        if let values { return values.capacity * MemoryLayout<Value>.stride }
        return ints.capacity * MemoryLayout<Int>.stride
    }

    package func sum(into sum: inout Sum, pull: Pull) throws {
        if let values {
            for (i, v) in values.enumerated() {
                try sum.add(v)
                if i & 4095 == 0 { try pull.checkCancelled() }
            }
            return
        }
        for (i, v) in ints.enumerated() {
            try sum.addInteger(v)
            if i & 65535 == 0 { try pull.checkCancelled() }
        }
    }
}

/// A handle in the object table: `g1` names a stage in the session's `GeneratorStore`.
package final class GeneratorObject: LabObject {
    package let store: GeneratorStore
    package let id: Int

    package init(store: GeneratorStore, id: Int) {
        self.store = store
        self.id = id
    }

    package var kind: ObjectKind { .generator }
    package var state: String { store.facts(id)?.state ?? "closed" }
    package var summary: String { store.facts(id)?.pipeline ?? "closed" }

    package func details() -> Record {
        guard let f = store.facts(id) else { return Record([("pipeline", .string("closed"))]) }
        return GeneratorFields.describe(f)
    }

    package func close() throws { store.close(id) }
}

/// The fields every command shows about a generator.
package enum GeneratorFields {
    /// What a command that makes a generator returns (`register`): its handle, then what `describe` fills.
    package static let made: [FieldSpec] = [
        FieldSpec("handle", "the new generator's handle"),
        FieldSpec("type", "Python's name for it: range, range_iterator, count, map, filter …"),
        FieldSpec("pipeline", "the stage and what it pulls from: map(x * x, g1)"),
        FieldSpec("iterable", "true for a range: each use gets a new iterator"),
        FieldSpec("infinite", "true when it has no end: count, fib, primes, random, or a stage over one"),
        FieldSpec("length", "how many numbers the range holds (a range)", occasional: true),
        FieldSpec("produced", "values it has handed out (null for a range)"),
        FieldSpec("computed", "values computed so far by it and every stage it pulls from"),
        FieldSpec("exhausted", "true once it has raised StopIteration"),
    ]

    package static func describe(_ f: GeneratorStore.Facts) -> Record {
        var record = Record([("type", .string(f.type)), ("pipeline", .string(f.pipeline)),
                             ("iterable", .bool(f.iterable)), ("infinite", .bool(f.infinite))])
        if let length = f.length { record.append("length", .int(length)) }
        record.append("produced", f.produced.map(Value.int) ?? .null)
        record.append("computed", .int(f.computed))
        record.append("exhausted", .bool(f.exhausted))
        return record
    }
}
