import LabOS
import LabCore

/// `sys`: the interpreter's own switches (`setswitchinterval` is the setting `gil interval` changes), reference
/// counts, and `getsizeof` where CPython's answer follows from the value alone.
package enum SysModule {
    /// CPython 3.11's `sys.getsizeof` on a 64-bit build, for the values whose size does not depend on how they were
    /// built (a list's or a dict's depends on its over-allocation, which conclab does not model: refused).
    static func size(_ ts: PyThreadState, _ v: PyValue) throws(PyError) -> Int {
        if v == .none { return 16 }
        if let i = ts.asInt(v) {
            let m = i.magnitude
            return m < 1 << 30 ? 28 : m < 1 << 60 ? 32 : 36
        }
        if let s = ts.string(v) {
            let widest = s.unicodeScalars.map(\.value).max() ?? 0
            let n = s.unicodeScalars.count
            if widest < 128 { return 49 + n }
            if widest < 256 { return 73 + n }
            if widest < 65536 { return 74 + 2 * n }
            return 76 + 4 * n
        }
        if let b = ts.bytes(v) { return 33 + b.count }
        if v.isObject {
            switch v.object {
            case let t as PyTuple: return 40 + 8 * t.items.count
            case let l as PyList where l.items.withLock({ $0.isEmpty }): return 56
            case let d as PyDict where d.storage.withLock({ $0.count == 0 }): return 64
            default: break
            }
        }
        throw ts.error(ts.runtime.classes.notImplementedError,
                       "conclab's Python does not support sys.getsizeof of a non-empty \(ts.typeName(v)) (CPython's answer depends on how it over-allocated; 'py mem' measures conclab's own objects)")
    }

    package static let definition = ModuleDefinition("sys", natives: [
        Builtin("getrefcount") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            guard a[0].isObject else { return .int(1 << 30) }
            let o = a[0].object
            return o.immortal ? .int(1 << 30) : .int(o.totalCount)
        },
        Builtin("getswitchinterval") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return TimeModule.seconds(ts, ts.runtime.settings.switchIntervalNanoseconds)
        },
        Builtin("setswitchinterval") { ts, a throws(PyError) in
            // The same setting as `gil interval`; changed in place, as CPython's is, while threads run.
            try a.expect(1...1, ts)
            let ns = try TimeModule.nanoseconds(ts, of: a[0], what: "an interval")
            if ns <= 0 { throw ts.valueError("switch interval must be strictly positive") }
            ts.runtime.settingsState.withLock { $0.switchIntervalNanoseconds = ns }
            ts.runtime.gil.setInterval(ns)
            return .none
        },
        Builtin("getsizeof") { ts, a throws(PyError) in
            try a.expect(1...2, ts)
            return .int(try size(ts, a[0]))
        },
        Builtin("getrecursionlimit") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return .int(ts.runtime.settings.recursionLimit)
        },
        Builtin("setrecursionlimit") { ts, a throws(PyError) in
            // Honoured up to conclab's own limit; a higher one is kept (getrecursionlimit returns it) and a
            // recursion that passes conclab's limit says so in its RecursionError.
            try a.expect(1...1, ts)
            guard let n = ts.asInt(a[0]) else {
                throw ts.typeError("'\(ts.typeName(a[0]))' object cannot be interpreted as an integer")
            }
            if n < 1 { throw ts.valueError("recursion limit must be greater or equal than 1") }
            let depth = ts.depth.pointee
            if n <= depth {
                throw ts.error(ts.runtime.classes.recursionError,
                               "cannot set the recursion limit to \(n) at the recursion depth \(depth): the limit is too low")
            }
            ts.runtime.settingsState.withLock { $0.recursionLimit = n }
            ts.frameLimit = min(n, PyThreadState.maxFrames)
            return .none
        },
        Builtin("_write") { ts, a throws(PyError) in
            // sys.stdout.write / sys.stderr.write: the text into the snippet's output, on that stream.
            try a.expect(2...2, ts)
            guard let text = ts.string(a[1]) else { throw ts.typeError("write() argument must be str, not \(ts.typeName(a[1]))") }
            ts.write(text, error: ts.asInt(a[0]) == 2)
            return .int(text.unicodeScalars.count)
        },
        Builtin("_isatty") { ts, a throws(PyError) in
            // Whether conclab's own stream is a terminal: where the snippet's output will be shown.
            try a.expect(1...1, ts)
            return .bool(System.isTerminal(Int32(try ts.intArgument(a[0], "fd"))))
        },
        Builtin("_handled") { ts, a throws(PyError) in
            // The exception the innermost handler is handling (sys.exc_info, sys.exception), or None.
            try a.expect(0...0, ts)
            guard let value = ts.handling.last?.value else { return .none }
            ts.incref(value)
            return value
        },
        Builtin("_executable") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return ts.newString(System.executablePath() ?? "")
        },
    ], source: """
        class _VersionInfo:
            def __init__(self, values):
                self._t = values
                self.major = values[0]
                self.minor = values[1]
                self.micro = values[2]
                self.releaselevel = values[3]
                self.serial = values[4]
            def __getitem__(self, i):
                return self._t[i]
            def __len__(self):
                return len(self._t)
            def __iter__(self):
                return iter(self._t)
            def __eq__(self, other):
                return self._t == tuple(other)
            def __lt__(self, other):
                return self._t < tuple(other)
            def __le__(self, other):
                return self._t <= tuple(other)
            def __gt__(self, other):
                return self._t > tuple(other)
            def __ge__(self, other):
                return self._t >= tuple(other)
            def __repr__(self):
                return ("sys.version_info(major=" + str(self.major) + ", minor=" + str(self.minor) + ", micro="
                        + str(self.micro) + ", releaselevel=" + repr(self.releaselevel) + ", serial=" + str(self.serial) + ")")
        def exit(*status):
            if len(status) > 1:
                raise TypeError("exit expected at most 1 argument, got " + str(len(status)))
            if len(status) == 1 and status[0] is None:
                raise SystemExit()
            raise SystemExit(*status)
        version_info = _VersionInfo((3, 11, 0, "final", 0))
        version = "3.11.0 (conclab)"
        platform = "linux"
        byteorder = "little"
        maxsize = 9223372036854775807
        argv = [""]
        path = [""]
        executable = _executable()

        class _Stream:
            # sys.stdout and sys.stderr: what is written goes into the program's output, on that stream, in order.
            def __init__(self, fd, name):
                self._fd = fd
                self.name = name
                self.encoding = "utf-8"
                self.errors = "strict"
                self.mode = "w"
                self.closed = False
            def write(self, s):
                return _write(self._fd, s)
            def writelines(self, lines):
                for line in lines:
                    _write(self._fd, line)
            def flush(self):
                pass
            def isatty(self):
                return _isatty(self._fd)
            def fileno(self):
                return self._fd
            def writable(self):
                return True
            def readable(self):
                return False
            def __repr__(self):
                return "<_io.TextIOWrapper name='" + self.name + "' mode='w' encoding='utf-8'>"

        stdout = _Stream(1, "<stdout>")
        stderr = _Stream(2, "<stderr>")

        def exc_info():
            e = _handled()
            if e is None:
                return (None, None, None)
            return (type(e), e, None)

        def exception():
            return _handled()
        """)
}

/// `dis.dis`: the same table as conclab's `dis` command, printed as CPython's `dis` prints (offsets are
/// instruction numbers here; CPython's count bytes and cache entries).
package enum DisModule {
    static func cell(_ v: Value) -> String {
        switch v {
        case .int(let i): return String(i)
        case .string(let s): return s
        default: return ""
        }
    }

    static func lines(_ ts: PyThreadState, _ code: CodeObject) -> [String] {
        let disassembler = Disassembler(runtime: ts.runtime)
        var out: [String] = []
        var lastLine = -1
        let table = disassembler.table(code)
        for row in table.rows {
            guard row.count == 5 else { continue }
            var line = "   "
            if case .int(let n) = row[0], n != lastLine {
                if lastLine != -1 { out.append("") }
                line = String(n).leftPadded(to: 3)
                lastLine = n
            }
            let offset = cell(row[1])
            let marker = offset.hasPrefix(">>") ? ">>" : "  "
            let number = offset.hasPrefix(">>") ? String(offset.dropFirst(2)) : offset
            var text = line + "     " + marker + number.leftPadded(to: 4) + " " + cell(row[2])
            let arg = cell(row[3])
            if !arg.isEmpty {
                text = text.rightPadded(to: 34) + arg.leftPadded(to: 4)
                let meaning = cell(row[4])
                if !meaning.isEmpty { text += " (\(meaning))" }
            }
            out.append(text)
        }
        for nested in code.codes {
            out.append("")
            out.append("Disassembly of <code object \(nested.name), line \(nested.firstLine)>:")
            out += lines(ts, nested)
        }
        return out
    }

    package static let definition = ModuleDefinition("dis", natives: [
        Builtin("dis") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let code: CodeObject
            if let source = ts.string(a[0]) {
                do throws(PySyntaxError) { code = try ts.runtime.compile(source) } catch {
                    throw ts.error(ts.runtime.classes.valueError, error.description)
                }
            } else if a[0].isObject, let f = a[0].object as? PyFunction {
                code = f.code
            } else if a[0].isObject, let m = a[0].object as? PyMethod, m.function.isObject, let f = m.function.object as? PyFunction {
                code = f.code
            } else {
                throw ts.typeError("don't know how to disassemble \(ts.typeName(a[0])) objects")
            }
            ts.write(lines(ts, code).joined(separator: "\n") + "\n")
            return .none
        },
    ])
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
    func rightPadded(to width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

extension PyRuntime {
    /// Sets `sys.argv` for the programs this runtime runs next (as python3's command line sets it), so a program
    /// that reads its arguments runs unchanged in both.
    package func setArguments(_ arguments: [String]) throws(PyError) {
        let ts = PyThreadState(runtime: self, name: "argv", cancellation: nil)
        ts.takeGIL()
        defer { ts.finish() }
        let module = try ts.importModule("sys")
        let slot: Int
        do throws(PySyntaxError) { slot = try globalSlot(module.prefix + "argv") } catch { throw ts.error(classes.memoryError, error.message) }
        let old = globals.exchange(slot, ts.newList(arguments.map { ts.newString($0) }))
        if old != .unbound { ts.decref(old) }
    }
}
