import LabOS
import LabCore
import PyLab

/// `ipc`: the channels and listeners of the session, peers at the far end of a channel, and what IPC costs.
package struct IPCCommand: Command {
    package init() {}
    package let spec = CommandSpec("ipc", summary: "channels between the shell, its workers and its threads: list, echo peers, benchmark; what pickling adds in python3",
                           discussion: """
                               Make channels with 'pipe new', 'sock pair', 'sock listen/connect/accept'; move bytes with 'send' \
                               and 'recv'; put a worker process or a thread at the far end with 'ipc echo'; end one with 'close'.
                               """)
    package let verbs: [any Command] = [IPCList(), IPCEcho(), IPCBench(), IPCPickle()]
    package let defaultVerb: String? = "list"
    package let objectKinds = ChannelSupport.channelKinds
}

package struct IPCList: Command {
    package let spec = CommandSpec("list", aliases: ["ls"], summary: "channels and listeners: descriptors, peer, bytes moved",
                           examples: ["ipc list"],
                           fields: [.column("handle", "the channel or listener"),
                                    .column("transport", "pipe, socket pair, unix socket, tcp, or 'listener ADDRESS'"),
                                    .column("send_fd", "the descriptor 'send' writes; null for a listener or once closed"),
                                    .column("recv_fd", "the descriptor 'recv' reads (a listener's own); null once closed"),
                                    .column("peer", "who holds the far end: none, a worker ('p1 (pid N)') or a thread ('thread N')"),
                                    .column("sent_bytes", "bytes sent through it"), .column("received_bytes", "bytes received"),
                                    .column("state", "open, peer pN, closed, listening …")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        var rows: [[Value]] = []
        for (handle, object) in context.session.objects.all() {
            if let channel = object as? Channel {
                let s = channel.snapshot
                rows.append([.string(handle), .string(channel.transport.rawValue), s.send.map { .int(Int($0)) } ?? .null,
                             s.receive.map { .int(Int($0)) } ?? .null, .string(channel.peerText(s.peer)),
                             .int(Int(s.bytesSent)), .int(Int(s.bytesReceived)), .string(channel.state)])
            } else if let listener = object as? Listener {
                rows.append([.string(handle), .string("listener " + listener.address.text), .null, .int(Int(listener.fd)),
                             .string("none"), .int(0), .int(0), .string(listener.state)])
            }
        }
        return .table(Table(columns: ["handle", "transport", "send_fd", "recv_fd", "peer", "sent_bytes", "received_bytes", "state"], rows: rows))
    }
}

package struct IPCEcho: Command {
    package let spec = CommandSpec("echo", summary: "put an echo peer at the far end of a channel: a worker process (default) or a thread",
                           arguments: [ArgumentSpec("CH", .handle(.channel), help: "a channel handle")],
                           flags: [FlagSpec("thread", help: "a thread of the shell instead of a worker process"),
                                   FlagSpec("name", value: .word, valueName: "NAME", help: "handle for the worker process")],
                           examples: ["sock pair", "ipc echo ch1", "send ch1 ping", "recv ch1"],
                           discussion: """
                               The peer sends back every byte it reads, so what 'recv' returns has crossed to another process \
                               (or thread) and back. A pipe is one-way: the peer gets a second pipe for its replies. On a \
                               connected socket the peer takes the socket itself; talk to it from the other end. Closing the \
                               channel gives the peer end of file, and it ends.
                               """,
                           fields: [FieldSpec("handle", "the channel"), FieldSpec("peer", "the echo worker's handle, or 'thread'"),
                                    FieldSpec("pid", "the echo worker's process id (not with --thread)", occasional: true),
                                    FieldSpec("tid", "the echo thread's kernel thread id (--thread)", occasional: true),
                                    FieldSpec("peer_fds", "the peer's descriptors for the channel (a thread's are the shell's)")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let handle = try arguments.require("CH")
        if arguments.flag("thread") && arguments.has("name") {
            throw UsageError("--name names a worker process; a thread peer has no handle", usage: arguments.usage)
        }
        return try ChannelPeers.attachEcho(to: handle, asThread: arguments.flag("thread"), name: arguments.string("name"), context)
    }
}

/// Peers at the far end of a channel. `ipc echo` uses this; so can any command that wants to start a worker or a
/// thread "via" a channel (`proc spawn echo --via CH`, `thread spawn echo --via CH`).
package enum ChannelPeers {
    /// Puts an echo peer at the far end of channel `handle`: a worker process (a "process" object, named `name` or
    /// p1, p2 …) or a thread of the shell. Returns what `ipc echo` shows.
    package static func attachEcho(to handle: String, asThread: Bool, name: String?, _ context: Context) throws -> LabResult {
        let channel = try ChannelSupport.channel(handle, context)
        let objects = context.session.objects
        if !asThread {
            try objects.checkCapacity(for: .process)
            try objects.checkName(name)
        }
        let plan = try channel.planPeer(handle)
        let handedOver = channel.transport == .unix || channel.transport == .tcp
        if asThread {
            let done = Gate(false)
            let tid = Gate<Int32?>(nil)
            let (input, output) = (plan.peerInput, plan.peerOutput)
            let attached = Gate(false)
            do {
                try OSThread.detach(name: "conclab-echo") { [weak channel] in
                    tid.update { $0 = System.threadID }
                    IPCWorkerMode.echo(from: input, to: output)
                    // Wait until the shell has recorded this thread as the peer, so the bookkeeping below is last.
                    _ = attached.wait(timeoutNanoseconds: 2_000_000_000) { $0 ? true : nil }
                    try? FileDescriptor(input).close()
                    if output != input { try? FileDescriptor(output).close() }
                    channel?.threadPeerEnded()
                    done.update { $0 = true }
                }
            } catch {
                channel.abandon(plan)
                throw error
            }
            let id = tid.wait(timeoutNanoseconds: 1_000_000_000) { $0 } ?? 0
            channel.attach(plan, peer: .thread(tid: id), closeLeaving: false, done: handedOver ? nil : done)
            attached.update { $0 = true }
            return .record(Record(title: "\(handle): an echo thread (tid \(id)) holds the far end", [
                ("handle", .string(handle)), ("peer", .string("thread")), ("tid", .int(Int(id))),
                ("peer_fds", .list(Array(Set([input, output])).sorted().map { .int(Int($0)) })),
            ]))
        }
        let started: (pid: Int32, numbers: [Int32])
        do { started = try IPCWorkers.start(.echo, handing: [plan.peerInput, plan.peerOutput]) } catch {
            channel.abandon(plan)
            throw DescriptorSupport.explain(error)
        }
        let notes: [Int32: String] = started.numbers[0] == started.numbers[1]
            ? [started.numbers[0]: "\(handle): reads and echoes"]
            : [started.numbers[0]: "\(handle): reads here", started.numbers[1]: "\(handle): echoes here"]
        let process = PeerProcess(pid: started.pid, role: "echo peer of \(handle)", childNotes: notes)
        let processHandle: String
        do { processHandle = try objects.add(process, name: name) } catch {
            try? process.close()
            channel.abandon(plan)
            throw error
        }
        channel.attach(plan, peer: .process(handle: processHandle, pid: started.pid), closeLeaving: true)
        return .record(Record(title: "\(handle): worker \(processHandle) (pid \(started.pid)) holds the far end and echoes", [
            ("handle", .string(handle)), ("peer", .string(processHandle)), ("pid", .int(Int(started.pid))),
            ("peer_fds", .list(Array(Set(started.numbers)).sorted().map { .int(Int($0)) })),
        ]))
    }
}
