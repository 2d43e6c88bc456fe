import LabOS

/// The real python3 that a command runs beside conclab (`list cpython`, `watch python3`, `io fetch python`,
/// `io convoy --cpython`, `ipc pickle`), or why it may not: a replayed lab runs none (python3 is not contained as conclab is), and
/// it must be on PATH. `compare --cpython` says the same in its own words.
package enum RealPython {
    package static func locate(_ session: Session) -> Result<String, Unavailable> {
        if session.sandbox != nil { return .failure(Unavailable(reason: "a replayed lab does not run python3")) }
        guard let path = Files.findExecutable("python3") else { return .failure(Unavailable(reason: "python3 is not on PATH")) }
        return .success(path)
    }

    /// What `python3 -c PROGRAM ARGUMENTS…` printed, once it has exited 0 within `seconds`. It runs in its own process
    /// group, which is killed on Ctrl-C (then `Cancelled`) or at the time limit, with any child it started. `finishing`
    /// names its work for the error when it does not exit 0 ("python3 did not finish the requests").
    package static func output(_ python: String, _ program: String, _ arguments: [String], seconds: Int64, finishing work: String,
                               stop: @escaping () -> Bool) throws -> String {
        let run = try Capture.run(python, arguments: ["-c", program] + arguments, timeoutNanoseconds: seconds * 1_000_000_000,
                                  shouldStop: stop)
        if run.stopped { throw Cancelled() }
        guard run.status == .exited(0) else {
            let why = run.timedOut ? "it ran past \(seconds) s" : run.status.map { "\($0)" } ?? "not reaped"
            throw CommandError("python3 did not finish \(work) (\(why)): \(run.standardError.suffix(400))")
        }
        return run.standardOutput
    }

    package struct Unavailable: Error, Equatable {
        package var reason: String
    }
}
