import Synchronization
import LabOS
import Testing
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

/// A kind of object only the tests make.
extension ObjectKind {
    static let widget = ObjectKind("widget")
    static let gadget = ObjectKind("gadget")
    static let counter = ObjectKind("counter")
}

/// A stand-in live object for the object table: records when it is closed, and can refuse to close.
final class FakeObject: LabObject {
    let kind: ObjectKind
    let name: String
    private let closed = Atomic<Int>(0)
    private let failsToClose: Bool
    private let log: CloseLog?

    init(kind: ObjectKind = .widget, name: String = "fake", failsToClose: Bool = false, log: CloseLog? = nil) {
        self.kind = kind
        self.name = name
        self.failsToClose = failsToClose
        self.log = log
    }

    var closeCount: Int { closed.load(ordering: .relaxed) }
    var state: String { closeCount > 0 ? "closed" : "open" }
    var summary: String { "fake \(name)" }
    func details() -> Record { Record([("name", .string(name))]) }

    func close() throws {
        closed.add(1, ordering: .relaxed)
        log?.append(name)
        if failsToClose { throw CommandError("\(name) refused to close") }
    }
}

/// The order objects were closed in.
final class CloseLog: Sendable {
    private let names = Mutex<[String]>([])
    func append(_ name: String) { names.withLock { $0.append(name) } }
    var all: [String] { names.withLock { $0 } }
}

/// The text of the error `body` throws, or nil when it does not throw.
func errorText(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return "\(error)"
    }
}

/// A session whose Labs folder holds one English lab, `text`, as `Labs/en/FILE`; the caller removes the folder.
func sessionWithLab(_ text: String, file: String) throws -> (Session, String) {
    let dir = try Files.makeTemporaryDirectory(prefix: "conclab-guide-test")
    try Files.makeDirectories(dir + "/Labs/en")
    try Files.writeAtomically(dir + "/Labs/en/" + file, text)
    return (Session(environment: SessionEnvironment(labsDirectory: dir + "/Labs", stateDirectory: dir + "/state")), dir)
}

extension Outcome {
    /// The rendered text of the result, without colour.
    var text: String { HumanRenderer(color: false).render(result) }
}
