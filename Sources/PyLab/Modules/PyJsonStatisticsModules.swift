import LabCore

/// `json` and `statistics`: Python source over a few Swift natives (a float's repr, exact sums).
package enum JsonStatisticsModules {
    package static let `json` = ModuleDefinition("json", source: ##"""
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

        _ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}

        def _hex4(n):
            return "\\u" + "0123456789abcdef"[(n >> 12) & 15] + "0123456789abcdef"[(n >> 8) & 15] + "0123456789abcdef"[(n >> 4) & 15] + "0123456789abcdef"[n & 15]

        def _encode_string(s, ensure_ascii):
            out = ['"']
            for ch in s:
                e = _ESCAPES.get(ch)
                if e is not None:
                    out.append(e)
                    continue
                n = ord(ch)
                if n < 32:
                    out.append(_hex4(n))
                elif n > 126 and ensure_ascii:
                    if n > 65535:
                        n -= 65536
                        out.append(_hex4(55296 | (n >> 10)))
                        out.append(_hex4(56320 | (n & 1023)))
                    else:
                        out.append(_hex4(n))
                else:
                    out.append(ch)
            out.append('"')
            return "".join(out)

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
                    self.enter(o)
                    out.append("[")
                    sep = self.item_sep
                    if self.indent is not None:
                        inner = "\n" + self.indent * (level + 1)
                        sep = sep + inner
                        out.append(inner)
                    first = True
                    for v in o:
                        if not first:
                            out.append(sep)
                        first = False
                        self.encode(v, level + 1, out)
                    if self.indent is not None:
                        out.append("\n" + self.indent * level)
                    out.append("]")
                    self.leave(o)
                elif isinstance(o, dict) or _mapping_like(o):
                    if not o:
                        out.append("{}")
                        return
                    self.enter(o)
                    out.append("{")
                    sep = self.item_sep
                    if self.indent is not None:
                        inner = "\n" + self.indent * (level + 1)
                        sep = sep + inner
                        out.append(inner)
                    items = list(o.items())
                    if self.sort_keys:
                        items = sorted(items)
                    first = True
                    for k, v in items:
                        k = self.key_text(k)
                        if k is None:
                            continue
                        if not first:
                            out.append(sep)
                        first = False
                        out.append(_encode_string(k, self.ensure_ascii))
                        out.append(self.key_sep)
                        self.encode(v, level + 1, out)
                    if self.indent is not None:
                        out.append("\n" + self.indent * level)
                    out.append("}")
                    self.leave(o)
                else:
                    if self.default is None:
                        raise TypeError("Object of type " + type(o).__name__ + " is not JSON serializable")
                    self.enter(o)
                    self.encode(self.default(o), level, out)
                    self.leave(o)

        def dumps(obj, *, skipkeys=False, ensure_ascii=True, check_circular=True, allow_nan=True, cls=None, indent=None, separators=None, default=None, sort_keys=False):
            if cls is not None:
                raise NotImplementedError("conclab's Python does not support json.dumps(cls=...)")
            out = []
            _Encoder(indent, separators, sort_keys, ensure_ascii, default, skipkeys, allow_nan, check_circular).encode(obj, 0, out)
            return "".join(out)

        def dump(obj, fp, **kw):
            fp.write(dumps(obj, **kw))

        _WS = " \t\n\r"
        _DIGITS = "0123456789"

        def _skip(s, i):
            n = len(s)
            while i < n and s[i] in _WS:
                i += 1
            return i

        class _Decoder:
            def __init__(self, s, object_hook, parse_float, parse_int):
                self.s = s
                self.object_hook = object_hook
                self.parse_float = parse_float
                self.parse_int = parse_int

            def fail(self, msg, pos):
                raise _decode_error(msg, self.s, pos)

            def value(self, i):
                s = self.s
                if i >= len(s):
                    self.fail("Expecting value", i)
                c = s[i]
                if c == '"':
                    return self.string(i + 1)
                if c == "{":
                    return self.object(i + 1)
                if c == "[":
                    return self.array(i + 1)
                if c == "n" and s[i:i + 4] == "null":
                    return None, i + 4
                if c == "t" and s[i:i + 4] == "true":
                    return True, i + 4
                if c == "f" and s[i:i + 5] == "false":
                    return False, i + 5
                if c == "N" and s[i:i + 3] == "NaN":
                    return float("nan"), i + 3
                if c == "I" and s[i:i + 8] == "Infinity":
                    return float("inf"), i + 8
                if c == "-" and s[i:i + 9] == "-Infinity":
                    return float("-inf"), i + 9
                return self.number(i)

            def number(self, i):
                s = self.s
                n = len(s)
                start = i
                if i < n and s[i] == "-":
                    i += 1
                if i < n and s[i] == "0":
                    i += 1
                elif i < n and s[i] in "123456789":
                    while i < n and s[i] in _DIGITS:
                        i += 1
                else:
                    self.fail("Expecting value", start)
                is_float = False
                if i + 1 < n and s[i] == "." and s[i + 1] in _DIGITS:
                    is_float = True
                    i += 2
                    while i < n and s[i] in _DIGITS:
                        i += 1
                if i < n and s[i] in "eE":
                    j = i + 1
                    if j < n and s[j] in "+-":
                        j += 1
                    if j < n and s[j] in _DIGITS:
                        while j < n and s[j] in _DIGITS:
                            j += 1
                        is_float = True
                        i = j
                text = s[start:i]
                if is_float:
                    return (float(text) if self.parse_float is None else self.parse_float(text)), i
                return (int(text) if self.parse_int is None else self.parse_int(text)), i

            def string(self, i):
                s = self.s
                n = len(s)
                begin = i - 1
                chunks = []
                start = i
                while True:
                    while i < n and s[i] != '"' and s[i] != "\\" and ord(s[i]) >= 32:
                        i += 1
                    if i >= n:
                        self.fail("Unterminated string starting at", begin)
                    chunks.append(s[start:i])
                    c = s[i]
                    if c == '"':
                        return "".join(chunks), i + 1
                    if c != "\\":
                        self.fail("Invalid control character at", i)
                    if i + 1 >= n:
                        self.fail("Unterminated string starting at", begin)
                    e = s[i + 1]
                    if e == "u":
                        code = self.hex4(i + 2, i + 1)
                        i += 6
                        if 55296 <= code <= 56319 and s[i:i + 2] == "\\u":
                            low = self.hex4(i + 2, i + 1)
                            if 56320 <= low <= 57343:
                                code = 65536 + (((code - 55296) << 10) | (low - 56320))
                                i += 6
                        chunks.append(chr(code))
                    else:
                        mapped = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}.get(e)
                        if mapped is None:
                            self.fail("Invalid \\escape", i)
                        chunks.append(mapped)
                        i += 2
                    start = i

            def hex4(self, i, at):
                text = self.s[i:i + 4]
                if len(text) != 4:
                    self.fail("Invalid \\uXXXX escape", at)
                code = 0
                for ch in text:
                    d = "0123456789abcdef".find(ch.lower())
                    if d < 0:
                        self.fail("Invalid \\uXXXX escape", at)
                    code = code * 16 + d
                return code

            def object(self, i):
                s = self.s
                result = {}
                i = _skip(s, i)
                if s[i:i + 1] == "}":
                    return self.hook(result), i + 1
                if s[i:i + 1] != '"':
                    self.fail("Expecting property name enclosed in double quotes", i)
                i += 1
                while True:
                    key, i = self.string(i)
                    i = _skip(s, i)
                    if s[i:i + 1] != ":":
                        self.fail("Expecting ':' delimiter", i)
                    i = _skip(s, i + 1)
                    value, i = self.value(i)
                    result[key] = value
                    i = _skip(s, i)
                    c = s[i:i + 1]
                    i += 1
                    if c == "}":
                        return self.hook(result), i
                    if c != ",":
                        self.fail("Expecting ',' delimiter", i - 1)
                    i = _skip(s, i)
                    if s[i:i + 1] != '"':
                        self.fail("Expecting property name enclosed in double quotes", i)
                    i += 1

            def hook(self, d):
                if self.object_hook is None:
                    return d
                return self.object_hook(d)

            def array(self, i):
                s = self.s
                result = []
                i = _skip(s, i)
                if s[i:i + 1] == "]":
                    return result, i + 1
                while True:
                    value, i = self.value(i)
                    result.append(value)
                    i = _skip(s, i)
                    c = s[i:i + 1]
                    i += 1
                    if c == "]":
                        return result, i
                    if c != ",":
                        self.fail("Expecting ',' delimiter", i - 1)
                    i = _skip(s, i)

        def loads(s, *, cls=None, object_hook=None, parse_float=None, parse_int=None, parse_constant=None, object_pairs_hook=None):
            if type(s) is bytes:
                s = s.decode("utf-8")
            if type(s) is not str:
                raise TypeError("the JSON object must be str, bytes or bytearray, not " + type(s).__name__)
            if cls is not None or parse_constant is not None or object_pairs_hook is not None:
                raise NotImplementedError("conclab's Python does not support json.loads with cls, parse_constant or object_pairs_hook")
            if s.startswith("\ufeff"):
                raise _decode_error("Unexpected UTF-8 BOM (decode using utf-8-sig)", s, 0)
            d = _Decoder(s, object_hook, parse_float, parse_int)
            value, end = d.value(_skip(s, 0))
            end = _skip(s, end)
            if end != len(s):
                raise _decode_error("Extra data", s, end)
            return value

        def load(fp, **kw):
            return loads(fp.read(), **kw)
        """##)

    package static let `statistics` = ModuleDefinition("statistics", source: ##"""
        import math as _math

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
        """##)
}
