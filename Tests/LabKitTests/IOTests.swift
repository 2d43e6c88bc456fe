import LabOS
import Testing
import TestSupport
import LabCore
import LabTopics

/// The I/O topic's pure parts (the commands run against a server process: see EndToEndTests/IOTests.swift).
@Suite struct IOUnitTests {
    @Test func requestsAreSharedRoundRobin() {
        let settings = IOFetchSettings(requests: 10, clients: 3, latencyNanoseconds: 20_000_000)
        expectEqual(settings.ids(client: 0, of: 3), [0, 3, 6, 9])
        expectEqual(settings.ids(client: 2, of: 3), [2, 5, 8])
        expectEqual(settings.idealNanoseconds(clients: 3), 80_000_000)
        expectEqual(settings.idealNanoseconds(clients: 1), 200_000_000)
    }

    @Test func aClientProcessReport() {
        let report = IOWorkerReport("ready 123\nlatencies 5 6 7\ncpu 900\npss 4096\n")
        expectEqual(report.ready, 123)
        expectEqual(report.latencies, [5, 6, 7])
        expectEqual(report.pss, 4096)
        #expect(report.complete && report.error == nil)
        #expect(!IOWorkerReport("ready 123\n").complete)
        expectEqual(IOWorkerReport("error connect to 127.0.0.1:9: connection refused (ECONNREFUSED)\n").error,
                    "connect to 127.0.0.1:9: connection refused (ECONNREFUSED)")
    }

    @Test func theWireFormat() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 8)
        defer { buffer.deallocate() }
        IOWire.encode(0x0102_0304_0506_0708, into: buffer)
        expectEqual(Array(buffer), [8, 7, 6, 5, 4, 3, 2, 1])
        expectEqual(IOWire.decode(UnsafeRawBufferPointer(buffer)), 0x0102_0304_0506_0708)
    }
}
