import BigInt
import LabCore

/// `json` and `statistics`: Python source over a few Swift natives (a float's repr, exact sums).
package enum JsonStatisticsModules {
    package static let `json` = ModuleDefinition("json", natives: jsonNatives, source: ##"""
        class JSONDecodeError(ValueError):
            pass

        def _decode_error(msg, doc, pos):
            lineno = doc.count("\n", 0, pos) + 1
            colno = pos - doc.rfind("\n", 0, pos)
            e = JSONDecodeError(msg + ": line " + str(lineno) + " column " + str(colno) + " (char " + str(pos) + ")")
            e.msg = msg
            e.doc = doc
            e.pos = pos
            e.lineno = lineno
            e.colno = colno
            return e

        def _float_text(f, allow_nan):
            if f != f:
                text = "NaN"
            elif f == float("inf"):
                text = "Infinity"
            elif f == float("-inf"):
                text = "-Infinity"
            else:
                return repr(f)
            if not allow_nan:
                raise ValueError("Out of range float values are not JSON compliant")
            return text

        def _mapping_like(o):
            # conclab's Counter, OrderedDict and defaultdict are classes of their own; CPython's are dicts.
            import collections
            return isinstance(o, collections.Counter) or isinstance(o, collections.OrderedDict) or isinstance(o, collections.defaultdict)

        def _tuple_like(o):
            # A namedtuple is a tuple in CPython.
            return hasattr(o, "_fields") and hasattr(o, "_asdict")

        class _Encoder:
            def __init__(self, indent, separators, sort_keys, ensure_ascii, default, skipkeys, allow_nan, check_circular):
                if indent is not None and type(indent) is not str:
                    indent = " " * indent
                self.indent = indent
                if separators is None:
                    separators = (", ", ": ") if indent is None else (",", ": ")
                self.item_sep = separators[0]
                self.key_sep = separators[1]
                self.sort_keys = sort_keys
                self.ensure_ascii = ensure_ascii
                self.default = default
                self.skipkeys = skipkeys
                self.allow_nan = allow_nan
                self.markers = {} if check_circular else None

            def key_text(self, key):
                if type(key) is str:
                    return key
                if key is True:
                    return "true"
                if key is False:
                    return "false"
                if key is None:
                    return "null"
                if type(key) is float:
                    return _float_text(key, self.allow_nan)
                if type(key) is int:
                    return repr(key)
                if self.skipkeys:
                    return None
                raise TypeError("keys must be str, int, float, bool or None, not " + type(key).__name__)

            def enter(self, o):
                if self.markers is not None:
                    if id(o) in self.markers:
                        raise ValueError("Circular reference detected")
                    self.markers[id(o)] = o

            def leave(self, o):
                if self.markers is not None:
                    del self.markers[id(o)]

            def encode(self, o, level, out):
                if type(o) is str:
                    out.append(_encode_string(o, self.ensure_ascii))
                elif o is None:
                    out.append("null")
                elif o is True:
                    out.append("true")
                elif o is False:
                    out.append("false")
                elif type(o) is int:
                    out.append(repr(o))
                elif type(o) is float:
                    out.append(_float_text(o, self.allow_nan))
                elif type(o) is list or type(o) is tuple or _tuple_like(o):
                    if not o:
                        out.append("[]")
                        return
                    self.container(o, level, out, "[", "]", (("", v) for v in o))
                elif isinstance(o, dict) or _mapping_like(o):
                    if not o:
                        out.append("{}")
                        return
                    self.container(o, level, out, "{", "}", self.dict_items(o))
                else:
                    if self.default is None:
                        raise TypeError("Object of type " + type(o).__name__ + " is not JSON serializable")
                    self.enter(o)
                    self.encode(self.default(o), level, out)
                    self.leave(o)

            def container(self, o, level, out, opening, closing, items):
                # A list or a dict: its brackets, its separators and, with indent, its lines. `items` gives each
                # item's prefix (a dict's quoted key and key separator, "" for a list) and value, lazily, so errors
                # come in the order CPython meets them.
                self.enter(o)
                out.append(opening)
                sep = self.item_sep
                if self.indent is not None:
                    inner = "\n" + self.indent * (level + 1)
                    sep = sep + inner
                    out.append(inner)
                first = True
                for prefix, v in items:
                    if not first:
                        out.append(sep)
                    first = False
                    out.append(prefix)
                    self.encode(v, level + 1, out)
                if self.indent is not None:
                    out.append("\n" + self.indent * level)
                out.append(closing)
                self.leave(o)

            def dict_items(self, o):
                items = list(o.items())
                if self.sort_keys:
                    items = sorted(items)
                for k, v in items:
                    k = self.key_text(k)
                    if k is not None:
                        yield _encode_string(k, self.ensure_ascii) + self.key_sep, v

        def dumps(obj, *, skipkeys=False, ensure_ascii=True, check_circular=True, allow_nan=True, cls=None, indent=None, separators=None, default=None, sort_keys=False):
            if cls is not None:
                raise NotImplementedError("conclab's Python does not support json.dumps(cls=...)")
            out = []
            _Encoder(indent, separators, sort_keys, ensure_ascii, default, skipkeys, allow_nan, check_circular).encode(obj, 0, out)
            return "".join(out)

        def dump(obj, fp, **kw):
            fp.write(dumps(obj, **kw))

        def loads(s, *, cls=None, object_hook=None, parse_float=None, parse_int=None, parse_constant=None, object_pairs_hook=None):
            if type(s) is bytes:
                s = s.decode("utf-8")
            if type(s) is not str:
                raise TypeError("the JSON object must be str, bytes or bytearray, not " + type(s).__name__)
            if cls is not None or parse_constant is not None or object_pairs_hook is not None:
                raise NotImplementedError("conclab's Python does not support json.loads with cls, parse_constant or object_pairs_hook")
            if s.startswith("\ufeff"):
                raise _decode_error("Unexpected UTF-8 BOM (decode using utf-8-sig)", s, 0)
            result = _scan(s, object_hook, parse_float, parse_int)
            if result[0]:
                return result[1]
            raise _decode_error(result[1], s, result[2])

        def load(fp, **kw):
            return loads(fp.read(), **kw)
        """##)

    package static let `statistics` = ModuleDefinition("statistics", source: ##"""
        import math as _math
        from collections import namedtuple as _namedtuple

        class StatisticsError(ValueError):
            pass

        def _ratio(x):
            if type(x) is int or type(x) is bool:
                return (int(x), 1)
            if type(x) is float:
                if _math.isinf(x) or _math.isnan(x):
                    raise NotImplementedError("conclab's Python does not support statistics of inf or nan")
                m, e = _math.frexp(x)
                n = int(m * 9007199254740992)
                e -= 53
                if e >= 0:
                    return (n * (1 << e), 1)
                d = 1 << (-e)
                g = _math.gcd(n, d)
                return (n // g, d // g)
            raise TypeError("can't convert type '" + type(x).__name__ + "' to numerator/denominator")

        def _reduced(n, d):
            if d < 0:
                n = -n
                d = -d
            g = _math.gcd(n, d)
            if g > 1:
                return (n // g, d // g)
            return (n, d)

        def _coerce(T, S):
            if T is S:
                return T
            if S is int or S is bool:
                return T
            if T is int:
                return S
            raise TypeError("don't know how to coerce " + T.__name__ + " and " + S.__name__)

        def _sum(data):
            count = 0
            T = int
            partials = {}
            for x in data:
                n, d = _ratio(x)
                T = _coerce(T, type(x))
                count += 1
                partials[d] = partials.get(d, 0) + n
            tn = 0
            td = 1
            for d, n in partials.items():
                tn, td = _reduced(tn * d + n * td, td * d)
            return (T, (tn, td), count)

        def _ss(data, c):
            if c is not None:
                cn, cd = _ratio(c)
                T = int
                tn = 0
                td = 1
                count = 0
                for x in data:
                    T = _coerce(T, type(x))
                    dv = x - c
                    n, d = _ratio(dv * dv)
                    tn, td = _reduced(tn * d + n * td, td * d)
                    count += 1
                T = _coerce(T, type(c * 1))
                return (T, (tn, td), count)
            count = 0
            T = int
            sx = {}
            sxx = {}
            for x in data:
                n, d = _ratio(x)
                T = _coerce(T, type(x))
                count += 1
                sx[d] = sx.get(d, 0) + n
                sxx[d] = sxx.get(d, 0) + n * n
            if not count:
                return (T, (0, 1), 0)
            an, ad = 0, 1
            for d, n in sx.items():
                an, ad = _reduced(an * d + n * ad, ad * d)
            bn, bd = 0, 1
            for d, n in sxx.items():
                bn, bd = _reduced(bn * d * d + n * bd, bd * d * d)
            # (count * sxx - sx * sx) / count
            n, d = _reduced(count * bn * ad * ad - an * an * bd, bd * ad * ad)
            return (T, _reduced(n, d * count), count)

        def _convert(value, T):
            n, d = value
            if T is int and d == 1:
                return n
            return n / d

        def _bits(n):
            n = abs(n)
            b = 0
            while n >= 18446744073709551616:
                n >>= 64
                b += 64
            while n:
                n >>= 1
                b += 1
            return b

        def _isqrt(n):
            if n < 2:
                return n
            x = 1 << ((_bits(n) + 1) // 2)
            while True:
                y = (x + n // x) // 2
                if y >= x:
                    return x
                x = y

        def _float_sqrt_of_frac(n, m):
            q = (_bits(n) - _bits(m) - 109) // 2
            if q >= 0:
                a = _isqrt(n // (m << 2 * q))
                numerator = (a | (a * a * (m << 2 * q) != n)) << q
                denominator = 1
            else:
                a = _isqrt((n << -2 * q) // m)
                numerator = a | (a * a * m != (n << -2 * q))
                denominator = 1 << -q
            return numerator / denominator

        def mean(data):
            T, total, n = _sum(data)
            if n < 1:
                raise StatisticsError("mean requires at least one data point")
            return _convert(_reduced(total[0], total[1] * n), T)

        def fmean(data):
            data = list(data)
            if not data:
                raise StatisticsError("fmean requires at least one data point")
            return _math.fsum(data) / len(data)

        def median(data):
            data = sorted(data)
            n = len(data)
            if n == 0:
                raise StatisticsError("no median for empty data")
            if n % 2 == 1:
                return data[n // 2]
            i = n // 2
            return (data[i - 1] + data[i]) / 2

        def median_low(data):
            data = sorted(data)
            n = len(data)
            if n == 0:
                raise StatisticsError("no median for empty data")
            if n % 2 == 1:
                return data[n // 2]
            return data[n // 2 - 1]

        def median_high(data):
            data = sorted(data)
            n = len(data)
            if n == 0:
                raise StatisticsError("no median for empty data")
            return data[n // 2]

        def _counts(data):
            counts = {}
            for x in data:
                counts[x] = counts.get(x, 0) + 1
            return counts

        def mode(data):
            counts = _counts(data)
            if not counts:
                raise StatisticsError("no mode for empty data")
            best = None
            top = 0
            for value, count in counts.items():
                if count > top:
                    best = value
                    top = count
            return best

        def multimode(data):
            counts = _counts(data)
            if not counts:
                return []
            top = max(counts.values())
            return [value for value, count in counts.items() if count == top]

        def variance(data, xbar=None):
            T, ss, n = _ss(data, xbar)
            if n < 2:
                raise StatisticsError("variance requires at least two data points")
            return _convert(_reduced(ss[0], ss[1] * (n - 1)), T)

        def pvariance(data, mu=None):
            T, ss, n = _ss(data, mu)
            if n < 1:
                raise StatisticsError("pvariance requires at least one data point")
            return _convert(_reduced(ss[0], ss[1] * n), T)

        def stdev(data, xbar=None):
            T, ss, n = _ss(data, xbar)
            if n < 2:
                raise StatisticsError("stdev requires at least two data points")
            m = _reduced(ss[0], ss[1] * (n - 1))
            return _float_sqrt_of_frac(m[0], m[1])

        def pstdev(data, mu=None):
            T, ss, n = _ss(data, mu)
            if n < 1:
                raise StatisticsError("pstdev requires at least one data point")
            m = _reduced(ss[0], ss[1] * n)
            return _float_sqrt_of_frac(m[0], m[1])

        def quantiles(data, *, n=4, method="exclusive"):
            if n < 1:
                raise StatisticsError("n must be at least 1")
            data = sorted(data)
            ld = len(data)
            if ld < 2:
                raise StatisticsError("must have at least two data points")
            result = []
            if method == "inclusive":
                m = ld - 1
                for i in range(1, n):
                    j = i * m // n
                    delta = i * m - j * n
                    result.append((data[j] * (n - delta) + data[j + 1] * delta) / n)
                return result
            if method == "exclusive":
                m = ld + 1
                for i in range(1, n):
                    j = i * m // n
                    if j < 1:
                        j = 1
                    elif j > ld - 1:
                        j = ld - 1
                    delta = i * m - j * n
                    result.append((data[j - 1] * (n - delta) + data[j] * delta) / n)
                return result
            raise ValueError("Unknown method: " + repr(method))

        def geometric_mean(data):
            try:
                return _math.exp(fmean([_math.log(x) for x in data]))
            except ValueError:
                raise StatisticsError("geometric mean requires a non-empty dataset containing positive numbers") from None

        def harmonic_mean(data, weights=None):
            if weights is not None:
                raise NotImplementedError("conclab's Python does not support statistics.harmonic_mean with weights")
            data = list(data)
            n = len(data)
            if n < 1:
                raise StatisticsError("harmonic_mean requires at least one data point")
            if n == 1:
                if type(data[0]) not in (int, float, bool):
                    raise TypeError("unsupported type")
                if data[0] < 0:
                    raise StatisticsError("harmonic mean does not support negative values")
                return data[0]
            inverses = []
            for x in data:
                if x < 0:
                    raise StatisticsError("harmonic mean does not support negative values")
                if x == 0:
                    return 0
                inverses.append(1 / x)
            T, total, count = _sum(inverses)
            if total[0] <= 0:
                raise StatisticsError("Weighted sum must be positive")
            return _convert(_reduced(n * total[1], total[0]), T)

        def _paired(x, y, what):
            n = len(x)
            if len(y) != n:
                raise StatisticsError(what + " requires that both inputs have same number of data points")
            if n < 2:
                raise StatisticsError(what + " requires at least two data points")
            xbar = _math.fsum(x) / n
            ybar = _math.fsum(y) / n
            sxy = _math.fsum([(xi - xbar) * (yi - ybar) for xi, yi in zip(x, y)])
            return n, xbar, ybar, sxy

        def covariance(x, y):
            n, xbar, ybar, sxy = _paired(x, y, "covariance")
            return sxy / (n - 1)

        def correlation(x, y):
            n, xbar, ybar, sxy = _paired(x, y, "correlation")
            sxx = _math.fsum([(xi - xbar) * (xi - xbar) for xi in x])
            syy = _math.fsum([(yi - ybar) * (yi - ybar) for yi in y])
            try:
                return sxy / _math.sqrt(sxx * syy)
            except ZeroDivisionError:
                raise StatisticsError("at least one of the inputs is constant")

        LinearRegression = _namedtuple("LinearRegression", ("slope", "intercept"))

        def linear_regression(x, y, *, proportional=False):
            if proportional:
                n = len(x)
                if len(y) != n:
                    raise StatisticsError("linear regression requires that both inputs have same number of data points")
                if n < 2:
                    raise StatisticsError("linear regression requires at least two data points")
                sxy = _math.fsum([xi * yi for xi, yi in zip(x, y)])
                sxx = _math.fsum([xi * xi for xi in x])
            else:
                n, xbar, ybar, sxy = _paired(x, y, "linear regression")
                sxx = _math.fsum([(xi - xbar) * (xi - xbar) for xi in x])
            try:
                slope = sxy / sxx
            except ZeroDivisionError:
                raise StatisticsError("x is constant")
            intercept = 0.0 if proportional else ybar - slope * xbar
            return LinearRegression(slope=slope, intercept=intercept)
        """##)
}


extension JsonStatisticsModules {
    /// `json`'s two loops over characters, in Swift: a Python loop that indexes a str one character at a time
    /// costs a walk from the start of the string each time, and a 170 kB document took minutes.
    static let jsonNatives: [Builtin] = [
        // _scan(text, object_hook, parse_float, parse_int) → (True, value) or (False, message, position).
        Builtin("_scan") { ts, a throws(PyError) in
            try a.expect(4...4, ts)
            guard let text = ts.string(a[0]) else { throw ts.typeError("the JSON object must be str") }
            var scanner = JSONScanner(ts: ts, chars: Array(text.unicodeScalars),
                                      objectHook: a[1], parseFloat: a[2], parseInt: a[3])
            do throws(JSONScanner.Failure) {
                let (value, end) = try scanner.value(at: scanner.skip(0), depth: 0)
                let rest = scanner.skip(end)
                if rest != scanner.chars.count {
                    ts.decref(value)
                    return ts.newTuple([.false, ts.newString("Extra data"), .int(rest)])
                }
                return ts.newTuple([.true, value])
            } catch {
                switch error {
                case .decode(let message, let position):
                    return ts.newTuple([.false, ts.newString(message), .int(position)])
                case .python(let e): throw e
                }
            }
        },
        // _encode_string(text, ensure_ascii) → the JSON string literal, quotes included.
        Builtin("_encode_string") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            guard let text = ts.string(a[0]) else { throw ts.typeError("expected str") }
            return ts.newString(JSONScanner.quoted(text, asciiOnly: try ts.truthy(a[1])))
        },
    ]
}

/// A JSON document read as CPython's C scanner reads it: the same values, and on a mistake the same message at
/// the same position (counted in code points, as Python indexes a str).
struct JSONScanner {
    enum Failure: Error {
        case decode(String, Int)
        case python(PyError)
    }

    let ts: PyThreadState
    let chars: [Unicode.Scalar]
    let objectHook: PyValue
    let parseFloat: PyValue
    let parseInt: PyValue

    func skip(_ start: Int) -> Int {
        var i = start
        while i < chars.count, chars[i] == " " || chars[i] == "\t" || chars[i] == "\n" || chars[i] == "\r" { i += 1 }
        return i
    }

    private func matches(_ i: Int, _ word: String) -> Bool {
        var k = i
        for s in word.unicodeScalars {
            guard k < chars.count, chars[k] == s else { return false }
            k += 1
        }
        return true
    }

    private func python<T>(_ body: () throws(PyError) -> T) throws(Failure) -> T {
        do throws(PyError) { return try body() } catch { throw .python(error) }
    }

    mutating func value(at i: Int, depth: Int) throws(Failure) -> (PyValue, Int) {
        guard i < chars.count else { throw .decode("Expecting value", i) }
        if depth > 900 {
            throw .python(ts.error(ts.runtime.classes.recursionError, "maximum recursion depth exceeded while decoding a JSON document"))
        }
        switch chars[i] {
        case "\"": return try string(from: i + 1)
        case "{": return try object(from: i + 1, depth: depth + 1)
        case "[": return try array(from: i + 1, depth: depth + 1)
        case "n" where matches(i, "null"): return (.none, i + 4)
        case "t" where matches(i, "true"): return (.true, i + 4)
        case "f" where matches(i, "false"): return (.false, i + 5)
        case "N" where matches(i, "NaN"): return (ts.newFloat(.nan), i + 3)
        case "I" where matches(i, "Infinity"): return (ts.newFloat(.infinity), i + 8)
        case "-" where matches(i, "-Infinity"): return (ts.newFloat(-.infinity), i + 9)
        default: return try number(from: i)
        }
    }

    private func isDigit(_ i: Int) -> Bool { i < chars.count && chars[i] >= "0" && chars[i] <= "9" }

    private func number(from start: Int) throws(Failure) -> (PyValue, Int) {
        var i = start
        if i < chars.count, chars[i] == "-" { i += 1 }
        if i < chars.count, chars[i] == "0" {
            i += 1
        } else if isDigit(i) {
            while isDigit(i) { i += 1 }
        } else {
            throw .decode("Expecting value", start)
        }
        var isFloat = false
        if i + 1 < chars.count, chars[i] == ".", isDigit(i + 1) {
            isFloat = true
            i += 2
            while isDigit(i) { i += 1 }
        }
        if i < chars.count, chars[i] == "e" || chars[i] == "E" {
            var j = i + 1
            if j < chars.count, chars[j] == "+" || chars[j] == "-" { j += 1 }
            if isDigit(j) {
                while isDigit(j) { j += 1 }
                isFloat = true
                i = j
            }
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: chars[start..<i])
        let hook = isFloat ? parseFloat : parseInt
        if hook != .none {
            let ts = self.ts
            let argument = ts.newString(text)
            defer { ts.decref(argument) }
            return (try python { () throws(PyError) in try ts.call(hook, [argument]) }, i)
        }
        if isFloat { return (ts.newFloat(Double(text) ?? .nan), i) }
        if let small = Int(text), let v = PyValue.checkedInt(small) { return (v, i) }
        guard let big = BigInt(text, radix: 10) else { throw .decode("Expecting value", start) }
        return (ts.newInt(big), i)
    }

    private func hex4(at i: Int, error position: Int) throws(Failure) -> UInt32 {
        guard i + 4 <= chars.count else { throw .decode("Invalid \\uXXXX escape", position) }
        var code: UInt32 = 0
        for k in i..<(i + 4) {
            guard let d = Character(chars[k]).hexDigitValue else { throw .decode("Invalid \\uXXXX escape", position) }
            code = code * 16 + UInt32(d)
        }
        return code
    }

    private func string(from first: Int) throws(Failure) -> (PyValue, Int) {
        var i = first
        var out = String.UnicodeScalarView()
        while true {
            guard i < chars.count else { throw .decode("Unterminated string starting at", first - 1) }
            let c = chars[i]
            if c == "\"" { return (ts.newString(String(out)), i + 1) }
            if c.value < 0x20 { throw .decode("Invalid control character at", i) }
            if c != "\\" {
                out.append(c)
                i += 1
                continue
            }
            guard i + 1 < chars.count else { throw .decode("Unterminated string starting at", first - 1) }
            switch chars[i + 1] {
            case "\"": out.append("\"")
            case "\\": out.append("\\")
            case "/": out.append("/")
            case "b": out.append("\u{8}")
            case "f": out.append("\u{C}")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "u":
                var code = try hex4(at: i + 2, error: i + 1)
                i += 6
                if (0xD800...0xDBFF).contains(code), i + 1 < chars.count, chars[i] == "\\", chars[i + 1] == "u" {
                    let low = try hex4(at: i + 2, error: i + 1)
                    if (0xDC00...0xDFFF).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                guard let scalar = Unicode.Scalar(code) else {
                    throw .python(ts.error(ts.runtime.classes.notImplementedError,
                                           "conclab's Python does not support a lone surrogate (\\u\(String(code, radix: 16))) in a string"))
                }
                out.append(scalar)
                continue
            default:
                throw .decode("Invalid \\escape", i)
            }
            i += 2
        }
    }

    private mutating func array(from start: Int, depth: Int) throws(Failure) -> (PyValue, Int) {
        var items: [PyValue] = []
        var done = false
        defer { if !done { for v in items { ts.decref(v) } } }
        var i = skip(start)
        if i < chars.count, chars[i] == "]" {
            done = true
            return (ts.newList([]), i + 1)
        }
        while true {
            let (v, end) = try value(at: i, depth: depth)
            items.append(v)
            i = skip(end)
            let c = i < chars.count ? chars[i] : " "
            i += 1
            if c == "]" { break }
            if c != "," { throw .decode("Expecting ',' delimiter", i - 1) }
            i = skip(i)
        }
        done = true
        return (ts.newList(items), i)
    }

    private mutating func object(from start: Int, depth: Int) throws(Failure) -> (PyValue, Int) {
        let ts = self.ts
        let dict = PyDict(id: ts.runtime.heap.newID(), owner: ts.ownerForNew)
        var result = ts.allocate(dict)
        var done = false
        defer { if !done { ts.decref(result) } }
        var i = skip(start)
        if !(i < chars.count && chars[i] == "}") {
            guard i < chars.count, chars[i] == "\"" else { throw .decode("Expecting property name enclosed in double quotes", i) }
            i += 1
            while true {
                let (key, afterKey) = try string(from: i)
                defer { ts.decref(key) }
                i = skip(afterKey)
                guard i < chars.count, chars[i] == ":" else { throw .decode("Expecting ':' delimiter", i) }
                let (v, end) = try value(at: skip(i + 1), depth: depth)
                defer { ts.decref(v) }
                try python { () throws(PyError) in try ts.dictSet(dict, key, v) }
                i = skip(end)
                let c = i < chars.count ? chars[i] : " "
                i += 1
                if c == "}" { break }
                if c != "," { throw .decode("Expecting ',' delimiter", i - 1) }
                i = skip(i)
                guard i < chars.count, chars[i] == "\"" else { throw .decode("Expecting property name enclosed in double quotes", i) }
                i += 1
            }
        } else {
            i += 1
        }
        if objectHook != .none {
            let hook = objectHook
            let made = result
            result = try python { () throws(PyError) in try ts.call(hook, [made]) }
            ts.decref(made)
        }
        done = true
        return (result, i)
    }

    /// A str as a JSON string literal: CPython's escapes, and with `asciiOnly` every other character as \uXXXX
    /// (a pair of surrogates past U+FFFF).
    static func quoted(_ text: String, asciiOnly: Bool) -> String {
        var out = "\""
        func hex4(_ n: UInt32) {
            out += "\\u"
            for shift in [12, 8, 4, 0] { out.unicodeScalars.append(Array("0123456789abcdef".unicodeScalars)[Int((n >> UInt32(shift)) & 15)]) }
        }
        for s in text.unicodeScalars {
            switch s {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{C}": out += "\\f"
            default:
                if s.value < 0x20 {
                    hex4(s.value)
                } else if asciiOnly && s.value > 126 {
                    if s.value > 0xFFFF {
                        let n = s.value - 0x10000
                        hex4(0xD800 | (n >> 10))
                        hex4(0xDC00 | (n & 0x3FF))
                    } else {
                        hex4(s.value)
                    }
                } else {
                    out.unicodeScalars.append(s)
                }
            }
        }
        return out + "\""
    }
}
