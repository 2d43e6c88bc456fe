import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide
import LabOS

/// Guided mode follows the step in order: Tab offers the command after the last one run, and a command's checks
/// are the ones written under that very command.
@Suite struct LabGuideOrderTests {
    static let lab = """
    ---
    id: order
    title: Order
    topic: shell
    minutes: 1
    ---
    ## Two echoes and a value
    ```conclab
    echo first
    echo second
    ```
    ```check
    text == "second"
    ```
    ```conclab
    echo third
    ```
    ```check
    text == "third"
    ```
    """

    private func session() throws -> (Session, String) { try sessionWithLab(Self.lab, file: "01-order.md") }

    @Test func tabOffersTheNextCommandOfTheStep() throws {
        let (session, dir) = try session()
        defer { Files.removeTree(dir) }
        #expect(session.execute("lab start order").succeeded)
        expectEqual(session.complete("").candidates, ["echo first"])
        #expect(session.execute("echo first").succeeded)
        expectEqual(session.complete("").candidates, ["echo second"])
        // What is typed decides: a prefix of another step command offers the ones that fit.
        expectEqual(session.complete("echo t").candidates, ["echo third"])
        #expect(session.execute("echo second").succeeded)
        expectEqual(session.complete("").candidates, ["echo third"])
        expectEqual(session.complete("ec").candidates, ["echo third"])
        // Running one again does not move back: Tab offers the first command not yet run.
        #expect(session.execute("echo first").succeeded)
        expectEqual(session.complete("").candidates, ["echo third"])
    }

    @Test func aCommandIsJudgedOnlyByTheChecksWrittenUnderIt() throws {
        let (session, dir) = try session()
        defer { Files.removeTree(dir) }
        #expect(session.execute("lab start order").succeeded)
        // `echo first` has no checks of its own: the ones under `echo second` are not run against it.
        #expect(session.execute("echo first").notes.filter { $0.text.contains("✓") || $0.text.contains("✗") }.isEmpty)
        // A line typed differently, where the step expects `echo second`, is judged by that command's checks.
        #expect(session.execute("echo other").notes.contains { $0.text.contains("✗ text == \"second\"") })
        #expect(session.execute("echo second").notes.contains { $0.text.contains("✓ text == \"second\"") })
        #expect(session.execute("echo third").notes.contains { $0.text.contains("✓ text == \"third\"") })
    }
}
