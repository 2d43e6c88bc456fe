/// What a program (a Python snippet or file) wrote, in the order it wrote it, each piece marked as written to its
/// standard output or its standard error.
///
/// A program's output is not a lab's text: written to a pipe or a file it must be the program's bytes exactly (as
/// python3's would be: tabs, `\r`, escape sequences and all), and written to a terminal it must still work as the
/// learner expects (tabs, `\r` and colours) without being able to take the terminal over. `terminalSafe` decides
/// that; the renderers for people and labs see the plain, escaped text like any other.
public struct ProgramOutput: Sendable, Equatable {
    public enum Stream: Sendable, Equatable { case standardOutput, standardError }

    public struct Piece: Sendable, Equatable {
        public var stream: Stream
        public var text: String
    }

    public private(set) var pieces: [Piece] = []
    /// The bytes written so far, on both streams.
    public private(set) var byteCount = 0

    public init() {}

    public init(_ text: String, to stream: Stream) {
        append(text, to: stream)
    }

    public var isEmpty: Bool { byteCount == 0 }

    public mutating func append(_ text: String, to stream: Stream) {
        guard !text.isEmpty else { return }
        byteCount += text.utf8.count
        if let last = pieces.indices.last, pieces[last].stream == stream {
            pieces[last].text += text
        } else {
            pieces.append(Piece(stream: stream, text: text))
        }
    }

    public mutating func append(_ other: ProgramOutput) {
        for piece in other.pieces { append(piece.text, to: piece.stream) }
    }

    /// Both streams in the order they were written (what a terminal showing both would show).
    public var text: String { pieces.map(\.text).joined() }

    /// `text` as a result's text: without the newline that ends its last line, as checks, JSON and CSV see text.
    public var resultText: String { Self.droppingFinalNewline(text) }

    static func droppingFinalNewline(_ text: String) -> String { text.hasSuffix("\n") ? String(text.dropLast()) : text }

    /// What was written to one stream.
    public func text(of stream: Stream) -> String { pieces.filter { $0.stream == stream }.map(\.text).joined() }
}

extension String {
    /// A program's output made fit for a terminal: newline, tab, carriage return and backspace work, and so do the
    /// CSI sequences that only colour text or move the cursor on the screen (SGR `ESC[…m`, erase `ESC[K`/`ESC[J`,
    /// moves `ESC[…A`–`ESC[…H`); every other control character and sequence (OSC such as a title or the clipboard,
    /// private modes such as the alternate screen, device queries whose answer the terminal would type in) is shown
    /// escaped as `escapingControlCharacters()` shows it. A program that coloured its text is followed by a reset,
    /// so its colour does not leak into conclab's prompt.
    package func terminalSafeProgramText() -> String {
        let scalars = Array(unicodeScalars)
        guard scalars.contains(where: { String.isShownEscaped($0) }) else { return self }
        var out = String.UnicodeScalarView()
        var styled = false
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            if s == "\r" || s == "\u{8}" || !String.isShownEscaped(s) {
                out.append(s)
                i += 1
                continue
            }
            if s == "\u{1B}", i + 1 < scalars.count, scalars[i + 1] == "[" {
                // ESC [ parameters final: allowed when the parameters are digits, ';' and ':' only and the final
                // byte only styles or moves within the screen.
                var j = i + 2
                while j < scalars.count, ("0"..."9").contains(scalars[j]) || scalars[j] == ";" || scalars[j] == ":" { j += 1 }
                if j < scalars.count, "mKJABCDEFGH".unicodeScalars.contains(scalars[j]), j - i - 2 <= 32 {
                    out.append(contentsOf: scalars[i...j])
                    if scalars[j] == "m" { styled = true }
                    i = j + 1
                    continue
                }
            }
            out.append(contentsOf: String(s).escapingControlCharacters().unicodeScalars)
            i += 1
        }
        if styled { out.append(contentsOf: "\u{1B}[0m".unicodeScalars) }
        return String(out)
    }
}
