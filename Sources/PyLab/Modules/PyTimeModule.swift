import LabOS
import LabCore

/// `time`, and every place where a module turns seconds into nanoseconds or back.
///
/// conclab's Python has no float yet, so the two conversions are kept here and nowhere else: `nanoseconds(of:)`
/// takes an int number of seconds (a float is refused by the lexer before it gets here), and `seconds(_:)` refuses
/// with a clear error instead of returning a truncated int, which would be a silent wrong answer. Once floats land,
/// these two functions are all that changes (`time.time()` and friends, `sleep(0.1)`, every timeout of `threading`
/// and `queue`, `sys.getswitchinterval`).
package enum TimeModule {
    /// A float number of seconds for `nanoseconds` (refused until conclab's Python has floats).
    /// Nanoseconds as the float seconds Python's clocks return.
    package static func seconds(_ ts: PyThreadState, _ nanoseconds: Int64) -> PyValue {
        ts.newFloat(Double(nanoseconds) / 1e9)
    }

    /// Seconds as Python takes them (an int or a float) in nanoseconds.
    package static func nanoseconds(_ ts: PyThreadState, of value: PyValue, what: String) throws(PyError) -> Int64 {
        if let f = ts.floatValue(value) {
            guard f.isFinite, abs(f) < 9.2e9 else {
                if f.isNaN { throw ts.valueError("Invalid value NaN (not a number)") }
                throw ts.error(ts.runtime.classes.overflowError, "\(what) too large")
            }
            return Int64((f * 1e9).rounded())
        }
        guard let s = ts.asInt(value) else { throw ts.typeError("'\(ts.typeName(value))' object cannot be interpreted as \(what)") }
        let (ns, overflow) = Int64(s).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { throw ts.error(ts.runtime.classes.overflowError, "\(what) too large") }
        return ns
    }

    /// A timeout argument as threading and queue take it: None (wait for ever) or a number of seconds, negative
    /// refused with CPython's message.
    package static func timeout(_ ts: PyThreadState, _ value: PyValue?, message: String = "timeout value must be a non-negative number") throws(PyError) -> Int64? {
        guard let value, value != .none else { return nil }
        let ns = try nanoseconds(ts, of: value, what: "a timeout")
        if ns < 0 { throw ts.valueError(message) }
        return ns
    }

    package static let definition = ModuleDefinition("time", natives: [
        Builtin("sleep") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let ns = try nanoseconds(ts, of: a[0], what: "an integer")
            if ns < 0 { throw ts.valueError("sleep length must be non-negative") }
            try ts.sleepNanoseconds(ns)
            return .none
        },
        Builtin("time") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return seconds(ts, Clock.realtimeNanoseconds())
        },
        Builtin("perf_counter") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return seconds(ts, Clock.monotonicNanoseconds())
        },
        Builtin("monotonic") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return seconds(ts, Clock.monotonicNanoseconds())
        },
        Builtin("thread_time") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return seconds(ts, Clock.threadCPUNanoseconds())
        },
        Builtin("process_time") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return seconds(ts, Clock.processCPUNanoseconds())
        },
        Builtin("time_ns") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return try ts.int(Int(Clock.realtimeNanoseconds()))
        },
        Builtin("perf_counter_ns") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return try ts.int(Int(Clock.monotonicNanoseconds()))
        },
        Builtin("monotonic_ns") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return try ts.int(Int(Clock.monotonicNanoseconds()))
        },
        Builtin("thread_time_ns") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return try ts.int(Int(Clock.threadCPUNanoseconds()))
        },
        Builtin("process_time_ns") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return try ts.int(Int(Clock.processCPUNanoseconds()))
        },
    ])
}

extension PyThreadState {
    /// Blocks for `ns` without the GIL, woken at once by a stop request (as `sleep(ms)`).
    package func sleepNanoseconds(_ ns: Int64) throws(PyError) {
        let deadline = Clock.monotonicNanoseconds() + ns
        try withoutGIL { () throws(PyError) in
            while true {
                try periodicCheck()
                if Clock.monotonicNanoseconds() >= deadline { return }
                stop.wait(untilNanoseconds: deadline)
            }
        }
        // Like CPython's time.sleep, a call: the GIL was given up, and the thread takes its turn again.
    }
}
