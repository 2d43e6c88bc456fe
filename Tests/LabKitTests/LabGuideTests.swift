import Testing
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

    private func session() throws -> (Session, String) {
        let dir = try Files.makeTemporaryDirectory(prefix: "conclab-guide-order-test")
        try Files.makeDirectories(dir + "/Labs/en")
        try Files.writeAtomically(dir + "/Labs/en/01-order.md", Self.lab)
        return (Session(environment: SessionEnvironment(labsDirectory: dir + "/Labs", stateDirectory: dir + "/state")), dir)
    }

    @Test func tabOffersTheNextCommandOfTheStep() throws {
        let (session, dir) = try session()
        defer { Files.removeTree(dir) }
        #expect(session.execute("lab start order").succeeded)
        #expect(session.complete("").candidates == ["echo first"])
        #expect(session.execute("echo first").succeeded)
        #expect(session.complete("").candidates == ["echo second"])
        // What is typed decides: a prefix of another step command offers the ones that fit.
        #expect(session.complete("echo t").candidates == ["echo third"])
        #expect(session.execute("echo second").succeeded)
        #expect(session.complete("").candidates == ["echo third"])
        #expect(session.complete("ec").candidates == ["echo third"])
        // Running one out of order moves on from there.
        #expect(session.execute("echo first").succeeded)
        #expect(session.complete("").candidates == ["echo second"])
    }

    @Test func aCommandIsJudgedOnlyByTheChecksWrittenUnderIt() throws {
        let (session, dir) = try session()
        defer { Files.removeTree(dir) }
        #expect(session.execute("lab start order").succeeded)
        // `echo first` has no checks of its own: the ones under `echo second` are not run against it.
        #expect(session.execute("echo first").notes.filter { $0.text.contains("✓") || $0.text.contains("✗") }.isEmpty)
        #expect(session.execute("echo second").notes.contains { $0.text.contains("✓ text == \"second\"") })
        #expect(session.execute("echo third").notes.contains { $0.text.contains("✓ text == \"third\"") })
        // A line that is none of the step's commands is judged by the checks of the same command.
        let other = session.execute("echo other").notes
        #expect(other.contains { $0.text.contains("✗ text == \"second\"") })
    }
}
