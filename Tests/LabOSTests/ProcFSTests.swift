import Foundation
import Testing
import TestSupport
@testable import LabOS

private let kB: Int64 = 1024

private let statusFixture = """
    Name:\tconclab
    Umask:\t0022
    State:\tS (sleeping)
    Tgid:\t4242
    Pid:\t4242
    PPid:\t1
    VmPeak:\t  200000 kB
    VmSize:\t  150000 kB
    VmHWM:\t   20000 kB
    VmRSS:\t   18000 kB
    Threads:\t4
    SigQ:\t0/63432
    Cpus_allowed_list:\t0-7

    """

private let smapsFixture = """
    55d4c0a00000-7ffd1c1f5000 ---p 00000000 00:00 0                          [rollup]
    Rss:               12345 kB
    Pss:                6789 kB
    Pss_Anon:           1000 kB
    Shared_Clean:       2000 kB

    """

/// A made-up /proc tree in a temporary directory.
private func withFixtureRoot(_ files: [String: String], _ body: (String) throws -> Void) throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("conclab-proc-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    for (path, text) in files {
        let full = root + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
    }
    try body(root)
}

@Suite struct ProcFSTests {
    @Test func statWithSpacesAndParenthesesInTheCommand() throws {
        let text = "4242 (a b) c)) R 1 4242 4242 0 -1 4194560 150 0 0 0 37 12 0 0 20 0 1 0 987654 12345678 321 "
            + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0\n"
        let stat = try #require(ProcFS.parseStat(text))
        expectEqual(stat.pid, 4242)
        expectEqual(stat.command, "a b) c)")
        expectEqual(stat.state, .running)
        expectEqual(stat.state.description, "running")
        expectEqual(stat.parentPID, 1)
        expectEqual(stat.processGroup, 4242)
        expectEqual(stat.userTicks, 37)
        expectEqual(stat.systemTicks, 12)
        expectEqual(stat.rssPages, 321)
    }

    @Test func statWithAnOpeningParenthesisInTheCommand() throws {
        let text = "7 ((x) S 3 7 7 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 100 2000 30"
        let stat = try #require(ProcFS.parseStat(text))
        expectEqual(stat.command, "(x")
        expectEqual(stat.parentPID, 3)
        expectEqual(stat.rssPages, 30)
    }

    @Test(arguments: ["", "garbage", "123 (x) S 1", "abc (x) S 1 1 1 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 100 2000 30",
                      "12 x) S", "12 (x S 1"])
    func statRejectsGarbage(_ text: String) {
        expectEqual(ProcFS.parseStat(text), nil)
    }

    @Test func machineCPUCountsBusyColumnsOnly() throws {
        // user nice system idle iowait irq softirq steal guest guest_nice: guest is inside user already.
        let text = "cpu  100 5 50 1000 20 3 2 10 40 0\ncpu0 50 2 25 500 10 1 1 5 20 0\nintr 12345\n"
        let cpu = try #require(ProcFS.parseMachineCPU(text))
        expectEqual(cpu.totalTicks, 100 + 5 + 50 + 1000 + 20 + 3 + 2 + 10)
        expectEqual(cpu.busyTicks, 100 + 5 + 50 + 3 + 2 + 10)
        expectEqual(ProcFS.parseMachineCPU("cpu0 1 2 3 4\n"), nil)
        expectEqual(ProcFS.parseMachineCPU("cpu  1 2\n"), nil)
        // The real file reads and only grows.
        let first = try #require(ProcFS.machineCPU())
        var x: UInt64 = 1
        for i in 0..<2_000_000 { x = x &* 31 &+ UInt64(i) }
        let second = try #require(ProcFS.machineCPU())
        #expect(x != 0)
        #expect(second.totalTicks >= first.totalTicks && second.busyTicks >= first.busyTicks)
    }

    @Test(arguments: [("R", "running"), ("S", "sleeping"), ("D", "disk-wait"), ("T", "stopped"), ("t", "stopped"),
                      ("Z", "zombie"), ("X", "dead"), ("I", "idle"), ("W", "W")] as [(Character, String)])
    func stateNames(_ letter: Character, _ name: String) {
        expectEqual(ProcessState(letter: letter).description, name)
        expectEqual(ProcessState(letter: letter).hasEnded, (letter == "Z" || letter == "X"))
    }

    @Test func signalMasksAreHexBitsets() throws {
        let text = "Name:\tsleep\nSigQ:\t0/31615\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n"
            + "SigBlk:\t0000000000010002\nSigIgn:\t0000000000001000\nSigCgt:\t0000000180000000\n"
        let masks = try #require(ProcFS.parseSignalMasks(text))
        #expect(masks.blocked == [2, 17])   // SIGINT, SIGCHLD
        #expect(masks.ignored == [13])      // SIGPIPE
        expectEqual(masks.caught, [32, 33])
        expectEqual(ProcFS.parseSignalMasks("Name:\tx\n"), nil)
        #expect(ProcFS.signalMasks() != nil)
    }

    @Test func ownStat() throws {
        let stat = try #require(ProcFS.stat(pid: System.processID))
        expectEqual(stat.pid, System.processID)
        expectEqual(stat.parentPID, System.parentProcessID)
        #expect(stat.rssPages > 0)
        expectEqual(ProcFS.stat(pid: -5), nil)
    }

    @Test func statusKeyValues() {
        let values = ProcFS.parseKeyValues(statusFixture)
        expectEqual(values["VmRSS"], 18000 * kB)
        expectEqual(values["VmHWM"], 20000 * kB)
        expectEqual(values["VmSize"], 150000 * kB)
        expectEqual(values["Threads"], 4)
        expectEqual(values["PPid"], 1)
        expectEqual(values["Name"], nil)
        expectEqual(values["State"], nil)
        expectEqual(values["SigQ"], nil)
    }

    @Test func smapsRollupKeyValues() {
        let values = ProcFS.parseKeyValues(smapsFixture)
        expectEqual(values["Pss"], 6789 * kB)
        expectEqual(values["Rss"], 12345 * kB)
        expectEqual(values["Pss_Anon"], 1000 * kB)
    }

    @Test func memoryFromAFixtureTree() throws {
        try withFixtureRoot(["77/status": statusFixture, "77/smaps_rollup": smapsFixture, "78/status": statusFixture]) { root in
            let memory = try ProcFS.memory(pid: 77, root: root)
            expectEqual(memory.rssBytes, 18000 * kB)
            expectEqual(memory.peakRSSBytes, 20000 * kB)
            expectEqual(memory.virtualBytes, 150000 * kB)
            expectEqual(memory.threads, 4)
            expectEqual(memory.pssBytes, 6789 * kB)
            #expect(try ProcFS.memory(pid: 78, root: root).pssBytes == nil)
            #expect(throws: OSError.self) { try ProcFS.memory(pid: 79, root: root) }
        }
    }

    @Test func ownMemory() throws {
        let memory = try ProcFS.memory()
        #expect(memory.rssBytes > 0)
        #expect(memory.peakRSSBytes >= memory.rssBytes)
        #expect(memory.virtualBytes >= memory.rssBytes)
        #expect(memory.threads >= 1)
    }

    @Test func readFileReadsProcToTheEnd() throws {
        let text = try ProcFS.readFile(ProcFS.defaultRoot + "/self/status")
        #expect(text.hasPrefix("Name:"))
        #expect(text.contains("VmRSS:"))
        #expect(ProcFS.ticksPerSecond > 0)
    }
}
