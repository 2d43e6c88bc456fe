import LabCore
import PyLab
/// The stepper's scenarios. Each is written the way CPython (or any compiler) lowers the Python line in
/// its summary, and each has variants: the race, and the fix.
package enum SimScenarios {
    package static let names = ["counter", "check-then-act", "lock-order", "refcount"]
    package static let variants: [String: [String]] = [
        "counter": ["none", "mutex", "atomic"],
        "check-then-act": ["none", "mutex"],
        "lock-order": ["none", "ordered"],
        "refcount": ["none", "atomic"],
    ]
    package static let allVariants = ["none", "mutex", "atomic", "ordered"]

    /// Builds a scenario; a clear error for a variant or size it does not have.
    package static func make(_ name: String, sync: String = "none", threads: Int? = nil, increments: Int? = nil) throws -> SimScenario {
        guard let allowed = variants[name] else {
            var message = "unknown scenario '\(name)'; scenarios: \(names.joined(separator: ", "))"
            if let guess = Suggest.closest(to: name, in: names) { message += ". Did you mean '\(guess)'?" }
            throw UsageError(message)
        }
        guard allowed.contains(sync) else {
            throw UsageError("\(name) has --sync \(allowed.joined(separator: ", ")); not '\(sync)'")
        }
        if name == "lock-order", let threads, threads != 2 { throw UsageError("lock-order has exactly 2 threads") }
        if name != "counter" && increments != nil { throw UsageError("--increments applies to the counter scenario only") }
        let n = threads ?? 2
        guard (2...3).contains(n) else { throw UsageError("--threads must be 2 or 3 (every interleaving is explored), got \(n)") }
        let k = increments ?? 1
        guard (1...3).contains(k) else { throw UsageError("--increments must be 1 to 3, got \(k)") }
        switch name {
        case "counter": return counter(threads: n, increments: k, sync: sync)
        case "check-then-act": return checkThenAct(threads: n, sync: sync)
        case "lock-order": return lockOrder(ordered: sync == "ordered")
        default: return refcount(threads: n, atomic: sync == "atomic")
        }
    }

    /// Names to slots, and instructions with their text.
    private struct Assembler {
        var shared: [String]
        var locals: [String]
        var locks: [String] = []
        var objects: [String] = []

        func s(_ name: String) -> Int { shared.firstIndex(of: name) ?? 0 }
        func l(_ name: String) -> Int { locals.firstIndex(of: name) ?? 0 }
        func k(_ name: String) -> Int { locks.firstIndex(of: name) ?? 0 }
        func o(_ name: String) -> Int { objects.firstIndex(of: name) ?? 0 }

        func load(_ r: String, _ x: String) -> SimInstruction { .init(op: .load(local: l(r), shared: s(x)), text: "load \(r), \(x)") }
        func store(_ x: String, _ r: String) -> SimInstruction { .init(op: .store(shared: s(x), local: l(r)), text: "store \(x), \(r)") }
        func add(_ r: String, _ v: Int) -> SimInstruction {
            .init(op: .add(local: l(r), value: v), text: v < 0 ? "sub \(r), \(-v)" : "add \(r), \(v)")
        }
        func set(_ r: String, _ v: Int) -> SimInstruction { .init(op: .set(local: l(r), value: v), text: "set \(r), \(v)") }
        func branch(_ r: String, _ c: SimComparison, _ v: Int, _ target: Int) -> SimInstruction {
            .init(op: .branch(local: l(r), comparison: c, value: v, target: target), text: "if \(r) \(c.rawValue) \(v) goto \(target)")
        }
        func lock(_ m: String) -> SimInstruction { .init(op: .lock(k(m)), text: "lock \(m)") }
        func unlock(_ m: String) -> SimInstruction { .init(op: .unlock(k(m)), text: "unlock \(m)") }
        func atomicAdd(_ x: String, _ v: Int) -> SimInstruction { .init(op: .atomicAdd(shared: s(x), value: v), text: "atomic_add \(x), \(v)") }
        func incref(_ x: String) -> SimInstruction { .init(op: .incref(shared: s(x)), text: "incref \(x)") }
        func decref(_ x: String, _ obj: String) -> SimInstruction {
            .init(op: .decref(shared: s(x), object: o(obj)), text: "decref \(x)  (frees \(obj) at 0)")
        }
        func use(_ obj: String) -> SimInstruction { .init(op: .use(object: o(obj)), text: "use \(obj)") }
        func free(_ obj: String) -> SimInstruction { .init(op: .free(object: o(obj)), text: "free \(obj)") }
    }

    private static func threadsSum(_ n: Int, _ local: String) -> String {
        (0..<n).map { "\(SimScenario.threadName($0)).\(local)" }.joined(separator: " + ")
    }

    /// `x += 1` in each thread: load, add, store.
    package static func counter(threads n: Int, increments k: Int, sync: String) -> SimScenario {
        let a = Assembler(shared: ["x"], locals: ["r"], locks: sync == "mutex" ? ["m"] : [])
        var program: [SimInstruction] = []
        for _ in 0..<k {
            switch sync {
            case "mutex": program += [a.lock("m"), a.load("r", "x"), a.add("r", 1), a.store("x", "r"), a.unlock("m")]
            case "atomic": program += [a.atomicAdd("x", 1)]
            default: program += [a.load("r", "x"), a.add("r", 1), a.store("x", "r")]
            }
        }
        let times = k == 1 ? "" : " \(k) times"
        let what: String
        switch sync {
        case "mutex": what = "\(n) threads each run 'with m: x += 1'\(times); the lock makes load, add, store one step for the others"
        case "atomic": what = "\(n) threads each run x += 1\(times) as one atomic instruction"
        default: what = "\(n) threads each run x += 1\(times); x += 1 compiles to three instructions: load, add, store"
        }
        return SimScenario(name: "counter", variant: sync,
                           summary: what,
                           sharedNames: ["x"], initialShared: [0], localNames: ["r"], lockNames: a.locks, objectNames: [],
                           programs: Array(repeating: program, count: n), observedLocals: [],
                           invariant: "x == \(n * k)", invariantText: "x == \(n * k): no increment is lost")
    }

    /// `if balance >= 80: balance -= 80; paid = 80` in each thread: the check and the act can be split.
    package static func checkThenAct(threads n: Int, sync: String) -> SimScenario {
        let a = Assembler(shared: ["balance"], locals: ["r", "paid"], locks: sync == "mutex" ? ["m"] : [])
        let program: [SimInstruction]
        if sync == "mutex" {
            program = [a.lock("m"), a.load("r", "balance"), a.branch("r", .less, 80, 7), a.load("r", "balance"), a.add("r", -80),
                       a.store("balance", "r"), a.set("paid", 80), a.unlock("m")]
        } else {
            program = [a.load("r", "balance"), a.branch("r", .less, 80, 6), a.load("r", "balance"), a.add("r", -80),
                       a.store("balance", "r"), a.set("paid", 80)]
        }
        let conserved = "balance + \(threadsSum(n, "paid")) == 100"
        return SimScenario(name: "check-then-act", variant: sync,
                           summary: "\(n) threads each withdraw 80 from balance 100: 'if balance >= 80: balance -= 80; paid = 80'"
                               + (sync == "mutex" ? ", check and act under one lock" : ""),
                           sharedNames: ["balance"], initialShared: [100], localNames: ["r", "paid"], lockNames: a.locks,
                           objectNames: [], programs: Array(repeating: program, count: n), observedLocals: ["paid"],
                           invariant: "balance >= 0 and \(conserved)",
                           invariantText: "balance never below 0, and no money made or lost (\(conserved))")
    }

    /// Two threads take two locks; in opposite orders they can deadlock.
    package static func lockOrder(ordered: Bool) -> SimScenario {
        let a = Assembler(shared: ["x"], locals: ["r"], locks: ["L1", "L2"])
        func body(_ first: String, _ second: String) -> [SimInstruction] {
            [a.lock(first), a.lock(second), a.load("r", "x"), a.add("r", 1), a.store("x", "r"), a.unlock(second), a.unlock(first)]
        }
        return SimScenario(name: "lock-order", variant: ordered ? "ordered" : "none",
                           summary: ordered ? "both threads take L1 then L2 (one global lock order)"
                               : "t1 takes L1 then L2; t2 takes L2 then L1",
                           sharedNames: ["x"], initialShared: [0], localNames: ["r"], lockNames: ["L1", "L2"], objectNames: [],
                           programs: [body("L1", "L2"), ordered ? body("L1", "L2") : body("L2", "L1")], observedLocals: [],
                           invariant: "x == 2 and not deadlock", invariantText: "both threads finish (x == 2), no deadlock")
    }

    /// A shared object with a reference count, as CPython keeps one: each thread takes a reference (incref),
    /// uses the object, and drops the reference (decref), freeing the object when the count reaches 0. The global
    /// name holds one reference throughout, so the object must never be freed.
    package static func refcount(threads n: Int, atomic: Bool) -> SimScenario {
        let a = Assembler(shared: ["refs"], locals: ["r"], objects: ["obj"])
        let program: [SimInstruction]
        if atomic {
            program = [a.incref("refs"), a.use("obj"), a.decref("refs", "obj")]
        } else {
            program = [a.load("r", "refs"), a.add("r", 1), a.store("refs", "r"), a.use("obj"),
                       a.load("r", "refs"), a.add("r", -1), a.store("refs", "r"), a.branch("r", .notEqual, 0, 9), a.free("obj")]
        }
        return SimScenario(name: "refcount", variant: atomic ? "atomic" : "none",
                           summary: "\(n) threads each take a reference to obj, use it and drop it; the global name keeps one reference"
                               + (atomic ? " (atomic counts)" : " (plain counts: incref and decref are load, add, store)"),
                           sharedNames: ["refs"], initialShared: [1], localNames: ["r"], lockNames: [], objectNames: ["obj"],
                           programs: Array(repeating: program, count: n), observedLocals: [],
                           invariant: "refs == 1 and not freed and not used_after_free",
                           invariantText: "refs == 1 at the end and obj never freed (the global name still refers to it)")
    }
}
