import LabOS
import LabCore
import PyLab

/// What one pull carries down a pipeline: the trace (when on) and the command's cancellation flag.
/// Made and used inside one command, under the store's lock.
package final class Pull {
    package let trace: Trace?
    package let cancellation: Cancellation

    package init(trace: Trace?, cancellation: Cancellation) {
        self.trace = trace
        self.cancellation = cancellation
    }

    package func checkCancelled() throws {
        if cancellation.isCancelled { throw Cancelled() }
    }
}

/// The lines `gen trace on` shows: each stage as it is asked for a value and as it computes one,
/// indented by how deep in the pipeline it sits. Capped so a traced `gen sum` of millions stays readable.
package final class Trace {
    package private(set) var lines: [String] = []
    package private(set) var omitted = 0
    package var depth = 0
    package let limit: Int

    package init(limit: Int = 400) { self.limit = limit }

    /// Adds a line; past the limit only counts it (the text is never built).
    package func log(_ node: IteratorNode, _ text: @autoclosure () -> String) {
        guard lines.count < limit else { omitted += 1; return }
        lines.append(String(repeating: "  ", count: depth) + node.tag + ": " + text())
    }

    /// The trace as one text, or nil when nothing was traced.
    package var text: String? {
        guard !lines.isEmpty else { return nil }
        var all = lines
        if omitted > 0 { all.append("… \(omitted) more trace lines not shown") }
        return all.joined(separator: "\n")
    }
}

/// An item as Python would print it: strings quoted, pairs in brackets.
package enum ItemText {
    package static func show(_ value: Value) -> String {
        switch value {
        case .string(let s): return "'" + s + "'"
        case .list(let items): return "(" + items.map(show).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        default: return HumanRenderer(color: false).cell(value)
        }
    }
}

/// An iterator: Python's `__next__`, one stage of a lazy pipeline. It computes a value only when its
/// consumer pulls, and once it has said "exhausted" (StopIteration) it says so forever.
///
/// Not Sendable on purpose: every node lives in its session's `GeneratorStore` and is touched only
/// under that store's lock, so a pipeline shared by several handles (`gen map g1 …` reads g1's
/// iterator) is never raced.
package class IteratorNode {
    /// The handle (`g3`), or `iter(g1)` for the iterator a combinator took from a range.
    package var name: String
    /// What the stage does: `range(0, 10)`, `map x * x`, `take 5`.
    package let label: String
    package private(set) var produced = 0
    package private(set) var exhausted = false
    package private(set) var closed = false

    package init(name: String, label: String) {
        self.name = name
        self.label = label
    }

    package var tag: String { name + " " + label }

    /// The stages it pulls from.
    package var sources: [IteratorNode] { [] }

    /// Whether it never ends by itself (count, fib, primes, random, and what is built only on them).
    package var isInfinite: Bool { false }

    /// Python's `next(it)`: the next value, or nil for StopIteration.
    package final func next(_ pull: Pull) throws -> Value? {
        if exhausted {
            pull.trace?.log(self, closed ? "closed — StopIteration" : "already exhausted — StopIteration")
            return nil
        }
        let value: Value?
        do {
            value = try produce(pull)
        } catch let error as SourceFailure {
            // A generator that raised is finished, as in Python.
            exhausted = true
            throw CommandError(error.message)
        }
        if let value {
            produced += 1
            return value
        }
        exhausted = true
        pull.trace?.log(self, "exhausted — StopIteration")
        return nil
    }

    /// The stage's own step; subclasses override. Returning nil ends the iterator.
    package func produce(_ pull: Pull) throws -> Value? { nil }

    /// Asks `source` for a value, tracing the request and nesting the source's own lines under it.
    package final func pull(from source: IteratorNode, _ pull: Pull) throws -> Value? {
        guard let trace = pull.trace else { return try source.next(pull) }
        trace.log(self, "asks \(source.name)")
        trace.depth += 1
        defer { trace.depth -= 1 }
        return try source.next(pull)
    }

    /// `generator.close()`: exhausted from now on.
    package func close() {
        exhausted = true
        closed = true
    }

    /// The pipeline as text with the source handles: `map(x * x, g1)`.
    package var description: String { label }
}

/// An error that ends the generator that raised it (an overflowing Fibonacci number).
package struct SourceFailure: Error {
    package var message: String
}

// MARK: - Sources

/// `range(start, stop, step)`: an iterable, not an iterator. Each `iter()` hands out a new,
/// independent iterator; the range itself never changes and is never exhausted.
package struct RangeSpec: Sendable, Equatable {
    package let start: Int
    package let stop: Int
    package let step: Int

    /// How many values, computed wide so no bound overflows.
    package var count: Int128 {
        let span = Int128(stop) - Int128(start)
        let s = Int128(step)
        if s > 0 { return span <= 0 ? 0 : (span + s - 1) / s }
        return span >= 0 ? 0 : (span + s + 1) / s
    }

    package var label: String { step == 1 ? "range(\(start), \(stop))" : "range(\(start), \(stop), \(step))" }
}

package final class RangeIterator: IteratorNode {
    package let spec: RangeSpec
    private var current: Int
    private var remaining: Int128

    package init(_ spec: RangeSpec, name: String) {
        self.spec = spec
        current = spec.start
        remaining = spec.count
        super.init(name: name, label: spec.label)
    }

    package override func produce(_ pull: Pull) throws -> Value? {
        guard remaining > 0 else { return nil }
        let value = current
        remaining -= 1
        // Past the last value the next one may not fit in 64 bits; it is never yielded.
        if remaining > 0 { current = current &+ spec.step }
        pull.trace?.log(self, "yields \(value)")
        return .int(value)
    }

    package var remainingCount: Int128 { remaining }

    package override var description: String { "iter(\(spec.label))" }
}

/// `itertools.count(start, step)`: infinite. 64-bit: running past Int.max is an overflow error.
package final class CountIterator: IteratorNode {
    private var current: Int?
    private let step: Int

    package init(start: Int, step: Int, name: String) {
        current = start
        self.step = step
        super.init(name: name, label: step == 1 ? "count(\(start))" : "count(\(start), \(step))")
    }

    package override var isInfinite: Bool { true }

    package override func produce(_ pull: Pull) throws -> Value? {
        guard let value = current else {
            throw SourceFailure(message: "integer overflow: \(name) counted past \(step > 0 ? "the largest" : "the smallest") 64-bit integer (Python's integers are unbounded; conclab's are 64-bit)")
        }
        let (next, overflow) = value.addingReportingOverflow(step)
        current = overflow ? nil : next
        pull.trace?.log(self, "yields \(value)")
        return .int(value)
    }
}

/// Fibonacci numbers 0, 1, 1, 2, 3, 5 … — a generator function in Python (`a, b = b, a + b`).
package final class FibonacciIterator: IteratorNode {
    private var a: Int? = 0
    private var b: Int? = 1

    package init(name: String) { super.init(name: name, label: "fib()") }

    package override var isInfinite: Bool { true }

    package override func produce(_ pull: Pull) throws -> Value? {
        guard let value = a else {
            throw SourceFailure(message: "integer overflow: Fibonacci number \(produced) does not fit in 64 bits (the largest that does is number 92, 7540113804746346429; Python's integers are unbounded)")
        }
        var next: Int?
        if let x = a, let y = b {
            let (sum, overflow) = x.addingReportingOverflow(y)
            next = overflow ? nil : sum
        }
        a = b
        b = next
        pull.trace?.log(self, "yields \(value)")
        return .int(value)
    }
}

/// Primes 2, 3, 5, 7 … without end: trial division by the odd primes up to √n, which a second, smaller
/// prime generator supplies as they are needed — so memory grows with √n, not with n.
package final class PrimesIterator: IteratorNode {
    private var odd = OddPrimes(firstCandidate: 3)
    private var gaveTwo = false

    package init(name: String) { super.init(name: name, label: "primes()") }

    package override var isInfinite: Bool { true }

    package override func produce(_ pull: Pull) throws -> Value? {
        let value: Int
        if !gaveTwo {
            gaveTwo = true
            value = 2
        } else {
            guard let p = odd.next() else {
                throw SourceFailure(message: "integer overflow: the next prime does not fit in 64 bits")
            }
            value = p
        }
        pull.trace?.log(self, "yields \(value)")
        return .int(value)
    }
}

/// Odd primes from `firstCandidate` (3 or 5) upward.
package final class OddPrimes {
    private var candidate: Int
    private var divisors: [Int] = []
    /// The next divisor, pulled from `base` but not yet needed (its square is above the candidate).
    private var pending: Int? = 3
    private var base: OddPrimes?

    package init(firstCandidate: Int) { candidate = firstCandidate }

    package func next() -> Int? {
        while true {
            let c = candidate
            let (following, overflow) = c.addingReportingOverflow(2)
            if overflow { return nil }
            candidate = following
            if isPrime(c) { return c }
        }
    }

    private func isPrime(_ c: Int) -> Bool {
        while let p = pending, p.multipliedReportingOverflow(by: p).partialValue <= c {
            divisors.append(p)
            if base == nil { base = OddPrimes(firstCandidate: 5) }
            pending = base?.next()
        }
        for p in divisors where c % p == 0 { return false }
        return true
    }
}

/// The lines of a text file, without their newline. The file is read when the first line is pulled.
package final class LinesIterator: IteratorNode {
    package let path: String
    private var lines: [Substring]?
    private var index = 0

    /// The largest file `gen lines` reads (it holds the lines in memory).
    package static let sizeLimit = 64 << 20

    package init(path: String, name: String) {
        self.path = path
        super.init(name: name, label: "lines(\(ItemText.show(.string(path))))")
    }

    package override func produce(_ pull: Pull) throws -> Value? {
        if lines == nil {
            let text: String
            do { text = try Files.readText(path, limit: Self.sizeLimit) } catch let error as OSError {
                throw SourceFailure(message: "cannot read \(path): \(error.message) (\(error.name))")
            } catch {
                throw SourceFailure(message: "\(error)")
            }
            var all = text.split(separator: "\n", omittingEmptySubsequences: false)
            if all.last?.isEmpty == true { all.removeLast() }
            lines = all
            pull.trace?.log(self, "opens and reads \(path) (\(all.count) lines)")
        }
        guard let lines, index < lines.count else { return nil }
        var line = lines[index]
        if line.hasSuffix("\r") { line = line.dropLast() }
        index += 1
        let value = Value.string(String(line))
        pull.trace?.log(self, "yields \(ItemText.show(value))")
        return value
    }
}

/// Pseudo-random numbers from a seed (SplitMix64): floats in [0, 1) like `random.random()`, or whole
/// numbers in [0, below) like `random.randrange(below)`. The same seed gives the same sequence.
package final class RandomIterator: IteratorNode {
    private var state: UInt64
    package let below: Int?

    package init(seed: Int, below: Int?, name: String) {
        state = UInt64(bitPattern: Int64(seed))
        self.below = below
        super.init(name: name, label: below.map { "random(seed \(seed), below \($0))" } ?? "random(seed \(seed))")
    }

    package override var isInfinite: Bool { true }

    package override func produce(_ pull: Pull) throws -> Value? {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let value: Value
        if let below {
            value = .int(Int(z.multipliedFullWidth(by: UInt64(below)).high))
        } else {
            value = .double(Double(z >> 11) * 0x1p-53)
        }
        pull.trace?.log(self, "yields \(ItemText.show(value))")
        return value
    }
}

// MARK: - Combinators

/// `map(lambda x: EXPR, source)`.
package final class MapIterator: IteratorNode {
    package let source: IteratorNode
    package let expression: ItemExpression

    package init(_ source: IteratorNode, _ expression: ItemExpression, name: String) {
        self.source = source
        self.expression = expression
        super.init(name: name, label: "map(\(expression.text))")
    }

    package override var sources: [IteratorNode] { [source] }
    package override var isInfinite: Bool { source.isInfinite }
    package override var description: String { "map(\(expression.text), \(source.name))" }

    package override func produce(_ pull: Pull) throws -> Value? {
        guard let item = try self.pull(from: source, pull) else { return nil }
        let value = try expression.evaluate(item)
        pull.trace?.log(self, "\(ItemText.show(item)) → \(ItemText.show(value))")
        return value
    }
}

/// `filter(lambda x: EXPR, source)`: pulls until an item passes; checks Ctrl-C while it searches.
package final class FilterIterator: IteratorNode {
    package let source: IteratorNode
    package let expression: ItemExpression

    package init(_ source: IteratorNode, _ expression: ItemExpression, name: String) {
        self.source = source
        self.expression = expression
        super.init(name: name, label: "filter(\(expression.text))")
    }

    package override var sources: [IteratorNode] { [source] }
    package override var isInfinite: Bool { source.isInfinite }
    package override var description: String { "filter(\(expression.text), \(source.name))" }

    package override func produce(_ pull: Pull) throws -> Value? {
        var dropped = 0
        while let item = try self.pull(from: source, pull) {
            if try expression.test(item) {
                pull.trace?.log(self, "\(ItemText.show(item)) passes")
                return item
            }
            pull.trace?.log(self, "\(ItemText.show(item)) dropped")
            dropped += 1
            if dropped & 4095 == 0 { try pull.checkCancelled() }
        }
        return nil
    }
}

/// `itertools.islice(source, n)`: at most n values; once it has them it stops without asking for more.
package final class TakeIterator: IteratorNode {
    package let source: IteratorNode
    package let limit: Int
    private var taken = 0

    package init(_ source: IteratorNode, _ limit: Int, name: String) {
        self.source = source
        self.limit = limit
        super.init(name: name, label: "take(\(limit))")
    }

    package override var sources: [IteratorNode] { [source] }
    package override var isInfinite: Bool { false }
    package override var description: String { "take(\(source.name), \(limit))" }

    package override func produce(_ pull: Pull) throws -> Value? {
        guard taken < limit else {
            pull.trace?.log(self, "has its \(limit): stops without asking \(source.name)")
            return nil
        }
        guard let item = try self.pull(from: source, pull) else { return nil }
        taken += 1
        pull.trace?.log(self, "yields \(ItemText.show(item)) (\(taken) of \(limit))")
        return item
    }
}

/// `zip(a, b, …)`: tuples until the first source is exhausted (an item already pulled from an earlier
/// source is then lost, as in Python).
package final class ZipIterator: IteratorNode {
    package let parts: [IteratorNode]

    package init(_ parts: [IteratorNode], name: String) {
        self.parts = parts
        super.init(name: name, label: "zip")
    }

    package override var sources: [IteratorNode] { parts }
    package override var isInfinite: Bool { parts.allSatisfy(\.isInfinite) }
    package override var description: String { "zip(" + parts.map(\.name).joined(separator: ", ") + ")" }

    package override func produce(_ pull: Pull) throws -> Value? {
        var items: [Value] = []
        items.reserveCapacity(parts.count)
        for part in parts {
            guard let item = try self.pull(from: part, pull) else { return nil }
            items.append(item)
        }
        let value = Value.list(items)
        pull.trace?.log(self, "yields \(ItemText.show(value))")
        return value
    }
}

/// `itertools.chain(a, b, …)`: all of a, then all of b.
package final class ChainIterator: IteratorNode {
    package let parts: [IteratorNode]
    private var index = 0

    package init(_ parts: [IteratorNode], name: String) {
        self.parts = parts
        super.init(name: name, label: "chain")
    }

    package override var sources: [IteratorNode] { parts }
    package override var isInfinite: Bool { parts.contains(where: \.isInfinite) }
    package override var description: String { "chain(" + parts.map(\.name).joined(separator: ", ") + ")" }

    package override func produce(_ pull: Pull) throws -> Value? {
        while index < parts.count {
            if let item = try self.pull(from: parts[index], pull) {
                pull.trace?.log(self, "yields \(ItemText.show(item)) (from \(parts[index].name))")
                return item
            }
            index += 1
            if index < parts.count { pull.trace?.log(self, "moves on to \(parts[index].name)") }
        }
        return nil
    }
}
