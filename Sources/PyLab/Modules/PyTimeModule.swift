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
        Builtin("_local_zone") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            guard let seconds = ts.asInt(a[0]) else { throw ts.typeError("an integer is required") }
            let zone = Clock.localZone(atEpochSeconds: Int(seconds))
            return ts.newTuple([try ts.int(zone.offset), try ts.int(zone.isDST ? 1 : 0), ts.newString(zone.name)])
        },
    ], source: ##"""
        _FIELDS = ("tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec", "tm_wday", "tm_yday", "tm_isdst")
        _DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
        _MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")

        class struct_time:
            def __init__(self, values, zone=None, gmtoff=None):
                values = tuple(values)
                if len(values) != 9:
                    raise TypeError("time.struct_time() takes a 9-sequence (" + str(len(values)) + "-sequence given)")
                self._values = values
                self.tm_year = values[0]
                self.tm_mon = values[1]
                self.tm_mday = values[2]
                self.tm_hour = values[3]
                self.tm_min = values[4]
                self.tm_sec = values[5]
                self.tm_wday = values[6]
                self.tm_yday = values[7]
                self.tm_isdst = values[8]
                self.tm_zone = zone
                self.tm_gmtoff = gmtoff

            def __getitem__(self, i):
                return self._values[i]

            def __len__(self):
                return 9

            def __iter__(self):
                return iter(self._values)

            def __eq__(self, other):
                if isinstance(other, struct_time):
                    return self._values == other._values
                return self._values == other

            def __repr__(self):
                return "time.struct_time(" + ", ".join([_FIELDS[i] + "=" + repr(self._values[i]) for i in range(9)]) + ")"

        def _days_from_civil(y, m, d):
            if m <= 2:
                y -= 1
            era = y // 400
            yoe = y - era * 400
            mp = m - 3 if m > 2 else m + 9
            doy = (153 * mp + 2) // 5 + d - 1
            doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
            return era * 146097 + doe - 719468

        def _civil_from_days(days):
            z = days + 719468
            era = z // 146097
            doe = z - era * 146097
            yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
            doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
            mp = (5 * doy + 2) // 153
            d = doy - (153 * mp + 2) // 5 + 1
            m = mp + 3 if mp < 10 else mp - 9
            y = yoe + era * 400
            if m <= 2:
                y += 1
            return y, m, d

        def _seconds(secs):
            if secs is None:
                return time_ns() // 1000000000
            if type(secs) is float:
                if secs != secs:
                    raise ValueError("Invalid value NaN (not a number)")
                whole = int(secs)
                if whole > secs:
                    whole -= 1
                return whole
            if type(secs) is not int and type(secs) is not bool:
                raise TypeError("'" + type(secs).__name__ + "' object cannot be interpreted as an integer")
            return int(secs)

        def _broken_down(secs, isdst, zone, offset):
            days = secs // 86400
            rest = secs - days * 86400
            y, m, d = _civil_from_days(days)
            yday = days - _days_from_civil(y, 1, 1) + 1
            return struct_time((y, m, d, rest // 3600, rest % 3600 // 60, rest % 60, (days + 3) % 7, yday, isdst), zone, offset)

        def gmtime(secs=None):
            return _broken_down(_seconds(secs), 0, "UTC", 0)

        def localtime(secs=None):
            s = _seconds(secs)
            offset, isdst, zone = _local_zone(s)
            return _broken_down(s + offset, isdst, zone, offset)

        def _tuple(t):
            if t is None:
                return localtime()
            if isinstance(t, struct_time):
                return t
            if type(t) is not tuple:
                raise TypeError("Tuple or struct_time argument required")
            return struct_time(t)

        def mktime(t):
            t = _tuple(t)
            local = (_days_from_civil(t[0], t[1], 1) + t[2] - 1) * 86400 + t[3] * 3600 + t[4] * 60 + t[5]
            offset = _local_zone(local)[0]
            return float(local - _local_zone(local - offset)[0])

        def _two(n):
            return str(n) if n >= 10 else "0" + str(n)

        def _pad(n, width, fill):
            text = str(n)
            while len(text) < width:
                text = fill + text
            return text

        def strftime(format, t=None):
            t = _tuple(t)
            y = t[0]
            out = []
            i = 0
            n = len(format)
            while i < n:
                c = format[i]
                if c != "%" or i + 1 >= n:
                    out.append(c)
                    i += 1
                    continue
                d = format[i + 1]
                i += 2
                if d == "Y":
                    out.append(str(y))
                elif d == "m":
                    out.append(_two(t[1]))
                elif d == "d":
                    out.append(_two(t[2]))
                elif d == "e":
                    out.append(_pad(t[2], 2, " "))
                elif d == "H":
                    out.append(_two(t[3]))
                elif d == "M":
                    out.append(_two(t[4]))
                elif d == "S":
                    out.append(_two(t[5]))
                elif d == "I":
                    out.append(_two((t[3] + 11) % 12 + 1))
                elif d == "p":
                    out.append("AM" if t[3] < 12 else "PM")
                elif d == "y":
                    out.append(_two(y % 100))
                elif d == "j":
                    out.append(_pad(t[7], 3, "0"))
                elif d == "a":
                    out.append(_DAY_NAMES[t[6]][:3])
                elif d == "A":
                    out.append(_DAY_NAMES[t[6]])
                elif d == "b" or d == "h":
                    out.append(_MONTH_NAMES[t[1] - 1][:3])
                elif d == "B":
                    out.append(_MONTH_NAMES[t[1] - 1])
                elif d == "w":
                    out.append(str((t[6] + 1) % 7))
                elif d == "u":
                    out.append(str(t[6] + 1))
                elif d == "D":
                    out.append(_two(t[1]) + "/" + _two(t[2]) + "/" + _two(y % 100))
                elif d == "F":
                    out.append(str(y) + "-" + _two(t[1]) + "-" + _two(t[2]))
                elif d == "T" or d == "X":
                    out.append(_two(t[3]) + ":" + _two(t[4]) + ":" + _two(t[5]))
                elif d == "R":
                    out.append(_two(t[3]) + ":" + _two(t[4]))
                elif d == "x":
                    out.append(_two(t[1]) + "/" + _two(t[2]) + "/" + _two(y % 100))
                elif d == "c":
                    out.append(asctime(t))
                elif d == "Z":
                    zone = t.tm_zone if isinstance(t, struct_time) and t.tm_zone is not None else _local_zone(time_ns() // 1000000000)[2]
                    out.append(zone)
                elif d == "z":
                    offset = t.tm_gmtoff if isinstance(t, struct_time) and t.tm_gmtoff is not None else _local_zone(time_ns() // 1000000000)[0]
                    sign = "+" if offset >= 0 else "-"
                    offset = abs(offset) // 60
                    out.append(sign + _two(offset // 60) + _two(offset % 60))
                elif d == "U":
                    out.append(_two((t[7] + 6 - (t[6] + 1) % 7) // 7))
                elif d == "W":
                    out.append(_two((t[7] + 6 - t[6]) // 7))
                elif d == "n":
                    out.append("\n")
                elif d == "t":
                    out.append("\t")
                elif d == "%":
                    out.append("%")
                else:
                    raise NotImplementedError("conclab's Python does not support the directive %" + d + " of time.strftime")
            return "".join(out)

        def asctime(t=None):
            t = _tuple(t)
            return _DAY_NAMES[t[6]][:3] + " " + _MONTH_NAMES[t[1] - 1][:3] + " " + _pad(t[2], 2, " ") + " " + _two(t[3]) + ":" + _two(t[4]) + ":" + _two(t[5]) + " " + str(t[0])

        def ctime(secs=None):
            return asctime(localtime(secs))
        """##)
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
