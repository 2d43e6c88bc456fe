import Testing
import LabOS
import TestSupport

/// Spawned children are always reaped, even when an expectation fails.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct SpawnTests {
    private func run(_ path: String, _ arguments: [String], environment: [String: String] = [:]) throws -> TerminationStatus? {
        let pid = try ChildProcess.spawn(.init(executable: path, arguments: Array(arguments.dropFirst()), programName: arguments.first,
                                               environment: environment))
        #expect(pid > 0)
        return try ChildProcess.reap(pid, block: true)
    }

    @Test func trueExitsZero() throws {
        #expect(try run("/bin/true", ["true"]) == .exited(0))
    }

    @Test func exitCodeIsReported() throws {
        #expect(try run("/bin/sh", ["sh", "-c", "exit 3"]) == .exited(3))
    }

    @Test func signalIsReported() throws {
        let status = try run("/bin/sh", ["sh", "-c", "kill -9 $$"])
        expectEqual(status, .signaled(9))
        expectEqual(status?.description, "killed by SIGKILL")
        expectEqual(TerminationStatus.exited(0).description, "exited 0")
    }

    @Test func environmentReachesTheChild() throws {
        #expect(try run("/bin/sh", ["sh", "-c", "test \"$CONCLAB_TEST\" = 'a b'"], environment: ["CONCLAB_TEST": "a b"])
            == .exited(0))
    }

    @Test func childGetsItsOwnProcessGroup() throws {
        // $$ is the child's pid; with SETPGROUP its group id is the same number.
        #expect(try run("/bin/sh", ["sh", "-c", "test \"$(cut -d' ' -f5 /proc/$$/stat)\" = \"$$\""])
            == .exited(0))
    }

    @Test func runningChildIsNotReapedUntilItEnds() throws {
        let pid = try ChildProcess.spawn(.init(executable: "/bin/sleep", arguments: ["30"]))
        var reaped = false
        defer {
            if !reaped {
                try? ChildProcess.signal(pid, Signals.kill)
                _ = try? ChildProcess.reap(pid, block: true)
            }
        }
        #expect(try ChildProcess.reap(pid, block: false) == nil)
        try ChildProcess.signal(pid, Signals.terminate)
        #expect(try ChildProcess.reap(pid, block: true) == .signaled(15))
        reaped = true
        do {
            _ = try ChildProcess.reap(pid, block: false)
            Issue.record("a reaped child cannot be reaped again")
        } catch {
            expectEqual(error.name, "ECHILD")
        }
    }

    @Test func missingExecutableIsAnError() {
        do {
            let pid = try ChildProcess.spawn(.init(executable: "/nonexistent/conclab-nothing"))
            _ = try? ChildProcess.reap(pid, block: true)
            Issue.record("spawning a missing file should fail")
        } catch {
            expectEqual(error.name, "ENOENT")
            expectEqual(error.description, "cannot start /nonexistent/conclab-nothing: no such file or directory (ENOENT)")
        }
    }
}

/// The configuration every launch goes through: environment overlay, descriptors, process group, signals,
/// parent-death signal. Facts about the child are read back from /proc through ProcFS.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct SpawnConfigurationTests {
    /// Runs `body` on a fresh OS thread, which has SIGINT, SIGTERM and SIGHUP blocked (as every thread of the
    /// shell), and waits for its answer. The thread ends right after.
    private func onThread<T: Sendable>(_ body: @escaping @Sendable () throws(OSError) -> T) throws -> T {
        let gate = Gate<Result<T, OSError>?>(nil)
        try OSThread.detach(name: "spawn-test") {
            let result: Result<T, OSError>
            do throws(OSError) { result = .success(try body()) } catch { result = .failure(error) }
            gate.update { $0 = result }
        }
        let answer = gate.wait(timeoutNanoseconds: 10_000_000_000) { $0 }
        return try #require(answer).get()
    }

    /// Starts `/bin/sleep 30`, hands it to `check`, then kills and reaps it.
    private func withSleeper(_ attributes: ChildProcess.Attributes = .init(), fromThread: Bool = false,
                             _ check: (Int32) throws -> Void) throws {
        let configuration = ChildProcess.Configuration(executable: "/bin/sleep", arguments: ["30"], attributes: attributes)
        let pid = fromThread ? try onThread { () throws(OSError) in try ChildProcess.spawn(configuration) }
                             : try ChildProcess.spawn(configuration)
        defer {
            try? ChildProcess.signal(pid, Signals.kill)
            _ = try? ChildProcess.reap(pid, block: true)
        }
        // The masks are the program's once it runs (before the exec they are the spawner's).
        #expect(eventually { ProcFS.stat(pid: pid)?.command == "sleep" })
        try check(pid)
    }

    @Test func theEnvironmentIsLaidOverThisProcesssOwn() throws {
        let path = try #require(System.environment("PATH"))
        let script = "test \"$CONCLAB_ADDED\" = added && test \"$HOME\" = /overlaid && test \"$PATH\" = '\(path)'"
        let pid = try ChildProcess.spawn(.init(executable: "/bin/sh", arguments: ["-c", script],
                                               environment: ["CONCLAB_ADDED": "added", "HOME": "/overlaid"]))
        #expect(try ChildProcess.reap(pid, block: true) == .exited(0))
    }

    @Test func argumentsAndTheProgramName() throws {
        let (r, w) = try System.pipe()
        defer { try? FileDescriptor(r).close() }
        let pid: Int32
        do {
            defer { try? FileDescriptor(w).close() }
            pid = try ChildProcess.spawn(.init(executable: "/bin/sh", arguments: ["-c", "echo \"$0|$1\" >&3", "named", "two words"],
                                               descriptors: [.init(parent: w, child: 3)]))
        }
        #expect(try ChildProcess.reap(pid, block: true) == .exited(0))
        expectEqual(String(decoding: try FileDescriptor(r).readExactly(100), as: UTF8.self), "named|two words\n")
        expectEqual(ChildProcess.Configuration(executable: "/usr/bin/env").argv, ["env"])
    }

    @Test func descriptorsArriveAtTheirNumbersWithoutCloseOnExec() throws {
        // Two close-on-exec pipes: one handed to fd 3, one handed at its own number (dup2(x, x) would leave the
        // flag set and the child would find nothing there). bash, because dash redirects only descriptors 0 to 9.
        let first = try System.pipe()
        let second = try System.pipe()
        defer { try? FileDescriptor(first.read).close(); try? FileDescriptor(second.read).close() }
        let pid: Int32
        do {
            defer { try? FileDescriptor(first.write).close(); try? FileDescriptor(second.write).close() }
            #expect(try Descriptors.isCloseOnExec(second.write))
            pid = try ChildProcess.spawn(.init(executable: "/bin/bash", arguments: ["-c", "echo three >&3; echo own >&\(second.write)"],
                                               descriptors: [.init(parent: first.write, child: 3),
                                                             .init(parent: second.write, child: second.write)]))
        }
        #expect(try ChildProcess.reap(pid, block: true) == .exited(0))
        #expect(try FileDescriptor(first.read).readExactly(100) == Array("three\n".utf8))
        #expect(try FileDescriptor(second.read).readExactly(100) == Array("own\n".utf8))
    }

    @Test func aNewProcessGroupOrTheParentsOne() throws {
        try withSleeper { pid in
            expectEqual(ProcFS.stat(pid: pid)?.processGroup, pid)
        }
        let mine = try #require(ProcFS.stat(pid: System.processID)).processGroup
        try withSleeper(.init(newProcessGroup: false)) { pid in
            expectEqual(ProcFS.stat(pid: pid)?.processGroup, mine)
        }
    }

    @Test func theChildStartsWithDefaultSignalsAndAnEmptyMask() throws {
        // This process ignores SIGPIPE, and the spawning thread blocks SIGINT, SIGTERM and SIGHUP: none of it
        // reaches the child.
        Signals.ignoreBrokenPipe()
        expectEqual(ProcFS.signalMasks()?.ignored.contains(Signals.brokenPipe), true)
        try withSleeper(fromThread: true) { pid in
            let masks = try #require(ProcFS.signalMasks(pid: pid))
            #expect(masks.blocked.isEmpty)
            #expect(!masks.ignored.contains(Signals.interrupt))
            #expect(!masks.ignored.contains(Signals.brokenPipe))
            #expect(masks.caught.isEmpty)
        }
    }

    @Test func withoutDefaultsAnIgnoredSignalStaysIgnoredAndTheMaskIsAsAsked() throws {
        Signals.ignoreBrokenPipe()
        try withSleeper(.init(defaultSignals: [], blockedSignals: [Signals.user1]), fromThread: true) { pid in
            let masks = try #require(ProcFS.signalMasks(pid: pid))
            expectEqual(masks.blocked, [Signals.user1])
            #expect(masks.ignored.contains(Signals.brokenPipe))
        }
    }

    @Test func theParentDeathSignalFollowsTheStartingThread() throws {
        // Started from a thread that ends at once: the kernel sends SIGKILL then.
        let configuration = ChildProcess.Configuration(executable: "/bin/sleep", arguments: ["30"],
                                                       attributes: .init(parentDeathSignal: Signals.kill))
        let pid = try onThread { () throws(OSError) in try ChildProcess.spawn(configuration) }
        var status: TerminationStatus?
        defer { if status == nil { try? ChildProcess.signal(pid, Signals.kill); _ = try? ChildProcess.reap(pid, block: true) } }
        status = try ChildProcess.reap(pid, block: true)
        expectEqual(status, .signaled(Signals.kill))
    }

    @Test func aSourceAnEarlierEntryReplacedIsRefused() throws {
        let (r, w) = try System.pipe()
        defer { try? FileDescriptor(r).close(); try? FileDescriptor(w).close() }
        let error = try #require(throws: OSError.self) {
            try ChildProcess.spawn(.init(executable: "/bin/true", descriptors: [.init(parent: r, child: 10), .init(parent: 10, child: 11)]))
        }
        expectEqual(error.code, .invalidArgument)
    }
}
