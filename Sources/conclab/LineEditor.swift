import CEditLine
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide
import LabOS

/// The libedit front end: prompt, emacs keys (or whatever the learner's `.editrc` asks for), persisted history,
/// Ctrl-R search, Tab completion, and Ctrl-C that clears the line instead of being swallowed.
final class LineEditor {
    enum Input {
        case line(String)
        case interrupted
        case endOfFile
    }

    private let editor: OpaquePointer
    private let history: OpaquePointer
    private let historyPath: String?
    private let session: Session
    private var promptText: UnsafeMutablePointer<CChar>
    fileprivate var interrupted = false

    init?(session: Session, historyPath: String?) {
        guard let el = conclab_el_init("conclab"), let h = conclab_history_init(1000) else { return nil }
        editor = el
        history = h
        self.session = session
        self.historyPath = historyPath
        promptText = strdupSwift("conclab> ")
        conclab_el_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        conclab_el_set_editor(el, "emacs")
        conclab_el_set_history(el, h)
        conclab_el_set_prompt(el) { el in
            guard let editor = LineEditor.from(el) else { return nil }
            return editor.promptText
        }
        // Ctrl-C arrives as a character (the tty's isig is off while editing) and ends el_gets.
        conclab_el_tty_noisig(el)
        conclab_el_addfn(el, "conclab-interrupt", "clear the line (Ctrl-C)") { el, _ in
            LineEditor.from(el)?.interrupted = true
            return UInt8(CC_EOF)
        }
        conclab_el_addfn(el, "conclab-complete", "complete the word") { el, _ in
            LineEditor.from(el)?.complete() ?? UInt8(CC_ERROR)
        }
        bindOwnKeys()
        // Background notices (a deadlock found by the watchdog) appear while the learner sits at the prompt, and a
        // resized window is measured again, so the line being edited is redrawn for the new width.
        conclab_el_use_polling_getc(el) { el in
            guard let editor = LineEditor.from(el) else { return 0 }
            let resized = editor.noticeResize()
            let notices = editor.session.takeNotices()
            guard !notices.isEmpty else { return resized ? 1 : 0 }
            try? FileDescriptor.standardOutput.writeAll("\r\u{1B}[K" + notices.joined(separator: "\n").escapingControlCharacters() + "\n")
            return 1
        }
        if let historyPath {
            _ = conclab_history_load(h, historyPath)
            var entry = conclab_history_oldest(h)
            while let text = entry {
                session.addHistory(String(cString: text))
                entry = conclab_history_newer(h)
            }
        }
    }

    /// conclab's own keys: Ctrl-C clears the line, Tab completes, Ctrl-R searches the history (and Ctrl-C in vi's
    /// command mode too).
    private func bindOwnKeys() {
        conclab_el_bind(editor, "^C", "conclab-interrupt")
        conclab_el_bind(editor, "^I", "conclab-complete")
        conclab_el_bind(editor, "^R", "em-inc-search-prev")
        if mode == "vi" { conclab_el_bind_alternate(editor, "^C", "conclab-interrupt") }
    }

    /// The editing mode: "emacs" or "vi".
    var mode: String { conclab_el_get_editor(editor).map { String(cString: $0) } ?? "emacs" }

    /// The learner's own libedit settings, read after conclab's: `$EDITRC` when set, else `~/.editrc` (where libedit
    /// looks). Lines run one by one, as libedit's `el_source` runs them, so that a line which resets the key maps
    /// (`bind -v`, `bind -e`, `editor vi`) is followed at once by conclab's keys again: vi mode keeps Tab and Ctrl-C,
    /// and a later line of the file may still rebind them. Returns what went wrong, one line each (nothing when there
    /// is no such file).
    func readSettings(environment: (String) -> String? = System.environment) -> [String] {
        let path: String
        if let given = environment("EDITRC"), !given.isEmpty {
            path = given
        } else if let home = environment("HOME"), !home.isEmpty {
            path = home + "/.editrc"
        } else {
            return []
        }
        let text: String
        do { text = try Files.readText(path, limit: 1 << 20) } catch let error as OSError where error.code == .noSuchFileOrDirectory {
            return []
        } catch {
            return ["\(path) not read: \(error)"]
        }
        var problems: [String] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw).trimmed()
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            if conclab_el_parse_line(editor, line) != 0 { problems.append("\(path):\(index + 1): '\(line)' not understood by libedit") }
            if Self.resetsKeyMaps(line) { bindOwnKeys() }
        }
        return problems
    }

    /// Whether an editrc line makes libedit start again from a mode's default keys: `bind -e`, `bind -v`,
    /// `editor emacs|vi`, each perhaps behind a `conclab:` prefix (a line for another program is skipped by libedit).
    static func resetsKeyMaps(_ line: String) -> Bool {
        var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard !words.isEmpty else { return false }
        if let colon = words[0].firstIndex(of: ":") {
            guard words[0][..<colon] == "conclab" else { return false }
            words[0] = String(words[0][words[0].index(after: colon)...])
            if words[0].isEmpty { words.removeFirst() }
        }
        switch words.first {
        case "editor": return true
        case "bind": return words.dropFirst().contains { $0 == "-e" || $0 == "-v" }
        default: return false
        }
    }

    deinit {
        el_end(editor)
        history_end(history)
        free(promptText)
    }

    fileprivate static func from(_ el: OpaquePointer?) -> LineEditor? {
        guard let el, let raw = conclab_el_get_clientdata(el) else { return nil }
        return Unmanaged<LineEditor>.fromOpaque(raw).takeUnretainedValue()
    }

    /// True while the Python prompt (`>>>`) reads: Tab then completes Python names.
    var pythonPrompt = false

    /// The prompt as text, for measuring where the edited line starts.
    private var prompt = "conclab> "

    func setPrompt(_ text: String) {
        free(promptText)
        promptText = strdupSwift(text)
        prompt = text
    }

    /// The window changes the line editor has taken in (`Signals.windowChangeCount` when it last read the size).
    private var windowChangesSeen = -1

    /// Reads the window's size again if it changed since libedit last read it (libedit installs no signal handler
    /// here: the SIGWINCH is counted by the signal watcher). Returns true when it did, and the line must be redrawn.
    ///
    /// libedit redraws a line as if the cursor stood where the prompt starts, but the terminal has already reflowed
    /// the line to the new width (tmux, VTE and most terminals do), so the cursor may be rows below that: it is put
    /// back at the prompt's first row (counted at the new width) and what follows is cleared before the redraw.
    fileprivate func noticeResize() -> Bool {
        let changes = Signals.windowChangeCount
        guard changes != windowChangesSeen else { return false }
        windowChangesSeen = changes
        if let info = el_line(editor)?.pointee, let columns = System.terminalColumns(1), columns > 0 {
            let length = info.cursor - info.buffer
            let bytes = UnsafeRawPointer(info.buffer).bindMemory(to: UInt8.self, capacity: length)
            let before = String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
            let row = (Format.width(prompt) + Format.width(before)) / columns
            try? FileDescriptor.standardOutput.writeAll("\r" + (row > 0 ? "\u{1B}[\(row)A" : "") + "\u{1B}[J")
        }
        el_resize(editor)
        return true
    }

    func read() -> Input {
        interrupted = false
        var count: Int32 = 0
        // The window may have been resized since the last prompt (while a command ran): read its size; while the
        // line is edited, the idle hook reads it again after each SIGWINCH (within 200 ms).
        windowChangesSeen = Signals.windowChangeCount
        el_resize(editor)
        guard let raw = el_gets(editor, &count) else {
            return interrupted ? .interrupted : .endOfFile
        }
        if interrupted { return .interrupted }
        // The line as typed but for its newline: at the Python prompt the indentation is the code's.
        var line = String(cString: raw)
        while line.last == "\n" || line.last == "\r" { line.removeLast() }
        return .line(line)
    }

    /// Adds a line to the history and saves the file (so nothing is lost if the shell is killed).
    func remember(_ line: String) {
        guard !line.isEmpty else { return }
        _ = conclab_history_enter(history, line)
        if let historyPath { _ = conclab_history_save(history, historyPath) }
    }

    private func complete() -> UInt8 {
        guard let info = el_line(editor)?.pointee else { return UInt8(CC_ERROR) }
        let length = info.cursor - info.buffer
        let bytes = UnsafeRawPointer(info.buffer).bindMemory(to: UInt8.self, capacity: length)
        let before = String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
        let completion: Completion
        if pythonPrompt {
            // At >>>: Python names (globals, built-ins, keywords), never conclab's commands.
            let names = PyInput.completions(before, runtime: PyRuntime.shared(for: session))
            completion = Completion(start: before.count - names.partial.count, partial: names.partial, candidates: names.candidates)
        } else {
            completion = session.complete(before)
        }
        guard !completion.candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        if completion.candidates.count == 1 {
            let word = completion.candidates[0]
            var insert = String(word.dropFirst(completion.partial.count))
            if !word.hasSuffix("/") && !pythonPrompt { insert += " " }
            _ = el_insertstr(editor, insert)
            return UInt8(CC_REFRESH)
        }
        let common = completion.commonPrefix
        if common.count > completion.partial.count {
            _ = el_insertstr(editor, String(common.dropFirst(completion.partial.count)))
            return UInt8(CC_REFRESH)
        }
        // Several candidates and nothing more in common: list them under the line.
        let width = (completion.candidates.map(\.count).max() ?? 0) + 2
        let columns = max(1, (System.terminalColumns(1) ?? 80) / width)
        var text = "\n"
        for (i, c) in completion.candidates.enumerated() {
            text += Format.pad(c, width)
            if (i + 1) % columns == 0 || i == completion.candidates.count - 1 { text += "\n" }
        }
        try? FileDescriptor.standardOutput.writeAll(text)
        return UInt8(CC_REDISPLAY)
    }
}

private func strdupSwift(_ text: String) -> UnsafeMutablePointer<CChar> {
    let utf8 = Array(text.utf8CString)
    let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count)
    pointer.initialize(from: utf8, count: utf8.count)
    return pointer
}

private func free(_ pointer: UnsafeMutablePointer<CChar>) { pointer.deallocate() }
