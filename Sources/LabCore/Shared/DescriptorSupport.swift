import LabOS

/// Descriptor helpers more than one topic needs (descriptors, IPC): explaining the descriptor limit, waiting for
/// readiness so Ctrl-C ends the wait, and where a replayed lab reads a relative path.
package enum DescriptorSupport {
    /// How many descriptors the shell has open, counted without opening one (so it works at the limit too).
    package static func openCount() -> Int {
        if let count = try? ProcFS.openDescriptorCount() { return count }
        let soft = (try? Descriptors.openFileLimit().soft) ?? 1024
        return (0..<Int32(min(soft, 1 << 16))).filter(Descriptors.isOpen).count
    }

    /// An OS error, with the next step spelled out when it is the descriptor limit.
    package static func explain(_ error: any Error) -> any Error {
        guard let os = error as? OSError, os.isTooManyOpenFiles else { return error }
        let soft = (try? Descriptors.openFileLimit().soft).map(limitText) ?? "?"
        return CommandError("\(os.description): the shell has \(openCount()) descriptors open and its limit is \(soft). "
            + "Close some with 'fd close' or 'close', or raise the limit with 'fd limit N'.")
    }

    /// A descriptor limit as people read it: `unlimited` for the largest value.
    package static func limitText(_ value: Int) -> String { value == Int.max ? "unlimited" : String(value) }

    /// Waits for `fd` to be ready in slices of 50 ms so Ctrl-C ends the wait; false when `timeout` passed first.
    package static func wait(_ fd: Int32, for readiness: Readiness, timeoutMilliseconds timeout: Int?, _ context: Context) throws -> Bool {
        let deadline = timeout.map { Clock.monotonicNanoseconds() + Time.nanoseconds(milliseconds: $0) }
        while true {
            try context.checkCancelled()
            var slice = 50
            if let deadline {
                let left = deadline - Clock.monotonicNanoseconds()
                if left <= 0 { return try Descriptors.wait(fd, for: readiness, milliseconds: 0) }
                slice = Int(min(50, (left + 999_999) / 1_000_000))
            }
            if try Descriptors.wait(fd, for: readiness, milliseconds: slice) { return true }
        }
    }
}
