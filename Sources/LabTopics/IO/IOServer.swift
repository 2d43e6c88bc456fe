import LabOS
import LabCore

/// The wire format between the I/O lab's clients and its server, on TCP loopback.
///
/// A request is 8 bytes: its number, little-endian. The reply is `replyBytes` bytes (64 unless asked; a large one
/// is a stream the server writes as fast as the socket takes it) whose first 8 are the request's number back. The
/// server holds every reply until `latency` after its request arrived, whatever else it is doing: it plays a
/// remote service (a database, a web API) whose answer takes that long, and costs no CPU while it waits.
package enum IOWire {
    package static let requestBytes = 8
    package static let defaultReplyBytes = 64

    package static func encode(_ id: UInt64, into buffer: UnsafeMutableRawBufferPointer) {
        buffer.storeBytes(of: id.littleEndian, toByteOffset: 0, as: UInt64.self)
    }

    package static func decode(_ buffer: UnsafeRawBufferPointer) -> UInt64 {
        UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
    }
}

/// The server's loop: one thread, epoll over the listener, the control pipe and every connection; replies queued
/// with the moment they are due (all share one latency, so the queue is in order) and sent when it comes. Ends at
/// end of file on `control` (the shell closed its end, or died).
package enum IOServer {
    private struct Pending {
        var due: Int64
        var fd: Int32
        var generation: Int
        var id: UInt64
    }

    private struct Connection {
        var generation: Int
        /// Bytes of a request that has not fully arrived.
        var partial: [UInt8] = []
        /// Reply bytes the socket did not take yet.
        var outgoing: [UInt8] = []
        var sentFrom = 0
        var watchingWrites = false
    }

    package static func serve(listener: Int32, control: Int32, latencyNanoseconds: Int64, replyBytes: Int) -> Int32 {
        guard let poll = try? EventPoll(),
              (try? Descriptors.setNonBlocking(listener, true)) != nil,
              (try? poll.add(listener, .readable)) != nil,
              (try? poll.add(control, .readable)) != nil else { return 1 }
        var connections: [Int32: Connection] = [:]
        var queue: [Pending] = []
        var head = 0
        var generation = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        var template = [UInt8](repeating: UInt8(ascii: "."), count: max(IOWire.requestBytes, replyBytes))

        func drop(_ fd: Int32) {
            poll.remove(fd)
            connections[fd] = nil
            try? FileDescriptor(fd).close()
        }

        /// Sends what the connection has waiting; watches for writability while some is left.
        func flush(_ fd: Int32) {
            guard var c = connections[fd] else { return }
            while c.sentFrom < c.outgoing.count {
                let sent: Int
                do {
                    sent = try c.outgoing.withUnsafeBytes { bytes throws(OSError) in
                        try Sockets.send(fd, UnsafeRawBufferPointer(rebasing: bytes[c.sentFrom...]))
                    }
                } catch { drop(fd); return }
                if sent == 0 { break }
                c.sentFrom += sent
            }
            if c.sentFrom == c.outgoing.count {
                c.outgoing.removeAll(keepingCapacity: true)
                c.sentFrom = 0
            }
            let wantWrites = !c.outgoing.isEmpty
            if wantWrites != c.watchingWrites {
                try? poll.modify(fd, wantWrites ? [.readable, .writable] : .readable)
                c.watchingWrites = wantWrites
            }
            connections[fd] = c
        }

        while true {
            let now = Clock.monotonicNanoseconds()
            let timeout: Int64? = head < queue.count ? max(0, queue[head].due - now) : nil
            guard let ready = try? poll.wait(timeoutNanoseconds: timeout) else { return 1 }
            let arrived = Clock.monotonicNanoseconds()
            for i in 0..<ready {
                let fd = poll.readyDescriptors[i]
                let events = EventPoll.Events(rawValue: poll.readyEvents[i])
                if fd == control { return 0 }
                if fd == listener {
                    while let client = try? Sockets.accept(listener, nonBlocking: true) {
                        Sockets.setNoDelay(client)
                        generation += 1
                        connections[client] = Connection(generation: generation)
                        if (try? poll.add(client, .readable)) == nil { drop(client) }
                    }
                    continue
                }
                guard var c = connections[fd] else { continue }
                if events.contains(.writable) { flush(fd); c = connections[fd] ?? c }
                guard connections[fd] != nil, events.contains(.readable) || events.contains(.failed) else { continue }
                let got: Int?
                do { got = try Sockets.receive(fd, into: buffer) } catch { drop(fd); continue }
                guard let n = got else { continue }
                if n == 0 { drop(fd); continue }
                c.partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                var offset = 0
                while c.partial.count - offset >= IOWire.requestBytes {
                    let id = c.partial.withUnsafeBytes { IOWire.decode(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
                    queue.append(Pending(due: arrived + latencyNanoseconds, fd: fd, generation: c.generation, id: id))
                    offset += IOWire.requestBytes
                }
                c.partial.removeFirst(offset)
                connections[fd] = c
            }
            // Send every reply that is due.
            let due = Clock.monotonicNanoseconds()
            var touched: [Int32] = []
            while head < queue.count, queue[head].due <= due {
                let p = queue[head]
                head += 1
                guard var c = connections[p.fd], c.generation == p.generation else { continue }
                template.withUnsafeMutableBytes { IOWire.encode(p.id, into: $0) }
                c.outgoing.append(contentsOf: template[0..<max(IOWire.requestBytes, replyBytes)])
                connections[p.fd] = c
                if !touched.contains(p.fd) { touched.append(p.fd) }
            }
            for fd in touched { flush(fd) }
            if head > 4096 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
        }
    }
}
