import LabOS

/// A child process the shell started, whichever topic started it: a `proc` worker, the fork server, the `fd child`,
/// an `ipc echo` peer. `proc list/kill/wait/tree`, `mem P` and `fd list P` see each one through this protocol, so no
/// topic needs another topic's classes.
package protocol ChildProcessObject: LabObject {
    var pid: Int32 { get }
    /// Whether it still runs (or is a zombie not yet waited for): `mem all` lists only these.
    var isLive: Bool { get }
    /// What it runs or is for, as `proc list` and `mem all` show it (`worker: spin 500`, `fd child`, `fork server`).
    var purpose: String { get }
    /// What the child's own descriptors are for, as the shell arranged them: number → note (`fd list P`).
    var descriptorNotes: [Int32: String] { get }
}

/// A live object that holds descriptors of the shell: `fd list` names them in its `note` column.
package protocol HoldsDescriptors: AnyObject {
    /// (descriptor, what it is for), e.g. `(6, "write end")`; the handle is added by `fd list`.
    var heldDescriptors: [(Int32, String)] { get }
}

/// A channel whose far end a peer can take: `proc spawn echo --via CH` and `thread spawn echo --via CH` ask the
/// channel (an IPC object) to start an echo peer, without knowing the IPC topic.
package protocol EchoPeerHost: LabObject {
    /// Starts an echo peer at the far end: a worker process (a "process" object named `name`, or p1, p2 …) or a
    /// thread of the shell. `handle` is the channel's own handle. Returns what `ipc echo` shows.
    func attachEcho(handle: String, asThread: Bool, name: String?, _ context: Context) throws -> LabResult
}

/// The conclab executable that worker processes run (`conclab __worker …`, `conclab __ipc-worker …`).
package enum WorkerExecutable {
    private static let state = Locked<String?>(nil)

    /// Called by conclab's `main`: this program can run as a worker, so workers are copies of it. A test runner
    /// that links the lab is not conclab and must not start copies of itself; its tests name the built conclab here.
    package static func use(_ path: String?) { state.withLock { $0 = path } }

    /// The program to start as a worker.
    package static func path() throws -> String {
        guard let path = state.withLock({ $0 }) else {
            throw CommandError("this program cannot start conclab workers (it is not conclab, or conclab's path is unknown)")
        }
        return path
    }

    /// The state every copy of the shell starts in (a worker, the fork server, an IPC helper), and what the fork
    /// server gives the workers it forks: its own process group, default signals, an empty mask, and SIGKILL when
    /// the thread that started it ends, so no copy outlives the shell.
    package static let childAttributes = ChildProcess.Attributes(parentDeathSignal: Signals.kill)

    /// How the shell starts a copy of itself: `conclab ARGUMENTS…` with `descriptors` handed over, `environment`
    /// added, and no Swift crash backtracer (a crashed copy should die by its signal at once, quietly, so the shell
    /// can report "killed by SIGSEGV", not print pages of backtrace into the learner's terminal).
    package static func configuration(_ arguments: [String], environment: [String: String] = [:],
                                      descriptors: [ChildProcess.DescriptorMapping]) throws -> ChildProcess.Configuration {
        ChildProcess.Configuration(executable: try path(), arguments: arguments, programName: "conclab",
                                   environment: environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { mine, _ in mine },
                                   descriptors: descriptors, attributes: childAttributes)
    }
}
