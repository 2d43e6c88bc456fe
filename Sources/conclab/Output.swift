import LabKit
import LabCore
import LabTopics
import LabGuide
import LabOS
import Synchronization

/// Where the shell's text goes: results on stdout, errors on stderr, rendered as text or JSON.
///
/// Text that comes from data (a result, an error message that may quote a file, a lab's notes, a script's line) is
/// escaped with `escapingControlCharacters()` before it is styled, so only conclab's own escapes reach the terminal:
/// `say` for such text, `write` for text conclab composed (and escaped) itself.
struct Output: Sendable {
    /// Colour in what goes to stdout.
    var color: Bool
    /// Colour in what goes to stderr (the error lines); stderr may be a file while stdout is a terminal.
    var errorColor: Bool
    /// Script mode prefixes errors with the line number.
    var lineNumber: Int?

    init(color: Bool, errorColor: Bool? = nil, lineNumber: Int? = nil) {
        self.color = color
        self.errorColor = errorColor ?? color
        self.lineNumber = lineNumber
    }

    func write(_ text: String, to fd: Int32 = 1) {
        try? FileDescriptor(fd).writeAll(text)
    }

    /// Writes text that may hold data, its control characters shown escaped.
    func say(_ text: String, to fd: Int32 = 1) {
        write(text.escapingControlCharacters(), to: fd)
    }

    /// Prints an outcome the way the session's settings say.
    func show(_ outcome: Outcome, session: Session) {
        if session.settings.output == .json {
            write(json(outcome) + "\n")
            return
        }
        let renderer = HumanRenderer(color: color)
        if let failure = outcome.failure {
            let location = lineNumber.map { "line \($0): " } ?? ""
            let errors = HumanRenderer(color: errorColor)
            switch failure.kind {
            case .cancelled:
                write(errors.style("cancelled (Ctrl-C)", "33") + "\n", to: 2)
            default:
                var text = errors.style("error: ", "1;31") + location + failure.message.escapingControlCharacters() + "\n"
                if let usage = failure.usage { text += errors.style(usage.escapingControlCharacters(), "2") + "\n" }
                write(text, to: 2)
            }
            return
        }
        let text = renderer.render(outcome.result)
        if !text.isEmpty { write(text + "\n") }
        for note in outcome.notes {
            let text = note.text.escapingControlCharacters()
            switch note {
            case .check(let passed, _): write((passed ? renderer.green(text) : renderer.red(text)) + "\n")
            case .stepDone: write(renderer.green(text) + "\n")
            case .text: write(text + "\n")
            }
        }
    }

    func json(_ outcome: Outcome) -> String {
        var out = "{\"command\":" + JSONRenderer.string(outcome.line)
        out += ",\"ok\":" + (outcome.succeeded ? "true" : "false")
        out += ",\"elapsed_ms\":" + Format.fixed(Double(outcome.elapsedNanoseconds) / 1e6, 3)
        if let lineNumber { out += ",\"line\":\(lineNumber)" }
        if let failure = outcome.failure {
            out += ",\"error\":{\"kind\":" + JSONRenderer.string(failure.kind.rawValue)
            out += ",\"message\":" + JSONRenderer.string(failure.message)
            if let usage = failure.usage { out += ",\"usage\":" + JSONRenderer.string(usage) }
            out += "}"
        } else {
            out += ",\"result\":" + JSONRenderer.render(outcome.result)
        }
        if !outcome.notes.isEmpty { out += ",\"notes\":[" + outcome.notes.map { JSONRenderer.string($0.text) }.joined(separator: ",") + "]" }
        return out + "}"
    }
}

/// A progress bar on stderr for long commands, redrawn at most every 100 ms; nothing when not on a tty.
final class ProgressBar: Sendable {
    private let state = Locked<(lastDraw: Int64, shown: Bool)>((0, false))

    func report(_ fraction: Double, _ label: String) {
        let now = Clock.monotonicNanoseconds()
        let draw = state.withLock { s -> Bool in
            guard now - s.lastDraw >= 100_000_000 || fraction >= 1 else { return false }
            s.lastDraw = now
            s.shown = true
            return true
        }
        guard draw else { return }
        let width = 30
        let filled = Int((max(0, min(1, fraction)) * Double(width)).rounded())
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        try? FileDescriptor.standardError.writeAll("\r\u{1B}[2K\(bar) \(Int(fraction * 100))% \(label.escapingControlCharacters())")
    }

    /// Erases the bar if one was drawn.
    func clear() {
        let shown = state.withLock { s -> Bool in
            defer { s = (0, false) }
            return s.shown
        }
        if shown { try? FileDescriptor.standardError.writeAll("\r\u{1B}[2K") }
    }
}
