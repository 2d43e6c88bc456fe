import LabOS
import LabCore
import PyLab

/// `fd list [P]`: every descriptor of the shell (or of a child) as `lsof` would show it, each with what it is
/// for when the shell knows: its standard streams, the learner's descriptors, channels, listeners, control sockets.
package struct FDList: Command {
    package let spec = CommandSpec("list", aliases: ["ls"], summary: "every descriptor of the shell or a child: type, target, offset, flags, close-on-exec",
                           arguments: [ArgumentSpec("P", .handle(.process), optional: true, help: "a process handle (default: the shell)")],
                           examples: ["fd list", "fd list p1", "fd list | where type == \"pipe\""],
                           discussion: """
                               Read from /proc/PID/fd (the targets) and /proc/PID/fdinfo (offset and flags). Listing the \
                               shell's own /proc/self/fd takes a descriptor too; that one is left out and named in the summary.
                               """,
                           fields: [.column("fd", "the descriptor's number"),
                                    .column("type", "file, directory, pipe, unix socket, tcp socket, tty, device …"),
                                    .column("target", "what it names: a path, pipe:[inode], a socket's addresses"),
                                    .column("offset", "the offset of a file, directory or device; null for the rest", unit: .bytes),
                                    .column("flags", "how it is open: r, w or rw, then append, nonblock, sync"),
                                    .column("cloexec", "whether it is close-on-exec"),
                                    .column("note", "what it is for: stdin, a handle, a channel's end, inherited …"),
                                    FieldSpec("pid", "the process listed"),
                                    FieldSpec("process", "its handle (fd list P)", occasional: true),
                                    FieldSpec("inherited", "your descriptors it has too, at the same number (fd list P)", occasional: true),
                                    FieldSpec("not_inherited", "your descriptors it lacks (fd list P)", occasional: true),
                                    FieldSpec("listing_fd", "the descriptor the listing itself used, left out (the shell's list)", occasional: true),
                                    FieldSpec("open", "descriptors listed"),
                                    FieldSpec("cloexec_count", "how many of them are close-on-exec"),
                                    FieldSpec("fds", "their numbers"),
                                    FieldSpec("files", "how many are files"), FieldSpec("pipes", "how many are pipes"),
                                    FieldSpec("unix_sockets", "how many are unix sockets"),
                                    FieldSpec("tcp_sockets", "how many are tcp sockets"), FieldSpec("ttys", "how many are terminals")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let session = context.session
        let processHandle = arguments.string("P")
        let pid = try processHandle.map { try session.processID(of: $0) }
        let listing: DescriptorListing
        do { listing = try ProcFS.descriptors(pid: pid) } catch { throw DescriptorSupport.explain(error) }
        let held = FDListNotes.held(in: session)
        var notes: [Int32: String] = [0: "stdin", 1: "stdout", 2: "stderr"]
        var summary = Record()
        if let processHandle {
            let child = (try? session.objects.lookup(processHandle)) as? any ChildProcessObject
            for (number, what) in child?.descriptorNotes ?? [:] { notes[number] = what }
            // The shell's descriptors that the child has at the same number, pointing at the same thing: inherited.
            var inherited: [Value] = []
            var notInherited: [Value] = []
            let childLinks = Dictionary(listing.entries.map { ($0.number, $0.link) }, uniquingKeysWith: { a, _ in a })
            for (handle, object) in session.objects.all(kind: .fd) {
                guard let fd = object as? OpenDescriptor, fd.isOpen else { continue }
                let ownLink = ProcFS.descriptorLink(fd.number)
                if let link = childLinks[fd.number], link == ownLink, notes[fd.number] == nil {
                    notes[fd.number] = "inherited: \(handle)"
                    inherited.append(.string(handle))
                } else {
                    notInherited.append(.string(handle))
                }
            }
            // Any other descriptor the child has at the same number as the shell, naming the same thing.
            for entry in listing.entries where entry.number > 2 && notes[entry.number] == nil {
                if ProcFS.descriptorLink(entry.number) == entry.link { notes[entry.number] = "inherited from the shell" }
            }
            summary.append("pid", .int(Int(listing.pid)))
            summary.append("process", .string(processHandle))
            summary.append("inherited", .list(inherited))
            summary.append("not_inherited", .list(notInherited))
        } else {
            for (fd, note) in held { notes[fd] = note }
            summary.append("pid", .int(Int(listing.pid)))
            summary.append("listing_fd", listing.listingDescriptor.map { .int(Int($0)) } ?? .null)
        }
        var rows: [[Value]] = []
        var typeCounts: [String: Int] = [:]
        for entry in listing.entries {
            let cloexec = entry.info?.closeOnExec
            var note = notes[entry.number] ?? ""
            if note.isEmpty && processHandle == nil && entry.number > 2 {
                note = cloexec == false ? "not close-on-exec: from conclab's parent" : "conclab internal"
            }
            let seekable = [.file, .directory, .device].contains(entry.kind)
            rows.append([
                .int(Int(entry.number)), .string(entry.kind.rawValue), .string(entry.socketDetail ?? entry.link),
                seekable ? (entry.info.map { .int(Int($0.position)) } ?? .null) : .null,
                entry.info.map { .string($0.flagNames) } ?? .null,
                cloexec.map(Value.bool) ?? .null,
                .string(note),
            ])
            typeCounts[entry.kind.rawValue, default: 0] += 1
        }
        summary.append("open", .int(listing.entries.count))
        summary.append("cloexec_count", .int(listing.entries.filter { $0.info?.closeOnExec == true }.count))
        summary.append("fds", .list(listing.entries.map { .int(Int($0.number)) }))
        for kind in ["file", "pipe", "unix socket", "tcp socket", "tty"] {
            summary.append(kind.replacingOccurrences(" ", "_") + "s", .int(typeCounts[kind] ?? 0))
        }
        let whose = processHandle.map { "\($0) (pid \(listing.pid))" } ?? "the shell (pid \(listing.pid))"
        var table = Table(title: "descriptors of \(whose)", columns: ["fd", "type", "target", "offset", "flags", "cloexec", "note"], rows: rows)
        table.summary = summary
        return .table(table)
    }
}

package enum FDListNotes {
    /// What every live object of the session holds, as "HANDLE role" by descriptor.
    package static func held(in session: Session) -> [Int32: String] {
        var notes: [Int32: String] = [:]
        for (handle, object) in session.objects.all() {
            guard let holder = object as? HoldsDescriptors else { continue }
            for (fd, role) in holder.heldDescriptors {
                notes[fd] = object is OpenDescriptor ? handle : "\(handle) \(role)"
            }
        }
        return notes
    }
}

extension String {
    package func replacingOccurrences(_ target: Character, _ replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
