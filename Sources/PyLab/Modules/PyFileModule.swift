import LabOS
import LabCore

/// The files conclab's Python may open: only those in its own folder, and its containment.
///
/// Every name `open` and `os` are given is resolved beneath one folder (`Beneath`): relative names land in it, an
/// absolute name is accepted only inside it, `..` and symbolic links are refused, so a program — perhaps from
/// someone else's replayed lab — reads no secret of this machine. In a replayed lab the folder is the lab's scratch
/// folder; otherwise it is a private scratch folder made on the first use and kept for the whole session (a file one
/// `py` writes, the next one reads), removed when the session ends. A program given with `py --file` does not see the
/// files next to it: it reads what it (or an earlier `py`) wrote.
///
/// What is written into files is counted against a bound (64 MiB a session; in a replayed lab, the lab's own
/// bound), and at most `openLimit` files are open at once. A file stays open until closed, until its file object is
/// freed (`open(name).read()` closes it at once, as in CPython: the handle's `Token` closes it), `py reset` or the
/// end of the session: a file left open by one `py` line may be used by the next, as at python3's prompt.
package final class PyFiles: Sendable {
    package static let openLimit = 256
    package static let writeLimit = 64 << 20
    /// What making a file or a folder counts against the bound, as if a block were written.
    package static let entryCost = 4096

    /// The unread bytes of a file read ahead (`readline` reads a block and keeps the rest).
    struct OpenFile {
        var fd: FileDescriptor
        var buffer: [UInt8] = []
        var start = 0
        var unread: Int { buffer.count - start }
    }

    private struct State {
        var root: String?
        /// The folder was made here (not the lab's): removed with this object.
        var madeHere = false
        var charge: (@Sendable (Int) -> String?)?
        var written = 0
        /// By serial number: a number is never used twice, so a late close cannot close another file.
        var open: [Int: OpenFile] = [:]
        var serials = 0
    }
    private let state = Locked(State())

    package init() {}

    deinit { discard() }

    /// Closes every file and removes the folder if it was made here (a lab's scratch folder is the replay's to
    /// remove). A file object still alive then finds its file closed; a later open makes a new folder.
    package func discard() {
        closeAll()
        let made = state.withLock { s -> String? in
            defer { if s.madeHere { s.root = nil; s.madeHere = false } }
            return s.madeHere ? s.root : nil
        }
        if let made { Scratch.remove(made) }
    }

    /// Uses `folder` (a replayed lab's scratch folder) instead of a folder of its own, and `charge` to count the bytes
    /// written (it returns why a write is refused, or nil). Set before the first file is opened.
    package func confine(to folder: String, charge: @escaping @Sendable (Int) -> String?) {
        state.withLock {
            $0.root = folder
            $0.charge = charge
        }
    }

    /// The folder, made on first use.
    package func folder() throws(OSError) -> Beneath {
        try state.withLock { s throws(OSError) -> Beneath in
            if let root = s.root { return Beneath(root: root) }
            // What a session killed outright (SIGKILL) left behind.
            Scratch.sweepStale()
            let made = try Scratch.make(label: "py")
            s.root = made
            s.madeHere = true
            return Beneath(root: made)
        }
    }

    /// The folder's path if it was made (or given) already.
    package var folderIfMade: String? { state.withLock { $0.root } }

    package var openCount: Int { state.withLock { $0.open.count } }

    /// Registers a descriptor just opened: its serial number, or nil (and it is closed) when `openLimit` files are
    /// open already.
    func register(_ fd: FileDescriptor) -> Int? {
        let serial = state.withLock { s -> Int? in
            guard s.open.count < Self.openLimit else { return nil }
            s.serials += 1
            s.open[s.serials] = OpenFile(fd: fd)
            return s.serials
        }
        if serial == nil { try? fd.close() }
        return serial
    }

    /// What a file object holds: when the last reference to it goes (the file object was freed), the file is closed.
    final class Token: Sendable {
        let files: PyFiles
        let serial: Int
        init(_ files: PyFiles, _ serial: Int) { (self.files, self.serial) = (files, serial) }
        deinit { _ = files.close(serial) }
    }

    /// Runs `body` on the open file `number`; nil when it is not one of this runtime's files.
    func with<R>(_ number: Int, _ body: (inout OpenFile) throws(OSError) -> R) throws(OSError) -> R? {
        try state.withLock { s throws(OSError) -> R? in
            guard var file = s.open[number] else { return nil }
            defer { s.open[number] = file }
            return try body(&file)
        }
    }

    /// Counts `bytes` about to be written; the reason when that would pass the bound.
    func charge(_ bytes: Int) -> String? {
        let (charge, refused) = state.withLock { s -> ((@Sendable (Int) -> String?)?, Bool) in
            if s.charge != nil { return (s.charge, false) }
            if s.written + bytes > Self.writeLimit { return (nil, true) }
            s.written += bytes
            return (nil, false)
        }
        if let charge { return charge(bytes) }
        return refused ? "conclab's Python writes at most \(Self.writeLimit >> 20) MiB into files in a session" : nil
    }

    /// Closes one file; false when `number` is not one of this runtime's open files.
    func close(_ number: Int) -> Bool {
        guard let file = state.withLock({ $0.open.removeValue(forKey: number) }) else { return false }
        try? file.fd.close()
        return true
    }

    /// Closes every file still open; returns how many there were.
    @discardableResult
    package func closeAll() -> Int {
        let files = state.withLock { s in defer { s.open = [:] }; return s.open }
        for file in files.values { try? file.fd.close() }
        return files.count
    }
}

/// `io`: `open` and the file classes, as CPython's `_io` names them. The classes are Python (the module's source)
/// around a descriptor number of `PyFiles`; reading, writing and seeking are the functions here.
package enum FileModule {
    /// A read of a whole file goes by blocks of this size, a Ctrl-C checked between them.
    static let block = 65_536

    package static let definition = ModuleDefinition("io", natives: [
        Builtin("_open") { ts, a throws(PyError) in
            try a.expect(7...7, ts)
            let name = ts.string(a[0]) ?? ""
            var access = Beneath.Access(read: try ts.truthy(a[1]), write: try ts.truthy(a[2]))
            access.create = try ts.truthy(a[3])
            access.truncate = try ts.truthy(a[4])
            access.exclusive = try ts.truthy(a[5])
            access.append = try ts.truthy(a[6])
            if access.create, try ts.inFolder(name, body: { place throws(Beneath.Failure) in try place.entry(name) }) == nil {
                try ts.chargeNewEntry()
            }
            let fd = try ts.inFolder(name) { place throws(Beneath.Failure) in try place.open(name, access) }
            guard let serial = ts.runtime.files.register(fd) else {
                throw ts.error(ts.runtime.classes.osError,
                               "[Errno 24] Too many open files: conclab's Python has at most \(PyFiles.openLimit) files open; close them (or open them with 'with')")
            }
            // The handle: a function object that keeps the token alive; the file object holds it.
            let token = PyFiles.Token(ts.runtime.files, serial)
            return ts.newNative(Builtin("file") { _, _ throws(PyError) in .int(token.serial) }, bound: [.int(serial)])
        },
        Builtin("_read") { ts, a throws(PyError) in
            try a.expect(3...3, ts)
            let number = try ts.fileNumber(a[0])
            let size = try ts.intArgument(a[1], "size")
            let characters = try ts.truthy(a[2])
            var out: [UInt8] = []
            // What has been read, in the unit `size` counts: characters in text, bytes in binary.
            var got = 0
            while size < 0 || got < size {
                try ts.periodicCheck()
                let wanted = size < 0 ? Self.block : min(Self.block, size - got)
                let chunk = try ts.fileCall(number) { file throws(OSError) in try Self.take(&file, wanted) }
                if chunk.isEmpty { break }
                out += chunk
                got += characters ? Self.characters(in: chunk) : chunk.count
                try ts.checkBytesSize(out.count)
            }
            // Text: a character cut at the end of a block is completed from the file.
            if characters { try Self.completeCharacter(&out, ts, number) }
            return ts.newBytes(out)
        },
        Builtin("_readline") { ts, a throws(PyError) in
            try a.expect(4...4, ts)
            let number = try ts.fileNumber(a[0])
            let limit = try ts.intArgument(a[1], "size")
            let characters = try ts.truthy(a[2])
            let ending = LineEnding(rawValue: try ts.intArgument(a[3], "ending")) ?? .newline
            var out: [UInt8] = []
            while limit < 0 || (characters ? Self.characters(in: out) : out.count) < limit {
                try ts.periodicCheck()
                let step = try ts.fileCall(number) { file throws(OSError) -> (bytes: [UInt8], done: Bool) in
                    if file.unread == 0 {
                        file.buffer = try file.fd.read(upTo: Self.block)
                        file.start = 0
                        if file.buffer.isEmpty { return ([], true) }
                    }
                    let found = try Self.lineEnd(&file, ending)
                    let end = found ?? file.buffer.count
                    var stop = end
                    if limit >= 0 && !characters { stop = min(end, file.start + limit - out.count) }
                    let taken = Array(file.buffer[file.start..<stop])
                    file.start = stop
                    return (taken, found != nil && stop == end)
                }
                if characters && limit >= 0 {
                    // Keep only `limit` characters; the rest goes back to the buffer.
                    var combined = out + step.bytes
                    let cut = Self.prefixLength(of: combined, characters: limit)
                    if cut < combined.count {
                        let back = Array(combined[cut...])
                        combined.removeSubrange(cut...)
                        _ = try ts.fileCall(number) { file throws(OSError) in
                            file.buffer = back + file.buffer[file.start...]
                            file.start = 0
                        }
                        out = combined
                        break
                    }
                    out = combined
                } else {
                    out += step.bytes
                }
                try ts.checkBytesSize(out.count)
                if step.done || step.bytes.isEmpty { break }
            }
            if characters { try Self.completeCharacter(&out, ts, number) }
            return ts.newBytes(out)
        },
        Builtin("_write") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let number = try ts.fileNumber(a[0])
            guard let data = ts.bytes(a[1]) else { throw ts.typeError("a bytes-like object is required, not '\(ts.typeName(a[1]))'") }
            try ts.chargeWriting(data.count)
            _ = try ts.fileCall(number) { file throws(OSError) in
                try Self.dropReadAhead(&file)
                try file.fd.writeAll(data)
            }
            return .int(data.count)
        },
        Builtin("_seek") { ts, a throws(PyError) in
            try a.expect(3...3, ts)
            let number = try ts.fileNumber(a[0])
            let offset = try ts.intArgument(a[1], "offset"), whence = try ts.intArgument(a[2], "whence")
            guard (0...2).contains(whence) else {
                throw ts.error(ts.runtime.classes.valueError, "invalid whence (\(whence), should be 0, 1 or 2)")
            }
            return .int(try ts.fileCall(number) { file throws(OSError) in
                try Self.dropReadAhead(&file)
                return try file.fd.seek(offset: offset, whence: Int32(whence))
            })
        },
        Builtin("_tell") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let number = try ts.fileNumber(a[0])
            return .int(try ts.fileCall(number) { file throws(OSError) in try file.fd.seek(offset: 0, whence: 1) - file.unread })
        },
        Builtin("_truncate") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let number = try ts.fileNumber(a[0])
            let size = try ts.intArgument(a[1], "size")
            if size < 0 { throw ts.error(ts.runtime.classes.osError, "[Errno 22] Invalid argument") }
            let current = try ts.fileCall(number) { file throws(OSError) in try file.fd.size() }
            if size > current { try ts.chargeWriting(size - current) }
            _ = try ts.fileCall(number) { file throws(OSError) in
                try Self.dropReadAhead(&file)
                try file.fd.truncate(size: size)
            }
            return .int(size)
        },
        Builtin("_close") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            _ = ts.runtime.files.close(try ts.fileNumber(a[0]))
            return .none
        },
        Builtin("_fileno") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return .int(Int(try ts.fileCall(try ts.fileNumber(a[0])) { file throws(OSError) in file.fd.rawValue }))
        },
        Builtin("_refuse") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            throw ts.error(ts.runtime.classes.notImplementedError, "conclab's Python does not support \(ts.string(a[0]) ?? "that")")
        },
    ], source: source)

    /// What ends a line: `newline=` of `open` (None and "" split at all three), and always "\n" in binary.
    enum LineEnding: Int {
        case newline = 0, universal = 1, carriageReturn = 2, both = 3
    }

    /// Where the line starting at the reader's place ends (after its terminator), or nil when the buffer holds no
    /// end. A "\r" at the end of the buffer reads on, since a "\n" after it belongs to the same ending.
    static func lineEnd(_ file: inout PyFiles.OpenFile, _ ending: LineEnding) throws(OSError) -> Int? {
        var i = file.start
        while i < file.buffer.count {
            let b = file.buffer[i]
            if b == 10 && (ending == .newline || ending == .universal) { return i + 1 }
            if b == 13 && ending != .newline {
                if ending == .carriageReturn { return i + 1 }
                if i + 1 == file.buffer.count {
                    let more = try file.fd.read(upTo: block)
                    if more.isEmpty { return ending == .universal ? i + 1 : nil }
                    file.buffer += more
                }
                if file.buffer[i + 1] == 10 { return i + 2 }
                if ending == .universal { return i + 1 }
            }
            i += 1
        }
        return nil
    }

    /// How many characters the UTF-8 `bytes` hold (continuation bytes are not counted).
    static func characters(in bytes: [UInt8]) -> Int { bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } }

    /// How many of `bytes` make their first `characters` characters.
    static func prefixLength(of bytes: [UInt8], characters: Int) -> Int {
        var seen = 0
        for (i, b) in bytes.enumerated() where b & 0xC0 != 0x80 {
            if seen == characters { return i }
            seen += 1
        }
        return bytes.count
    }

    /// Up to `count` bytes: first what was read ahead, else one read.
    static func take(_ file: inout PyFiles.OpenFile, _ count: Int) throws(OSError) -> [UInt8] {
        if file.unread > 0 {
            let n = min(count, file.unread)
            defer { file.start += n }
            return Array(file.buffer[file.start..<file.start + n])
        }
        return try file.fd.read(upTo: count)
    }

    /// Before a write or a seek: the descriptor's offset goes back to where the reader is.
    static func dropReadAhead(_ file: inout PyFiles.OpenFile) throws(OSError) {
        if file.unread > 0 { _ = try file.fd.seek(offset: -file.unread, whence: 1) }
        file.buffer = []
        file.start = 0
    }

    /// Reads the rest of a UTF-8 sequence cut at the end of `out` (at most 3 more bytes).
    static func completeCharacter(_ out: inout [UInt8], _ ts: PyThreadState, _ number: Int) throws(PyError) {
        guard let lead = out.lastIndex(where: { $0 & 0xC0 != 0x80 }) else { return }
        let b = out[lead]
        let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
        let missing = length - (out.count - lead)
        if missing > 0 { out += try ts.fileCall(number) { file throws(OSError) in try Self.take(&file, missing) } }
    }

    static let source = """
        class UnsupportedOperation(OSError, ValueError):
            pass

        _CLOSED = "I/O operation on closed file."

        def _size(size, message):
            if size is None:
                return -1
            if not isinstance(size, int):
                raise TypeError(message % type(size).__name__)
            return size

        class _IOBase:
            # Checks are written out in each method (not a helper's call): a line loop calls them every line.
            def __init__(self, handle, name, mode, readable, writable, newline):
                self._h = handle
                self.name = name
                self.mode = mode
                self._readable = readable
                self._writable = writable
                self._newline = newline
                self.closed = False

            def readable(self):
                if self.closed:
                    raise ValueError("I/O operation on closed file")
                return self._readable

            def writable(self):
                if self.closed:
                    raise ValueError("I/O operation on closed file")
                return self._writable

            def seekable(self):
                if self.closed:
                    raise ValueError(_CLOSED)
                return True

            def isatty(self):
                if self.closed:
                    raise ValueError(_CLOSED)
                return False

            def fileno(self):
                if self.closed:
                    raise ValueError("I/O operation on closed file")
                return _fileno(self._h)

            def flush(self):
                if self.closed:
                    raise ValueError(_CLOSED)

            def close(self):
                if not self.closed:
                    self.closed = True
                    _close(self._h)

            def __enter__(self):
                if self.closed:
                    raise ValueError(_CLOSED)
                return self

            def __exit__(self, t, v, tb):
                self.close()

            def __iter__(self):
                if self.closed:
                    raise ValueError(_CLOSED)
                return self

            def __next__(self):
                line = self.readline()
                if not line:
                    raise StopIteration
                return line

            def readlines(self, hint=-1):
                lines = []
                total = 0
                while True:
                    line = self.readline()
                    if not line:
                        break
                    lines.append(line)
                    total += len(line)
                    if hint is not None and hint > 0 and total >= hint:
                        break
                return lines

            def writelines(self, lines):
                if self.closed:
                    raise ValueError(_CLOSED)
                for line in lines:
                    self.write(line)

            def tell(self):
                if self.closed:
                    raise ValueError(_CLOSED)
                return _tell(self._h)

            def truncate(self, size=None):
                if self.closed:
                    raise ValueError(_CLOSED)
                if not self._writable:
                    raise UnsupportedOperation("truncate")
                if size is None:
                    size = _tell(self._h)
                return _truncate(self._h, size)

        class TextIOWrapper(_IOBase):
            def __init__(self, handle, name, mode, readable, writable, newline, encoding):
                _IOBase.__init__(self, handle, name, mode, readable, writable, newline)
                self.encoding = encoding
                self.errors = "strict"
                # Where readline splits (FileModule.LineEnding): newline None or "" at any of the three endings.
                if newline is None or newline == "":
                    self._ending = 1
                elif newline == "\\r":
                    self._ending = 2
                elif newline == "\\r\\n":
                    self._ending = 3
                else:
                    self._ending = 0

            def read(self, size=-1):
                size = _size(size, "argument should be integer or None, not '%s'")
                if self.closed:
                    raise ValueError(_CLOSED)
                if not self._readable:
                    raise UnsupportedOperation("not readable")
                text = _read(self._h, size, True).decode("utf-8")
                if self._newline is None and "\\r" in text:
                    text = text.replace("\\r\\n", "\\n").replace("\\r", "\\n")
                return text

            def readline(self, size=-1):
                if size != -1:
                    size = _size(size, "'%s' object cannot be interpreted as an integer")
                if self.closed:
                    raise ValueError(_CLOSED)
                if not self._readable:
                    raise UnsupportedOperation("not readable")
                text = _readline(self._h, size, True, self._ending).decode("utf-8")
                if self._newline is None and "\\r" in text:
                    text = text.replace("\\r\\n", "\\n").replace("\\r", "\\n")
                return text

            def write(self, s):
                if not isinstance(s, str):
                    raise TypeError("write() argument must be str, not " + type(s).__name__)
                if self.closed:
                    raise ValueError(_CLOSED)
                if not self._writable:
                    raise UnsupportedOperation("not writable")
                if self._newline is not None and self._newline != "" and self._newline != "\\n":
                    _write(self._h, s.replace("\\n", self._newline).encode("utf-8"))
                else:
                    _write(self._h, s.encode("utf-8"))
                return len(s)

            def writelines(self, lines):
                if self.closed:
                    raise ValueError(_CLOSED)
                if not self._writable:
                    raise UnsupportedOperation("not writable")
                for line in lines:
                    self.write(line)

            def seek(self, offset, whence=0):
                if self.closed:
                    raise ValueError(_CLOSED)
                if whence == 1 and offset != 0:
                    raise UnsupportedOperation("can't do nonzero cur-relative seeks")
                if whence == 2 and offset != 0:
                    raise UnsupportedOperation("can't do nonzero end-relative seeks")
                if whence == 0 and offset < 0:
                    raise ValueError("negative seek position " + repr(offset))
                return _seek(self._h, offset, whence)

            def __repr__(self):
                return "<_io.TextIOWrapper name=" + repr(self.name) + " mode=" + repr(self.mode) + " encoding=" + repr(self.encoding) + ">"

        class _Buffered(_IOBase):
            def read(self, size=-1):
                size = _size(size, "argument should be integer or None, not '%s'")
                if self.closed:
                    raise ValueError(_CLOSED)
                if not self._readable:
                    raise UnsupportedOperation("read")
                return _read(self._h, size, False)

            def readline(self, size=-1):
                if size != -1:
                    size = _size(size, "argument should be integer or None, not '%s'")
                if self.closed:
                    raise ValueError(_CLOSED)
                if not self._readable:
                    raise UnsupportedOperation("read")
                return _readline(self._h, size, False, 0)

            def write(self, b):
                if not isinstance(b, bytes):
                    raise TypeError("a bytes-like object is required, not '" + type(b).__name__ + "'")
                if self.closed:
                    raise ValueError(_CLOSED)
                if not self._writable:
                    raise UnsupportedOperation("write")
                return _write(self._h, b)

            def seek(self, offset, whence=0):
                if self.closed:
                    raise ValueError(_CLOSED)
                if whence == 0 and offset < 0:
                    raise ValueError("negative seek value " + str(offset))
                return _seek(self._h, offset, whence)

            def __repr__(self):
                return "<_io." + type(self).__name__ + " name=" + repr(self.name) + ">"

        class BufferedReader(_Buffered):
            pass

        class BufferedWriter(_Buffered):
            pass

        class BufferedRandom(_Buffered):
            pass

        def open(file, mode="r", buffering=-1, encoding=None, errors=None, newline=None, closefd=True, opener=None):
            if isinstance(file, bytes):
                file = file.decode("utf-8")
            if isinstance(file, str) and "\\0" in file:
                raise ValueError("embedded null byte")
            if isinstance(file, int) and not isinstance(file, bool):
                _refuse("open() of a file descriptor number (conclab's 'fd' commands show descriptors)")
            if not isinstance(file, str):
                raise TypeError("expected str, bytes or os.PathLike object, not " + type(file).__name__)
            if not isinstance(mode, str):
                raise TypeError("open() argument 'mode' must be str, not " + type(mode).__name__)
            for c in mode:
                if c not in "rwxabt+" or mode.count(c) > 1:
                    raise ValueError("invalid mode: " + repr(mode))
            kinds = 0
            for c in "rwxa":
                if c in mode:
                    kinds += 1
            binary = "b" in mode
            if binary and "t" in mode:
                raise ValueError("can't have text and binary mode at once")
            if kinds != 1:
                raise ValueError("must have exactly one of create/read/write/append mode")
            if binary and encoding is not None:
                raise ValueError("binary mode doesn't take an encoding argument")
            if binary and errors is not None:
                raise ValueError("binary mode doesn't take an errors argument")
            if binary and newline is not None:
                raise ValueError("binary mode doesn't take a newline argument")
            if newline is not None and not isinstance(newline, str):
                raise TypeError("open() argument 'newline' must be str or None, not " + type(newline).__name__)
            if newline is not None and newline not in ("", "\\n", "\\r", "\\r\\n"):
                raise ValueError("illegal newline value: " + newline)
            if encoding is not None and not isinstance(encoding, str):
                raise TypeError("open() argument 'encoding' must be str or None, not " + type(encoding).__name__)
            if encoding is not None and encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
                _refuse("the encoding " + repr(encoding) + " for files (its files are UTF-8)")
            if errors is not None and errors != "strict":
                _refuse("errors=" + repr(errors) + " for files (only 'strict')")
            if opener is not None or not closefd:
                _refuse("open() with an opener or closefd=False")
            plus = "+" in mode
            readable = "r" in mode or plus
            writable = "r" not in mode or plus
            h = _open(file, readable, writable, "r" not in mode, "w" in mode, "x" in mode, "a" in mode)
            if "a" in mode:
                _seek(h, 0, 2)
            if not binary:
                return TextIOWrapper(h, file, mode, readable, writable, newline, "UTF-8" if encoding is None else encoding)
            if plus:
                return BufferedRandom(h, file, mode, readable, writable, None)
            if "r" in mode:
                return BufferedReader(h, file, mode, readable, writable, None)
            return BufferedWriter(h, file, mode, readable, writable, None)
        """
}

extension PyThreadState {
    /// Counts `bytes` about to be written against the bound (`PyFiles.charge`); past it, OSError EFBIG.
    func chargeWriting(_ bytes: Int) throws(PyError) {
        if let refusal = runtime.files.charge(bytes) {
            throw error(runtime.classes.osError, "[Errno 27] File too large: \(refusal)")
        }
    }

    /// A new file or folder costs a block against the bound: a loop making empty files cannot fill the disk's inodes.
    func chargeNewEntry() throws(PyError) { try chargeWriting(PyFiles.entryCost) }

    /// The serial number of the file whose handle (made by `_open`) a file call was given.
    func fileNumber(_ v: PyValue) throws(PyError) -> Int {
        guard v.isObject, let handle = v.object as? PyNative, let n = handle.bound.first.flatMap({ asInt($0) }) else {
            throw error(runtime.classes.valueError, "I/O operation on closed file.")
        }
        return n
    }

    /// Runs `body` on an open file; an OS error becomes CPython's exception, an unknown number "closed file".
    func fileCall<R>(_ number: Int, _ body: (inout PyFiles.OpenFile) throws(OSError) -> R) throws(PyError) -> R {
        let result: R?
        do throws(OSError) { result = try runtime.files.with(number, body) } catch { throw osError(error.code) }
        guard let result else { throw error(runtime.classes.valueError, "I/O operation on closed file.") }
        return result
    }

    /// Runs `body` in conclab's Python folder, turning a refusal into PermissionError and an OS error into CPython's
    /// exception naming `names` (`'a' -> 'b'` for two).
    func inFolder<R>(_ names: String..., body: (Beneath) throws(Beneath.Failure) -> R) throws(PyError) -> R {
        let place: Beneath
        do throws(OSError) { place = try runtime.files.folder() } catch {
            throw self.error(runtime.classes.osError, "conclab's Python has no folder for files: \(error)")
        }
        do throws(Beneath.Failure) {
            return try body(place)
        } catch {
            switch error {
            case .outside(let reason):
                throw self.error(runtime.classes.permissionError, "conclab's Python opens files only in its own folder (\(place.root)): \(reason)")
            case .os(let code):
                throw osError(code, names: names)
            }
        }
    }

    /// CPython's exception for `code`: `[Errno 2] No such file or directory: 'x.txt'`.
    func osError(_ code: Errno, names: [String] = []) -> PyError {
        let c = runtime.classes
        let cls: PyClass
        switch code {
        case .noSuchFileOrDirectory: cls = c.fileNotFoundError
        case .fileExists: cls = c.fileExistsError
        case .isDirectory: cls = c.isADirectoryError
        case .notDirectory: cls = c.notADirectoryError
        case .permissionDenied, .notPermitted: cls = c.permissionError
        case .interrupted: cls = c.interruptedError
        default: cls = c.osError
        }
        let text = OSError("use", code).message
        var message = "[Errno \(code.rawValue)] " + text.prefix(1).uppercased() + text.dropFirst()
        if !names.isEmpty { message += ": " + names.map { Self.quote($0) }.joined(separator: " -> ") }
        return error(cls, message)
    }
}
