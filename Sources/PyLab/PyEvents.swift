/// What the interpreter reports while it runs: a snippet thread starting and ending, and the GIL changing hands.
package enum PyEvent: Sendable, Equatable {
    /// A thread starts running snippet code.
    case threadStarted
    /// A thread finished its snippet; `error` is the exception that ended it, if one did.
    case threadEnded(error: String?)
    /// A thread asks for the GIL (it waits from now on).
    case gilRequested
    /// A thread holds the GIL.
    case gilAcquired
    /// The holder let the GIL go on its own (a blocking call, the end of its snippet).
    case gilDropped
    /// The holder let the GIL go because another thread asked: a forced switch.
    case gilForcedSwitch
}

/// Whoever watches an interpreter (in the lab, the timeline): the interpreter knows nothing else about it.
///
/// Events arrive on the thread they happened on, in the order they happened there, while that thread runs
/// snippet code or holds the GIL's bookkeeping lock: an observer must be quick and must not call back into the
/// interpreter.
package protocol PyEventObserver: Sendable {
    /// Whether events are wanted now; when false the interpreter does not report them (one cheap check per event).
    var isObserving: Bool { get }
    /// `thread` is the name the event belongs to (`py-1`, `t2`, `sequential`).
    func observe(_ event: PyEvent, thread: String)
}

extension PyEventObserver {
    /// Reports `event` when it is wanted.
    @inline(__always)
    package func report(_ event: PyEvent, thread: String) {
        if isObserving { observe(event, thread: thread) }
    }
}
