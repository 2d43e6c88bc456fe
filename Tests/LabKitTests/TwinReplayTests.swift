import Foundation
import Testing
import TestSupport
@testable import LabGuide
import LabCore

/// `replay --twins-once`: a Russian twin judged on its English twin's run gets its own lines, titles and path, and
/// only twins that do the same things in the same order are judged so.
@Suite struct TwinReplayTests {
    /// A report as a replay of `lab` would give when every check ran: one outcome per check line, in order, failing
    /// where `failing` says, and a problem naming a command's line.
    static func report(of lab: Lab, failing: Set<Int> = []) -> ReplayReport {
        var steps: [StepReport] = []
        for (i, step) in lab.steps.enumerated() {
            var checks: [CheckOutcome] = []
            for block in step.blocks {
                switch block {
                case .checks(let lines), .goal(let lines):
                    for line in lines {
                        checks.append(CheckOutcome(line: line.number, condition: line.text, passed: !failing.contains(line.number), detail: ""))
                    }
                default: break
                }
            }
            let problems = step.commands.first.map { ["line \($0.number): '\($0.text)' failed: no such thing"] } ?? []
            steps.append(StepReport(index: i + 1, title: step.title, checks: checks, problems: problems))
        }
        return ReplayReport(lab: lab, status: .failed, skipReason: nil, steps: steps, elapsedNanoseconds: 1)
    }

    static func labs(_ language: LabLanguage) -> [Lab] { LabCatalog.load(labsDirectory: Repository.root + "/Labs", language: language).0 }

    @Test func everyBuiltInRussianTwinIsJudgedOnItsEnglishRunWithItsOwnLines() throws {
        let english = Self.labs(.en), russian = Self.labs(.ru)
        expectEqual(english.count, russian.count)
        #expect(!english.isEmpty)
        for en in english {
            let ru = try #require(russian.first { $0.id == en.id }, "no Russian twin of \(en.id)")
            let judged = try #require(TwinReplay.judge(ru, on: Self.report(of: en)), "\(ru.path) does not do what \(en.path) does, in the same order")
            expectEqual(judged.lab.path, ru.path)
            expectEqual(judged.judgedOn, en.path)
            let expected = Self.report(of: ru)
            for (a, b) in zip(judged.steps, expected.steps) {
                expectEqual(a.title, b.title)
                expectEqual(a.checks.map(\.line), b.checks.map(\.line), "\(ru.id) step \(a.index)")
                expectEqual(a.problems, b.problems, "\(ru.id) step \(a.index)")
            }
        }
    }

    static let english = """
        ---
        id: twin
        title: Twin
        topic: shell
        minutes: 1
        ---
        ## One

        ```conclab
        echo hi
        ```

        ```check
        text == "hi"
        ```

        ```conclab
        echo there
        ```

        ```check
        text == "there"
        ```
        """

    static func parse(_ text: String, _ path: String) throws -> Lab { try LabParser.parse(text, path: path) }

    @Test func aFailedCheckStaysFailedUnderTheTwinsLine() throws {
        let en = try Self.parse(Self.english, "x/en/twin.md")
        // The same steps, with a line more of prose before them: every line number moves by two.
        let ruText = Self.english.replacingOccurrences(of: "## One\n", with: "## Один\n\nПроза.\n")
        let ru = try Self.parse(ruText, "x/ru/twin.md")
        let failingLine = try #require(en.steps[0].checkGroups.last?.checks.first?.number)
        let judged = try #require(TwinReplay.judge(ru, on: Self.report(of: en, failing: [failingLine])))
        let ruLine = try #require(ru.steps[0].checkGroups.last?.checks.first?.number)
        expectEqual(ruLine, failingLine + 2)
        expectEqual(judged.status, .failed)
        expectEqual(judged.steps[0].checks.map(\.passed), [true, false])
        expectEqual(judged.steps[0].checks.last?.line, ruLine)
        expectEqual(judged.steps[0].title, "Один")
        #expect(TwinReplay.transcript(judged).contains("    at x/ru/twin.md:\(ruLine)"))
    }

    @Test(arguments: [
        ("a check moved after the other command", Self.english.replacingOccurrences(of: "```check\ntext == \"hi\"\n```\n\n```conclab\necho there\n```", with: "```conclab\necho there\n```\n\n```check\ntext == \"hi\"\n```")),
        ("another command", Self.english.replacingOccurrences(of: "echo there", with: "echo where")),
        ("a check that differs", Self.english.replacingOccurrences(of: "text == \"there\"", with: "text != \"there\"")),
    ])
    func twinsThatDoOtherThingsAreReplayedOnTheirOwn(what: String, ruText: String) throws {
        let en = try Self.parse(Self.english, "x/en/twin.md")
        let ru = try Self.parse(ruText, "x/ru/twin.md")
        #expect(TwinReplay.judge(ru, on: Self.report(of: en)) == nil, "\(what)")
    }

    @Test func lineNumbersInAProblemAreTheTwins() {
        expectEqual(TwinReplay.renumbered("line 12: 'x' failed (before line 30); line x", [12: 14, 30: 33]), "line 14: 'x' failed (before line 33); line x")
    }
}
