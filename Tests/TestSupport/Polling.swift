import LabOS

/// Polls `condition` every millisecond until it holds or `seconds` pass; the answer is whether it held.
/// Tests wait for a state this way instead of sleeping a fixed time (the machine is shared and noisy).
public func eventually(within seconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Clock.monotonicNanoseconds() + Int64(seconds * 1_000_000_000)
    while Clock.monotonicNanoseconds() < deadline {
        if try condition() { return true }
        System.sleep(nanoseconds: 1_000_000)
    }
    return try condition()
}
