import LabOS
import Synchronization
import LabCore
import PyLab

/// A listening socket (`sock listen`): Unix-domain on a path, or TCP on an address and port. `sock accept` takes
/// the connections that wait on it; closing it closes the socket and removes the Unix socket's file.
package final class Listener: LabObject, HoldsDescriptors {
    package enum Address: Equatable {
        case unix(path: String)
        case tcp(host: String, port: UInt16)

        package var text: String {
            switch self {
            case .unix(let path): return "unix " + path
            case .tcp(let host, let port): return "tcp \(host):\(port)"
            }
        }
    }

    package let fd: Int32
    package let address: Address
    private let open = Atomic<Bool>(true)
    private let accepted = Atomic<Int>(0)

    package init(fd: Int32, address: Address) {
        self.fd = fd
        self.address = address
    }

    package var kind: ObjectKind { .listener }
    package var isOpen: Bool { open.load(ordering: .acquiring) }
    package var state: String { isOpen ? "listening" : "closed" }
    package var summary: String { "\(address.text), fd \(fd)" }
    package var heldDescriptors: [(Int32, String)] { isOpen ? [(fd, "listening socket")] : [] }

    package func details() -> Record {
        var record = Record([("fd", .int(Int(fd)))])
        switch address {
        case .unix(let path):
            record.append("family", .string("unix"))
            record.append("path", .string(path))
        case .tcp(let host, let port):
            record.append("family", .string("tcp"))
            record.append("host", .string(host))
            record.append("port", .int(Int(port)))
        }
        record.append("accepted", .int(accepted.load(ordering: .relaxed)))
        return record
    }

    package func noteAccepted() { accepted.add(1, ordering: .relaxed) }

    package func close() throws {
        guard open.exchange(false, ordering: .acquiringAndReleasing) else { return }
        try? FileDescriptor(fd).close()
        if case .unix(let path) = address { Files.remove(path) }
    }
}
