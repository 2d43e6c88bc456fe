import Testing
@testable import LabOS
import TestSupport

/// The retry helper, with the OS faked by a closure that fails as a call would (-1 and errno).
@Suite struct ErrnoLoopTests {
    @Test func interruptedCallsAreMadeAgain() {
        var calls = 0
        let result = valueOrErrno { () -> Int in
            calls += 1
            if calls < 3 {
                Errno.current = .interrupted
                return -1
            }
            return 42
        }
        expectEqual(result, .success(42))
        expectEqual(calls, 3)
    }

    @Test func withoutRetryTheInterruptionIsTheAnswer() {
        var calls = 0
        let result = valueOrErrno(retryOnInterrupt: false) { () -> Int32 in
            calls += 1
            Errno.current = .interrupted
            return -1
        }
        expectEqual(result, .failure(.interrupted))
        expectEqual(calls, 1)
    }

    @Test func otherErrorsAreNotRetried() {
        var calls = 0
        #expect(throws: OSError("read", .badFileDescriptor, subject: "fd 99")) {
            _ = try valueOrErrno("read", subject: "fd 99") { () -> Int in
                calls += 1
                Errno.current = .badFileDescriptor
                return -1
            }
        }
        expectEqual(calls, 1)
    }

    @Test(arguments: [(Errno.brokenPipe, "EPIPE"), (.interrupted, "EINTR"), (.wouldBlock, "EAGAIN"),
                      (.tooManyOpenFiles, "EMFILE"), (.badFileDescriptor, "EBADF"), (.noChildProcess, "ECHILD"),
                      (.noSuchProcess, "ESRCH"), (Errno(rawValue: 9999), "errno 9999")])
    func names(_ code: Errno, _ name: String) {
        expectEqual(code.name, name)
        expectEqual(OSError("x", code).name, name)
    }
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct FileDescriptorTests {
    private func pipe() throws -> (read: FileDescriptor, write: FileDescriptor) {
        let (r, w) = try System.pipe()
        return (FileDescriptor(r), FileDescriptor(w))
    }

    @Test func readExactlyStopsAtEndOfFile() throws {
        let (r, w) = try pipe()
        defer { try? r.close() }
        try w.writeAll("hello")
        try w.close()
        #expect(try r.readExactly(10) == Array("hello".utf8), "fewer bytes than asked: the writer closed")
        #expect(try r.readExactly(10) == [])
        #expect(try r.read(upTo: 10) == [])
    }

    @Test func readExactlyWaitsForEveryByte() throws {
        let (r, w) = try pipe()
        defer { try? r.close() }
        // Two writes: a single read would return after the first.
        try OSThread.detach(name: "fd-writer") {
            try? w.writeAll("abc")
            System.sleep(nanoseconds: 20_000_000)
            try? w.writeAll("def")
            try? w.close()
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 6, alignment: 1)
        defer { buffer.deallocate() }
        #expect(try r.readExactly(into: buffer) == 6)
        expectEqual(Array(buffer), Array("abcdef".utf8))
    }

    @Test(arguments: [false, true])
    func writeAllPushesALargeBufferThroughAPipe(nonBlocking: Bool) throws {
        // 4 MiB is far more than a pipe holds (64 KiB): writeAll must go on after short writes, and on a
        // non-blocking descriptor wait for room instead of failing with EAGAIN.
        let (r, w) = try pipe()
        defer { try? r.close() }
        if nonBlocking { try Descriptors.setNonBlocking(w.rawValue, true) }
        let size = 4 << 20
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let result = Locked<Result<Void, OSError>?>(nil)
        try OSThread.detach(name: "fd-writer") {
            let outcome: Result<Void, OSError>
            do throws(OSError) { try w.writeAll(bytes); outcome = .success(()) } catch { outcome = .failure(error) }
            try? w.close()
            result.withLock { $0 = outcome }
        }
        let received = try r.readExactly(size + 1)
        expectEqual(received.count, size)
        expectEqual(received, bytes)
        #expect(eventually { result.withLock { $0 } != nil })
        #expect(throws: Never.self) { try result.withLock { $0 }?.get() }
    }

    @Test func aClosedDescriptorIsNamedInTheError() throws {
        let (r, w) = try pipe()
        let high = FileDescriptor(try Descriptors.duplicate(r.rawValue, closeOnExec: true, atLeast: 900))
        try r.close()
        try w.close()
        try high.close()
        let error = try #require(throws: OSError.self) { _ = try high.read(upTo: 1) }
        expectEqual(error.code, .badFileDescriptor)
        expectEqual(error.description, "cannot read \(high): bad file descriptor (EBADF)")
        #expect(throws: OSError.self) { try high.close() }
    }

    @Test func closeAfterClosesWhenTheBodyThrows() throws {
        let (r, w) = try pipe()
        defer { try? r.close() }
        let high = FileDescriptor(try Descriptors.duplicate(w.rawValue, closeOnExec: true, atLeast: 900))
        try w.close()
        #expect(throws: OSError.self) {
            try high.closeAfter { () throws(OSError) in throw OSError("test", .ioError) }
        }
        #expect(!Descriptors.isOpen(high.rawValue))
        #expect(try r.read(upTo: 1) == [], "the last write end is closed")
    }

    @Test func aFullNonBlockingPipeTakesNothingInsteadOfFailing() throws {
        let (r, w) = try pipe()
        defer { try? r.close(); try? w.close() }
        try Descriptors.setNonBlocking(w.rawValue, true)
        let chunk = [UInt8](repeating: 7, count: 1 << 16)
        var taken = 0
        while true {
            let n = try w.write(chunk)
            if n == 0 { break }
            taken += n
        }
        #expect(taken >= 4096)
    }
}
