import LabOS
import LabCore
import PyLab
import Synchronization

/// The convoy effect: an I/O-bound thread's request latency alone and beside a CPU-bound thread, under a GIL and
/// without one, and (where python3 is present and asked for) in the real CPython.
///
/// Under a GIL the I/O thread gives the GIL up around each blocking call, as CPython's socket module does, and must
/// take it back when the call returns. The CPU-bound thread has it by then and keeps it until the I/O thread has
/// waited a whole switch interval and asked for it: each reply costs up to one interval more (a send returns before
/// the CPU-bound thread has woken to take the GIL, so it rarely waits).
/// Without a GIL the kernel runs the woken I/O thread at once on a free core (or soon, preempting the spinner).
package enum IOConvoy {
    package enum Setup: String, CaseIterable, Sendable {
        case gilAlone = "GIL, alone"
        case gilBeside = "GIL, beside a CPU-bound thread"
        case noGILBeside = "no GIL, beside a CPU-bound thread"
        case cpythonAlone = "python3, alone"
        case cpythonBeside = "python3, beside a CPU-bound thread"

        var gil: Bool { self == .gilAlone || self == .gilBeside }
        var beside: Bool { self == .gilBeside || self == .noGILBeside || self == .cpythonBeside }
    }

    package struct Row: Sendable {
        package var setup: Setup
        package var latencies: [Int64]
        /// GIL hand-overs the CPU-bound thread was asked for (conclab's model only: nil for python3).
        package var forcedSwitches: Int?
    }

    private static let ioThread = 1, cpuThread = 2

    /// conclab's model: the I/O thread (and the CPU-bound one, when `beside`) of conclab's GIL, with `interval`.
    package static func measure(_ setup: Setup, requests: Int, port: UInt16, intervalNanoseconds: Int64,
                                stop: StopFlag) throws(OSError) -> Row {
        let gil: GIL? = setup.gil ? GIL() : nil
        gil?.setInterval(intervalNanoseconds)
        let done = StopFlag()
        let spinnerEnded = Gate(false)
        let spinnerRunning = Gate(false)
        if setup.beside {
            do throws(OSError) {
                _ = try OSThread.detach(name: "conclab-cpu") {
                    gil?.take(cpuThread, name: "cpu")
                    spinnerRunning.update { $0 = true }
                    var x: UInt64 = 0
                    while !done.isStopped && !stop.isStopped {
                        // A slice of pure computation, then the eval breaker's check.
                        for i in 0..<256 { x = x &* 6364136223846793005 &+ UInt64(i) }
                        if let gil, gil.dropRequest.load(ordering: .relaxed) != 0 { gil.yield(cpuThread, name: "cpu") }
                    }
                    Spin.keep(x)
                    gil?.drop(cpuThread)
                    spinnerEnded.update { $0 = true }
                }
            } catch { throw error }
            _ = spinnerRunning.wait(timeoutNanoseconds: 2_000_000_000) { $0 ? true : nil }
        }
        defer {
            done.stop()
            if setup.beside { _ = spinnerEnded.wait(timeoutNanoseconds: 5_000_000_000) { $0 ? true : nil } }
        }
        let connection = try IOConnection(port: port, replyBytes: IOWire.defaultReplyBytes)
        defer { connection.close() }
        gil?.take(ioThread, name: "io")
        var latencies: [Int64] = []
        let request = UnsafeMutableRawBufferPointer.allocate(byteCount: IOWire.requestBytes, alignment: 8)
        let reply = UnsafeMutableRawBufferPointer.allocate(byteCount: IOWire.defaultReplyBytes, alignment: 16)
        defer { request.deallocate(); reply.deallocate() }
        do throws(OSError) {
            for id in 0..<requests where !stop.isStopped {
                let start = Clock.monotonicNanoseconds()
                IOWire.encode(UInt64(id), into: request)
                // sock.sendall(): the GIL is released around the system call and taken back after it.
                gil?.drop(ioThread)
                try FileDescriptor(connection.fd).writeAll(UnsafeRawBufferPointer(request))
                gil?.take(ioThread, name: "io")
                // sock.recv(): the same, around the wait for the reply.
                gil?.drop(ioThread)
                let got = try FileDescriptor(connection.fd).readExactly(into: reply)
                gil?.take(ioThread, name: "io")
                guard got == reply.count else { throw OSError("read", .brokenPipe, subject: "the server's reply (it closed)") }
                latencies.append(Clock.monotonicNanoseconds() - start)
            }
        } catch {
            gil?.drop(ioThread)
            throw error
        }
        let forced = gil.map { g in g.stats.threads["cpu"]?.forcedDrops ?? 0 } ?? 0
        gil?.drop(ioThread)
        return Row(setup: setup, latencies: latencies, forcedSwitches: forced)
    }

    /// The same in python3: a thread making the requests, alone or beside a thread running `x += 1` in a loop.
    /// Prints the latencies in nanoseconds on one line.
    package static let cpythonProgram = """
        import socket, struct, sys, threading, time
        port, n, beside, interval = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1", float(sys.argv[4])
        sys.setswitchinterval(interval)
        done = False
        def spin():
            x = 0
            while not done:
                x += 1
        spinner = threading.Thread(target=spin)
        if beside:
            spinner.start()
            time.sleep(0.02)
        s = socket.create_connection(("127.0.0.1", port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        latencies = []
        for i in range(n):
            start = time.perf_counter_ns()
            s.sendall(struct.pack("<Q", i))
            got = 0
            while got < \(IOWire.defaultReplyBytes):
                chunk = s.recv(\(IOWire.defaultReplyBytes) - got)
                if not chunk:
                    sys.exit("the server closed the connection")
                got += len(chunk)
            latencies.append(time.perf_counter_ns() - start)
        done = True
        if beside:
            spinner.join()
        print(" ".join(map(str, latencies)))
        """

    package static func measureCPython(_ python: String, beside: Bool, requests: Int, port: UInt16, intervalNanoseconds: Int64,
                                       stop: @escaping () -> Bool) throws -> Row {
        let output = try RealPython.output(python, cpythonProgram, [String(port), String(requests), beside ? "1" : "0",
                                                                    String(Double(intervalNanoseconds) / 1e9)],
                                           seconds: 60, finishing: "the requests", stop: stop)
        let latencies = output.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int64($0) }
        guard latencies.count == requests else {
            throw CommandError("python3 printed \(latencies.count) latencies, not \(requests)")
        }
        return Row(setup: beside ? .cpythonBeside : .cpythonAlone, latencies: latencies, forcedSwitches: nil)
    }
}

/// Keeps a computed value alive so the optimizer cannot drop the loop that made it.
enum Spin {
    @inline(never) static func keep(_ value: UInt64) { sink.store(value, ordering: .relaxed) }
    private static let sink = Atomic<UInt64>(0)
}
