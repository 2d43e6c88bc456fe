import LabOS
import Synchronization
import LabCore
import PyLab

/// A channel: bytes between two ends, through the kernel. `send` writes into the shell's sending end; `recv` reads
/// what arrives at the shell's receiving end: while the shell holds both ends of a pipe or socket pair that is the
/// other end (the bytes come straight back out), and once a peer (a worker process or a thread running `echo`)
/// holds the far end, it is what the peer sent back.
///
/// The shell's own ends are non-blocking and waited on with `poll` in short slices, so Ctrl-C always ends a wait.
package final class Channel: LabObject, HoldsDescriptors, EchoPeerHost {
    package enum Transport: String {
        case pipe
        case socketPair = "socket pair"
        case unix = "unix socket"
        case tcp = "tcp"
    }

    /// Who holds the far end.
    package enum Peer: Equatable {
        case none
        case process(handle: String, pid: Int32)
        case thread(tid: Int32)
        /// This channel's only end went to a peer: the shell cannot use it any more.
        case handedOver(to: String)
    }

    package struct State {
        package var send: Int32?
        package var receive: Int32?
        /// Every descriptor this channel holds (closed by `close`).
        package var owned: [Int32]
        package var roles: [Int32: String]
        package var peer: Peer = .none
        package var bytesSent: Int64 = 0
        package var bytesReceived: Int64 = 0
        package var sawEndOfFile = false
        package var closed = false
        package var threadPeerDone: Gate<Bool>?
        /// Descriptors of this process that a thread peer holds (it closes them itself).
        package var peerHeld: [Int32: String] = [:]
    }

    package let transport: Transport
    /// How it was made: "pipe", "socketpair", "connected to 127.0.0.1:5000", "accepted from srv1".
    package let origin: String
    private let store: Locked<State>

    private init(transport: Transport, origin: String, state: State) {
        self.transport = transport
        self.origin = origin
        self.store = Locked(state)
    }

    /// A pipe: `send` writes its write end, `recv` reads its read end.
    package static func pipe() throws -> Channel {
        let (r, w) = try System.pipe()
        do {
            try Descriptors.setNonBlocking(r, true)
            try Descriptors.setNonBlocking(w, true)
        } catch {
            try? FileDescriptor(r).close(); try? FileDescriptor(w).close()
            throw error
        }
        return Channel(transport: .pipe, origin: "pipe()", state: State(send: w, receive: r, owned: [w, r],
                                                                          roles: [w: "write end", r: "read end"]))
    }

    /// A socket pair: `send` writes end a, `recv` reads end b (until a peer takes b).
    package static func socketPair() throws -> Channel {
        let (a, b) = try Sockets.pair()
        do {
            try Descriptors.setNonBlocking(a, true)
            try Descriptors.setNonBlocking(b, true)
        } catch {
            try? FileDescriptor(a).close(); try? FileDescriptor(b).close()
            throw error
        }
        return Channel(transport: .socketPair, origin: "socketpair()", state: State(send: a, receive: b, owned: [a, b],
                                                                                    roles: [a: "end a", b: "end b"]))
    }

    /// One connected socket (from `sock connect` or `sock accept`): `send` and `recv` both use it.
    package static func connected(_ fd: Int32, transport: Transport, origin: String) throws -> Channel {
        do { try Descriptors.setNonBlocking(fd, true) } catch {
            try? FileDescriptor(fd).close()
            throw error
        }
        return Channel(transport: transport, origin: origin, state: State(send: fd, receive: fd, owned: [fd], roles: [fd: "socket"]))
    }

    package var kind: ObjectKind { .channel }

    package var snapshot: State { store.withLock { $0 } }

    package var state: String {
        let s = snapshot
        if s.closed { return "closed" }
        switch s.peer {
        case .none: return s.sawEndOfFile ? "open, peer closed" : "open"
        case .process(let handle, _): return s.sawEndOfFile ? "peer \(handle) closed" : "peer \(handle)"
        case .thread(let tid): return "peer thread \(tid)"
        case .handedOver(let handle): return "handed to \(handle)"
        }
    }

    package var summary: String {
        let s = snapshot
        var parts = [transport.rawValue]
        if let send = s.send { parts.append("send fd \(send)") }
        if let receive = s.receive { parts.append("recv fd \(receive)") }
        return parts.joined(separator: ", ") + " (\(origin))"
    }

    package var heldDescriptors: [(Int32, String)] {
        store.withLock { s in
            let own = s.closed ? [] : s.owned.map { ($0, s.roles[$0] ?? "end") }
            return own + s.peerHeld.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
    }

    package func details() -> Record {
        let s = snapshot
        var record = Record([("transport", .string(transport.rawValue)), ("origin", .string(origin)),
                             ("send_fd", s.send.map { .int(Int($0)) } ?? .null),
                             ("recv_fd", s.receive.map { .int(Int($0)) } ?? .null)])
        record.append("peer", .string(peerText(s.peer)))
        record.append("sent_bytes", .int(Int(s.bytesSent)))
        record.append("received_bytes", .int(Int(s.bytesReceived)))
        return record
    }

    package func peerText(_ peer: Peer) -> String {
        switch peer {
        case .none: return "none"
        case .process(let handle, let pid): return "\(handle) (pid \(pid))"
        case .thread(let tid): return "thread \(tid)"
        case .handedOver(let handle): return handle
        }
    }

    /// Closes the shell's ends. A thread peer then reads end of file and ends; it is waited for briefly.
    package func close() throws {
        let (fds, gate): ([Int32], Gate<Bool>?) = store.withLock { s in
            guard !s.closed else { return ([], nil) }
            s.closed = true
            defer { s.owned = []; s.send = nil; s.receive = nil }
            return (s.owned, s.threadPeerDone)
        }
        for fd in fds { try? FileDescriptor(fd).close() }
        _ = gate?.wait(timeoutNanoseconds: 1_000_000_000) { $0 ? true : nil }
    }

    // MARK: Sending and receiving

    /// The shell's sending end, or why there is none.
    package func sendingEnd(_ handle: String) throws -> Int32 {
        let s = snapshot
        if s.closed { throw CommandError("\(handle) is closed") }
        if case .handedOver(let owner) = s.peer {
            throw CommandError("\(handle)'s only end belongs to its peer \(owner) now; talk to it through the other end of the connection")
        }
        guard let fd = s.send else { throw CommandError("\(handle) has no end the shell can send on") }
        return fd
    }

    package func receivingEnd(_ handle: String) throws -> Int32 {
        let s = snapshot
        if s.closed { throw CommandError("\(handle) is closed") }
        if case .handedOver(let owner) = s.peer {
            throw CommandError("\(handle)'s only end belongs to its peer \(owner) now; listen on the other end of the connection")
        }
        guard let fd = s.receive else { throw CommandError("\(handle) has no end the shell can receive on") }
        return fd
    }

    package func count(sent: Int = 0, received: Int = 0, endOfFile: Bool = false) {
        store.withLock { s in
            s.bytesSent += Int64(sent)
            s.bytesReceived += Int64(received)
            if endOfFile { s.sawEndOfFile = true }
        }
    }

    // MARK: Peers

    /// The descriptors a peer needs (input, output) and what the shell keeps afterwards. For a pipe a second pipe
    /// is made for the replies, since a pipe carries bytes one way only.
    package struct PeerPlan {
        package var peerInput: Int32
        package var peerOutput: Int32
        /// Descriptors the shell stops holding once the peer has its copies (the peer's ends, and for a channel
        /// that is handed over, its only end).
        package var leaving: [Int32]
        /// Descriptors made for the peer (a reply pipe): closed if the peer cannot start.
        package var created: [Int32] = []
        package var apply: (inout State) -> Void
    }

    package func planPeer(_ handle: String) throws -> PeerPlan {
        let s = snapshot
        if s.closed { throw CommandError("\(handle) is closed") }
        guard s.peer == .none else { throw CommandError("\(handle) already has a peer: \(peerText(s.peer))") }
        switch transport {
        case .pipe:
            guard let write = s.send, let read = s.receive else { throw CommandError("\(handle) has lost an end") }
            let (replyRead, replyWrite) = try System.pipe()
            do {
                try Descriptors.setNonBlocking(replyRead, true)
                try Descriptors.setNonBlocking(read, false)
            } catch {
                try? FileDescriptor(replyRead).close(); try? FileDescriptor(replyWrite).close()
                throw error
            }
            return PeerPlan(peerInput: read, peerOutput: replyWrite, leaving: [read, replyWrite], created: [replyRead, replyWrite]) { s in
                s.receive = replyRead
                s.owned = [write, replyRead]
                s.roles = [write: "write end", replyRead: "read end of the reply pipe"]
            }
        case .socketPair:
            guard let a = s.send, let b = s.receive, a != b else { throw CommandError("\(handle) has lost an end") }
            try Descriptors.setNonBlocking(b, false)
            return PeerPlan(peerInput: b, peerOutput: b, leaving: [b]) { s in
                s.receive = a
                s.owned = [a]
                s.roles = [a: "end a"]
            }
        case .unix, .tcp:
            guard let fd = s.send else { throw CommandError("\(handle) has lost its socket") }
            try Descriptors.setNonBlocking(fd, false)
            return PeerPlan(peerInput: fd, peerOutput: fd, leaving: [fd]) { s in
                s.send = nil
                s.receive = nil
                s.owned = []
            }
        }
    }

    /// Records the peer once it holds its ends; the shell's copies of them are closed here (a thread peer owns and
    /// closes its own).
    package func attach(_ plan: PeerPlan, peer: Peer, closeLeaving: Bool, done: Gate<Bool>? = nil) {
        let handedOver = transport == .unix || transport == .tcp
        store.withLock { s in
            let roles = s.roles
            plan.apply(&s)
            s.peer = handedOver ? .handedOver(to: peerName(peer)) : peer
            s.threadPeerDone = done
            if case .thread = peer {
                for fd in Set(plan.leaving) {
                    s.peerHeld[fd] = (plan.created.contains(fd) ? "reply pipe's write end" : roles[fd] ?? "end") + ", held by the echo thread"
                }
            }
        }
        if closeLeaving { for fd in Set(plan.leaving) { try? FileDescriptor(fd).close() } }
    }

    /// The thread peer ended and closed its descriptors.
    package func threadPeerEnded() {
        store.withLock { $0.peerHeld = [:] }
    }

    /// Undoes a plan whose peer could not start: the reply pipe made for it is closed, the ends go back to non-blocking.
    package func abandon(_ plan: PeerPlan) {
        for fd in plan.created { try? FileDescriptor(fd).close() }
        for fd in snapshot.owned { try? Descriptors.setNonBlocking(fd, true) }
    }

    private func peerName(_ peer: Peer) -> String {
        switch peer {
        case .process(let handle, _): return handle
        case .thread(let tid): return "thread \(tid)"
        default: return "its peer"
        }
    }
}

extension Channel {
    package func attachEcho(handle: String, asThread: Bool, name: String?, _ context: Context) throws -> LabResult {
        try ChannelPeers.attachEcho(to: handle, asThread: asThread, name: name, context)
    }
}
