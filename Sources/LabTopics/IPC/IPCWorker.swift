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
    public static let flag = IPCWorkerTask.flag
    /// The name the worker gives its main thread (the same as `proc` workers: tools and tests look for it).
    package static let threadName = "conclab-worker"

    /// Runs a worker and never returns.
    public static func main(_ arguments: [String]) -> Never {
        OSThread.setCurrentName(threadName)
        // A peer that closes first must give EPIPE here, not kill the worker mid-write.
        Signals.ignoreBrokenPipe()
        let numbers = arguments.dropFirst().compactMap { Int32($0) }
        switch arguments.first.flatMap(IPCWorkerTask.init(rawValue:)) {
        case .echo? where numbers.count == IPCWorkerTask.echo.descriptorCount: echo(from: numbers[0], to: numbers[1])
        case .hold? where numbers.count == IPCWorkerTask.hold.descriptorCount: hold(control: numbers[0])
        case .bench? where numbers.count == IPCWorkerTask.bench.descriptorCount: IPCBenchProtocol.serve(from: numbers[0], to: numbers[1])
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

