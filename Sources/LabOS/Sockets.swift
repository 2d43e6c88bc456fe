@preconcurrency import Glibc
import CLabShim

/// Sockets: pairs, Unix-domain and TCP listeners and connections, and passing descriptors with SCM_RIGHTS.
/// Every socket is created close-on-exec; TCP binds to 127.0.0.1 unless the caller names another address.
public enum Sockets {
    /// The loopback address TCP binds to by default.
    public static let loopback = "127.0.0.1"

    private static var streamType: Int32 { Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) }

    /// A connected pair of Unix stream sockets: each end can send and receive.
    public static func pair() throws(OSError) -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        _ = try valueOrErrno("socketpair") { socketpair(AF_UNIX, streamType, 0, &fds) }
        return (fds[0], fds[1])
    }

    /// A socket pair for talking to a child: `start` starts the child with one end, which is closed here afterwards
    /// (the child has its copy); the other end comes back with what `start` returned, or is closed if it threw.
    public static func pairForChild<R>(_ start: (_ childEnd: Int32) throws -> R) throws -> (mine: Int32, started: R) {
        let (mine, theirs) = try pair()
        defer { try? FileDescriptor(theirs).close() }
        do {
            return (mine, try start(theirs))
        } catch {
            try? FileDescriptor(mine).close()
            throw error
        }
    }

    // MARK: Unix-domain

    private static func unixAddress(_ path: String) throws(OSError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity else { throw OSError("use socket path", errno: ENAMETOOLONG, subject: path) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    /// A listening Unix stream socket bound to `path` (which must not exist yet).
    public static func listenUnix(path: String, backlog: Int32 = 16) throws(OSError) -> Int32 {
        var address = try unixAddress(path)
        let fd = try valueOrErrno("create socket for", subject: path) { socket(AF_UNIX, streamType, 0) }
        do {
            _ = try valueOrErrno("bind", subject: path) {
                withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
            }
            _ = try valueOrErrno("listen on", subject: path) { listen(fd, backlog) }
        } catch {
            try? FileDescriptor(fd).close()
            throw error
        }
        return fd
    }

    /// A Unix stream socket connected to the listener at `path`.
    public static func connectUnix(path: String) throws(OSError) -> Int32 {
        var address = try unixAddress(path)
        let fd = try valueOrErrno("create socket for", subject: path) { socket(AF_UNIX, streamType, 0) }
        do {
            _ = try valueOrErrno("connect to", subject: path) {
                withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
            }
        } catch {
            try? FileDescriptor(fd).close()
            throw error
        }
        return fd
    }

    // MARK: TCP over IPv4

    /// `"127.0.0.1"` → its address, or nil when the text is not a dotted IPv4 address.
    public static func parseIPv4(_ host: String) -> in_addr? {
        var address = in_addr()
        return inet_pton(AF_INET, host, &address) == 1 ? address : nil
    }

    /// Whether `host` is an IPv4 loopback address (127.0.0.0/8).
    public static func isLoopback(_ host: String) -> Bool {
        guard let address = parseIPv4(host) else { return false }
        return UInt32(bigEndian: address.s_addr) >> 24 == 127
    }

    private static func inetAddress(_ host: String, _ port: UInt16) throws(OSError) -> sockaddr_in {
        guard let ip = parseIPv4(host) else { throw OSError("use address", errno: EINVAL, subject: host) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr = ip
        return address
    }

    /// A listening TCP socket on `host:port` (port 0: the kernel picks one). Returns the socket and its port.
    public static func listenTCP(host: String = loopback, port: UInt16 = 0, backlog: Int32 = 16) throws(OSError) -> (fd: Int32, port: UInt16) {
        var address = try inetAddress(host, port)
        let subject = "\(host):\(port)"
        let fd = try valueOrErrno("create socket for", subject: subject) { socket(AF_INET, streamType, 0) }
        do {
            var one: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            _ = try valueOrErrno("bind", subject: subject) {
                withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            }
            _ = try valueOrErrno("listen on", subject: subject) { listen(fd, backlog) }
            return (fd, try localPort(fd))
        } catch {
            try? FileDescriptor(fd).close()
            throw error
        }
    }

    /// Starts connecting a TCP socket to `host:port` without blocking. `connected` is false while the handshake
    /// is in progress: wait for the socket to become writable, then call `connectionResult`.
    public static func startConnectTCP(host: String, port: UInt16) throws(OSError) -> (fd: Int32, connected: Bool) {
        let fd = try tcpSocket(subject: "\(host):\(port)")
        do throws(OSError) {
            return (fd, try startConnect(fd, host: host, port: port))
        } catch {
            try? FileDescriptor(fd).close()
            throw error
        }
    }

    /// A TCP socket over IPv4, non-blocking and close-on-exec, not connected yet.
    public static func tcpSocket(subject: String = "TCP") throws(OSError) -> Int32 {
        try valueOrErrno("create socket for", subject: subject) { socket(AF_INET, streamType | Int32(SOCK_NONBLOCK.rawValue), 0) }
    }

    /// `connect` on a non-blocking TCP socket: true when connected at once, false while the handshake is in
    /// progress (wait for writability, then `connectionResult`); any other failure (EALREADY, EISCONN,
    /// ECONNREFUSED …) is thrown.
    public static func startConnect(_ fd: Int32, host: String, port: UInt16) throws(OSError) -> Bool {
        var address = try inetAddress(host, port)
        let rc = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        if rc == 0 { return true }
        let code = Glibc.errno
        if code == EINPROGRESS || code == EINTR { return false }
        throw OSError("connect to", errno: code, subject: "\(host):\(port)")
    }

    /// After `startConnectTCP` and writability: throws the connection's error (ECONNREFUSED …), if any.
    public static func connectionResult(_ fd: Int32, subject: String) throws(OSError) {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = try valueOrErrno("connect to", subject: subject) { getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) }
        if code != 0 { throw OSError("connect to", errno: code, subject: subject) }
    }

    /// The local port a TCP socket is bound to.
    public static func localPort(_ fd: Int32) throws(OSError) -> UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = try valueOrErrno("getsockname") {
            withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getsockname(fd, $0, &length) } }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Turns off Nagle's algorithm: small messages leave at once (what a ping-pong needs).
    public static func setNoDelay(_ fd: Int32, _ on: Bool = true) {
        var value: Int32 = on ? 1 : 0
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Waits up to `milliseconds` (0: just look) for any of `entries` to be ready, as select() does: for each, whether
    /// it is readable, writable, or failed (an error, a hang-up: the next call on it says which). A signal ends the
    /// wait early with nothing ready; a descriptor that is not open is EBADF.
    public static func poll(_ entries: [(fd: Int32, read: Bool, write: Bool)], milliseconds: Int) throws(OSError)
        -> [(readable: Bool, writable: Bool, failed: Bool)] {
        var table = entries.map { e in
            pollfd(fd: e.fd, events: Int16((e.read ? POLLIN : 0) | (e.write ? POLLOUT : 0)), revents: 0)
        }
        let n = table.withUnsafeMutableBufferPointer { Glibc.poll($0.baseAddress, nfds_t($0.count), Int32(clamping: milliseconds)) }
        if n < 0 {
            if Errno.current == .interrupted { return entries.map { _ in (false, false, false) } }
            throw OSError("poll", Errno.current)
        }
        if let bad = table.first(where: { $0.revents & Int16(POLLNVAL) != 0 }) { throw OSError("poll", errno: EBADF, subject: "fd \(bad.fd)") }
        return table.map { p in
            (p.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0, p.revents & Int16(POLLOUT | POLLERR) != 0, p.revents & Int16(POLLERR | POLLHUP) != 0)
        }
    }

    /// Accepts one waiting connection, close-on-exec (and non-blocking when asked). Nil when none is waiting on a
    /// non-blocking listener.
    public static func accept(_ fd: Int32, nonBlocking: Bool = false) throws(OSError) -> Int32? {
        while true {
            switch valueOrErrno({ conclab_accept_cloexec(fd, nonBlocking ? 1 : 0) }) {
            case .success(let client): return client
            case .failure(.connectionAborted): continue   // that client gave up while waiting: take the next
            case .failure(.wouldBlock): return nil
            case .failure(let code): throw OSError("accept on", code, subject: "fd \(fd)")
            }
        }
    }

    /// `send` with MSG_NOSIGNAL: a closed peer gives EPIPE, never SIGPIPE. Returns 0 when a non-blocking socket is full.
    public static func send(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(OSError) -> Int {
        switch valueOrErrno({ Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }) {
        case .success(let n): return n
        case .failure(.wouldBlock): return 0
        case .failure(let code): throw OSError("send", code, subject: "fd \(fd)")
        }
    }

    /// Whether `fd` is a socket (so `send` applies rather than `write`).
    public static func isSocket(_ fd: Int32) -> Bool {
        var st = stat()
        return fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFSOCK
    }

    // MARK: SCM_RIGHTS

    /// glibc's CMSG_ALIGN: control messages are padded to the size of `size_t`.
    static func controlAlign(_ length: Int) -> Int {
        let word = MemoryLayout<Int>.size
        return (length + word - 1) & ~(word - 1)
    }

    /// The size of `struct cmsghdr` (len, level, type), padded.
    static var controlHeaderSize: Int { controlAlign(MemoryLayout<cmsghdr>.size) }

    /// CMSG_LEN(n): the `cmsg_len` of a control message carrying `n` bytes (the macro is not imported into Swift).
    public static func controlMessageLength(_ dataBytes: Int) -> Int { controlHeaderSize + dataBytes }

    /// CMSG_SPACE(n): the buffer room one control message with `n` bytes of data takes, padding included.
    public static func controlMessageSpace(_ dataBytes: Int) -> Int { controlHeaderSize + controlAlign(dataBytes) }

    /// MSG_CMSG_CLOEXEC: received descriptors are close-on-exec from birth.
    static let receiveCloseOnExec: Int32 = 0x4000_0000

    /// Sends `bytes` (at least one) on a Unix socket with `descriptor` attached as SCM_RIGHTS. The receiver gets a
    /// new descriptor, usually with another number, for the same open file.
    public static func sendDescriptor(_ socket: Int32, _ descriptor: Int32, bytes: [UInt8]) throws(OSError) {
        guard !bytes.isEmpty else { throw OSError("send a descriptor over", errno: EINVAL, subject: "fd \(socket)") }
        let space = controlMessageSpace(MemoryLayout<Int32>.size)
        var control = [UInt8](repeating: 0, count: space)
        var payload = bytes
        let sent: Int = control.withUnsafeMutableBytes { controlRaw in
            let header = controlRaw.baseAddress!.assumingMemoryBound(to: cmsghdr.self)
            header.pointee.cmsg_len = Int(controlMessageLength(MemoryLayout<Int32>.size))
            header.pointee.cmsg_level = SOL_SOCKET
            header.pointee.cmsg_type = Int32(SCM_RIGHTS)
            controlRaw.storeBytes(of: descriptor, toByteOffset: controlHeaderSize, as: Int32.self)
            return payload.withUnsafeMutableBytes { payloadRaw in
                withMessage(payloadRaw, controlRaw) { sendmsg(socket, &$0, Int32(MSG_NOSIGNAL)) }
            }
        }
        if sent < 0 { throw OSError("send a descriptor over", errno: Glibc.errno, subject: "fd \(socket)") }
        if sent < bytes.count {
            // The descriptor went with the first byte; the rest is plain data.
            try FileDescriptor(socket).writeAll(bytes[sent...])
        }
    }

    /// Calls `transfer` (a sendmsg or recvmsg) with a message of one data buffer and a control buffer, again while
    /// a signal interrupts it (EINTR); its result is the call's.
    private static func withMessage(_ data: UnsafeMutableRawBufferPointer, _ control: UnsafeMutableRawBufferPointer,
                                    _ transfer: (inout msghdr) -> Int) -> Int {
        var vector = iovec(iov_base: data.baseAddress, iov_len: data.count)
        return withUnsafeMutablePointer(to: &vector) { vectorPointer in
            var message = msghdr()
            message.msg_iov = vectorPointer
            message.msg_iovlen = 1
            message.msg_control = control.baseAddress
            message.msg_controllen = control.count
            switch valueOrErrno({ transfer(&message) }) {
            case .success(let n): return n
            case .failure: return -1   // errno still holds the code
            }
        }
    }

    /// What `receiveDescriptors` got: the bytes, and the descriptors that came with them (close-on-exec).
    public struct Received: Sendable, Equatable {
        public var bytes: [UInt8]
        public var descriptors: [Int32]
    }

    /// One `recvmsg` of up to `max` bytes with room for `room` descriptors (0: none), received with MSG_CMSG_CLOEXEC.
    /// If the kernel had to drop descriptors for lack of room (MSG_CTRUNC), the ones that did arrive are closed
    /// and the call fails with EMSGSIZE. Empty bytes mean end of file.
    public static func receiveDescriptors(_ socket: Int32, max: Int, room: Int = 4) throws(OSError) -> Received {
        var control = [UInt8](repeating: 0, count: room > 0 ? controlMessageSpace(MemoryLayout<Int32>.size * room) : 0)
        var buffer = [UInt8](repeating: 0, count: Swift.max(1, max))
        var flags: Int32 = 0
        var controlUsed = 0
        let n: Int = buffer.withUnsafeMutableBytes { bufferRaw in
            control.withUnsafeMutableBytes { controlRaw in
                withMessage(bufferRaw, controlRaw) { message in
                    let n = recvmsg(socket, &message, receiveCloseOnExec)
                    flags = message.msg_flags
                    controlUsed = Int(message.msg_controllen)
                    return n
                }
            }
        }
        if n < 0 { throw OSError("receive on", errno: Glibc.errno, subject: "fd \(socket)") }
        let descriptors = parseRights(control, length: controlUsed)
        if flags & Int32(MSG_CTRUNC) != 0 {
            for fd in descriptors { try? FileDescriptor(fd).close() }
            throw OSError("receive descriptors on", errno: EMSGSIZE, subject: "fd \(socket) (control data truncated)")
        }
        buffer.removeSubrange(n...)
        return Received(bytes: buffer, descriptors: descriptors)
    }

    /// The descriptors in the SCM_RIGHTS messages of a control buffer (pure: tests feed it bytes).
    static func parseRights(_ control: [UInt8], length: Int) -> [Int32] {
        var result: [Int32] = []
        var offset = 0
        let end = min(length, control.count)
        let headerSize = MemoryLayout<cmsghdr>.size
        while offset + headerSize <= end {
            let (messageLength, level, type) = control.withUnsafeBytes { raw in
                (raw.loadUnaligned(fromByteOffset: offset, as: Int.self),
                 raw.loadUnaligned(fromByteOffset: offset + MemoryLayout<Int>.size, as: Int32.self),
                 raw.loadUnaligned(fromByteOffset: offset + MemoryLayout<Int>.size + 4, as: Int32.self))
            }
            guard messageLength >= controlHeaderSize, offset + messageLength <= end else { break }
            if level == SOL_SOCKET && type == Int32(SCM_RIGHTS) {
                var data = offset + controlHeaderSize
                while data + 4 <= offset + messageLength {
                    result.append(control.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: data, as: Int32.self) })
                    data += 4
                }
            }
            offset += controlAlign(messageLength)
        }
        return result
    }
}

extension OSError {
    /// EPIPE or ECONNRESET: the other end of a pipe or socket is gone.
    public var isBrokenConnection: Bool { errno == EPIPE || errno == ECONNRESET }
    /// EMFILE: no descriptor number is free below the soft limit.
    public var isTooManyOpenFiles: Bool { errno == EMFILE }
    /// EAGAIN / EWOULDBLOCK: a non-blocking descriptor has nothing to give or no room.
    public var wouldBlock: Bool { errno == EAGAIN || errno == EWOULDBLOCK }
}
