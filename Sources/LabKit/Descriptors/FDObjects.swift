import LabOS
import Synchronization

/// A live object that holds descriptors of the shell: `fd list` names them in its `note` column.
protocol HoldsDescriptors: AnyObject {
    /// (descriptor, what it is for), e.g. `(6, "write end")`; the handle is added by `fd list`.
    var heldDescriptors: [(Int32, String)] { get }
}

/// A descriptor the learner opened or duplicated (`fd open`, `fd dup`, `fd dup2`). The object table owns it:
/// `close` (or leaving the shell) closes it, exactly once.
final class OpenDescriptor: LabObject, HoldsDescriptors {
    let number: Int32
    /// What it was opened on: a path, or "dup of fd3".
    let origin: String
    let path: String
    let mode: String
    private let open = Atomic<Bool>(true)

    init(number: Int32, path: String, origin: String, mode: String) {
        self.number = number
        self.path = path
        self.origin = origin
        self.mode = mode
    }

    var kind: String { "fd" }
    var isOpen: Bool { open.load(ordering: .acquiring) }
    var state: String { isOpen ? "open" : "closed" }
    var summary: String { "fd \(number) → \(path) (\(origin))" }
    var heldDescriptors: [(Int32, String)] { isOpen ? [(number, origin == "open" ? path : origin)] : [] }

    func details() -> Record {
        var record = Record([("fd", .int(Int(number))), ("path", .string(path)), ("origin", .string(origin)), ("mode", .string(mode))])
        if isOpen {
            record.append("offset", Descriptors.offset(number).map { .int(Int($0)) } ?? .null)
            record.append("cloexec", (try? Descriptors.isCloseOnExec(number)).map { .bool($0) } ?? .null)
            record.append("flags", (try? Descriptors.statusFlags(number)).map { .string(DescriptorInfo.describe(flags: $0)) } ?? .null)
        }
        return record
    }

    /// The number, or a clear error once this object was closed.
    func liveNumber(_ handle: String) throws -> Int32 {
        guard isOpen else { throw CommandError("\(handle) is closed") }
        return number
    }

    func close() throws {
        guard open.exchange(false, ordering: .acquiringAndReleasing) else { return }
        try Descriptors.close(number)
    }

    /// `dup2` onto this number closed the open file in the kernel already: only forget it.
    func markReplaced() { open.store(false, ordering: .releasing) }
}

/// A lowered (or raised) soft descriptor limit. Closing it, or leaving the shell, puts the old limit back, so a
/// lab that lowers it cannot starve what runs after it.
final class DescriptorLimitChange: LabObject {
    let originalSoft: Int
    private let current: Locked<Int>
    private let active = Atomic<Bool>(true)

    init(originalSoft: Int, soft: Int) {
        self.originalSoft = originalSoft
        current = Locked(soft)
    }

    var kind: String { "limit" }
    var soft: Int {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
    var state: String { active.load(ordering: .acquiring) ? "soft \(FDLimitText.show(soft))" : "restored" }
    var summary: String { "descriptor limit \(FDLimitText.show(soft)) (was \(FDLimitText.show(originalSoft))); close restores it" }
    func details() -> Record {
        Record([("soft", .int(soft)), ("original_soft", .int(originalSoft))])
    }

    func close() throws {
        guard active.exchange(false, ordering: .acquiringAndReleasing) else { return }
        try Descriptors.setOpenFileLimit(soft: originalSoft)
    }
}

enum FDLimitText {
    static func show(_ value: Int) -> String { value == Int.max ? "unlimited" : String(value) }
}
