import LabOS
import Synchronization
import LabCore

/// The threads a snippet started with `threading`, and the output they share.
///
/// The thread that ran the snippet is the root; its `threading` threads (and theirs) are members, each a real OS
/// thread with its own `PyThreadState` under the runtime's GIL. They print into one output, in the order the
/// prints happened, which the root's outcome returns. When the root's snippet ends, the root waits for the
/// members that are not daemons and then asks the daemons to stop, as CPython's interpreter does at exit.
package final class PyThreadFamily: Sendable {
    package struct Member: Sendable {
        package var daemon: Bool
        package var stop: Cancellation
    }

    package let rootNumber: Int
    private let buffer: Locked<(output: ProgramOutput, full: Bool)>
    package let members = Gate<[Int: Member]>([:])

    package init(rootNumber: Int, output: ProgramOutput) {
        self.rootNumber = rootNumber
        buffer = Locked((output, false))
    }

    package func write(_ text: String, error: Bool = false) {
        buffer.withLock { b in
            guard !b.full else { return }
            b.full = PyThreadState.append(text, error: error, to: &b.output)
        }
    }

    package var output: ProgramOutput { buffer.withLock { $0.output } }

    /// How long the root waits for daemons (and for members that ignored a stop) before it gives up on them.
    package static let daemonWaitNanoseconds: Int64 = 2_000_000_000
}

extension PyThreadState {
    /// The family this thread belongs to, made (with this thread as its root) when it starts its first thread.
    package func joinFamily() -> PyThreadFamily {
        if let family { return family }
        let made = PyThreadFamily(rootNumber: number, output: output)
        output = ProgramOutput()
        family = made
        return made
    }

    /// Starts `callable` on a new OS thread named `name`, sharing this runtime; returns its ident (the new thread
    /// state's number). `register` (a dict) gets `ident: thread` before the thread can run, so the new thread is
    /// in `threading`'s table as soon as `start()` returns, and never put back after it ended.
    package func startThread(_ callable: PyValue, name: String, daemon: Bool, register: PyDict?, thread: PyValue) throws(PyError) -> Int {
        let family = joinFamily()
        let child = PyThreadState(runtime: runtime, name: name, cancellation: cancellation)
        child.family = family
        let ident = child.number
        if let register {
            do throws(PyError) { try dictSet(register, .int(ident), thread) } catch {
                child.finish()
                throw error
            }
        }
        family.members.update { $0[ident] = PyThreadFamily.Member(daemon: daemon, stop: child.stop) }
        incref(callable)
        let runtime = self.runtime
        let osName = String(decoding: Array(("conclab-" + name).utf8.prefix(15)), as: UTF8.self)
        do {
            try OSThread.detach(name: osName) {
                runtime.gil.report(.threadStarted, thread: name)
                child.takeGIL()
                var failure: String?
                do throws(PyError) {
                    let r = try child.call(callable, [])
                    child.decref(r)
                } catch {
                    var e = error
                    failure = e.summary
                    child.releaseInstance(&e)
                }
                child.decref(callable)
                child.finish()
                runtime.gil.report(.threadEnded(error: failure), thread: name)
                family.members.update { $0[ident] = nil }
            }
        } catch {
            decref(callable)
            family.members.update { $0[ident] = nil }
            if let register { _ = try? deleteSubscript(.object(Unmanaged.passUnretained(register)), .int(ident)) }
            child.finish()
            throw self.error(runtime.classes.runtimeError, "can't start new thread (\(error))")
        }
        return ident
    }

    /// At the end of the root's snippet: waits (without the GIL) for the members that are not daemons, then
    /// stops the rest. A Ctrl-C (or the root's stop) stops them all.
    package func waitForFamily() {
        guard let family, family.rootNumber == number else { return }
        let had = holdsGIL
        if had { dropGIL() }
        defer { if had { takeGIL() } }
        while true {
            let done = family.members.wait(timeoutNanoseconds: 10_000_000) { m -> Bool? in
                m.values.contains { !$0.daemon } ? nil : true
            }
            if done == true { break }
            if (cancellation?.isCancelled ?? false) || stop.isCancelled { break }
        }
        for member in family.members.update({ Array($0.values) }) { member.stop.cancel() }
        _ = family.members.wait(timeoutNanoseconds: PyThreadFamily.daemonWaitNanoseconds) { $0.isEmpty ? true : nil }
    }

}
