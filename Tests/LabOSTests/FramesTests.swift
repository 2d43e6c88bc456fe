import Testing
import TestSupport
@testable import LabOS

/// The framed protocol: whole frames out of any split of the bytes; a malformed or cut-off frame is an error,
/// and a reader waiting for one never waits longer than it asked.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct FramesTests {
    private static let sample = [Frame(kind: 1, fields: ["4242", "spawn"]), Frame(kind: 2), Frame(kind: 9, payload: Array(repeating: 7, count: 3000))]

    @Test func encodingIsLengthThenKindThenPayload() {
        expectEqual(Frame(kind: 5, payload: [0xAA, 0xBB]).encoded, [0, 0, 0, 3, 5, 0xAA, 0xBB])
        expectEqual(Frame(kind: 1).encoded, [0, 0, 0, 1, 1])
    }

    @Test(arguments: [[String](), ["one"], ["a", "", "b c"], ["ünïcode", "x"]])
    func fieldsRoundTrip(fields: [String]) {
        expectEqual(Frame(kind: 3, fields: fields).fields, fields)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 7, 64, 1000, 100_000])
    func anySplitGivesTheSameFrames(pieceSize: Int) throws {
        let bytes = Self.sample.flatMap(\.encoded)
        var decoder = FrameDecoder()
        var frames: [Frame] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + pieceSize)
            decoder.feed(bytes[offset..<end])
            while let frame = try decoder.next() { frames.append(frame) }
            offset = end
        }
        try decoder.finish()
        expectEqual(frames, Self.sample)
        expectEqual(decoder.bufferedCount, 0)
    }

    @Test func zeroLengthIsMalformed() {
        var decoder = FrameDecoder()
        decoder.feed([0, 0, 0, 0, 1])
        #expect(throws: FrameError.empty) { _ = try decoder.next() }
    }

    @Test func lengthPastTheLimitIsMalformedBeforeAnyPayloadArrives() {
        var decoder = FrameDecoder(limit: 100)
        decoder.feed([0, 0, 0, 101])
        #expect(throws: FrameError.tooLong(length: 101, limit: 100)) { _ = try decoder.next() }
        var hostile = FrameDecoder()
        hostile.feed([0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: FrameError.tooLong(length: 0xFFFF_FFFF, limit: Frame.maximumLength)) { _ = try hostile.next() }
    }

    @Test func endOfInputInsideAFrameIsTruncation() throws {
        var decoder = FrameDecoder()
        decoder.feed([0, 0, 0, 10, 1, 2, 3])
        let none = try decoder.next()
        expectEqual(none, nil)
        #expect(throws: FrameError.truncated(have: 7, need: 14)) { try decoder.finish() }
        var header = FrameDecoder()
        header.feed([0, 0])
        #expect(throws: FrameError.truncated(have: 2, need: 4)) { try header.finish() }
    }

    @Test func errorsReadAsSentences() {
        expectEqual(FrameError.truncated(have: 3, need: 10).description, "truncated frame: the channel closed after 3 of 10 bytes")
        expectEqual(FrameError.timedOut(milliseconds: 50).description, "no complete frame within 50 ms")
    }

    // MARK: over real descriptors

    /// A socket pair, closed afterwards whatever happens.
    private func withPair(_ body: (inout FrameChannel, inout FrameChannel) throws -> Void) throws {
        let (a, b) = try Sockets.pair()
        var left = FrameChannel(fd: a)
        var right = FrameChannel(fd: b)
        defer {
            left.close()
            right.close()
        }
        try body(&left, &right)
    }

    @Test func framesCrossASocketPair() throws {
        try withPair { left, right in
            for frame in Self.sample { try left.send(frame) }
            var got: [Frame] = []
            while got.count < Self.sample.count, let frame = try right.receive(timeoutMilliseconds: 5_000) { got.append(frame) }
            expectEqual(got, Self.sample)
        }
    }

    @Test func waitingForAFrameTimesOut() throws {
        try withPair { left, right in
            var reader = right
            #expect(throws: FrameError.timedOut(milliseconds: 30)) { _ = try reader.receive(timeoutMilliseconds: 30) }
            // Half a frame does not count as a frame either.
            let half = Array(Frame(kind: 1, fields: ["x"]).encoded.prefix(3))
            try FileDescriptor(left.fd).writeAll(half)
            #expect(throws: FrameError.timedOut(milliseconds: 30)) { _ = try reader.receive(timeoutMilliseconds: 30) }
            let available = try reader.receiveAvailable()
            #expect(available.isEmpty)
        }
    }

    @Test func cleanCloseBetweenFramesIsTheEnd() throws {
        let (a, b) = try Sockets.pair()
        var reader = FrameChannel(fd: b)
        defer { reader.close() }
        var writer = FrameChannel(fd: a)
        try writer.send(Frame(kind: 4))
        writer.close()
        let first = try reader.receive(timeoutMilliseconds: 5_000)
        let second = try reader.receive(timeoutMilliseconds: 5_000)
        expectEqual(first, Frame(kind: 4))
        expectEqual(second, nil)
        #expect(reader.isAtEnd)
    }

    @Test func closeInsideAFrameIsAnErrorNotAHang() throws {
        let (a, b) = try Sockets.pair()
        var reader = FrameChannel(fd: b)
        defer { reader.close() }
        try FileDescriptor(a).writeAll([0, 0, 0, 50, 1, 2])
        try? FileDescriptor(a).close()
        #expect(throws: FrameError.truncated(have: 6, need: 54)) { _ = try reader.receive(timeoutMilliseconds: 5_000) }
    }

    @Test func malformedHeaderOnTheWireIsAnError() throws {
        try withPair { left, right in
            try FileDescriptor(left.fd).writeAll([0x7F, 0xFF, 0xFF, 0xFF, 1])
            var reader = right
            #expect(throws: FrameError.tooLong(length: 0x7FFF_FFFF, limit: Frame.maximumLength)) {
                _ = try reader.receive(timeoutMilliseconds: 5_000)
            }
        }
    }

    @Test func sendingToAClosedPeerIsClosedNotSIGPIPE() throws {
        let (a, b) = try Sockets.pair()
        try? FileDescriptor(b).close()
        var writer = FrameChannel(fd: a)
        defer { writer.close() }
        #expect(throws: FrameError.closed) { try writer.send(Frame(kind: 1, payload: Array(repeating: 1, count: 100))) }
    }

    @Test func aDescriptorTravelsWithItsFrame() throws {
        try withPair { left, right in
            let pipe = try System.pipe()
            defer { try? FileDescriptor(pipe.read).close() }
            try left.send(Frame(kind: 10, fields: ["spawn"]), passing: pipe.write)
            try? FileDescriptor(pipe.write).close()
            let frame = try right.receive(timeoutMilliseconds: 5_000)
            expectEqual(frame, Frame(kind: 10, fields: ["spawn"]))
            let taken = right.takeDescriptor()
            let received = try #require(taken)
            defer { try? FileDescriptor(received).close() }
            let another = right.takeDescriptor()
            expectEqual(another, nil)
            // The received descriptor is the pipe's write end: what goes in comes out of the read end.
            try FileDescriptor(received).writeAll("through")
            #expect(try FileDescriptor(pipe.read).read(upTo: 16) == Array("through".utf8))
        }
    }

    @Test func framesCrossAPipeToo() throws {
        let pipe = try System.pipe()
        var writer = FrameChannel(fd: pipe.write)
        var reader = FrameChannel(fd: pipe.read)
        defer { reader.close() }
        for frame in Self.sample { try writer.send(frame) }
        writer.close()
        var got: [Frame] = []
        while let frame = try reader.receive(timeoutMilliseconds: 5_000) { got.append(frame) }
        expectEqual(got, Self.sample)
    }
}
