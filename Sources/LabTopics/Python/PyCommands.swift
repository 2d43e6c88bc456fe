import LabOS
import LabCore
import PyLab

/// The snippet interpreter's commands: `py`, `dis`, `gil`, `compare`.
///
/// conclab runs a subset of Python on real OS threads, with a GIL built the way CPython's is and reference
/// counts kept the way CPython keeps them — so the lab can show why the GIL exists (switch it off and watch
/// reference counts get lost), what it costs (CPU-bound threads do not run in parallel) and what it does not
/// give (`x = x + f()` is a load and a store with a call between, where a switch can fall).
package enum PySupport {
    /// The largest Python file `py`, `dis` and `compare` read (`--file`): a snippet, not a program of megabytes.
    package static let sourceLimit = 1 << 20

    package static func source(_ arguments: Arguments, context: Context, argument: String = "SNIPPET") throws -> String {
        if let path = arguments.string("file") {
            do { return try Files.readText(try context.session.readablePath(path), limit: PySupport.sourceLimit) } catch { throw CommandError("\(error)") }
        }
        // `py -c CODE`, as python3 -c: the code is the option's value.
        if let code = arguments.string("command") { return SnippetText.expandingNewlines(SnippetText.unquote(code)) }
        guard let typed = arguments.rawText(argument) else {
            throw UsageError("missing \(argument) (or -f FILE)", usage: arguments.usage)
        }
        if arguments.typedAtPythonPrompt { return typed }
        let text = SnippetText.unquote(typed)
        // The snippet is the rest of the line, so options must come before it.
        if let start = arguments.starts[argument],
           let late = arguments.words.first(where: { $0.start > start && !$0.quoted && $0.text.hasPrefix("--")
                                                     && arguments.flags.keys.contains(String($0.text.dropFirst(2))) }) {
            throw UsageError("put \(late.text) before the snippet: everything after the snippet's first word is Python",
                             usage: arguments.usage)
        }
        return SnippetText.expandingNewlines(text)
    }

    package static func compile(_ runtime: PyRuntime, _ source: String, returnLastValue: Bool = false) throws -> CodeObject {
        do { return try runtime.compile(source, returnLastValue: returnLastValue) } catch { throw CommandError(error.description) }
    }

    /// Changes the session interpreter's settings (refused while snippet threads run) and shows them.
    package static func change(_ context: Context, title: String, _ body: (inout PySettings) -> Void) throws -> LabResult {
        let runtime = PyRuntime.shared(for: context.session)
        try runtime.changeSettings(body)
        return .record(settingsRecord(runtime, title: title))
    }

    /// A verb's one choice argument as the enum whose raw values its spec lists.
    package static func choice<T: RawRepresentable>(_ arguments: Arguments, _ name: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: try arguments.require(name)) else { throw UsageError("unknown \(name.lowercased())", usage: arguments.usage) }
        return value
    }

    /// What `settingsRecord` holds, for `help`.
    package static let settingsFields = [
        FieldSpec("gil", "on or off"), FieldSpec("refcount", "how reference counts are updated: plain, atomic, biased, locked"),
        FieldSpec("interval_ms", "the switch interval: how long a waiter lets the holder run before asking it to drop the GIL"),
        FieldSpec("switch", "where the GIL may change hands: eval-breaker or anywhere"),
        FieldSpec("lock_order", "with refcount locked: two objects' locks taken in the call's order or by id"),
        FieldSpec("running_threads", "snippet threads running now"),
    ]

    /// What `py` returns, for `help`: a snippet's value, `py reset`'s count, or a `--threads` run's record (whose
    /// `globals` holds the snippet's own names).
    package static let runFields = [
        FieldSpec("value", "the value of the snippet's last expression (a snippet that ends in one)", occasional: true),
        FieldSpec("repr", "that value as Python writes it (not for an int, a bool or None)", occasional: true),
        FieldSpec("released", "objects freed when the globals were cleared (py reset)", occasional: true),
        FieldSpec("refcount_errors", "objects whose reference count went wrong (py reset, --threads; null when the heap check was skipped)",
                  occasional: true),
        FieldSpec("threads", "threads the snippet ran on (--threads)", occasional: true),
        FieldSpec("wall_ms", "time from the threads' start to the last one's end (--threads)", occasional: true),
        FieldSpec("cpu_ms", "CPU time of the threads together (--threads)", occasional: true),
        FieldSpec("process_cpu_ms", "CPU time of the whole process meanwhile (--threads)", occasional: true),
        FieldSpec("parallelism", "cpu_ms / wall_ms: cores busy on average (--threads)", occasional: true),
        FieldSpec("sequential_ms", "time of N runs one after another on one thread (--sequential)", occasional: true),
        FieldSpec("speedup", "sequential_ms / wall_ms (--sequential)", occasional: true),
        FieldSpec("gil", "on or off (--threads)", occasional: true),
        FieldSpec("refcount", "how reference counts were updated (--threads)", occasional: true),
        FieldSpec("interval_ms", "the switch interval (--threads)", occasional: true),
        FieldSpec("switch", "where the GIL could change hands (--threads)", occasional: true),
        FieldSpec("switches", "times the GIL changed hands during the run (--threads)", occasional: true),
        FieldSpec("forced_switches", "changes a waiter forced by asking (--threads)", occasional: true),
        FieldSpec("drop_requests", "times a waiter asked the holder to drop the GIL (--threads)", occasional: true),
        FieldSpec("gil_wait_ms", "time the threads waited for the GIL, together (--threads)", occasional: true),
        FieldSpec("gil_hold_ms", "time the threads held the GIL, together (--threads)", occasional: true),
        FieldSpec("lock_order", "call or id (--threads with refcount locked)", occasional: true),
        FieldSpec("deadlocks", "cycles found among the objects' locks (--threads with refcount locked)", occasional: true),
        FieldSpec("deadlock", "the first of them in words, null if none (--threads with refcount locked)", occasional: true),
        FieldSpec("errors", "threads that ended with an exception (--threads)", occasional: true),
        FieldSpec("first_error", "the first of them: thread and exception, null if none (--threads)", occasional: true),
        FieldSpec("use_after_free", "objects used after they were freed (--threads, heap check run)", occasional: true),
        FieldSpec("freed_while_referenced", "objects freed while still referenced (--threads, heap check run)", occasional: true),
        FieldSpec("count_too_high", "objects whose count is above their references (--threads, heap check run)", occasional: true),
        FieldSpec("count_too_low", "objects whose count is below their references (--threads, heap check run)", occasional: true),
        FieldSpec("heap_events", "the first 5 problems the heap check found, in words (--threads, heap check run)", occasional: true),
        FieldSpec("heap_check", "why the heap check was skipped: other snippet threads still ran (--threads)", occasional: true),
        FieldSpec("expected", "VALUE of --expect NAME=VALUE", occasional: true),
        FieldSpec("actual", "the global NAME after the run (--expect)", occasional: true),
        FieldSpec("lost", "expected − actual, null if NAME is not an int (--expect)", occasional: true),
        FieldSpec("globals", "the module globals after the run, as a record: globals.x (--threads)", occasional: true),
        FieldSpec("runs", "runs made, up to K (--repeat K, K > 1)", occasional: true),
    ]

    package static func settingsRecord(_ runtime: PyRuntime, title: String? = nil) -> Record {
        let s = runtime.settings
        let running = runtime.runningThreads
        return Record(title: title, [
            ("gil", .string(s.gilEnabled ? "on" : "off")),
            ("refcount", .string(s.refcount.rawValue)),
            ("interval_ms", .quantity(Double(s.switchIntervalNanoseconds) / 1e6, .milliseconds)),
            ("switch", .string(s.switchRule.rawValue)),
            ("lock_order", .string(s.lockOrder.rawValue)),
            ("running_threads", .int(running.count)),
        ])
    }
}

/// `py SNIPPET`, `py -f FILE`, `py --threads N SNIPPET`, `py reset`.
package struct PyCommand: Command {
    package init() {}
    package let spec = CommandSpec(
        "py", aliases: ["python"],
        summary: "run a Python snippet in conclab's interpreter (globals persist; --threads N runs it on N OS threads)",
        arguments: [ArgumentSpec("SNIPPET", .text, optional: true, variadic: true, verbatim: true,
                                 help: "Python code; on one line write \\n for a new line, or use -f FILE")],
        flags: [
            FlagSpec("file", short: "f", value: .path, valueName: "FILE", help: "run the Python file FILE"),
            FlagSpec("command", short: "c", value: .text, valueName: "CODE",
                     help: "run CODE as python3 -c runs it: as a program, its last value not echoed"),
            FlagSpec("threads", short: "t", value: .integer, valueName: "N", help: "run the snippet on N OS threads sharing the globals, and wait for them"),
            FlagSpec("setup", value: .text, valueName: "CODE", help: "with --threads: run CODE first (before each part)"),
            FlagSpec("sequential", help: "with --threads: also run the snippet N times on one thread and report the speed-up"),
            FlagSpec("expect", value: .word, valueName: "NAME=VALUE", help: "with --threads: compare global NAME with VALUE and report lost = VALUE - NAME"),
            FlagSpec("repeat", value: .integer, valueName: "K", help: "with --threads: run up to K times, stopping at the first run with a lost update, a reference-count error or an exception"),
            FlagSpec("until", value: .choice(["problem", "freed"]), valueName: "problem|freed",
                     help: "with --repeat: the run to stop at: any problem (the default), or one where an object was freed while still referenced or used after it was freed"),
        ],
        examples: [
            "py x = 40 + 2",
            "py x",
            "py 'def gen(n):\\n    for i in range(n):\\n        yield i * i'",
            "py list(gen(5))",
            "py --threads 2 --setup 'x = 0' --expect x=200000 'for i in range(100000):\\n    x += 1'",
            "py reset",
        ],
        discussion: """
            Snippets are Python 3.11 as a learner types it: functions, generators, classes (property, dataclasses), match, \
            comprehensions, exceptions, with, and modules such as threading, queue, random, collections, json; what \
            conclab's Python lacks (asyncio, re, enum …) is refused in one line, "conclab's Python does not support …". Sockets (socket, select) may connect only to the io server of the command \
            running the program ('io fetch py'). Files: open() and os (listdir, remove, rename, mkdir, path) reach only \
            conclab's Python folder, a private folder made on first use, kept for the session (a file one 'py' writes the \
            next reads) and removed when conclab ends; os.getcwd() names it. A relative name is taken from there, not \
            from the folder of 'py -f FILE' (copy a data file into it, or write it from Python); an absolute name outside \
            it, '..' or a symbolic link is a PermissionError. In a replayed lab the folder is the lab's scratch folder. \
            os also has getpid, getppid and cpu_count; os.environ, os.fork, os.system and the rest are refused by name. \
            Built-ins include print, len, range, sleep(ms) and hash_mb(n) (release the GIL), \
            spin(ms) (keeps it), Lock(), getrefcount(x) and thread_name(). Module globals are shared by every thread; \
            function locals are private. 'py reset' forgets all globals. With --threads the result reports wall_ms, \
            cpu_ms, the GIL's switches and the heap check (refcount_errors, use_after_free, freed_while_referenced); \
            the final globals are under 'globals'. \
            'py' alone opens the Python prompt (>>>, ... for the rest of a block or an open bracket; an empty line \
            or Ctrl-D returns to conclab>): lines there are Python exactly as typed. After 'py ' on conclab's line, \
            the rest of the line is the snippet as typed (options go before it); one quoted word, '…' or "…", \
            loses its quotes. \
            What a program prints (print, sys.stdout, and sys.stderr or print(file=sys.stderr) on conclab's stderr) \
            is shown when it ends. Into a pipe or a file it is the program's bytes exactly, as python3 writes them; \
            on a terminal, tabs, \\r, backspace and colour and cursor sequences (ESC[…m, ESC[K, ESC[…A…H) work, and \
            every other control character or sequence (a window title, the alternate screen, a query the terminal \
            would answer) is shown escaped, as \\x1b] …, so a program cannot take the terminal over. sys.exit(N) \
            ends the program with status N (conclab's own exit status when it ran just this command), sys.exit("why") \
            prints why on stderr with status 1. 'py -c CODE' runs CODE as python3 -c does.
            """,
        fields: PySupport.runFields)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let runtime = PyRuntime.shared(for: context.session)
        let raw = arguments.rawText("SNIPPET").map(SnippetText.unquote)
        if raw == "reset" && !arguments.has("file") && !arguments.typedAtPythonPrompt {
            let report = try runtime.reset()
            return .record(Record(title: "globals cleared", [("released", .int(report.released)),
                                                              ("refcount_errors", .int(report.refcountErrors))]))
        }
        if let n = try arguments.integer("threads") {
            guard (1...64).contains(n) else { throw UsageError("--threads must be between 1 and 64, got \(n)", usage: arguments.usage) }
            return try runThreads(n, arguments, runtime, context)
        }
        if arguments.has("command") && (arguments.has("file") || arguments.rawText("SNIPPET") != nil) {
            throw UsageError("-c CODE is the whole program: give no SNIPPET or --file with it", usage: arguments.usage)
        }
        for flag in ["setup", "sequential", "expect", "repeat", "until"] where arguments.has(flag) {
            throw UsageError("--\(flag) only goes with --threads N", usage: arguments.usage)
        }
        let source = try PySupport.source(arguments, context: context)
        // A file runs as python3 runs a script: a last expression is not echoed (at the prompt and on the line it is).
        let echo = !arguments.has("file") && !arguments.has("command")
        let code = try PySupport.compile(runtime, source, returnLastValue: echo)
        // As python3 sets it: sys.argv is the script's name as given, or ['-c'].
        if let argv0 = arguments.string("file") ?? (arguments.has("command") ? "-c" : nil) {
            do throws(PyError) { try runtime.setArguments([argv0]) } catch { throw CommandError(error.message) }
        }
        let outcome = runtime.runHere(code, name: "main", cancellation: context.cancellation, wantValue: echo)
        if let error = outcome.error {
            if outcome.errorType == "KeyboardInterrupt" && context.cancellation.isCancelled { throw Cancelled() }
            throw CommandError(error, program: outcome.printed)
        }
        if let exit = outcome.exit {
            // sys.exit(N): no traceback; the words it was given, and conclab's own exit status when it ran this alone.
            throw CommandError(exit.message, program: outcome.printed, exitStatus: exit.status)
        }
        if arguments.typedAtPythonPrompt {
            // As CPython's prompt: what was printed, then the repr of an expression's value unless it is None.
            var printed = outcome.printed
            if let value = outcome.value, value != .null, let repr = outcome.valueText { printed.append(repr + "\n", to: .standardOutput) }
            return printed.isEmpty ? .nothing : .program(printed)
        }
        var parts: [LabResult] = []
        if !outcome.printed.isEmpty { parts.append(.program(outcome.printed)) }
        if let value = outcome.value {
            var record = Record([("value", value)])
            // For strings and containers the Python spelling says more than the value's cell (quotes, brackets).
            switch value {
            case .int, .bool, .null: break
            default: record.append("repr", .string(outcome.valueText ?? ""))
            }
            parts.append(.record(record))
        }
        switch parts.count {
        case 0: return .nothing
        case 1: return parts[0]
        default: return .group(parts)
        }
    }

    package func runThreads(_ n: Int, _ arguments: Arguments, _ runtime: PyRuntime, _ context: Context) throws -> LabResult {
        let source = try PySupport.source(arguments, context: context)
        let code = try PySupport.compile(runtime, source)
        let setup = try arguments.string("setup").map { try PySupport.compile(runtime, SnippetText.expandingNewlines(SnippetText.unquote($0))) }
        let repeats = try arguments.integer("repeat", default: 1, range: 1...1000)
        // Lost reference-count updates mostly make a count too high (a leak); the failure the GIL exists to prevent,
        // an object freed while still in use, takes more runs to show: `--until freed` waits for that one.
        let untilFreed = arguments.string("until") == "freed"
        if untilFreed && !arguments.has("repeat") { throw UsageError("--until goes with --repeat K", usage: arguments.usage) }
        var expected: (name: String, value: Int)?
        if let text = arguments.string("expect") {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let v = Arguments.parseInteger(parts[1]) else {
                throw UsageError("--expect takes NAME=VALUE, e.g. --expect x=200000", usage: arguments.usage)
            }
            expected = (parts[0], v)
        }
        func runSetup() throws {
            guard let setup else { return }
            let outcome = runtime.runHere(setup, name: "setup", cancellation: context.cancellation)
            if let error = outcome.error {
                if context.cancellation.isCancelled { throw Cancelled() }
                throw CommandError("--setup failed: " + error)
            }
        }
        var sequentialNanoseconds: Int64?
        if arguments.flag("sequential") {
            try runSetup()
            // One new OS thread at a time, so both parts run on the same kind of thread.
            var total: Int64 = 0
            for _ in 0..<n {
                let single = try runtime.runTeam(code, count: 1, cancellation: context.cancellation)
                if single.cancelled { throw Cancelled() }
                if let error = single.threads.first?.error { throw CommandError("the sequential run failed: " + error) }
                total += single.wallNanoseconds
            }
            sequentialNanoseconds = total
        }
        var runs = 0
        var result: LabResult = .nothing
        while runs < repeats {
            runs += 1
            context.progress(Double(runs - 1) / Double(repeats), "run \(runs) of \(repeats)")
            try runSetup()
            let (record, text, problem) = try runTeamOnce(n, code, runtime, context, expected: expected, sequential: sequentialNanoseconds)
            var r = record
            if repeats > 1 {
                r.append("runs", .int(runs))
                r.title = (r.title ?? "") + " — run \(runs) of up to \(repeats)"
            }
            result = text.isEmpty ? .record(r) : .group([.text(text), .record(r)])
            // Races are a matter of chance: with --repeat, stop at the first run that shows one.
            if untilFreed ? Self.freedWhileInUse(r) : problem { break }
        }
        return result
    }

    /// Whether a run's heap check found an object freed while still referenced, or used after it was freed.
    package static func freedWhileInUse(_ record: Record) -> Bool {
        func count(_ key: String) -> Int { if case .int(let n)? = record[key] { return n } else { return 0 } }
        return count("freed_while_referenced") + count("use_after_free") > 0
    }

    /// One run of the team; returns the record, the threads' output, and whether the run showed a problem
    /// (a lost update, a reference-count error, or an exception).
    package func runTeamOnce(_ n: Int, _ code: CodeObject, _ runtime: PyRuntime, _ context: Context, expected: (name: String, value: Int)?,
                     sequential: Int64?) throws -> (Record, String, Bool) {
        let settings = runtime.settings
        var record = Record(title: "py: \(n) thread\(n == 1 ? "" : "s") (GIL \(settings.gilEnabled ? "on" : "off"), refcount \(settings.refcount.rawValue))")
        record.append("threads", .int(n))
        let before = runtime.gil.stats
        _ = runtime.objectLocks.takeDeadlocks()
        let usageBefore = ResourceUsage.current(.process)
        let team = try runtime.runTeam(code, count: n, cancellation: context.cancellation)
        let usage = ResourceUsage.current(.process) - usageBefore
        let gil = runtime.gil.stats - before
        if team.cancelled { throw Cancelled() }
        let report = runtime.safePoint(check: true)
        var problem = false

        record.append("wall_ms", .ms(team.wallNanoseconds))
        let cpu = team.threads.reduce(0) { $0 + $1.cpuNanoseconds }
        record.append("cpu_ms", .ms(cpu))
        record.append("process_cpu_ms", .ms(usage.userNanoseconds + usage.systemNanoseconds))
        // How many cores were busy on average: at most about 1 while the GIL serialises the threads.
        record.append("parallelism", .double(team.wallNanoseconds > 0 ? Double(cpu) / Double(team.wallNanoseconds) : 0))
        if let seq = sequential {
            record.append("sequential_ms", .ms(seq))
            record.append("speedup", .double(team.wallNanoseconds > 0 ? Double(seq) / Double(team.wallNanoseconds) : 0))
        }
        record.append("gil", .string(settings.gilEnabled ? "on" : "off"))
        record.append("refcount", .string(settings.refcount.rawValue))
        record.append("interval_ms", .quantity(Double(settings.switchIntervalNanoseconds) / 1e6, .milliseconds))
        record.append("switch", .string(settings.switchRule.rawValue))
        record.append("switches", .int(gil.switches))
        record.append("forced_switches", .int(gil.forcedSwitches))
        record.append("drop_requests", .int(gil.dropRequests))
        record.append("gil_wait_ms", .ms(gil.totalWaitNanoseconds))
        record.append("gil_hold_ms", .ms(gil.totalHoldNanoseconds))
        if settings.refcount == .locked {
            // One lock per object: the cycles found among threads waiting for each other's objects.
            let deadlocks = runtime.objectLocks.takeDeadlocks()
            if !deadlocks.isEmpty { problem = true }
            record.append("lock_order", .string(settings.lockOrder.rawValue))
            record.append("deadlocks", .int(deadlocks.count))
            record.append("deadlock", deadlocks.first.map(Value.string) ?? .null)
        }
        let errors = team.threads.compactMap { t in (t.errorSummary ?? t.error).map { "\(t.threadName): \($0)" } }
        if !errors.isEmpty { problem = true }
        record.append("errors", .int(errors.count))
        record.append("first_error", errors.first.map(Value.string) ?? .null)
        if let report {
            if report.refcountErrors > 0 { problem = true }
            record.append("refcount_errors", .int(report.refcountErrors))
            record.append("use_after_free", .int(report.useAfterFree))
            record.append("freed_while_referenced", .int(report.freedWhileReferenced))
            record.append("count_too_high", .int(report.countTooHigh))
            record.append("count_too_low", .int(report.countTooLow))
            record.append("heap_events", .list(report.events.prefix(5).map { .string($0.description) }))
        } else {
            record.append("refcount_errors", .null)
            record.append("heap_check", .string("skipped: other snippet threads are still running"))
        }
        let globals = runtime.globalsRecord()
        if let expected {
            let actual = globals[expected.name]
            record.append("expected", .int(expected.value))
            record.append("actual", actual ?? .null)
            if case .int(let a)? = actual {
                record.append("lost", .int(expected.value - a))
                if a != expected.value { problem = true }
            } else {
                record.append("lost", .null)
            }
        }
        record.append("globals", .record(globals))
        var text = ""
        for t in team.threads where !t.output.isEmpty {
            for line in t.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast(t.output.hasSuffix("\n") ? 1 : 0) {
                text += (n > 1 ? "[\(t.threadName)] " : "") + line + "\n"
            }
        }
        if text.hasSuffix("\n") { text.removeLast() }
        return (record, text, problem)
    }
}

/// `dis SNIPPET`: the bytecode a snippet compiles to.
package struct DisCommand: Command {
    package init() {}
    package let spec = CommandSpec(
        "dis", summary: "show the bytecode a Python snippet compiles to",
        arguments: [ArgumentSpec("SNIPPET", .text, optional: true, variadic: true, verbatim: true, help: "Python code (\\n for a new line), or a FILE.py")],
        flags: [FlagSpec("file", short: "f", value: .path, valueName: "FILE", help: "disassemble the Python file FILE")],
        examples: ["dis x += 1", "dis 'x = x + abs(1)'", "dis 'def f(a):\\n    return a * 2'", "dis script.py"],
        discussion: """
            Each row is one instruction of the eval loop, named and numbered as CPython 3.11's dis names them \
            (offsets count instructions, and there are no CACHE entries). The GIL may change hands only at RESUME, \
            at a backward jump and after a CALL ('gil switch anywhere': also before each load and store): 'x += 1' is a load, \
            an add and a store with none of those between them, 'x = x + abs(1)' has a CALL between its load and \
            its store. Where conclab's code differs from 3.11's: a comprehension runs in place (as in 3.12), \
            not in a function of its own, unless a lambda or generator expression in it uses its variable or it \
            is in a class body; a class statement is one MAKE_CLASS, not LOAD_BUILD_CLASS and a call; \
            try, with and finally keep the exception on the stack with conclab's own few instructions \
            (STORE_FAST of a hidden local, WITH_EXIT) instead of 3.11's PUSH_EXC_INFO.
            """,
        fields: [.column("line", "the source line, shown on its first instruction (else empty)"),
                 .column("offset", "the instruction's index; >> marks a jump target"), .column("op", "the opcode's name"),
                 .column("arg", "its argument, empty if it takes none"), .column("meaning", "what the argument means, as dis shows it"),
                 FieldSpec("instructions", "instructions in the code object"),
                 FieldSpec("locals", "its local names, as a list (a function that has some)", occasional: true),
                 FieldSpec("exception_table", "its try ranges: start to end -> handler [depth] (code with try or with)", occasional: true)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let runtime = PyRuntime.shared(for: context.session)
        var source: String
        // `dis script.py` names a file when there is one; otherwise the words are Python.
        if let word = arguments.strings("SNIPPET").first, arguments.strings("SNIPPET").count == 1, word.hasSuffix(".py"),
           Files.isRegularFile(word) {
            do { source = try Files.readText(try context.session.readablePath(word), limit: PySupport.sourceLimit) } catch { throw CommandError("\(error)") }
        } else {
            source = try PySupport.source(arguments, context: context)
        }
        let code = try PySupport.compile(runtime, source)
        var tables: [LabResult] = []
        var pending = [code]
        while !pending.isEmpty {
            let c = pending.removeFirst()
            tables.append(.table(Disassembler(runtime: runtime).table(c)))
            pending += c.codes
        }
        return tables.count == 1 ? tables[0] : .group(tables)
    }
}

/// `gil`: the global interpreter lock — look at it, tune it, switch it off.
package struct GILCommand: Command {
    package init() {}
    package let spec = CommandSpec("gil", summary: "the interpreter's global lock: status, on/off, switch interval, reference-count mode, statistics",
                           discussion: """
                               conclab's GIL follows CPython's: a thread that wants it waits one switch interval (default 5 ms), \
                               then asks the holder to drop it; the holder looks at that request only where CPython 3.10+ runs its \
                               eval breaker (function entry, backward jumps, after a call), drops it and waits until another thread \
                               has taken it ('gil switch anywhere': also before every load and store of a name, an attribute \
                               or an item, as CPython 3.9 looked after nearly every instruction). sleep() and \
                               hash_mb() release it. 'gil off' runs snippet threads truly in parallel; with 'gil refcount plain' \
                               their reference counts then race (see 'py --threads').
                               """)
    package let verbs: [any Command] = [GILStatusVerb(), GILOnVerb(), GILOffVerb(), GILIntervalVerb(), GILChoiceVerb.gilSwitch,
                                        GILChoiceVerb.refcount, GILChoiceVerb.lockOrder, GILBenchVerb(), GILStatsVerb(), GILResetVerb()]
    package let defaultVerb: String? = "status"
}

package struct GILStatusVerb: Command {
    package let spec = CommandSpec("status", summary: "show whether the GIL is on, the reference-count mode and the switch interval", examples: ["gil"],
                           fields: PySupport.settingsFields + [FieldSpec("switches", "times the GIL changed hands since 'gil reset'"),
                                                               FieldSpec("forced_switches", "changes a waiter forced by asking")])
    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let runtime = PyRuntime.shared(for: context.session)
        var record = PySupport.settingsRecord(runtime, title: "GIL")
        let stats = runtime.gil.stats
        record.append("switches", .int(stats.switches))
        record.append("forced_switches", .int(stats.forcedSwitches))
        return .record(record)
    }
}

package struct GILOnVerb: Command {
    package let spec = CommandSpec("on", summary: "switch the GIL on (CPython's default)", examples: ["gil on"], fields: PySupport.settingsFields)
    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let runtime = PyRuntime.shared(for: context.session)
        try runtime.changeSettings { $0.gilEnabled = true }
        return .record(PySupport.settingsRecord(runtime, title: "GIL on"))
    }
}

package struct GILOffVerb: Command {
    package let spec = CommandSpec("off", summary: "switch the GIL off: snippet threads run in parallel", examples: ["gil off"],
                           discussion: "Then pick how reference counts are updated with 'gil refcount plain|atomic|biased'.",
                           fields: PySupport.settingsFields)
    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let runtime = PyRuntime.shared(for: context.session)
        try runtime.changeSettings { $0.gilEnabled = false }
        return .record(PySupport.settingsRecord(runtime, title: "GIL off"))
    }
}

package struct GILIntervalVerb: Command {
    package let spec = CommandSpec("interval", summary: "set the switch interval (CPython's sys.setswitchinterval), in milliseconds",
                           arguments: [ArgumentSpec("MS", .number, help: "0.001 to 1000 milliseconds; CPython's default is 5")],
                           examples: ["gil interval 1", "gil interval 0.001", "gil interval 5"],
                           fields: PySupport.settingsFields)
    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let runtime = PyRuntime.shared(for: context.session)
        let text = try arguments.require("MS").filter { $0 != "_" }
        guard let ms = Double(text), ms >= 0.001, ms <= 1000 else {
            throw UsageError("MS must be between 0.001 and 1000, got '\(text)'", usage: arguments.usage)
        }
        try runtime.changeSettings { $0.switchIntervalNanoseconds = Int64(ms * 1e6) }
        return .record(PySupport.settingsRecord(runtime, title: "switch interval \(Format.number(ms)) ms"))
    }
}

/// A verb that sets one of the interpreter's choices (`gil switch`, `gil refcount`, `gil lock-order`) and shows the settings.
package struct GILChoiceVerb<Choice: RawRepresentable & CaseIterable & Sendable>: Command where Choice.RawValue == String {
    package let spec: CommandSpec
    private let argument: String
    private let title: String
    private let setting: WritableKeyPath<PySettings, Choice> & Sendable

    package init(_ name: String, summary: String, argument: String, title: String, examples: [String], discussion: String,
                 setting: WritableKeyPath<PySettings, Choice> & Sendable) {
        spec = CommandSpec(name, summary: summary, arguments: [ArgumentSpec(argument, .choice(Choice.allCases.map(\.rawValue)))],
                           examples: examples, discussion: discussion, fields: PySupport.settingsFields)
        self.argument = argument
        self.title = title
        self.setting = setting
    }

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let choice: Choice = try PySupport.choice(arguments, argument)
        let setting = self.setting
        return try PySupport.change(context, title: "\(title) \(choice.rawValue)") { $0[keyPath: setting] = choice }
    }
}

extension GILChoiceVerb where Choice == SwitchRule {
    package static var gilSwitch: Self {
        Self("switch", summary: "where the GIL may change hands: eval-breaker (CPython 3.10+) or anywhere (CPython 3.9)",
             argument: "RULE", title: "switch", examples: ["gil switch anywhere", "gil switch eval-breaker"],
             discussion: "eval-breaker (the default, CPython 3.10 and later): the holder looks at a request to drop "
                 + "the GIL only at function entry (RESUME), backward jumps and after a call, so 'x += 1' in a loop "
                 + "without calls is never cut in two. anywhere (CPython 3.9 and earlier, which looked after nearly "
                 + "every instruction): it also looks before every load and store of a name, an attribute or an "
                 + "item, so a switch can fall between the add and the store of 'x += 1'.",
             setting: \.switchRule)
    }
}

extension GILChoiceVerb where Choice == RefcountMode {
    package static var refcount: Self {
        Self("refcount", summary: "how reference counts are updated: plain (CPython), atomic, biased (PEP 703), or locked (a lock per object)",
             argument: "MODE", title: "refcount", examples: ["gil refcount atomic", "gil refcount locked"],
             discussion: "plain: read, add, write — exact only under the GIL. atomic: one atomic instruction per update. "
                 + "biased: the thread that made an object counts without atomics, other threads atomically. "
                 + "locked: every update takes the object's own mutex, and list.extend holds both lists' locks "
                 + "(see 'gil lock-order'); 'gil bench' measures what each costs.",
             setting: \.refcount)
    }
}

extension GILChoiceVerb where Choice == ObjectLockOrder {
    package static var lockOrder: Self {
        Self("lock-order", summary: "with 'refcount locked': take two objects' locks in the call's order, or by object id",
             argument: "ORDER", title: "lock order", examples: ["gil lock-order id", "gil lock-order call"],
             discussion: "call (the default): a.extend(b) takes a's lock, then b's, so b.extend(a) on another "
                 + "thread, taking them the other way round, can deadlock; conclab finds the cycle and both calls "
                 + "raise a RuntimeError naming it. id: the object with the smaller id first, whatever the call "
                 + "says: one global order, and no cycle can form.",
             setting: \.lockOrder)
    }
}

package struct GILStatsVerb: Command {
    package let spec = CommandSpec("stats", summary: "switches, forced switches, drop requests, and each thread's wait and hold time", examples: ["gil stats"],
                           fields: [.column("thread", "a thread that took the GIL, by name"), .column("acquisitions", "times it took it"),
                                    .column("waits", "times it found it taken and waited"), .column("wait_ms", "time it waited for it"),
                                    .column("hold_ms", "time it held it"),
                                    .column("forced_drops", "times it let go because another thread asked")]
                               + PySupport.settingsFields
                               + [FieldSpec("switches", "times the GIL changed hands since 'gil reset'"),
                                  FieldSpec("forced_switches", "changes a waiter forced by asking"),
                                  FieldSpec("drop_requests", "times a waiter asked the holder to drop it"),
                                  FieldSpec("wait_ms", "all threads' time waiting for it"), FieldSpec("hold_ms", "all threads' time holding it")])
    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let runtime = PyRuntime.shared(for: context.session)
        let stats = runtime.gil.stats
        let rows: [[Value]] = stats.threads.sorted { $0.key < $1.key }.map { name, t in
            [.string(name), .int(t.acquisitions), .int(t.waits),
             .ms(t.waitNanoseconds), .ms(t.holdNanoseconds), .int(t.forcedDrops)]
        }
        var summary = PySupport.settingsRecord(runtime)
        summary.append("switches", .int(stats.switches))
        summary.append("forced_switches", .int(stats.forcedSwitches))
        summary.append("drop_requests", .int(stats.dropRequests))
        summary.append("wait_ms", .ms(stats.totalWaitNanoseconds))
        summary.append("hold_ms", .ms(stats.totalHoldNanoseconds))
        return .table(Table(title: "GIL statistics", columns: ["thread", "acquisitions", "waits", "wait_ms", "hold_ms", "forced_drops"],
                            rows: rows, summary: summary))
    }
}

package struct GILResetVerb: Command {
    package let spec = CommandSpec("reset", summary: "clear the GIL statistics", examples: ["gil reset"])
    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        PyRuntime.shared(for: context.session).gil.resetStats()
        return .text("GIL statistics cleared")
    }
}
