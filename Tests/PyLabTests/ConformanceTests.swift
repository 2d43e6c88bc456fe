import Foundation
import Synchronization
import Testing
import TestSupport
import LabCore
import LabOS
import PyLab

/// The conformance suite: every program under Tests/Conformance/<category>/ runs in conclab's Python and in the
/// python3 on this machine, and both must print the same output and end with the same exception type (or none).
/// A program conclab refuses on purpose is listed in Tests/Conformance/unsupported.txt with the words of the clear
/// error it gives ("conclab's Python does not support …"); the listed error must be what conclab says, and a listed
/// program that now runs as python3 does must leave the list. Without python3 only conclab's half runs: every
/// program must finish (no crash, no hang) within its time.
@Suite("Conformance: programs in conclab and in python3", .serialized, .timeLimit(.minutes(5)))
struct ConformanceTests {
    /// Where the programs are.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()   // PyLabTests
        url.deleteLastPathComponent()   // Tests
        return url.appendingPathComponent("Conformance").path
    }()

    /// category/name.py, sorted.
    static func programs() -> [String] {
        var result: [String] = []
        for category in Files.list(root).sorted() where category.hasSuffix("/") {
            for file in Files.list(root + "/" + category).sorted() where file.hasSuffix(".py") {
                result.append(category + file)
            }
        }
        return result
    }

    /// What a run ended with: the printed output and the exception type (nil when it ended normally).
    struct Ending: Equatable, CustomStringConvertible {
        var output: String
        var exception: String?
        var message: String = ""

        static func == (a: Ending, b: Ending) -> Bool { a.output == b.output && a.exception == b.exception }
        var description: String {
            "output \(output.debugDescription)" + (exception.map { ", raised \($0)" } ?? ", no exception")
                + (message.isEmpty ? "" : " (\(message))")
        }
    }

    /// `unsupported.txt`: program → the words conclab's error must contain. Lines: `category/name.py | words`.
    static func unsupported() throws -> [String: String] {
        let text = try String(contentsOfFile: root + "/unsupported.txt", encoding: .utf8)
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && line.contains("|") {
            let parts = line.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            result[parts[0]] = parts[1]
        }
        return result
    }

    /// The exception type an error summary names: `TypeError: …` → TypeError, `StopIteration (line 3, column 5)`
    /// → StopIteration; a traceback's frame lines before it are skipped.
    static func exceptionType(_ summary: String) -> String {
        // A report with a traceback, or a chain of exceptions, names the exception on its last unindented line;
        // else the first line does.
        let lines = summary.split(separator: "\n")
        let chained = summary.contains("\n\nDuring handling of the above exception") || summary.contains("\n\nThe above exception was")
        // After the last traceback's frames, the first unindented line (a message may go on over more lines).
        let afterFrames = lines.lastIndex(where: { $0.hasPrefix("Traceback") }).flatMap { header in
            lines[(header + 1)...].first(where: { !$0.hasPrefix(" ") && !$0.isEmpty })
        }
        let line = afterFrames ?? (chained ? lines.last(where: { !$0.hasPrefix(" ") && !$0.isEmpty })
                                           : lines.first(where: { !$0.isEmpty })) ?? ""
        let end = line.firstIndex(where: { $0 == ":" || $0 == " " }) ?? line.endIndex
        return String(line[..<end]).trimmingCharacters(in: .whitespaces)
    }

    /// Runs `source` in a fresh conclab interpreter, stopped after `seconds`.
    static func conclab(_ source: String, seconds: Double = 20) -> Ending {
        let runtime = PyRuntime()
        let code: CodeObject
        do {
            code = try runtime.compile(source)
        } catch {
            return Ending(output: "", exception: exceptionType(error.description), message: error.description)
        }
        let cancellation = Cancellation()
        let done = Atomic<Bool>(false)
        let watchdog = Thread {
            let deadline = Clock.monotonicNanoseconds() + Int64(seconds * 1e9)
            while !done.load(ordering: .relaxed) && Clock.monotonicNanoseconds() < deadline {
                System.sleep(nanoseconds: 10_000_000)
            }
            if !done.load(ordering: .relaxed) { cancellation.cancel() }
        }
        watchdog.start()
        let outcome = runtime.runHere(code, name: "MainThread", cancellation: cancellation)
        // The program's files (open() and os) go with it: no folder is left in $TMPDIR.
        runtime.files.discard()
        done.store(true, ordering: .relaxed)
        // stdout only, as python3's side is compared: what went to stderr (a thread's exception) is checked end to end.
        let printed = outcome.printed.text(of: .standardOutput)
        if cancellation.isCancelled {
            return Ending(output: printed, exception: "Timeout", message: "still running after \(seconds) s")
        }
        if let exit = outcome.exit, !exit.message.isEmpty {
            // sys.exit("words"): python3's side names the last stderr line as it names an exception's.
            return Ending(output: printed, exception: exceptionType(exit.message), message: exit.message)
        }
        return Ending(output: printed, exception: outcome.error.map(exceptionType), message: outcome.error ?? "")
    }

    /// Every program run by python3 (one driver, each program in a process of its own); nil without python3.
    /// Each runs with -S, without the site module: python3 then starts in about 9 ms instead of 52 (349 programs,
    /// 15 s of CPU in 'make test'). site adds only site-packages and the prompt's exit/quit/help, which no program
    /// here uses; one that does fails in python3 with NameError, so it cannot pass unnoticed.
    static func cpython(_ paths: [String]) throws -> [String: Ending]? {
        let script = """
            import json, re, subprocess, sys
            out = {}
            for path in sys.argv[2:]:
                try:
                    p = subprocess.run([sys.executable, "-S", path], capture_output=True, text=True, timeout=20, cwd=sys.argv[1])
                    lines = [l for l in p.stderr.splitlines() if l.strip()]
                    exc = None
                    if p.returncode != 0 and lines:
                        # The exception's line: a message may go on over lines of its own (an MRO conflict's).
                        named = [l for l in lines if re.match(r"[A-Za-z_][\\w.]*(: |$)", l)]
                        last = (named or lines)[-1]
                        exc = last.split(":", 1)[0].strip()
                    out[path] = {"output": p.stdout, "exception": exc, "message": lines[-1] if lines else ""}
                except subprocess.TimeoutExpired:
                    out[path] = {"output": "", "exception": "Timeout", "message": "python3 still running after 20 s"}
            print(json.dumps(out))
            """
        let run = try Capture.run("/usr/bin/env", arguments: ["python3", "-c", script, root] + paths.map { root + "/" + $0 },
                                  timeoutNanoseconds: 240_000_000_000)
        if run.status == .exited(127) { return nil }
        guard run.status == .exited(0), let data = run.standardOutput.data(using: .utf8),
              let object = try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]] else {
            Issue.record("the python3 driver failed: \(run.standardError)")
            return nil
        }
        var result: [String: Ending] = [:]
        for (path, fields) in object {
            let key = String(path.dropFirst(root.count + 1))
            result[key] = Ending(output: fields["output"] as? String ?? "", exception: fields["exception"] as? String,
                                 message: fields["message"] as? String ?? "")
        }
        return result
    }

    @Test("every program prints what python3 prints and raises what it raises, or is listed with conclab's clear error")
    func programsMatchCPython() throws {
        let paths = Self.programs()
        #expect(paths.count >= 300, "the suite has \(paths.count) programs")
        let listed = try Self.unsupported()
        for path in listed.keys {
            #expect(paths.contains(path), "unsupported.txt lists \(path), which is not a program of the suite")
        }
        let reference = try Self.cpython(paths)
        var byCategory: [String: (same: Int, listed: Int, total: Int)] = [:]
        for path in paths {
            let category = String(path.prefix { $0 != "/" })
            byCategory[category, default: (0, 0, 0)].total += 1
            let source = try String(contentsOfFile: Self.root + "/" + path, encoding: .utf8)
            let mine = Self.conclab(source)
            #expect(mine.exception != "Timeout", "\(path): conclab \(mine)")
            if let words = listed[path] {
                #expect(mine.message.contains(words), "\(path) is listed as unsupported with '\(words)', but conclab gave \(mine)")
                if let theirs = reference?[path] {
                    #expect(mine != theirs, "\(path) now runs as in python3: take it off unsupported.txt")
                }
                byCategory[category, default: (0, 0, 0)].listed += 1
                continue
            }
            guard let reference else { continue }
            guard let theirs = reference[path] else {
                Issue.record("python3 gave no result for \(path)")
                continue
            }
            expectEqual(mine, theirs, "\(path):\n  conclab: \(mine)\n  python3: \(theirs)")
            if mine == theirs { byCategory[category, default: (0, 0, 0)].same += 1 }
        }
        for (category, counts) in byCategory.sorted(by: { $0.key < $1.key }) {
            print("conformance \(category): \(counts.total) programs, \(counts.same) as python3, \(counts.listed) refused with a clear error")
        }
    }
}
