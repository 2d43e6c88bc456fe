import LabOS
import LabCore
import PyLab

/// `fd`: file descriptors, for real. A descriptor is a small number naming an open file in a process; this topic
/// opens, reads, writes, seeks, duplicates and closes them, lists every descriptor of the shell or a child the way
/// `lsof` does (type, target, offset, flags, close-on-exec from `/proc/PID/fd` and `fdinfo`), shows which ones a
/// child inherits, passes one to a running child over a Unix socket (SCM_RIGHTS), and hits the descriptor limit.
package struct FDCommand: Command {
    package init() {}
    package let spec = CommandSpec("fd", summary: "file descriptors: open, read, write, seek, dup, close, list, pass to a child, the limit",
                           discussion: """
                               A descriptor is a small number naming an open file (or pipe, socket, terminal) in a process. \
                               Descriptors opened here get handles named after their number (fd3, fd4 …) unless you name them. \
                               'fd list' shows every descriptor of the shell or of a child; 'fd child' starts a child that \
                               inherits what is not close-on-exec; 'fd send' passes one to it over a Unix socket.
                               """)
    package let verbs: [any Command] = [FDOpen(), FDRead(), FDWrite(), FDSeek(), FDDup(), FDDup2(), FDClose(), FDList(),
                                FDLimit(), FDExhaust(), FDChild(), FDSend()]
    package let defaultVerb: String? = "list"
    package let objectKinds = [ObjectKindInfo(kind: .fd, prefix: "fd", plural: "descriptors", listCommand: "fd"),
                       ObjectKindInfo(kind: .limit, prefix: "lim", listCommand: "fd")]
}

/// Shared by the `fd` verbs.
package enum FDSupport {
    package static let descriptorArgument = ArgumentSpec("FD", .handle(.fd), help: "a descriptor handle (fd3) or its number (3)")

    /// The learner's descriptor named by a handle or by its number.
    package static func descriptor(_ text: String, _ context: Context) throws -> (handle: String, object: OpenDescriptor) {
        let objects = context.session.objects
        if let number = Int32(text.hasPrefix("fd") ? String(text.dropFirst(2)) : text), !objects.contains(handle: text) {
            for (handle, object) in objects.all(kind: .fd) {
                if let fd = object as? OpenDescriptor, fd.isOpen, fd.number == number { return (handle, fd) }
            }
            throw CommandError("fd \(number) is not a descriptor opened with 'fd open' or 'fd dup'. Run 'fd list' to see them all.")
        }
        guard let object = try objects.lookup(text, kind: .fd) as? OpenDescriptor else { throw CommandError("\(text) is not a descriptor") }
        return (text, object)
    }

    /// Registers a new descriptor, named after its number (`fd5`) unless the learner gave a name or fd5 is taken.
    package static func register(_ object: OpenDescriptor, name: String?, _ context: Context) throws -> String {
        let objects = context.session.objects
        var preferred = name
        if preferred == nil, !objects.contains(handle: "fd\(object.number)") { preferred = "fd\(object.number)" }
        do { return try objects.add(object, name: preferred) } catch {
            try? object.close()
            throw error
        }
    }

    package static func offsetValue(_ fd: Int32) -> Value { Descriptors.offset(fd).map { .int(Int($0)) } ?? .null }

}

package struct FDOpen: Command {
    package let spec = CommandSpec("open", summary: "open a file and get a descriptor for it",
                           arguments: [ArgumentSpec("PATH", .path, help: "the file (created for w, rw and a)")],
                           flags: [FlagSpec("mode", value: .choice(OpenMode.allCases.map(\.rawValue)), valueName: "r|w|rw|a",
                                            help: "r read (default), w write (truncates), rw read and write, a append"),
                                   FlagSpec("cloexec", help: "close-on-exec: a child started later does not inherit it"),
                                   FlagSpec("name", value: .word, valueName: "NAME", help: "handle instead of fd3, fd4 …")],
                           examples: ["fd open /etc/hostname", "fd open notes.txt --mode rw --name notes", "fd open log.txt --mode a --cloexec"],
                           discussion: "The kernel gives the lowest free number. In a replayed lab, files may only be written inside its scratch folder.",
                           fields: [FieldSpec("handle", "the descriptor's handle (fd3 unless named)"), FieldSpec("fd", "its number"),
                                    FieldSpec("path", "the file opened, as a full path"), FieldSpec("mode", "r, w, rw or a"),
                                    FieldSpec("cloexec", "whether it is close-on-exec (--cloexec)"),
                                    FieldSpec("offset", "where the next read or write starts, in bytes from the start", unit: .bytes)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let given = try arguments.require("PATH")
        let mode = OpenMode(rawValue: arguments.string("mode") ?? "r") ?? .read
        let session = context.session
        try session.objects.checkName(arguments.string("name"))
        let path = mode.writes ? try session.writablePath(given) : try session.readablePath(given)
        let cloexec = arguments.flag("cloexec")
        let fd: Int32
        do { fd = try Descriptors.open(path, mode: mode, closeOnExec: cloexec) } catch { throw DescriptorSupport.explain(error) }
        let object = OpenDescriptor(number: fd, path: path, origin: "open", mode: mode.rawValue)
        let handle = try FDSupport.register(object, name: arguments.string("name"), context)
        return .record(Record(title: "\(handle): fd \(fd) → \(path)", [
            ("handle", .string(handle)), ("fd", .int(Int(fd))), ("path", .string(path)), ("mode", .string(mode.rawValue)),
            ("cloexec", .bool(cloexec)), ("offset", FDSupport.offsetValue(fd)),
        ]))
    }
}

package struct FDRead: Command {
    package let spec = CommandSpec("read", summary: "read up to N bytes at the descriptor's offset (which then moves)",
                           arguments: [FDSupport.descriptorArgument, ArgumentSpec("N", .integer, optional: true, help: "at most this many bytes (default 4096)")],
                           examples: ["fd read fd3 5", "fd read notes"],
                           discussion: "An empty read means end of file. On a pipe or terminal it waits for data (Ctrl-C ends the wait).",
                           fields: [FieldSpec("handle", "the descriptor read"), FieldSpec("fd", "its number"),
                                    FieldSpec("text", "what was read, as text"), FieldSpec("bytes", "bytes read", unit: .bytes),
                                    FieldSpec("eof", "whether it was at end of file (nothing read though bytes were asked for)"),
                                    FieldSpec("offset", "the offset after the read; null where there is none (pipe, socket)", unit: .bytes)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let (handle, object) = try FDSupport.descriptor(try arguments.require("FD"), context)
        let count = try arguments.integer("N", default: 4096, range: 0...(1 << 20))
        let fd = try object.liveNumber(handle)
        if count > 0 { _ = try DescriptorSupport.wait(fd, for: .readable, timeoutMilliseconds: nil, context) }
        let bytes = try FileDescriptor(fd).read(upTo: count)
        return .record(Record(title: "\(handle): read \(bytes.count) bytes", [
            ("handle", .string(handle)), ("fd", .int(Int(fd))), ("text", .string(String(decoding: bytes, as: UTF8.self))),
            ("bytes", .int(bytes.count)), ("eof", .bool(bytes.isEmpty && count > 0)), ("offset", FDSupport.offsetValue(fd)),
        ]))
    }
}

package struct FDWrite: Command {
    package let spec = CommandSpec("write", summary: "write text at the descriptor's offset (or at the end, when opened with --mode a)",
                           arguments: [FDSupport.descriptorArgument, ArgumentSpec("TEXT", .text, variadic: true, help: "the text (quote it to keep spaces)")],
                           flags: [FlagSpec("newline", help: "add a newline after the text")],
                           examples: ["fd write fd3 'hello world'", "fd write notes line --newline"],
                           fields: [FieldSpec("handle", "the descriptor written"), FieldSpec("fd", "its number"),
                                    FieldSpec("bytes", "bytes written", unit: .bytes),
                                    FieldSpec("offset", "the offset after the write; null where there is none (pipe, socket)", unit: .bytes)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let (handle, object) = try FDSupport.descriptor(try arguments.require("FD"), context)
        var text = arguments.strings("TEXT").joined(separator: " ")
        if arguments.flag("newline") { text += "\n" }
        let fd = try object.liveNumber(handle)
        let bytes = Array(text.utf8)
        try context.session.sandbox?.charge(writing: bytes.count)
        var written = 0
        while written < bytes.count {
            _ = try DescriptorSupport.wait(fd, for: .writable, timeoutMilliseconds: nil, context)
            let chunk = Array(bytes[written..<min(bytes.count, written + 4096)])
            written += try FileDescriptor(fd).write(chunk)
        }
        return .record(Record(title: "\(handle): wrote \(written) bytes", [
            ("handle", .string(handle)), ("fd", .int(Int(fd))), ("bytes", .int(written)), ("offset", FDSupport.offsetValue(fd)),
        ]))
    }
}

package struct FDSeek: Command {
    package let spec = CommandSpec("seek", summary: "move the descriptor's offset (lseek): from the start, the current offset, or the end",
                           arguments: [FDSupport.descriptorArgument, ArgumentSpec("OFFSET", .integer, help: "bytes (may be negative with cur and end)"),
                                       ArgumentSpec("FROM", .choice(SeekOrigin.allCases.map(\.rawValue)), optional: true)],
                           examples: ["fd seek fd3 0", "fd seek fd3 0 cur", "fd seek fd3 -5 end", "fd seek notes 0"],
                           discussion: "'fd seek FD 0 cur' only reports the offset. Descriptors made by dup share one offset.",
                           fields: [FieldSpec("handle", "the descriptor"), FieldSpec("fd", "its number"),
                                    FieldSpec("offset", "the offset now, in bytes from the start", unit: .bytes)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let (handle, object) = try FDSupport.descriptor(try arguments.require("FD"), context)
        guard let offset = try arguments.integer("OFFSET") else { throw UsageError("missing OFFSET", usage: arguments.usage) }
        let origin = SeekOrigin(rawValue: arguments.string("FROM") ?? "set") ?? .start
        let fd = try object.liveNumber(handle)
        let now = try Descriptors.seek(fd, to: Int64(offset), from: origin)
        return .record(Record(title: "\(handle): offset \(now)", [("handle", .string(handle)), ("fd", .int(Int(fd))), ("offset", .int(Int(now)))]))
    }
}

package struct FDDup: Command {
    package let spec = CommandSpec("dup", summary: "a second descriptor for the same open file: it shares the offset and flags",
                           arguments: [FDSupport.descriptorArgument],
                           flags: [FlagSpec("cloexec", help: "the copy is close-on-exec (F_DUPFD_CLOEXEC)"),
                                   FlagSpec("name", value: .word, valueName: "NAME", help: "handle for the copy")],
                           examples: ["fd dup fd3", "fd dup notes --name copy"],
                           fields: [FieldSpec("handle", "the copy's handle"), FieldSpec("fd", "the copy's number"),
                                    FieldSpec("of", "the descriptor copied"), FieldSpec("of_fd", "its number"),
                                    FieldSpec("cloexec", "whether the copy is close-on-exec (--cloexec)"),
                                    FieldSpec("offset", "the offset both share", unit: .bytes)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let (handle, object) = try FDSupport.descriptor(try arguments.require("FD"), context)
        try context.session.objects.checkName(arguments.string("name"))
        let fd = try object.liveNumber(handle)
        let copy: Int32
        do { copy = try Descriptors.duplicate(fd, closeOnExec: arguments.flag("cloexec")) } catch { throw DescriptorSupport.explain(error) }
        let duplicate = OpenDescriptor(number: copy, path: object.path, origin: "dup of \(handle)", mode: object.mode)
        let newHandle = try FDSupport.register(duplicate, name: arguments.string("name"), context)
        return .record(Record(title: "\(newHandle): fd \(copy), same open file as \(handle)", [
            ("handle", .string(newHandle)), ("fd", .int(Int(copy))), ("of", .string(handle)), ("of_fd", .int(Int(fd))),
            ("cloexec", .bool(arguments.flag("cloexec"))), ("offset", FDSupport.offsetValue(copy)),
        ]))
    }
}

package struct FDDup2: Command {
    package let spec = CommandSpec("dup2", summary: "make number N name the same open file as FD (closing what N named, if it is yours)",
                           arguments: [FDSupport.descriptorArgument, ArgumentSpec("N", .integer, help: "the number the copy gets (3 or more)")],
                           flags: [FlagSpec("name", value: .word, valueName: "NAME", help: "handle for the copy")],
                           examples: ["fd dup2 fd3 10", "fd dup2 notes 500"],
                           discussion: "The shell's own descriptors (0, 1, 2, its channels and internals) are refused: dup2 would close them under it.",
                           fields: [FieldSpec("handle", "the copy's handle"), FieldSpec("fd", "the copy's number: N"),
                                    FieldSpec("of", "the descriptor copied"), FieldSpec("of_fd", "its number"),
                                    FieldSpec("replaced", "your descriptor that N named before, now closed; null if none"),
                                    FieldSpec("cloexec", "whether the copy is close-on-exec: never after dup2"),
                                    FieldSpec("offset", "the offset both share", unit: .bytes)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let (handle, object) = try FDSupport.descriptor(try arguments.require("FD"), context)
        let soft = (try? Descriptors.openFileLimit().soft) ?? 1024
        let target = try arguments.integer("N", default: 0, range: 3...min(Int(Int32.max), soft == Int.max ? Int(Int32.max) : soft - 1))
        try context.session.objects.checkName(arguments.string("name"))
        let fd = try object.liveNumber(handle)
        let number = Int32(target)
        if number == fd { throw CommandError("\(handle) is already number \(fd)") }
        var replaced: (String, OpenDescriptor)?
        if Descriptors.isOpen(number) {
            let mine = context.session.objects.all(kind: .fd).first { ($0.object as? OpenDescriptor)?.number == number && ($0.object as? OpenDescriptor)?.isOpen == true }
            guard let mine, let descriptor = mine.object as? OpenDescriptor else {
                let free = Descriptors.freeNumbers(1, from: number).first.map { ", e.g. \($0)" } ?? ""
                throw CommandError("fd \(number) belongs to the shell itself; dup2 would close it under it. Pick a free number\(free).")
            }
            replaced = (mine.handle, descriptor)
        }
        _ = try Descriptors.duplicate(fd, onto: number)
        if let (oldHandle, old) = replaced {
            old.markReplaced()
            context.session.objects.remove(oldHandle)
        }
        let copy = OpenDescriptor(number: number, path: object.path, origin: "dup2 of \(handle)", mode: object.mode)
        let newHandle = try FDSupport.register(copy, name: arguments.string("name"), context)
        return .record(Record(title: "\(newHandle): fd \(number), same open file as \(handle)", [
            ("handle", .string(newHandle)), ("fd", .int(Int(number))), ("of", .string(handle)), ("of_fd", .int(Int(fd))),
            ("replaced", replaced.map { .string($0.0) } ?? .null), ("cloexec", .bool(false)), ("offset", FDSupport.offsetValue(number)),
        ]))
    }
}

package struct FDClose: Command {
    package let spec = CommandSpec("close", summary: "close a descriptor: its number is free again",
                           arguments: [FDSupport.descriptorArgument],
                           examples: ["fd close fd3", "fd close copy"],
                           discussion: "The open file lives on while another descriptor (a dup, or a child's copy) still names it.",
                           fields: [FieldSpec("handle", "the descriptor closed"), FieldSpec("fd", "its number, free again"),
                                    FieldSpec("open_descriptors", "descriptors the shell has open now")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let (handle, object) = try FDSupport.descriptor(try arguments.require("FD"), context)
        let fd = try object.liveNumber(handle)
        _ = try context.session.objects.close(handle)
        return .record(Record(title: "\(handle): fd \(fd) closed", [
            ("handle", .string(handle)), ("fd", .int(Int(fd))), ("open_descriptors", .int(DescriptorSupport.openCount())),
        ]))
    }
}

package struct FDLimit: Command {
    package let spec = CommandSpec("limit", summary: "show or set the shell's soft descriptor limit (RLIMIT_NOFILE)",
                           arguments: [ArgumentSpec("N", .integer, optional: true, help: "the new soft limit")],
                           flags: [FlagSpec("name", value: .word, valueName: "NAME", help: "handle for the change instead of lim1")],
                           examples: ["fd limit", "fd limit 32", "fd limit 32 --name low"],
                           discussion: """
                               Descriptors are numbered 0 to limit-1; past it, open fails with EMFILE. A changed limit is a live \
                               object (lim1): closing it, or leaving the shell, restores the old one.
                               """,
                           fields: [FieldSpec("soft", "the soft limit now; null when unlimited"),
                                    FieldSpec("hard", "the hard limit; null when unlimited"),
                                    FieldSpec("open", "descriptors the shell has open"),
                                    FieldSpec("handle", "the limit change (lim1) that restores the old limit; null if none"),
                                    FieldSpec("original_soft", "the soft limit before the change; null if none")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let objects = context.session.objects
        var (soft, hard) = try Descriptors.openFileLimit()
        var handle: String?
        if let wanted = try arguments.integer("N") {
            try objects.checkName(arguments.string("name"))
            let open = DescriptorSupport.openCount()
            guard wanted >= open else {
                throw CommandError("\(wanted) is below the \(open) descriptors the shell already has open; pick \(open) or more")
            }
            guard wanted <= hard else { throw CommandError("\(wanted) is above the hard limit \(DescriptorSupport.limitText(hard)); only root may raise that") }
            let existing = objects.all(kind: .limit).first { $0.object is DescriptorLimitChange }
            // The limit is the whole process's: a replayed lab may lower it, not raise it past where it found it.
            let original = (existing?.object as? DescriptorLimitChange)?.originalSoft ?? soft
            if context.session.sandbox != nil && wanted > original {
                throw CommandError("a replayed lab may not raise the descriptor limit above \(DescriptorSupport.limitText(original))")
            }
            try Descriptors.setOpenFileLimit(soft: wanted)
            if let existing, let change = existing.object as? DescriptorLimitChange {
                change.soft = wanted
                handle = existing.handle
            } else {
                let change = DescriptorLimitChange(originalSoft: soft, soft: wanted)
                do { handle = try objects.add(change, name: arguments.string("name")) } catch {
                    try? change.close()
                    throw error
                }
            }
            (soft, hard) = try Descriptors.openFileLimit()
        } else {
            handle = objects.all(kind: .limit).first?.handle
        }
        let original = handle.flatMap { (try? objects.lookup($0)) as? DescriptorLimitChange }?.originalSoft
        return .record(Record(title: "descriptor limit", [
            ("soft", soft == Int.max ? .null : .int(soft)), ("hard", hard == Int.max ? .null : .int(hard)),
            ("open", .int(DescriptorSupport.openCount())), ("handle", handle.map(Value.string) ?? .null),
            ("original_soft", original.map { .int($0) } ?? .null),
        ]))
    }
}

package struct FDExhaust: Command {
    package let spec = CommandSpec("exhaust", summary: "open a file again and again until the limit says no (EMFILE), then close them all",
                           arguments: [ArgumentSpec("PATH", .path, optional: true, help: "what to open (default /dev/null)")],
                           examples: ["fd limit 64", "fd exhaust"],
                           discussion: """
                               Reports how many opened, the error, how many of the numbers 0 … limit-1 were in use when it came, \
                               and the count of open descriptors before and after (nothing leaks).
                               """,
                           fields: [FieldSpec("opened", "how many times it opened the file"),
                                    FieldSpec("limit", "the soft limit it ran into"),
                                    FieldSpec("highest_fd", "the highest number it got; null if none"),
                                    FieldSpec("numbers_in_use", "how many of the numbers 0 … limit-1 were in use when open failed"),
                                    FieldSpec("error", "the error's name (EMFILE); empty if none came"),
                                    FieldSpec("message", "the error in words; empty if none came"),
                                    FieldSpec("open_before", "descriptors the shell had open before"),
                                    FieldSpec("open_after", "descriptors it has open after closing them all"),
                                    FieldSpec("leaked", "open_after − open_before: 0 when nothing leaked")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let path = try context.session.readablePath(arguments.string("PATH") ?? "/dev/null")
        let soft = try Descriptors.openFileLimit().soft
        guard soft <= 65_536 else {
            throw CommandError("the limit is \(DescriptorSupport.limitText(soft)) descriptors; lower it first, e.g. 'fd limit 64'")
        }
        let before = DescriptorSupport.openCount()
        var opened: [Int32] = []
        defer { for fd in opened { try? FileDescriptor(fd).close() } }
        var failure: OSError?
        while opened.count <= soft {
            if opened.count % 256 == 0 { try context.checkCancelled() }
            switch Self.openOnce(path) {
            case .success(let fd): opened.append(fd)
            case .failure(let error): failure = error
            }
            if failure != nil { break }
        }
        let count = opened.count
        let highest = opened.max()
        // At the moment open failed: how many of the numbers 0 … limit-1 were taken (counted without opening anything).
        let inUse = (0..<Int32(soft)).filter(Descriptors.isOpen).count
        for fd in opened { try? FileDescriptor(fd).close() }
        opened = []
        let after = DescriptorSupport.openCount()
        return .record(Record(title: "opened \(path) \(count) times, then: \(failure.map { $0.name } ?? "no error")", [
            ("opened", .int(count)), ("limit", .int(soft)), ("highest_fd", highest.map { .int(Int($0)) } ?? .null),
            ("numbers_in_use", .int(inUse)),
            ("error", .string(failure?.name ?? "")), ("message", .string(failure?.description ?? "")),
            ("open_before", .int(before)), ("open_after", .int(after)), ("leaked", .int(after - before)),
        ]))
    }
}

extension FDExhaust {
    package static func openOnce(_ path: String) -> Result<Int32, OSError> {
        do throws(OSError) { return .success(try Descriptors.open(path, mode: .read, closeOnExec: true)) } catch { return .failure(error) }
    }
}

package struct FDChild: Command {
    package let spec = CommandSpec("child", summary: "start a child process that inherits the descriptors not marked close-on-exec",
                           flags: [FlagSpec("name", value: .word, valueName: "NAME", help: "handle instead of p1, p2 …")],
                           examples: ["fd child", "fd list p1", "fd send fd3 p1 --read 5"],
                           discussion: """
                               The child is conclab in a helper mode, started with posix_spawn: it keeps every descriptor it \
                               inherited at the same number, and waits on a Unix socket for descriptors sent with 'fd send'.
                               """,
                           fields: [FieldSpec("handle", "the child (p1 unless named)"), FieldSpec("pid", "its process id"),
                                    FieldSpec("control_fd_in_child", "the child's end of the Unix socket 'fd send' uses"),
                                    FieldSpec("inherited", "your descriptors it inherited: those not close-on-exec")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let objects = context.session.objects
        try objects.checkCapacity(for: .process)
        try objects.checkName(arguments.string("name"))
        let mine: Int32
        let started: (pid: Int32, numbers: [Int32])
        do {
            (mine, started) = try Sockets.pairForChild { theirs in try IPCWorkers.start(.hold, handing: [theirs]) }
        } catch {
            throw DescriptorSupport.explain(error)
        }
        let child = PeerProcess(pid: started.pid, role: "fd child", control: mine, controlInChild: started.numbers[0])
        let handle: String
        do { handle = try objects.add(child, name: arguments.string("name")) } catch {
            try? child.close()
            throw error
        }
        let inherited = objects.all(kind: .fd).compactMap { entry -> Value? in
            guard let fd = entry.object as? OpenDescriptor, fd.isOpen, (try? Descriptors.isCloseOnExec(fd.number)) == false else { return nil }
            return .string(entry.handle)
        }
        return .record(Record(title: "started \(handle) (pid \(started.pid)), inheriting \(inherited.count) of your descriptors", [
            ("handle", .string(handle)), ("pid", .int(Int(started.pid))), ("control_fd_in_child", .int(Int(started.numbers[0]))),
            ("inherited", .list(inherited)),
        ]))
    }
}

package struct FDSend: Command {
    package let spec = CommandSpec("send", summary: "pass a descriptor to a running child over a Unix socket (SCM_RIGHTS)",
                           arguments: [FDSupport.descriptorArgument, ArgumentSpec("P", .handle(.process), help: "a child started with 'fd child'")],
                           flags: [FlagSpec("read", value: .integer, valueName: "N", help: "the child then reads N bytes through it"),
                                   FlagSpec("write", value: .text, valueName: "TEXT", help: "the child first writes TEXT through it")],
                           examples: ["fd send fd3 p1", "fd send notes p1 --read 5", "fd send log p1 --write 'from the child'"],
                           discussion: """
                               The child gets a new descriptor, usually with another number, for the same open file: the offset \
                               is shared, so what the child reads or writes moves the shell's offset too.
                               """,
                           fields: [FieldSpec("handle", "the descriptor sent"), FieldSpec("sent_fd", "its number in the shell"),
                                    FieldSpec("process", "the child it went to"), FieldSpec("pid", "the child's process id"),
                                    FieldSpec("received_fd", "the number it got in the child"),
                                    FieldSpec("wrote", "bytes the child wrote through it (--write)", unit: .bytes),
                                    FieldSpec("text", "what the child read through it (--read)"),
                                    FieldSpec("child_offset", "the offset the child saw after; null where there is none", unit: .bytes),
                                    FieldSpec("shell_offset", "the shell's offset now: the same, as they share it", unit: .bytes)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let (handle, object) = try FDSupport.descriptor(try arguments.require("FD"), context)
        let target = try arguments.require("P")
        guard let child = try context.session.objects.lookup(target, kind: .process) as? PeerProcess, child.control != nil else {
            throw CommandError("\(target) cannot receive descriptors; start a child that can with 'fd child'")
        }
        let readCount = try arguments.integer("read", default: 0, range: 0...(1 << 15))
        let text = arguments.string("write") ?? ""
        let fd = try object.liveNumber(handle)
        let frame = FDChildRequest.request(read: readCount, write: text)
        let reply = try FDChildRequest.parse(try child.request(frame, passing: fd, handle: target, timeoutMilliseconds: 5000, context))
        child.noteReceived(reply.received, from: handle)
        return .record(Record(title: "\(handle) (fd \(fd)) arrived in \(target) as fd \(reply.received)", [
            ("handle", .string(handle)), ("sent_fd", .int(Int(fd))), ("process", .string(target)), ("pid", .int(Int(child.pid))),
            ("received_fd", .int(Int(reply.received))), ("wrote", .int(reply.wrote)), ("text", .string(reply.text)),
            ("child_offset", reply.offset.map { .int(Int($0)) } ?? .null), ("shell_offset", FDSupport.offsetValue(fd)),
        ]))
    }
}
