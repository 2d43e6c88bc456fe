import LabCore

/// The sizes past which conclab's Python raises MemoryError, as CPython does when memory runs out. CPython's limit
/// is the machine's memory; conclab stops much earlier, at sizes a lab never needs, so a runaway loop
/// (`while True: x.append(1)`, `s += s`) ends with a clear MemoryError instead of taking the machine's memory.
package struct PyLimits: Sendable {
    /// Items in one list (or a sequence collected into one): 2^26 by default, 512 MiB of values.
    package var listItems = 1 << 26
    /// Bytes in one string: 2^28 by default, 256 MiB.
    package var stringBytes = 1 << 28

    package init(listItems: Int = 1 << 26, stringBytes: Int = 1 << 28) {
        self.listItems = listItems
        self.stringBytes = stringBytes
    }

    package var listMessage: String { "conclab's lists hold at most \(Self.grouped(listItems)) items" }
    /// 67108864 → "67,108,864".
    private static func grouped(_ n: Int) -> String {
        var digits = Array(String(n))
        var out = ""
        while digits.count > 3 { out = "," + String(digits.suffix(3)) + out; digits.removeLast(3) }
        return String(digits) + out
    }

    package var stringMessage: String { "conclab's strings hold at most \(Self.grouped(stringBytes)) bytes" }
}

extension PyThreadState {
    /// A MemoryError with `message`.
    package func memoryError(_ message: String) -> PyError { error(runtime.classes.memoryError, message) }
}
