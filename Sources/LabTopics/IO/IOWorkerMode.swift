import LabOS
import LabCore

/// `conclab __io-worker TASK …`: the shell started again as the I/O lab's server or as one of its client
/// processes. Checked before argument parsing, like the other worker modes.
///
/// - `serve LISTENER CONTROL LATENCY_NS REPLY_BYTES`: the server (see `IOServer`), until end of file on CONTROL.
/// - `fetch PORT FIRST STEP COUNT REPLY_BYTES REPORT`: one client process of `io fetch processes`. It connects,
///   makes COUNT requests one after another (numbers FIRST, FIRST+STEP, …), and writes to REPORT one line each:
///   `ready NS` (the monotonic clock, shared by every process, when it had connected), `latencies NS NS …`,
///   `cpu NS` (its own CPU time) and `pss BYTES` (its proportional memory while it still ran).
public enum IOWorkerMode {
    public static let flag = "__io-worker"

    public static func main(_ arguments: [String]) -> Never {
        OSThread.setCurrentName("conclab-io")
        Signals.ignoreBrokenPipe()
        let numbers = arguments.dropFirst().compactMap { Int64($0) }
        switch arguments.first {
        case "serve"? where numbers.count == 4:
            System.exit(IOServer.serve(listener: Int32(numbers[0]), control: Int32(numbers[1]),
                                       latencyNanoseconds: numbers[2], replyBytes: Int(numbers[3])))
        case "fetch"? where numbers.count == 6:
            System.exit(fetch(port: UInt16(clamping: numbers[0]), first: UInt64(numbers[1]), step: UInt64(numbers[2]),
                              count: Int(numbers[3]), replyBytes: Int(numbers[4]), report: Int32(numbers[5])))
        default:
            try? FileDescriptor.standardError.writeAll("conclab io worker: unknown arguments \(arguments)\n")
            System.exit(2)
        }
    }

    static func fetch(port: UInt16, first: UInt64, step: UInt64, count: Int, replyBytes: Int, report: Int32) -> Int32 {
        let out = FileDescriptor(report)
        do {
            let connection = try IOConnection(port: port, replyBytes: replyBytes)
            defer { connection.close() }
            try out.writeAll("ready \(Clock.monotonicNanoseconds())\n")
            var latencies: [Int64] = []
            latencies.reserveCapacity(count)
            for i in 0..<count {
                latencies.append(try connection.request(first + UInt64(i) * step))
            }
            let pss = (try? ProcFS.memory())?.pssBytes ?? 0
            try out.writeAll("latencies " + latencies.map(String.init).joined(separator: " ") + "\n"
                             + "cpu \(Clock.processCPUNanoseconds())\npss \(pss)\n")
            return 0
        } catch {
            try? out.writeAll("error \(error)\n")
            return 1
        }
    }
}

/// One blocking connection to the server: a request, then its whole reply.
package final class IOConnection: @unchecked Sendable {
    package let fd: Int32
    private let reply: UnsafeMutableRawBufferPointer
    private let request = UnsafeMutableRawBufferPointer.allocate(byteCount: IOWire.requestBytes, alignment: 8)

    package init(port: UInt16, replyBytes: Int) throws(OSError) {
        fd = try Sockets.connectTCP(host: Sockets.loopback, port: port)
        reply = .allocate(byteCount: max(IOWire.requestBytes, replyBytes), alignment: 16)
    }

    /// Sends request `id` and waits for its reply; returns the nanoseconds it took.
    package func request(_ id: UInt64) throws(OSError) -> Int64 {
        let start = Clock.monotonicNanoseconds()
        IOWire.encode(id, into: request)
        try FileDescriptor(fd).writeAll(UnsafeRawBufferPointer(request))
        guard try FileDescriptor(fd).readExactly(into: reply) == reply.count else {
            throw OSError("read", .brokenPipe, subject: "the server's reply (it closed the connection)")
        }
        guard IOWire.decode(UnsafeRawBufferPointer(reply)) == id else {
            throw OSError("read", .ioError, subject: "the server's reply (it answered another request)")
        }
        return Clock.monotonicNanoseconds() - start
    }

    package func close() {
        try? FileDescriptor(fd).close()
        reply.deallocate()
        request.deallocate()
    }
}
