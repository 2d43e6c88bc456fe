import Foundation
import Testing
import TestSupport
@testable import LabOS

/// A fresh temporary file path (the file is not created); removed by the caller.
private func temporaryPath(_ label: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("conclab-fd-\(label)-\(UUID().uuidString.prefix(8))").path
}

@Suite struct DescriptorInfoParsingTests {
    @Test(arguments: [
        ("pos:\t0\nflags:\t02\nmnt_id:\t24\nino:\t1234\n", Int64(0), "rw", false, Int64(1234)),
        ("pos:\t17\nflags:\t02100001\nmnt_id:\t24\n", Int64(17), "w", true, nil),
        ("pos:\t5\nflags:\t0102002\n", Int64(5), "rw,append", false, nil),
        ("pos:\t0\nflags:\t02004000\n", Int64(0), "r,nonblock", true, nil),
        ("pos:\t0\nflags:\t00\nmnt_id:\t16\nino:\t351847\n", Int64(0), "r", false, Int64(351847)),
    ] as [(String, Int64, String, Bool, Int64?)])
    func fdinfo(text: String, position: Int64, flags: String, cloexec: Bool, inode: Int64?) throws {
        let info = try #require(ProcFS.parseDescriptorInfo(text))
        expectEqual(info.position, position)
        expectEqual(info.flagNames, flags)
        expectEqual(info.closeOnExec, cloexec)
        expectEqual(info.inode, inode)
    }

    @Test func fdinfoWithoutPositionOrFlagsIsNil() {
        expectEqual(ProcFS.parseDescriptorInfo("mnt_id:\t24\n"), nil)
        expectEqual(ProcFS.parseDescriptorInfo(""), nil)
    }

    @Test(arguments: [
        ("pipe:[351847]", nil, DescriptorKind.pipe),
        ("socket:[44]", nil, .socket),
        ("anon_inode:[eventfd]", nil, .eventfd),
        ("anon_inode:[eventpoll]", nil, .epoll),
        ("anon_inode:[timerfd]", nil, .timerfd),
        ("anon_inode:[signalfd]", nil, .signalfd),
        ("anon_inode:inotify", nil, .inotify),
        ("anon_inode:[pidfd]", nil, .pidfd),
        ("anon_inode:[io_uring]", nil, .anon),
        ("/dev/pts/3", UInt32(0o020620), .tty),
        ("/dev/tty", UInt32(0o020666), .tty),
        ("/dev/null", UInt32(0o020666), .device),
        ("/etc/hostname", UInt32(0o100644), .file),
        ("/tmp", UInt32(0o041777), .directory),
        ("/tmp/fifo", UInt32(0o010644), .fifo),
        ("/tmp/x.sock", UInt32(0o140755), .socket),
        ("/tmp/gone (deleted)", nil, .file),
        ("/dev/pts/9", nil, .tty),
    ] as [(String, UInt32?, DescriptorKind)])
    func classify(link: String, mode: UInt32?, kind: DescriptorKind) {
        expectEqual(ProcFS.classify(link: link, mode: mode), kind)
    }

    @Test func unixSocketTable() {
        let text = """
            Num       RefCount Protocol Flags    Type St Inode Path
            0000000000000000: 00000002 00000000 00010000 0001 01 31337 /tmp/lab.sock
            0000000000000000: 00000003 00000000 00000000 0001 03 31338
            0000000000000000: 00000003 00000000 00000000 0001 03 31339 /run/a b.sock
            0000000000000000: 00000002 00000000 00000000 0002 01 31340

            """
        let table = ProcFS.parseUnixSockets(text)
        expectEqual(table[31337], SocketDescription(kind: .unixSocket, local: "/tmp/lab.sock", remote: nil, state: "listening"))
        expectEqual(table[31338]?.text, "unnamed connected")
        expectEqual(table[31339]?.local, "/run/a b.sock")
        expectEqual(table[31340]?.state, "unconnected")
        expectEqual(table.count, 4)
    }

    @Test func tcpSocketTable() {
        let text = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5001 1 0000000000000000 100 0 0 10 0
               1: 0100007F:C350 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 5002 1 0000000000000000 20 4 30 10 -1

            """
        let table = ProcFS.parseInetSockets(text)
        expectEqual(table[5001]?.text, "127.0.0.1:8080 listen")
        expectEqual(table[5002]?.text, "127.0.0.1:50000 → 127.0.0.1:8080 established")
    }

    @Test(arguments: [
        ("0100007F:1F90", "127.0.0.1:8080"),
        ("00000000:0016", "0.0.0.0:22"),
        ("00000000000000000000000001000000:0050", "[::1]:80"),
        ("0000000000000000FFFF00000100007F:1F90", "127.0.0.1:8080"),
        ("00000000000000000000000000000000:0016", "[::]:22"),
    ])
    func inetAddresses(hex: String, text: String) {
        expectEqual(ProcFS.decodeInetAddress(Substring(hex)), text)
    }

    @Test func bracketedInodes() {
        expectEqual(ProcFS.bracketedInode("socket:[123]"), 123)
        expectEqual(ProcFS.bracketedInode("pipe:[9]"), 9)
        expectEqual(ProcFS.bracketedInode("/etc/hostname"), nil)
    }
}

@Suite struct DescriptorCallTests {
    @Test func openWriteSeekReadDupClose() throws {
        let path = temporaryPath("rw")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = try Descriptors.open(path, mode: .readWrite, closeOnExec: true)
        defer { try? FileDescriptor(fd).close() }
        #expect(try FileDescriptor(fd).write(Array("hello world".utf8)) == 11)
        expectEqual(Descriptors.offset(fd), 11)
        #expect(try Descriptors.seek(fd, to: 0, from: .start) == 0)
        #expect(try FileDescriptor(fd).read(upTo: 5) == Array("hello".utf8))
        let copy = try Descriptors.duplicate(fd, closeOnExec: false)
        defer { try? FileDescriptor(copy).close() }
        // A dup shares the open file, so the offset moves for both.
        #expect(try FileDescriptor(copy).read(upTo: 6) == Array(" world".utf8))
        expectEqual(Descriptors.offset(fd), 11)
        #expect(try Descriptors.isCloseOnExec(fd) == true)
        #expect(try Descriptors.isCloseOnExec(copy) == false)
        #expect(try Descriptors.seek(fd, to: -5, from: .end) == 6)
        #expect(try FileDescriptor(fd).read(upTo: 100) == Array("world".utf8))
        #expect(try FileDescriptor(fd).read(upTo: 100).isEmpty)
    }

    @Test func appendModeWritesAtTheEnd() throws {
        let path = temporaryPath("append")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try Descriptors.open(path, mode: .write, closeOnExec: true)
        _ = try FileDescriptor(writer).write(Array("abc".utf8))
        try FileDescriptor(writer).close()
        let appender = try Descriptors.open(path, mode: .append, closeOnExec: true)
        defer { try? FileDescriptor(appender).close() }
        _ = try Descriptors.seek(appender, to: 0, from: .start)
        _ = try FileDescriptor(appender).write(Array("def".utf8))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "abcdef")
        #expect(DescriptorInfo.describe(flags: try Descriptors.statusFlags(appender)).hasPrefix("w,append"))
    }

    @Test func dup2MakesTheTargetShareTheFile() throws {
        let path = temporaryPath("dup2")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = try Descriptors.open(path, mode: .readWrite, closeOnExec: true)
        defer { try? FileDescriptor(fd).close() }
        let target = try #require(Descriptors.freeNumbers(1, from: 200).first)
        #expect(try Descriptors.duplicate(fd, onto: target) == target)
        defer { try? FileDescriptor(target).close() }
        _ = try FileDescriptor(target).write(Array("xy".utf8))
        expectEqual(Descriptors.offset(fd), 2)
        #expect(try Descriptors.isCloseOnExec(target) == false)
    }

    @Test func errorsNameTheCallTheSubjectAndTheErrno() throws {
        let missing = "/nonexistent-conclab-dir/file"
        let error = try #require(throws: OSError.self) { try Descriptors.open(missing, mode: .read, closeOnExec: true) }
        expectEqual(error.name, "ENOENT")
        expectEqual(error.description, "cannot open \(missing): no such file or directory (ENOENT)")
        let unused = try #require(Descriptors.freeNumbers(1, from: 4000).first)
        let bad = try #require(throws: OSError.self) { try FileDescriptor(unused).read(upTo: 1) }
        expectEqual(bad.name, "EBADF")
        #expect(bad.description.contains("fd \(unused)"))
        #expect(throws: OSError.self) { try FileDescriptor(unused).close() }
        expectEqual(OSError("open", .tooManyOpenFiles, subject: "/dev/null").description, "cannot open /dev/null: too many open files (EMFILE)")
    }

    @Test func limitIsReadable() throws {
        let (soft, hard) = try Descriptors.openFileLimit()
        #expect(soft > 3)
        #expect(hard >= soft)
    }

    @Test func freeNumbersSkipOpenOnesAndExclusions() throws {
        let (r, w) = try System.pipe()
        defer { try? FileDescriptor(r).close(); try? FileDescriptor(w).close() }
        let free = Descriptors.freeNumbers(3, from: r, excluding: [r + 2])
        #expect(!free.contains(r))
        #expect(!free.contains(w))
        #expect(!free.contains(r + 2))
        expectEqual(free.count, 3)
    }

    @Test func waitSeesDataAndTimesOut() throws {
        let (r, w) = try System.pipe()
        defer { try? FileDescriptor(r).close(); try? FileDescriptor(w).close() }
        #expect(try Descriptors.wait(r, for: .readable, milliseconds: 0) == false)
        #expect(try Descriptors.wait(w, for: .writable, milliseconds: 0) == true)
        try FileDescriptor(w).writeAll("x")
        #expect(try Descriptors.wait(r, for: .readable, milliseconds: 1000) == true)
    }

    @Test func nonBlockingWriteToAFullPipeTakesNothing() throws {
        let (r, w) = try System.pipe()
        defer { try? FileDescriptor(r).close(); try? FileDescriptor(w).close() }
        try Descriptors.setNonBlocking(w, true)
        let chunk = [UInt8](repeating: 1, count: 1 << 16)
        var total = 0
        while true {
            let n = try FileDescriptor(w).write(chunk)
            if n == 0 { break }
            total += n
        }
        #expect(total >= 4096)
        #expect(try Descriptors.wait(w, for: .writable, milliseconds: 0) == false)
    }
}

@Suite struct DescriptorListingTests {
    @Test func listingShowsKindsOffsetsAndCloseOnExec() throws {
        let path = temporaryPath("list")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try Descriptors.open(path, mode: .readWrite, closeOnExec: false)
        defer { try? FileDescriptor(file).close() }
        _ = try FileDescriptor(file).write(Array("12345".utf8))
        let directory = try Descriptors.open("/", mode: .read, closeOnExec: true)
        defer { try? FileDescriptor(directory).close() }
        let device = try Descriptors.open("/dev/null", mode: .read, closeOnExec: true)
        defer { try? FileDescriptor(device).close() }
        let (r, w) = try System.pipe()
        defer { try? FileDescriptor(r).close(); try? FileDescriptor(w).close() }
        let (a, b) = try Sockets.pair()
        defer { try? FileDescriptor(a).close(); try? FileDescriptor(b).close() }
        let (listener, port) = try Sockets.listenTCP()
        defer { try? FileDescriptor(listener).close() }

        let listing = try ProcFS.descriptors()
        let byNumber = Dictionary(listing.entries.map { ($0.number, $0) }, uniquingKeysWith: { x, _ in x })
        expectEqual(byNumber[file]?.kind, .file)
        expectEqual(byNumber[file]?.link, path)
        expectEqual(byNumber[file]?.info?.position, 5)
        expectEqual(byNumber[file]?.info?.flagNames, "rw")
        expectEqual(byNumber[file]?.info?.closeOnExec, false)
        expectEqual(byNumber[directory]?.kind, .directory)
        expectEqual(byNumber[directory]?.info?.closeOnExec, true)
        expectEqual(byNumber[device]?.kind, .device)
        expectEqual(byNumber[r]?.kind, .pipe)
        expectEqual(byNumber[w]?.kind, .pipe)
        expectEqual(byNumber[r]?.linkInode, byNumber[w]?.linkInode)
        expectEqual(byNumber[w]?.info?.flagNames, "w")
        expectEqual(byNumber[a]?.kind, .unixSocket)
        expectEqual(byNumber[b]?.socketDetail?.contains("connected"), true)
        expectEqual(byNumber[listener]?.kind, .tcpSocket)
        expectEqual(byNumber[listener]?.socketDetail, "127.0.0.1:\(port) listen")
    }

    @Test func theListingsOwnDescriptorIsLeftOutAndClosed() throws {
        let listing = try ProcFS.descriptors()
        let own = try #require(listing.listingDescriptor)
        #expect(!listing.entries.contains { $0.number == own })
        #expect(!listing.entries.contains { $0.link.hasSuffix("/fd") })
        #expect(listing.entries.contains { $0.number == 0 || $0.number == 1 || $0.number == 2 })
    }

    @Test func anotherProcessCanBeListed() throws {
        let pid = try ChildProcess.spawn(.init(executable: "/bin/sleep", arguments: ["30"]))
        defer {
            try? ChildProcess.signal(pid, Signals.kill)
            _ = try? ChildProcess.reap(pid, block: true)
        }
        let listing = try ProcFS.descriptors(pid: pid)
        expectEqual(listing.pid, pid)
        expectEqual(listing.listingDescriptor, nil)
        #expect(listing.entries.contains { $0.number == 0 })
    }

    @Test func aMissingProcessIsAnError() {
        #expect(throws: OSError.self) { try ProcFS.descriptors(pid: Int32.max - 7) }
    }
}
