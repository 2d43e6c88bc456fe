@preconcurrency import Glibc

/// One message of conclab's small framed protocol between the shell, its workers and the fork server.
///
/// On the wire: a 4-byte big-endian length, then that many bytes: a kind byte and the payload. A frame
/// can be read only whole, so a reader never acts on half a message; a length that is zero or past the
/// limit is malformed, and an end of input inside a frame is a truncated frame: both are errors, never a wait.
public struct Frame: Sendable, Equatable {
    public var kind: UInt8
    public var payload: [UInt8]

    /// The largest kind + payload a reader accepts (1 MiB): a corrupt length cannot make it allocate gigabytes.
    public static let maximumLength = 1 << 20
    public static let headerSize = 4

    public init(kind: UInt8, payload: [UInt8] = []) {
        self.kind = kind
        self.payload = payload
    }

    /// A payload of text fields separated by NUL bytes.
    public init(kind: UInt8, fields: [String]) {
        var bytes: [UInt8] = []
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(0) }
            bytes.append(contentsOf: field.utf8)
        }
        self.init(kind: kind, payload: bytes)
    }

    /// The payload as NUL-separated text fields (none for an empty payload).
    public var fields: [String] {
        guard !payload.isEmpty else { return [] }
        return payload.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The bytes to send.
    public var encoded: [UInt8] {
        let length = UInt32(1 + payload.count)
        var bytes: [UInt8] = [UInt8(truncatingIfNeeded: length >> 24), UInt8(truncatingIfNeeded: length >> 16),
                              UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length), kind]
        bytes.append(contentsOf: payload)
        return bytes
    }
}

/// What went wrong reading or writing frames. Each is final for the channel: the stream cannot be resynchronised.
public enum FrameError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A length of zero: not even a kind byte.
    case empty
    /// A length past the limit (a corrupt or hostile header).
    case tooLong(length: Int, limit: Int)
    /// The input ended inside a frame.
    case truncated(have: Int, need: Int)
    /// Nothing complete arrived in time.
    case timedOut(milliseconds: Int)
    /// The other end closed the channel.
    case closed
    case os(OSError)

    public var description: String {
        switch self {
        case .empty: return "malformed frame: length 0"
        case .tooLong(let length, let limit): return "malformed frame: length \(length) is over the limit of \(limit) bytes"
        case .truncated(let have, let need): return "truncated frame: the channel closed after \(have) of \(need) bytes"
        case .timedOut(let ms): return "no complete frame within \(ms) ms"
        case .closed: return "the channel is closed"
        case .os(let error): return error.description
        }
    }
}

/// Cuts a byte stream into frames. Pure: feed it bytes in any pieces, take whole frames out.
public struct FrameDecoder: Sendable {
    public let limit: Int
    private var buffer: [UInt8] = []
    private var start = 0

    public init(limit: Int = Frame.maximumLength) { self.limit = limit }

    /// Bytes received but not yet part of a returned frame.
    public var bufferedCount: Int { buffer.count - start }

    public mutating func feed<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole frame, nil until one is complete; throws on a malformed header.
    public mutating func next() throws(FrameError) -> Frame? {
        guard bufferedCount >= Frame.headerSize else { return nil }
        let length = (0..<4).reduce(0) { ($0 << 8) | Int(buffer[start + $1]) }
        if length == 0 { throw .empty }
        if length > limit { throw .tooLong(length: length, limit: limit) }
        guard bufferedCount >= Frame.headerSize + length else { return nil }
        let body = start + Frame.headerSize
        let frame = Frame(kind: buffer[body], payload: Array(buffer[(body + 1)..<(body + length)]))
        start = body + length
        if start > 4096 && start * 2 > buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        return frame
    }

    /// Call at end of input: throws when bytes of an unfinished frame are left.
    public func finish() throws(FrameError) {
        guard bufferedCount > 0 else { return }
        var need = Frame.headerSize
        if bufferedCount >= Frame.headerSize {
            need += (0..<4).reduce(0) { ($0 << 8) | Int(buffer[start + $1]) }
        }
        throw .truncated(have: bufferedCount, need: need)
    }
}

/// Frames over one descriptor (a socket pair end or a pipe), with timeouts from `poll`: a reader never blocks
/// longer than it asked to. Descriptors passed with SCM_RIGHTS are kept until taken. The owner closes it.
public struct FrameChannel: Sendable {
    public let fd: Int32
    private var decoder: FrameDecoder
    private var received: [Int32] = []
    private var usesRead = false
    /// The other end closed (end of input was read).
    public private(set) var isAtEnd = false

    public init(fd: Int32, limit: Int = Frame.maximumLength) {
        self.fd = fd
        decoder = FrameDecoder(limit: limit)
    }

    /// Sends one frame whole, with `descriptor` attached (SCM_RIGHTS; sockets only). Waits at most
    /// `timeoutMilliseconds` for room in the buffer. A closed peer is `.closed`: never SIGPIPE on a socket; on a
    /// pipe only where SIGPIPE is ignored (as in the shell).
    public func send(_ frame: Frame, passing descriptor: Int32? = nil, timeoutMilliseconds: Int = 10_000) throws(FrameError) {
        let bytes = frame.encoded
        let deadline = Clock.monotonicNanoseconds() + Int64(timeoutMilliseconds) * 1_000_000
        var offset = 0
        let socket = Sockets.isSocket(fd)
        if let descriptor {
            guard socket else { throw .os(OSError("pass a descriptor over", .notSocket, subject: "fd \(fd)")) }
            try wait(for: Int16(POLLOUT), until: deadline, timeout: timeoutMilliseconds)
            do { try Sockets.sendDescriptor(fd, descriptor, bytes: bytes) } catch {
                throw error.isBrokenConnection ? .closed : .os(error)
            }
            return
        }
        while offset < bytes.count {
            try wait(for: Int16(POLLOUT), until: deadline, timeout: timeoutMilliseconds)
            let outcome: Result<Int, OSError> = bytes.withUnsafeBytes { raw in
                let rest = UnsafeRawBufferPointer(rebasing: raw[offset...])
                return Result { () throws(OSError) in try socket ? Sockets.send(fd, rest) : FileDescriptor(fd).write(rest) }
            }
            let n: Int
            switch outcome {
            case .success(let count): n = count
            case .failure(let error): throw error.isBrokenConnection ? .closed : .os(error)
            }
            offset += n
        }
    }

    /// The next frame, waiting at most `timeoutMilliseconds` (nil: as long as it takes). Nil when the other end
    /// closed cleanly between frames; `.truncated` when it closed inside one.
    public mutating func receive(timeoutMilliseconds: Int?) throws(FrameError) -> Frame? {
        let deadline = timeoutMilliseconds.map { Clock.monotonicNanoseconds() + Int64($0) * 1_000_000 }
        while true {
            if let frame = try decoder.next() { return frame }
            if isAtEnd {
                try decoder.finish()
                return nil
            }
            if let deadline, let timeoutMilliseconds {
                try wait(for: Int16(POLLIN), until: deadline, timeout: timeoutMilliseconds)
            } else {
                try wait(for: Int16(POLLIN), until: nil, timeout: 0)
            }
            try readAvailable()
        }
    }

    /// Every whole frame that has already arrived, without waiting. At end of input a cut-off frame throws.
    public mutating func receiveAvailable() throws(FrameError) -> [Frame] {
        var frames: [Frame] = []
        while true {
            while let frame = try decoder.next() { frames.append(frame) }
            if isAtEnd {
                try decoder.finish()
                return frames
            }
            guard try isReadable() else { return frames }
            try readAvailable()
        }
    }

    /// The oldest descriptor received with SCM_RIGHTS and not yet taken; the caller owns it.
    public mutating func takeDescriptor() -> Int32? {
        received.isEmpty ? nil : received.removeFirst()
    }

    /// Closes the descriptor and any received descriptor nobody took.
    public mutating func close() {
        for fd in received { try? FileDescriptor(fd).close() }
        received.removeAll()
        try? FileDescriptor(fd).close()
    }

    private func isReadable() throws(FrameError) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        do throws(OSError) { return try valueOrErrno("poll") { Glibc.poll(&entry, 1, 0) } > 0 } catch { throw .os(error) }
    }

    /// Waits until the descriptor is ready for `events` or the deadline passes (then `.timedOut`).
    private func wait(for events: Int16, until deadline: Int64?, timeout: Int) throws(FrameError) {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        while true {
            var slice: Int32 = -1
            if let deadline {
                let left = deadline - Clock.monotonicNanoseconds()
                if left <= 0 { throw .timedOut(milliseconds: timeout) }
                slice = Int32(min((left + 999_999) / 1_000_000, 60_000))
            }
            let ready: Int32
            do throws(OSError) { ready = try valueOrErrno("poll") { Glibc.poll(&entry, 1, slice) } } catch { throw .os(error) }
            if ready > 0 { return }
        }
    }

    /// One read of whatever is there (call only when the descriptor is ready or at end: it may block otherwise).
    private mutating func readAvailable() throws(FrameError) {
        if !usesRead {
            do {
                let got = try Sockets.receiveDescriptors(fd, max: 16 * 1024)
                received += got.descriptors
                if got.bytes.isEmpty { isAtEnd = true } else { decoder.feed(got.bytes) }
                return
            } catch {
                switch error.errno {
                case EAGAIN: return
                case ECONNRESET: isAtEnd = true; return
                case ENOTSOCK: usesRead = true
                default: throw .os(error)
                }
            }
        }
        while true {
            do {
                let bytes = try FileDescriptor(fd).read(upTo: 16 * 1024)
                if bytes.isEmpty { isAtEnd = true } else { decoder.feed(bytes) }
                return
            } catch {
                if error.errno == EAGAIN { return }
                throw .os(error)
            }
        }
    }
}
