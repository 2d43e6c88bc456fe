@preconcurrency import Glibc

/// A descriptor number as a value, and the one home of read, write and close: every other piece of conclab
/// that moves bytes through a descriptor calls these. Each call retries EINTR (through `valueOrErrno`) and names
/// the descriptor in its error: `cannot read fd 9: bad file descriptor (EBADF)`.
///
/// End of file is a result, not an error: `read` returns 0 bytes, `readExactly` fewer than asked.
/// The value does not own the descriptor; whoever opened it closes it (`close`, or `closeAfter`).
public struct FileDescriptor: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    public static let standardInput = FileDescriptor(0)
    public static let standardOutput = FileDescriptor(1)
    public static let standardError = FileDescriptor(2)

    /// `fd 7`: how errors name it.
    public var description: String { "fd \(rawValue)" }

    // MARK: reading

    /// One `read` into `buffer` (no allocation: the benchmarks' hot path). Returns the count; 0 is end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer, retryOnInterrupt: Bool = true) throws(OSError) -> Int {
        // The Result form: the error's text is built only on failure, not on every call.
        switch valueOrErrno(retryOnInterrupt: retryOnInterrupt, { Glibc.read(rawValue, buffer.baseAddress, buffer.count) }) {
        case .success(let n): return n
        case .failure(let code): throw OSError("read", code, subject: description)
        }
    }

    /// One `read` of at most `count` bytes; empty means end of file.
    public func read(upTo count: Int) throws(OSError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: max(0, count))
        var failure: OSError?
        let n = bytes.withUnsafeMutableBytes { raw -> Int in
            do throws(OSError) { return try read(into: raw) } catch { failure = error; return 0 }
        }
        if let failure { throw failure }
        bytes.removeSubrange(n...)
        return bytes
    }

    /// Reads until `buffer` is full or end of file. Returns how many bytes arrived: `buffer.count`, or fewer when
    /// the other end closed first.
    public func readExactly(into buffer: UnsafeMutableRawBufferPointer) throws(OSError) -> Int {
        var offset = 0
        while offset < buffer.count {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]))
            if n == 0 { break }
            offset += n
        }
        return offset
    }

    /// `count` bytes, or fewer when end of file came first.
    public func readExactly(_ count: Int) throws(OSError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: max(0, count))
        var failure: OSError?
        let n = bytes.withUnsafeMutableBytes { raw -> Int in
            do throws(OSError) { return try readExactly(into: raw) } catch { failure = error; return 0 }
        }
        if let failure { throw failure }
        bytes.removeSubrange(n...)
        return bytes
    }

    // MARK: writing

    /// One `write`; returns how many bytes the kernel took (a pipe or socket may take fewer). A non-blocking
    /// descriptor with no room returns 0 instead of failing with EAGAIN: would-block is a result, not an error.
    public func write(_ bytes: UnsafeRawBufferPointer, retryOnInterrupt: Bool = true) throws(OSError) -> Int {
        switch valueOrErrno(retryOnInterrupt: retryOnInterrupt, { Glibc.write(rawValue, bytes.baseAddress, bytes.count) }) {
        case .success(let n): return n
        case .failure(.wouldBlock): return 0
        case .failure(let code): throw OSError("write", code, subject: description)
        }
    }

    /// One `write` of `bytes` (see `write(_:)` for short writes and would-block).
    public func write(_ bytes: [UInt8]) throws(OSError) -> Int {
        var result: Result<Int, OSError> = .success(0)
        bytes.withUnsafeBytes { raw in
            do throws(OSError) { result = .success(try write(raw)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// Writes every byte: a short write goes on with the rest, and a non-blocking descriptor that is full is waited
    /// on (`poll`) until it has room, so this behaves the same on blocking and non-blocking descriptors.
    public func writeAll(_ bytes: UnsafeRawBufferPointer) throws(OSError) {
        var offset = 0
        while offset < bytes.count {
            let n = try write(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            if n == 0 { _ = try Descriptors.wait(rawValue, for: .writable, milliseconds: -1) }
            offset += n
        }
    }

    public func writeAll<Bytes: Sequence>(_ bytes: Bytes) throws(OSError) where Bytes.Element == UInt8 {
        var failure: OSError?
        let body = { (raw: UnsafeRawBufferPointer) in
            do throws(OSError) { try writeAll(raw) } catch { failure = error }
        }
        if bytes.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) == nil {
            Array(bytes).withUnsafeBytes(body)
        }
        if let failure { throw failure }
    }

    /// Writes the UTF-8 bytes of `text`.
    public func writeAll(_ text: String) throws(OSError) {
        try writeAll(Array(text.utf8))
    }

    // MARK: closing

    /// `close`. Never retried: on Linux the number is released even when close reports EINTR, and closing again
    /// could close a descriptor another thread has just been given. So EINTR is not reported either.
    public func close() throws(OSError) {
        if Glibc.close(rawValue) == -1 {
            let code = Errno.current
            if code != .interrupted { throw OSError("close", code, subject: description) }
        }
    }

    /// Runs `body`, then closes the descriptor, even when `body` throws (its error wins over a close error).
    public func closeAfter<R>(_ body: () throws(OSError) -> R) throws(OSError) -> R {
        let result: R
        do {
            result = try body()
        } catch {
            try? close()
            throw error
        }
        try close()
        return result
    }
}
