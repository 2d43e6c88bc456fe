import LabOS

/// A workload a thread or a worker process runs: the same words for both, so they compare one to one.
public enum Workload: Sendable, Equatable, CustomStringConvertible {
    case sleep(milliseconds: Int)
    case spin(milliseconds: Int)

    public static let names = ["sleep", "spin"]

    /// `["sleep", "100"]` → `.sleep(100)`.
    public init(words: [String]) throws {
        guard let name = words.first else { throw UsageError("missing WORKLOAD (\(Workload.names.joined(separator: ", ")))") }
        guard words.count == 2, let ms = Arguments.parseInteger(words[1]), ms >= 0, ms <= 86_400_000 else {
            guard Workload.names.contains(name) else {
                var message = "unknown workload '\(name)'; workloads: \(Workload.names.joined(separator: ", "))"
                if let guess = Suggest.closest(to: name, in: Workload.names) { message += ". Did you mean '\(guess)'?" }
                throw UsageError(message)
            }
            throw UsageError("\(name) takes one number of milliseconds (0 to 86400000), e.g. '\(name) 200'")
        }
        switch name {
        case "sleep": self = .sleep(milliseconds: ms)
        case "spin": self = .spin(milliseconds: ms)
        default:
            var message = "unknown workload '\(name)'; workloads: \(Workload.names.joined(separator: ", "))"
            if let guess = Suggest.closest(to: name, in: Workload.names) { message += ". Did you mean '\(guess)'?" }
            throw UsageError(message)
        }
    }

    public var words: [String] {
        switch self {
        case .sleep(let ms): return ["sleep", String(ms)]
        case .spin(let ms): return ["spin", String(ms)]
        }
    }

    public var description: String { words.joined(separator: " ") }

    /// Runs the workload; `shouldStop` is polled so a cooperative stop ends it early.
    public func perform(shouldStop: () -> Bool = { false }) {
        switch self {
        case .sleep(let ms):
            let deadline = Clock.monotonicNanoseconds() + Int64(ms) * 1_000_000
            while !shouldStop() {
                let left = deadline - Clock.monotonicNanoseconds()
                if left <= 0 { return }
                System.sleep(nanoseconds: min(left, 5_000_000))
            }
        case .spin(let ms):
            let deadline = Clock.monotonicNanoseconds() + Int64(ms) * 1_000_000
            var x: UInt64 = 88172645463325252
            var checks = 0
            while true {
                // xorshift keeps the CPU busy with work the optimiser cannot drop.
                for _ in 0..<1000 { x ^= x << 13; x ^= x >> 7; x ^= x << 17 }
                checks += 1
                if Clock.monotonicNanoseconds() >= deadline || shouldStop() { break }
            }
            if x == 0 { System.exit(3) }
        }
    }
}

/// Worker mode: `conclab __worker WORKLOAD…` is how the shell starts itself as a child process.
/// Checked before argument parsing so a worker starts as fast as the binary can.
public enum WorkerMode {
    public static let flag = "__worker"
    public static let parentVariable = "CONCLAB_PARENT_PID"

    /// Runs a worker and never returns.
    public static func main(_ arguments: [String]) -> Never {
        let parent = System.environment(parentVariable).flatMap { Int32($0) } ?? System.parentProcessID
        ChildProcess.dieWithParent(expectedParent: parent)
        OSThread.setCurrentName("conclab-worker")
        do {
            let workload = try Workload(words: arguments)
            workload.perform()
            System.exit(0)
        } catch {
            try? System.writeAll(2, "conclab worker: \(error)\n")
            System.exit(2)
        }
    }
}
