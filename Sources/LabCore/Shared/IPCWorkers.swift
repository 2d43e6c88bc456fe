import LabOS

/// What a `conclab __ipc-worker TASK NUMBERS…` helper does with the descriptors it is handed. The shell starts
/// one for `ipc echo` (echo), `fd child` (hold) and `ipc bench` (bench); the IPC topic runs the worker side.
package enum IPCWorkerTask: String, Sendable, CaseIterable {
    /// Copies whatever arrives on IN back out on OUT until end of file.
    case echo
    /// `fd child`: keeps what it inherited and waits on a Unix socket (CONTROL) for descriptors sent with SCM_RIGHTS.
    case hold
    /// `ipc bench`: ping-pong and streaming on request.
    case bench

    /// The first argument that makes conclab an IPC worker (checked before argument parsing).
    package static let flag = "__ipc-worker"

    /// How many descriptor numbers follow the task's name.
    package var descriptorCount: Int {
        switch self {
        case .echo, .bench: return 2
        case .hold: return 1
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
    package static func start(_ task: IPCWorkerTask, handing descriptors: [Int32]) throws -> (pid: Int32, numbers: [Int32]) {
        precondition(descriptors.count == task.descriptorCount, "\(task) takes \(task.descriptorCount) descriptors")
        return try startCopy(handing: descriptors) { numbers in [IPCWorkerTask.flag, task.rawValue] + numbers.map(String.init) }
    }

    /// Starts a copy of conclab with `descriptors` handed over at numbers free in the shell (the same descriptor given
    /// twice gets one number); `arguments` makes its command line from the numbers the child has them at. From the
    /// command thread, as `start`.
    package static func startCopy(handing descriptors: [Int32], arguments: ([Int32]) -> [String]) throws -> (pid: Int32, numbers: [Int32]) {
        var unique: [Int32] = []
        for fd in descriptors where !unique.contains(fd) { unique.append(fd) }
        let free = Descriptors.freeNumbers(unique.count, from: 3, excluding: Set(unique))
        guard free.count == unique.count else { throw CommandError("no free descriptor numbers to hand to the child") }
        let map = Dictionary(uniqueKeysWithValues: zip(unique, free))
        let numbers = descriptors.map { map[$0] ?? -1 }
        // The same program `proc` workers run (conclab itself; a test runner that links the lab names it, or has none),
        // started the same way.
        let pid = try ChildProcess.spawn(WorkerExecutable.configuration(arguments(numbers),
                                                                        descriptors: zip(unique, free).map { .init(parent: $0, child: $1) }))
        return (pid, numbers)
    }
}

extension String {
    package func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
