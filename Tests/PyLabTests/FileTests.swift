import Testing
import TestSupport
import LabCore
import LabOS
import PyLab

/// `open` and `os` in conclab's Python are contained: every name resolves beneath the runtime's folder, so a program
/// (someone else's, in a replayed lab) can neither read this machine's files nor write outside, not by an absolute
/// path, not by `..`, not through a symbolic link that points out. Also: the folder lasts as long as the runtime
/// (a file one run writes, the next reads), the write bound holds, and nothing waits on a FIFO.
@Suite("Files: open and os, contained in conclab's Python folder", .serialized, .timeLimit(.minutes(2)))
struct FileTests {
    /// A runtime whose folder is a fresh temporary one (as a replayed lab's scratch folder is given), with `charge`.
    static func confined(charge: @escaping @Sendable (Int) -> String? = { _ in nil }) throws -> (PyRuntime, String) {
        let folder = try Files.makeTemporaryDirectory(prefix: "conclab-filetests")
        let runtime = PyRuntime()
        runtime.files.confine(to: folder, charge: charge)
        return (runtime, folder)
    }

    static func run(_ source: String, _ runtime: PyRuntime) throws -> SnippetOutcome {
        runtime.runHere(try runtime.compile(source), name: "main", cancellation: nil)
    }

    static func shell(_ command: String) throws {
        let result = try Capture.run("/bin/sh", arguments: ["-c", command], timeoutNanoseconds: 10_000_000_000)
        #expect(result.status == .exited(0), "\(command): \(result.standardError)")
    }

    @Test("a name outside the folder is a PermissionError that names the folder", arguments: [
        ("open('/etc/passwd').read()", "'/etc/passwd' is outside it"),
        ("open('/etc/passwd', 'rb')", "'/etc/passwd' is outside it"),
        ("open('../escape.txt', 'w')", "'..' leads out of it"),
        ("open('sub/../../escape.txt', 'w')", "'..' leads out of it"),
        ("open('/tmp/escape.txt', 'w')", "'/tmp/escape.txt' is outside it"),
        ("import os\nos.listdir('/')", "'/' is outside it"),
        ("import os\nos.remove('/etc/passwd')", "'/etc/passwd' is outside it"),
        ("import os\nos.rename('a', '../b')", "'..' leads out of it"),
        ("import os\nos.mkdir('../made')", "'..' leads out of it"),
        ("import os\nos.path.exists('/etc/passwd')", "'/etc/passwd' is outside it"),
        ("import os\nos.path.getsize('/etc/shadow')", "'/etc/shadow' is outside it"),
    ])
    func outsideIsRefused(_ example: (String, String)) throws {
        let (runtime, folder) = try Self.confined()
        defer { Files.removeTree(folder) }
        let outcome = try Self.run(example.0, runtime)
        #expect(outcome.errorType == "PermissionError")
        let error = outcome.error ?? "no error"
        #expect(error.contains("conclab's Python opens files only in its own folder (\(folder)): \(example.1)"), "got \(error)")
        #expect(!Files.exists(folder + "/../escape.txt") && !Files.exists("/tmp/escape.txt"))
    }

    @Test("a symbolic link pointing out is not followed, for reading, writing or as a folder on the way")
    func symbolicLinksAreRefused() throws {
        let (runtime, folder) = try Self.confined()
        let outside = try Files.makeTemporaryDirectory(prefix: "conclab-filetests-outside")
        defer { Files.removeTree(folder); Files.removeTree(outside) }
        try Files.writeAtomically(outside + "/secret.txt", "secret\n")
        try Self.shell("ln -s '\(outside)/secret.txt' '\(folder)/link' && ln -s '\(outside)' '\(folder)/dirlink' && ln -s /etc/passwd '\(folder)/passwd'")
        let cases = [
            ("open('link').read()", "'link' is a symbolic link"),
            ("open('link', 'w').write('overwritten')", "'link' is a symbolic link"),
            ("open('link', 'a').write('more')", "'link' is a symbolic link"),
            ("open('passwd').read()", "'passwd' is a symbolic link"),
            ("open('dirlink/secret.txt').read()", "'dirlink/secret.txt' goes through a symbolic link"),
            ("open('dirlink/new.txt', 'w')", "'dirlink/new.txt' goes through a symbolic link"),
            ("import os\nos.listdir('dirlink')", "'dirlink' goes through a symbolic link"),
        ]
        for (source, words) in cases {
            let outcome = try Self.run(source, runtime)
            #expect(outcome.errorType == "PermissionError", "\(source): \(outcome.error ?? "no error")")
            #expect(outcome.error?.contains(words) == true, "\(source): \(outcome.error ?? "no error")")
        }
        #expect(try Files.readText(outside + "/secret.txt") == "secret\n")
        #expect(!Files.exists(outside + "/new.txt"))
        // The link itself may be listed and removed: it is a name in the folder.
        let listed = try Self.run("import os\nprint(sorted(os.listdir('.')), os.path.isfile('link'))\nos.remove('link')", runtime)
        #expect(listed.output == "['dirlink', 'link', 'passwd'] False\n", "\(listed.error ?? "")")
        #expect(try Files.readText(outside + "/secret.txt") == "secret\n")
    }

    @Test("an absolute name inside the folder is the same file as the relative one")
    func absoluteInsideWorks() throws {
        let (runtime, folder) = try Self.confined()
        defer { Files.removeTree(folder) }
        let outcome = try Self.run("""
            import os
            open('note.txt', 'w').write('inside')
            print(open(os.getcwd() + '/note.txt').read(), os.getcwd() == '\(folder)')
            """, runtime)
        #expect(outcome.output == "inside True\n", "\(outcome.error ?? "")")
        #expect(try Files.readText(folder + "/note.txt") == "inside")
    }

    @Test("a FIFO in the folder is refused at once instead of waiting for a writer")
    func fifoIsRefused() throws {
        let (runtime, folder) = try Self.confined()
        defer { Files.removeTree(folder) }
        try Self.shell("mkfifo '\(folder)/pipe'")
        let outcome = try Self.run("open('pipe').read()", runtime)
        #expect(outcome.errorType == "PermissionError")
        #expect(outcome.error?.contains("'pipe' is not a regular file") == true, "\(outcome.error ?? "")")
    }

    @Test("what is written counts against the bound: past it, a write is an OSError and nothing more is written")
    func writeBound() throws {
        final class Meter: Sendable { let total = Locked(0) }
        let written = Meter()
        let (runtime, folder) = try Self.confined { bytes in
            written.total.withLock { total in
                // The new file's block, then 1000 bytes.
                if total + bytes > PyFiles.entryCost + 1000 { return "a replayed lab may write at most 1000 bytes" }
                total += bytes
                return nil
            }
        }
        defer { Files.removeTree(folder) }
        let outcome = try Self.run("""
            f = open('big.txt', 'w')
            f.write('x' * 600)
            f.write('y' * 600)
            """, runtime)
        #expect(outcome.errorType == "OSError")
        #expect(outcome.error?.contains("[Errno 27] File too large: a replayed lab may write at most 1000 bytes") == true, "\(outcome.error ?? "")")
        #expect(try Files.readText(folder + "/big.txt").count == 600)
    }

    @Test("making a file or a folder counts a block against the bound: a loop of empty files stops")
    func newEntriesAreCharged() throws {
        final class Meter: Sendable { let total = Locked(0) }
        let written = Meter()
        let (runtime, folder) = try Self.confined { bytes in
            written.total.withLock { total in
                if total + bytes > 10 * PyFiles.entryCost { return "at most 10 blocks" }
                total += bytes
                return nil
            }
        }
        defer { Files.removeTree(folder) }
        let outcome = try Self.run("""
            import os
            for i in range(3):
                open('same.txt', 'w').close()
            os.mkdir('d')
            made = 0
            try:
                for i in range(100):
                    open('e%d' % i, 'w').close()
                    made += 1
            except OSError as e:
                print(made, e)
            """, runtime)
        #expect(outcome.output == "8 [Errno 27] File too large: at most 10 blocks\n", "\(outcome.error ?? "")")
    }

    @Test("a session's folder is made on first use, keeps files from one run to the next, and goes with the runtime")
    func folderLifetime() throws {
        var runtime: PyRuntime? = PyRuntime()
        #expect(runtime?.files.folderIfMade == nil)
        _ = try Self.run("x = 1", runtime!)
        #expect(runtime?.files.folderIfMade == nil, "no folder before a file is used")
        let first = try Self.run("f = open('kept.txt', 'w')\nf.write('one')", runtime!)
        #expect(first.error == nil, "\(first.error ?? "")")
        let folder = try #require(runtime?.files.folderIfMade)
        #expect(folder.contains("/" + Scratch.prefix))
        // The file left open by one run is still open in the next (as at python3's prompt).
        let second = try Self.run("f.write('two')\nf.close()\nprint(open('kept.txt').read())", runtime!)
        #expect(second.output == "onetwo\n", "\(second.error ?? "")")
        _ = try Self.run("g = open('kept.txt')", runtime!)
        #expect(runtime?.files.openCount == 1)
        _ = try runtime?.reset()
        #expect(runtime?.files.openCount == 0, "py reset closes what was left open")
        runtime = nil
        #expect(!Files.exists(folder), "the folder goes with the runtime")
    }

    @Test("at most 256 files are open at once; closing one makes room")
    func openLimit() throws {
        let (runtime, folder) = try Self.confined()
        defer { Files.removeTree(folder) }
        let outcome = try Self.run("""
            files = [open('f%d' % i, 'w') for i in range(256)]
            try:
                open('one-more', 'w')
            except OSError as e:
                print(e)
            files[0].close()
            open('one-more', 'w').close()
            print('ok')
            """, runtime)
        #expect(outcome.output == "[Errno 24] Too many open files: conclab's Python has at most 256 files open; close them (or open them with 'with')\nok\n",
                "\(outcome.error ?? "")")
    }

    @Test("a file object that is freed closes its file: open(name).read() in a loop never reaches the limit")
    func freedFileCloses() throws {
        let (runtime, folder) = try Self.confined()
        defer { Files.removeTree(folder) }
        let outcome = try Self.run("""
            open('n.txt', 'w').write('7')
            total = 0
            for i in range(1000):
                total += int(open('n.txt').read())
            print(total)
            kept = open('n.txt')
            """, runtime)
        #expect(outcome.output == "7000\n", "\(outcome.error ?? "")")
        #expect(runtime.files.openCount == 1, "only the file still referenced (kept) is open")
    }

    @Test("the rest of os is refused by name, with the conclab command that shows the same", arguments: [
        ("os.environ['HOME']", "conclab's Python does not support os.environ (the environment may hold secrets)"),
        ("os.getenv('HOME')", "conclab's Python does not support os.getenv (the environment may hold secrets)"),
        ("os.fork()", "conclab's Python does not support os.fork (conclab's 'proc spawn'"),
        ("os.system('true')", "conclab's Python does not support os.system"),
        ("os.execv('/bin/sh', ['sh'])", "conclab's Python does not support os.execv (conclab's 'proc spawn' starts a program)"),
        ("os.kill(1, 9)", "conclab's Python does not support os.kill"),
        ("os.pipe()", "conclab's Python does not support os.pipe (conclab's 'fd' commands show descriptors)"),
        ("os.chdir('/')", "conclab's Python does not support os.chdir"),
        ("os.path.realpath('x')", "conclab's Python does not support os.path.realpath"),
        ("open(0)", "conclab's Python does not support open() of a file descriptor number"),
    ])
    func restOfOSIsRefused(_ example: (String, String)) throws {
        let (runtime, folder) = try Self.confined()
        defer { Files.removeTree(folder) }
        let outcome = try Self.run("import os\n" + example.0, runtime)
        #expect(outcome.errorType == "NotImplementedError", "\(outcome.error ?? "no error")")
        #expect(outcome.error?.contains(example.1) == true, "\(outcome.error ?? "no error")")
    }

    @Test("Beneath splits names: '.' and empty parts dropped, the root's own path accepted, '..' and other roots refused")
    func components() throws {
        let place = Beneath(root: "/tmp/room")
        #expect(try place.components("a/./b//c") == ["a", "b", "c"])
        #expect(try place.components("/tmp/room/a") == ["a"])
        #expect(try place.components("/tmp/room") == [])
        #expect(throws: Beneath.Failure.outside(reason: "'/tmp/roomier/a' is outside it")) { try place.components("/tmp/roomier/a") }
        #expect(throws: Beneath.Failure.outside(reason: "'..' leads out of it")) { try place.components("a/../..") }
    }
}
