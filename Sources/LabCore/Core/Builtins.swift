import LabOS

/// `help`, `echo`, `set`, `history`, `clear`, `exit`: the shell's own commands.
package struct HelpCommand: Command {
    package init() {}
    package let spec = CommandSpec("help", aliases: ["?"], summary: "show commands, or the usage and examples of one",
                           arguments: [ArgumentSpec("TOPIC", .word, optional: true, variadic: true, help: "a command, a noun and verb, or a word to search for")],
                           examples: ["help", "help proc", "help proc spawn", "help cancel"])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        .text(try Help.lookup(arguments.strings("TOPIC"), in: context.session.registry))
    }
}

package struct EchoCommand: Command {
    package init() {}
    package let spec = CommandSpec("echo", summary: "print the words given",
                           arguments: [ArgumentSpec("TEXT", .text, optional: true, variadic: true)],
                           examples: ["echo 'hello,   world'"])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        .text(arguments.strings("TEXT").joined(separator: " "))
    }
}

package struct SetCommand: Command {
    package init() {}
    package let spec = CommandSpec("set", summary: "show or change settings: output format, colour, limits",
                           arguments: [ArgumentSpec("KEY", .choice(["output", "color", "limit"]), optional: true),
                                       ArgumentSpec("VALUE", .word, optional: true, variadic: true)],
                           examples: ["set", "set output json", "set output csv", "set color off", "set limit processes 8"],
                           discussion: """
                               output: human, json (one object per command) or csv (a table's header and rows, a record's \
                               field names and values; other results as text). color: on or off. limit NAME N: caps on live \
                               objects.
                               """,
                           fields: [FieldSpec("output", "the output format: human, json or csv"),
                                    FieldSpec("color", "on or off"),
                                    FieldSpec("limit.generators", "the most live generators"),
                                    FieldSpec("limit.locks", "the most live locks"),
                                    FieldSpec("limit.processes", "the most live processes"),
                                    FieldSpec("limit.segments", "the most live shared memory segments"),
                                    FieldSpec("limit.threads", "the most live threads")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let session = context.session
        let values = arguments.strings("VALUE")
        switch arguments.string("KEY") {
        case nil:
            var record = Record(title: "settings", [("output", .string(session.settings.output.rawValue)),
                                                     ("color", .string(session.settings.color ? "on" : "off"))])
            for (name, value) in session.objects.limits { record.append("limit.\(name)", .int(value)) }
            return .record(record)
        case "output":
            guard values.count == 1, let format = OutputFormat(rawValue: values[0] == "text" ? "human" : values[0]) else {
                throw UsageError("set output takes one of: human, json, csv", usage: arguments.usage)
            }
            session.settings.output = format
            return .text("output: \(format.rawValue)")
        case "color":
            guard values.count == 1, ["on", "off"].contains(values[0]) else {
                throw UsageError("set color takes on or off", usage: arguments.usage)
            }
            session.settings.color = values[0] == "on"
            return .text("color: \(values[0])")
        default:
            guard values.count == 2, let n = Arguments.parseInteger(values[1]), n >= 0 else {
                let names = session.objects.limits.map(\.0).joined(separator: ", ")
                throw UsageError("set limit takes a name (\(names)) and a whole number", usage: arguments.usage)
            }
            // A replayed lab is someone else's: it may lower a cap but not raise it past the default.
            if session.sandbox != nil, let ceiling = session.objects.defaultLimit(values[0]), n > ceiling {
                throw CommandError("a replayed lab may not raise limit.\(values[0]) above its default of \(ceiling)")
            }
            try session.objects.setLimit(values[0], n)
            return .text("limit.\(values[0]): \(n)")
        }
    }
}

package struct HistoryCommand: Command {
    package init() {}
    package let spec = CommandSpec("history", summary: "list the commands typed (saved across sessions in the terminal)",
                           arguments: [ArgumentSpec("N", .integer, optional: true, help: "show only the last N")],
                           examples: ["history 10"],
                           fields: [.column("#", "the command's number, counted from the first typed"), .column("command", "the line typed")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let lines = context.session.history
        let n = try arguments.integer("N", default: lines.count, range: 0...Int.max)
        let shown = lines.suffix(n)
        let first = lines.count - shown.count + 1
        return .table(Table(columns: ["#", "command"], rows: shown.enumerated().map { [.int(first + $0.offset), .string($0.element)] }))
    }
}

package struct ClearCommand: Command {
    package init() {}
    package let spec = CommandSpec("clear", summary: "clear the screen")
    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        context.directive = .clearScreen
        return .nothing
    }
}

package struct ExitCommand: Command {
    package init() {}
    package let spec = CommandSpec("exit", aliases: ["quit"], summary: "leave conclab, ending every thread and process it started (Ctrl-D too)")
    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        context.directive = .exit
        return .nothing
    }
}

/// `ls`, `show`, `close`: the generic verbs over every live object.
package struct ListObjectsCommand: Command {
    package init() {}
    package let spec = CommandSpec("ls", summary: "list every live object with its kind and state",
                           arguments: [ArgumentSpec("KIND", .word, optional: true, help: "only objects of this kind (process, thread…)")],
                           examples: ["ls", "ls process"],
                           fields: [.column("handle", "the object's handle: p1, t2, g3 …"), .column("kind", "process, thread, fd, generator …"),
                                    .column("state", "running, exited 0, exhausted …"), .column("what", "one line about it")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        var kind: ObjectKind?
        if let name = arguments.string("KIND") {
            let objects = context.session.objects
            guard let named = objects.kind(named: name) else {
                throw UsageError("no kind of object is called '\(name)'; kinds: \(objects.kindNames.joined(separator: ", "))",
                                 usage: arguments.usage)
            }
            kind = named
        }
        let rows = context.session.objects.all(kind: kind).map { entry -> [Value] in
            [.string(entry.handle), .string(entry.object.kind.name), .string(entry.object.state), .string(entry.object.summary)]
        }
        return .table(Table(columns: ["handle", "kind", "state", "what"], rows: rows))
    }
}

package struct ShowCommand: Command {
    package init() {}
    package let spec = CommandSpec("show", summary: "inspect one live object, or print the last result whole (--all)",
                           arguments: [ArgumentSpec("HANDLE", .handle(nil), optional: true, help: "a handle from 'ls'")],
                           flags: [FlagSpec("all", help: "the last result again, every line of it")],
                           examples: ["show p1", "show g1", "show --all"],
                           discussion: """
                               At the prompt a result longer than the screen stops after a screen's worth, with a line \
                               saying how many more lines (or bytes) there are; 'show --all' prints all of it (Ctrl-C stops \
                               the printing). Scripts, pipes and --json always get everything; 'save FILE' writes it to a file. \
                               The fields below are those of 'show HANDLE'; 'show --all' has the fields of the result it prints.
                               """,
                           fields: ShowCommand.fields)

    /// Every kind's `details()` in one list (a field's meaning names the kinds that have it); `show --all` is left
    /// out: it returns an earlier result, with that command's fields.
    package static let fields: [FieldSpec] = [
        FieldSpec("handle", "the handle shown"), FieldSpec("kind", "process, forkserver, thread, fd, limit, channel, listener, generator, lock or segment"),
        FieldSpec("state", "running, exited 0, exhausted …"),
        FieldSpec("pid", "its process id (process, forkserver)", occasional: true),
        FieldSpec("start_method", "spawn or forkserver (worker process)", occasional: true),
        FieldSpec("workload", "what it runs (worker process, thread)", occasional: true),
        FieldSpec("status", "how it ended, null while it runs (worker process)", occasional: true),
        FieldSpec("role", "what the child is for: fd child, echo peer … (fd child, echo peer)", occasional: true),
        FieldSpec("control_fd_in_child", "the child's end of the control socket (fd child)", occasional: true),
        FieldSpec("cpu_ms", "CPU time used, null when unknown (process while running, thread)", occasional: true),
        FieldSpec("rss_bytes", "resident memory, null when unknown (process while running, forkserver)", occasional: true),
        FieldSpec("pss_bytes", "its share of resident memory (worker process not yet reaped)", occasional: true),
        FieldSpec("startup_ms", "time it took to start (worker process, forkserver)", occasional: true),
        FieldSpec("age_ms", "time since it started (process, forkserver)", occasional: true),
        FieldSpec("parent", "the fork server that forked it (worker process from a fork server)", occasional: true),
        FieldSpec("outcome", "how its workload ended (worker process that finished)", occasional: true),
        FieldSpec("result", "what its workload gave, null while it runs (thread; worker process that finished)", occasional: true),
        FieldSpec("failure", "what went wrong in it (worker process)", occasional: true),
        FieldSpec("channel", "what went wrong with the channel to it (worker process)", occasional: true),
        FieldSpec("workers_started", "workers it has forked (forkserver)", occasional: true),
        FieldSpec("threads", "its threads, null when unknown (forkserver)", occasional: true),
        FieldSpec("fd", "the descriptor number (fd, listener, segment)", occasional: true),
        FieldSpec("path", "the file opened (fd); the socket's path (unix listener)", occasional: true),
        FieldSpec("origin", "what made it: open, dup of fd1, pipe() … (fd, channel)", occasional: true),
        FieldSpec("mode", "how it was opened: r, w, rw or a (fd)", occasional: true),
        FieldSpec("offset", "the file offset, null where it has none (fd while open)", occasional: true),
        FieldSpec("cloexec", "whether it closes on exec (fd while open)", occasional: true),
        FieldSpec("flags", "its status flags: r, w or rw, then append, nonblock, sync (fd while open)", occasional: true),
        FieldSpec("soft", "the soft descriptor limit now (limit)", occasional: true),
        FieldSpec("original_soft", "the soft limit that close puts back (limit)", occasional: true),
        FieldSpec("transport", "pipe, socket pair, unix socket or tcp (channel)", occasional: true),
        FieldSpec("send_fd", "the shell's sending descriptor, null if none (channel)", occasional: true),
        FieldSpec("recv_fd", "the shell's receiving descriptor, null if none (channel)", occasional: true),
        FieldSpec("peer", "who holds the other end (channel)", occasional: true),
        FieldSpec("sent_bytes", "bytes the shell sent through it (channel)", occasional: true),
        FieldSpec("received_bytes", "bytes the shell received from it (channel)", occasional: true),
        FieldSpec("family", "unix or tcp (listener)", occasional: true),
        FieldSpec("host", "the address it listens on (tcp listener)", occasional: true),
        FieldSpec("port", "the port it listens on (tcp listener)", occasional: true),
        FieldSpec("accepted", "connections accepted so far (listener)", occasional: true),
        FieldSpec("type", "Python's name for it: range, map … (generator)", occasional: true),
        FieldSpec("pipeline", "the stage and what it pulls from; closed once closed (generator)", occasional: true),
        FieldSpec("iterable", "true for a range (generator)", occasional: true),
        FieldSpec("infinite", "true when it has no end (generator)", occasional: true),
        FieldSpec("length", "how many numbers the range holds (range generator)", occasional: true),
        FieldSpec("produced", "values it has handed out, null for a range (generator)", occasional: true),
        FieldSpec("computed", "values computed by it and every stage it pulls from (generator)", occasional: true),
        FieldSpec("exhausted", "true once it has raised StopIteration (generator)", occasional: true),
        FieldSpec("tid", "the kernel's thread id, null before it starts (thread)", occasional: true),
        FieldSpec("os_name", "the name the kernel shows for it: conclab-t1 (thread)", occasional: true),
        FieldSpec("holds", "the locks it holds (thread)", occasional: true),
        FieldSpec("cancel_requested", "true once it was asked to stop (thread)", occasional: true),
        FieldSpec("elapsed_ms", "time from its start to its end, or to now (thread)", occasional: true),
        FieldSpec("output", "what it printed, null while it runs (thread spawn --py)", occasional: true),
        FieldSpec("error", "the exception it raised, else null (thread spawn --py)", occasional: true),
        FieldSpec("size", "its size in bytes (segment)", unit: .bytes, occasional: true),
        FieldSpec("name", "the memfd's name (segment)", occasional: true),
        FieldSpec("address", "where it is mapped in the shell (segment)", occasional: true),
        FieldSpec("maps", "its line of /proc/self/maps (segment)", occasional: true),
        FieldSpec("counter", "the counter 'shm count' adds to (segment)", occasional: true),
        FieldSpec("mutex", "its process-shared mutex: free, held by tid N (segment)", occasional: true),
        FieldSpec("robust", "its robust mutex: free, held, owner died, not recoverable (segment)", occasional: true),
        FieldSpec("owner", "the thread holding it, null when free (lock)", occasional: true),
        FieldSpec("waiters", "the threads waiting for it (lock)", occasional: true),
        FieldSpec("acquisitions", "times it was taken (lock)", occasional: true),
        FieldSpec("contended", "times it was taken after a wait (lock)", occasional: true),
        FieldSpec("wait_ms", "time takers spent waiting for it (lock)", occasional: true),
    ]

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        if arguments.flag("all") {
            guard !arguments.has("HANDLE") else { throw UsageError("give a HANDLE or --all, not both", usage: arguments.usage) }
            let last = context.session.lastResult
            guard last != .nothing else { throw CommandError("no result to show yet: run a command first") }
            context.keepsLastResult = true
            context.directive = .printInFull
            return last
        }
        guard arguments.has("HANDLE") else { throw UsageError("missing HANDLE (or --all for the last result)", usage: arguments.usage) }
        let handle = try arguments.require("HANDLE")
        let object = try context.session.objects.lookup(handle)
        var record = Record(title: handle, [("handle", .string(handle)), ("kind", .string(object.kind.name)), ("state", .string(object.state))])
        // A kind's details may repeat handle, kind or state (a snippet thread names its state): each is listed once.
        let shown = Set(record.fields.map(\.0))
        record.fields += object.details().fields.filter { !shown.contains($0.0) }
        return .record(record)
    }
}

/// `save FILE`: the last result as a file, JSON or CSV by the file's extension.
package struct SaveCommand: Command {
    package init() {}
    package let spec = CommandSpec("save", summary: "write the last result to FILE: JSON for .json, CSV for .csv",
                           arguments: [ArgumentSpec("FILE", .path, help: "ends in .json or .csv (replaced if it exists)")],
                           examples: ["save bench.json", "save threads.csv"],
                           discussion: """
                               JSON is what --json prints as 'result'; CSV is a table's header and rows, or a record's field \
                               names and one row of values. Numbers are in the unit their name says (wall_ms in milliseconds); \
                               charts are left out. In a replayed lab FILE lands in the lab's scratch folder.
                               """,
                           fields: [FieldSpec("file", "the path written"), FieldSpec("format", "json or csv"),
                                    FieldSpec("bytes", "the size of the file", unit: .bytes)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let file = try arguments.require("FILE")
        let json = file.hasSuffix(".json")
        guard json || file.hasSuffix(".csv") else {
            throw UsageError("FILE must end in .json or .csv, got '\(file)'", usage: arguments.usage)
        }
        let result = context.session.lastResult
        guard result != .nothing else { throw CommandError("no result to save yet: run a command first") }
        let text = (json ? JSONRenderer.render(result) : CSVRenderer.render(result)) + "\n"
        let path = try context.session.writablePath(file)
        try context.session.sandbox?.charge(writing: text.utf8.count)
        do { try Files.writeAtomically(path, text) } catch { throw CommandError("cannot write \(path): \(error)") }
        context.keepsLastResult = true
        return .record(Record(title: "saved", [("file", .string(path)), ("format", .string(json ? "json" : "csv")),
                                               ("bytes", .bytes(Int64(text.utf8.count)))]))
    }
}

package struct CloseCommand: Command {
    package init() {}
    package let spec = CommandSpec("close", summary: "end live objects: kill and reap a process, stop a thread, close a descriptor",
                           arguments: [ArgumentSpec("HANDLE", .handle(nil), variadic: true,
                                                    help: "handles, 'all', or a kind (process, thread, fd … or its plural)")],
                           examples: ["close p1 p2", "close processes", "close all"],
                           discussion: """
                               Each object closed gets a row: its handle, kind and the state it ended in. 'close all' \
                               ends every object this session (or, during a lab, the lab) sees, newest first; 'close \
                               KIND' every object of that kind. When a handle names no object, nothing is closed and the \
                               error says which handle it was.
                               """)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let objects = context.session.objects
        var handles: [String] = []
        for word in arguments.strings("HANDLE") {
            if word == "all" && !objects.contains(handle: "all") {
                handles += objects.handles().reversed()
            } else if !objects.contains(handle: word), let kind = objects.kind(named: word) {
                handles += objects.handles(kind: kind).reversed()
            } else {
                handles.append(word)
            }
        }
        var seen = Set<String>()
        handles = handles.filter { seen.insert($0).inserted }
        for handle in handles {
            guard objects.contains(handle: handle) else {
                let others = handles.filter { $0 != handle && objects.contains(handle: $0) }
                let words = objects.handles() + objects.kindNames + ["all"]
                let guess = Suggest.closest(to: handle, in: words).map { "; did you mean '\($0)'?" } ?? "; 'ls' lists live objects"
                throw CommandError("no object '\(handle)', so nothing was closed"
                                   + (others.isEmpty ? "" : " (\(others.joined(separator: " ")) still open)") + guess)
            }
        }
        if handles.isEmpty { return .text("nothing to close") }
        var rows: [[Value]] = []
        var closed: [String] = []
        var failures: [String] = []
        for handle in handles {
            do {
                let object = try objects.close(handle)
                rows.append([.string(handle), .string(object.kind.name), .string(object.state)])
                closed.append(handle)
            } catch {
                failures.append("\(handle): \(error)")
            }
        }
        if !failures.isEmpty {
            let closed = closed.joined(separator: " ")
            throw CommandError(failures.joined(separator: "; ") + (closed.isEmpty ? "" : " (closed: \(closed))"))
        }
        return .table(Table(columns: ["handle", "kind", "state"], rows: rows))
    }
}
