import LabOS

/// The real python3 that a command runs beside conclab (`list cpython`, `watch python3`, `io fetch python`,
/// `io convoy --cpython`), or why it may not: a replayed lab runs none (python3 is not contained as conclab is), and
/// it must be on PATH. `compare --cpython` says the same in its own words.
package enum RealPython {
    package static func locate(_ session: Session) -> Result<String, Unavailable> {
        if session.sandbox != nil { return .failure(Unavailable(reason: "a replayed lab does not run python3")) }
        guard let path = Files.findExecutable("python3") else { return .failure(Unavailable(reason: "python3 is not on PATH")) }
        return .success(path)
    }

    package struct Unavailable: Error, Equatable {
        package var reason: String
    }
}
