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
    /// The columns text is fitted to (stdout is a terminal), else nil: lines as long as they are.
    var width: Int?
    /// At the prompt, the most lines a result shows before "… N more lines"; nil shows everything.
    var maxLines: Int?

    init(color: Bool, errorColor: Bool? = nil, lineNumber: Int? = nil, width: Int? = nil, maxLines: Int? = nil) {
        self.color = color
        self.errorColor = errorColor ?? color
        self.lineNumber = lineNumber
        self.width = width
        self.maxLines = maxLines
    }

    /// This output fitted to the terminal on stdout, read now (so a resized window counts from the next result on),
    /// and, when `bounded`, cut after a screen's worth: the rows less the command's line, the notice and the prompt.
    func fitted(bounded: Bool) -> Output {
        var fitted = self
        fitted.width = System.terminalColumns(1)
        if bounded, fitted.width != nil, let rows = System.terminalRows(1) { fitted.maxLines = max(5, rows - 3) }
        return fitted
    }

    func write(_ text: String, to fd: Int32 = 1) {
        try? FileDescriptor(fd).writeAll(text)
    }

    /// Writes text that may hold data, its control characters shown escaped.
    func say(_ text: String, to fd: Int32 = 1) {
        write(text.escapingControlCharacters(), to: fd)
    }

    /// Text conclab composed (a banner, a notice), wrapped at spaces to the width of the terminal on `fd`, if any.
    func sayWrapped(_ text: String, to fd: Int32 = 1) {
        let escaped = text.escapingControlCharacters()
        guard let columns = System.terminalColumns(fd) else { return write(escaped, to: fd) }
        let lines = escaped.split(separator: "\n", omittingEmptySubsequences: false).flatMap { TextLayout.wrap(String($0), width: columns) }
        write(lines.joined(separator: "\n"), to: fd)
    }

    /// Prints an outcome the way the session's settings say.
    func show(_ outcome: Outcome, session: Session) {
        let format = session.settings.output
        if format == .json {
            write(json(outcome) + "\n")
            return
        }
        let renderer = HumanRenderer(color: color, width: width)
        if let failure = outcome.failure {
            if let program = failure.program, format != .csv {
                writeProgram(program)
            } else if let printed = failure.output, format != .csv {
                write(printed.escapingControlCharacters() + (printed.hasSuffix("\n") ? "" : "\n"))
            }
            let location = lineNumber.map { "line \($0): " } ?? ""
            let errors = HumanRenderer(color: errorColor)
            switch failure.kind {
            case .cancelled:
                write(errors.style("cancelled (Ctrl-C)", "33") + "\n", to: 2)
            case .failed where failure.exitStatus != nil:
                // A program's sys.exit("…"): its words on stderr, as python3 writes them.
                if !failure.message.isEmpty { writeProgram(ProgramOutput(failure.message + "\n", to: .standardError)) }
                if let lineNumber, let status = failure.exitStatus {
                    write(errors.style("line \(lineNumber): the program exited with status \(status)", "2") + "\n", to: 2)
                }
            default:
                // Wrapped when stderr is a terminal of a known width, the usage under its own first word.
                let columns = width == nil ? nil : System.terminalColumns(2)
                func fit(_ text: String, indent: Int? = nil) -> [String] {
                    columns.map { TextLayout.wrap(text, width: $0, indent: indent) } ?? [text]
                }
                let message = fit("error: " + location + failure.message.escapingControlCharacters(), indent: 2)
                var text = errors.style("error: ", "1;31") + String(message[0].dropFirst("error: ".count))
                for line in message.dropFirst() { text += "\n" + line }
                text += "\n"
                if let usage = failure.usage {
                    for line in usage.escapingControlCharacters().split(separator: "\n", omittingEmptySubsequences: false) {
                        text += fit(String(line)).map { errors.style($0, "2") }.joined(separator: "\n") + "\n"
                    }
                }
                write(text, to: 2)
            }
            return
        }
        if format == .csv {
            // Only the data on stdout, so it can go straight into a file; a lab's notes go to stderr.
            let text = CSVRenderer.render(outcome.result)
            if !text.isEmpty { write(text + "\n") }
            for note in outcome.notes { say(note.text + "\n", to: 2) }
            return
        }
        if case .program(let program) = outcome.result {
            writeProgram(program)
        } else if case .group(let parts) = outcome.result, parts.contains(where: { if case .program = $0 { true } else { false } }) {
            for part in parts {
                if case .program(let program) = part { writeProgram(program) } else { print(part, renderer) }
            }
        } else if let maxLines, outcome.directive != .printInFull {
            let page = renderer.page(outcome.result, maxLines: maxLines)
            if !page.text.isEmpty { write(page.text + "\n") }
            if !page.omitted.isEmpty {
                let notice = width.map { TextLayout.wrap(page.omitted.notice, width: $0, indent: 2) } ?? [page.omitted.notice]
                write(notice.map(renderer.dim).joined(separator: "\n") + "\n")
            }
        } else {
            print(outcome.result, renderer)
        }
        for note in outcome.notes {
            let text = note.text.escapingControlCharacters()
            let lines = width.map { TextLayout.wrap(text, width: $0).joined(separator: "\n") } ?? text
            switch note {
            case .check(let passed, _): write((passed ? renderer.green(lines) : renderer.red(lines)) + "\n")
            case .stepDone: write(renderer.green(lines) + "\n")
            case .text: write(lines + "\n")
            }
        }
    }

    /// Writes what a program wrote, each piece to the stream it was written to: to a pipe or a file the program's
    /// bytes exactly, as python3's would be; to a terminal made safe (`terminalSafeProgramText`: tabs, `\r` and
    /// colours work, sequences that would drive the terminal are shown escaped), ending on a new line. In a script
    /// (`lineNumber` set) a last line without its newline gets one, so the next echo starts its own line.
    func writeProgram(_ program: ProgramOutput) {
        let terminal = (out: System.isTerminal(1), err: System.isTerminal(2))
        let interrupts = Signals.interruptCount
        for piece in program.pieces {
            let fd: Int32 = piece.stream == .standardOutput ? 1 : 2
            let onTerminal = fd == 1 ? terminal.out : terminal.err
            var text = onTerminal ? piece.text.terminalSafeProgramText() : piece.text
            // In slices, so a Ctrl-C stops a long output.
            while !text.isEmpty {
                guard Signals.interruptCount == interrupts else {
                    write("\n" + HumanRenderer(color: color).dim("… printing stopped (Ctrl-C)") + "\n")
                    return
                }
                let slice = text.utf8.count <= 1 << 16 ? text[...] : text.prefix(1 << 14)
                write(String(slice), to: fd)
                text.removeFirst(slice.count)
            }
        }
        if let last = program.pieces.last, !last.text.hasSuffix("\n") {
            let fd: Int32 = last.stream == .standardOutput ? 1 : 2
            if lineNumber != nil || (fd == 1 ? terminal.out : terminal.err) { write("\n", to: fd) }
        }
    }

    /// Prints the whole result as it is rendered, a batch of lines at a time: a Ctrl-C stops the printing.
    private func print(_ result: LabResult, _ renderer: HumanRenderer) {
        let interrupts = Signals.interruptCount
        let finished = renderer.stream(result) { lines in
            guard Signals.interruptCount == interrupts else { return false }
            write(lines.joined(separator: "\n") + "\n")
            return Signals.interruptCount == interrupts
        }
        if !finished { write("\n" + renderer.dim("… printing stopped (Ctrl-C)") + "\n") }
    }

    func json(_ outcome: Outcome) -> String {
        var out = "{\"command\":" + JSONRenderer.string(outcome.line)
        out += ",\"ok\":" + (outcome.succeeded ? "true" : "false")
        out += ",\"elapsed_ms\":" + Format.fixed(Double(outcome.elapsedNanoseconds) / 1e6, 3)
        if let lineNumber { out += ",\"line\":\(lineNumber)" }
        if let failure = outcome.failure {
            out += ",\"error\":{\"kind\":" + JSONRenderer.string(failure.kind.rawValue)
            out += ",\"message\":" + JSONRenderer.string(failure.message)
            if let printed = failure.output { out += ",\"output\":" + JSONRenderer.string(printed) }
            if let usage = failure.usage { out += ",\"usage\":" + JSONRenderer.string(usage) }
            if let status = failure.exitStatus { out += ",\"exit_status\":\(status)" }
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
    /// When it was last drawn, and how wide (0: nothing shown).
    private let state = Locked<(lastDraw: Int64, drawnWidth: Int)>((0, 0))

    func report(_ fraction: Double, _ label: String) {
        let now = Clock.monotonicNanoseconds()
        let due = state.withLock { s -> Bool in
            guard now - s.lastDraw >= 100_000_000 || fraction >= 1 else { return false }
            s.lastDraw = now
            return true
        }
        guard due else { return }
        // One line that never reaches the last column, so the terminal does not wrap it and \r redraws it in place:
        // the bar shrinks and the label is cut to the window's width, read at each draw (it may have been resized).
        let window = System.terminalColumns(2) ?? 80
        let columns = window - 1
        let percent = " \(Int(fraction * 100))% "
        let barWidth = min(30, columns - percent.count - 10)
        guard barWidth >= 5 else { return }
        let filled = Int((max(0, min(1, fraction)) * Double(barWidth)).rounded())
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
        let shown = TextLayout.truncate(label.escapingControlCharacters(), to: columns - barWidth - percent.count)
        let text = bar + percent + shown
        let previous = state.withLock { s -> Int in
            defer { s.drawnWidth = Format.width(text) }
            return s.drawnWidth
        }
        try? FileDescriptor.standardError.writeAll(Self.erase(drawnWidth: previous, columns: window) + text)
    }

    /// Erases the bar if one was drawn.
    func clear() {
        let drawn = state.withLock { s -> Int in
            defer { s = (0, 0) }
            return s.drawnWidth
        }
        if drawn > 0 { try? FileDescriptor.standardError.writeAll(Self.erase(drawnWidth: drawn, columns: System.terminalColumns(2) ?? 80)) }
    }

    /// What takes the cursor back to the start of a bar drawn `drawnWidth` columns wide and erases it. A window made
    /// narrower since has reflowed the bar onto several rows (as tmux and VTE do), the cursor on the last of them:
    /// go up to the first and clear from there down.
    static func erase(drawnWidth: Int, columns: Int) -> String {
        let rows = columns > 0 && drawnWidth > 0 ? (drawnWidth - 1) / columns : 0
        return "\r" + (rows > 0 ? "\u{1B}[\(rows)A" : "") + "\u{1B}[J"
    }
}
