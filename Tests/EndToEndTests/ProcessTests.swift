import Foundation
import LabOS
import Testing
import TestSupport

/// Names the fork server gives itself (its main thread's name, in /proc/PID/stat).
private let forkServerName = "conclab-fsrv"

/// The JSON objects a `--json` shell has printed so far, one per finished command.
private func answers(_ shell: Launched) -> [[String: Any]] {
    lines(shell.stdout).compactMap { line in
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }
}

private func fields(_ answer: [String: Any]) -> [String: Any] {
    ((answer["result"] as? [String: Any])?["fields"] as? [String: Any]) ?? [:]
}

private func pid(_ value: Any?) -> Int32? { (value as? Int).map(Int32.init) }

/// Whether a process the shell started (a worker or the fork server) is gone: no such process, a pid reused by
/// another program, or a zombie that the shell no longer holds (one left to the test process is reaped here).
private func isGone(_ pid: Int32, shellPID: Int32) -> Bool {
    guard let stat = ProcFS.stat(pid: pid), stat.command == Processes.workerName || stat.command == forkServerName
            || Processes.isConclab(stat) else { return true }
    guard stat.state.hasEnded else { return false }
    if stat.parentPID == System.processID {
        _ = try? ChildProcess.reap(pid, block: false)
        return ProcFS.stat(pid: pid) == nil
    }
    return stat.parentPID != shellPID
}

/// Every process below `root`, from /proc.
private func descendants(of root: Int32) -> [ProcFS.Stat] {
    var found: [ProcFS.Stat] = []
    var frontier = [root]
    while let parent = frontier.popLast() {
        let kids = Processes.children(of: parent)
        found += kids
        frontier += kids.map(\.pid)
    }
    return found
}

extension EndToEnd {
    /// Worker processes and the fork server through the real binary: states, exit statuses and signals, the framed
    /// protocol, and the guarantee that nothing outlives the shell.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct ProcessTests {
        enum Ending: String, CaseIterable, CustomTestStringConvertible {
            case exit, terminate = "SIGTERM", kill = "SIGKILL"
            var testDescription: String { rawValue }
        }

        @Test("20 workers, some forked by the fork server: none survives the shell", arguments: Ending.allCases)
        func nothingOutlivesTheShell(ending: Ending) throws {
            let shell = try Launched(executable: try Conclab.binary(), arguments: ["--json"], keepInputOpen: true)
            var started: [Int32] = []
            defer {
                shell.cleanUp()
                for pid in started where ProcFS.stat(pid: pid).map({ Processes.isConclab($0) || $0.command == forkServerName }) == true {
                    try? ChildProcess.signal(pid, Signals.kill)
                }
            }
            var script = ""
            for i in 0..<20 { script += "proc spawn sleep 60000" + (i % 3 == 0 ? " --start forkserver" : "") + "\n" }
            try shell.send(script + "proc tree\n")
            let answered = eventually(within: 30) { answers(shell).count >= 21 }
            try #require(answered, "the shell did not answer 21 commands:\n--- stdout\n\(shell.stdout)--- stderr\n\(shell.stderr)")
            let all = answers(shell)
            let workers = all.prefix(20).compactMap { pid(fields($0)["pid"]) }
            let servers = Set(all.prefix(20).compactMap { pid(fields($0)["fork_server_pid"]) })
            started = workers + servers.sorted()
            try #require(workers.count == 20, "spawn answers: \(all.prefix(20))")
            try #require(servers.count == 1, "one fork server serves every forkserver worker: \(servers)")

            // They are all below the shell: spawned workers its children, forked ones the fork server's.
            let below = Set(descendants(of: shell.pid).map(\.pid))
            #expect(Set(started).isSubset(of: below), "not below the shell: \(Set(started).subtracting(below))")

            switch ending {
            case .exit: try shell.send("exit\n")
            case .terminate: try ChildProcess.signal(shell.pid, Signals.terminate)
            case .kill: try ChildProcess.signal(shell.pid, Signals.kill)
            }
            let result = try shell.finish(within: 20)
            switch ending {
            case .exit: #expect(result.termination == .exited(0), "\(result)")
            case .terminate: #expect(result.termination == .signaled(Signals.terminate), "\(result)")
            case .kill: #expect(result.termination == .signaled(Signals.kill), "\(result)")
            }
            if ending == .kill {
                // Nobody is left to clean up: PR_SET_PDEATHSIG ends the fork server and the workers at once.
                let gone = eventually(within: 1) { started.allSatisfy { isGone($0, shellPID: shell.pid) } }
                let left = started.compactMap { ProcFS.stat(pid: $0) }.filter { !isGone($0.pid, shellPID: shell.pid) }
                #expect(gone, "alive 1 s after kill -9 of the shell: \(left.map { "pid \($0.pid) \($0.command) \($0.state) parent \($0.parentPID)" })")
            } else {
                // The shell killed and reaped them all before it ended: not even a zombie is left.
                let left = started.compactMap { ProcFS.stat(pid: $0) }.filter { $0.command == Processes.workerName || $0.command == forkServerName }
                #expect(left.isEmpty, "left after \(ending.rawValue): \(left.map { "pid \($0.pid) \($0.command) \($0.state) parent \($0.parentPID)" })")
            }
        }

        @Test func exitStatusesSignalsAndResults() throws {
            let script = """
                proc spawn hash 1
                proc wait p1 --timeout 60000
                proc spawn sleep 60000 --start forkserver
                proc kill p2 SEGV
                proc wait p2 --timeout 10000
                proc spawn sleep 60000
                proc kill p3 STOP
                sleep 200
                proc list | where handle == "p3"
                proc kill p3 KILL
                sleep 200
                proc list | where handle == "p3"
                proc wait p3
                """
            let result = try runConclab(["--json"], stdin: script)
            expectEqual(result.status, 0, "\(result)")
            let all = lines(result.stdout).compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
            try #require(all.count == 13, "\(result)")
            let hashed = fields(all[1])
            #expect(hashed["exit_code"] as? Int == 0)
            expectEqual((hashed["result"] as? String)?.hasPrefix("sha256 "), true)
            #expect(fields(all[4])["signal"] as? String == "SIGSEGV")
            func row(_ answer: [String: Any]) -> [String: Any] {
                (((answer["result"] as? [String: Any])?["rows"] as? [[String: Any]])?.first) ?? [:]
            }
            #expect(row(all[8])["state"] as? String == "stopped", "\(all[8])")
            #expect(row(all[11])["state"] as? String == "zombie", "\(all[11])")
            #expect(row(all[11])["status"] as? String == "killed by SIGKILL", "\(all[11])")
            #expect(fields(all[12])["signal"] as? String == "SIGKILL")
            // A crash is quiet: no Swift backtrace from the worker in the learner's terminal.
            #expect(!result.stderr.contains("Backtrac"), "\(result)")
        }

        @Test func forkDemoAndParCompare() throws {
            let result = try runConclab(["--json"], stdin: "proc fork-demo\npar compare spin 20 --workers 2\n")
            expectEqual(result.status, 0, "\(result)")
            let all = lines(result.stdout).compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
            try #require(all.count == 2, "\(result)")
            #expect(fields(all[0])["child_change_visible"] as? Bool == false)
            let group = ((all[1]["result"] as? [String: Any])?["results"] as? [[String: Any]]) ?? []
            let table = group.last ?? [:]
            let modes = ((table["rows"] as? [[String: Any]]) ?? []).compactMap { $0["mode"] as? String }
            expectEqual(modes, ["sequential", "threads", "processes"], "\(all[1])")
            #expect((table["summary"] as? [String: Any])?["processes_speedup"] is Double || (table["summary"] as? [String: Any])?["processes_speedup"] is Int)
        }

        // MARK: the protocol, spoken by hand

        /// Starts the binary in a hidden mode with a socket on fd 3, the way the shell does.
        private func start(_ arguments: [String]) throws -> (pid: Int32, channel: FrameChannel) {
            let (mine, theirs) = try Sockets.pair()
            defer { try? FileDescriptor(theirs).close() }
            let pid = try ChildProcess.spawn(.init(executable: try Conclab.binary(), arguments: arguments, programName: "conclab",
                                                   environment: ["CONCLAB_CHANNEL_FD": "3", "SWIFT_BACKTRACE": "enable=no"],
                                                   descriptors: [.init(parent: theirs, child: 3)]))
            return (pid, FrameChannel(fd: mine))
        }

        private func end(_ pid: Int32) -> TerminationStatus? {
            guard eventually(within: 10, { ((try? ChildProcess.peek(pid)) ?? nil) != nil }) else {
                try? ChildProcess.signal(pid, Signals.kill)
                _ = try? ChildProcess.reap(pid, block: true)
                return nil
            }
            return (try? ChildProcess.reap(pid, block: true)) ?? nil
        }

        @Test func aWorkerSaysHelloThenDone() throws {
            let started = try start(["__worker", "sleep", "0"])
            let pid = started.pid
            var channel = started.channel
            defer { channel.close() }
            let hello = try channel.receive(timeoutMilliseconds: 10_000)
            expectEqual(hello?.kind, 1)
            expectEqual(hello?.fields, [String(pid), "spawn"])
            let done = try channel.receive(timeoutMilliseconds: 10_000)
            expectEqual(done?.kind, 2)
            expectEqual(done?.fields.first, "completed")
            let after = try channel.receive(timeoutMilliseconds: 10_000)
            expectEqual(after, nil)
            expectEqual(end(pid), .exited(0))
        }

        @Test func aWorkerRefusesBadWordsOverTheChannel() throws {
            let started = try start(["__worker", "nap", "5"])
            let pid = started.pid
            var channel = started.channel
            defer { channel.close() }
            _ = try channel.receive(timeoutMilliseconds: 10_000)  // hello
            let failure = try channel.receive(timeoutMilliseconds: 10_000)
            expectEqual(failure?.kind, 3)
            expectEqual(failure?.fields.first?.contains("unknown workload 'nap'"), true)
            expectEqual(end(pid), .exited(2))
        }

        @Test func theForkServerRefusesNonsenseAndQuitsOnAMalformedFrame() throws {
            let started = try start(["__forkserver"])
            let pid = started.pid
            var channel = started.channel
            defer { channel.close() }
            let hello = try channel.receive(timeoutMilliseconds: 10_000)
            expectEqual(hello?.fields, [String(pid), "forkserver"])
            #expect(try ProcFS.memory(pid: pid).threads == 1)

            // An unknown request: refused, and the server goes on.
            try channel.send(Frame(kind: 99))
            let refused = try channel.receive(timeoutMilliseconds: 10_000)
            expectEqual(refused?.kind, 23)
            // A spawn without the worker's channel attached: refused too.
            try channel.send(Frame(kind: 10, fields: ["sleep", "0"]))
            let noChannel = try channel.receive(timeoutMilliseconds: 10_000)
            expectEqual(noChannel?.fields.first?.contains("channel"), true)
            // A spawn of nonsense, even with a channel: refused before any fork.
            let (a, b) = try Sockets.pair()
            defer { try? FileDescriptor(a).close() }
            try channel.send(Frame(kind: 10, fields: ["nap", "5"]), passing: b)
            try? FileDescriptor(b).close()
            let nonsense = try channel.receive(timeoutMilliseconds: 10_000)
            expectEqual(nonsense?.kind, 23)
            #expect(Processes.children(of: pid).isEmpty)

            // A header that cannot be a frame: the server stops reading, answers nothing more, and exits.
            try FileDescriptor(channel.fd).writeAll([0xFF, 0xFF, 0xFF, 0xFF, 0])
            let last = try channel.receive(timeoutMilliseconds: 10_000)
            #expect(last?.kind == 22)   // the list of workers it ended on the way out: none
            expectEqual(last?.fields, [])
            expectEqual(end(pid), .exited(0))
        }

        @Test func theForkServerForksWorkersAndWaitsForThem() throws {
            let started = try start(["__forkserver"])
            let server = started.pid
            var channel = started.channel
            defer { channel.close() }
            _ = try channel.receive(timeoutMilliseconds: 10_000)
            let (mine, theirs) = try Sockets.pair()
            var worker = FrameChannel(fd: mine)
            defer { worker.close() }
            try channel.send(Frame(kind: 10, fields: ["sleep", "60000"]), passing: theirs)
            try? FileDescriptor(theirs).close()
            let spawned = try channel.receive(timeoutMilliseconds: 10_000)
            expectEqual(spawned?.kind, 20)
            let workerPID = try #require(spawned?.fields.first.flatMap { Int32($0) })
            let hello = try worker.receive(timeoutMilliseconds: 10_000)
            expectEqual(hello?.fields, [String(workerPID), "forkserver"])
            expectEqual(ProcFS.stat(pid: workerPID)?.parentPID, server)

            try ChildProcess.signal(workerPID, Signals.terminate)
            _ = eventually { ProcFS.stat(pid: workerPID)?.state == .zombie }
            try channel.send(Frame(kind: 11, fields: [String(workerPID)]))   // peek: the end, not reaped
            let peeked = try channel.receive(timeoutMilliseconds: 10_000)
            expectEqual(peeked?.fields, ["signaled", "15"])
            expectEqual(ProcFS.stat(pid: workerPID)?.state, .zombie)
            try channel.send(Frame(kind: 12, fields: [String(workerPID)]))   // reap
            let reaped = try channel.receive(timeoutMilliseconds: 10_000)
            expectEqual(reaped?.fields.prefix(2), ["signaled", "15"])
            #expect(eventually { ProcFS.stat(pid: workerPID) == nil })

            try channel.send(Frame(kind: 13))   // quit
            let finished = try channel.receive(timeoutMilliseconds: 10_000)
            expectEqual(finished?.kind, 22)
            expectEqual(end(server), .exited(0))
        }
    }
}
