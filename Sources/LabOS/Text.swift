/// The one trimming helper: the shell's lines, lab files, /proc text and the interpreter's `str.strip` all use it.
extension StringProtocol {
    /// The text without the leading and trailing characters `isTrimmed` accepts; by default blanks: space, tab,
    /// line feed and carriage return. (A CR LF pair is one `Character` in Swift and is not a blank by this
    /// default; pass `\.isWhitespace` to drop it too.)
    public func trimmed(while isTrimmed: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) -> String {
        guard let first = firstIndex(where: { !isTrimmed($0) }), let last = lastIndex(where: { !isTrimmed($0) }) else { return "" }
        return String(self[first...last])
    }
}
