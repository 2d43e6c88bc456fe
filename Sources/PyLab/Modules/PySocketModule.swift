import LabOS
import LabCore

/// The sockets one run of conclab's Python may have, and where they may connect: its containment.
///
/// Labs from strangers are replayed, so the Python they run must not reach the network: a socket may connect only
/// to 127.0.0.1, and only to a port the command running the program allowed (`io fetch py` allows its own server's,
/// `runContained`); nothing listens, accepts, sends datagrams or resolves names. A run has at most `socketLimit`
/// sockets open, and every one of them is closed when the run ends (or when the runtime goes).
package final class PyNetwork: Sendable {
    package static let socketLimit = 512

    private struct State {
        var allowedPorts: Set<UInt16> = []
        var open: Set<Int32> = []
    }
    private let state = Locked(State())

    package init() {}

    deinit { closeAll() }

    package var allowedPorts: Set<UInt16> { state.withLock { $0.allowedPorts } }
    package var openCount: Int { state.withLock { $0.open.count } }

    package func setAllowedPorts(_ ports: Set<UInt16>) { state.withLock { $0.allowedPorts = ports } }

    /// A new TCP socket of this run; nil when the run has `socketLimit` open already.
    func open() throws(OSError) -> Int32? {
        try state.withLock { s throws(OSError) -> Int32? in
            guard s.open.count < Self.socketLimit else { return nil }
            let fd = try Sockets.tcpSocket()
            s.open.insert(fd)
            return fd
        }
    }

    func owns(_ fd: Int32) -> Bool { state.withLock { $0.open.contains(fd) } }

    /// Closes one of this run's sockets; false when `fd` is not one.
    func close(_ fd: Int32) -> Bool {
        guard state.withLock({ $0.open.remove(fd) != nil }) else { return false }
        try? FileDescriptor(fd).close()
        return true
    }

    /// Closes every socket still open; returns how many there were.
    @discardableResult
    package func closeAll() -> Int {
        let fds = state.withLock { s in defer { s.open = [] }; return s.open }
        for fd in fds { try? FileDescriptor(fd).close() }
        return fds.count
    }
}

extension PyRuntime {
    /// Runs `code` on the calling thread with sockets allowed to reach 127.0.0.1 at `ports` only, then closes every
    /// socket the run left open and allows none again, whatever way the run ended.
    package func runContained(_ code: CodeObject, allowing ports: Set<UInt16>, name: String = "main",
                              cancellation: Cancellation?) -> SnippetOutcome {
        network.setAllowedPorts(ports)
        defer {
            network.closeAll()
            network.setAllowedPorts([])
        }
        return runHere(code, name: name, cancellation: cancellation)
    }
}

/// `socket` and `select`: TCP clients over IPv4 and `select.select`, as CPython's, inside `PyNetwork`'s walls.
///
/// The `socket` class is Python (the module's source) around a descriptor number; each call goes to a function
/// here, which checks that the number is one of this run's sockets. The descriptor is always non-blocking in the
/// kernel: a blocking call (no timeout) or a call with a timeout waits for readiness in slices, without the GIL (as
/// CPython releases it around every socket call), and a Ctrl-C of the command or a thread's stop request ends the
/// wait at the next slice with KeyboardInterrupt.
package enum SocketModule {
    /// How long one slice of a blocking wait is: the longest a Ctrl-C waits to be noticed.
    static let sliceMilliseconds = 20

    static let contained = "conclab's Python only reaches the io server of the command running it"

    package static let definition = ModuleDefinition("socket", natives: [
        Builtin("_open") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            let fd: Int32?
            do throws(OSError) { fd = try ts.runtime.network.open() } catch { throw ts.socketError(error) }
            guard let fd else {
                throw ts.error(ts.runtime.classes.osError, "[Errno 24] Too many open files: conclab's Python opens at most \(PyNetwork.socketLimit) sockets in a run")
            }
            return .int(Int(fd))
        },
        Builtin("_refuse") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            throw ts.error(ts.runtime.classes.permissionError, "\(contained): \(ts.string(a[0]) ?? "that") is not allowed")
        },
        Builtin("_close") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            guard ts.runtime.network.close(try ts.ownedSocket(a[0])) else { throw ts.badDescriptor() }
            return .none
        },
        Builtin("_setsockopt") { ts, a throws(PyError) in
            try a.expect(4...4, ts)
            let fd = try ts.ownedSocket(a[0])
            let level = try ts.intArgument(a[1], "level"), option = try ts.intArgument(a[2], "option")
            guard level == 6 && option == 1 else {
                throw ts.error(ts.runtime.classes.notImplementedError,
                               "conclab's Python does not support setsockopt(\(level), \(option)): only setsockopt(IPPROTO_TCP, TCP_NODELAY, flag)")
            }
            Sockets.setNoDelay(fd, try ts.truthy(a[3]))
            return .none
        },
        Builtin("_connect") { ts, a throws(PyError) in
            try a.expect(4...4, ts)
            let fd = try ts.ownedSocket(a[0])
            let (host, port) = try ts.socketAddress(a[1])
            let timeout = try ts.socketTimeout(a[2])
            let raising = try ts.truthy(a[3])
            let code = try ts.connect(fd, host: host, port: port, timeout: timeout)
            if raising, let code { throw ts.socketError(code) }
            return .int(Int(code?.errno ?? 0))
        },
        Builtin("_send") { ts, a throws(PyError) in
            try a.expect(3...3, ts)
            let fd = try ts.ownedSocket(a[0])
            guard let data = ts.bytes(a[1]) else { throw ts.typeError("a bytes-like object is required, not '\(ts.typeName(a[1]))'") }
            return .int(try ts.send(fd, data, timeout: try ts.socketTimeout(a[2])))
        },
        Builtin("_sendall") { ts, a throws(PyError) in
            try a.expect(3...3, ts)
            let fd = try ts.ownedSocket(a[0])
            guard let data = ts.bytes(a[1]) else { throw ts.typeError("a bytes-like object is required, not '\(ts.typeName(a[1]))'") }
            let timeout = try ts.socketTimeout(a[2])
            var sent = 0
            while sent < data.count { sent += try ts.send(fd, Array(data[sent...]), timeout: timeout) }
            return .none
        },
        Builtin("_recv") { ts, a throws(PyError) in
            try a.expect(3...3, ts)
            let fd = try ts.ownedSocket(a[0])
            let size = try ts.intArgument(a[1], "buffersize")
            guard size >= 0 else { throw ts.valueError("negative buffersize in recv") }
            return ts.newBytes(try ts.receive(fd, max: min(size, 1 << 24), timeout: try ts.socketTimeout(a[2])))
        },
    ], source: """
        AF_UNIX = 1
        AF_INET = 2
        AF_INET6 = 10
        SOCK_STREAM = 1
        SOCK_DGRAM = 2
        SOL_SOCKET = 1
        SO_REUSEADDR = 2
        IPPROTO_TCP = 6
        TCP_NODELAY = 1
        error = OSError
        timeout = TimeoutError

        class socket:
            def __init__(self, family=2, type=1, proto=0, fileno=None):
                self._fd = -1
                if family != AF_INET or type != SOCK_STREAM or proto not in (0, IPPROTO_TCP):
                    _refuse("a socket other than TCP over IPv4 (AF_INET, SOCK_STREAM)")
                if fileno is not None:
                    _refuse("a socket made from a descriptor (fileno=)")
                self.family = family
                self.type = type
                self.proto = proto
                self._timeout = None
                self._fd = _open()

            def fileno(self):
                return self._fd

            def setblocking(self, flag):
                self._timeout = None if flag else 0.0

            def getblocking(self):
                return self._timeout != 0.0

            def settimeout(self, value):
                if value is not None and value < 0:
                    raise ValueError("Timeout value out of range")
                self._timeout = None if value is None else float(value)

            def gettimeout(self):
                return self._timeout

            def setsockopt(self, level, option, value):
                _setsockopt(self._fd, level, option, value)

            def connect(self, address):
                _connect(self._fd, address, self._timeout, True)

            def connect_ex(self, address):
                return _connect(self._fd, address, self._timeout, False)

            def send(self, data, flags=0):
                if flags:
                    raise NotImplementedError("conclab's Python does not support flags to send")
                return _send(self._fd, data, self._timeout)

            def sendall(self, data, flags=0):
                if flags:
                    raise NotImplementedError("conclab's Python does not support flags to sendall")
                _sendall(self._fd, data, self._timeout)

            def recv(self, bufsize, flags=0):
                if flags:
                    raise NotImplementedError("conclab's Python does not support flags to recv")
                return _recv(self._fd, bufsize, self._timeout)

            def close(self):
                if self._fd >= 0:
                    fd = self._fd
                    self._fd = -1
                    _close(fd)

            def bind(self, address):
                _refuse("bind")

            def listen(self, backlog=0):
                _refuse("listen")

            def accept(self):
                _refuse("accept")

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.close()

            def __repr__(self):
                state = " [closed]" if self._fd < 0 else ""
                return "<socket.socket" + state + " fd=" + str(self._fd) + ", family=2, type=1, proto=" + str(self.proto) + ">"

        def create_connection(address, timeout=None):
            sock = socket()
            try:
                sock.settimeout(timeout)
                sock.connect(address)
            except BaseException:
                sock.close()
                raise
            return sock

        def gethostbyname(name):
            _refuse("looking up a host name (DNS)")

        def getaddrinfo(host, port, *args, **kwargs):
            _refuse("looking up a host name (DNS)")

        def socketpair(*args):
            _refuse("socketpair")

        def create_server(*args, **kwargs):
            _refuse("a server socket")
        """)
}

/// `select.select(rlist, wlist, xlist[, timeout])` over this run's sockets (or their descriptor numbers).
package enum SelectModule {
    package static let definition = ModuleDefinition("select", natives: [
        Builtin("_select") { ts, a throws(PyError) in
            try a.expect(4...4, ts)
            var lists: [[Int32]] = []
            for i in 0..<3 {
                let items = try ts.collect(a[i])
                defer { for v in items { ts.decref(v) } }
                var fds: [Int32] = []
                for v in items {
                    guard let n = ts.asInt(v) else { throw ts.typeError("argument must be an int, or have a fileno() method.") }
                    if n < 0 { throw ts.valueError("file descriptor cannot be a negative integer (\(n))") }
                    if n >= 1024 { throw ts.valueError("filedescriptor out of range in select()") }
                    guard ts.runtime.network.owns(Int32(n)) else { throw ts.badDescriptor() }
                    fds.append(Int32(n))
                }
                lists.append(fds)
            }
            var timeout: Int64?
            if a[3] != .none {
                guard ts.number(a[3]) != nil else { throw ts.typeError("timeout must be a float or None") }
                let ns = try TimeModule.nanoseconds(ts, of: a[3], what: "timeout")
                if ns < 0 { throw ts.valueError("timeout must be non-negative") }
                timeout = ns
            }
            let ready = try ts.select(read: lists[0], write: lists[1], timeout: timeout)
            return ts.newTuple([ts.newList(ready.read.map { .int($0) }), ts.newList(ready.write.map { .int($0) }), ts.newList([])])
        },
    ], source: """
        error = OSError

        def _fds(objects):
            fds = []
            for o in objects:
                if isinstance(o, int):
                    fds.append(o)
                elif hasattr(o, "fileno"):
                    fds.append(o.fileno())
                else:
                    raise TypeError("argument must be an int, or have a fileno() method.")
            return fds

        def select(rlist, wlist, xlist, timeout=None):
            r, w, x = list(rlist), list(wlist), list(xlist)
            ready = _select(_fds(r), _fds(w), _fds(x), timeout)
            return [r[i] for i in ready[0]], [w[i] for i in ready[1]], []
        """)
}

extension PyThreadState {
    /// An OS error as the exception CPython raises for it: `ConnectionRefusedError: [Errno 111] Connection refused`.
    package func socketError(_ e: OSError) -> PyError {
        let c = runtime.classes
        let cls: PyClass
        switch e.code {
        case .wouldBlock, .inProgress, .alreadyInProgress: cls = c.blockingIOError
        case .brokenPipe: cls = c.brokenPipeError
        case .connectionRefused: cls = c.connectionRefusedError
        case .connectionReset: cls = c.connectionResetError
        case .connectionAborted: cls = c.connectionAbortedError
        case .timedOut: cls = c.timeoutError
        case .interrupted: cls = c.interruptedError
        case .permissionDenied, .notPermitted: cls = c.permissionError
        default: cls = c.osError
        }
        let text = e.message
        return error(cls, "[Errno \(e.errno)] " + text.prefix(1).uppercased() + text.dropFirst())
    }

    func badDescriptor() -> PyError { socketError(OSError("use", .badFileDescriptor)) }

    /// A descriptor number a socket call was given, if it is one of this run's sockets.
    func ownedSocket(_ v: PyValue) throws(PyError) -> Int32 {
        guard let n = asInt(v), let fd = Int32(exactly: n), runtime.network.owns(fd) else { throw badDescriptor() }
        return fd
    }

    /// A socket's timeout: nil blocks, 0 never waits, else nanoseconds.
    func socketTimeout(_ v: PyValue) throws(PyError) -> Int64? {
        v == .none ? nil : try TimeModule.nanoseconds(self, of: v, what: "timeout")
    }

    /// `(host, port)` for AF_INET, allowed only if the command running the program opened that port on 127.0.0.1.
    func socketAddress(_ v: PyValue) throws(PyError) -> (String, UInt16) {
        guard v.isObject, v.objectKind == .tuple else { throw typeError("AF_INET address must be tuple, not \(typeName(v))") }
        let items = unsafeDowncast(v.object, to: PyTuple.self).items
        guard items.count == 2 else { throw typeError("AF_INET address must be a pair (host, port)") }
        guard let host = string(items[0]) else { throw typeError("str, bytes or bytearray expected, not \(typeName(items[0]))") }
        guard let n = asInt(items[1]) else { throw typeError("'\(typeName(items[1]))' object cannot be interpreted as an integer") }
        guard let port = UInt16(exactly: n) else { throw error(runtime.classes.overflowError, "connect(): port must be 0-65535.") }
        let allowed = runtime.network.allowedPorts
        guard host == Sockets.loopback, allowed.contains(port) else {
            let which = allowed.isEmpty ? ", and this program runs outside one ('io fetch py' runs a program beside its server)"
                                        : " (\(allowed.sorted().map { "\(Sockets.loopback):\($0)" }.joined(separator: ", ")))"
            throw error(runtime.classes.permissionError, "\(SocketModule.contained)\(which): \(host):\(port) is refused")
        }
        return (host, port)
    }

    /// Waits without the GIL until `ready` (asked once a slice, given how many milliseconds it may wait) says true,
    /// or `timeout` passes (false); a Ctrl-C or a stop request raises KeyboardInterrupt at the next slice.
    func waitSliced(timeout: Int64?, _ ready: (Int) throws(OSError) -> Bool) throws(PyError) -> Bool {
        let deadline = timeout.map { Clock.monotonicNanoseconds() + $0 }
        return try withoutGIL { () throws(PyError) -> Bool in
            while true {
                try periodicCheck()
                var slice = SocketModule.sliceMilliseconds
                if let deadline {
                    let left = deadline - Clock.monotonicNanoseconds()
                    slice = max(0, min(slice, Int((left + 999_999) / 1_000_000)))
                }
                do throws(OSError) {
                    if try ready(slice) { return true }
                } catch {
                    throw socketError(error)
                }
                if let deadline, Clock.monotonicNanoseconds() >= deadline { return false }
            }
        }
    }

    /// Waits for `fd` as a socket call with `timeout` does: nil waits for ever, 0 raises BlockingIOError (`code`),
    /// else TimeoutError when the time passes.
    func awaitSocket(_ fd: Int32, _ readiness: Readiness, timeout: Int64?, code: Errno) throws(PyError) {
        if timeout == 0 { throw socketError(OSError("use", code)) }
        let ready = try waitSliced(timeout: timeout) { (ms: Int) throws(OSError) -> Bool in
            try Descriptors.wait(fd, for: readiness, milliseconds: ms)
        }
        if !ready { throw error(runtime.classes.timeoutError, "timed out") }
    }

    /// `connect`: nil once connected, else the errno of the failure (EINPROGRESS for a non-blocking socket).
    func connect(_ fd: Int32, host: String, port: UInt16, timeout: Int64?) throws(PyError) -> OSError? {
        do throws(OSError) {
            let connected = try withoutGIL { () throws(OSError) -> Bool in try Sockets.startConnect(fd, host: host, port: port) }
            if connected { return nil }
        } catch {
            return error
        }
        if timeout == 0 { return OSError("connect to", .inProgress) }
        try awaitSocket(fd, .writable, timeout: timeout, code: .inProgress)
        do throws(OSError) {
            try Sockets.connectionResult(fd, subject: "\(host):\(port)")
            return nil
        } catch {
            return error
        }
    }

    /// One `send`: how many bytes went (waiting for room first unless the socket is non-blocking).
    func send(_ fd: Int32, _ data: [UInt8], timeout: Int64?) throws(PyError) -> Int {
        while true {
            // (`withUnsafeBytes` rethrows untyped errors: the result is carried out as a value.)
            let result = withoutGIL { data.withUnsafeBytes { raw in Result { () throws(OSError) -> Int in try Sockets.send(fd, raw) } } }
            let sent: Int
            switch result {
            case .success(let n): sent = n
            case .failure(let e): throw socketError(e)
            }
            if sent > 0 || data.isEmpty { return sent }
            try awaitSocket(fd, .writable, timeout: timeout, code: .wouldBlock)
        }
    }

    /// One `recv` of up to `max` bytes (empty at end of file), waiting for data unless the socket is non-blocking.
    func receive(_ fd: Int32, max: Int, timeout: Int64?) throws(PyError) -> [UInt8] {
        if max == 0 { return [] }
        var buffer = [UInt8](repeating: 0, count: max)
        while true {
            let result = withoutGIL { buffer.withUnsafeMutableBytes { raw in Result { () throws(OSError) -> Int? in try Sockets.receive(fd, into: raw) } } }
            let got: Int?
            switch result {
            case .success(let n): got = n
            case .failure(let e): throw socketError(e)
            }
            if let got {
                buffer.removeSubrange(got...)
                return buffer
            }
            try awaitSocket(fd, .readable, timeout: timeout, code: .wouldBlock)
        }
    }

    /// `select`: the positions in `read` and `write` that are ready, once one is or `timeout` passes.
    func select(read: [Int32], write: [Int32], timeout: Int64?) throws(PyError) -> (read: [Int], write: [Int]) {
        let entries = read.map { ($0, true, false) } + write.map { ($0, false, true) }
        var found: (read: [Int], write: [Int]) = ([], [])
        _ = try waitSliced(timeout: timeout) { (ms: Int) throws(OSError) -> Bool in
            let states = try Sockets.poll(entries, milliseconds: ms)
            found.read = read.indices.filter { states[$0].readable }
            found.write = write.indices.filter { states[read.count + $0].writable }
            return !found.read.isEmpty || !found.write.isEmpty
        }
        return found
    }
}
