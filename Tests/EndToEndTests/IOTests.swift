import Foundation
import LabOS
import Testing
import TestSupport

extension EndToEnd {
    /// `io fetch` and `io convoy` through the real binary: requests to a local server with a set latency, made in
    /// sequence, by threads, by client processes, by an event loop, and by python3's generator loop.
    @Suite(.serialized, .timeLimit(.minutes(4)))
    struct IOTests {
        func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }

        /// Every mode answers every request; none beats the latency (no reply comes before the server sends it).
        @Test("every mode gets every reply, none sooner than the latency allows")
        func everyModeGetsEveryReply() throws {
            let (results, run) = try jsonScript(["io fetch all -n 20 -k 5 --latency 5"])
            let outcome = try #require(results.first, "\(run)")
            #expect(succeeded(outcome), "\(run)")
            let rows = resultRows(outcome)
            expectEqual(rows.map { $0["mode"] as? String }, ["sequential", "threads", "processes", "loop", "py"], "\(run)")
            for row in rows {
                expectEqual(row["requests"] as? Int, 20, "\(row)")
                let wall = try #require(number(row["wall_ms"])), ideal = try #require(number(row["ideal_ms"]))
                #expect(wall >= ideal, "\(row)")
                #expect((number(row["p50_ms"]) ?? 0) >= 5, "\(row)")
            }
            // The fields 'help io fetch' declares (the unit tests of declared fields cannot start the server).
            expectEqual(Set(rows.flatMap { $0.keys }), ["mode", "clients", "requests", "wall_ms", "ideal_ms", "cpu_ms", "memory_bytes",
                                                       "startup_ms", "p50_ms", "p99_ms"])
            expectEqual(Set(resultFields(outcome).keys), ["latency_ms", "server_pid", "fastest", "rows"])
            expectEqual(rows.map { $0["clients"] as? Int }, [1, 5, 5, 5, 5])
            expectEqual(rows.map { number($0["ideal_ms"]) }, [100, 20, 20, 20, 20])
            // The client processes' memory is their PSS: a whole program each, more than threads add.
            #expect((number(rows[2]["memory_bytes"]) ?? 0) > 5 * 1_000_000, "\(rows[2])")
        }

        /// A reply bigger than a socket's buffer is streamed: the server sends what the socket takes and goes on when
        /// it is writable again; the loop reads it in pieces.
        @Test("replies of 4 MB are streamed to every kind of client")
        func bigRepliesAreStreamed() throws {
            let modes = ["loop", "threads", "sequential", "processes"]
            let (results, run) = try jsonScript(modes.map { "io fetch \($0) -n 6 -k 3 --latency 0 --reply-bytes 4000000" })
            try #require(results.count == modes.count, "\(run)")
            for (mode, outcome) in zip(modes, results) {
                #expect(succeeded(outcome), "\(mode): \(run)")
                expectEqual(resultRows(outcome).first?["requests"] as? Int, 6, "\(mode)")
            }
        }

        @Test("one event loop keeps 300 connections")
        func oneLoopManyConnections() throws {
            let (results, run) = try jsonScript(["io fetch loop -n 3000 -k 300 --latency 1"])
            let row = try #require(results.first.flatMap { resultRows($0).first }, "\(run)")
            expectEqual(row["requests"] as? Int, 3000)
            expectEqual(row["clients"] as? Int, 300)
        }

        /// conclab's GIL and python3's hold an I/O thread back by about one switch interval per request beside a
        /// CPU-bound thread; alone, or without a GIL, nothing is added. Side by side, in one command.
        @Test("the convoy under conclab's GIL is python3's")
        func theConvoyIsCPythons() throws {
            let (results, run) = try jsonScript(["io convoy -n 20 --cpython"])
            let outcome = try #require(results.first, "\(run)")
            #expect(succeeded(outcome), "\(run)")
            let f = resultFields(outcome)
            let declared: Set<String> = ["latency_ms", "interval_ms", "alone_p50_ms", "gil_p50_ms", "nogil_p50_ms", "cpython", "rows"]
            let withPython: Set<String> = ["cpython_alone_p50_ms", "cpython_p50_ms"]
            #expect(Set(f.keys) == declared || Set(f.keys) == declared.union(withPython) || Set(f.keys) == declared.union(["note"]), "\(f.keys)")
            expectEqual(Set(resultRows(outcome).flatMap { $0.keys }), ["setup", "requests", "p50_ms", "p99_ms", "added_ms", "forced_switches"])
            let interval = 5.0
            let alone = try #require(number(f["alone_p50_ms"])), gil = try #require(number(f["gil_p50_ms"]))
            let nogil = try #require(number(f["nogil_p50_ms"]))
            #expect(gil > alone + interval / 2, "GIL beside \(gil), alone \(alone)")
            #expect(nogil < alone + interval / 2, "no GIL beside \(nogil), alone \(alone)")
            guard Files.findExecutable("python3") != nil else {
                expectEqual(f["cpython"] as? String, "skipped")
                return
            }
            expectEqual(f["cpython"] as? String, "ran")
            let cAlone = try #require(number(f["cpython_alone_p50_ms"])), cBeside = try #require(number(f["cpython_p50_ms"]))
            #expect(cBeside > cAlone + interval / 2, "python3 beside \(cBeside), alone \(cAlone)")
        }

        /// The model's I/O thread waits for the GIL twice a request at most (after its send, after its receive), so it
        /// forces at most two switches a request; alone, it forces none. A count, not a time: how long each wait lasts
        /// depends on how busy the machine is (on a crowded one the woken thread also waits for a CPU).
        @Test("the convoy forces one switch or two a request, and none alone")
        func theConvoyCountsItsSwitches() throws {
            let (results, run) = try jsonScript(["io convoy -n 20"])
            let rows = try #require(results.first.map(resultRows), "\(run)")
            let bySetup = Dictionary(rows.compactMap { row in (row["setup"] as? String).map { ($0, row) } }, uniquingKeysWith: { a, _ in a })
            let alone = try #require(bySetup["GIL, alone"], "\(rows)"), beside = try #require(bySetup["GIL, beside a CPU-bound thread"], "\(rows)")
            let noGIL = try #require(bySetup["no GIL, beside a CPU-bound thread"], "\(rows)")
            expectEqual(alone["forced_switches"] as? Int, 0)
            expectEqual(noGIL["forced_switches"] as? Int, 0)
            let forced = try #require(beside["forced_switches"] as? Int, "\(beside)")
            #expect(forced >= 1 && forced <= 2 * 20 + 2, "\(forced) forced switches for 20 requests")
        }

        /// The generator loop in Python, run by python3, gets every reply; `--show` prints it; a replayed lab runs none.
        @Test("python3's generator loop: shown, run, and not run in a replayed lab")
        func pythonsLoop() throws {
            let (results, run) = try jsonScript(["io fetch python --show", "io fetch loop --show", "io fetch python -n 30 -k 6 --latency 2"])
            try #require(results.count == 3, "\(run)")
            let shown = (results[0]["result"] as? [String: Any])?["text"] as? String ?? ""
            #expect(shown.contains("yield \"read\", sock") && shown.contains("select.select("), "\(run)")
            #expect(!succeeded(results[1]))
            guard Files.findExecutable("python3") != nil else { return }
            let row = try #require(resultRows(results[2]).first, "\(run)")
            expectEqual(row["requests"] as? Int, 30)
            #expect((number(row["p50_ms"]) ?? 0) >= 2, "\(row)")
            expectEqual(resultFields(results[2])["cpython"] as? String, "ran")
        }

        /// The same program in conclab's own Python: shown (python3's text but for the lines that report figures), run
        /// against the command's server, every reply after the latency, the loop's connections all at once.
        @Test("conclab's Python runs the same generator loop")
        func conclabsLoop() throws {
            let (results, run) = try jsonScript(["io fetch py --show", "io fetch python --show", "io fetch py -n 30 -k 6 --latency 2"])
            try #require(results.count == 3, "\(run)")
            func text(_ r: [String: Any]) -> String { (r["result"] as? [String: Any])?["text"] as? String ?? "" }
            let mine = text(results[0]), theirs = text(results[1])
            let shared = mine.components(separatedBy: "# conclab measures").first ?? ""
            #expect(shared.contains("select.select(") && theirs.hasPrefix(shared), "\(run)")
            #expect(!mine.contains("/proc"), "conclab's Python opens no files:\n\(mine)")
            #expect(succeeded(results[2]), "\(run)")
            let row = try #require(resultRows(results[2]).first, "\(run)")
            expectEqual(row["mode"] as? String, "py")
            expectEqual(row["requests"] as? Int, 30)
            expectEqual(row["clients"] as? Int, 6)
            #expect((number(row["p50_ms"]) ?? 0) >= 2, "\(row)")
            #expect((number(row["wall_ms"]) ?? 0) >= (number(row["ideal_ms"]) ?? 0), "\(row)")
        }

        @Test("a replayed lab runs no python3 for io, and does run conclab's Python")
        func replayRunsNoPython() throws {
            let dir = try TemporaryDirectory("io-lab")
            defer { dir.remove() }
            let lab = """
                ---
                id: io-skip
                title: io in a replay
                topic: io
                minutes: 1
                ---

                ## Python is not run

                ```conclab
                io fetch python -n 5 -k 1 --latency 0
                ```

                ```check
                cpython == "skipped"
                ```

                ```conclab
                io convoy -n 5 --latency 0 --cpython
                ```

                ```check
                cpython == "skipped"
                note == "python3 skipped: a replayed lab does not run python3"
                ```

                ## conclab's Python is

                ```conclab
                io fetch py -n 5 -k 1 --latency 0
                ```

                ```check
                rows[0].requests == 5
                ```
                """
            try Files.writeAtomically(dir.file("io.md"), lab)
            let result = try runConclab(["replay", dir.file("io.md")])
            expectEqual(result.status, 0, "\(result)")
        }

        /// Ctrl-C in the middle of a long fetch ends it within seconds, in every mode, and leaves no worker behind.
        @Test("Ctrl-C stops every mode and leaves no server or client", arguments: ["sequential", "threads", "processes", "loop", "py"])
        func ctrlCStops(mode: String) throws {
            let shell = try Launched(executable: try Conclab.binary(), arguments: [], keepInputOpen: true)
            defer { shell.cleanUp() }
            func ioWorkers() -> [Int32] {
                Processes.children(of: shell.pid).filter {
                    ((try? ProcFS.readFile("/proc/\($0.pid)/cmdline")) ?? "").contains("__io-worker")
                }.map(\.pid)
            }
            try shell.send("io fetch \(mode) -n 200 -k 4 --latency 500\n")
            let running = eventually(within: 10) { ioWorkers().count >= (mode == "processes" ? 5 : 1) }
            try #require(running, "no io worker appeared:\n\(shell.stdout)\(shell.stderr)")
            let workers = ioWorkers()
            try ChildProcess.signal(shell.pid, Signals.interrupt)
            let result = try shell.finish(within: 10)
            expectEqual(result.status, 130, "\(result)")
            #expect(eventually(within: 5) { workers.allSatisfy { Processes.workerIsGone($0, shellPID: shell.pid) || ProcFS.stat(pid: $0) == nil } },
                    "\(workers)")
        }

        @Test("mistakes are clear errors")
        func mistakes() throws {
            let (results, run) = try jsonScript(["io fetch processes -k 33", "io fetch loop -k 501", "io fetch --latency -1",
                                                 "io fetch sideways", "io convoy --interval 0"])
            try #require(results.count == 5, "\(run)")
            #expect(results.allSatisfy { !succeeded($0) }, "\(run)")
            let messages = results.map { ($0["error"] as? [String: Any])?["message"] as? String ?? "" }
            expectEqual(messages[0], "clients must be between 1 and 32, got 33")
            expectEqual(messages[3], "MODE must be one of sequential, threads, processes, loop, python, py, all, got 'sideways'")
            expectEqual(results.map { ($0["error"] as? [String: Any])?["kind"] as? String }, Array(repeating: "usage", count: 5))
        }
    }
}
