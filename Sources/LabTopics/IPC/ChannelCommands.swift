import LabOS
import LabCore
import PyLab

/// IPC: pipes, socket pairs, Unix-domain and TCP sockets between the shell, its child processes and its threads,
/// and what a message costs. A channel (`ch1`) is a live object; `send` and `recv` move bytes through it, `ipc echo`
/// puts a worker process or a thread at its far end, `ipc bench` measures round trips and bandwidth.
package enum ChannelSupport {
    package static let channelKinds = [ObjectKindInfo(kind: .channel, prefix: "ch", listCommand: "ipc"),
                               ObjectKindInfo(kind: .listener, prefix: "srv", listCommand: "ipc")]

    package static func channel(_ handle: String, _ context: Context) throws -> Channel {
        guard let channel = try context.session.objects.lookup(handle, kind: .channel) as? Channel else {
            throw CommandError("\(handle) is not a channel")
        }
        return channel
    }

    package static func listener(_ handle: String, _ context: Context) throws -> Listener {
        guard let listener = try context.session.objects.lookup(handle, kind: .listener) as? Listener else {
            throw CommandError("\(handle) is not a listener")
        }
        return listener
    }

    /// Adds `object` to the table, closing it if that fails, so nothing leaks.
    package static func register(_ object: any LabObject, name: String?, _ context: Context) throws -> String {
        do { return try context.session.objects.add(object, name: name) } catch {
            try? object.close()
            throw error
        }
    }

    package static func channelRecord(_ handle: String, _ channel: Channel, title: String) -> LabResult {
        var record = Record(title: title, [("handle", .string(handle))])
        record.fields += channel.details().fields
        return .record(record)
    }

    package static let nameFlag = FlagSpec("name", value: .word, valueName: "NAME", help: "handle instead of the next free one")

    /// The fields of `channelRecord`: what `pipe new`, `sock pair`, `sock connect` and `sock accept` return.
    package static let channelFields = [
        FieldSpec("handle", "the new channel (ch1 unless named)"),
        FieldSpec("transport", "pipe, socket pair, unix socket or tcp"),
        FieldSpec("origin", "how it was made: pipe(), socketpair(), connected to ADDRESS, accepted on srv1"),
        FieldSpec("send_fd", "the descriptor 'send' writes"), FieldSpec("recv_fd", "the descriptor 'recv' reads"),
        FieldSpec("peer", "who holds the far end: none yet"),
        FieldSpec("sent_bytes", "bytes sent through it so far"), FieldSpec("received_bytes", "bytes received so far"),
    ]
}

package struct PipeCommand: Command {
    package init() {}
    package let spec = CommandSpec("pipe", summary: "pipes: a one-way byte stream through the kernel")
    package let verbs: [any Command] = [PipeNew()]
    package let defaultVerb: String? = "new"
    package let objectKinds = ChannelSupport.channelKinds
}

package struct PipeNew: Command {
    package let spec = CommandSpec("new", summary: "make a pipe: 'send' writes its write end, 'recv' reads its read end",
                           flags: [ChannelSupport.nameFlag],
                           examples: ["pipe new", "send ch1 hello", "recv ch1"],
                           discussion: "A pipe carries bytes one way. Put a worker at its far end with 'ipc echo CH' (a second pipe carries the replies).",
                           fields: ChannelSupport.channelFields)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        try context.session.objects.checkName(arguments.string("name"))
        let channel: Channel
        do { channel = try Channel.pipe() } catch { throw DescriptorSupport.explain(error) }
        let handle = try ChannelSupport.register(channel, name: arguments.string("name"), context)
        return ChannelSupport.channelRecord(handle, channel, title: "\(handle): pipe, write end fd \(channel.snapshot.send ?? -1), read end fd \(channel.snapshot.receive ?? -1)")
    }
}

package struct SockCommand: Command {
    package init() {}
    package let spec = CommandSpec("sock", summary: "sockets: socket pairs, Unix-domain and TCP (on 127.0.0.1 unless told otherwise)")
    package let verbs: [any Command] = [SockPair(), SockListen(), SockConnect(), SockAccept()]
    package let objectKinds = ChannelSupport.channelKinds
}

package struct SockPair: Command {
    package let spec = CommandSpec("pair", summary: "make a connected pair of Unix sockets: two-way, unlike a pipe",
                           flags: [ChannelSupport.nameFlag],
                           examples: ["sock pair", "send ch1 ping", "recv ch1"],
                           discussion: "'send' writes end a and 'recv' reads end b, until a peer takes end b ('ipc echo CH').",
                           fields: ChannelSupport.channelFields)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        try context.session.objects.checkName(arguments.string("name"))
        let channel: Channel
        do { channel = try Channel.socketPair() } catch { throw DescriptorSupport.explain(error) }
        let handle = try ChannelSupport.register(channel, name: arguments.string("name"), context)
        return ChannelSupport.channelRecord(handle, channel, title: "\(handle): socket pair, fds \(channel.snapshot.send ?? -1) and \(channel.snapshot.receive ?? -1)")
    }
}

package struct SockListen: Command {
    package let spec = CommandSpec("listen", summary: "listen on a Unix socket path, or on a TCP port of 127.0.0.1",
                           arguments: [ArgumentSpec("FAMILY", .choice(["unix", "tcp"])),
                                       ArgumentSpec("ADDRESS", .word, optional: true, help: "unix: a path; tcp: a port (default 0: any free port)")],
                           flags: [FlagSpec("host", value: .word, valueName: "ADDR", help: "tcp: the address to bind (default 127.0.0.1)"),
                                   ChannelSupport.nameFlag],
                           examples: ["sock listen tcp", "sock listen tcp 5000", "sock listen unix /tmp/lab.sock"],
                           discussion: "A replayed lab may only listen on loopback and only make socket files inside its scratch folder.",
                           fields: [FieldSpec("handle", "the listener (srv1 unless named)"), FieldSpec("fd", "its listening descriptor"),
                                    FieldSpec("family", "unix or tcp"),
                                    FieldSpec("path", "the socket file (unix)", occasional: true),
                                    FieldSpec("host", "the address it is bound to (tcp)", occasional: true),
                                    FieldSpec("port", "the port it listens on, the one the kernel chose for 0 (tcp)", occasional: true),
                                    FieldSpec("accepted", "connections taken so far")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let session = context.session
        try session.objects.checkName(arguments.string("name"))
        let listener: Listener
        switch try arguments.require("FAMILY") {
        case "unix":
            guard let given = arguments.string("ADDRESS") else { throw UsageError("sock listen unix needs a PATH", usage: arguments.usage) }
            let path = try session.writablePath(given)
            let fd: Int32
            do { fd = try Sockets.listenUnix(path: path) } catch {
                if error.code == .addressInUse {
                    throw CommandError("\(error.description). Something already exists at \(path); pick another path or remove it.")
                }
                throw DescriptorSupport.explain(error)
            }
            listener = Listener(fd: fd, address: .unix(path: path))
        default:
            let port = try arguments.integer("ADDRESS", default: 0, range: 0...65_535)
            let host = arguments.string("host") ?? Sockets.loopback
            guard Sockets.parseIPv4(host) != nil else { throw UsageError("--host must be an IPv4 address such as 127.0.0.1, got '\(host)'", usage: arguments.usage) }
            if session.sandbox != nil && !Sockets.isLoopback(host) {
                throw CommandError("a lab may only listen on loopback (127.0.0.1), not on \(host)")
            }
            do {
                let (fd, bound) = try Sockets.listenTCP(host: host, port: UInt16(port))
                listener = Listener(fd: fd, address: .tcp(host: host, port: bound))
            } catch { throw DescriptorSupport.explain(error) }
        }
        try Descriptors.setNonBlocking(listener.fd, true)
        let handle = try ChannelSupport.register(listener, name: arguments.string("name"), context)
        var record = Record(title: "\(handle): listening on \(listener.address.text)", [("handle", .string(handle))])
        record.fields += listener.details().fields
        return .record(record)
    }
}

package struct SockConnect: Command {
    package let spec = CommandSpec("connect", summary: "connect to a listener: by its handle, a Unix socket path, or a TCP port",
                           arguments: [ArgumentSpec("TARGET", .word, help: "a listener handle (srv1), unix, or tcp"),
                                       ArgumentSpec("ADDRESS", .word, optional: true, help: "unix: the path; tcp: the port")],
                           flags: [FlagSpec("host", value: .word, valueName: "ADDR", help: "tcp: the address (default 127.0.0.1)"),
                                   FlagSpec("timeout", value: .integer, valueName: "MS", help: "give up after MS milliseconds (default 5000)"),
                                   ChannelSupport.nameFlag],
                           examples: ["sock connect srv1", "sock connect tcp 5000", "sock connect unix /tmp/lab.sock"],
                           discussion: "A replayed lab may only connect to listeners it made itself.",
                           fields: ChannelSupport.channelFields)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let session = context.session
        try session.objects.checkName(arguments.string("name"))
        let target = try arguments.require("TARGET")
        let timeout = try arguments.integer("timeout", default: 5000, range: 0...3_600_000)
        var address: Listener.Address
        switch target {
        case "unix":
            guard let path = arguments.string("ADDRESS") else { throw UsageError("sock connect unix needs a PATH", usage: arguments.usage) }
            // A relative path names a socket in a replayed lab's scratch folder; a replay connects only to its own listeners.
            address = .unix(path: session.sandbox.map { path.hasPrefix("/") ? path : $0.scratchDirectory + "/" + path } ?? path)
        case "tcp":
            let port = try arguments.integer("ADDRESS", default: -1, range: 1...65_535)
            address = .tcp(host: arguments.string("host") ?? Sockets.loopback, port: UInt16(port))
        default:
            if arguments.has("ADDRESS") { throw UsageError("after a listener handle, give no address", usage: arguments.usage) }
            let listener = try ChannelSupport.listener(target, context)
            address = listener.address
            if case .tcp(let host, let port) = address, host == "0.0.0.0" { address = .tcp(host: Sockets.loopback, port: port) }
        }
        if session.sandbox != nil {
            let own = session.objects.all(kind: .listener).compactMap { ($0.object as? Listener)?.address }
            let reachable = own.contains(address) || own.contains { if case .tcp("0.0.0.0", let p) = $0, case .tcp(_, p) = address { return true } else { return false } }
            guard reachable else { throw CommandError("a lab may only connect to its own listeners; \(address.text) is not one") }
        }
        let fd: Int32
        let transport: Channel.Transport
        switch address {
        case .unix(let path):
            do { fd = try Sockets.connectUnix(path: path) } catch { throw DescriptorSupport.explain(error) }
            transport = .unix
        case .tcp(let host, let port):
            let started: (fd: Int32, connected: Bool)
            do { started = try Sockets.startConnectTCP(host: host, port: port) } catch { throw DescriptorSupport.explain(error) }
            do {
                if !started.connected {
                    guard try DescriptorSupport.wait(started.fd, for: .writable, timeoutMilliseconds: timeout, context) else {
                        throw CommandError("no connection to \(host):\(port) within \(timeout) ms")
                    }
                    try Sockets.connectionResult(started.fd, subject: "\(host):\(port)")
                }
            } catch {
                try? FileDescriptor(started.fd).close()
                throw error
            }
            Sockets.setNoDelay(started.fd)
            fd = started.fd
            transport = .tcp
        }
        let channel = try Channel.connected(fd, transport: transport, origin: "connected to \(address.text)")
        let handle = try ChannelSupport.register(channel, name: arguments.string("name"), context)
        return ChannelSupport.channelRecord(handle, channel, title: "\(handle): connected to \(address.text), fd \(fd)")
    }
}

package struct SockAccept: Command {
    package let spec = CommandSpec("accept", summary: "take one connection waiting on a listener: a new channel",
                           arguments: [ArgumentSpec("LISTENER", .handle(.listener), help: "a listener handle (srv1)")],
                           flags: [FlagSpec("timeout", value: .integer, valueName: "MS", help: "give up after MS milliseconds (default: wait, Ctrl-C ends it)"),
                                   ChannelSupport.nameFlag],
                           examples: ["sock accept srv1", "sock accept srv1 --timeout 1000"],
                           fields: ChannelSupport.channelFields)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let handle = try arguments.require("LISTENER")
        let listener = try ChannelSupport.listener(handle, context)
        try context.session.objects.checkName(arguments.string("name"))
        var timeout = try arguments.integer("timeout")
        if timeout == nil && context.session.sandbox != nil { timeout = 10_000 }
        guard listener.isOpen else { throw CommandError("\(handle) is closed") }
        while true {
            let client: Int32?
            do { client = try Sockets.accept(listener.fd, nonBlocking: false) } catch { throw DescriptorSupport.explain(error) }
            if let client {
                listener.noteAccepted()
                var transport = Channel.Transport.unix
                if case .tcp = listener.address {
                    transport = .tcp
                    Sockets.setNoDelay(client)
                }
                let channel = try Channel.connected(client, transport: transport, origin: "accepted on \(handle)")
                let newHandle = try ChannelSupport.register(channel, name: arguments.string("name"), context)
                return ChannelSupport.channelRecord(newHandle, channel, title: "\(newHandle): accepted on \(handle), fd \(client)")
            }
            guard try DescriptorSupport.wait(listener.fd, for: .readable, timeoutMilliseconds: timeout, context) else {
                throw CommandError("no connection arrived on \(handle) within \(timeout ?? 0) ms")
            }
        }
    }
}

package struct SendCommand: Command {
    package init() {}
    package let spec = CommandSpec("send", summary: "write a message into a channel",
                           arguments: [ArgumentSpec("CH", .handle(.channel), help: "a channel handle"),
                                       ArgumentSpec("TEXT", .text, optional: true, variadic: true, help: "the message (quote it to keep spaces)")],
                           flags: [FlagSpec("size", value: .integer, valueName: "BYTES", help: "send this many bytes of 'x' instead of TEXT"),
                                   FlagSpec("timeout", value: .integer, valueName: "MS", help: "stop waiting for room after MS milliseconds")],
                           examples: ["send ch1 hello", "send ch1 --size 100000 --timeout 200"],
                           discussion: """
                               A pipe or socket holds only so much (64 KiB for a pipe by default); past that, send waits until \
                               the other end reads. With --timeout it reports how much went in instead of waiting on.
                               """,
                           fields: [FieldSpec("handle", "the channel"), FieldSpec("fd", "the descriptor written"),
                                    FieldSpec("bytes", "bytes that went in", unit: .bytes),
                                    FieldSpec("requested", "bytes asked to send", unit: .bytes),
                                    FieldSpec("complete", "whether all of them went in"),
                                    FieldSpec("blocked", "whether the write had to wait for room"),
                                    FieldSpec("peer_closed", "whether the other end was closed (EPIPE)"),
                                    FieldSpec("waited_ms", "time the send took")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let handle = try arguments.require("CH")
        EventRecorder.of(context.session).record(handle, .send, "send on \(handle)")
        let channel = try ChannelSupport.channel(handle, context)
        let bytes: [UInt8]
        if let size = try arguments.integer("size") {
            guard (0...(64 << 20)).contains(size) else { throw UsageError("--size must be between 0 and 67108864", usage: arguments.usage) }
            if arguments.has("TEXT") { throw UsageError("give TEXT or --size, not both", usage: arguments.usage) }
            bytes = [UInt8](repeating: UInt8(ascii: "x"), count: size)
        } else {
            guard arguments.has("TEXT") else { throw UsageError("missing TEXT (or --size BYTES)", usage: arguments.usage) }
            bytes = Array(arguments.strings("TEXT").joined(separator: " ").utf8)
        }
        let timeout = try arguments.integer("timeout").map { max(0, $0) }
        let fd = try channel.sendingEnd(handle)
        let socket = channel.transport != .pipe
        let start = Clock.monotonicNanoseconds()
        var sent = 0
        var blocked = false
        var peerClosed = false
        while sent < bytes.count {
            let n: Int
            do {
                n = try bytes.withUnsafeBytes { raw throws -> Int in
                    let rest = UnsafeRawBufferPointer(rebasing: raw[sent...])
                    return socket ? try Sockets.send(fd, rest) : try FileDescriptor(fd).write(rest)
                }
            } catch let error as OSError where error.isBrokenConnection {
                peerClosed = true
                break
            }
            sent += n
            channel.count(sent: n)
            if sent < bytes.count && n == 0 {
                let left = timeout.map { $0 - Int((Clock.monotonicNanoseconds() - start) / 1_000_000) }
                if let left, left <= 0 { blocked = true; break }
                if try !DescriptorSupport.wait(fd, for: .writable, timeoutMilliseconds: left, context) { blocked = true; break }
            }
        }
        var title = "\(handle): sent \(sent) bytes"
        if blocked { title += " of \(bytes.count); the channel is full and nobody is reading" }
        if peerClosed { title += " of \(bytes.count); the other end is closed (EPIPE)" }
        return .record(Record(title: title, [
            ("handle", .string(handle)), ("fd", .int(Int(fd))), ("bytes", .int(sent)), ("requested", .int(bytes.count)),
            ("complete", .bool(sent == bytes.count)), ("blocked", .bool(blocked)), ("peer_closed", .bool(peerClosed)),
            ("waited_ms", .ms(Clock.monotonicNanoseconds() - start)),
        ]))
    }
}

package struct RecvCommand: Command {
    package init() {}
    package let spec = CommandSpec("recv", summary: "read what has arrived on a channel (waits for the first byte)",
                           arguments: [ArgumentSpec("CH", .handle(.channel), help: "a channel handle")],
                           flags: [FlagSpec("timeout", value: .integer, valueName: "MS", help: "stop waiting after MS milliseconds (default: wait; 10000 in a replayed lab)"),
                                   FlagSpec("bytes", value: .integer, valueName: "N", help: "keep reading until N bytes arrived"),
                                   FlagSpec("max", value: .integer, valueName: "N", help: "read at most N bytes (default 65536)")],
                           examples: ["recv ch1", "recv ch1 --timeout 500", "recv ch1 --bytes 10"],
                           discussion: """
                               A pipe or stream socket keeps no message boundaries: two sends can arrive as one read. \
                               A timeout is a result (timed_out), not an error; so is end of file (eof: the other end closed).
                               """,
                           fields: [FieldSpec("handle", "the channel"), FieldSpec("fd", "the descriptor read"),
                                    FieldSpec("text", "what arrived, as text"), FieldSpec("bytes", "bytes that arrived", unit: .bytes),
                                    FieldSpec("eof", "whether the other end closed (end of file)"),
                                    FieldSpec("timed_out", "whether --timeout ran out first"), FieldSpec("waited_ms", "time the read took")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let handle = try arguments.require("CH")
        EventRecorder.of(context.session).record(handle, .receive, "recv on \(handle)")
        let channel = try ChannelSupport.channel(handle, context)
        var timeout = try arguments.integer("timeout").map { max(0, $0) }
        if timeout == nil && context.session.sandbox != nil { timeout = 10_000 }
        let limit = try arguments.integer("max", default: 1 << 16, range: 1...(64 << 20))
        let wanted = try arguments.integer("bytes").map { min(max(1, $0), limit) }
        let fd = try channel.receivingEnd(handle)
        let start = Clock.monotonicNanoseconds()
        var received: [UInt8] = []
        var eof = false
        var timedOut = false
        while true {
            let left = timeout.map { $0 - Int((Clock.monotonicNanoseconds() - start) / 1_000_000) }
            if let left, left < 0 { timedOut = true; break }
            if try !DescriptorSupport.wait(fd, for: .readable, timeoutMilliseconds: left, context) { timedOut = true; break }
            let room = (wanted ?? limit) - received.count
            guard let chunk = try Self.readAvailable(fd, max: room) else { continue }
            if chunk.isEmpty { eof = true; break }
            received += chunk
            channel.count(received: chunk.count)
            if received.count >= (wanted ?? 1) { break }
        }
        if eof { channel.count(endOfFile: true) }
        var title = "\(handle): received \(received.count) bytes"
        if timedOut { title += received.isEmpty ? " (nothing within \(timeout ?? 0) ms)" : " (then timed out)" }
        if eof { title += received.isEmpty ? " (end of file: the other end is closed)" : " then end of file" }
        return .record(Record(title: title, [
            ("handle", .string(handle)), ("fd", .int(Int(fd))), ("text", .string(String(decoding: received, as: UTF8.self))),
            ("bytes", .int(received.count)), ("eof", .bool(eof)), ("timed_out", .bool(timedOut)),
            ("waited_ms", .ms(Clock.monotonicNanoseconds() - start)),
        ]))
    }
}

extension RecvCommand {
    /// One read; nil when nothing is there after all (EAGAIN on the non-blocking end after a spurious wake-up).
    package static func readAvailable(_ fd: Int32, max: Int) throws -> [UInt8]? {
        let result: Result<[UInt8], OSError>
        do throws(OSError) { result = .success(try FileDescriptor(fd).read(upTo: max)) } catch { result = .failure(error) }
        switch result {
        case .success(let bytes): return bytes
        case .failure(let error): if error.wouldBlock { return nil } else { throw error }
        }
    }
}
