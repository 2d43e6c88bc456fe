import Foundation
import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

/// A command with a path argument (no standard command has one yet).
private struct OpenCommand: Command {
    let spec = CommandSpec("open", summary: "open a file", arguments: [ArgumentSpec("FILE", .path)],
                           flags: [FlagSpec("mode", value: .choice(["read", "write"]), help: "how")])
}

@Suite struct CompletionTests {
    let session = Session()

    /// An alias is offered only when no command's own name fits what is typed.
    @Test func anAliasGivesWayToTheNameItStandsFor() {
        expectEqual(session.complete("th").candidates, ["thread"])
        expectEqual(session.complete("pyt").candidates, ["python"])
        expectEqual(session.complete("time th").candidates, ["thread"])
    }

    @Test func emptyLineOffersEveryCommand() {
        let completion = session.complete("")
        expectEqual(completion.start, 0)
        expectEqual(completion.partial, "")
        for name in ["help", "proc", "echo", "quit", "?", "bench", "time"] {
            #expect(completion.candidates.contains(name), "missing \(name)")
        }
        expectEqual(completion.candidates, completion.candidates.sorted())
    }

    @Test(arguments: [
        ("he", 0, "he", ["help"]),
        ("h", 0, "h", ["help", "history"]),
        ("  ec", 2, "ec", ["echo"]),
        ("proc ", 5, "", ["bench", "fork-cow", "fork-demo", "fork-fd", "fork-lock", "kill", "list", "spawn", "tree", "wait"]),
        ("proc s", 5, "s", ["spawn"]),
        ("p w", 2, "w", ["wait"]),
        ("proc spawn sp", 11, "sp", ["spin"]),
        ("proc spawn sl", 11, "sl", ["sleep"]),
        ("proc spawn sleep 100 --", 21, "--", ["--hold", "--meet", "--name", "--py", "--start", "--via"]),
        ("proc spawn sleep 100 --n", 21, "--n", ["--name"]),
        ("proc wait p1 -", 13, "-", ["--timeout"]),
        ("set ", 4, "", ["color", "limit", "output"]),
        ("set o", 4, "o", ["output"]),
        ("bench -", 6, "-", ["--runs", "--warmup"]),
        ("history --", 8, "--", []),
        ("sleep 5 ", 8, "", []),
        ("ehco ", 5, "", []),
        ("help pr", 5, "pr", ["proc"]),
        ("help proc ", 10, "", ["bench", "fork-cow", "fork-demo", "fork-fd", "fork-lock", "kill", "list", "spawn", "tree", "wait"]),
        ("echo hi | ", 10, "", ["where"]),
        ("watch ", 6, "", ["python3"]),
        ("watch python3 x.py --", 19, "--", ["--code", "--hz", "--timeout"]),
        ("echo hi | wh", 10, "wh", ["where"]),
    ] as [(String, Int, String, [String])])
    func wordsVerbsFlagsAndChoices(_ line: String, _ start: Int, _ partial: String, _ candidates: [String]) {
        let completion = session.complete(line)
        expectEqual(completion.start, start)
        expectEqual(completion.partial, partial)
        expectEqual(completion.candidates, candidates)
    }

    @Test(arguments: [
        ("time ec", ["echo"]),
        ("time proc sp", ["spawn"]),
        ("time set ", ["color", "limit", "output"]),
        ("bench echo x -n 3 ", []),
        ("time time ec", ["echo"]),
        ("bench -n 5 ec", ["echo"]),
        ("bench --warmup 2 proc ", ["bench", "fork-cow", "fork-demo", "fork-fd", "fork-lock", "kill", "list", "spawn", "tree", "wait"]),
    ] as [(String, [String])])
    func insideTimeAndBench(_ line: String, _ candidates: [String]) {
        expectEqual(session.complete(line).candidates, candidates)
    }

    @Test func liveHandles() throws {
        let session = Session()
        try session.objects.add(FakeObject(kind: .process))
        try session.objects.add(FakeObject(kind: .process), name: "busy")
        try session.objects.add(FakeObject(kind: .widget))
        expectEqual(session.complete("show ").candidates, ["busy", "o1", "p1"])
        expectEqual(session.complete("proc kill ").candidates, ["busy", "p1"])
        expectEqual(session.complete("proc wait b").candidates, ["busy"])
        expectEqual(session.complete("close p1 ").candidates, ["busy", "o1", "p1"])
        expectEqual(session.complete("proc kill p1 ").candidates, ["ABRT", "CONT", "HUP", "INT", "KILL", "QUIT", "SEGV", "STOP", "TERM", "USR1", "USR2"])
        expectEqual(session.complete("time proc kill ").candidates, ["busy", "p1"])
    }

    @Test func filePaths() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("conclab-completion-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/alps", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in ["alpha.txt", "beta", "my file"] {
            #expect(FileManager.default.createFile(atPath: directory + "/" + name, contents: Data("x".utf8)))
        }
        let session = Session(registry: Registry([OpenCommand()]))

        let all = session.complete("open \(directory)/")
        expectEqual(all.start, 5)
        expectEqual(all.candidates, ["alpha.txt", "alps/", "beta", "my file"].map { directory + "/" + $0 })

        let some = session.complete("open \(directory)/al")
        expectEqual(some.candidates, [directory + "/alpha.txt", directory + "/alps/"])
        expectEqual(some.commonPrefix, directory + "/alp")

        let quoted = session.complete("open '\(directory)/my f")
        expectEqual(quoted.start, 5)
        expectEqual(quoted.candidates, [directory + "/my file"])

        expectEqual(session.complete("open \(directory)/nothing-here").candidates, [])
        expectEqual(session.complete("open --mode ").candidates, ["read", "write"])
        expectEqual(session.complete("open --mode w").candidates, ["write"])
        expectEqual(session.complete("open \(directory)/beta ").candidates, [])
    }

    @Test func commonPrefix() {
        expectEqual(Completion(start: 0, partial: "h", candidates: ["help", "history"]).commonPrefix, "h")
        expectEqual(Completion(start: 0, partial: "s", candidates: ["sleep", "slept"]).commonPrefix, "sle")
        expectEqual(Completion(start: 0, partial: "x", candidates: []).commonPrefix, "x")
        expectEqual(Completion(start: 0, partial: "e", candidates: ["echo"]).commonPrefix, "echo")
    }
}
