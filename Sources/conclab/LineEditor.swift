import CEditLine
import LabKit
import LabCore
import LabTopics
import LabGuide
import LabOS

/// The libedit front end: prompt, emacs keys, persisted history, Ctrl-R search, Tab completion,
/// and Ctrl-C that clears the line instead of being swallowed.
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
        conclab_el_bind(el, "^C", "conclab-interrupt")
        conclab_el_addfn(el, "conclab-complete", "complete the word") { el, _ in
            LineEditor.from(el)?.complete() ?? UInt8(CC_ERROR)
        }
        conclab_el_bind(el, "^I", "conclab-complete")
        conclab_el_bind(el, "^R", "em-inc-search-prev")
        // Background notices (a deadlock found by the watchdog) appear while the learner sits at the prompt.
        conclab_el_use_polling_getc(el) { el in
            guard let editor = LineEditor.from(el) else { return 0 }
            let notices = editor.session.takeNotices()
            guard !notices.isEmpty else { return 0 }
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

    deinit {
        el_end(editor)
        history_end(history)
        free(promptText)
    }

    fileprivate static func from(_ el: OpaquePointer?) -> LineEditor? {
        guard let el, let raw = conclab_el_get_clientdata(el) else { return nil }
        return Unmanaged<LineEditor>.fromOpaque(raw).takeUnretainedValue()
    }

    func setPrompt(_ text: String) {
        free(promptText)
        promptText = strdupSwift(text)
    }

    func read() -> Input {
        interrupted = false
        var count: Int32 = 0
        guard let raw = el_gets(editor, &count) else {
            return interrupted ? .interrupted : .endOfFile
        }
        if interrupted { return .interrupted }
        return .line(String(cString: raw).trimmed())
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
        let completion = session.complete(before)
        guard !completion.candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        if completion.candidates.count == 1 {
            let word = completion.candidates[0]
            var insert = String(word.dropFirst(completion.partial.count))
            if !word.hasSuffix("/") { insert += " " }
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
