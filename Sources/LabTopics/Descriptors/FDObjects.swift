import LabOS
import Synchronization
import LabCore
import PyLab

/// A descriptor the learner opened or duplicated (`fd open`, `fd dup`, `fd dup2`). The object table owns it:
/// `close` (or leaving the shell) closes it, exactly once.
package final class OpenDescriptor: LabObject, HoldsDescriptors {
    package let number: Int32
    /// What it was opened on: a path, or "dup of fd3".
    package let origin: String
    package let path: String
    package let mode: String
    private let open = Atomic<Bool>(true)

    package init(number: Int32, path: String, origin: String, mode: String) {
        self.number = number
        self.path = path
        self.origin = origin
        self.mode = mode
    }

    package var kind: ObjectKind { .fd }
    package var isOpen: Bool { open.load(ordering: .acquiring) }
    package var state: String { isOpen ? "open" : "closed" }
    package var summary: String { "fd \(number) → \(path) (\(origin))" }
    package var heldDescriptors: [(Int32, String)] { isOpen ? [(number, origin == "open" ? path : origin)] : [] }

    package func details() -> Record {
        var record = Record([("fd", .int(Int(number))), ("path", .string(path)), ("origin", .string(origin)), ("mode", .string(mode))])
        if isOpen {
            record.append("offset", Descriptors.offset(number).map { .int(Int($0)) } ?? .null)
            record.append("cloexec", (try? Descriptors.isCloseOnExec(number)).map { .bool($0) } ?? .null)
            record.append("flags", (try? Descriptors.statusFlags(number)).map { .string(DescriptorInfo.describe(flags: $0)) } ?? .null)
        }
        return record
    }

    /// The number, or a clear error once this object was closed.
    package func liveNumber(_ handle: String) throws -> Int32 {
        guard isOpen else { throw CommandError("\(handle) is closed") }
        return number
    }

    package func close() throws {
        guard open.exchange(false, ordering: .acquiringAndReleasing) else { return }
        try FileDescriptor(number).close()
    }

    /// `dup2` onto this number closed the open file in the kernel already: only forget it.
    package func markReplaced() { open.store(false, ordering: .releasing) }
}

/// A lowered (or raised) soft descriptor limit. Closing it, or leaving the shell, puts the old limit back, so a
/// lab that lowers it cannot starve what runs after it.
package final class DescriptorLimitChange: LabObject {
    package let originalSoft: Int
    private let current: Locked<Int>
    private let active = Atomic<Bool>(true)

    package init(originalSoft: Int, soft: Int) {
        self.originalSoft = originalSoft
        current = Locked(soft)
    }

    package var kind: ObjectKind { .limit }
    package var soft: Int {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
    package var state: String { active.load(ordering: .acquiring) ? "soft \(DescriptorSupport.limitText(soft))" : "restored" }
    package var summary: String { "descriptor limit \(DescriptorSupport.limitText(soft)) (was \(DescriptorSupport.limitText(originalSoft))); close restores it" }
    package func details() -> Record {
        Record([("soft", .int(soft)), ("original_soft", .int(originalSoft))])
    }

    package func close() throws {
        guard active.exchange(false, ordering: .acquiringAndReleasing) else { return }
        try Descriptors.setOpenFileLimit(soft: originalSoft)
    }
}


