import Foundation
import LabOS
import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

/// A temporary directory for one test; removed by `remove()`.
struct FDScratch {
    let path: String
    init(_ label: String) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("conclab-fdtest-\(label)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

extension Outcome {
    /// A field of the result, for short expectations.
    subscript(_ field: String) -> Value? { result.fields[field] }
    var failureMessage: String { failure?.message ?? "" }
}

/// The rows of a table result as records.
func rows(_ outcome: Outcome) -> [Record] {
    guard case .list(let items)? = outcome.result.fields["rows"] else { return [] }
    return items.compactMap { if case .record(let r) = $0 { return r } else { return nil } }
}

@Suite(.timeLimit(.minutes(1))) struct FDCommandTests {
    init() { Signals.ignoreBrokenPipe() }

    @Test func openWriteSeekReadDupShareTheOffset() throws {
        let dir = try FDScratch("rw")
        defer { dir.remove() }
        let session = Session()
        defer { session.shutdown() }
        let open = session.execute("fd open \(dir.file("notes.txt")) --mode rw --name notes")
        #expect(open.succeeded, "\(open.failureMessage)")
        expectEqual(open["handle"], .string("notes"))
        expectEqual(open["cloexec"], .bool(false))
        expectEqual(open["offset"], .int(0))
        expectEqual(session.execute("fd write notes 'hello world'")["bytes"], .int(11))
        expectEqual(session.execute("fd seek notes 0")["offset"], .int(0))
        let read = session.execute("fd read notes 5")
        expectEqual(read["text"], .string("hello"))
        expectEqual(read["offset"], .int(5))
        let dup = session.execute("fd dup notes --name copy")
        expectEqual(dup["of"], .string("notes"))
        expectEqual(dup["offset"], .int(5), "a dup starts at the shared offset")
        expectEqual(session.execute("fd read copy 6")["text"], .string(" world"))
        expectEqual(session.execute("fd seek notes 0 cur")["offset"], .int(11), "reading through the copy moved the original")
        let end = session.execute("fd read notes")
        expectEqual(end["bytes"], .int(0))
        expectEqual(end["eof"], .bool(true))
        expectEqual(session.execute("fd seek notes -5 end")["offset"], .int(6))
        // By number as well as by handle.
        guard case .int(let number)? = open["fd"] else { Issue.record("no fd number"); return }
        expectEqual(session.execute("fd read \(number) 5")["text"], .string("world"))
        #expect(session.execute("fd close notes").succeeded)
        #expect(session.execute("fd read copy 1").succeeded, "the open file lives on through the dup")
        #expect(try String(contentsOfFile: dir.file("notes.txt"), encoding: .utf8) == "hello world")
    }

    @Test func autoHandlesAreNamedAfterTheNumber() throws {
        let session = Session()
        defer { session.shutdown() }
        let open = session.execute("fd open /dev/null")
        guard case .int(let number)? = open["fd"] else { Issue.record("no fd"); return }
        expectEqual(open["handle"], .string("fd\(number)"))
        expectEqual(session.execute("show fd\(number)")["path"], .string("/dev/null"))
    }

    @Test func appendAndWriteModes() throws {
        let dir = try FDScratch("modes")
        defer { dir.remove() }
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("fd open \(dir.file("log")) --mode w --name w").succeeded)
        #expect(session.execute("fd write w first --newline").succeeded)
        #expect(session.execute("fd close w").succeeded)
        #expect(session.execute("fd open \(dir.file("log")) --mode a --name a").succeeded)
        #expect(session.execute("fd seek a 0").succeeded)
        #expect(session.execute("fd write a second").succeeded)
        #expect(try String(contentsOfFile: dir.file("log"), encoding: .utf8) == "first\nsecond")
        let wrong = session.execute("fd read a 4")
        #expect(wrong.failureMessage.contains("EBADF"), "\(wrong.failureMessage)")
    }

    @Test(arguments: [
        ("fd open /nonexistent-conclab/x", "cannot open /nonexistent-conclab/x: no such file or directory (ENOENT)"),
        ("fd read nosuch", "No fd nosuch."),
        ("fd read 0", "fd 0 is not a descriptor opened with 'fd open' or 'fd dup'"),
        ("fd open /dev/null --mode x", "--mode must be one of r, w, rw, a"),
        ("fd read", "missing FD"),
        ("fd send 0 p1", "fd 0 is not a descriptor"),
        ("fd list p9", "No process p9."),
    ])
    func errors(line: String, message: String) {
        let session = Session()
        defer { session.shutdown() }
        let outcome = session.execute(line)
        #expect(!outcome.succeeded)
        #expect(outcome.failureMessage.contains(message), "\(outcome.failureMessage)")
    }

    @Test func seekErrorsAndClosedHandles() throws {
        let dir = try FDScratch("seek")
        defer { dir.remove() }
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("fd open \(dir.file("f")) --mode w --name n").succeeded)
        let bad = session.execute("fd seek n -1")
        #expect(!bad.succeeded)
        #expect(bad.failureMessage.contains("EINVAL"), "\(bad.failureMessage)")
        #expect(session.execute("fd close n").succeeded)
        #expect(session.execute("fd close n").failureMessage.contains("No fd n."))
        #expect(session.objects.all().isEmpty)
    }

    @Test func dup2OntoAFreeNumberAndOntoOwnDescriptors() throws {
        let dir = try FDScratch("dup2")
        defer { dir.remove() }
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("fd open \(dir.file("a")) --mode rw --name a --cloexec").succeeded)
        #expect(session.execute("fd open /dev/null --name b").succeeded)
        let free = try #require(Descriptors.freeNumbers(1, from: 900).first)
        let copy = session.execute("fd dup2 a \(free)")
        #expect(copy.succeeded, "\(copy.failureMessage)")
        expectEqual(copy["handle"], .string("fd\(free)"))
        expectEqual(copy["cloexec"], .bool(false))
        #expect(session.execute("fd write fd\(free) abc").succeeded)
        expectEqual(session.execute("fd seek a 0 cur")["offset"], .int(3))
        // dup2 onto b's number: b is closed by the kernel and forgotten.
        guard case .int(let bNumber)? = session.execute("show b")["fd"] else { Issue.record("no fd for b"); return }
        let replace = session.execute("fd dup2 a \(bNumber) --name b2")
        expectEqual(replace["replaced"], .string("b"))
        #expect(!session.objects.handles().contains("b"))
        expectEqual(session.execute("fd seek b2 0 cur")["offset"], .int(3))
        #expect(session.execute("fd dup2 a 1").failureMessage.contains("between 3 and"))
        // A number the shell itself uses is refused.
        let (r, w) = try System.pipe()
        defer { try? FileDescriptor(r).close(); try? FileDescriptor(w).close() }
        let refused = session.execute("fd dup2 a \(r)")
        #expect(refused.failureMessage.contains("belongs to the shell itself"), "\(refused.failureMessage)")
        #expect(Descriptors.isOpen(r) && ProcFS.descriptorLink(r)?.hasPrefix("pipe:") == true)
    }

    @Test func listShowsEveryKindWithNotes() throws {
        let dir = try FDScratch("list")
        defer { dir.remove() }
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("fd open \(dir.file("f")) --mode w --name file").succeeded)
        #expect(session.execute("fd open \(dir.path) --name dir --cloexec").succeeded)
        #expect(session.execute("fd open /dev/null --name null").succeeded)
        #expect(session.execute("pipe new --name p").succeeded)
        #expect(session.execute("sock pair --name s").succeeded)
        #expect(session.execute("sock listen tcp --name srv").succeeded)
        let list = session.execute("fd list")
        #expect(list.succeeded, "\(list.failureMessage)")
        let table = rows(list)
        func row(_ note: String) -> Record? { table.first { $0["note"] == .string(note) } }
        expectEqual(row("stdin")?["fd"], .int(0))
        expectEqual(row("stdout")?["fd"], .int(1))
        expectEqual(row("stderr")?["fd"], .int(2))
        expectEqual(row("file")?["type"], .string("file"))
        expectEqual(row("file")?["flags"], .string("w"))
        expectEqual(row("file")?["cloexec"], .bool(false))
        expectEqual(row("dir")?["type"], .string("directory"))
        expectEqual(row("dir")?["cloexec"], .bool(true))
        expectEqual(row("null")?["type"], .string("device"))
        expectEqual(row("p write end")?["type"], .string("pipe"))
        expectEqual(row("p read end")?["type"], .string("pipe"))
        expectEqual(row("p write end")?["cloexec"], .bool(true))
        expectEqual(row("p read end")?["target"], row("p write end")?["target"], "both ends name one pipe")
        expectEqual(row("s end a")?["type"], .string("unix socket"))
        expectEqual(row("srv listening socket")?["type"], .string("tcp socket"))
        guard case .string(let target)? = row("srv listening socket")?["target"] else { Issue.record("no listener row"); return }
        #expect(target.hasPrefix("127.0.0.1:") && target.hasSuffix(" listen"))
        // The listing's own descriptor is not shown.
        guard case .int(let own)? = list["listing_fd"], case .list(let fds)? = list["fds"] else { Issue.record("no summary"); return }
        #expect(!fds.contains(.int(own)))
        expectEqual(list["pipes"].flatMap(\.number).map { $0 >= 2 }, true)
    }

    @Test func limitShowsAndRefusesNonsense() throws {
        let session = Session()
        defer { session.shutdown() }
        let show = session.execute("fd limit")
        #expect(show.succeeded)
        guard case .int(let soft)? = show["soft"], case .int(let open)? = show["open"] else { Issue.record("no figures"); return }
        #expect(open >= 3)
        #expect(soft > open)
        #expect(session.execute("fd limit 1").failureMessage.contains("below the"))
        // Setting the limit it already has makes the restoring object without changing anything for other tests.
        let same = session.execute("fd limit \(soft)")
        expectEqual(same["handle"], .string("lim1"))
        expectEqual(same["original_soft"], .int(soft))
        #expect(session.execute("close lim1").succeeded)
        #expect(try Descriptors.openFileLimit().soft == soft)
    }

    @Test func emfileIsExplained() {
        let error = DescriptorSupport.explain(OSError("open", .tooManyOpenFiles, subject: "/dev/null"))
        let text = "\(error)"
        #expect(text.hasPrefix("cannot open /dev/null: too many open files (EMFILE): the shell has "))
        #expect(text.contains("its limit is"))
        #expect(text.contains("'fd limit N'"))
        let other = DescriptorSupport.explain(OSError("open", .noSuchFileOrDirectory, subject: "/x"))
        expectEqual("\(other)", "cannot open /x: no such file or directory (ENOENT)")
    }

    @Test func manyOpenCloseCyclesLeaveNoObjectAndNoDescriptor() throws {
        let session = Session()
        defer { session.shutdown() }
        var numbers: Set<Int> = []
        for _ in 0..<1000 {
            let open = session.execute("fd open /dev/null --name f")
            guard case .int(let n)? = open["fd"] else { Issue.record("open failed: \(open.failureMessage)"); return }
            numbers.insert(n)
            #expect(session.execute("fd close f").succeeded)
        }
        #expect(session.objects.all().isEmpty)
        // Closed numbers are reused: without a leak the kernel hands out only a few (other tests open some too).
        #expect(numbers.count < 200, "\(numbers.count) different numbers for 1000 opens")
    }
}

@Suite(.timeLimit(.minutes(1))) struct FDSandboxTests {
    @Test func aReplayedLabWritesOnlyInItsScratchFolder() throws {
        let dir = try FDScratch("sandbox")
        defer { dir.remove() }
        let session = Session(sandbox: Sandbox(scratchDirectory: dir.path))
        defer { session.shutdown() }
        let outside = session.execute("fd open /tmp/conclab-evil-\(UUID().uuidString.prefix(6)) --mode w")
        #expect(outside.failureMessage.contains("only write inside its scratch folder"), "\(outside.failureMessage)")
        #expect(session.execute("fd open ../escape --mode a").failureMessage.contains("'..'"))
        let inside = session.execute("fd open notes.txt --mode rw --name notes")
        expectEqual(inside["path"], .string(dir.file("notes.txt")))
        #expect(session.execute("fd write notes hi").succeeded)
        expectEqual(session.execute("fd open notes.txt --name again")["path"], .string(dir.file("notes.txt")), "reads resolve there too")
        #expect(session.execute("fd open /etc/hostname").failureMessage.contains("only read inside its scratch folder"),
                "a replayed lab is someone else's: it reads nothing of this machine's")
        #expect(session.execute("fd open /dev/null").succeeded)
    }

    @Test func aReplayedLabListensAndConnectsOnlyOnLoopbackToItsOwnListeners() throws {
        let dir = try FDScratch("sandnet")
        defer { dir.remove() }
        let session = Session(sandbox: Sandbox(scratchDirectory: dir.path))
        defer { session.shutdown() }
        #expect(session.execute("sock listen tcp --host 0.0.0.0").failureMessage.contains("only listen on loopback"))
        #expect(session.execute("sock listen tcp --host 127.0.0.1 --name srv").succeeded)
        #expect(session.execute("sock listen unix /tmp/conclab-evil.sock").failureMessage.contains("scratch folder"))
        #expect(session.execute("sock listen unix lab.sock --name u").succeeded)
        #expect(FileManager.default.fileExists(atPath: dir.file("lab.sock")))
        #expect(session.execute("sock connect tcp 22").failureMessage.contains("only connect to its own listeners"))
        #expect(session.execute("sock connect unix /run/other.sock").failureMessage.contains("only connect to its own listeners"))
        #expect(session.execute("sock connect srv").succeeded)
        #expect(session.execute("sock connect unix lab.sock").succeeded)
        #expect(session.execute("close u").succeeded)
        #expect(!FileManager.default.fileExists(atPath: dir.file("lab.sock")), "closing a unix listener removes its file")
    }
}
