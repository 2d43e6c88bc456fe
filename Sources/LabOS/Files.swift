@preconcurrency import Glibc

/// Files and directories: what the shell needs for history, progress, scripts and path completion.
public enum Files {
    public static func readText(_ path: String) throws(OSError) -> String {
        try ProcFS.readFile(path)
    }

    /// Why a bounded read refused a file.
    public struct ReadRefusal: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot read \(path): \(reason)" }
    }

    /// Reads a regular file of at most `limit` bytes. A device, a FIFO or a socket is refused before anything is read
    /// (`/dev/zero` never ends, a FIFO may never answer); a file that turns out larger than `limit` (a /proc file
    /// reports size 0, so the check is on what was read) is refused as soon as it passes the limit.
    public static func readText(_ path: String, limit: Int) throws -> String {
        let fd = FileDescriptor(try valueOrErrno("open", subject: path) { open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) })
        defer { try? fd.close() }
        var st = stat()
        _ = try valueOrErrno("fstat", subject: path) { fstat(fd.rawValue, &st) }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw ReadRefusal(path: path, reason: "it is a directory")
        case S_IFIFO: throw ReadRefusal(path: path, reason: "it is a FIFO, not a regular file")
        case S_IFSOCK: throw ReadRefusal(path: path, reason: "it is a socket, not a regular file")
        default: throw ReadRefusal(path: path, reason: "it is a device, not a regular file")
        }
        if Int(st.st_size) > limit { throw ReadRefusal(path: path, reason: "it is \(st.st_size) bytes; at most \(limit) are read") }
        var bytes: [UInt8] = []
        while true {
            let chunk = try fd.read(upTo: 65_536)
            if chunk.isEmpty { break }
            bytes += chunk
            if bytes.count > limit { throw ReadRefusal(path: path, reason: "it is more than \(limit) bytes; at most \(limit) are read") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// `mkdir -p`.
    public static func makeDirectories(_ path: String) throws(OSError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw OSError("create directory", errno: errno, subject: current)
            }
        }
    }

    /// Opens `path` for writing (created, or emptied), close-on-exec.
    public static func openForWriting(_ path: String) throws(OSError) -> FileDescriptor {
        FileDescriptor(try valueOrErrno("open", subject: path) { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) })
    }

    /// Writes through a temporary file in the same directory and renames it over `path`.
    public static func writeAtomically(_ path: String, _ text: String) throws(OSError) {
        let temporary = path + ".tmp.\(getpid())"
        let fd = FileDescriptor(try valueOrErrno("open", subject: temporary) {
            open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        })
        do throws(OSError) {
            try fd.closeAfter { () throws(OSError) in
                try fd.writeAll(text)
                _ = fsync(fd.rawValue)
            }
        } catch {
            unlink(temporary)
            throw error
        }
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw OSError("rename", errno: code, subject: path)
        }
    }

    /// Names in a directory (without "." and ".."), directories marked with a trailing "/".
    public static func list(_ directory: String) -> [String] {
        guard let dir = opendir(directory.isEmpty ? "." : directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let full = (directory.isEmpty ? "." : directory) + "/" + name
            names.append(isDirectory(full) ? name + "/" : name)
        }
        return names.sorted()
    }

    public static var homeDirectory: String {
        if let home = System.environment("HOME"), !home.isEmpty { return home }
        if let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir { return String(cString: dir) }
        return "/tmp"
    }

    /// `$XDG_STATE_HOME/conclab`, default `~/.local/state/conclab`.
    public static var stateDirectory: String {
        if let xdg = System.environment("XDG_STATE_HOME"), xdg.hasPrefix("/") { return xdg + "/conclab" }
        return homeDirectory + "/.local/state/conclab"
    }

    /// A new private directory under $TMPDIR (default /tmp), e.g. for a replayed lab's scratch folder.
    public static func makeTemporaryDirectory(prefix: String) throws(OSError) -> String {
        let base = System.environment("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/" + prefix + "-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) != nil }
        guard made else { throw OSError("create temporary directory in", errno: errno, subject: base) }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Removes a file or a directory tree (does not follow symbolic links). Missing is fine.
    public static func removeTree(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            for name in list(path) {
                let clean = name.hasSuffix("/") ? String(name.dropLast()) : name
                removeTree(path + "/" + clean)
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    public static func remove(_ path: String) { unlink(path) }

    /// The full path of `program` found on $PATH, if any.
    public static func findExecutable(_ program: String) -> String? {
        if program.contains("/") { return access(program, X_OK) == 0 ? program : nil }
        let path = System.environment("PATH") ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = String(dir) + "/" + program
            if access(candidate, X_OK) == 0 && !isDirectory(candidate) { return candidate }
        }
        return nil
    }

    /// Whether `path` is a regular file (or a link to one).
    public static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }
}
