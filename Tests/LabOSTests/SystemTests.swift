import Foundation
import Testing
import TestSupport
import LabOS

private func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("conclab-os-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite struct OSErrorTests {
    @Test(arguments: [
        (OSError("open", errno: 2, subject: "/x"), "cannot open /x: no such file or directory (ENOENT)"),
        (OSError("open", errno: 13, subject: "/etc/shadow"), "cannot open /etc/shadow: permission denied (EACCES)"),
        (OSError("pipe2", errno: 24), "pipe2 failed: too many open files (EMFILE)"),
        (OSError("kill", errno: 3, subject: "process 99"), "cannot kill process 99: no such process (ESRCH)"),
    ])
    func descriptions(_ error: OSError, _ text: String) {
        expectEqual(error.description, text)
    }

    @Test func names() {
        expectEqual(OSError.name(of: 32), "EPIPE")
        expectEqual(OSError.name(of: 9999), "errno 9999")
        expectEqual(OSError("x", errno: 22).name, "EINVAL")
    }

    @Test func realFailureCarriesThePath() {
        #expect(throws: OSError("open", errno: 2, subject: "/nonexistent/conclab-test")) {
            try Files.readText("/nonexistent/conclab-test")
        }
    }
}

@Suite struct SignalNameTests {
    @Test(arguments: [("TERM", 15), ("SIGTERM", 15), ("term", 15), ("15", 15), ("KILL", 9), ("sigint", 2),
                      ("HUP", 1), ("USR1", 10), ("STOP", 19), ("CONT", 18), ("64", 64)] as [(String, Int32)])
    func known(_ text: String, _ number: Int32) {
        expectEqual(Signals.number(named: text), number)
    }

    @Test(arguments: ["", "SIG", "NOPE", "0", "65", "-9", "TERMS"])
    func unknown(_ text: String) {
        expectEqual(Signals.number(named: text), nil)
    }

    @Test func namesRoundTrip() {
        for n: Int32 in [1, 2, 9, 10, 15, 17, 18, 19] {
            expectEqual(Signals.number(named: Signals.name(of: n)), n)
        }
        expectEqual(Signals.name(of: 40), "40")
    }
}

@Suite struct FilesTests {
    @Test func writeAtomicallyThenRead() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/state.txt"
        try Files.writeAtomically(path, "hello\nwörld\n")
        #expect(try Files.readText(path) == "hello\nwörld\n")
        try Files.writeAtomically(path, "shorter")
        #expect(try Files.readText(path) == "shorter")
        expectEqual(Files.list(directory), ["state.txt"], "no temporary file is left behind")
        #expect(Files.exists(path))
        #expect(!Files.isDirectory(path))
    }

    @Test func writeIntoAMissingDirectoryFails() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            try Files.writeAtomically(directory + "/missing/file", "x")
            Issue.record("writing into a missing directory should fail")
        } catch {
            expectEqual(error.code, .noSuchFileOrDirectory)
            #expect(error.description.hasPrefix("cannot open \(directory)/missing/file"))
        }
    }

    @Test func makeDirectoriesAndList() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Files.makeDirectories(directory + "/a/b/c")
        try Files.makeDirectories(directory + "/a/b/c")
        #expect(Files.isDirectory(directory + "/a/b/c"))
        try Files.writeAtomically(directory + "/a/z.txt", "")
        expectEqual(Files.list(directory + "/a"), ["b/", "z.txt"])
        expectEqual(Files.list(directory + "/nope"), [])
        #expect(!Files.exists(directory + "/nope"))
    }

    @Test func stateDirectoryEndsInConclab() {
        #expect(Files.stateDirectory.hasSuffix("/conclab"))
        #expect(!Files.homeDirectory.isEmpty)
    }
}

@Suite struct PipeTests {
    @Test func writeThenRead() throws {
        let (readEnd, writeEnd) = try System.pipe()
        defer { try? FileDescriptor(readEnd).close() }
        #expect(readEnd >= 0 && writeEnd >= 0 && readEnd != writeEnd)
        try FileDescriptor(writeEnd).writeAll("ping ✓")
        #expect(try FileDescriptor(readEnd).read(upTo: 100) == Array("ping ✓".utf8))
        try? FileDescriptor(writeEnd).close()
        #expect(try FileDescriptor(readEnd).read(upTo: 100) == [], "end of file once the write end is closed")
    }

    @Test func closedDescriptorGivesEBADF() throws {
        // Tests run in parallel: a low number freed here may be reused by another test at once. The kernel hands
        // out the lowest free number, so a copy far above the others stays unused once closed.
        let (readEnd, writeEnd) = try System.pipe()
        let high = try Descriptors.duplicate(readEnd, closeOnExec: true, atLeast: 900)
        try? FileDescriptor(readEnd).close()
        try? FileDescriptor(writeEnd).close()
        try? FileDescriptor(high).close()
        do {
            _ = try FileDescriptor(high).read(upTo: 1)
            Issue.record("reading a closed descriptor should fail")
        } catch {
            expectEqual(error.name, "EBADF")
        }
    }

    @Test func basicFacts() {
        #expect(System.processID > 0)
        #expect(System.pageSize >= 4096)
        #expect(System.numberOfCPUs >= 1)
        expectEqual(System.executablePath()?.hasPrefix("/"), true)
        #expect(System.threadID > 0)
    }
}

@Suite struct ResourceUsageTests {
    @Test func arithmetic() {
        let a = ResourceUsage(userNanoseconds: 5, systemNanoseconds: 7, voluntarySwitches: 2, involuntarySwitches: 1, maxRSSBytes: 10)
        let b = ResourceUsage(userNanoseconds: 1, systemNanoseconds: 2, voluntarySwitches: 1, involuntarySwitches: 1, maxRSSBytes: 30)
        #expect(a + b == ResourceUsage(userNanoseconds: 6, systemNanoseconds: 9, voluntarySwitches: 3,
                                       involuntarySwitches: 2, maxRSSBytes: 30))
        expectEqual((a - b).userNanoseconds, 4)
        #expect(ResourceUsage.current(.process).maxRSSBytes > 0)
    }
}
