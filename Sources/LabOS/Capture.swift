@preconcurrency import Glibc
import CLabShim

/// What a captured program did: how it ended, what it wrote, and whether it had to be stopped.
public struct CapturedRun: Sendable, Equatable {
    /// Nil only if the program could not be reaped (it was killed and waited for, so this does not happen in practice).
    public var status: TerminationStatus?
    public var standardOutput: String
    public var standardError: String
    /// It ran past its time limit and was killed.
    public var timedOut: Bool
    /// The caller asked to stop (Ctrl-C) and it was killed.
    public var stopped: Bool
    public var elapsedNanoseconds: Int64
}

/// Runs a program with arguments — no shell — and captures its standard output and error, with a time limit.
///
/// The program starts like every child (`ChildProcess.spawn`): in its own process group, with an empty signal mask
/// and default dispositions, killed if the thread that started it ends; standard input from /dev/null and two
/// close-on-exec pipes as standard output and error.
/// Both pipes are drained together with `poll` (reading one to its end first could deadlock when the program
/// fills the other). On timeout, or when `shouldStop` says so, its process group is killed and it is reaped.
public enum Capture {
    /// Output beyond this many bytes per stream is read and dropped.
    public static let outputLimit = 4 << 20

    /// `started` is called with the program's pid once it runs, before its output is read.
    public static func run(_ path: String, arguments: [String], timeoutNanoseconds: Int64,
                           shouldStop: () -> Bool = { false }, started onStart: (Int32) -> Void = { _ in }) throws(OSError) -> CapturedRun {
        let started = Clock.monotonicNanoseconds()
        let out = try System.pipe()
        let err: (read: Int32, write: Int32)
        do {
            err = try System.pipe()
        } catch {
            try? FileDescriptor(out.read).close()
            try? FileDescriptor(out.write).close()
            throw error
        }
        let pid: Int32
        do throws(OSError) {
            let input = try Descriptors.open("/dev/null", mode: .read, closeOnExec: true)
            defer { try? FileDescriptor(input).close() }
            pid = try ChildProcess.spawn(ChildProcess.Configuration(
                executable: path, arguments: arguments, programName: path,
                descriptors: [.init(parent: input, child: 0), .init(parent: out.write, child: 1), .init(parent: err.write, child: 2)],
                attributes: ChildProcess.Attributes(parentDeathSignal: Signals.kill)))
        } catch {
            for fd in [out.read, out.write, err.read, err.write] { try? FileDescriptor(fd).close() }
            throw OSError("run", error.code, subject: path)
        }
        try? FileDescriptor(out.write).close()
        try? FileDescriptor(err.write).close()
        onStart(pid)

        var output: [UInt8] = []
        var errors: [UInt8] = []
        var openFDs: [Int32] = [out.read, err.read]
        var timedOut = false
        var stopped = false
        let deadline = started + timeoutNanoseconds
        while !openFDs.isEmpty {
            let now = Clock.monotonicNanoseconds()
            if now >= deadline { timedOut = true; break }
            if shouldStop() { stopped = true; break }
            var fds = openFDs.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let wait = Int32(min(50, max(1, (deadline - now) / 1_000_000)))
            guard case .success = valueOrErrno({ fds.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), wait) } }) else {
                break
            }
            for entry in fds where entry.revents != 0 {
                let chunk: [UInt8]
                do throws(OSError) { chunk = try FileDescriptor(entry.fd).read(upTo: 65536) } catch {
                    if error.wouldBlock { continue }
                    chunk = []
                }
                if chunk.isEmpty {
                    openFDs.removeAll { $0 == entry.fd }
                } else if entry.fd == out.read {
                    if output.count < outputLimit { output += chunk.prefix(outputLimit - output.count) }
                } else if errors.count < outputLimit {
                    errors += chunk.prefix(outputLimit - errors.count)
                }
            }
        }
        try? FileDescriptor(out.read).close()
        try? FileDescriptor(err.read).close()
        if timedOut || stopped {
            _ = kill(-pid, SIGKILL)
            _ = kill(pid, SIGKILL)
        }
        let status = try? ChildProcess.reap(pid, block: true)
        return CapturedRun(status: status, standardOutput: String(decoding: output, as: UTF8.self),
                           standardError: String(decoding: errors, as: UTF8.self), timedOut: timedOut, stopped: stopped,
                           elapsedNanoseconds: Clock.monotonicNanoseconds() - started)
    }
}
