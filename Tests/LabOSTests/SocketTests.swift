import Foundation
import Testing
import TestSupport
@testable import LabOS

@Suite struct SocketTests {
    init() { Signals.ignoreBrokenPipe() }

    @Test func controlMessageSizesMatchGlibc() {
        expectEqual(Sockets.controlMessageLength(4), 20)
        expectEqual(Sockets.controlMessageSpace(4), 24)
        expectEqual(Sockets.controlMessageLength(8), 24)
        expectEqual(Sockets.controlMessageSpace(8), 24)
        expectEqual(Sockets.controlMessageSpace(12), 32)
        expectEqual(Sockets.controlMessageLength(0), 16)
    }

    @Test func parseRightsReadsEveryDescriptorOfEveryMessage() {
        // Two SCM_RIGHTS messages: one with 7, one with 8 and 9.
        func message(_ fds: [Int32]) -> [UInt8] {
            var bytes: [UInt8] = []
            let length = Sockets.controlMessageLength(4 * fds.count)
            withUnsafeBytes(of: length) { bytes += $0 }
            withUnsafeBytes(of: Int32(1)) { bytes += $0 } // SOL_SOCKET
            withUnsafeBytes(of: Int32(1)) { bytes += $0 } // SCM_RIGHTS
            for fd in fds { withUnsafeBytes(of: fd) { bytes += $0 } }
            while bytes.count < Sockets.controlMessageSpace(4 * fds.count) { bytes.append(0) }
            return bytes
        }
        let control = message([7]) + message([8, 9])
        expectEqual(Sockets.parseRights(control, length: control.count), [7, 8, 9])
        expectEqual(Sockets.parseRights(control, length: 10), [])
        expectEqual(Sockets.parseRights([], length: 0), [])
    }

    @Test func pairIsTwoWay() throws {
        let (a, b) = try Sockets.pair()
        defer { try? FileDescriptor(a).close(); try? FileDescriptor(b).close() }
        try FileDescriptor(a).writeAll("ping")
        #expect(try FileDescriptor(b).read(upTo: 16) == Array("ping".utf8))
        try FileDescriptor(b).writeAll("pong")
        #expect(try FileDescriptor(a).read(upTo: 16) == Array("pong".utf8))
        #expect(try Descriptors.isCloseOnExec(a))
        #expect(Sockets.isSocket(a))
    }

    @Test func sendingToAClosedPeerIsEPIPE() throws {
        let (a, b) = try Sockets.pair()
        defer { try? FileDescriptor(a).close() }
        try? FileDescriptor(b).close()
        let error = try #require(throws: OSError.self) {
            _ = try Array("x".utf8).withUnsafeBytes { raw throws(OSError) in try Sockets.send(a, raw) }
        }
        expectEqual(error.name, "EPIPE")
    }

    @Test func descriptorTravelsOverSCMRights() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("conclab-scm-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try Descriptors.open(path, mode: .readWrite, closeOnExec: true)
        defer { try? FileDescriptor(file).close() }
        _ = try FileDescriptor(file).write(Array("shared offset".utf8))
        _ = try Descriptors.seek(file, to: 0, from: .start)
        let (a, b) = try Sockets.pair()
        defer { try? FileDescriptor(a).close(); try? FileDescriptor(b).close() }
        try Sockets.sendDescriptor(a, file, bytes: Array("take".utf8))
        let received = try Sockets.receiveDescriptors(b, max: 64)
        expectEqual(received.bytes, Array("take".utf8))
        let got = try #require(received.descriptors.first)
        defer { try? FileDescriptor(got).close() }
        #expect(got != file)
        #expect(try Descriptors.isCloseOnExec(got), "received with MSG_CMSG_CLOEXEC")
        // The same open file: reading through the copy moves the original's offset.
        #expect(try FileDescriptor(got).read(upTo: 6) == Array("shared".utf8))
        expectEqual(Descriptors.offset(file), 6)
        expectEqual(ProcFS.descriptorLink(got), path)
    }

    @Test func aDescriptorWithNoRoomIsReportedAsTruncated() throws {
        let (a, b) = try Sockets.pair()
        defer { try? FileDescriptor(a).close(); try? FileDescriptor(b).close() }
        let (r, w) = try System.pipe()
        defer { try? FileDescriptor(r).close(); try? FileDescriptor(w).close() }
        try Sockets.sendDescriptor(a, r, bytes: [1])
        let error = try #require(throws: OSError.self) { try Sockets.receiveDescriptors(b, max: 1, room: 0) }
        expectEqual(error.code, .messageTooLong)
        #expect(error.description.contains("truncated"))
        try Sockets.sendDescriptor(a, w, bytes: [2])
        let next = try Sockets.receiveDescriptors(b, max: 1, room: 1)
        expectEqual(next.bytes, [2])
        expectEqual(next.descriptors.count, 1)
        for fd in next.descriptors { try? FileDescriptor(fd).close() }
    }

    @Test func anEmptyMessageCannotCarryADescriptor() throws {
        let (a, b) = try Sockets.pair()
        defer { try? FileDescriptor(a).close(); try? FileDescriptor(b).close() }
        #expect(throws: OSError.self) { try Sockets.sendDescriptor(a, 0, bytes: []) }
    }

    @Test func unixListenConnectAccept() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cl-\(UUID().uuidString.prefix(8)).sock").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let listener = try Sockets.listenUnix(path: path)
        defer { try? FileDescriptor(listener).close() }
        try Descriptors.setNonBlocking(listener, true)
        #expect(try Sockets.accept(listener) == nil, "nothing waits yet")
        let client = try Sockets.connectUnix(path: path)
        defer { try? FileDescriptor(client).close() }
        let server = try #require(try Sockets.accept(listener))
        defer { try? FileDescriptor(server).close() }
        try FileDescriptor(client).writeAll("hi")
        #expect(try FileDescriptor(server).read(upTo: 8) == Array("hi".utf8))
        #expect(try Descriptors.isCloseOnExec(server))
        let again = try #require(throws: OSError.self) { try Sockets.listenUnix(path: path) }
        expectEqual(again.name, "EADDRINUSE")
        #expect(throws: OSError.self) { try Sockets.connectUnix(path: path + ".missing") }
        #expect(throws: OSError.self) { try Sockets.listenUnix(path: "/" + String(repeating: "x", count: 200)) }
    }

    @Test func tcpOnLoopback() throws {
        let (listener, port) = try Sockets.listenTCP()
        defer { try? FileDescriptor(listener).close() }
        #expect(port > 0)
        let (client, connected) = try Sockets.startConnectTCP(host: "127.0.0.1", port: port)
        defer { try? FileDescriptor(client).close() }
        if !connected {
            #expect(try Descriptors.wait(client, for: .writable, milliseconds: 5000))
            try Sockets.connectionResult(client, subject: "127.0.0.1:\(port)")
        }
        #expect(try Descriptors.wait(listener, for: .readable, milliseconds: 5000))
        let server = try #require(try Sockets.accept(listener))
        defer { try? FileDescriptor(server).close() }
        Sockets.setNoDelay(client)
        try FileDescriptor(server).writeAll("over tcp")
        #expect(try Descriptors.wait(client, for: .readable, milliseconds: 5000))
        #expect(try FileDescriptor(client).read(upTo: 64) == Array("over tcp".utf8))
    }

    @Test func refusedConnectionIsReported() throws {
        let (listener, port) = try Sockets.listenTCP()
        try? FileDescriptor(listener).close()
        let (fd, connected) = try Sockets.startConnectTCP(host: "127.0.0.1", port: port)
        defer { try? FileDescriptor(fd).close() }
        #expect(!connected)
        #expect(try Descriptors.wait(fd, for: .writable, milliseconds: 5000))
        let error = try #require(throws: OSError.self) { try Sockets.connectionResult(fd, subject: "127.0.0.1:\(port)") }
        expectEqual(error.name, "ECONNREFUSED")
    }

    @Test(arguments: [("127.0.0.1", true), ("127.8.9.10", true), ("0.0.0.0", false), ("192.168.1.2", false), ("localhost", false), ("::1", false)])
    func loopback(host: String, loopback: Bool) {
        expectEqual(Sockets.isLoopback(host), loopback)
    }

    @Test func badAddressesAreRefused() {
        #expect(throws: OSError.self) { try Sockets.listenTCP(host: "not-an-address") }
        #expect(Sockets.parseIPv4("1.2.3") == nil)
    }
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct MappedSpawnTests {
    @Test func descriptorsArriveAtTheChosenNumbersAndInheritedOnesStay() throws {
        let (r, w) = try System.pipe()
        defer { try? FileDescriptor(r).close() }
        let inherited = try Descriptors.duplicate(w, closeOnExec: false)
        let target = try #require(Descriptors.freeNumbers(1, from: 3, excluding: [w]).first)
        // The child writes through its mapped descriptor, then through the inherited one.
        let spawned = Result { try ChildProcess.spawn(.init(executable: "/bin/bash", arguments: ["-c", "echo mapped >&\(target); echo kept >&\(inherited)"],
                                                            descriptors: [.init(parent: w, child: target)])) }
        try? FileDescriptor(w).close()
        let pid: Int32
        do { pid = try spawned.get() } catch {
            try? FileDescriptor(inherited).close()
            throw error
        }
        let status = try ChildProcess.reap(pid, block: true)
        try? FileDescriptor(inherited).close()
        expectEqual(status, .exited(0))
        var text: [UInt8] = []
        while true {
            let chunk = try FileDescriptor(r).read(upTo: 256)
            if chunk.isEmpty { break }
            text += chunk
        }
        expectEqual(String(decoding: text, as: UTF8.self), "mapped\nkept\n")
    }

    @Test func aSourceThatIsAlsoATargetIsRefused() throws {
        let (r, w) = try System.pipe()
        defer { try? FileDescriptor(r).close(); try? FileDescriptor(w).close() }
        let error = try #require(throws: OSError.self) {
            try ChildProcess.spawn(.init(executable: "/bin/true", descriptors: [.init(parent: r, child: w), .init(parent: w, child: r)]))
        }
        expectEqual(error.name, "EINVAL")
    }
}
