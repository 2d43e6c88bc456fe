import Testing
import TestSupport
@testable import LabOS

/// fork and copy-on-write, and waiting for a child without reaping it. Every child is reaped, whatever happens.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct ForkTests {
    @Test func theChildsWriteIsInvisibleToTheParent() throws {
        let report = try ForkDemo.run(parentText: "parent's bytes", childText: "child's bytes")
        #expect(report.childPID > 0 && report.childPID != report.parentPID)
        expectEqual(report.parentPID, System.processID)
        #expect(report.childSawBefore == "parent's bytes")   // the child starts with a copy of the parent's memory
        #expect(report.childSawAfter == "child's bytes")     // and its write took effect there
        #expect(report.parentAfter == "parent's bytes")      // but not here
        expectEqual(report.childStatus, .exited(0))
        #expect(report.address != 0)
        // The child is gone for good: reaped, not a zombie.
        #expect(ProcFS.stat(pid: report.childPID).map { $0.parentPID == System.processID } != true)
    }

    @Test func touchingMemoryFirstIsReported() throws {
        let report = try ForkDemo.run(parentText: "a", childText: "b", touchMegabytes: 2)
        expectEqual(report.touchedBytes, 2 << 20)
        expectEqual(report.parentAfter, "a")
    }

    @Test func longTextIsCutToTheSlot() throws {
        let long = String(repeating: "x", count: 200)
        let report = try ForkDemo.run(parentText: long, childText: long)
        expectEqual(report.parentAfter.count, ForkDemo.slotSize - 1)
        expectEqual(report.childSawAfter.count, ForkDemo.slotSize - 1)
    }

    @Test func peekSeesTheEndWithoutReapingIt() throws {
        let pid = try ChildProcess.spawn(.init(executable: "/bin/sh", arguments: ["-c", "exit 7"]))
        var reaped = false
        defer { if !reaped { _ = try? ChildProcess.reap(pid, block: true) } }
        var seen: TerminationStatus?
        let deadline = Clock.monotonicNanoseconds() + 10_000_000_000
        while seen == nil && Clock.monotonicNanoseconds() < deadline {
            seen = try ChildProcess.peek(pid)
            if seen == nil { System.sleep(nanoseconds: 2_000_000) }
        }
        expectEqual(seen, .exited(7))
        // Peeking again gives the same answer: the zombie is still there, and /proc shows it as one.
        #expect(try ChildProcess.peek(pid) == .exited(7))
        expectEqual(ProcFS.stat(pid: pid)?.state, .zombie)
        let result = try ChildProcess.reapWithUsage(pid, block: true)
        reaped = true
        expectEqual(result?.0, .exited(7))
        #expect(ProcFS.stat(pid: pid) == nil || ProcFS.stat(pid: pid)?.parentPID != System.processID)
    }

    @Test func peekAndReapOfARunningChild() throws {
        let pid = try ChildProcess.spawn(.init(executable: "/bin/sleep", arguments: ["30"]))
        defer {
            try? ChildProcess.signal(pid, Signals.kill)
            _ = try? ChildProcess.reap(pid, block: true)
        }
        #expect(try ChildProcess.peek(pid) == nil)
        #expect(try ChildProcess.reapWithUsage(pid, block: false) == nil)
        try ChildProcess.signal(pid, Signals.kill)
        let result = try ChildProcess.reapWithUsage(pid, block: true)
        expectEqual(result?.0, .signaled(Signals.kill))
        #expect((result?.1.cpuNanoseconds ?? -1) >= 0)
    }

    @Test func peekOfAStrangerIsAnError() {
        #expect(throws: OSError.self) { try ChildProcess.peek(1) }
    }

    @Test func rollupHasPSS() throws {
        let rollup = try #require(ProcFS.memoryRollup(pid: System.processID))
        #expect((rollup["Pss"] ?? 0) > 0)
        #expect((rollup["Rss"] ?? 0) >= (rollup["Pss"] ?? 0))
    }

    @Test func allProcessesIncludesThisOne() {
        #expect(ProcFS.allProcesses().contains { $0.pid == System.processID })
    }
}
