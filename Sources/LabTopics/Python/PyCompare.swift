import LabOS
import LabCore
import PyLab

/// `compare --cpython SNIPPET`: the same snippet in conclab and in the real `python3`, side by side.
///
/// Both run it the same way: N times in a row on one thread, then on N threads at once sharing the module
/// globals (after `--setup`, which runs before each part), python3 with the switch interval of `gil interval`
/// (`sys.setswitchinterval`). python3 gets conclab's built-ins defined in plain Python (`sleep`, `spin`,
/// `hash_mb` through hashlib, which releases the GIL, `Lock` from threading), so a snippet means the same thing
/// in both. Besides the times and the globals, the table compares what the first sequential run printed and the
/// exception it raised (type and message) on each side.
package struct CompareCommand: Command {
    package init() {}
    package let spec = CommandSpec(
        "compare", summary: "run a snippet in conclab and in python3 (sequentially and on N threads) and show both",
        arguments: [ArgumentSpec("SNIPPET", .text, optional: true, variadic: true, verbatim: true, help: "Python code (\\n for a new line)")],
        flags: [
            FlagSpec("cpython", help: "compare with CPython: the python3 found on PATH"),
            FlagSpec("file", short: "f", value: .path, valueName: "FILE", help: "the snippet is the Python file FILE"),
            FlagSpec("threads", short: "t", value: .integer, valueName: "N", help: "threads (and sequential runs); default 2"),
            FlagSpec("setup", value: .text, valueName: "CODE", help: "run CODE before each part (e.g. 'x = 0')"),
            FlagSpec("timeout", value: .integer, valueName: "SECONDS", help: "give python3 at most this long (default 120)"),
        ],
        examples: ["compare --cpython 'def f():\\n    i = 0\\n    while i < 1000000:\\n        i += 1\\nf()'",
                   "compare --cpython --setup 'x = 0' 'for i in range(100000):\\n    x += 1'"],
        discussion: "ratio is threads_ms / sequential_ms: about 1 when the GIL serialises the threads, about 1/N when they run "
            + "in parallel. output_same and error_same compare what the first sequential run printed and raised "
            + "(conclab_output, cpython_output, conclab_error, cpython_error). python3 runs with conclab's switch interval "
            + "('gil interval'). When python3 is not installed the CPython column is skipped, with a note.",
        fields: [.column("measure", "what the row shows: sequential_ms, threads_ms, the ratio, output, exception, or a global's name"),
                 .column("conclab", "conclab's figure or value for the row (milliseconds in the _ms rows)", unit: .milliseconds),
                 FieldSpec("python3", "python3's figure or value for the row (when python3 ran)", unit: .milliseconds, column: true,
                           occasional: true),
                 FieldSpec("threads", "threads, and sequential runs"),
                 FieldSpec("conclab_sequential_ms", "conclab: the sequential runs, one after another"),
                 FieldSpec("conclab_threads_ms", "conclab: the threads, started together"),
                 FieldSpec("conclab_ratio", "conclab: threads_ms / sequential_ms"),
                 FieldSpec("conclab_parallelism", "conclab: cores busy on average while the threads ran (CPU time / wall time)"),
                 FieldSpec("conclab_globals", "conclab: the globals after the threaded run"),
                 FieldSpec("conclab_output", "conclab: what the first sequential run printed"),
                 FieldSpec("conclab_error", "conclab: the exception the first sequential run raised, or null"),
                 FieldSpec("switch_note", "with 'gil switch anywhere': that conclab did not switch as python3 does", occasional: true),
                 FieldSpec("cpython", "ran, or skipped (python3 not found, or a replayed lab)"),
                 FieldSpec("note", "why python3 was skipped", occasional: true),
                 FieldSpec("cpython_version", "python3's version (when it ran)", occasional: true),
                 FieldSpec("cpython_interval_ms", "the switch interval python3 was given (when it ran)", occasional: true),
                 FieldSpec("cpython_sequential_ms", "python3: the sequential runs (when it ran)", occasional: true),
                 FieldSpec("cpython_threads_ms", "python3: the threads (when it ran)", occasional: true),
                 FieldSpec("cpython_ratio", "python3: threads_ms / sequential_ms (when it ran)", occasional: true),
                 FieldSpec("cpython_globals", "python3: the globals after the threaded run (when it ran)", occasional: true),
                 FieldSpec("cpython_output", "python3: what the first sequential run printed (when it ran)", occasional: true),
                 FieldSpec("cpython_error", "python3: the exception the first sequential run raised, or null (when it ran)",
                           occasional: true),
                 FieldSpec("cpython_errors", "exceptions python3's threads raised (when any did)", occasional: true),
                 FieldSpec("output_same", "whether both printed the same (when python3 ran)", occasional: true),
                 FieldSpec("error_same", "whether both raised the same (when python3 ran)", occasional: true)])

    package static let harness = #"""
import builtins, hashlib, json, os, resource, sys, threading, time
snippet, setup, count, interval = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
sys.setswitchinterval(interval)
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
parent = os.getppid()
def _watch():
    while True:
        time.sleep(0.25)
        if os.getppid() != parent:
            os._exit(1)
threading.Thread(target=_watch, daemon=True).start()
def sleep(ms): time.sleep(ms / 1000)
def spin(ms):
    end = time.thread_time() + ms / 1000
    while time.thread_time() < end:
        pass
_MB = bytes(range(256)) * 4096
def hash_mb(n):
    h = hashlib.sha256()
    for _ in range(n):
        h.update(_MB)
    return h.hexdigest()
def thread_name(): return threading.current_thread().name
def getrefcount(x): return sys.getrefcount(x) - 1
BUILTINS = dict(sleep=sleep, spin=spin, hash_mb=hash_mb, Lock=threading.Lock, thread_name=thread_name, getrefcount=getrefcount)
# The snippet only gets the built-ins conclab has: no import, open, eval or exec in here.
def _safe(name):
    if not isinstance(name, str) or name.startswith("_"):
        raise AttributeError("attribute %r is not available" % (name,))
    return name
ALLOWED = ["print", "len", "range", "next", "iter", "str", "repr", "int", "bool", "list", "tuple", "dict", "abs",
           "min", "max", "sum", "isinstance", "type", "id", "sorted", "reversed", "enumerate", "zip", "any", "all",
           "divmod", "pow", "chr", "ord", "hex", "bin", "callable", "object", "True", "False", "None",
           "BaseException", "Exception", "StopIteration", "ArithmeticError", "ZeroDivisionError", "OverflowError",
           "LookupError", "IndexError", "KeyError", "TypeError", "ValueError", "NameError", "UnboundLocalError",
           "AttributeError", "RuntimeError", "RecursionError", "NotImplementedError", "AssertionError",
           "KeyboardInterrupt", "MemoryError", "GeneratorExit", "__build_class__"]
SAFE_BUILTINS = {name: getattr(builtins, name) for name in ALLOWED}
SAFE_BUILTINS["getattr"] = lambda o, n, *d: getattr(o, _safe(n), *d)
SAFE_BUILTINS["setattr"] = lambda o, n, v: setattr(o, _safe(n), v)
SAFE_BUILTINS["hasattr"] = lambda o, n: hasattr(o, _safe(n))
SAFE_BUILTINS.update(BUILTINS)
code = compile(snippet, "<snippet>", "exec")
setup_code = compile(setup, "<setup>", "exec")
class _Out:
    def __init__(self): self.parts = []
    def write(self, s): self.parts.append(s)
    def flush(self): pass
out = _Out()
real_stdout = sys.stdout
sys.stdout = out
def fresh():
    g = {"__name__": "__main__", "__builtins__": SAFE_BUILTINS}
    exec(setup_code, g)
    return g
errors = []
first_output, first_error = None, None
g = fresh()
start = time.perf_counter()
for _ in range(count):
    try:
        exec(code, g)
    except BaseException as e:
        errors.append("%s: %s" % (type(e).__name__, e))
        if first_output is None:
            first_error = [type(e).__name__, str(e)]
    if first_output is None:
        first_output = "".join(out.parts)
sequential = time.perf_counter() - start
g = fresh()
def work():
    try:
        exec(code, g)
    except BaseException as e:
        errors.append("%s: %s" % (type(e).__name__, e))
threads = [threading.Thread(target=work, name="py-%d" % (i + 1)) for i in range(count)]
cpu0 = time.process_time()
start = time.perf_counter()
for t in threads: t.start()
for t in threads: t.join()
wall = time.perf_counter() - start
cpu = time.process_time() - cpu0
def simple(v, depth=0):
    if v is None or isinstance(v, (bool, int, str)): return v
    if isinstance(v, (list, tuple)) and depth < 4: return [simple(x, depth + 1) for x in v[:1000]]
    return repr(v)
names = {k: simple(v) for k, v in g.items() if not k.startswith("_") and not callable(v) and type(v).__name__ != "lock"}
sys.stdout = real_stdout
print(json.dumps({"version": sys.version.split()[0], "sequential_ms": sequential * 1000, "threads_ms": wall * 1000,
                  "cpu_ms": cpu * 1000, "globals": names, "errors": errors, "output": "".join(out.parts)[:4000],
                  "first_output": (first_output or "")[:4000], "first_error": first_error,
                  "switch_interval_ms": sys.getswitchinterval() * 1000}))
"""#

    /// What both sides are given.
    private struct Request {
        let source: String
        let setup: String
        let threads: Int
        let timeoutSeconds: Int
        /// `gil interval`, for python3's `sys.setswitchinterval`.
        let intervalSeconds: Double
    }

    /// What one side measured: N runs in a row, then N threads at once, and the module globals afterwards; what
    /// the first run printed and the exception it raised ("Type: message"), if any.
    private struct Side {
        var sequentialMilliseconds: Double
        var threadsMilliseconds: Double
        var globals: Record
        var output = ""
        var error: String?
        /// python3's `sys.getswitchinterval()` while it ran.
        var intervalMilliseconds: Double?
        var ratio: Double { threadsMilliseconds / max(sequentialMilliseconds, 0.001) }
    }

    /// The most of each side's output the table shows.
    private static let outputLimit = 4000

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        guard arguments.flag("cpython") else {
            throw UsageError("compare needs --cpython (the only interpreter it compares with)", usage: arguments.usage)
        }
        let settings = PyRuntime.shared(for: context.session).settings
        let request = Request(source: try PySupport.source(arguments, context: context),
                              setup: arguments.string("setup").map { SnippetText.expandingNewlines(SnippetText.unquote($0)) } ?? "",
                              threads: try arguments.integer("threads", default: 2, range: 1...16),
                              timeoutSeconds: try arguments.integer("timeout", default: 120, range: 1...3600),
                              intervalSeconds: Double(settings.switchIntervalNanoseconds) / 1e9)
        let (ours, parallelism) = try runConclab(request, context)
        var table = Self.table(request, ours: ours, parallelism: parallelism)
        if settings.switchRule == .anywhere {
            table.summary?.append("switch_note", .string("conclab switched anywhere (gil switch anywhere, CPython 3.9's rule); "
                                                          + "python3 3.10+ switches only at its eval breaker"))
        }
        context.progress(0.5, "python3")
        if let reason = Self.reasonNotToRunPython(context.session) {
            table.summary?.append("cpython", .string("skipped"))
            table.summary?.append("note", .string(reason.note))
            table.rows.append([.string("output"), .string(Self.oneLine(ours.output))])
            table.rows.append([.string("exception"), ours.error.map(Value.string) ?? .null])
            for (name, value) in ours.globals.fields { table.rows.append([.string(name), value]) }
            table.title = "compare: conclab (\(reason.title) — skipped)"
            return .table(table)
        }
        let (theirs, version, errors) = try runCPython(request, context)
        Self.addCPython(theirs, version: version, errors: errors, ours: ours, to: &table)
        return .table(table)
    }

    /// conclab's side, as `py --threads N --sequential` runs it, in a fresh interpreter with the session's settings
    /// (so both sides start from empty globals). Returns the figures and the threaded run's parallelism.
    private func runConclab(_ request: Request, _ context: Context) throws -> (Side, Double) {
        let runtime = PyRuntime(settings: PyRuntime.shared(for: context.session).settings)
        runtime.confineFiles(to: context.session)
        let code = try PySupport.compile(runtime, request.source)
        let setup = request.setup.isEmpty ? nil : try PySupport.compile(runtime, request.setup)
        func runSetup() throws {
            guard let setup else { return }
            let outcome = runtime.runHere(setup, name: "setup", cancellation: context.cancellation)
            if let error = outcome.error { throw CommandError("--setup failed: " + error) }
        }
        try runSetup()
        var sequential: Int64 = 0
        var first: SnippetOutcome?
        for _ in 0..<request.threads {
            let single = try runtime.runTeam(code, count: 1, cancellation: context.cancellation)
            if single.cancelled { throw Cancelled() }
            if first == nil { first = single.threads.first }
            sequential += single.wallNanoseconds
        }
        try runSetup()
        context.progress(0.3, "conclab threads")
        let team = try runtime.runTeam(code, count: request.threads, cancellation: context.cancellation)
        if team.cancelled { throw Cancelled() }
        var side = Side(sequentialMilliseconds: Double(sequential) / 1e6, threadsMilliseconds: Double(team.wallNanoseconds) / 1e6,
                        globals: runtime.globalsRecord())
        side.output = String((first?.output ?? "").prefix(Self.outputLimit))
        if let type = first?.errorType {
            side.error = Self.exceptionText(type: type, message: first?.errorMessage ?? "")
        }
        let cpu = Double(team.threads.reduce(0) { $0 + $1.cpuNanoseconds }) / 1e6
        // Cores busy on average during the threaded run (CPU time / wall time).
        return (side, cpu / max(side.threadsMilliseconds, 0.001))
    }

    /// The table with conclab's column and summary.
    private static func table(_ request: Request, ours: Side, parallelism: Double) -> Table {
        let n = request.threads
        let rows: [[Value]] = [
            [.string("sequential_ms"), .quantity(ours.sequentialMilliseconds, .milliseconds)],
            [.string("threads_ms"), .quantity(ours.threadsMilliseconds, .milliseconds)],
            [.string("ratio threads/sequential"), .double(ours.ratio)],
        ]
        let summary = Record([("threads", .int(n)),
                              ("conclab_sequential_ms", .quantity(ours.sequentialMilliseconds, .milliseconds)),
                              ("conclab_threads_ms", .quantity(ours.threadsMilliseconds, .milliseconds)),
                              ("conclab_ratio", .double(ours.ratio)),
                              ("conclab_parallelism", .double(parallelism)),
                              ("conclab_globals", .record(ours.globals)),
                              ("conclab_output", .string(ours.output)),
                              ("conclab_error", ours.error.map(Value.string) ?? .null)])
        return Table(title: "compare: \(n) thread\(n == 1 ? "" : "s") vs \(n) sequential run\(n == 1 ? "" : "s")",
                     columns: ["measure", "conclab"], rows: rows, summary: summary)
    }

    /// Why the real python3 is not run here, if it is not. A replayed lab is someone else's: python3 would run its
    /// snippet with this user's rights, and a word filter cannot contain Python (frames, globals and builtins are
    /// reachable from any generator). Until python3 runs under the OS's containment, a replay runs conclab's side only.
    private static func reasonNotToRunPython(_ session: Session) -> (title: String, note: String)? {
        if session.sandbox != nil {
            return ("a replayed lab does not run python3",
                    "a replayed lab does not run the real python3: it could not be contained, so only conclab's side was run")
        }
        if Files.findExecutable("python3") == nil {
            return ("python3 not found", "python3 is not on PATH: only conclab's side was run")
        }
        return nil
    }

    /// Printed text for one table cell: new lines written `\n` (the last one left out), as a line reads in Python.
    private static func oneLine(_ text: String) -> String {
        (text.hasSuffix("\n") ? text.dropLast() : Substring(text)).split(separator: "\n", omittingEmptySubsequences: false)
            .joined(separator: "\\n")
    }

    /// An exception as both sides show it: "ValueError: bad", or the type alone when the message is empty.
    private static func exceptionText(type: String, message: String) -> String {
        message.isEmpty ? type : "\(type): \(message)"
    }

    /// python3's side: the harness above runs the same snippet the same way and prints its figures as JSON.
    private func runCPython(_ request: Request, _ context: Context) throws -> (Side, String, [Value]) {
        guard let python = Files.findExecutable("python3") else { throw CommandError("python3 is not on PATH") }
        let run: CapturedRun
        do {
            run = try Capture.run(python, arguments: ["-c", Self.harness, request.source, request.setup, String(request.threads),
                                                      String(request.intervalSeconds)],
                                  timeoutNanoseconds: Int64(request.timeoutSeconds) * 1_000_000_000,
                                  shouldStop: { context.cancellation.isCancelled })
        } catch {
            throw CommandError("cannot run \(python): \(error)")
        }
        if run.stopped { throw Cancelled() }
        if run.timedOut { throw CommandError("python3 did not finish within \(request.timeoutSeconds) s (raise it with --timeout)") }
        let lastLine = run.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
        guard run.status == .exited(0), case .record(let theirs)? = try? JSONReader.parse(lastLine) else {
            let why = run.standardError.split(separator: "\n").suffix(3).joined(separator: "\n")
            throw CommandError("python3 failed (\(run.status.map { "\($0)" } ?? "unknown")): \(why.isEmpty ? lastLine : why)")
        }
        var globals = Record()
        if case .record(let g)? = theirs["globals"] { globals = g }
        var errors: [Value] = []
        if case .list(let list)? = theirs["errors"] { errors = list }
        let version: String
        if case .string(let v)? = theirs["version"] { version = v } else { version = "" }
        var side = Side(sequentialMilliseconds: theirs["sequential_ms"]?.number ?? 0,
                        threadsMilliseconds: theirs["threads_ms"]?.number ?? 0, globals: globals)
        if case .string(let text)? = theirs["first_output"] { side.output = String(text.prefix(Self.outputLimit)) }
        side.intervalMilliseconds = theirs["switch_interval_ms"]?.number
        if case .list(let pair)? = theirs["first_error"], pair.count == 2, case .string(let type) = pair[0], case .string(let message) = pair[1] {
            side.error = Self.exceptionText(type: type, message: message)
        }
        return (side, version, errors)
    }

    /// python3's column beside conclab's, the globals of both row by row, and python3's summary fields.
    private static func addCPython(_ theirs: Side, version: String, errors: [Value], ours: Side, to table: inout Table) {
        table.columns.append("python3")
        table.title = (table.title ?? "compare") + " (python3 \(version))"
        table.rows[0].append(.quantity(theirs.sequentialMilliseconds, .milliseconds))
        table.rows[1].append(.quantity(theirs.threadsMilliseconds, .milliseconds))
        table.rows[2].append(.double(theirs.ratio))
        table.rows.append([.string("output"), .string(Self.oneLine(ours.output)), .string(Self.oneLine(theirs.output))])
        table.rows.append([.string("exception"), ours.error.map(Value.string) ?? .null, theirs.error.map(Value.string) ?? .null])
        let names = ours.globals.fields.map(\.0) + theirs.globals.fields.map(\.0).filter { ours.globals[$0] == nil }
        for name in names { table.rows.append([.string(name), ours.globals[name] ?? .null, theirs.globals[name] ?? .null]) }
        table.summary?.append("cpython", .string("ran"))
        table.summary?.append("cpython_output", .string(theirs.output))
        table.summary?.append("cpython_error", theirs.error.map(Value.string) ?? .null)
        table.summary?.append("output_same", .bool(ours.output == theirs.output))
        table.summary?.append("error_same", .bool(ours.error == theirs.error))
        table.summary?.append("cpython_version", .string(version))
        if let interval = theirs.intervalMilliseconds { table.summary?.append("cpython_interval_ms", .quantity(interval, .milliseconds)) }
        table.summary?.append("cpython_sequential_ms", .quantity(theirs.sequentialMilliseconds, .milliseconds))
        table.summary?.append("cpython_threads_ms", .quantity(theirs.threadsMilliseconds, .milliseconds))
        table.summary?.append("cpython_ratio", .double(theirs.ratio))
        table.summary?.append("cpython_globals", .record(theirs.globals))
        if !errors.isEmpty { table.summary?.append("cpython_errors", .list(errors)) }
    }
}
