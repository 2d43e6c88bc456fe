import LabOS
import LabCore
import PyLab

/// What `ipc bench` asks its worker (or its echo thread) to do: a 16-byte header — operation, message size and
/// count, little-endian — then the traffic. Ping-pong: `count` times, read `size` bytes and send them back.
/// Stream: read `size × count` bytes, then send one byte back. A closed channel ends the worker.
package enum IPCBenchProtocol {
    package static let pingPong: UInt32 = 1
    package static let stream: UInt32 = 2
    package static let headerSize = 16

    package static func header(_ operation: UInt32, size: Int, count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: operation.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt32(size).littleEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt64(count).littleEndian) { bytes += $0 }
        return bytes
    }

    package static func parseHeader(_ bytes: UnsafeRawBufferPointer) -> (operation: UInt32, size: Int, count: Int)? {
        guard bytes.count >= headerSize else { return nil }
        let operation = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        let size = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        let count = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        guard size > 0, size <= 1 << 26, count <= UInt64(Int.max) else { return nil }
        return (operation, size, Int(count))
    }

    /// The worker's side, on blocking descriptors, until end of file or a malformed header.
    package static func serve(from input: Int32, to output: Int32) {
        let header = UnsafeMutableRawBufferPointer.allocate(byteCount: headerSize, alignment: 8)
        defer { header.deallocate() }
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            guard (try? FileDescriptor(input).readExactly(into: header)) == header.count,
                  let request = parseHeader(UnsafeRawBufferPointer(header)) else { return }
            if request.size > buffer.count {
                buffer.deallocate()
                buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: request.size, alignment: 16)
            }
            let message = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<request.size])
            switch request.operation {
            case pingPong:
                for _ in 0..<request.count {
                    guard (try? FileDescriptor(input).readExactly(into: message)) == message.count,
                          (try? FileDescriptor(output).writeAll(UnsafeRawBufferPointer(message))) != nil else { return }
                }
            case stream:
                var left = request.size * request.count
                while left > 0 {
                    guard let n = try? FileDescriptor(input).read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(buffer.count, left)])),
                          n > 0 else { return }
                    left -= n
                }
                guard (try? FileDescriptor(output).writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<1]))) != nil else { return }
            default:
                return
            }
        }
    }
}
