import Testing
import TestSupport
import LabCore
import LabOS
import PyLab

/// `socket` and `select` in conclab's Python: what its walls refuse (any address but the port the running command
/// allowed on 127.0.0.1, servers, datagrams, names, more than 512 sockets), that every socket is closed when the run
/// ends, and that a blocking call gives up the GIL and ends at once on Ctrl-C. The servers are the test's own
/// listeners on 127.0.0.1.
@Suite("Sockets: socket and select, contained", .serialized, .timeLimit(.minutes(2)))
struct SocketTests {
    /// A listener on 127.0.0.1; `port` is its port.
    final class Listener: @unchecked Sendable {
        let fd: Int32
        let port: UInt16
        init() throws {
            (fd, port) = try Sockets.listenTCP()
        }
        /// The next connection (a blocking socket), waiting up to ten seconds for it.
        func accept() throws -> Int32? {
            var client: Int32?
            _ = try eventually { client = try Sockets.accept(fd, nonBlocking: true); return client != nil }
            if let client { try Descriptors.setNonBlocking(client, false) }
            return client
        }
        deinit { try? FileDescriptor(fd).close() }
    }

    static func run(_ source: String, allowing ports: Set<UInt16>, cancellation: Cancellation? = nil,
                    runtime: PyRuntime = PyRuntime()) throws -> SnippetOutcome {
        runtime.runContained(try runtime.compile(source), allowing: ports, cancellation: cancellation)
    }

    @Test("the walls: another port, another host, a server, a datagram or a name lookup is a PermissionError", arguments: [
        ("s = socket.socket()\ns.connect(('127.0.0.1', OTHER))", "PermissionError: conclab's Python only reaches the io server of the command running it (127.0.0.1:ALLOWED): 127.0.0.1:OTHER is refused"),
        ("s = socket.socket()\ns.connect_ex(('10.0.0.1', ALLOWED))", "PermissionError: conclab's Python only reaches the io server of the command running it (127.0.0.1:ALLOWED): 10.0.0.1:ALLOWED is refused"),
        ("socket.create_connection(('localhost', ALLOWED))", "127.0.0.1:ALLOWED): localhost:ALLOWED is refused"),
        ("socket.socket().bind(('127.0.0.1', 0))", "PermissionError: conclab's Python only reaches the io server of the command running it: bind is not allowed"),
        ("socket.socket().listen()", "listen is not allowed"),
        ("socket.socket().accept()", "accept is not allowed"),
        ("socket.socket(socket.AF_INET, socket.SOCK_DGRAM)", "a socket other than TCP over IPv4 (AF_INET, SOCK_STREAM) is not allowed"),
        ("socket.socket(socket.AF_UNIX)", "a socket other than TCP over IPv4"),
        ("socket.gethostbyname('example.com')", "looking up a host name (DNS) is not allowed"),
        ("socket.getaddrinfo('example.com', 80)", "looking up a host name (DNS) is not allowed"),
    ])
    func wallsRefuse(_ example: (String, String)) throws {
        let listener = try Listener()
        let other = listener.port == 65535 ? listener.port - 1 : listener.port + 1
        func fill(_ text: String) -> String {
            text.replacingOccurrences(of: "ALLOWED", with: String(listener.port)).replacingOccurrences(of: "OTHER", with: String(other))
        }
        let runtime = PyRuntime()
        let outcome = try Self.run("import socket\n" + fill(example.0), allowing: [listener.port], runtime: runtime)
        let error = outcome.error ?? "no error"
        #expect(error.contains(fill(example.1)), "got \(error)")
        #expect(runtime.network.openCount == 0)
    }

    @Test("an error inside the module is reported at the learner's line, with no frame of the module's own source")
    func moduleErrorsPointAtTheCaller() throws {
        let listener = try Listener()
        let source = "import socket\ndef go():\n    s = socket.socket()\n    s.close()\n    s.connect(('127.0.0.1', \(listener.port)))\ngo()"
        let outcome = try Self.run(source, allowing: [listener.port])
        let error = try #require(outcome.error)
        #expect(outcome.errorSummary == "OSError: [Errno 9] Bad file descriptor (line 5, column 14)", "got \(error)")
        // Two frames, both the learner's: the module's connect (C code in CPython) is not one.
        let frames = error.split(separator: "\n").filter { $0.hasPrefix("  line ") }
        #expect(frames == ["  line 6, in <module>", "  line 5, in go"], "got \(error)")
    }

    @Test("outside a command that allows a port, connect says that no io command runs the program")
    func noPortAllowed() throws {
        let listener = try Listener()
        let outcome = try Self.run("import socket\nsocket.socket().connect(('127.0.0.1', \(listener.port)))", allowing: [])
        let error = outcome.error ?? "no error"
        #expect(error.contains("PermissionError: conclab's Python only reaches the io server of the command running it, and this program runs outside one ('io fetch py' runs a program beside its server)"),
                "got \(error)")
    }

    @Test("a run has at most 512 sockets; all are closed when it ends, though the program closed none")
    func socketLimit() throws {
        let runtime = PyRuntime()
        // Room for 512 sockets besides the test process's own descriptors.
        let limit = try Descriptors.openFileLimit()
        if limit.soft < 1024 { try Descriptors.setOpenFileLimit(soft: min(limit.hard, 1024)) }
        let outcome = try Self.run("""
            import socket
            kept = []
            try:
                for i in range(600):
                    kept.append(socket.socket())
            except OSError as e:
                print(len(kept), e)
            """, allowing: [], runtime: runtime)
        expectEqual(outcome.error, nil)
        expectEqual(outcome.output, "512 [Errno 24] Too many open files: conclab's Python opens at most 512 sockets in a run\n")
        expectEqual(runtime.network.openCount, 0)
    }

    @Test("to the allowed port: a blocking round trip, and a non-blocking connect finished through select")
    func roundTrip() throws {
        let listener = try Listener()
        let server = Locked<Int32?>(nil)
        try OSThread.detach(name: "test-echo") {
            guard let client = try? listener.accept() else { return }
            server.withLock { $0 = client }
            var got: [UInt8] = []
            while got.count < 4, let chunk = try? FileDescriptor(client).read(upTo: 4 - got.count), !chunk.isEmpty { got += chunk }
            try? FileDescriptor(client).writeAll(got.reversed())
        }
        defer { if let fd = server.withLock({ $0 }) { try? FileDescriptor(fd).close() } }
        let outcome = try Self.run("""
            import select, socket, struct
            with socket.socket() as s:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                s.connect(("127.0.0.1", \(listener.port)))
                s.sendall(struct.pack("<I", 0x01020304))
                reply = b""
                while len(reply) < 4:
                    reply += s.recv(4 - len(reply))
                print(reply, struct.unpack(">I", reply)[0] == 0x01020304)
            t = socket.socket()
            t.setblocking(False)
            code = t.connect_ex(("127.0.0.1", \(listener.port)))
            _, writable, _ = select.select([], [t], [], 5)
            print(code in (0, 115), writable == [t])
            """, allowing: [listener.port])
        expectEqual(outcome.error, nil)
        expectEqual(outcome.output, "b'\\x01\\x02\\x03\\x04' True\nTrue True\n")
    }

    @Test("a port nobody listens on: ConnectionRefusedError, as CPython says it")
    func refused() throws {
        let port: UInt16
        do {
            let listener = try Listener()
            port = listener.port
        }
        let outcome = try Self.run("import socket\nsocket.socket().connect(('127.0.0.1', \(port)))", allowing: [port])
        let error = outcome.error ?? "no error"
        #expect(error.contains("ConnectionRefusedError: [Errno 111] Connection refused"), "got \(error)")
    }

    @Test("Ctrl-C during a blocking recv ends the run at once with KeyboardInterrupt, and closes the socket")
    func cancelBlockingRecv() async throws {
        let listener = try Listener()
        let accepted = Locked<Int32?>(nil)
        let runtime = PyRuntime()
        let cancellation = Cancellation()
        // The server accepts and never answers; once the program's request has arrived, the command is cancelled (the
        // program is then in recv, or about to be: either way only a wait that notices Ctrl-C lets the run end).
        try cancel(cancellation, once: {
            if accepted.withLock({ $0 }) == nil, let fd = try? Sockets.accept(listener.fd, nonBlocking: true) { accepted.withLock { $0 = fd } }
            guard let fd = accepted.withLock({ $0 }) else { return false }
            return (try? Descriptors.wait(fd, for: .readable, milliseconds: 0)) == true
        })
        defer { if let fd = accepted.withLock({ $0 }) { try? FileDescriptor(fd).close() } }
        let source = "import socket\ns = socket.socket()\ns.connect(('127.0.0.1', \(listener.port)))\ns.sendall(b'request!')\ns.recv(10)\n"
        let outcome = try await offThePool("test-recv") { try Self.run(source, allowing: [listener.port], cancellation: cancellation, runtime: runtime) }
        let error = outcome.error ?? "no error"
        #expect(error.contains("KeyboardInterrupt"), "got \(error)")
        expectEqual(runtime.network.openCount, 0)
    }

    @Test("a thread blocked in recv has given up the GIL: the main thread runs meanwhile and the program ends")
    func blockedRecvDropsTheGIL() async throws {
        let listener = try Listener()
        let accepted = Locked<Int32?>(nil)
        try OSThread.detach(name: "test-silent") { if let fd = try? listener.accept() { accepted.withLock { $0 = fd } } }
        defer { if let fd = accepted.withLock({ $0 }) { try? FileDescriptor(fd).close() } }
        let source = """
            import socket, threading, time
            s = socket.socket()
            s.connect(("127.0.0.1", \(listener.port)))
            started = []
            def wait_for_reply():
                started.append(1)
                s.recv(10)
            threading.Thread(target=wait_for_reply, daemon=True).start()
            while not started:
                time.sleep(0.001)
            time.sleep(0.01)
            n = 0
            for i in range(100000):
                n += 1
            print("main ran", n)
            """
        let outcome = try await offThePool("test-gil") { try Self.run(source, allowing: [listener.port]) }
        expectEqual(outcome.error, nil)
        expectEqual(outcome.output, "main ran 100000\n")
    }
}
