import LabOS
import LabCore

/// What a coroutine waits for when it gives control back: a descriptor and the event, or nothing more.
package enum IOAwait: Equatable {
    case readable(Int32)
    case writable(Int32)
    case finished
}

/// A client written as a generator is: `resume` runs it until it would block and returns what it waits for, as a
/// Python generator `yield`s the socket it waits on. Everything it needs between two turns lives in the value
/// (a generator keeps it in its frame); nothing blocks inside `resume`.
package protocol IOCoroutine {
    mutating func resume() throws(OSError) -> IOAwait
}

/// The scheduler: one thread, one epoll set. It resumes every coroutine once, then waits until a descriptor one of
/// them waits on is ready and resumes that one, until all have finished. (asyncio's loop is this, with futures
/// and callbacks on top.)
package enum IOScheduler {
    package static func run<C: IOCoroutine>(_ coroutines: inout [C], stop: () -> Bool) throws(OSError) {
        let poll = try EventPoll()
        var waiter: [Int32: Int] = [:]
        var watching: [Int32: EventPoll.Events] = [:]
        var running = coroutines.count

        func step(_ index: Int) throws(OSError) {
            let wanted = try coroutines[index].resume()
            let (fd, events): (Int32, EventPoll.Events)
            switch wanted {
            case .finished:
                running -= 1
                return
            case .readable(let d): (fd, events) = (d, .readable)
            case .writable(let d): (fd, events) = (d, .writable)
            }
            waiter[fd] = index
            if let now = watching[fd] {
                if now != events { try poll.modify(fd, events) }
            } else {
                try poll.add(fd, events)
            }
            watching[fd] = events
        }

        for index in coroutines.indices { try step(index) }
        while running > 0 {
            if stop() { throw OSError("epoll_wait", .interrupted, subject: "the event loop (stopped)") }
            let ready = try poll.wait(timeoutNanoseconds: 50_000_000)
            for i in 0..<ready {
                let fd = poll.readyDescriptors[i]
                guard let index = waiter.removeValue(forKey: fd) else { continue }
                try step(index)
            }
        }
    }
}

/// One client of `io fetch loop`: connect without blocking, then for each request send it and read the reply,
/// yielding whenever the socket is not ready.
package struct FetchCoroutine: IOCoroutine {
    private enum Stage { case start, connecting, sending(Int), receiving(Int), done }

    let port: UInt16
    let ids: [UInt64]
    let replyBytes: Int
    private var stage = Stage.start
    private var fd: Int32 = -1
    private var next = 0
    private var requestStart: Int64 = 0
    package private(set) var connectedAt: Int64 = 0
    package private(set) var latencies: [Int64] = []
    /// Shared by every coroutine of a loop (one thread): where requests and replies are copied.
    private let buffer: UnsafeMutableRawBufferPointer

    package init(port: UInt16, ids: [UInt64], replyBytes: Int, buffer: UnsafeMutableRawBufferPointer) {
        self.port = port
        self.ids = ids
        self.replyBytes = max(IOWire.requestBytes, replyBytes)
        self.buffer = buffer
        latencies.reserveCapacity(ids.count)
    }

    package mutating func resume() throws(OSError) -> IOAwait {
        while true {
            switch stage {
            case .start:
                let (socket, connected) = try Sockets.startConnectTCP(host: Sockets.loopback, port: port)
                fd = socket
                Sockets.setNoDelay(fd)
                stage = .connecting
                if !connected { return .writable(fd) }
            case .connecting:
                try Sockets.connectionResult(fd, subject: "\(Sockets.loopback):\(port)")
                connectedAt = Clock.monotonicNanoseconds()
                stage = next < ids.count ? .sending(0) : .done
            case .sending(let sent):
                if sent == 0 {
                    requestStart = Clock.monotonicNanoseconds()
                    IOWire.encode(ids[next], into: buffer)
                }
                let n = try Sockets.send(fd, UnsafeRawBufferPointer(rebasing: buffer[sent..<IOWire.requestBytes]))
                if n == 0 { stage = .sending(sent); return .writable(fd) }
                stage = sent + n == IOWire.requestBytes ? .receiving(0) : .sending(sent + n)
            case .receiving(let got):
                let want = min(buffer.count, replyBytes - got)
                guard let n = try Sockets.receive(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want])) else {
                    return .readable(fd)
                }
                if n == 0 { throw OSError("recv", .connectionReset, subject: "the server (it closed the connection)") }
                if got + n < replyBytes { stage = .receiving(got + n); continue }
                latencies.append(Clock.monotonicNanoseconds() - requestStart)
                next += 1
                stage = next < ids.count ? .sending(0) : .done
            case .done:
                if fd >= 0 { try? FileDescriptor(fd).close(); fd = -1 }
                return .finished
            }
        }
    }

    /// Closes the socket of a coroutine stopped before it finished.
    package mutating func abandon() {
        if fd >= 0 { try? FileDescriptor(fd).close(); fd = -1 }
    }
}
