import Testing
import LabOS

/// Spawned children are always reaped, even when an expectation fails.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct SpawnTests {
    private func run(_ path: String, _ arguments: [String], environment: [String: String] = [:]) throws -> TerminationStatus? {
        let pid = try ChildProcess.spawn(path: path, arguments: arguments, environment: environment)
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
        #expect(status == .signaled(9))
        #expect(status?.description == "killed by SIGKILL")
        #expect(TerminationStatus.exited(0).description == "exited 0")
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
        let pid = try ChildProcess.spawn(path: "/bin/sleep", arguments: ["sleep", "30"])
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
            #expect(error.name == "ECHILD")
        }
    }

    @Test func missingExecutableIsAnError() {
        do {
            let pid = try ChildProcess.spawn(path: "/nonexistent/conclab-nothing", arguments: ["x"])
            _ = try? ChildProcess.reap(pid, block: true)
            Issue.record("spawning a missing file should fail")
        } catch {
            #expect(error.name == "ENOENT")
            #expect(error.description.contains("/nonexistent/conclab-nothing"))
        }
    }
}
