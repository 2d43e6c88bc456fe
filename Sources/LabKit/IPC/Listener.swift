import LabOS
import Synchronization

/// A listening socket (`sock listen`): Unix-domain on a path, or TCP on an address and port. `sock accept` takes
/// the connections that wait on it; closing it closes the socket and removes the Unix socket's file.
final class Listener: LabObject, HoldsDescriptors {
    enum Address: Equatable {
        case unix(path: String)
        case tcp(host: String, port: UInt16)

        var text: String {
            switch self {
            case .unix(let path): return "unix " + path
            case .tcp(let host, let port): return "tcp \(host):\(port)"
            }
        }
    }

    let fd: Int32
    let address: Address
    private let open = Atomic<Bool>(true)
    private let accepted = Atomic<Int>(0)

    init(fd: Int32, address: Address) {
        self.fd = fd
        self.address = address
    }

    var kind: String { "listener" }
    var isOpen: Bool { open.load(ordering: .acquiring) }
    var state: String { isOpen ? "listening" : "closed" }
    var summary: String { "\(address.text), fd \(fd)" }
    var heldDescriptors: [(Int32, String)] { isOpen ? [(fd, "listening socket")] : [] }

    func details() -> Record {
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

    func noteAccepted() { accepted.add(1, ordering: .relaxed) }

    func close() throws {
        guard open.exchange(false, ordering: .acquiringAndReleasing) else { return }
        System.close(fd)
        if case .unix(let path) = address { Files.remove(path) }
    }
}
