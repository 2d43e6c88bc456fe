import Foundation
import LabOS
import Testing
import TestSupport

extension EndToEnd {
    /// `ipc pickle` through the real binary: what python3 spends pickling a list for a child process, beside moving
    /// its bytes. The sizes are held to python3's own `pickle.dumps` of the same list; times only to being measured.
    @Suite(.serialized, .timeLimit(.minutes(3)))
    struct PickleTests {
        func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }

        /// What python3 prints for `code`, or nil without python3.
        func python(_ code: String) throws -> String? {
            guard let python3 = Files.findExecutable("python3") else { return nil }
            let run = try Capture.run(python3, arguments: ["-c", code], timeoutNanoseconds: 30_000_000_000)
            try #require(run.status == .exited(0), "python3 -c \(code): \(run.standardError)")
            return run.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        static let summary: Set<String> = ["items", "kind", "pickled_bytes", "bytes_per_item", "dumps_ms", "loads_ms", "pipe_ms",
                                           "mp_pipe_ms", "queue_ms", "pickle_pct", "pipe_pct", "rounds", "start_method", "protocol",
                                           "python_version", "cpython", "conclab_pipe_ms", "rows"]

        @Test("the pickled sizes are python3's own, every part is timed, and the fields are the declared ones")
        func sizesAndFields() throws {
            let (results, run) = try jsonScript(["ipc pickle --items 20000", "ipc pickle --kind dicts -n 3000",
                                                 "ipc pickle --kind strs -n 5000", "ipc pickle --kind floats -n 5000"])
            try #require(results.count == 4, "\(run)")
            #expect(results.allSatisfy(succeeded), "\(run)")
            guard Files.findExecutable("python3") != nil else {
                for outcome in results {
                    expectEqual(Set(resultFields(outcome).keys), ["items", "kind", "cpython", "note"])
                    expectEqual(resultFields(outcome)["cpython"] as? String, "skipped")
                }
                return
            }
            let lists = ["list(range(20000))", "[{'id': i, 'name': f'user {i}', 'score': i / 3} for i in range(3000)]",
                         "[f'item {i}' for i in range(5000)]", "[i / 3 for i in range(5000)]"]
            for (outcome, list) in zip(results, lists) {
                let f = resultFields(outcome)
                expectEqual(Set(f.keys), Self.summary, "\(list)")
                expectEqual(f["cpython"] as? String, "ran")
                expectEqual(f["start_method"] as? String, "fork")
                let expected = try #require(try python("import pickle; print(len(pickle.dumps(\(list))))").flatMap { Int($0) })
                expectEqual(f["pickled_bytes"] as? Int, expected, "\(list)")
                let rows = resultRows(outcome)
                expectEqual(rows.map { $0["step"] as? String }, ["pickle.dumps", "pickle.loads", "os.pipe", "Pipe.send", "Queue.put", "conclab pipe"])
                for row in rows { #expect((number(row["fastest_ms"]) ?? 0) > 0, "\(row)") }
                expectEqual(number(rows[4]["share_pct"]), 100)
                for name in ["dumps_ms", "loads_ms", "pipe_ms", "mp_pipe_ms", "queue_ms", "conclab_pipe_ms"] {
                    #expect((number(f[name]) ?? 0) > 0, "\(name): \(f)")
                }
            }
            expectEqual(resultFields(results[0])["protocol"] as? Int, try python("import pickle; print(pickle.DEFAULT_PROTOCOL)").flatMap { Int($0) })
            expectEqual(resultFields(results[0])["python_version"] as? String, try python("import sys; print(sys.version.split()[0])"))
            // CPython writes 0–255 in 2 bytes, up to 65,535 in 3: 20,000 ints take about 3 bytes each, not the 28 of an int
            // object; a float takes 9 (an opcode and 8 bytes).
            let ints = try #require(number(resultFields(results[0])["bytes_per_item"]))
            #expect(ints > 2.9 && ints < 3.1, "\(ints)")
            let floats = try #require(number(resultFields(results[3])["bytes_per_item"]))
            #expect(floats >= 9 && floats < 9.1, "\(floats)")
            expectEqual(resultFields(results[1])["kind"] as? String, "dicts")
            expectEqual(resultFields(results[1])["items"] as? Int, 3000)
        }

        /// `--show` prints the program that runs: run as python3 would be, it prints every figure, with as many samples
        /// as rounds asked for.
        @Test("--show prints the program, and that program runs on its own")
        func theShownProgramRuns() throws {
            let (results, run) = try jsonScript(["ipc pickle --show"])
            let shown = try #require((results.first?["result"] as? [String: Any])?["text"] as? String, "\(run)")
            #expect(shown.contains("pickle.dumps(data)") && shown.contains("get_context(\"fork\")") && shown.contains("queue.put(data)"))
            guard let python3 = Files.findExecutable("python3") else { return }
            let ran = try Capture.run(python3, arguments: ["-c", shown, "strs", "50", "3"], timeoutNanoseconds: 60_000_000_000)
            expectEqual(ran.status, .exited(0), "\(ran.standardError)")
            let lines = Dictionary(ran.standardOutput.split(separator: "\n").map { line in
                (String(line.split(separator: " ").first ?? ""), line.split(separator: " ").dropFirst().map(String.init))
            }, uniquingKeysWith: { a, _ in a })
            for name in ["dumps", "loads", "pipe", "mp_pipe", "queue"] { expectEqual(lines[name]?.count, 3, "\(name): \(ran.standardOutput)") }
            expectEqual(lines["bytes"], [try python("import pickle; print(len(pickle.dumps([f'item {i}' for i in range(50)])))") ?? ""])
        }

        @Test("a replayed lab runs no python3 for ipc pickle")
        func replayRunsNoPython() throws {
            let dir = try TemporaryDirectory("pickle-lab")
            defer { dir.remove() }
            let lab = """
                ---
                id: pickle-skip
                title: ipc pickle in a replay
                topic: ipc
                minutes: 1
                ---

                ## Python is not run

                ```conclab
                ipc pickle --kind dicts -n 10
                ```

                ```check
                cpython == "skipped"
                note == "python3 skipped: a replayed lab does not run python3"
                items == 10
                kind == "dicts"
                ```
                """
            try Files.writeAtomically(dir.file("pickle.md"), lab)
            let result = try runConclab(["replay", dir.file("pickle.md")])
            expectEqual(result.status, 0, "\(result)")
        }

        /// Ctrl-C while python3 pickles 200,000 dicts ends python3 and the children it forked, not only the command.
        @Test("Ctrl-C stops python3 and its children")
        func ctrlCStopsPython() throws {
            guard Files.findExecutable("python3") != nil else { return }
            let shell = try Launched(executable: try Conclab.binary(), arguments: [], keepInputOpen: true)
            defer { shell.cleanUp() }
            func python3() -> [Int32] { Processes.children(of: shell.pid).filter { $0.command.hasPrefix("python3") }.map(\.pid) }
            try shell.send("ipc pickle --kind dicts -n 200000\n")
            // python3 forks its three children before it times anything.
            let started = eventually(within: 20) { python3().contains { Processes.children(of: $0).count >= 3 } }
            try #require(started, "python3 and its children did not appear:\n\(shell.stdout)\(shell.stderr)")
            let all = python3() + python3().flatMap { Processes.children(of: $0).map(\.pid) }
            try ChildProcess.signal(shell.pid, Signals.interrupt)
            let result = try shell.finish(within: 10)
            expectEqual(result.status, 130, "\(result)")
            #expect(eventually(within: 5) { all.allSatisfy { ProcFS.stat(pid: $0).map { $0.state.hasEnded } ?? true } }, "\(all)")
        }

        @Test("mistakes are clear errors")
        func mistakes() throws {
            let (results, run) = try jsonScript(["ipc pickle --items 0", "ipc pickle -n 200001", "ipc pickle --kind sets", "ipc pickle --items many"])
            try #require(results.count == 4, "\(run)")
            #expect(results.allSatisfy { !succeeded($0) }, "\(run)")
            let messages = results.map { ($0["error"] as? [String: Any])?["message"] as? String ?? "" }
            expectEqual(messages[0], "items must be between 1 and 200000, got 0")
            expectEqual(messages[1], "items must be between 1 and 200000, got 200001")
            #expect(messages[2].hasPrefix("--kind must be one of ints, floats, strs, dicts, got 'sets'"), "\(messages[2])")
            expectEqual(results.map { ($0["error"] as? [String: Any])?["kind"] as? String }, Array(repeating: "usage", count: 4))
        }
    }
}
