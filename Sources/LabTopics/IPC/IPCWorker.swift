import LabOS
import LabCore
import PyLab

/// The far end of a channel as a process: `conclab __ipc-worker MODE …` is the shell started again as a small
/// helper that talks over the descriptors it was handed. Checked before argument parsing, like `__worker`.
///
/// Modes (descriptor numbers are the child's, chosen by the shell among numbers it has free, so the child also
/// keeps every descriptor it inherits at its own number):
/// - `echo IN OUT` — copies whatever arrives on IN back out on OUT until end of file.
/// - `hold CONTROL` — `fd child`: keeps what it inherited and waits on a Unix socket for descriptors sent with
///   SCM_RIGHTS; for each, it writes and reads through it as asked and reports the number it got.
/// - `bench IN OUT` — `ipc bench`: ping-pong and streaming on request (see `IPCBenchProtocol`).
public enum IPCWorkerMode {
    public static let flag = "__ipc-worker"
    /// The name the worker gives its main thread (the same as `proc` workers: tools and tests look for it).
    package static let threadName = "conclab-worker"

    /// Runs a worker and never returns.
    public static func main(_ arguments: [String]) -> Never {
        OSThread.setCurrentName(threadName)
        // A peer that closes first must give EPIPE here, not kill the worker mid-write.
        Signals.ignoreBrokenPipe()
        let numbers = arguments.dropFirst().compactMap { Int32($0) }
        switch (arguments.first, numbers.count) {
        case ("echo", 2): echo(from: numbers[0], to: numbers[1])
        case ("hold", 1): hold(control: numbers[0])
        case ("bench", 2): IPCBenchProtocol.serve(from: numbers[0], to: numbers[1])
        default:
            try? FileDescriptor.standardError.writeAll("conclab ipc worker: unknown arguments \(arguments)\n")
            System.exit(2)
        }
        System.exit(0)
    }

    /// Copies bytes back until end of file or an error (the shell closed its end).
    package static func echo(from input: Int32, to output: Int32) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            guard let n = try? FileDescriptor(input).read(into: buffer), n > 0 else { return }
            guard (try? FileDescriptor(output).writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))) != nil else { return }
        }
    }

    /// `fd child`: waits for descriptors on `control` and acts through each as the request says.
    package static func hold(control: Int32) {
        var decoder = FrameDecoder(limit: 1 << 16)
        var pending: [Int32] = []
        while true {
            guard let received = try? Sockets.receiveDescriptors(control, max: 1 << 16), !received.bytes.isEmpty else { return }
            pending += received.descriptors
            decoder.feed(received.bytes)
            while true {
                // A malformed frame ends the conversation: the stream cannot be trusted after it.
                let next: Frame?
                do throws(FrameError) { next = try decoder.next() } catch { return }
                guard let frame = next else { break }
                let reply: Frame
                if frame.kind == FDChildRequest.take, !pending.isEmpty {
                    reply = FDChildRequest.perform(frame, on: pending.removeFirst())
                } else {
                    reply = Frame(kind: FDChildRequest.failed, fields: ["no descriptor arrived with the request"])
                }
                guard (try? FileDescriptor(control).writeAll(reply.encoded)) != nil else { return }
            }
        }
    }
}

/// What `fd send` asks an `fd child` to do with the descriptor it passes, and what comes back.
package enum FDChildRequest {
    package static let take: UInt8 = 1
    package static let took: UInt8 = 2
    package static let failed: UInt8 = 3

    /// Request fields: bytes to read, then text to write first.
    package static func request(read: Int, write: String) -> Frame {
        Frame(kind: take, fields: [String(read), write])
    }

    /// Runs in the child: write, then read, through `fd`; reply with the number it arrived as, what was written
    /// and read, and the offset afterwards (shared with every other copy of the same open file).
    package static func perform(_ frame: Frame, on fd: Int32) -> Frame {
        let fields = frame.fields
        let readCount = fields.first.flatMap { Int($0) } ?? 0
        let text = fields.count > 1 ? fields[1...].joined(separator: "\0") : ""
        var wrote = 0
        var readText = ""
        do {
            if !text.isEmpty {
                try FileDescriptor(fd).writeAll(Array(text.utf8))
                wrote = text.utf8.count
            }
            if readCount > 0 {
                readText = String(decoding: try FileDescriptor(fd).read(upTo: min(readCount, 1 << 15)), as: UTF8.self)
            }
        } catch {
            return Frame(kind: failed, fields: [String(fd), "\(error)"])
        }
        let offset = Descriptors.offset(fd).map { String($0) } ?? "-"
        return Frame(kind: took, fields: [String(fd), String(wrote), offset, readText])
    }

    /// The shell's reading of a `took` reply.
    package struct Reply: Equatable {
        package var received: Int32
        package var wrote: Int
        package var offset: Int64?
        package var text: String
    

        package init(received: Int32, wrote: Int, offset: Int64? = nil, text: String) {
            self.received = received
            self.wrote = wrote
            self.offset = offset
            self.text = text
        }}

    package static func parse(_ frame: Frame) throws -> Reply {
        let fields = frame.fields
        if frame.kind == failed {
            throw CommandError("the child could not use the descriptor: " + fields.dropFirst().joined(separator: " ").ifEmpty(fields.first ?? "unknown error"))
        }
        guard frame.kind == took, fields.count >= 4, let received = Int32(fields[0]), let wrote = Int(fields[1]) else {
            throw CommandError("the child's reply is malformed (kind \(frame.kind), \(fields.count) fields)")
        }
        return Reply(received: received, wrote: wrote, offset: Int64(fields[2]), text: fields[3...].joined(separator: "\0"))
    }
}

/// Starting IPC workers from the shell.
package enum IPCWorkers {
    /// Starts `conclab __ipc-worker MODE NUMBERS…` with `descriptors` handed over at numbers free in the shell
    /// (the same descriptor given twice gets one number). Spawned from the calling thread: call it on the
    /// command thread, which lives as long as the shell (the child's PR_SET_PDEATHSIG follows that thread).
    package static func start(_ mode: String, handing descriptors: [Int32]) throws -> (pid: Int32, numbers: [Int32]) {
        var unique: [Int32] = []
        for fd in descriptors where !unique.contains(fd) { unique.append(fd) }
        let free = Descriptors.freeNumbers(unique.count, from: 3, excluding: Set(unique))
        guard free.count == unique.count else { throw CommandError("no free descriptor numbers to hand to the child") }
        let map = Dictionary(uniqueKeysWithValues: zip(unique, free))
        let numbers = descriptors.map { map[$0] ?? -1 }
        // The same program `proc` workers run (conclab itself; a test runner that links LabKit names it, or has none),
        // started the same way.
        let pid = try ChildProcess.spawn(WorkerMode.childConfiguration([IPCWorkerMode.flag, mode] + numbers.map(String.init),
                                                                       descriptors: zip(unique, free).map { .init(parent: $0, child: $1) }))
        return (pid, numbers)
    }
}

extension String {
    package func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
