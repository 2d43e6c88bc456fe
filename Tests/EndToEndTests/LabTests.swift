import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import LabOS
import Testing
import TestSupport

extension EndToEnd {
    /// Labs through the binary: replay's exit status and transcript, lint's file:line reports,
    /// and a guided session in a real terminal whose progress survives a restart.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct LabTests {
        private func labFile(_ body: String, id: String = "probe") -> String {
            "---\nid: \(id)\ntitle: Probe\ntopic: shell\nminutes: 1\n---\n\n" + body
        }

        @Test("a replay with a false check exits non-zero and names the step and the value")
        func falseCheckFails() throws {
            let dir = try TemporaryDirectory("replay")
            defer { dir.remove() }
            try FileManager.default.createDirectory(atPath: dir.file("en"), withIntermediateDirectories: true)
            _ = try dir.write("en/01-probe.md", labFile("## Echo five\n\n```conclab\necho 5\n```\n\n```check\ntext == \"6\"\n```\n"))
            let result = try runConclab(["replay", dir.file("en")])
            expectEqual(result.status, 1, "\(result)")
            #expect(result.stdout.contains("✗ text == \"6\"   (text = \"5\")"), "\(result)")
            #expect(result.stdout.contains("failed in step 1 'Echo five'"), "\(result)")
            #expect(result.stdout.contains("1 labs: 0 passed, 1 failed, 0 skipped"), "\(result)")
            // The failing check names its file and line, as a compiler names an error's.
            #expect(result.stdout.contains("    at \(dir.file("en/01-probe.md")):"), "\(result)")
        }

        @Test("lab new ID writes an en/ru skeleton that lints and replays, numbered after the labs there, never over one")
        func labNewWritesASkeleton() throws {
            let dir = try TemporaryDirectory("new-lab")
            defer { dir.remove() }
            let first = try runConclab(["lab", "new", "pipes", "--dir", dir.path])
            expectEqual(first.status, 0, "\(first)")
            let second = try runConclab(["lab", "new", "sockets", "--dir", dir.path])
            expectEqual(second.status, 0, "\(second)")
            for file in ["en/00-pipes.md", "ru/00-pipes.md", "en/01-sockets.md", "ru/01-sockets.md"] {
                #expect(FileManager.default.fileExists(atPath: dir.file(file)), "\(file) missing")
            }
            let lint = try runConclab(["lint", dir.path])
            expectEqual(lint.status, 0, "\(lint)")
            let replay = try runConclab(["replay", dir.path])
            #expect(replay.status == 0 && replay.stdout.contains("4 labs: 4 passed"), "\(replay)")
            let again = try runConclab(["lab", "new", "pipes", "--dir", dir.path])
            #expect(again.status == 1 && again.stderr.contains("already holds a lab 'pipes'"), "\(again)")
            let bad = try runConclab(["lab", "new", "9lives", "--dir", dir.path])
            expectEqual(bad.status, 2, "\(bad)")
        }

        @Test("replay --junit FILE writes JUnit XML from the confined replay: a suite per lab, a case per step, the failure with file:line")
        func junitReport() throws {
            let dir = try TemporaryDirectory("junit")
            defer { dir.remove() }
            try FileManager.default.createDirectory(atPath: dir.file("en"), withIntermediateDirectories: true)
            _ = try dir.write("en/01-probe.md", labFile("## Echo five\n\n```conclab\necho 5\n```\n\n```check\ntext == \"6\"\n```\n\n"
                                                        + "## Echo <seven>\n\n```conclab\necho 7\n```\n\n```check\ntext == \"7\"\n```\n"))
            _ = try dir.write("en/02-broken.md", "no front matter\n")
            let report = dir.file("report.xml")
            let result = try runConclab(["replay", "--junit", report, dir.file("en")])
            expectEqual(result.status, 1, "\(result)")
            let xml = try String(contentsOfFile: report, encoding: .utf8)
            let document = try XMLDocument(xmlString: xml)
            let root = try #require(document.rootElement())
            expectEqual(root.name, "testsuites")
            expectEqual(root.attribute(forName: "tests")?.stringValue, "3", "\(xml)")
            expectEqual(root.attribute(forName: "failures")?.stringValue, "2", "\(xml)")
            let cases = try root.nodes(forXPath: "//testcase") as? [XMLElement] ?? []
            let names: [String] = cases.compactMap { (element: XMLElement) -> String? in element.attribute(forName: "name")?.stringValue }
            #expect(names.contains("step 2: Echo <seven>"), "\(xml)")
            let failures = try root.nodes(forXPath: "//failure").compactMap { (node: XMLNode) in node.stringValue }
            #expect(failures.contains { $0.contains(dir.file("en/01-probe.md") + ":") && $0.contains("text == \"6\"") }, "\(xml)")
            #expect(failures.contains { $0.contains("front matter") }, "\(xml)")
            // A report that cannot be written is refused before the labs run.
            let refused = try runConclab(["replay", "--junit", dir.file("missing/report.xml"), dir.file("en/01-probe.md")])
            #expect(refused.status == 1 && refused.stderr.contains("cannot write the JUnit report"), "\(refused)")
            #expect(!refused.stdout.contains("conclab> echo 5"), "\(refused)")
        }

        @Test("a replay is confined by the kernel: it cannot run a shell or write outside its scratch folder")
        func replayIsContainedByTheKernel() throws {
            let result = try runConclab(["replay", "--check-containment"])
            if result.stdout.contains("not contained by the kernel") {
                // A kernel without Landlock: replay says so, and the check fails rather than pretending.
                expectEqual(result.status, 1, "\(result)")
                return
            }
            expectEqual(result.status, 0, "\(result)")
            #expect(result.stdout.contains("run /bin/sh: refused"), "\(result)")
            #expect(result.stdout.contains("/tmp/conclab-containment-check") && result.stdout.contains(": refused"), "\(result)")
            #expect(result.stdout.contains("write inside the scratch root: allowed"), "\(result)")
            #expect(result.stdout.contains("64 MiB + 1 byte inside the scratch root: refused"), "\(result)")
        }

        /// A replayed lab may make no file over 64 MiB, and a memfd is a file: the error names that limit, not only EFBIG.
        @Test("a replayed lab's file size limit is named when a shared segment passes it")
        func fileSizeLimitIsNamed() throws {
            let dir = try TemporaryDirectory("fsize")
            defer { dir.remove() }
            try FileManager.default.createDirectory(atPath: dir.file("en"), withIntermediateDirectories: true)
            _ = try dir.write("en/01-big.md", labFile("## Too big\n\n```conclab\nshm new --size 134217728\n```\n"))
            let replay = try runConclab(["replay", dir.file("en/01-big.md")])
            expectEqual(replay.status, 1, "\(replay)")
            #expect(replay.stdout.contains("(EFBIG; this process's file size limit is 64 MiB, as a replayed lab sets it)"), "\(replay)")
        }

        @Test("a contained replay runs workers and leaves no scratch folder behind")
        func containedReplayRunsWorkersAndCleansUp() throws {
            let dir = try TemporaryDirectory("replay")
            defer { dir.remove() }
            _ = try dir.write("w.md", labFile("## Worker\n\n```conclab\nproc spawn sleep 50\nproc wait p1\n```\n\n```check\nstatus == \"exited 0\"\n```\n\n## Export\n\n```conclab\ntrace on\nproc spawn sleep 20\nproc wait p2\ntimeline export t.svg\n```\n"))
            // A temporary folder of its own: other tests replay labs at the same time, in /tmp.
            let scratch = try TemporaryDirectory("scratch-base")
            defer { scratch.remove() }
            let run = try Launched(executable: try Conclab.binary(), arguments: ["replay", dir.file("w.md")],
                                   environment: ["TMPDIR": scratch.path])
            defer { run.cleanUp() }
            let result = try run.finish()
            expectEqual(result.status, 0, "\(result)")
            // The export lands in the replay's scratch folder, so it was made under TMPDIR.
            #expect(result.stdout.contains(scratch.path + "/" + "conclab-lab-"), "\(result)")
            expectEqual(Files.list(scratch.path).filter { $0.hasPrefix("conclab-lab-") }, [], "left behind")
        }

        @Test("a passing replay exits 0 and --json gives a summary")
        func passingReplayAndJSON() throws {
            let dir = try TemporaryDirectory("replay")
            defer { dir.remove() }
            try FileManager.default.createDirectory(atPath: dir.file("en"), withIntermediateDirectories: true)
            _ = try dir.write("en/01-probe.md", labFile("## Echo\n\n```conclab\necho 5\n```\n\n```check\ntext == \"5\"\n```\n"))
            let plain = try runConclab(["replay", dir.file("en/01-probe.md")])
            expectEqual(plain.status, 0, "\(plain)")
            #expect(plain.stdout.contains("✓ probe (en): 1 checks passed"), "\(plain)")
            let json = try runConclab(["replay", "--json", dir.file("en")])
            expectEqual(json.status, 0, "\(json)")
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(object?["passed"] as? Int == 1)
            #expect(object?["failed"] as? Int == 0)
            let reports = object?["reports"] as? [[String: Any]]
            #expect(reports?.first?["id"] as? String == "probe")
            #expect(reports?.first?["status"] as? String == "passed")
        }

        @Test("a lab needing a missing program is skipped, not failed")
        func unmetRequirementIsSkipped() throws {
            let dir = try TemporaryDirectory("replay")
            defer { dir.remove() }
            let text = "---\nid: needy\ntitle: N\ntopic: shell\nminutes: 1\nrequires: conclab-no-such-program\n---\n## A\n```conclab\necho\n```\n"
            _ = try dir.write("needy.md", text)
            let result = try runConclab(["replay", dir.file("needy.md")])
            expectEqual(result.status, 0, "\(result)")
            #expect(result.stdout.contains("skipped: needs conclab-no-such-program"), "\(result)")
        }

        @Test("a step whose requirement is unmet is skipped; the lab passes and --json counts the skipped step")
        func unmetStepRequirementIsSkipped() throws {
            let dir = try TemporaryDirectory("replay")
            defer { dir.remove() }
            try FileManager.default.createDirectory(atPath: dir.file("en"), withIntermediateDirectories: true)
            let body = "## Runs\n```conclab\necho 5\n```\n```check\ntext == \"5\"\n```\n"
                + "## Too big\n```requires\ncores: 9999\n```\n```conclab\nsleep nonsense\n```\n"
            _ = try dir.write("en/01-probe.md", labFile(body))
            let plain = try runConclab(["replay", dir.file("en")])
            expectEqual(plain.status, 0, "\(plain)")
            #expect(plain.stdout.contains("– step 2 skipped: needs 9999 cores, this process may use "), "\(plain)")
            #expect(!plain.stdout.contains("sleep nonsense"), "\(plain)")
            #expect(plain.stdout.contains("✓ probe (en): 1 checks passed, 1 step skipped"), "\(plain)")
            let json = try runConclab(["replay", "--json", dir.file("en")])
            expectEqual(json.status, 0, "\(json)")
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            let report = (object?["reports"] as? [[String: Any]])?.first
            #expect(report?["status"] as? String == "passed")
            #expect(report?["skipped_steps"] as? Int == 1)
            let steps = report?["steps"] as? [[String: Any]]
            expectEqual(steps?.map { $0["skipped"] as? Bool }, [false, true])
        }

        /// `taskset -c 0` leaves the machine's CPUs online but lets conclab use one: a two-core step is skipped with
        /// that reason, in replay and in a guided session, and the one-core steps still run.
        @Test("under taskset -c 0 a step needing two cores is skipped with its reason, in replay and in a guided lab")
        func twoCoreStepSkippedUnderAffinity() throws {
            let taskset = "/usr/bin/taskset"
            guard FileManager.default.isExecutableFile(atPath: taskset), System.numberOfCPUs >= 2 else { return }
            let dir = try TemporaryDirectory("affinity")
            defer { dir.remove() }
            try FileManager.default.createDirectory(atPath: dir.file("en"), withIntermediateDirectories: true)
            let body = "## One core\n```conclab\necho 5\n```\n```check\ntext == \"5\"\n```\n"
                + "## Two cores\n```requires\ncores: 2\n```\n```conclab\necho two\n```\n```check\ntext == \"never\"\n```\n"
                + "## One again\n```conclab\necho 7\n```\n```check\ntext == \"7\"\n```\n"
            _ = try dir.write("en/01-probe.md", labFile(body))
            let replay = try Launched(executable: taskset, arguments: ["-c", "0", try Conclab.binary(), "replay", dir.file("en")]).finish(within: 60)
            expectEqual(replay.status, 0, "\(replay)")
            #expect(replay.stdout.contains("– step 2 skipped: needs 2 cores, this process may use 1"), "\(replay)")
            #expect(replay.stdout.contains("✓ probe (en): 2 checks passed, 1 step skipped"), "\(replay)")
            let guided = try Launched(executable: taskset, arguments: ["-c", "0", try Conclab.binary(), "--keep-going"],
                                      stdin: "lab start probe\necho 5\nlab next\nlab next\necho 7\nlab status\n",
                                      environment: ["CONCLAB_LABS": dir.path, "LANG": "C", "LC_ALL": nil, "LC_MESSAGES": nil]).finish(within: 60)
            #expect(guided.stdout.contains("skipped on this machine: needs 2 cores, this process may use 1"), "\(guided)")
            #expect(!guided.stdout.contains("✗"), "\(guided)")
            #expect(guided.stdout.contains("lab 'probe' complete"), "\(guided)")
        }

        @Test("lint reports file:line: reason for malformed labs and untwinned files")
        func lintReports() throws {
            let dir = try TemporaryDirectory("lint")
            defer { dir.remove() }
            for lang in ["en", "ru"] {
                try FileManager.default.createDirectory(atPath: dir.file(lang), withIntermediateDirectories: true)
            }
            _ = try dir.write("en/01-a.md", labFile("## S\n\n```conclab\nthred list\n```\n", id: "a"))
            _ = try dir.write("ru/01-a.md", labFile("## S\n\n```conclab\necho different\n```\n", id: "a"))
            _ = try dir.write("en/02-b.md", labFile("## S\n\n```conclab\necho\n```\n```check\nx >\n```\n", id: "b"))
            let result = try runConclab(["lint", dir.path])
            expectEqual(result.status, 1, "\(result)")
            #expect(result.stdout.contains(dir.file("en/01-a.md") + ":11: 'thred list': Unknown command 'thred'"), "\(result)")
            #expect(result.stdout.contains(dir.file("ru/01-a.md") + ":8: step 'S' runs"), "\(result)")
            #expect(result.stdout.contains(dir.file("en/02-b.md") + ":14: bad check 'x >'"), "\(result)")
            let clean = try runConclab(["lint", Conclab.packageRoot + "/Labs"])
            expectEqual(clean.status, 0, "\(clean)")
            // The same problems as JSON, for an editor or CI: each with its path, line and reason.
            let json = try runConclab(["lint", "--json", dir.path])
            expectEqual(json.status, 1, "\(json)")
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            let problems = object?["problems"] as? [[String: Any]] ?? []
            #expect(object?["files"] as? Int == 3, "\(json)")
            #expect(problems.contains { $0["path"] as? String == dir.file("en/02-b.md") && $0["line"] as? Int == 14
                && ($0["reason"] as? String)?.hasPrefix("bad check 'x >'") == true }, "\(json)")
            expectEqual(problems.count, result.stdout.split(separator: "\n").count, "\(json)\n\(result)")
        }

        /// A replay killed by a signal must not leave its scratch folder, nor one an earlier replay that was killed
        /// outright (SIGKILL: no handler runs) left behind. TMPDIR is private, so the test sees only its own folders.
        @Test("a replay ended by SIGTERM or Ctrl-C removes its scratch folder; one of a dead replay is swept at start", arguments: [Signals.terminate, Signals.interrupt])
        func signalLeavesNoScratchFolder(signal: Int32) throws {
            let dir = try TemporaryDirectory("scratch")
            defer { dir.remove() }
            let temporary = dir.file("tmp")
            try FileManager.default.createDirectory(atPath: temporary + "/conclab-lab-99999999-old-abcdef", withIntermediateDirectories: true)
            _ = try dir.write("slow.md", labFile("## Sleep\n```conclab\nsleep 30000\n```\n", id: "slow"))
            let run = try Launched(executable: try Conclab.binary(), arguments: ["replay", dir.file("slow.md")],
                                   environment: ["TMPDIR": temporary])
            defer { run.cleanUp() }
            func folders() -> [String] { Files.list(temporary).filter { $0.hasPrefix("conclab-lab-") } }
            // The labs are replayed by a confined child, in a scratch root the parent made (where the kernel has
            // Landlock); without one, directly in TMPDIR.
            func labFolders() -> [String] {
                folders().flatMap { folder -> [String] in
                    let inner = Files.list(temporary + "/" + folder).filter { $0.hasPrefix("conclab-lab-") }
                    return folder.hasPrefix("conclab-lab-\(run.pid)-replay-") ? inner : [folder]
                }
            }
            let started = eventually(within: 20) {
                labFolders().contains { $0.contains("-slow-") } && run.stdout.contains("conclab> sleep 30000")
            }
            #expect(started, "no scratch folder appeared: \(folders())\n\(run.stdout)\(run.stderr)")
            #expect(!folders().contains("conclab-lab-99999999-old-abcdef/"), "the stale folder was not swept")
            try ChildProcess.signal(run.pid, signal)
            let result = try run.finish(within: 20)
            expectEqual(result.termination, .signaled(signal), "\(result)")
            #expect(folders().isEmpty, "left behind: \(folders())")
        }

        @Test("lint and replay skip a link to /, a link loop and a FIFO named x.md, and finish")
        func discoveryStaysInItsFolder() throws {
            let dir = try TemporaryDirectory("discovery")
            defer { dir.remove() }
            try FileManager.default.createDirectory(atPath: dir.file("en"), withIntermediateDirectories: true)
            _ = try dir.write("en/01-probe.md", labFile("## Echo\n```conclab\necho 5\n```\n"))
            try Files.makeSymbolicLink(dir.file("en/root"), to: "/")
            try Files.makeSymbolicLink(dir.file("en/loop"), to: "..")
            try Files.makeFIFO(dir.file("en/x.md"))
            let replay = try runConclab(["replay", dir.file("en")])
            expectEqual(replay.status, 0, "\(replay)")
            #expect(replay.stdout.contains("1 labs: 1 passed"), "\(replay)")
            #expect(replay.stderr.contains("en/root: a symbolic link to /, outside"), "\(replay)")
            #expect(replay.stderr.contains("en/loop: a symbolic link to"), "\(replay)")
            #expect(replay.stderr.contains("en/x.md: a FIFO, not a regular file; skipped"), "\(replay)")
            let lint = try runConclab(["lint", dir.file("en")])
            #expect(lint.stderr.contains("1 lab files"), "\(lint)")
        }

        @Test("a guided session: start the tour, pass a step with Tab, get a hint, and find the progress after a restart")
        func guidedSession() throws {
            let state = try TemporaryDirectory("state")
            defer { state.remove() }
            let shell = try TmuxShell(stateHome: state.path)
            defer { shell.close() }
            try shell.start()
            try shell.type("lab start tour")
            try shell.press("Enter")
            try shell.waitFor("step 1 of the tour") { $0.contains { $0.contains("step 1 of 5: Ask for help") } }
            // Tab completes the step's whole command.
            try shell.press("Tab")
            try shell.waitFor("the completed command") { $0.contains { $0.hasPrefix("[tour 1/5] conclab> help proc spawn") } }
            try shell.press("Enter")
            try shell.waitForRow("✓ Step 1 done. 'lab next' for step 2.")
            try shell.type("lab next")
            try shell.press("Enter")
            try shell.waitFor("the step 2 prompt") { $0.last { !$0.isEmpty } == "[tour 2/5] conclab>" }
            try shell.type("lab hint")
            try shell.press("Enter")
            try shell.waitFor("the hint") { $0.contains { $0.hasPrefix("No hint for this step. Its commands: mem") } }
            try shell.press("C-d")
            #expect(eventually { !shell.hasSession }, "the shell did not leave on Ctrl-D")
            let progress = try String(contentsOfFile: state.path + "/conclab/progress.json", encoding: .utf8)
            #expect(progress.contains("\"tour\":{\"steps_done\":[1]"))
            try shell.start()
            try shell.type("lab list | where id == 'tour'")
            try shell.press("Enter")
            try shell.waitFor("the kept progress") { $0.contains { $0.hasPrefix("tour ") && $0.hasSuffix("1 of 5 steps") } }
            try shell.type("lab start tour")
            try shell.press("Enter")
            try shell.waitFor("the tour resumed at step 2") { $0.last { !$0.isEmpty } == "[tour 2/5] conclab>" }
        }
    }
}
