import Foundation
import LabOS
import Testing
import TestSupport

/// Guided labs followed the way a person does, in a real terminal: the learner has objects of their own before
/// `lab start`, types each line of the lab 2 s after the last one finished (the quick end of a person's pace, so
/// `make test` stays short), types one command of their own in between where it could hurt most, and moves on
/// with `lab next`. On a fix-it step the person edits the handed-out file into the lab's own fix before running the
/// step's commands. A right action must never show a ✗, and every step must be done.
///
/// The three labs run at the same time, each in its own tmux session on a thread of its own, so the wall time is
/// about that of the longest lab. The test itself only awaits them: a test that blocked its thread for minutes
/// would hold one of the few threads every other test runs on. Not under `EndToEnd`, whose suites run one at a
/// time: tmux is started through `Launched`, which leaves the child nothing of the test's descriptors.
@Suite(.timeLimit(.minutes(6)))
struct GuidedPaceTests {
    /// What the learner made before starting the lab (the objects `labpace` makes too).
    static let ownObjects = ["proc spawn sleep 60000", "gen range 0 5", "lock new"]
    /// The learner's own command in each lab, typed after command `after` of step `step` (counted from 0): between
    /// the tour's `proc spawn` and the `ls` it checks, between the deadlock lab's two threads (the partner comes
    /// late), in the middle of the stepper's goal.
    static let ownCommand: [String: (step: Int, after: Int, line: String)] = [
        "tour": (3, 0, "ls"),
        "deadlocks": (1, 1, "thread list"),
        "race-conditions": (3, 1, "sim explore"),
    ]
    /// Seconds between the end of one command and the next, in the lab: a person's pace.
    static let pause = 2.0
    static let labs = ["00-tour.md", "05-deadlocks.md", "04-race-conditions.md"]

    /// What following one lab showed.
    struct Followed: Sendable {
        var id = ""
        var steps = 0
        var crosses: [String] = []
        var done: Set<Int> = []
        var gaveBack = false
        var problem: String?
        var seconds = 0.0
    }

    @Test("the tour, the deadlock lab and the race lab at a person's pace, beside the learner's own objects and commands, show no ✗ and every step done")
    func followAtAPersonsPace() async throws {
        let results = Gate<[String: Followed]>([:])
        for file in Self.labs {
            _ = try OSThread.detach(name: "pace-" + file.prefix(2)) {
                let followed = Self.follow(Conclab.packageRoot + "/Labs/en/" + file)
                results.update { $0[file] = followed }
            }
        }
        while results.update({ $0.count }) < Self.labs.count { try await Task.sleep(for: .milliseconds(250)) }
        for followed in results.update({ Array($0.values) }).sorted(by: { $0.id < $1.id }) {
            print("paced \(followed.id): \(followed.steps) steps in \(Int(followed.seconds)) s")
            expectEqual(followed.problem, nil, "\(followed.id): \(followed.problem ?? "")")
            #expect(followed.crosses.isEmpty, "\(followed.id): a ✗ was shown:\n\(followed.crosses.joined(separator: "\n"))")
            #expect(followed.steps > 0 && followed.done == Set(1...max(1, followed.steps)),
                    "\(followed.id): steps reported done: \(followed.done.sorted()) of \(followed.steps)")
            // The learner's objects came back when the lab stopped.
            #expect(followed.gaveBack, "\(followed.id): no line giving back the learner's objects")
        }
    }

    /// Follows the lab in `path` in a new shell, start to `lab stop`; every problem is returned, not thrown.
    static func follow(_ path: String) -> Followed {
        var followed = Followed(id: path)
        let started = Clock.monotonicNanoseconds()
        do {
            let lab = try PacedLab(path)
            followed.id = lab.id
            followed.steps = lab.steps.count
            let state = try TemporaryDirectory("pace")
            defer { state.remove() }
            let log = state.file("terminal.log")
            let work = state.file("work")
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            let shell = try TmuxShell(stateHome: state.path, directory: work)
            defer { shell.close() }
            try shell.start()
            // Everything the terminal shows, scrolled away or not.
            try shell.tmux(["pipe-pane", "-o", "-t", shell.session, "cat >> " + shellQuote(log)])
            func run(_ line: String, thenPause: Bool = true) throws {
                try shell.type(line)
                try shell.press("Enter")
                try shell.waitFor("'\(line)' to finish", within: 240) { screen in
                    screen.last { !$0.isEmpty }.map { $0.hasSuffix("conclab>") } ?? false
                }
                // The person reads what came back before typing on.
                if thenPause { System.sleep(nanoseconds: Int64(pause * 1e9)) }
            }
            for line in ownObjects { try run(line, thenPause: false) }
            try run("lab start \(lab.id)")
            let own = ownCommand[lab.id]
            for (index, commands) in lab.steps.enumerated() {
                // The learner's edit: the lab's fix in place of the file the guide handed out.
                for (name, text) in lab.solutions[index] { try text.write(toFile: work + "/" + name, atomically: true, encoding: .utf8) }
                for (position, command) in commands.enumerated() {
                    try run(command)
                    if let own, own.step == index && own.after == position { try run(own.line) }
                }
                if index + 1 < lab.steps.count { try run("lab next") }
            }
            try run("lab stop", thenPause: false)
            // tmux copies the pane into the log on its own time: on a busy machine the last lines can reach the
            // file after the prompt reached the screen, so the log is read once it holds the stop's last line.
            var shown = ""
            _ = eventually(within: 15) {
                shown = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                return shown.contains("Your objects are back")
            }
            // The pane's bytes: lines end in "\r\n" (one Character to Swift), styles are escape sequences.
            followed.crosses = shown.split(whereSeparator: \.isNewline).filter { $0.contains("✗") }
                .map { String($0).replacing(/\x1B\[[0-9;?]*[A-Za-z]/, with: "") }
            followed.done = Set(shown.matches(of: /Step (\d+) done/).compactMap { Int($0.1) })
            followed.gaveBack = shown.contains("Your objects are back: p1, g1, L1.")
        } catch {
            followed.problem = "\(error)"
        }
        followed.seconds = Double(Clock.monotonicNanoseconds() - started) / 1e9
        return followed
    }
}

/// The commands of each step of a lab file, read the way a person reads the lab: the ```conclab blocks of each
/// `## ` step, comments left out.
struct PacedLab {
    var id = ""
    var steps: [[String]] = []
    /// Each step's ```solution NAME blocks: the file name and the lab's fix.
    var solutions: [[(String, String)]] = []

    init(_ path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var inCommands = false
        var inFence = false
        var solution: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if id.isEmpty, line.hasPrefix("id:") { id = line.dropFirst(3).trimmingCharacters(in: .whitespaces) }
            if line.hasPrefix("```") {
                inCommands = !inFence && line == "```conclab"
                solution = !inFence && line.hasPrefix("```solution ") ? String(line.dropFirst(12)) : nil
                if let solution, !solutions.isEmpty { solutions[solutions.count - 1].append((solution, "")) }
                inFence.toggle()
                continue
            }
            if solution != nil, !solutions.isEmpty, var last = solutions[solutions.count - 1].popLast() {
                last.1 += line + "\n"
                solutions[solutions.count - 1].append(last)
            }
            if !inFence && line.hasPrefix("## ") { steps.append([]); solutions.append([]) }
            let command = line.trimmingCharacters(in: .whitespaces)
            if inCommands && !command.isEmpty && !command.hasPrefix("#") && !steps.isEmpty { steps[steps.count - 1].append(command) }
        }
        guard !id.isEmpty, !steps.isEmpty, steps.allSatisfy({ !$0.isEmpty }) else {
            throw SetupError("\(path): no id or a step without commands")
        }
    }
}
