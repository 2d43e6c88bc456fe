import LabOS
import LabCore

/// `ipc pickle`: what sending Python objects to another process costs in the real CPython, beside what moving bytes
/// costs. `ipc bench` moves bytes; a Python program first has to turn its objects into bytes (`pickle.dumps`) and the
/// receiver has to build new objects from them (`pickle.loads`). `multiprocessing.Queue.put` pickles in a feeder
/// thread and `get` unpickles in the receiver; `Connection.send` pickles and `recv` unpickles. The python3 program
/// times each part on its own and the whole trip through a `Pipe` and a `Queue` to a child process, so the share of
/// the trip that is pickling is a measured figure; conclab's own pipe moves the same number of bytes beside it.
package enum PickleKind: String, CaseIterable, Sendable {
    case ints, floats, strs, dicts
}

/// The python3 program and what it printed.
package enum IPCPickleProgram {
    /// Rounds of every measurement, one after another in turn; a figure is the fastest of its rounds, the one other
    /// programs disturbed least (`timeit` takes the least too).
    package static let rounds = 5
    /// The most items a list may have (200,000 dicts take about 220 MB in python3, and a child builds its own copy).
    package static let itemLimit = 200_000

    package static let program = #"""
        # What sending a list of objects to another process costs in CPython: pickle.dumps turns it into
        # bytes, a pipe carries the bytes, pickle.loads builds a new list from them in the child.
        # The children are started with the "fork" start method, before anything is timed. ("spawn" would
        # start a fresh python3 that imports this program from its file, and python3 -c has no file.)
        import multiprocessing, os, pickle, sys, time

        kind, items, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

        def make(kind, n):
            if kind == "ints":
                return list(range(n))
            if kind == "floats":
                return [i / 3 for i in range(n)]
            if kind == "strs":
                return [f"item {i}" for i in range(n)]
            return [{"id": i, "name": f"user {i}", "score": i / 3} for i in range(n)]

        def die_with(parent):
            # Whatever kills python3 kills this child too (Linux's PR_SET_PDEATHSIG).
            import ctypes, signal
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)
            if os.getppid() != parent:
                os._exit(1)

        def receiver(parent, receive, ack):
            die_with(parent)
            while (obj := receive()) is not None:
                os.write(ack, b"a")             # it is all here: the timer stops
                del obj                         # freeing it is not timed
                os.write(ack, b"f")             # freed: the next round may start

        def read_bytes(fd):
            # The pickled bytes alone: a length, then as many bytes (None at the end mark).
            size = int.from_bytes(os.read(fd, 8), "little")
            if size == 0:
                return None
            data, got = bytearray(size), 0
            view = memoryview(data)
            while got < size:
                n = os.readv(fd, [view[got:]])
                if n == 0:
                    sys.exit("the pipe closed")
                got += n
            return data

        def wait(ack):
            assert os.read(ack, 1) == b"a"
            done = time.perf_counter_ns()
            assert os.read(ack, 1) == b"f"
            return done

        data = make(kind, items)
        fork = multiprocessing.get_context("fork")
        bytes_in, bytes_out = os.pipe()
        pipe_in, pipe_out = fork.Pipe(duplex=False)     # one os.pipe(), a length before each message
        queue = fork.Queue()                            # one os.pipe() too, and a feeder thread
        acks = [os.pipe() for _ in range(3)]
        me = os.getpid()
        children = [fork.Process(target=receiver, args=(me, lambda: read_bytes(bytes_in), acks[0][1])),
                    fork.Process(target=receiver, args=(me, pipe_in.recv, acks[1][1])),   # reads, then pickle.loads
                    fork.Process(target=receiver, args=(me, queue.get, acks[2][1]))]      # reads, then pickle.loads
        for process in children:
            process.start()

        times = {"dumps": [], "loads": [], "pipe": [], "mp_pipe": [], "queue": []}
        for _ in range(rounds):
            start = time.perf_counter_ns()
            pickled = pickle.dumps(data)
            times["dumps"].append(time.perf_counter_ns() - start)

            start = time.perf_counter_ns()
            copy = pickle.loads(pickled)
            times["loads"].append(time.perf_counter_ns() - start)
            del copy

            start = time.perf_counter_ns()              # the pickled bytes alone: no pickling
            os.write(bytes_out, len(pickled).to_bytes(8, "little"))
            view = memoryview(pickled)
            while view:
                view = view[os.write(bytes_out, view):]
            times["pipe"].append(wait(acks[0][0]) - start)

            start = time.perf_counter_ns()
            pipe_out.send(data)                         # pickle.dumps, then the bytes
            times["mp_pipe"].append(wait(acks[1][0]) - start)

            start = time.perf_counter_ns()
            queue.put(data)                             # returns at once: the feeder thread pickles and writes
            times["queue"].append(wait(acks[2][0]) - start)

        os.write(bytes_out, bytes(8))                   # each child stops at its end mark
        pipe_out.send(None)
        queue.put(None)
        for process in children:
            process.join()
        print("python", sys.version.split()[0])
        print("protocol", pickle.DEFAULT_PROTOCOL)
        print("bytes", len(pickled))
        for name, ns in times.items():
            print(name, *ns)
        """#

    /// The fastest round of each figure the program printed.
    package struct Figures: Sendable, Equatable {
        package var pythonVersion: String
        package var pickleProtocol: Int
        package var pickledBytes: Int
        package var dumps: Int64
        package var loads: Int64
        package var pipe: Int64
        package var multiprocessingPipe: Int64
        package var queue: Int64

        /// Reads the program's lines (`bytes 368931`, `dumps 1100000 1020000 …`); every timing needs `rounds` samples.
        package init?(_ output: String, rounds: Int) {
            var words: [String: [Substring]] = [:]
            for line in output.split(separator: "\n") {
                let parts = line.split(separator: " ")
                if let name = parts.first { words[String(name)] = Array(parts.dropFirst()) }
            }
            func fastest(_ name: String) -> Int64? {
                let samples = (words[name] ?? []).compactMap { Int64($0) }
                return samples.count == rounds ? samples.min() : nil
            }
            guard let version = words["python"]?.first, let proto = words["protocol"]?.first.flatMap({ Int($0) }),
                  let bytes = words["bytes"]?.first.flatMap({ Int($0) }), let dumps = fastest("dumps"), let loads = fastest("loads"),
                  let pipe = fastest("pipe"), let multiprocessingPipe = fastest("mp_pipe"), let queue = fastest("queue") else { return nil }
            self.init(pythonVersion: String(version), pickleProtocol: proto, pickledBytes: bytes, dumps: dumps, loads: loads,
                      pipe: pipe, multiprocessingPipe: multiprocessingPipe, queue: queue)
        }

        package init(pythonVersion: String, pickleProtocol: Int, pickledBytes: Int, dumps: Int64, loads: Int64, pipe: Int64,
                     multiprocessingPipe: Int64, queue: Int64) {
            self.pythonVersion = pythonVersion
            self.pickleProtocol = pickleProtocol
            self.pickledBytes = pickledBytes
            self.dumps = dumps
            self.loads = loads
            self.pipe = pipe
            self.multiprocessingPipe = multiprocessingPipe
            self.queue = queue
        }

        /// `part` as a percentage of the trip through the Queue, whole.
        package func percent(_ part: Int64) -> Double { queue > 0 ? (Double(part) / Double(queue) * 100).rounded() : 0 }
    }

    /// The result: a row per part and per trip, the figures by name in the summary. `conclabPipe` is conclab's own pipe
    /// to a worker moving as many bytes (nil if it was not measured).
    package static func table(_ f: Figures, kind: PickleKind, items: Int, conclabPipe: Int64?) -> Table {
        func row(_ step: String, _ ns: Int64, _ what: String) -> [Value] { [.string(step), .ms(ns), .quantity(f.percent(ns), .percent), .string(what)] }
        var rows = [row("pickle.dumps", f.dumps, "the list to bytes, in python3"),
                    row("pickle.loads", f.loads, "the bytes to a new list, in python3"),
                    row("os.pipe", f.pipe, "the pickled bytes alone to a child process, until it has them all"),
                    row("Pipe.send", f.multiprocessingPipe, "the list to a child: send pickles and writes, recv reads and unpickles"),
                    row("Queue.put", f.queue, "the list to a child: a feeder thread pickles and writes, get reads and unpickles")]
        if let conclabPipe { rows.append(row("conclab pipe", conclabPipe, "conclab's pipe to its worker, as many bytes (ipc bench pipe)")) }
        let perItem = (Double(f.pickledBytes) / Double(max(1, items)) * 100).rounded() / 100
        let pickling = f.percent(f.dumps + f.loads), moving = f.percent(f.pipe)
        var summary: [(String, Value)] = [
            ("items", .int(items)), ("kind", .string(kind.rawValue)), ("pickled_bytes", .bytes(Int64(f.pickledBytes))),
            ("bytes_per_item", .double(perItem)), ("dumps_ms", .ms(f.dumps)), ("loads_ms", .ms(f.loads)), ("pipe_ms", .ms(f.pipe)),
            ("mp_pipe_ms", .ms(f.multiprocessingPipe)), ("queue_ms", .ms(f.queue)), ("pickle_pct", .quantity(pickling, .percent)),
            ("pipe_pct", .quantity(moving, .percent)), ("rounds", .int(rounds)), ("start_method", .string("fork")),
            ("protocol", .int(f.pickleProtocol)), ("python_version", .string(f.pythonVersion)), ("cpython", .string("ran")),
        ]
        if let conclabPipe { summary.append(("conclab_pipe_ms", .ms(conclabPipe))) }
        let title = "\(Format.number(Double(items))) \(kind.rawValue) pickle to \(Format.bytes(Double(f.pickledBytes))) "
            + "(\(Format.compact(perItem)) B an item): pickling and unpickling \(Format.duration(nanoseconds: Double(f.dumps + f.loads))), "
            + "the bytes through a pipe \(Format.duration(nanoseconds: Double(f.pipe))), "
            + "the whole trip through a Queue \(Format.duration(nanoseconds: Double(f.queue)))"
        return Table(title: title, columns: ["step", "fastest_ms", "share_pct", "what"], rows: rows, summary: Record(summary),
                     bars: Bars(column: "fastest_ms", title: "fastest of \(rounds)"))
    }
}

package struct IPCPickle: Command {
    package let spec = CommandSpec("pickle", summary: "what python3 spends sending a list to a child process: pickling, moving bytes, unpickling",
                                   flags: [FlagSpec("items", short: "n", value: .integer, valueName: "N",
                                                    help: "objects in the list (default 100000, 1 to \(IPCPickleProgram.itemLimit))"),
                                           FlagSpec("kind", value: .choice(PickleKind.allCases.map(\.rawValue)), valueName: "KIND",
                                                    help: "what the list holds: ints (default), floats, strs or dicts"),
                                           FlagSpec("show", help: "print the Python program instead of running it")],
                                   examples: ["ipc pickle", "ipc pickle --kind dicts", "ipc pickle --items 10", "ipc pickle --show"],
                                   discussion: """
                                       Objects cannot cross to another process: only bytes can. python3 (not in a replayed lab) \
                                       makes a list of N objects and times, each the fastest of \(IPCPickleProgram.rounds) rounds: \
                                       pickle.dumps of the list and pickle.loads of its bytes, in python3 itself; the pickled bytes \
                                       alone written to an os.pipe() until a child process has read them all; and the whole trip \
                                       of the list to a child through multiprocessing.Pipe(duplex=False) (send pickles, the child's \
                                       recv unpickles) and through multiprocessing.Queue (put hands the list to a feeder thread, \
                                       which pickles it and writes the bytes; the child's get reads and unpickles them). The \
                                       children are forked (the 'fork' start method) before anything is timed. share_pct is each \
                                       time over the Queue's. Beside them, conclab's own pipe to a worker process moves as many \
                                       bytes ('ipc bench pipe'). 'ipc pickle --show' prints the program.
                                       """,
                                   fields: [.column("step", "pickle.dumps, pickle.loads, os.pipe, Pipe.send, Queue.put, conclab pipe"),
                                            .column("fastest_ms", "its time, the fastest of \(IPCPickleProgram.rounds) rounds"),
                                            .column("share_pct", "its time as a percentage of the Queue's"),
                                            .column("what", "what was timed"),
                                            FieldSpec("items", "objects in the list (--items)"),
                                            FieldSpec("kind", "what the list holds (--kind)"),
                                            FieldSpec("cpython", "ran, or skipped (a replayed lab, or no python3)"),
                                            FieldSpec("note", "why python3 was skipped", occasional: true),
                                            FieldSpec("pickled_bytes", "the size of pickle.dumps(list) (not when python3 was skipped)", occasional: true),
                                            FieldSpec("bytes_per_item", "pickled_bytes / items (not when python3 was skipped)", occasional: true),
                                            FieldSpec("dumps_ms", "pickle.dumps of the list (not when python3 was skipped)", occasional: true),
                                            FieldSpec("loads_ms", "pickle.loads of its bytes (not when python3 was skipped)", occasional: true),
                                            FieldSpec("pipe_ms", "the pickled bytes through an os.pipe() to a child, until it has them all (not when python3 was skipped)", occasional: true),
                                            FieldSpec("mp_pipe_ms", "the list through multiprocessing.Pipe to a child, until it has unpickled it (not when python3 was skipped)", occasional: true),
                                            FieldSpec("queue_ms", "the list through multiprocessing.Queue to a child, until it has unpickled it (not when python3 was skipped)", occasional: true),
                                            FieldSpec("pickle_pct", "dumps_ms + loads_ms as a percentage of queue_ms; each is timed apart, so on a busy machine it can pass 100 (not when python3 was skipped)", occasional: true),
                                            FieldSpec("pipe_pct", "pipe_ms as a percentage of queue_ms (not when python3 was skipped)", occasional: true),
                                            FieldSpec("rounds", "rounds of each measurement (not when python3 was skipped)", occasional: true),
                                            FieldSpec("start_method", "how the children were started: fork (not when python3 was skipped)", occasional: true),
                                            FieldSpec("protocol", "the pickle protocol, pickle.DEFAULT_PROTOCOL, which multiprocessing uses (not when python3 was skipped)", occasional: true),
                                            FieldSpec("python_version", "python3's version (not when python3 was skipped)", occasional: true),
                                            FieldSpec("conclab_pipe_ms", "conclab's pipe to a worker process moving pickled_bytes, at the bandwidth it reached streaming them \(IPCPickleProgram.rounds) times (not when python3 was skipped)", occasional: true)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let items = try arguments.integer("items", default: 100_000, range: 1...IPCPickleProgram.itemLimit)
        let kind = arguments.string("kind").flatMap(PickleKind.init(rawValue:)) ?? .ints
        if arguments.flag("show") { return .text(IPCPickleProgram.program + "\n") }
        let python: String
        switch RealPython.locate(context.session) {
        case .success(let path): python = path
        case .failure(let unavailable):
            return .record(Record(title: "ipc pickle skipped: \(unavailable.reason)",
                                  [("items", .int(items)), ("kind", .string(kind.rawValue)), ("cpython", .string("skipped")),
                                   ("note", .string("python3 skipped: " + unavailable.reason))]))
        }
        try context.session.objects.checkCapacity(for: .process)
        context.progress(0, "python3")
        let rounds = IPCPickleProgram.rounds
        let output = try RealPython.output(python, IPCPickleProgram.program, [kind.rawValue, String(items), String(rounds)],
                                           seconds: 120, finishing: "sending the list", stop: { context.cancellation.isCancelled })
        guard let figures = IPCPickleProgram.Figures(output, rounds: rounds) else {
            throw CommandError("python3 ended without printing every figure: \(output.suffix(400))")
        }
        context.progress(0.9, "conclab pipe")
        let bytes = max(1, figures.pickledBytes)
        let block = min(1 << 16, bytes)
        let settings = IPCBenchSettings(size: 64, count: 20, block: block, total: bytes * rounds)
        let measured = try IPCBenchRunner.measure(.pipe, settings, context) { _ in }
        let conclabPipe = measured.bandwidth > 0 ? Int64(Double(bytes) / measured.bandwidth * 1e9) : nil
        return .table(IPCPickleProgram.table(figures, kind: kind, items: items, conclabPipe: conclabPipe))
    }
}
