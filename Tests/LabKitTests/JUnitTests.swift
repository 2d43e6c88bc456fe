import Testing
import LabCore
@testable import LabGuide

/// JUnit XML from replay reports, for CI: escaped text, a case per step, skipped steps and unreadable lab files.
@Suite struct JUnitTests {
    @Test func escapesAndCountsEveryKindOfCase() throws {
        let lab = try LabParser.parse("---\nid: ab\ntitle: T\ntopic: tour\nminutes: 1\n---\n# T\n\n## S\n\n```conclab\necho 1\n```\n", path: "/x/en/01-a.md")
        let steps = [
            StepReport(index: 1, title: "quotes \"and\" <angles>", checks: [CheckOutcome(line: 9, condition: "x < 2", passed: false, detail: "x = 3")],
                       problems: [], skipReason: nil),
            StepReport(index: 2, title: "two cores", checks: [], problems: [], skipReason: "needs 2 cores"),
            StepReport(index: 3, title: "fine", checks: [CheckOutcome(line: 20, condition: "y == 1", passed: true, detail: "")],
                       problems: [], skipReason: nil),
        ]
        let report = ReplayReport(lab: lab, status: .failed, skipReason: nil, steps: steps, elapsedNanoseconds: 1_234_000_000)
        let xml = JUnitReport.xml([report], unreadable: [("/x/en/02-b.md", "no front matter\u{1}")])
        #expect(xml.contains("<testsuites name=\"conclab replay\" tests=\"4\" failures=\"2\" skipped=\"1\" time=\"1.234\">"), "\(xml)")
        #expect(xml.contains("name=\"ab (en)\""), "\(xml)")
        #expect(xml.contains("name=\"step 1: quotes &quot;and&quot; &lt;angles&gt;\""), "\(xml)")
        #expect(xml.contains("/x/en/01-a.md:9: ✗ x &lt; 2   (x = 3)</failure>"), "\(xml)")
        #expect(xml.contains("<skipped message=\"needs 2 cores\"/>"), "\(xml)")
        #expect(xml.contains("no front matter?</failure>"), "\(xml)")
        #expect(!xml.contains("\u{1}"))
    }
}
