import Foundation
import LabOS
import Testing
import TestSupport

extension EndToEnd {
    /// Leaving the shell by any path leaves no worker process behind.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct ExitHygieneTests {
        /// How the shell is ended.
        enum Ending: String, CaseIterable, CustomTestStringConvertible {
            case exitCommand = "exit"
            case endOfInput = "end of input"
            case terminate = "SIGTERM"
            case terminateDuringCommand = "SIGTERM while a command runs"
            case hangup = "SIGHUP"
            case kill = "SIGKILL"

            var testDescription: String { rawValue }
        }

        /// The JSON objects the shell has printed so far, one per finished command.
        func objects(_ shell: Launched) -> [[String: Any]] {
            lines(shell.stdout).compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            }
        }

        /// The pid in a `proc spawn` result.
        func spawnedPID(_ object: [String: Any]) -> Int32? {
            guard object["ok"] as? Bool == true,
                  let result = object["result"] as? [String: Any],
                  let fields = result["fields"] as? [String: Any],
                  let pid = fields["pid"] as? Int else { return nil }
            return Int32(pid)
        }

        @Test("no worker survives the shell", arguments: Ending.allCases)
        func workersEnd(ending: Ending) throws {
            let shell = try Launched(executable: try Conclab.binary(), arguments: ["--json"], keepInputOpen: true)
            var workers: [Int32] = []
            defer {
                shell.cleanUp()
                Processes.killWorkers(workers)
            }
            try shell.send("proc spawn sleep 60000\nproc spawn sleep 60000\nproc list\n")
            let listed = eventually { objects(shell).count >= 3 }
            try #require(listed, "the shell did not answer three commands:\n--- stdout\n\(shell.stdout)--- stderr\n\(shell.stderr)")
            let answers = objects(shell)
            workers = answers.prefix(2).compactMap(spawnedPID)
            try #require(workers.count == 2, "no pids in \(answers)")

            // The pids are the shell's worker children, and `proc list` shows the same ones.
            // (A worker names itself "conclab-worker" a moment after it starts.)
            let named = eventually { workers.allSatisfy { ProcFS.stat(pid: $0)?.command == Processes.workerName } }
            #expect(named, "workers not named \(Processes.workerName): \(workers.map { ProcFS.stat(pid: $0) as Any })")
            for pid in workers {
                let stat = ProcFS.stat(pid: pid)
                expectEqual(stat?.parentPID, shell.pid, "pid \(pid) is not a child of the shell: \(String(describing: stat))")
            }
            let rows = ((answers[2]["result"] as? [String: Any])?["rows"] as? [[String: Any]]) ?? []
            expectEqual(Set(rows.compactMap { ($0["pid"] as? Int).map(Int32.init) }), Set(workers))

            switch ending {
            case .exitCommand:
                try shell.send("exit\n")
            case .endOfInput:
                shell.closeInput()
            case .terminate:
                try ChildProcess.signal(shell.pid, Signals.terminate)
            case .terminateDuringCommand:
                try shell.send("sleep 60000\n")
                // JSON mode prints nothing until the command ends, so look at the command thread instead: it
                // sleeps in nanosleep while `sleep` runs. (Where /proc hides that, the signal just comes a bit later.)
                _ = eventually(within: 5) { Processes.commandIsSleeping(shell.pid) }
                try ChildProcess.signal(shell.pid, Signals.terminate)
            case .hangup:
                try ChildProcess.signal(shell.pid, Signals.hangup)
            case .kill:
                try ChildProcess.signal(shell.pid, Signals.kill)
            }

            let result = try shell.finish(within: 10)
            switch ending {
            case .exitCommand, .endOfInput:
                expectEqual(result.termination, .exited(0), "\(result)")
            case .terminate, .terminateDuringCommand:
                expectEqual(result.termination, .signaled(Signals.terminate), "\(result)")
            case .hangup:
                expectEqual(result.termination, .signaled(Signals.hangup), "\(result)")
            case .kill:
                expectEqual(result.termination, .signaled(Signals.kill), "\(result)")
            }
            #expect(!result.stderr.contains("could not end"), "\(result)")
            if ending != .kill {
                // The shell kills and reaps its workers before it exits: none is left even as a zombie.
                let reaped = workers.filter { ProcFS.stat(pid: $0).map(Processes.isConclab) == true }
                #expect(reaped.isEmpty, "the shell ended without reaping workers \(reaped)")
            }

            let gone = eventually { workers.allSatisfy { Processes.workerIsGone($0, shellPID: shell.pid) } }
            let left = workers.compactMap { ProcFS.stat(pid: $0) }.filter(Processes.isConclab)
            #expect(gone, "workers left after \(ending.rawValue): \(left.map { "pid \($0.pid) state \($0.state) parent \($0.parentPID)" })")
        }
    }
}
