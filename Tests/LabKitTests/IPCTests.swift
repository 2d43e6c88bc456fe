import Foundation
import LabOS
import Synchronization
import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

/// Channels in one process: pipes, socket pairs, Unix and TCP sockets, thread peers, timeouts and Ctrl-C.
/// (Worker processes at the far end are tested end to end, with the real binary.)
@Suite(.serialized, .timeLimit(.minutes(1))) struct IPCChannelTests {
    init() { Signals.ignoreBrokenPipe() }

    @Test func aPipeIsAByteStreamWithoutBoundaries() {
        let session = Session()
        defer { session.shutdown() }
        let pipe = session.execute("pipe new")
        expectEqual(pipe["handle"], .string("ch1"))
        expectEqual(pipe["transport"], .string("pipe"))
        expectEqual(session.execute("send ch1 hello")["bytes"], .int(5))
        expectEqual(session.execute("send ch1 world")["bytes"], .int(5))
        let recv = session.execute("recv ch1 --timeout 1000")
        expectEqual(recv["text"], .string("helloworld"))
        expectEqual(recv["timed_out"], .bool(false))
        let empty = session.execute("recv ch1 --timeout 30")
        #expect(empty.succeeded)
        expectEqual(empty["timed_out"], .bool(true))
        expectEqual(empty["bytes"], .int(0))
        expectEqual(session.execute("show ch1")["sent_bytes"], .int(10))
    }

    @Test func recvBytesWaitsForThatManyAndMaxLimitsARead() {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("sock pair").succeeded)
        #expect(session.execute("send ch1 abcdef").succeeded)
        expectEqual(session.execute("recv ch1 --max 2")["text"], .string("ab"))
        expectEqual(session.execute("recv ch1 --bytes 4 --timeout 1000")["text"], .string("cdef"))
        let partial = session.execute("send ch1 xy")
        #expect(partial.succeeded)
        let short = session.execute("recv ch1 --bytes 5 --timeout 50")
        expectEqual(short["text"], .string("xy"))
        expectEqual(short["timed_out"], .bool(true))
    }

    @Test func aFullPipeReportsHowMuchWentIn() {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("pipe new --name full").succeeded)
        let send = session.execute("send full --size 1000000 --timeout 100")
        #expect(send.succeeded)
        expectEqual(send["blocked"], .bool(true))
        expectEqual(send["complete"], .bool(false))
        guard case .int(let bytes)? = send["bytes"] else { Issue.record("no bytes"); return }
        #expect(bytes >= 4096 && bytes < 1_000_000)
        expectEqual(session.execute("recv full --max 10")["bytes"], .int(10))
    }

    @Test func anEchoThreadOnASocketPair() throws {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("sock pair").succeeded)
        let echo = session.execute("ipc echo ch1 --thread")
        #expect(echo.succeeded, "\(echo.failureMessage)")
        expectEqual(echo["peer"], .string("thread"))
        #expect(session.execute("send ch1 ping").succeeded)
        expectEqual(session.execute("recv ch1 --bytes 4 --timeout 5000")["text"], .string("ping"))
        // The thread's end shows in fd list, marked.
        let held = rows(session.execute("fd list")).filter { ($0["note"].map { "\($0)" } ?? "").contains("echo thread") }
        expectEqual(held.count, 1)
        #expect(session.execute("ipc echo ch1 --thread").failureMessage.contains("already has a peer"))
        let channel = try #require(try session.objects.lookup("ch1") as? Channel)
        #expect(session.execute("close ch1").succeeded)
        #expect(channel.heldDescriptors.isEmpty, "the thread read end of file, closed its end and ended")
    }

    @Test func anEchoThreadOnAPipeGetsAReplyPipe() throws {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("pipe new").succeeded)
        let before = session.execute("show ch1")
        #expect(session.execute("ipc echo ch1 --thread").succeeded)
        let after = session.execute("show ch1")
        expectEqual(after["send_fd"], before["send_fd"])
        #expect(after["recv_fd"] != before["recv_fd"], "replies come back through a second pipe")
        #expect(session.execute("send ch1 'two words'").succeeded)
        expectEqual(session.execute("recv ch1 --bytes 9 --timeout 5000")["text"], .string("two words"))
    }

    @Test func tcpListenConnectAcceptBothWays() {
        let session = Session()
        defer { session.shutdown() }
        let listen = session.execute("sock listen tcp --name srv")
        expectEqual(listen["host"], .string("127.0.0.1"))
        guard case .int(let port)? = listen["port"] else { Issue.record("no port"); return }
        #expect(port > 0)
        #expect(session.execute("sock connect srv --name client").succeeded)
        #expect(session.execute("sock accept srv --timeout 5000 --name server").succeeded)
        #expect(session.execute("send client hello").succeeded)
        expectEqual(session.execute("recv server --bytes 5 --timeout 5000")["text"], .string("hello"))
        #expect(session.execute("send server back").succeeded)
        expectEqual(session.execute("recv client --bytes 4 --timeout 5000")["text"], .string("back"))
        #expect(session.execute("sock connect tcp \(port) --name second").succeeded)
        expectEqual(session.execute("show srv")["accepted"], .int(1))
        let timeout = session.execute("sock accept srv --timeout 1000")
        #expect(timeout.succeeded, "the second connection waits in the backlog")
        let none = session.execute("sock accept srv --timeout 20")
        #expect(none.failureMessage.contains("no connection arrived on srv within 20 ms"))
    }

    @Test func unixSocketsEndOfFileAndBrokenPipe() throws {
        let dir = try FDScratch("unix")
        defer { dir.remove() }
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("sock listen unix \(dir.file("s.sock")) --name srv").succeeded)
        #expect(session.execute("sock connect unix \(dir.file("s.sock")) --name a").succeeded)
        #expect(session.execute("sock accept srv --name b").succeeded)
        #expect(session.execute("close b").succeeded)
        let eof = session.execute("recv a --timeout 1000")
        expectEqual(eof["eof"], .bool(true))
        expectEqual(eof["bytes"], .int(0))
        let broken = session.execute("send a anyone")
        #expect(broken.succeeded)
        expectEqual(broken["peer_closed"], .bool(true))
        let again = session.execute("sock listen unix \(dir.file("s.sock"))")
        #expect(again.failureMessage.contains("EADDRINUSE"))
    }

    @Test func aConnectedSocketIsHandedOverToItsPeer() {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("sock listen tcp --name srv").succeeded)
        #expect(session.execute("sock connect srv --name client").succeeded)
        #expect(session.execute("sock accept srv --name server").succeeded)
        #expect(session.execute("ipc echo server --thread").succeeded)
        #expect(session.execute("send server x").failureMessage.contains("belongs to its peer"))
        #expect(session.execute("send client 'across tcp'").succeeded)
        expectEqual(session.execute("recv client --bytes 10 --timeout 5000")["text"], .string("across tcp"))
        let list = rows(session.execute("ipc list"))
        guard case .string(let state)? = list.first(where: { $0["handle"] == .string("server") })?["state"] else {
            Issue.record("no row for server"); return
        }
        #expect(state.hasPrefix("handed to thread"))
        expectEqual(list.count, 3)
    }

    @Test func recvHonoursCtrlC() throws {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("pipe new").succeeded)
        let outcome = Mutex<Outcome?>(nil)
        let finished = Gate(false)
        try OSThread.detach(name: "recv-test") {
            let result = session.execute("recv ch1")
            outcome.withLock { $0 = result }
            finished.update { $0 = true }
        }
        #expect(eventually { session.cancelRunning() })
        expectEqual(finished.wait(timeoutNanoseconds: 5_000_000_000) { $0 ? true : nil }, true)
        expectEqual(outcome.withLock { $0?.failure?.kind }, .cancelled)
    }

    @Test func sendAndRecvErrors() {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("send ch9 x").failureMessage.contains("No channel ch9."))
        #expect(session.execute("pipe new").succeeded)
        #expect(session.execute("send ch1").failureMessage.contains("missing TEXT"))
        #expect(session.execute("send ch1 x --size 3").failureMessage.contains("not both"))
        #expect(session.execute("sock connect srv9").failureMessage.contains("No listener srv9."))
        #expect(session.execute("sock listen tcp --host nowhere").failureMessage.contains("IPv4 address"))
        #expect(session.execute("sock listen unix").failureMessage.contains("needs a PATH"))
        #expect(session.execute("close ch1").succeeded)
        #expect(session.execute("recv ch1").failureMessage.contains("No channel ch1."))
    }

    @Test func manyChannelCyclesLeaveNothingBehind() {
        let session = Session()
        defer { session.shutdown() }
        for i in 0..<500 {
            #expect(session.execute(i % 2 == 0 ? "pipe new --name c" : "sock pair --name c").succeeded)
            #expect(session.execute("close c").succeeded)
        }
        #expect(session.objects.all().isEmpty)
    }

    @Test func queueBenchmarkRunsInProcess() {
        let session = Session()
        defer { session.shutdown() }
        let bench = session.execute("ipc bench queue --count 200 --block 4096 --total 65536")
        #expect(bench.succeeded, "\(bench.failureMessage)")
        expectEqual(bench["count"], .int(1))
        expectEqual(bench["queue_median_us"].flatMap(\.number).map { $0 > 0 }, true)
        expectEqual(bench["queue_mib_s"].flatMap(\.number).map { $0 > 0 }, true)
        #expect(session.objects.all().isEmpty)
    }
}

@Suite struct IPCBenchFormatTests {
    @Test func tableHasARowPerTransportAndSummaryFields() {
        let figures = [IPCBenchFigures(transport: .pipe, roundTrips: Statistics([10_000, 12_000, 11_000]), bandwidth: 1_048_576 * 100),
                       IPCBenchFigures(transport: .queue, roundTrips: Statistics([5_000, 5_000, 6_000]), bandwidth: 1_048_576 * 5000)]
        let table = IPCBench.table(figures, IPCBenchSettings())
        expectEqual(table.rows.count, 2)
        expectEqual(table.columns.first, "transport")
        expectEqual(table.summary?["pipe_median_us"], .quantity(11, .microseconds))
        expectEqual(table.summary?["pipe_mib_s"], .double(100))
        expectEqual(table.summary?["queue_mib_s"], .double(5000))
        // The bars are drawn by the renderer, beside the medians: the slowest gets the full 30 columns.
        expectEqual(table.bars, Bars(column: "median_us", title: "median"))
        let drawn = HumanRenderer(color: false).render(.table(table)).split(separator: "\n")
        let longest = drawn[2].filter { $0 == "█" }.count, shorter = drawn[3].filter { $0 == "█" }.count
        expectEqual(longest, 30)
        #expect(shorter > 0 && shorter < longest)
        #expect(!JSONRenderer.render(.table(table)).contains("█"))
    }

    @Test func benchProtocolHeaderRoundTrips() {
        let header = IPCBenchProtocol.header(IPCBenchProtocol.stream, size: 65536, count: 256)
        expectEqual(header.count, IPCBenchProtocol.headerSize)
        let parsed = header.withUnsafeBytes { IPCBenchProtocol.parseHeader($0) }
        expectEqual(parsed?.operation, IPCBenchProtocol.stream)
        expectEqual(parsed?.size, 65536)
        expectEqual(parsed?.count, 256)
        #expect([UInt8](repeating: 0, count: 16).withUnsafeBytes { IPCBenchProtocol.parseHeader($0) } == nil, "size 0 is malformed")
    }

    @Test func fdChildRequestsAndReplies() throws {
        let request = FDChildRequest.request(read: 5, write: "a\0b")
        expectEqual(request.kind, FDChildRequest.take)
        let reply = FDChildRequest.parse
        let parsed = try reply(Frame(kind: FDChildRequest.took, fields: ["7", "3", "12", "text\0with nul"]))
        expectEqual(parsed, FDChildRequest.Reply(received: 7, wrote: 3, offset: 12, text: "text\0with nul"))
        let pipe = try reply(Frame(kind: FDChildRequest.took, fields: ["8", "0", "-", ""]))
        expectEqual(pipe.offset, nil)
        #expect(throws: CommandError.self) { try reply(Frame(kind: FDChildRequest.failed, fields: ["7", "cannot write fd 7: bad file descriptor (EBADF)"])) }
        #expect(throws: CommandError.self) { try reply(Frame(kind: 9, fields: [])) }
    }
}

/// What `ipc pickle` reads from python3's lines, and the table it makes of them (python3 itself runs end to end).
@Suite struct IPCPickleFiguresTests {
    static let printed = """
        python 3.11.7
        protocol 4
        bytes 368931
        dumps 3588102 1022406 1167973 1051428 1062173
        loads 5374959 2947000 2833683 2685128 2631424
        pipe 321546 267286 460261 368983 229351
        mp_pipe 5088295 3958417 4201680 4237259 4098623
        queue 5462249 4038200 4311922 4069083 3854292

        """

    @Test func eachFigureIsItsFastestRound() throws {
        let f = try #require(IPCPickleProgram.Figures(Self.printed, rounds: 5))
        expectEqual(f, IPCPickleProgram.Figures(pythonVersion: "3.11.7", pickleProtocol: 4, pickledBytes: 368931, dumps: 1022406,
                                                loads: 2631424, pipe: 229351, multiprocessingPipe: 3958417, queue: 3854292))
    }

    @Test(arguments: [("a round short", 4), ("a round too many", 6)])
    func aMissingOrExtraSampleIsNoFigure(_ why: String, rounds: Int) {
        #expect(IPCPickleProgram.Figures(Self.printed, rounds: rounds) == nil, "\(why)")
    }

    @Test func aMissingLineIsNoFigure() {
        for name in ["python", "protocol", "bytes", "dumps", "loads", "pipe", "mp_pipe", "queue"] {
            let without = Self.printed.split(separator: "\n").filter { !$0.hasPrefix(name + " ") }.joined(separator: "\n")
            #expect(IPCPickleProgram.Figures(without, rounds: 5) == nil, "without '\(name)'")
        }
    }

    @Test func sharesAreOfTheQueuesTrip() throws {
        let f = try #require(IPCPickleProgram.Figures(Self.printed, rounds: 5))
        let table = IPCPickleProgram.table(f, kind: .ints, items: 100_000, conclabPipe: 72_000)
        expectEqual(table.rows.map { $0.first }, ["pickle.dumps", "pickle.loads", "os.pipe", "Pipe.send", "Queue.put", "conclab pipe"].map { .string($0) })
        expectEqual(table.rows[4][2], .quantity(100, .percent))
        // (1.022 + 2.631) / 3.854 ms and 0.229 / 3.854 ms, whole percent.
        expectEqual(table.summary?["pickle_pct"], .quantity(95, .percent))
        expectEqual(table.summary?["pipe_pct"], .quantity(6, .percent))
        expectEqual(table.summary?["bytes_per_item"], .double(3.69))
        expectEqual(table.summary?["conclab_pipe_ms"], .ms(72_000))
        let without = IPCPickleProgram.table(f, kind: .ints, items: 100_000, conclabPipe: nil)
        expectEqual(without.rows.count, 5)
        expectEqual(without.summary?["conclab_pipe_ms"], nil)
    }
}
