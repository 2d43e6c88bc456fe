import LabOS
import LabCore
import PyLab

/// `gen`: make generators, stack lazy stages on them, drain and sum them, trace them.
package struct GenCommand: Command {
    package init() {}
    package let spec = CommandSpec("gen", summary: "generators and lazy pipelines: range, map, filter, take, sum…",
                           discussion: """
                               Sources: range, count, fib, primes, lines, random. Stages: map, filter, take, zip, chain \
                               (EXPR is the rest of the line, over the item x). Nothing is computed until a value is pulled \
                               with 'next', 'gen list' or 'gen sum'; 'gen trace on' shows each stage as it computes. \
                               A range is an iterable: every use gets a new iterator. Everything else is an iterator: \
                               single pass, and once exhausted it stays exhausted.
                               """)
    package let verbs: [any Command] = [GenRange(), GenCount(), GenFib(), GenPrimes(), GenLines(), GenRandom(),
                                GenMap(), GenFilter(), GenTake(), GenZip(), GenChain(),
                                GenList(), GenSum(), GenTrace()]
    package let defaultVerb: String? = "list"
    package let objectKinds = [ObjectKindInfo(kind: .generator, prefix: "g", listCommand: "gen",
                                      limitName: "generators", defaultLimit: 1024)]
}

/// What the generator commands share: finding handles, registering new ones, shaping results.
package enum GenSupport {
    package static let nameFlag = FlagSpec("name", value: .word, valueName: "NAME", help: "handle to use instead of g1, g2 …")

    package static func store(_ context: Context) -> GeneratorStore { GeneratorStore.of(context.session) }

    /// The generator a handle names, from this session's store.
    package static func generator(_ handle: String, _ context: Context) throws -> GeneratorObject {
        let object = try context.session.objects.lookup(handle, kind: .generator)
        guard let generator = object as? GeneratorObject else { throw CommandError("\(handle) is not a generator") }
        return generator
    }

    /// Checks the cap and the name before anything is built, so nothing is half-done.
    package static func checkRoom(_ arguments: Arguments, _ context: Context) throws {
        try context.session.objects.checkCapacity(for: .generator)
        try context.session.objects.checkName(arguments.string("name"))
    }

    /// Gives the stage `id` a handle (the `--name`, or the next `gN`); forgets the stage if that fails.
    package static func handle(for id: Int, _ arguments: Arguments, _ context: Context) throws -> String {
        let store = store(context)
        let handle: String
        do { handle = try context.session.objects.add(GeneratorObject(store: store, id: id), name: arguments.string("name")) } catch {
            store.remove(id)
            throw error
        }
        store.setName(id, handle)
        return handle
    }

    /// Gives the stage `id` a handle and reports what was made.
    package static func register(_ id: Int, _ arguments: Arguments, _ context: Context) throws -> LabResult {
        let handle = try handle(for: id, arguments, context)
        guard let facts = store(context).facts(id) else { throw CommandError("\(handle) vanished while it was made") }
        let note = facts.iterable ? "an iterable: each use gets a new iterator" : "lazy: computes only when pulled"
        var record = Record(title: "\(handle) = \(facts.pipeline)  (\(note))", [("handle", .string(handle))])
        record.fields += GeneratorFields.describe(facts).fields
        return .record(record)
    }

    /// The trace (when on) above the result.
    package static func withTrace(_ trace: String?, _ result: LabResult) -> LabResult {
        guard let trace else { return result }
        return .group([.text(trace), result])
    }

    /// The expression: the rest of the line after G, exactly as typed. A trailing `--name NAME` is not part of it.
    package static func expressionText(_ arguments: Arguments) throws -> String {
        guard var text = arguments.rawText("EXPR"), let exprStart = arguments.starts["EXPR"] else {
            throw UsageError("missing EXPR", usage: arguments.usage)
        }
        if arguments.string("name") != nil,
           let i = arguments.words.firstIndex(where: { !$0.quoted && ($0.text == "--name" || $0.text.hasPrefix("--name=")) }),
           arguments.words[i].start > exprStart {
            let flagWords = arguments.words[i].text == "--name" ? 2 : 1
            guard i + flagWords == arguments.words.count else {
                throw UsageError("put --name before the expression or at the very end", usage: arguments.usage)
            }
            text = String(Array(arguments.source)[exprStart..<arguments.words[i].start])
            while text.last == " " || text.last == "\t" { text.removeLast() }
        }
        return text
    }
}

// MARK: - Sources

package struct GenRange: Command {
    package let spec = CommandSpec("range", summary: "range(A, B, STEP): an iterable of whole numbers (B alone: 0 to B)",
                           arguments: [ArgumentSpec("A", .integer, help: "start (or the stop, when B is left out)"),
                                       ArgumentSpec("B", .integer, optional: true, help: "stop (not included)"),
                                       ArgumentSpec("STEP", .integer, optional: true, help: "step, not 0 (default 1)")],
                           flags: [GenSupport.nameFlag],
                           examples: ["gen range 0 10", "gen range 10", "gen range 10 0 -2", "gen range 0 10^7"],
                           fields: GeneratorFields.made)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let a = try arguments.integer("A") ?? 0
        let b = try arguments.integer("B")
        let step = try arguments.integer("STEP") ?? 1
        guard step != 0 else { throw UsageError("STEP must not be 0 (Python: ValueError: range() arg 3 must not be zero)", usage: arguments.usage) }
        try GenSupport.checkRoom(arguments, context)
        let spec = b.map { RangeSpec(start: a, stop: $0, step: step) } ?? RangeSpec(start: 0, stop: a, step: step)
        return try GenSupport.register(GenSupport.store(context).addSource(.range(spec)), arguments, context)
    }
}

package struct GenCount: Command {
    package let spec = CommandSpec("count", summary: "itertools.count(START, STEP): START, START+STEP, … without end",
                           arguments: [ArgumentSpec("START", .integer, optional: true, help: "first value (default 0)"),
                                       ArgumentSpec("STEP", .integer, optional: true, help: "step (default 1)")],
                           flags: [GenSupport.nameFlag],
                           examples: ["gen count", "gen count 10 5"], fields: GeneratorFields.made)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let start = try arguments.integer("START") ?? 0
        let step = try arguments.integer("STEP") ?? 1
        try GenSupport.checkRoom(arguments, context)
        return try GenSupport.register(GenSupport.store(context).addSource(.count(start: start, step: step)), arguments, context)
    }
}

package struct GenFib: Command {
    package let spec = CommandSpec("fib", summary: "Fibonacci numbers 0, 1, 1, 2, 3, 5 … (a generator function)",
                           flags: [GenSupport.nameFlag], examples: ["gen fib"],
                           discussion: "64-bit: the 93rd number does not fit, and asking for it is an overflow error that ends the generator.",
                           fields: GeneratorFields.made)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        try GenSupport.checkRoom(arguments, context)
        return try GenSupport.register(GenSupport.store(context).addSource(.fib), arguments, context)
    }
}

package struct GenPrimes: Command {
    package let spec = CommandSpec("primes", summary: "prime numbers 2, 3, 5, 7 … without end",
                           flags: [GenSupport.nameFlag], examples: ["gen primes"], fields: GeneratorFields.made)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        try GenSupport.checkRoom(arguments, context)
        return try GenSupport.register(GenSupport.store(context).addSource(.primes), arguments, context)
    }
}

package struct GenLines: Command {
    package let spec = CommandSpec("lines", summary: "the lines of a text file, read when the first line is pulled",
                           arguments: [ArgumentSpec("PATH", .path, help: "a regular file")],
                           flags: [GenSupport.nameFlag],
                           examples: ["gen lines /etc/os-release", "gen lines /proc/self/status", "gen lines threads.csv"],
                           fields: GeneratorFields.made)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let path = try context.session.readablePath(try arguments.require("PATH"))
        guard Files.exists(path) else { throw CommandError("cannot open \(path): no such file or directory (ENOENT)") }
        guard !Files.isDirectory(path) else { throw CommandError("\(path) is a directory; gen lines reads a file") }
        // A device never ends (/dev/zero) or blocks (/dev/tty): only files are read.
        guard !path.hasPrefix("/dev/") else { throw CommandError("\(path) is a device; gen lines reads regular files") }
        try GenSupport.checkRoom(arguments, context)
        return try GenSupport.register(GenSupport.store(context).addSource(.lines(path)), arguments, context)
    }
}

package struct GenRandom: Command {
    package let spec = CommandSpec("random", summary: "pseudo-random numbers from SEED: floats in [0, 1), or whole numbers below N",
                           arguments: [ArgumentSpec("SEED", .integer, help: "the same seed gives the same numbers")],
                           flags: [FlagSpec("below", value: .integer, valueName: "N", help: "whole numbers 0 … N-1, like randrange(N)"),
                                   GenSupport.nameFlag],
                           examples: ["gen random 42", "gen random 7 --below 6"], fields: GeneratorFields.made)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let seed = try arguments.integer("SEED") ?? 0
        let below = try arguments.integer("below")
        if let below, below <= 0 { throw UsageError("--below must be at least 1, got \(below)", usage: arguments.usage) }
        try GenSupport.checkRoom(arguments, context)
        return try GenSupport.register(GenSupport.store(context).addSource(.random(seed: seed, below: below)), arguments, context)
    }
}

// MARK: - Stages

package struct GenMap: Command {
    package let spec = CommandSpec("map", summary: "map(lambda x: EXPR, G): each item of G through EXPR, lazily",
                           arguments: [ArgumentSpec("G", .handle(.generator), help: "a generator handle"),
                                       ArgumentSpec("EXPR", .expression, variadic: true, help: "over the item x, the rest of the line: x * x")],
                           flags: [GenSupport.nameFlag],
                           examples: ["gen map g1 x * x", "gen map g1 x % 10"], fields: GeneratorFields.made)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let source = try GenSupport.generator(try arguments.require("G"), context)
        let expression = try ItemExpression(try GenSupport.expressionText(arguments))
        try GenSupport.checkRoom(arguments, context)
        return try GenSupport.register(try GenSupport.store(context).addCombinator(.map(expression), over: [source.id]), arguments, context)
    }
}

package struct GenFilter: Command {
    package let spec = CommandSpec("filter", summary: "filter(lambda x: EXPR, G): only the items for which EXPR is true",
                           arguments: [ArgumentSpec("G", .handle(.generator), help: "a generator handle"),
                                       ArgumentSpec("EXPR", .expression, variadic: true, help: "a condition over the item x: x % 3 == 0")],
                           flags: [GenSupport.nameFlag],
                           examples: ["gen filter g1 x % 3 == 0", "gen filter g1 x > 100 and x < 200"],
                           fields: GeneratorFields.made)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let source = try GenSupport.generator(try arguments.require("G"), context)
        let expression = try ItemExpression(try GenSupport.expressionText(arguments))
        try GenSupport.checkRoom(arguments, context)
        return try GenSupport.register(try GenSupport.store(context).addCombinator(.filter(expression), over: [source.id]), arguments, context)
    }
}

package struct GenTake: Command {
    package let spec = CommandSpec("take", summary: "itertools.islice(G, N): at most the first N items",
                           arguments: [ArgumentSpec("G", .handle(.generator), help: "a generator handle"),
                                       ArgumentSpec("N", .integer, help: "how many, 0 or more")],
                           flags: [GenSupport.nameFlag],
                           examples: ["gen take g1 5"], fields: GeneratorFields.made)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let source = try GenSupport.generator(try arguments.require("G"), context)
        let n = try arguments.integer("N", default: 0, range: 0...Int.max)
        try GenSupport.checkRoom(arguments, context)
        return try GenSupport.register(try GenSupport.store(context).addCombinator(.take(n), over: [source.id]), arguments, context)
    }
}

package struct GenZip: Command {
    package let spec = CommandSpec("zip", summary: "zip(G1, G2, …): pairs until the shortest ends",
                           arguments: [ArgumentSpec("G", .handle(.generator), variadic: true, help: "two or more generator handles")],
                           flags: [GenSupport.nameFlag],
                           examples: ["gen zip g1 g2"], fields: GeneratorFields.made)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        try combine(.zip, arguments, context)
    }
}

package struct GenChain: Command {
    package let spec = CommandSpec("chain", summary: "itertools.chain(G1, G2, …): all of G1, then all of G2",
                           arguments: [ArgumentSpec("G", .handle(.generator), variadic: true, help: "two or more generator handles")],
                           flags: [GenSupport.nameFlag],
                           examples: ["gen chain g1 g2"], fields: GeneratorFields.made)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        try combine(.chain, arguments, context)
    }
}

private func combine(_ kind: GeneratorStore.Combinator, _ arguments: Arguments, _ context: Context) throws -> LabResult {
    let handles = arguments.strings("G")
    guard handles.count >= 2 else { throw UsageError("give two or more generators", usage: arguments.usage) }
    let ids = try handles.map { try GenSupport.generator($0, context).id }
    try GenSupport.checkRoom(arguments, context)
    return try GenSupport.register(try GenSupport.store(context).addCombinator(kind, over: ids), arguments, context)
}

// MARK: - Pulling

package struct GenList: Command {
    package let spec = CommandSpec("list", aliases: ["ls"], summary: "list(G): drain up to N values; alone, list the live generators",
                           arguments: [ArgumentSpec("G", .handle(.generator), optional: true, help: "a generator handle"),
                                       ArgumentSpec("N", .integer, optional: true, help: "at most N values (required for an infinite generator)")],
                           examples: ["gen list", "gen list g1", "gen list g2 5"],
                           discussion: "Without N a finite generator is drained (at most \(GeneratorStore.listLimit) values are shown); an infinite one is refused.",
                           fields: [FieldSpec("handle", "the generator drained (gen list G)", occasional: true),
                                    FieldSpec("values", "the values pulled, in order (gen list G)", occasional: true),
                                    FieldSpec("count", "how many values were pulled (gen list G); the number of rows (gen list)", occasional: true),
                                    FieldSpec("exhausted", "true if it raised StopIteration (gen list G)", occasional: true),
                                    .column("handle", "a live generator (gen list)"), .column("type", "Python's name for it"),
                                    .column("state", "iterable, new, suspended, exhausted or closed"),
                                    .column("produced", "values it has handed out (null for a range)"),
                                    .column("pipeline", "the stage and what it pulls from")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        guard let handle = arguments.string("G") else { return listGenerators(context) }
        let generator = try GenSupport.generator(handle, context)
        let n = try arguments.integer("N")
        if let n, n < 0 { throw UsageError("N must be 0 or more, got \(n)", usage: arguments.usage) }
        // Every value is kept and shown: a billion of them is gigabytes. 'gen sum' pulls any number in constant memory.
        if let n, n > GeneratorStore.shownLimit {
            throw UsageError("gen list shows at most \(GeneratorStore.shownLimit) values, not \(n): 'gen sum \(handle)' pulls any number in constant memory",
                             usage: arguments.usage)
        }
        let drained = try GenSupport.store(context).take(generator.id, handle: handle, limit: n, cancellation: context.cancellation)
        let shown = drained.values.count <= 30 ? "[" + drained.values.map(ItemText.show).joined(separator: ", ") + "]" : ""
        var title = "list(\(handle)) → " + (!shown.isEmpty && shown.count <= 100 ? shown : "\(drained.values.count) values")
        if drained.exhausted { title += ", exhausted" }
        if drained.capped { title += " (stopped at \(GeneratorStore.listLimit); more may remain: give N)" }
        let record = Record(title: title, [("handle", .string(handle)), ("values", .list(drained.values)),
                                           ("count", .int(drained.values.count)), ("exhausted", .bool(drained.exhausted))])
        return GenSupport.withTrace(drained.trace, .record(record))
    }

    private func listGenerators(_ context: Context) -> LabResult {
        let rows = context.session.objects.all(kind: .generator).compactMap { entry -> [Value]? in
            guard let g = entry.object as? GeneratorObject, let f = g.store.facts(g.id) else { return nil }
            return [.string(entry.handle), .string(f.type), .string(f.state), f.produced.map(Value.int) ?? .null, .string(f.pipeline)]
        }
        return .table(Table(columns: ["handle", "type", "state", "produced", "pipeline"], rows: rows))
    }
}

package struct GenSum: Command {
    package let spec = CommandSpec("sum", summary: "sum(G): one value at a time, in constant memory; reports time and memory growth",
                           arguments: [ArgumentSpec("G", .handle(.generator), help: "a generator handle")],
                           examples: ["gen sum g2"],
                           discussion: "Memory is read from /proc/self/status before and after: growth_bytes is the RSS growth (never below 0). Compare 'list sum G'. An infinite generator runs until Ctrl-C.",
                           fields: SumFields.declared(list: false))

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let handle = try arguments.require("G")
        let generator = try GenSupport.generator(handle, context)
        let report = try GenSupport.store(context).sum(generator.id, cancellation: context.cancellation)
        return GenSupport.withTrace(report.trace, .record(SumFields.record("sum(\(handle))", handle: handle, report, list: false)))
    }
}

package struct GenTrace: Command {
    package let spec = CommandSpec("trace", summary: "show each stage as it is asked for a value and as it computes one",
                           arguments: [ArgumentSpec("MODE", .choice(["on", "off"]), optional: true)],
                           examples: ["gen trace on", "gen trace off"],
                           discussion: "A session-wide switch; the trace is printed above the result of next, gen list and gen sum (at most 400 lines).",
                           fields: [FieldSpec("trace", "true while the trace is on")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let store = GenSupport.store(context)
        if let mode = arguments.string("MODE") { store.setTrace(mode == "on") }
        let on = store.traceOn
        return .record(Record(title: "generator trace: \(on ? "on" : "off")", [("trace", .bool(on))]))
    }
}

// MARK: - The iterator protocol

package struct NextCommand: Command {
    package init() {}
    package let spec = CommandSpec("next", summary: "next(G): the next value of an iterator, or StopIteration once exhausted",
                           arguments: [ArgumentSpec("G", .handle(.generator), help: "an iterator handle")],
                           examples: ["next g2", "next g5"],
                           discussion: "Exhaustion is a result (exhausted = true), not an error. A range is not an iterator: run 'iter' on it first.",
                           fields: [FieldSpec("handle", "the iterator pulled from"), FieldSpec("value", "the value it gave (null once exhausted)"),
                                    FieldSpec("exhausted", "true when it raised StopIteration instead"),
                                    FieldSpec("produced", "values it has handed out so far")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let handle = try arguments.require("G")
        let generator = try GenSupport.generator(handle, context)
        let pulled = try GenSupport.store(context).next(generator.id, handle: handle, cancellation: context.cancellation)
        let record: Record
        if let value = pulled.value {
            record = Record(title: "next(\(handle)) → \(ItemText.show(value))",
                            [("handle", .string(handle)), ("value", value), ("exhausted", .bool(false)), ("produced", .int(pulled.produced))])
        } else {
            record = Record(title: "next(\(handle)): exhausted — StopIteration",
                            [("handle", .string(handle)), ("value", .null), ("exhausted", .bool(true)), ("produced", .int(pulled.produced))])
        }
        return GenSupport.withTrace(pulled.trace, .record(record))
    }
}

package struct IterCommand: Command {
    package init() {}
    package let spec = CommandSpec("iter", summary: "iter(G): an iterable hands out a new iterator; an iterator returns itself",
                           arguments: [ArgumentSpec("G", .handle(.generator), help: "a generator handle")],
                           flags: [GenSupport.nameFlag],
                           examples: ["iter g1"],
                           fields: [FieldSpec("handle", "the generator given"), FieldSpec("iterator", "the iterator's handle: a new one for a range, else the same"),
                                    FieldSpec("same", "true when iter returned the generator itself"),
                                    FieldSpec("iterable", "true when the generator is a range")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let handle = try arguments.require("G")
        let generator = try GenSupport.generator(handle, context)
        let store = GenSupport.store(context)
        guard store.facts(generator.id)?.iterable == true else {
            return .record(Record(title: "iter(\(handle)) is \(handle): an iterator returns itself",
                                  [("handle", .string(handle)), ("iterator", .string(handle)), ("same", .bool(true)), ("iterable", .bool(false))]))
        }
        try GenSupport.checkRoom(arguments, context)
        guard let id = try store.makeIterator(of: generator.id) else { throw CommandError("\(handle) changed while iter ran") }
        let new = try GenSupport.handle(for: id, arguments, context)
        return .record(Record(title: "iter(\(handle)) → \(new): a new, independent iterator (\(handle) is an iterable)",
                              [("handle", .string(handle)), ("iterator", .string(new)), ("same", .bool(false)), ("iterable", .bool(true))]))
    }
}

/// `list`: materialised lists, for comparison with generators.
package struct ListCommand: Command {
    package init() {}
    package let spec = CommandSpec("list", summary: "materialise a generator as a list first (compare with gen sum); CPython's figures")
    package let verbs: [any Command] = [ListSum(), ListCPython()]
}

package struct ListSum: Command {
    package let spec = CommandSpec("sum", summary: "sum(list(G)): build the whole list, then sum it; reports time and memory growth",
                           arguments: [ArgumentSpec("G", .handle(.generator), help: "a finite generator handle")],
                           examples: ["list sum g2"],
                           discussion: """
                               growth_bytes is the RSS growth measured while the list is alive. This is conclab's own list: \
                               whole numbers stored in 8 bytes each in an array that doubles its capacity as it grows \
                               (list_bytes is that capacity). CPython's list is not like this: each item is an 8-byte \
                               pointer to an int object of its own (about 40 bytes an item in all), and it over-allocates \
                               by about 1/8; 'list cpython' measures it. peak_delta_bytes is the growth of the peak \
                               (VmHWM), which stays put once the peak was reached before.
                               """,
                           fields: SumFields.declared(list: true))

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let handle = try arguments.require("G")
        let generator = try GenSupport.generator(handle, context)
        let report = try GenSupport.store(context).sumOfList(generator.id, handle: handle, cancellation: context.cancellation)
        return GenSupport.withTrace(report.trace, .record(SumFields.record("sum(list(\(handle)))", handle: handle, report, list: true)))
    }
}

/// `list cpython N`: the real python3's figures for the same comparison, from tracemalloc: a list of N squares against
/// a generator summing them, and the capacities a growing list goes through. The program is fixed (only N is passed),
/// yet a replayed lab still does not run it: replay runs no program but conclab.
package struct ListCPython: Command {
    package let spec = CommandSpec("cpython", summary: "CPython's memory for [x*x for x in range(N)] against sum(x*x for x in range(N)), by tracemalloc",
                           arguments: [ArgumentSpec("N", .integer, optional: true, help: "how many items (default 10^6, at most 5*10^6)")],
                           examples: ["list cpython", "list cpython 10^6"],
                           discussion: """
                               Runs python3 (from PATH) on a fixed program: list_bytes_per_item is what tracemalloc traced \
                               for the list and its int objects, divided by N; generator_peak_bytes is the most the \
                               generator's sum held at once; capacities are the sizes a list goes through as append grows \
                               it (sys.getsizeof). In a replayed lab, or without python3, cpython is "skipped" and the \
                               figures are null.
                               """,
                           fields: [FieldSpec("items", "N, the number of squares"),
                                    FieldSpec("version", "python3's version (null when skipped)"),
                                    FieldSpec("list_traced_bytes", "memory tracemalloc traced for the list and its ints (null when skipped)"),
                                    FieldSpec("list_bytes_per_item", "list_traced_bytes divided by N (null when skipped)", unit: .bytes),
                                    FieldSpec("generator_peak_bytes", "the most the generator's sum held at once (null when skipped)"),
                                    FieldSpec("capacities", "the sizes a growing list goes through, in items (null when skipped)"),
                                    FieldSpec("cpython", "ran or skipped"),
                                    FieldSpec("note", "why it was skipped (skipped)", occasional: true)])

    static let program = #"""
import json, sys, tracemalloc
n = int(sys.argv[1])
tracemalloc.start()
base = tracemalloc.get_traced_memory()[0]
squares = [x * x for x in range(n)]
listed = tracemalloc.get_traced_memory()[0] - base
del squares
tracemalloc.reset_peak()
base = tracemalloc.get_traced_memory()[0]
total = sum(x * x for x in range(n))
peak = tracemalloc.get_traced_memory()[1] - base
tracemalloc.stop()
grown, capacities = [], []
empty = last = sys.getsizeof(grown)
for i in range(100):
    grown.append(i)
    size = sys.getsizeof(grown)
    if size != last:
        capacities.append((size - empty) // 8)
        last = size
print(json.dumps({"version": sys.version.split()[0], "listed": listed, "peak": peak, "capacities": capacities,
                  "sum": str(total)}))
"""#

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let n = try arguments.integer("N") ?? 1_000_000
        guard (1...5_000_000).contains(n) else { throw UsageError("N must be between 1 and 5*10^6, got \(n)", usage: arguments.usage) }
        var record = Record(title: "CPython: [x*x for x in range(\(n))] against sum(x*x for x in range(\(n)))", [("items", .int(n))])
        func skipped(_ why: String) -> LabResult {
            record.title = "CPython's figures skipped: \(why)"
            for name in ["version", "list_traced_bytes", "list_bytes_per_item", "generator_peak_bytes", "capacities"] { record.append(name, .null) }
            record.append("cpython", .string("skipped"))
            record.append("note", .string(why))
            return .record(record)
        }
        let python: String
        switch RealPython.locate(context.session) {
        case .success(let path): python = path
        case .failure(let unavailable): return skipped(unavailable.reason)
        }
        let run: CapturedRun
        do {
            run = try Capture.run(python, arguments: ["-c", Self.program, String(n)], timeoutNanoseconds: 60_000_000_000,
                                  shouldStop: { context.cancellation.isCancelled })
        } catch {
            throw CommandError("cannot run \(python): \(error)")
        }
        if run.stopped { throw Cancelled() }
        let lastLine = run.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
        guard !run.timedOut, run.status == .exited(0), case .record(let theirs)? = try? JSONReader.parse(lastLine),
              let listed = theirs["listed"]?.number, let peak = theirs["peak"]?.number else {
            let why = run.standardError.split(separator: "\n").suffix(2).joined(separator: " ")
            throw CommandError("python3 failed: " + (run.timedOut ? "it took more than 60 s" : why.isEmpty ? lastLine : why))
        }
        record.append("version", theirs["version"] ?? .null)
        record.append("list_traced_bytes", .bytes(Int64(listed)))
        record.append("list_bytes_per_item", .double(listed / Double(n)))
        record.append("generator_peak_bytes", .bytes(Int64(peak)))
        record.append("capacities", theirs["capacities"] ?? .null)
        record.append("cpython", .string("ran"))
        return .record(record)
    }
}

/// The fields of `gen sum` and `list sum`, the same names for both so a lab compares them.
package enum SumFields {
    /// What `record` fills, for `help` (`list`: the names of `list sum`).
    package static func declared(list: Bool) -> [FieldSpec] {
        [FieldSpec("handle", "the generator summed"), FieldSpec("value", "the sum"),
         FieldSpec("exact", "the sum as exact text (a big integer in full)"), FieldSpec("items", "values added"),
         FieldSpec("time_ms", "time to produce and add them"), FieldSpec("items_per_second", "values per second"),
         FieldSpec("rss_before_bytes", "resident memory before (null where /proc cannot be read)"),
         list ? FieldSpec("rss_with_list_bytes", "resident memory with the whole list alive")
              : FieldSpec("rss_after_bytes", "resident memory after"),
         FieldSpec("growth_bytes", "how much resident memory grew (never below 0)"),
         FieldSpec("peak_delta_bytes", "how much the peak of resident memory grew"),
         FieldSpec("bytes_per_item", "growth_bytes per value", unit: .bytes)]
            + (list ? [FieldSpec("list_bytes", "what the list itself takes: a pointer per item and its storage")] : [])
    }

    package static func record(_ what: String, handle: String, _ r: GeneratorStore.SumReport, list: Bool) -> Record {
        let seconds = Double(r.nanoseconds) / 1e9
        var record = Record(title: "\(what) = \(r.sum.exact)", [
            ("handle", .string(handle)),
            ("value", r.sum.value),
            ("exact", .string(r.sum.exact)),
            ("items", .int(r.items)),
            ("time_ms", .ms(r.nanoseconds)),
            ("items_per_second", .quantity(seconds > 0 ? Double(r.items) / seconds : 0, .perSecond)),
        ])
        if let before = r.before, let after = r.after {
            let growth = max(0, after.rssBytes - before.rssBytes)
            record.append("rss_before_bytes", .bytes(before.rssBytes))
            record.append(list ? "rss_with_list_bytes" : "rss_after_bytes", .bytes(after.rssBytes))
            record.append("growth_bytes", .bytes(growth))
            record.append("peak_delta_bytes", .bytes(max(0, after.peakRSSBytes - before.peakRSSBytes)))
            record.append("bytes_per_item", .double(r.items > 0 ? Double(growth) / Double(r.items) : 0))
        } else {
            for name in ["rss_before_bytes", list ? "rss_with_list_bytes" : "rss_after_bytes", "growth_bytes", "peak_delta_bytes", "bytes_per_item"] {
                record.append(name, .null)
            }
        }
        if let bytes = r.listBytes { record.append("list_bytes", .bytes(Int64(bytes))) }
        return record
    }
}
