@preconcurrency import Glibc

/// A folder whose files are reached only beneath it: conclab's Python opens, lists, renames and removes files
/// through one of these, so a program (perhaps from someone else's lab) cannot reach a file outside it.
///
/// A name is split into components and walked one `openat` at a time from a descriptor of the folder, each with
/// `O_NOFOLLOW`: a symbolic link anywhere on the way is refused (not followed out), `..` is refused before anything
/// is opened, and an absolute name is accepted only when it starts with the folder's own path. A FIFO or a device
/// is refused after a non-blocking open (reading one could wait forever); only regular files and folders are used.
public struct Beneath: Sendable {
    /// The folder, as an absolute path.
    public let root: String

    public init(root: String) { self.root = root }

    /// Why a name was not used.
    public enum Failure: Error, Sendable, Equatable {
        /// The name leads outside the folder (absolute elsewhere, `..`, or through a symbolic link): `reason` says how.
        case outside(reason: String)
        /// The OS refused (no such file, exists already, is a folder…).
        case os(Errno)
    }

    /// What a file or folder beneath the root is.
    public struct Entry: Sendable, Equatable {
        public var isDirectory: Bool
        public var isRegular: Bool
        public var size: Int
    }

    /// How to open a file: CPython's modes come down to these.
    public struct Access: Sendable, Equatable {
        public var read: Bool
        public var write: Bool
        public var create: Bool
        public var truncate: Bool
        public var exclusive: Bool
        public var append: Bool
        public init(read: Bool, write: Bool, create: Bool = false, truncate: Bool = false, exclusive: Bool = false, append: Bool = false) {
            (self.read, self.write, self.create, self.truncate, self.exclusive, self.append) = (read, write, create, truncate, exclusive, append)
        }
    }

    /// The components of `name` below the root ("." and empty ones dropped), or why it is not beneath it.
    public func components(_ name: String) throws(Failure) -> [String] {
        // C would see a name cut at its NUL: another file than the one named.
        if name.utf8.contains(0) { throw .os(.invalidArgument) }
        var relative = Substring(name)
        if name.hasPrefix("/") {
            if name == root { relative = "" }
            else if name.hasPrefix(root + "/") { relative = name.dropFirst(root.count + 1) }
            else { throw .outside(reason: "'\(name)' is outside it") }
        }
        let parts = relative.split(separator: "/").filter { $0 != "." }.map(String.init)
        if parts.contains("..") { throw .outside(reason: "'..' leads out of it") }
        return parts
    }

    /// Opens the folder `parts` names (the root for none), without following a link; the caller closes it.
    private func openDirectory(_ parts: ArraySlice<String>, name: String) throws(Failure) -> Int32 {
        var fd = Glibc.open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw .os(Errno.current) }
        for part in parts {
            let next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let code = Errno.current
            if next < 0 {
                let link = isLink(fd, part)
                Glibc.close(fd)
                if link { throw .outside(reason: "'\(name)' goes through a symbolic link") }
                throw .os(code)
            }
            Glibc.close(fd)
            fd = next
        }
        return fd
    }

    private func isLink(_ dir: Int32, _ part: String) -> Bool {
        var st = stat()
        return fstatat(dir, part, &st, AT_SYMLINK_NOFOLLOW) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
    }

    /// Runs `body` with a descriptor of the folder holding `name`'s last component, and that component.
    private func inParent<R>(_ name: String, _ body: (Int32, String) throws(Failure) -> R) throws(Failure) -> R {
        let parts = try components(name)
        // "" names nothing (ENOENT, as open("") in CPython); "." and the root's own path name the folder.
        guard let last = parts.last else { throw .os(name.isEmpty ? .noSuchFileOrDirectory : .isDirectory) }
        let dir = try openDirectory(parts.dropLast(), name: name)
        defer { Glibc.close(dir) }
        return try body(dir, last)
    }

    /// Opens a regular file beneath the root. The descriptor is close-on-exec and blocking; the caller closes it.
    public func open(_ name: String, _ access: Access, permissions: mode_t = 0o644) throws(Failure) -> FileDescriptor {
        try inParent(name) { dir, last throws(Failure) in
            var flags = O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK
            flags |= access.read && access.write ? O_RDWR : (access.write ? O_WRONLY : O_RDONLY)
            if access.create { flags |= O_CREAT }
            if access.truncate { flags |= O_TRUNC }
            if access.exclusive { flags |= O_EXCL }
            if access.append { flags |= O_APPEND }
            var fd: Int32
            repeat { fd = openat(dir, last, flags, permissions) } while fd < 0 && Errno.current == .interrupted
            if fd < 0 {
                let code = Errno.current
                if code == Errno(rawValue: ELOOP) && isLink(dir, last) { throw .outside(reason: "'\(name)' is a symbolic link") }
                throw .os(code)
            }
            var st = stat()
            let kind = fstat(fd, &st) == 0 ? st.st_mode & S_IFMT : 0
            guard kind == S_IFREG else {
                Glibc.close(fd)
                throw kind == S_IFDIR ? .os(.isDirectory) : .outside(reason: "'\(name)' is not a regular file")
            }
            // Regular files never block; the flag only kept a FIFO's open from waiting.
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            return FileDescriptor(fd)
        }
    }

    /// What `name` is (a link is not followed: it is reported as neither a folder nor a regular file), or nil.
    public func entry(_ name: String) throws(Failure) -> Entry? {
        let parts = try components(name)
        if name.isEmpty { return nil }
        let dir: Int32
        do throws(Failure) { dir = try openDirectory(parts.dropLast(), name: name) } catch .os { return nil }
        defer { Glibc.close(dir) }
        var st = stat()
        guard fstatat(dir, parts.last ?? ".", &st, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        let kind = st.st_mode & S_IFMT
        return Entry(isDirectory: kind == S_IFDIR, isRegular: kind == S_IFREG, size: Int(st.st_size))
    }

    /// The names in the folder `name` (the root for ""), sorted, without "." and "..".
    public func list(_ name: String) throws(Failure) -> [String] {
        if name.isEmpty { throw .os(.noSuchFileOrDirectory) }
        let parts = try components(name)
        let fd = try openDirectory(parts[...], name: name)
        guard let stream = fdopendir(fd) else { Glibc.close(fd); throw .os(Errno.current) }
        defer { closedir(stream) }
        var names: [String] = []
        while let item = readdir(stream) {
            let entryName = withUnsafePointer(to: item.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if entryName != "." && entryName != ".." { names.append(entryName) }
        }
        return names.sorted()
    }

    /// Removes the file `name` (not a folder).
    public func remove(_ name: String) throws(Failure) {
        try inParent(name) { dir, last throws(Failure) in
            if unlinkat(dir, last, 0) != 0 { throw .os(Errno.current) }
        }
    }

    /// Removes the empty folder `name`.
    public func removeDirectory(_ name: String) throws(Failure) {
        try inParent(name) { dir, last throws(Failure) in
            if unlinkat(dir, last, AT_REMOVEDIR) != 0 { throw .os(Errno.current) }
        }
    }

    /// Makes the folder `name`.
    public func makeDirectory(_ name: String) throws(Failure) {
        try inParent(name) { dir, last throws(Failure) in
            if mkdirat(dir, last, 0o755) != 0 { throw .os(Errno.current) }
        }
    }

    /// Renames `from` to `to`, both beneath the root (a link is moved as itself, never followed).
    public func rename(_ from: String, to: String) throws(Failure) {
        try inParent(from) { fromDir, fromLast throws(Failure) in
            try inParent(to) { toDir, toLast throws(Failure) in
                if renameat(fromDir, fromLast, toDir, toLast) != 0 { throw .os(Errno.current) }
            }
        }
    }
}

extension FileDescriptor {
    /// `lseek`: the new offset from the start of the file.
    public func seek(offset: Int, whence: Int32) throws(OSError) -> Int {
        let result = lseek(rawValue, off_t(offset), whence)
        if result < 0 { throw OSError("seek", Errno.current, subject: description) }
        return Int(result)
    }

    /// `ftruncate`.
    public func truncate(size: Int) throws(OSError) {
        _ = try valueOrErrno("truncate", subject: description) { ftruncate(rawValue, off_t(size)) }
    }

    /// The file's size now (`fstat`).
    public func size() throws(OSError) -> Int {
        var st = stat()
        _ = try valueOrErrno("fstat", subject: description) { fstat(rawValue, &st) }
        return Int(st.st_size)
    }
}
