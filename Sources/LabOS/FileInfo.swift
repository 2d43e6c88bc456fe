@preconcurrency import Glibc

/// What `lstat`/`stat` say about a path: enough to walk a folder someone else made without following a link out
/// of it, going round a loop, or opening a FIFO that never answers.
public struct FileInfo: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case regular, directory, symbolicLink, fifo, socket, characterDevice, blockDevice, other

        /// "a FIFO", "a directory": for messages that say why a file was skipped.
        public var described: String {
            switch self {
            case .regular: return "a regular file"
            case .directory: return "a directory"
            case .symbolicLink: return "a symbolic link"
            case .fifo: return "a FIFO"
            case .socket: return "a socket"
            case .characterDevice: return "a character device"
            case .blockDevice: return "a block device"
            case .other: return "not a regular file"
            }
        }
    }

    public var kind: Kind
    public var size: Int64
    /// Device and inode together name a file whatever path reached it: how a walk notices a loop.
    public var device: UInt64
    public var inode: UInt64
    public var owner: UInt32

    init(_ st: stat) {
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        case S_IFIFO: kind = .fifo
        case S_IFSOCK: kind = .socket
        case S_IFCHR: kind = .characterDevice
        case S_IFBLK: kind = .blockDevice
        default: kind = .other
        }
        size = Int64(st.st_size)
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        owner = st.st_uid
    }
}

/// Why `Files.readRegularFile` would not give a file's text.
public enum FileReadRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case failed(OSError)
    case notRegular(path: String, kind: FileInfo.Kind)
    case tooLarge(path: String, bytes: Int64, limit: Int)

    public var description: String {
        switch self {
        case .failed(let error): return error.description
        case .notRegular(let path, let kind): return "\(path) is \(kind.described), not a regular file; not read"
        case .tooLarge(let path, let bytes, let limit): return "\(path) holds \(bytes) bytes, more than the \(limit) a lab file may; not read"
        }
    }
}

extension Files {
    /// The path's own facts (`lstat`: a symbolic link is reported as one), or nil when it does not exist.
    public static func linkInfo(_ path: String) -> FileInfo? {
        var st = stat()
        return lstat(path, &st) == 0 ? FileInfo(st) : nil
    }

    /// The facts of what the path leads to (`stat`: links followed), or nil when that is missing or a loop.
    public static func info(_ path: String) -> FileInfo? {
        var st = stat()
        return stat(path, &st) == 0 ? FileInfo(st) : nil
    }

    /// `ln -s target path`.
    public static func makeSymbolicLink(_ path: String, to target: String) throws(OSError) {
        _ = try valueOrErrno("create symbolic link", subject: path) { symlink(target, path) }
    }

    /// `mkfifo path`: a named pipe (opening it for reading waits for a writer).
    public static func makeFIFO(_ path: String) throws(OSError) {
        _ = try valueOrErrno("create FIFO", subject: path) { mkfifo(path, 0o600) }
    }

    /// The absolute path with every link, `.` and `..` resolved (`realpath`); nil for a dangling link or a loop.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The text of a regular file of at most `maxBytes`. Opened without blocking (a FIFO with no writer would
    /// wait forever) and checked on the open descriptor, so a file swapped after a check is still caught.
    public static func readRegularFile(_ path: String, maxBytes: Int) throws(FileReadRefusal) -> String {
        let fd: Int32
        do { fd = try valueOrErrno("open", subject: path) { open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) } } catch {
            throw .failed(error)
        }
        defer { Glibc.close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .failed(OSError("stat", errno: errno, subject: path)) }
        let info = FileInfo(st)
        guard info.kind == .regular else { throw .notRegular(path: path, kind: info.kind) }
        guard info.size <= Int64(maxBytes) else { throw .tooLarge(path: path, bytes: info.size, limit: maxBytes) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let n: Int
            do {
                n = try valueOrErrno("read", subject: path) { chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
            } catch {
                throw .failed(error)
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            // The file grew after fstat.
            if bytes.count > maxBytes { throw .tooLarge(path: path, bytes: Int64(bytes.count), limit: maxBytes) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Bytes in the regular files under `path` and how many entries it holds, links not followed. Stops counting
    /// once either passes its limit (the caller only needs to know that it did).
    public static func treeUsage(_ path: String, byteLimit: Int64, entryLimit: Int) -> (bytes: Int64, entries: Int) {
        var bytes: Int64 = 0
        var entries = 0
        func visit(_ p: String) {
            guard bytes <= byteLimit && entries <= entryLimit, let info = linkInfo(p) else { return }
            entries += 1
            switch info.kind {
            case .regular: bytes += info.size
            case .directory:
                for name in list(p) {
                    visit(p + "/" + (name.hasSuffix("/") ? String(name.dropLast()) : name))
                }
            default: break
            }
        }
        if let info = linkInfo(path), info.kind == .directory {
            for name in list(path) { visit(path + "/" + (name.hasSuffix("/") ? String(name.dropLast()) : name)) }
        }
        return (bytes, entries)
    }
}
