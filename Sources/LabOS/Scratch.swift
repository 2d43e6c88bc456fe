@preconcurrency import Glibc

/// Scratch folders: private temporary directories `conclab-lab-<pid>-<label>-XXXXXX`, one per replayed lab.
///
/// Every way a replay can end must remove them. A normal end removes its own; a signal handler removes every one
/// still registered (`removeAll`, which also refuses new ones, so a folder made while the process is ending
/// cannot slip past). What no handler sees — SIGKILL, a crash — is swept by the next replay: the owner's pid is
/// in the name, and a folder whose owner is gone is removed (`sweepStale`).
public enum Scratch {
    public static let prefix = "conclab-lab-"

    private struct State {
        var live: Set<String> = []
        var closed = false
    }

    private static let state = Locked(State())

    /// $TMPDIR, else /tmp: where scratch folders go.
    public static var baseDirectory: String {
        System.environment("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    /// Makes and registers a new scratch folder; `label` (a lab id) only helps a person tell them apart.
    public static func make(label: String) throws(OSError) -> String {
        let clean = String(label.prefix(40).map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" })
        let path = try Files.makeTemporaryDirectory(prefix: prefix + "\(getpid())-" + clean)
        let refused = state.withLock { s -> Bool in
            if s.closed { return true }
            s.live.insert(path)
            return false
        }
        if refused {
            Files.removeTree(path)
            throw OSError("create scratch folder", errno: ECANCELED, subject: path)
        }
        return path
    }

    /// Removes one folder made by `make` and forgets it.
    public static func remove(_ path: String) {
        Files.removeTree(path)
        _ = state.withLock { $0.live.remove(path) }
    }

    /// The folders made and not yet removed.
    public static var live: [String] { state.withLock { $0.live.sorted() } }

    /// Removes every registered folder and refuses new ones from now on: the process is ending.
    /// Returns the paths, so the caller can sweep them once more after stopping what might still write there.
    @discardableResult
    public static func removeAll() -> [String] {
        let paths = state.withLock { s -> [String] in
            s.closed = true
            defer { s.live.removeAll() }
            return s.live.sorted()
        }
        for path in paths { Files.removeTree(path) }
        return paths
    }

    /// The pid a scratch folder's name carries, or nil when `name` is not one (or an older name without a pid).
    public static func ownerPID(ofName name: String) -> Int32? {
        guard name.hasPrefix(prefix) else { return nil }
        let digits = name.dropFirst(prefix.count).prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, name.dropFirst(prefix.count + digits.count).first == "-" else { return nil }
        return Int32(digits)
    }

    /// Whether process `pid` exists and has not ended (a zombie has ended: nothing of it can still write).
    public static func isAlive(_ pid: Int32) -> Bool {
        if kill(pid, 0) != 0 && errno == ESRCH { return false }
        if let stat = ProcFS.stat(pid: pid), stat.state == .zombie || stat.state == .dead { return false }
        return true
    }

    /// Removes scratch folders in `base` left by processes that are gone: only directories (not links), only this
    /// user's, only names that carry a pid. Returns the paths removed.
    @discardableResult
    public static func sweepStale(in base: String = baseDirectory) -> [String] {
        var removed: [String] = []
        for entry in Files.list(base) {
            let name = entry.hasSuffix("/") ? String(entry.dropLast()) : entry
            guard let pid = ownerPID(ofName: name), pid != getpid(), !isAlive(pid) else { continue }
            let path = base + "/" + name
            guard let info = Files.linkInfo(path), info.kind == .directory, info.owner == getuid() else { continue }
            Files.removeTree(path)
            removed.append(path)
        }
        return removed
    }
}
