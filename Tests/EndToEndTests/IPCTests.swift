import Foundation
import LabOS
import Testing
import TestSupport

extension EndToEnd {
    /// Descriptors and IPC through the real binary: inheritance, SCM_RIGHTS to a running child, EMFILE and recovery,
    /// leak-free cycles, echo workers over every channel kind, `ipc bench`, and the labs of the topic.
    @Suite(.serialized, .timeLimit(.minutes(3)))
    struct IPCTests {
        func json(_ lines: [String]) throws -> (results: [[String: Any]], run: RunResult) { try jsonScript(lines) }
        func fields(_ outcome: [String: Any]) -> [String: Any] { resultFields(outcome) }
        func rows(_ outcome: [String: Any]) -> [[String: Any]] { resultRows(outcome) }
        func ok(_ outcome: [String: Any]) -> Bool { succeeded(outcome) }

        @Test("a child inherits what is not close-on-exec, and a descriptor sent to it shares its offset")
        func inheritanceAndPassing() throws {
            let dir = try TemporaryDirectory("fd")
            defer { dir.remove() }
            let (r, run) = try json([
                "fd open \(dir.file("notes.txt")) --mode rw --name notes",
                "fd write notes 'hello world'",
                "fd seek notes 0",
                "fd open /dev/null --cloexec --name private",
                "fd child",
                "fd list p1",
                "fd send notes p1 --read 5",
                "fd seek notes 0 cur",
                "fd list p1",
            ])
            try #require(r.count == 9, "\(run)")
            #expect(r.allSatisfy(ok), "\(run)")
            let child = fields(r[4])
            #expect(child["inherited"] as? [String] == ["notes"], "\(run)")
            let list = fields(r[5])
            #expect(list["inherited"] as? [String] == ["notes"], "\(run)")
            #expect(list["not_inherited"] as? [String] == ["private"], "\(run)")
            let notesRow = rows(r[5]).first { $0["note"] as? String == "inherited: notes" }
            #expect(notesRow?["type"] as? String == "file")
            #expect(notesRow?["target"] as? String == dir.file("notes.txt"))
            #expect(notesRow?["cloexec"] as? Bool == false)
            #expect(rows(r[5]).contains { $0["note"] as? String == "control socket from the shell" && $0["type"] as? String == "unix socket" })
            let sent = fields(r[6])
            #expect(sent["text"] as? String == "hello", "\(run)")
            #expect(sent["child_offset"] as? Int == 5)
            #expect(sent["shell_offset"] as? Int == 5, "one open file, one offset")
            #expect(sent["received_fd"] is Int)
            #expect(fields(r[7])["offset"] as? Int == 5)
            let received = rows(r[8]).first { $0["note"] as? String == "received with fd send: notes" }
            #expect(received?["fd"] as? Int == sent["received_fd"] as? Int)
            #expect(received?["cloexec"] as? Bool == true, "received with MSG_CMSG_CLOEXEC")
        }

        @Test("past the descriptor limit: a clear EMFILE, then recovery with the count back at its baseline")
        func emfileAndRecovery() throws {
            let opens = (1...70).map { "fd open /dev/null --cloexec --name f\($0)" }
            let closes = (1...70).map { "close f\($0)" }
            var lines: [String] = ["fd limit", "fd limit 64", "fd exhaust"]
            lines += opens
            lines += closes
            lines += ["close lim1", "fd limit"]
            let (r, run) = try json(lines)
            let expectedResults = lines.count   // one result a line (an untyped 3 + 70 + 70 + 2 took the type checker 12 s)
            try #require(r.count == expectedResults, "\(run)")
            let baseline = try #require(fields(r[0])["open"] as? Int, "\(run)")
            let soft = fields(r[0])["soft"] as? Int
            #expect(fields(r[1])["soft"] as? Int == 64)
            let exhaust = fields(r[2])
            #expect(exhaust["error"] as? String == "EMFILE", "\(run)")
            #expect(exhaust["leaked"] as? Int == 0)
            #expect(exhaust["numbers_in_use"] as? Int == 64, "every number below the limit was taken")
            #expect(exhaust["opened"] as? Int == 64 - baseline)
            let failedOpens = r[3..<73].filter { !ok($0) }
            expectEqual(failedOpens.count, 70 - (64 - baseline), "\(run)")
            let message = (failedOpens.first?["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.hasPrefix("cannot open /dev/null: too many open files (EMFILE): the shell has 64 descriptors open and its limit is 64."), "\(message)")
            #expect(message.contains("'fd limit N'"))
            let last = fields(r[r.count - 1])
            #expect(last["soft"] as? Int == soft, "closing lim1 restored the limit")
            #expect(last["open"] as? Int == baseline, "\(run)")
        }

        // 3,000 of each: more than the usual limit of 1,024 descriptors, so one leaked a cycle would also end in EMFILE
        // (10,000 of each ran past the 20 s a run may take on a machine as busy as make test makes it).
        @Test("3,000 open/close and 3,000 channel create/close cycles leave the descriptor count at its baseline")
        func cyclesDoNotLeak() throws {
            var lines = ["fd limit"]
            for _ in 0..<3_000 { lines += ["fd open /dev/null --name f", "fd close f"] }
            for i in 0..<3_000 { lines += [i % 2 == 0 ? "pipe new --name c" : "sock pair --name c", "close c"] }
            lines.append("fd limit")
            let run = try runConclab([], stdin: lines.joined(separator: "\n") + "\n")
            expectEqual(run.status, 0, "\(run.stderr.prefix(2000))")
            // The two `fd limit` records in the transcript: the `open` line of each.
            let opens = run.stdoutLines.filter { $0.hasPrefix("open ") }.map { $0.split(separator: " ").last.map(String.init) ?? "" }
            expectEqual(opens.count, 2)
            expectEqual(opens.first, opens.last, "\(opens)")
        }

        @Test("echo workers at the far end of a pipe, a socket pair and a TCP connection")
        func echoWorkers() throws {
            let (r, run) = try json([
                "pipe new", "ipc echo ch1", "send ch1 ping", "recv ch1 --bytes 4 --timeout 10000",
                "sock pair", "ipc echo ch2", "send ch2 pong", "recv ch2 --bytes 4 --timeout 10000",
                "sock listen tcp", "sock connect srv1", "sock accept srv1 --timeout 10000", "ipc echo ch4",
                "send ch3 'over tcp'", "recv ch3 --bytes 8 --timeout 10000",
                "fd list p1", "ls process", "close ch1", "recv ch1 --timeout 10",
            ])
            try #require(r.count == 18, "\(run)")
            #expect(r[0..<17].allSatisfy(ok), "\(run)")
            #expect(fields(r[3])["text"] as? String == "ping", "\(run)")
            #expect(fields(r[7])["text"] as? String == "pong", "\(run)")
            #expect(fields(r[13])["text"] as? String == "over tcp", "\(run)")
            // The pipe's worker holds the read end of ch1's pipe and the write end of the reply pipe.
            let pipes = rows(r[14]).filter { $0["type"] as? String == "pipe" && ($0["fd"] as? Int ?? 0) > 2 }
            expectEqual(pipes.count, 2, "\(rows(r[14]))")
            expectEqual(Set(pipes.compactMap { $0["flags"] as? String }), ["r", "w"])
            expectEqual(rows(r[15]).count, 3)
            #expect(!ok(r[17]), "ch1 is gone once closed")
            let pids = [r[1], r[5], r[11]].compactMap { fields($0)["pid"] as? Int32 ?? (fields($0)["pid"] as? Int).map(Int32.init) }
            expectEqual(pids.count, 3)
            #expect(eventually(within: 5) { pids.allSatisfy { ProcFS.stat(pid: $0) == nil || ProcFS.stat(pid: $0)?.command != Processes.workerName } },
                    "no worker outlives the shell")
        }

        @Test("ipc bench measures every transport and leaves nothing behind")
        func bench() throws {
            let (r, run) = try json(["fd limit", "ipc bench all --count 300 --total 1048576", "ls", "fd limit"])
            try #require(r.count == 4, "\(run)")
            #expect(r.allSatisfy(ok), "\(run)")
            let table = rows(r[1])
            expectEqual(table.compactMap { $0["transport"] as? String }, ["pipe", "unix", "tcp", "shm", "queue"])
            for row in table {
                #expect((row["median_us"] as? Double ?? Double(row["median_us"] as? Int ?? 0)) > 0, "\(row)")
                #expect((row["bandwidth_mib_s"] as? Double ?? 0) > 0, "\(row)")
            }
            let summary = fields(r[1])
            #expect(summary["queue_mib_s"] != nil && summary["pipe_mib_s"] != nil && summary["shm_mib_s"] != nil)
            #expect(rows(r[2]).isEmpty)
            #expect(fields(r[3])["open"] as? Int == fields(r[0])["open"] as? Int)
        }

        @Test("shared memory: counting workers and a holder leave nothing behind when the shell exits")
        func sharedMemoryLeavesNothing() throws {
            let (r, run) = try json(["shm new --name seg", "shm count seg --increments 20000 --lock mutex", "shm hold seg --name holder",
                                     "shm lock seg --timeout 50", "fd list holder"])
            try #require(r.count == 5, "\(run)")
            #expect(r.allSatisfy(ok), "\(run)")
            expectEqual(fields(r[1])["lost"] as? Int, 0)
            expectEqual(fields(r[3])["result"] as? String, "ETIMEDOUT")
            // The holder keeps no descriptor of the shell's beyond 0, 1 and 2 (the mapping needs none).
            #expect(!rows(r[4]).isEmpty && rows(r[4]).allSatisfy { ($0["fd"] as? Int ?? 99) <= 2 }, "\(rows(r[4]))")
            let pids = [fields(r[2])["pid"] as? Int].compactMap { $0 } + (fields(r[1])["pids"] as? [Int] ?? [])
            expectEqual(pids.count, 3)
            #expect(eventually(within: 5) { pids.allSatisfy { ProcFS.stat(pid: Int32($0)).map { $0.state.hasEnded } ?? true } },
                    "no shared-memory child outlives the shell")
        }

        @Test("a lab cannot write outside its scratch folder or listen beyond loopback")
        func hostileLab() throws {
            let dir = try TemporaryDirectory("hostile")
            defer { dir.remove() }
            let target = dir.file("written-by-lab")
            let lab = """
                ---
                id: hostile-fd
                title: Hostile
                topic: fd
                minutes: 1
                ---
                ## Write outside
                ```conclab
                fd open \(target) --mode w
                ```
                ## Listen everywhere
                ```conclab
                sock listen tcp --host 0.0.0.0
                ```
                ## Reach another service
                ```conclab
                sock connect tcp 22
                ```
                """
            let path = try dir.write("hostile.md", lab)
            let result = try runConclab(["replay", path])
            expectEqual(result.status, 1, "\(result)")
            #expect(result.stdout.contains("a lab may only write inside its scratch folder"), "\(result)")
            #expect(result.stdout.contains("a lab may only listen on loopback"), "\(result)")
            #expect(result.stdout.contains("a lab may only connect to its own listeners"), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: target))
        }

        @Test("the descriptor and IPC labs replay cleanly in both languages")
        func labsReplay() throws {
            let labs = ["en/02-file-descriptors.md", "ru/02-file-descriptors.md", "en/07-ipc.md", "ru/07-ipc.md"]
                .map { Conclab.packageRoot + "/Labs/" + $0 }
            for lab in labs { try #require(FileManager.default.fileExists(atPath: lab), "\(lab) is missing") }
            let result = try runConclab(["replay"] + labs)
            expectEqual(result.status, 0, "\(result)")
            #expect(result.stdout.contains("4 labs: 4 passed"), "\(result)")
        }
    }
}
