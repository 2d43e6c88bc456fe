import LabOS

/// `mem P` and `mem all`: what processes really cost. RSS counts every page a process has resident, shared or not;
/// PSS divides each shared page among the processes sharing it, so PSS figures add up to the real total.
package enum ProcessMemory {
    /// The live processes of a session with their handles: workers (not yet reaped), fork servers, other children.
    package static func processes(_ session: Session) -> [(handle: String, pid: Int32, what: String)] {
        session.objects.all().compactMap { entry in
            guard let child = entry.object as? any ChildProcessObject, child.isLive else { return nil }
            return (entry.handle, child.pid, child.purpose)
        }
    }

    package struct Figures {
        package var rss: Int64
        package var pss: Int64?
        package var privateBytes: Int64?
        package var peakRSS: Int64
        package var virtualBytes: Int64
        package var threads: Int64
    }

    package static func figures(pid: Int32) -> Figures? {
        guard let values = ProcFS.status(pid: pid) else { return nil }
        guard let rss = values["VmRSS"] else { return nil }  // a zombie has no memory left
        let rollup = ProcFS.memoryRollup(pid: pid)
        let privateBytes = rollup.map { ($0["Private_Clean"] ?? 0) + ($0["Private_Dirty"] ?? 0) }
        return Figures(rss: rss, pss: rollup?["Pss"], privateBytes: privateBytes, peakRSS: values["VmHWM"] ?? 0,
                       virtualBytes: values["VmSize"] ?? 0, threads: values["Threads"] ?? 0)
    }

    /// `mem P`: one process of the session.
    package static func record(handle: String, session: Session) throws -> LabResult {
        let object = try session.objects.lookup(handle)
        guard let child = object as? any ChildProcessObject else {
            throw CommandError("\(handle) is a \(object.kind), not a process; 'mem' takes a process handle or 'all'")
        }
        let pid = child.pid
        guard let f = figures(pid: pid) else {
            throw CommandError("\(handle) (pid \(pid)) has no memory to show: it has ended (\(object.state))")
        }
        return .record(Record(title: "memory of \(handle) (pid \(pid))", [
            ("handle", .string(handle)),
            ("pid", .int(Int(pid))),
            ("rss_bytes", .bytes(f.rss)),
            ("peak_rss_bytes", .bytes(f.peakRSS)),
            ("virtual_bytes", .bytes(f.virtualBytes)),
            ("pss_bytes", f.pss.map(Value.bytes) ?? .null),
            ("private_bytes", f.privateBytes.map(Value.bytes) ?? .null),
            ("threads", .int(Int(f.threads))),
        ]))
    }

    /// `mem all`: the shell and each of its live processes, with totals.
    package static func table(session: Session) -> LabResult {
        var rows: [[Value]] = []
        var totalRSS: Int64 = 0
        var totalPSS: Int64 = 0
        var totalPrivate: Int64 = 0
        let me = System.processID
        for (handle, pid, what) in [("shell", me, "conclab, \(session.objects.all(kind: .thread).count) lab threads")] + processes(session) {
            guard let f = figures(pid: pid) else { continue }
            totalRSS += f.rss
            totalPSS += f.pss ?? 0
            totalPrivate += f.privateBytes ?? 0
            rows.append([.string(handle), .int(Int(pid)), .bytes(f.rss), f.pss.map(Value.bytes) ?? .null,
                         f.privateBytes.map(Value.bytes) ?? .null, .int(Int(f.threads)), .string(what)])
        }
        return .table(Table(title: "memory of conclab and its processes",
                            columns: ["handle", "pid", "rss_bytes", "pss_bytes", "private_bytes", "threads", "what"], rows: rows,
                            summary: Record([("processes", .int(rows.count)), ("total_rss_bytes", .bytes(totalRSS)),
                                             ("total_pss_bytes", .bytes(totalPSS)), ("total_private_bytes", .bytes(totalPrivate))])))
    }
}
