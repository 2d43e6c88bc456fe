@preconcurrency import Glibc
import CLabShim

/// One epoll instance: the kernel keeps the set of descriptors and says which are ready, so one thread can wait on
/// hundreds of sockets at once (what an event loop, asyncio's among them, is built on).
///
/// Not `Sendable`: one thread owns it (the loop's). The descriptor itself is the event's data, and the wait fills
/// two arrays the caller keeps, so a turn of the loop allocates nothing.
public final class EventPoll {
    /// What a descriptor is watched for, and what came back.
    public struct Events: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        // <sys/epoll.h>'s values (an enum Swift does not import from glibc): EPOLLIN, EPOLLOUT, EPOLLERR | EPOLLHUP.
        public static let readable = Events(rawValue: 0x001)
        public static let writable = Events(rawValue: 0x004)
        /// Reported whether asked for or not: an error on the descriptor, or the peer hung up.
        public static let failed = Events(rawValue: 0x008 | 0x010)
    }

    public let fd: Int32
    /// Filled by `wait`: the ready descriptors and their events, `count` of them.
    public private(set) var readyDescriptors = [Int32](repeating: 0, count: 256)
    public private(set) var readyEvents = [UInt32](repeating: 0, count: 256)

    public init() throws(OSError) {
        fd = try valueOrErrno("epoll_create1") { conclab_epoll_create() }
    }

    deinit { Glibc.close(fd) }

    public func add(_ descriptor: Int32, _ events: Events) throws(OSError) {
        _ = try valueOrErrno("epoll_ctl add", subject: "fd \(descriptor)") { conclab_epoll_control(fd, 0, descriptor, events.rawValue) }
    }

    public func modify(_ descriptor: Int32, _ events: Events) throws(OSError) {
        _ = try valueOrErrno("epoll_ctl modify", subject: "fd \(descriptor)") { conclab_epoll_control(fd, 1, descriptor, events.rawValue) }
    }

    /// Stops watching `descriptor` (closing it does so too, when no other copy of it is open).
    public func remove(_ descriptor: Int32) {
        _ = conclab_epoll_control(fd, 2, descriptor, 0)
    }

    /// Waits until a descriptor is ready or `timeoutNanoseconds` pass (nil: no limit; 0: just look). Returns how
    /// many are ready, in `readyDescriptors` and `readyEvents`; 0 on timeout or when a signal interrupted the wait.
    public func wait(timeoutNanoseconds: Int64?) throws(OSError) -> Int {
        let timeout = timeoutNanoseconds.map { Swift.max(0, $0) } ?? -1
        let n = readyDescriptors.withUnsafeMutableBufferPointer { fds in
            readyEvents.withUnsafeMutableBufferPointer { events in
                conclab_epoll_wait(fd, fds.baseAddress, events.baseAddress, Int32(fds.count), timeout)
            }
        }
        if n >= 0 { return Int(n) }
        let code = Errno.current
        if code == .interrupted { return 0 }
        throw OSError("epoll_wait", code, subject: "epoll fd \(fd)")
    }
}

extension Sockets {
    /// A blocking TCP connection to `host:port` with Nagle off, within `timeoutNanoseconds`.
    public static func connectTCP(host: String, port: UInt16, timeoutNanoseconds: Int64 = 2_000_000_000) throws(OSError) -> Int32 {
        let (fd, connected) = try startConnectTCP(host: host, port: port)
        do throws(OSError) {
            if !connected {
                var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let deadline = Clock.monotonicNanoseconds() + timeoutNanoseconds
                while true {
                    let left = deadline - Clock.monotonicNanoseconds()
                    if left <= 0 { throw OSError("connect to", errno: ETIMEDOUT, subject: "\(host):\(port)") }
                    let rc = Glibc.poll(&entry, 1, Int32(Swift.max(1, left / 1_000_000)))
                    if rc > 0 { break }
                    if rc < 0 && Errno.current != .interrupted { throw OSError("poll", Errno.current, subject: "fd \(fd)") }
                }
                try connectionResult(fd, subject: "\(host):\(port)")
            }
            try Descriptors.setNonBlocking(fd, false)
            setNoDelay(fd)
            return fd
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    /// One `recv` on a non-blocking socket: the count (0 is end of file), or nil when nothing is there yet.
    public static func receive(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(OSError) -> Int? {
        switch valueOrErrno({ Glibc.recv(fd, buffer.baseAddress, buffer.count, 0) }) {
        case .success(let n): return n
        case .failure(.wouldBlock): return nil
        case .failure(let code): throw OSError("recv", code, subject: "fd \(fd)")
        }
    }
}
