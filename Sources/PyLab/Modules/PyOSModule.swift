import LabOS
import LabCore

/// `os` and `os.path`, the part a learner needs that stays contained: the process's numbers (`getpid`, `getppid`,
/// `cpu_count`) and files in conclab's Python folder (`listdir`, `remove`, `rename`, `mkdir`, `path.exists`…), every
/// name resolved beneath it as `open` resolves them (`PyFiles`). `getcwd()` names that folder: relative names are
/// taken from it. Everything else of `os` — the environment (it may hold secrets), processes, descriptors — is
/// refused by name with the conclab command that shows the same (`refusal(of:)`).
package enum OSModule {
    package static let definition = ModuleDefinition("os", natives: [
        Builtin("_getpid") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return .int(Int(System.processID))
        },
        Builtin("_getppid") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return .int(Int(System.parentProcessID))
        },
        Builtin("_cpu_count") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            let n = System.numberOfCPUs
            return n > 0 ? .int(n) : .none
        },
        Builtin("_folder") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return ts.newString(try ts.inFolder { place throws(Beneath.Failure) in place.root })
        },
        Builtin("_listdir") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let name = ts.string(a[0]) ?? "."
            let names = try ts.inFolder(name) { place throws(Beneath.Failure) in try place.list(name) }
            return ts.newList(names.map { ts.newString($0) })
        },
        Builtin("_remove") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let name = ts.string(a[0]) ?? ""
            try ts.inFolder(name) { place throws(Beneath.Failure) in try place.remove(name) }
            return .none
        },
        Builtin("_rmdir") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let name = ts.string(a[0]) ?? ""
            try ts.inFolder(name) { place throws(Beneath.Failure) in try place.removeDirectory(name) }
            return .none
        },
        Builtin("_mkdir") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let name = ts.string(a[0]) ?? ""
            try ts.chargeNewEntry()
            try ts.inFolder(name) { place throws(Beneath.Failure) in try place.makeDirectory(name) }
            return .none
        },
        Builtin("_rename") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let from = ts.string(a[0]) ?? "", to = ts.string(a[1]) ?? ""
            try ts.inFolder(from, to) { place throws(Beneath.Failure) in try place.rename(from, to: to) }
            return .none
        },
        Builtin("_refuse") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            throw ts.error(ts.runtime.classes.notImplementedError, refusal(of: ts.string(a[0]) ?? "that"))
        },
    ], source: """
        name = "posix"
        sep = "/"
        altsep = None
        extsep = "."
        pathsep = ":"
        linesep = "\\n"
        curdir = "."
        pardir = ".."
        devnull = "/dev/null"
        error = OSError

        def _fspath(p, what):
            if isinstance(p, str):
                if "\\0" in p:
                    raise ValueError(what + ": embedded null character in path")
                return p
            if isinstance(p, bytes):
                return p.decode("utf-8")
            raise TypeError(what + ": path should be string, bytes or os.PathLike, not " + type(p).__name__)

        def getpid():
            return _getpid()

        def getppid():
            return _getppid()

        def cpu_count():
            return _cpu_count()

        def getcwd():
            return _folder()

        def listdir(path="."):
            return _listdir(_fspath(path, "listdir"))

        def remove(path):
            _remove(_fspath(path, "remove"))

        def unlink(path):
            _remove(_fspath(path, "unlink"))

        def rmdir(path):
            _rmdir(_fspath(path, "rmdir"))

        def mkdir(path, mode=511):
            _mkdir(_fspath(path, "mkdir"))

        def makedirs(name, mode=511, exist_ok=False):
            import os.path
            head, tail = os.path.split(name)
            if not tail:
                head, tail = os.path.split(head)
            if head and tail and not os.path.exists(head):
                makedirs(head, mode, True)
            try:
                mkdir(name, mode)
            except OSError:
                if not exist_ok or not os.path.isdir(name):
                    raise

        def rename(src, dst):
            _rename(_fspath(src, "rename"), _fspath(dst, "rename"))

        def replace(src, dst):
            _rename(_fspath(src, "replace"), _fspath(dst, "replace"))
        """)

    package static let path = ModuleDefinition("os.path", natives: [
        Builtin("_entry") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let name = ts.string(a[0]) ?? ""
            let strict = try ts.truthy(a[1])
            let entry = try ts.inFolder(name) { place throws(Beneath.Failure) in try place.entry(name) }
            guard let entry else {
                if strict { throw ts.osError(.noSuchFileOrDirectory, names: [name]) }
                return .none
            }
            return ts.newTuple([.bool(entry.isDirectory), .bool(entry.isRegular), .int(entry.size)])
        },
    ], source: """
        sep = "/"

        def _fspath(p):
            if isinstance(p, str):
                if "\\0" in p:
                    raise ValueError("embedded null byte")
                return p
            if isinstance(p, bytes):
                return p.decode("utf-8")
            raise TypeError("expected str, bytes or os.PathLike object, not " + type(p).__name__)

        def join(a, *p):
            path = _fspath(a)
            for b in p:
                b = _fspath(b)
                if b.startswith("/"):
                    path = b
                elif not path or path.endswith("/"):
                    path = path + b
                else:
                    path = path + "/" + b
            return path

        def split(p):
            p = _fspath(p)
            i = p.rfind("/") + 1
            head = p[:i]
            tail = p[i:]
            if head and head != "/" * len(head):
                head = head.rstrip("/")
            return head, tail

        def basename(p):
            return split(p)[1]

        def dirname(p):
            return split(p)[0]

        def splitext(p):
            p = _fspath(p)
            slash = p.rfind("/")
            dot = p.rfind(".")
            if dot > slash:
                i = slash + 1
                while i < dot:
                    if p[i] != ".":
                        return p[:dot], p[dot:]
                    i += 1
            return p, p[:0]

        def isabs(p):
            return _fspath(p).startswith("/")

        def exists(p):
            if not _fspath(p):
                return False
            return _entry(_fspath(p), False) is not None

        def isfile(p):
            if not _fspath(p):
                return False
            e = _entry(_fspath(p), False)
            return e is not None and e[1]

        def isdir(p):
            if not _fspath(p):
                return False
            e = _entry(_fspath(p), False)
            return e is not None and e[0]

        def getsize(p):
            return _entry(_fspath(p), True)[2]
        """)

    /// "conclab's Python does not support os.X (…)": why, and what in conclab shows the same.
    package static func refusal(of name: String) -> String {
        let why: String
        switch name.split(separator: ".").last.map(String.init) ?? name {
        case "environ", "environb", "getenv", "putenv", "unsetenv", "getenvb":
            why = "the environment may hold secrets"
        case "fork", "forkpty", "system", "popen", "kill", "killpg", "wait", "waitpid", "wait3", "wait4", "waitid",
             "_exit", "abort", "nice", "setsid", "setpgid", "getpgid", "getpgrp":
            why = "conclab's 'proc spawn', 'proc fork-demo', 'proc wait' and 'proc kill' start and end processes"
        case let n where n.hasPrefix("exec") || n.hasPrefix("spawn") || n.hasPrefix("posix_spawn"):
            why = "conclab's 'proc spawn' starts a program"
        case "pipe", "pipe2", "read", "write", "open", "close", "dup", "dup2", "fdopen", "lseek", "fstat", "openpty",
             "set_blocking", "get_blocking", "set_inheritable", "get_inheritable", "closerange", "sendfile":
            why = "conclab's 'fd' commands show descriptors"
        case "getloadavg", "times", "sched_getaffinity", "sched_setaffinity", "getpriority", "setpriority":
            why = "conclab's 'proc' and 'mem' commands show what a process uses"
        default:
            why = "it reaches the machine outside conclab's Python folder; conclab's commands 'proc', 'fd' and 'mem' show what it would"
        }
        return "conclab's Python does not support \(name) (\(why))"
    }
}
