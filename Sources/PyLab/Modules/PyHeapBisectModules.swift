import LabCore

/// `heapq`, `bisect`, `operator`, `copy` and `string`, in Python: the heap functions follow CPython's sift
/// algorithm step for step, so a learner who prints the heap list sees CPython's order.
package enum HeapBisectModules {
    package static let `heapq` = ModuleDefinition("heapq", source: ##"""
        def _check(heap, name):
            if type(heap) is not list:
                raise TypeError(name + "() argument 1 must be list, not " + type(heap).__name__)

        def _sift_toward_root(heap, top, pos):
            item = heap[pos]
            while pos > top:
                up = (pos - 1) >> 1
                parent = heap[up]
                if item < parent:
                    heap[pos] = parent
                    pos = up
                    continue
                break
            heap[pos] = item

        def _sift_to_leaf(heap, pos):
            end = len(heap)
            top = pos
            item = heap[pos]
            child = 2 * pos + 1
            while child < end:
                right = child + 1
                if right < end and not heap[child] < heap[right]:
                    child = right
                heap[pos] = heap[child]
                pos = child
                child = 2 * pos + 1
            heap[pos] = item
            _sift_toward_root(heap, top, pos)

        def heappush(heap, item):
            _check(heap, "heappush")
            heap.append(item)
            _sift_toward_root(heap, 0, len(heap) - 1)

        def heappop(heap):
            _check(heap, "heappop")
            if not heap:
                raise IndexError("index out of range")
            last = heap.pop()
            if heap:
                first = heap[0]
                heap[0] = last
                _sift_to_leaf(heap, 0)
                return first
            return last

        def heapreplace(heap, item):
            _check(heap, "heapreplace")
            if not heap:
                raise IndexError("index out of range")
            first = heap[0]
            heap[0] = item
            _sift_to_leaf(heap, 0)
            return first

        def heappushpop(heap, item):
            _check(heap, "heappushpop")
            if heap and heap[0] < item:
                first = heap[0]
                heap[0] = item
                _sift_to_leaf(heap, 0)
                return first
            return item

        def heapify(x):
            if type(x) is not list:
                raise TypeError("heapify() argument must be list, not " + type(x).__name__)
            for i in reversed(range(len(x) // 2)):
                _sift_to_leaf(x, i)

        def nsmallest(n, iterable, key=None):
            if n <= 0:
                return []
            return sorted(iterable, key=key)[:n]

        def nlargest(n, iterable, key=None):
            if n <= 0:
                return []
            return sorted(iterable, key=key, reverse=True)[:n]

        def merge(*iterables, key=None, reverse=False):
            heads = []
            for it in iterables:
                it = iter(it)
                for v in it:
                    heads.append([v, it])
                    break
            while heads:
                best = 0
                if key is None:
                    bk = heads[0][0]
                else:
                    bk = key(heads[0][0])
                for j in range(1, len(heads)):
                    if key is None:
                        k = heads[j][0]
                    else:
                        k = key(heads[j][0])
                    if (bk < k) if reverse else (k < bk):
                        best = j
                        bk = k
                row = heads[best]
                yield row[0]
                for v in row[1]:
                    row[0] = v
                    break
                else:
                    del heads[best]
        """##)

    package static let `bisect` = ModuleDefinition("bisect", source: ##"""
        def _bounds(a, lo, hi):
            if lo < 0:
                raise ValueError("lo must be non-negative")
            if hi is None:
                hi = len(a)
            return hi

        def bisect_right(a, x, lo=0, hi=None, *, key=None):
            hi = _bounds(a, lo, hi)
            while lo < hi:
                mid = (lo + hi) // 2
                v = a[mid] if key is None else key(a[mid])
                if x < v:
                    hi = mid
                else:
                    lo = mid + 1
            return lo

        def bisect_left(a, x, lo=0, hi=None, *, key=None):
            hi = _bounds(a, lo, hi)
            while lo < hi:
                mid = (lo + hi) // 2
                v = a[mid] if key is None else key(a[mid])
                if v < x:
                    lo = mid + 1
                else:
                    hi = mid
            return lo

        def insort_right(a, x, lo=0, hi=None, *, key=None):
            if key is None:
                lo = bisect_right(a, x, lo, hi)
            else:
                lo = bisect_right(a, key(x), lo, hi, key=key)
            a.insert(lo, x)

        def insort_left(a, x, lo=0, hi=None, *, key=None):
            if key is None:
                lo = bisect_left(a, x, lo, hi)
            else:
                lo = bisect_left(a, key(x), lo, hi, key=key)
            a.insert(lo, x)

        bisect = bisect_right
        insort = insort_right
        """##)

    package static let `operator` = ModuleDefinition("operator", source: ##"""
        _abs = abs

        def lt(a, b):
            return a < b
        def le(a, b):
            return a <= b
        def eq(a, b):
            return a == b
        def ne(a, b):
            return a != b
        def ge(a, b):
            return a >= b
        def gt(a, b):
            return a > b
        def not_(a):
            return not a
        def truth(a):
            return True if a else False
        def is_(a, b):
            return a is b
        def is_not(a, b):
            return a is not b
        def abs(a):
            return _abs(a)
        def add(a, b):
            return a + b
        def and_(a, b):
            return a & b
        def floordiv(a, b):
            return a // b
        def index(a):
            if type(a) is int or type(a) is bool:
                return int(a)
            raise TypeError("'" + type(a).__name__ + "' object cannot be interpreted as an integer")
        def inv(a):
            return ~a
        invert = inv
        def lshift(a, b):
            return a << b
        def mod(a, b):
            return a % b
        def mul(a, b):
            return a * b
        def neg(a):
            return -a
        def or_(a, b):
            return a | b
        def pos(a):
            return +a
        def pow(a, b):
            return a ** b
        def rshift(a, b):
            return a >> b
        def sub(a, b):
            return a - b
        def truediv(a, b):
            return a / b
        def xor(a, b):
            return a ^ b
        def concat(a, b):
            if type(a) in (int, float, bool, type(None)):
                raise TypeError("'" + type(a).__name__ + "' object can't be concatenated")
            return a + b
        def contains(a, b):
            return b in a
        def countOf(a, b):
            n = 0
            for x in a:
                if x is b or x == b:
                    n += 1
            return n
        def indexOf(a, b):
            i = 0
            for x in a:
                if x is b or x == b:
                    return i
                i += 1
            raise ValueError("sequence.index(x): x not in sequence")
        def getitem(a, b):
            return a[b]
        def setitem(a, b, c):
            a[b] = c
        def delitem(a, b):
            del a[b]
        def length_hint(obj, default=0):
            try:
                return len(obj)
            except TypeError:
                return default
        def iadd(a, b):
            a += b
            return a
        def isub(a, b):
            a -= b
            return a
        def imul(a, b):
            a *= b
            return a
        def iconcat(a, b):
            a += b
            return a

        class itemgetter:
            def __init__(self, item, *items):
                self._items = (item,) + items

            def __call__(self, obj):
                if len(self._items) == 1:
                    return obj[self._items[0]]
                return tuple([obj[i] for i in self._items])

            def __repr__(self):
                return "operator.itemgetter(" + ", ".join([repr(i) for i in self._items]) + ")"

        def _resolve(obj, name):
            for part in name.split("."):
                obj = getattr(obj, part)
            return obj

        class attrgetter:
            def __init__(self, attr, *attrs):
                for a in (attr,) + attrs:
                    if type(a) is not str:
                        raise TypeError("attribute name must be a string")
                self._attrs = (attr,) + attrs

            def __call__(self, obj):
                if len(self._attrs) == 1:
                    return _resolve(obj, self._attrs[0])
                return tuple([_resolve(obj, a) for a in self._attrs])

            def __repr__(self):
                return "operator.attrgetter(" + ", ".join([repr(a) for a in self._attrs]) + ")"

        class methodcaller:
            def __init__(self, name, *args, **kwargs):
                if type(name) is not str:
                    raise TypeError("method name must be a string")
                self._name = name
                self._args = args
                self._kwargs = kwargs

            def __call__(self, obj):
                return getattr(obj, self._name)(*self._args, **self._kwargs)

            def __repr__(self):
                parts = [repr(self._name)] + [repr(a) for a in self._args]
                for k in self._kwargs:
                    parts.append(k + "=" + repr(self._kwargs[k]))
                return "operator.methodcaller(" + ", ".join(parts) + ")"
        """##)

    package static let `copy` = ModuleDefinition("copy", natives: copyNatives, source: ##"""
        class Error(Exception):
            pass

        error = Error

        _ATOMS = (type(None), int, float, bool, str, bytes, type, range, type(len))

        def copy(x):
            cls = type(x)
            if cls in _ATOMS or cls is tuple:
                return x
            if cls is list:
                return x[:]
            if cls is dict or cls is set:
                return x.copy()
            if _is_instance(x):
                import collections
                if cls in (collections.deque, collections.OrderedDict, collections.defaultdict, collections.Counter):
                    return x.copy()
                return _copy_instance(x, None)
            raise Error("conclab's Python does not support copy.copy of " + cls.__name__)

        def _copy_instance(x, memo):
            cls = type(x)
            y = _blank(x)
            if memo is not None:
                memo[id(x)] = y
            for k, v in _attributes(x):
                if memo is None:
                    setattr(y, k, v)
                else:
                    setattr(y, k, deepcopy(v, memo))
            return y

        def deepcopy(x, memo=None):
            if memo is None:
                memo = {}
            cls = type(x)
            if cls in _ATOMS:
                return x
            key = id(x)
            if key in memo:
                return memo[key]
            if cls is list:
                y = []
                memo[key] = y
                for v in x:
                    y.append(deepcopy(v, memo))
                return y
            if cls is dict:
                y = {}
                memo[key] = y
                for k, v in x.items():
                    y[deepcopy(k, memo)] = deepcopy(v, memo)
                return y
            if cls is tuple:
                items = [deepcopy(v, memo) for v in x]
                if key in memo:
                    return memo[key]
                same = True
                for i in range(len(x)):
                    if items[i] is not x[i]:
                        same = False
                y = x if same else tuple(items)
                memo[key] = y
                return y
            if cls is set:
                y = cls([deepcopy(v, memo) for v in x])
                memo[key] = y
                return y
            if _is_instance(x):
                return _copy_instance(x, memo)
            raise Error("conclab's Python does not support copy.deepcopy of " + cls.__name__)
        """##)

    package static let `string` = ModuleDefinition("string", source: ##"""
        whitespace = ' \t\n\r\x0b\x0c'
        ascii_lowercase = 'abcdefghijklmnopqrstuvwxyz'
        ascii_uppercase = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
        ascii_letters = ascii_lowercase + ascii_uppercase
        digits = '0123456789'
        hexdigits = digits + 'abcdef' + 'ABCDEF'
        octdigits = '01234567'
        punctuation = r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"""
        printable = digits + ascii_letters + punctuation + whitespace

        def capwords(s, sep=None):
            return (sep or ' ').join([w.capitalize() for w in s.split(sep)])

        def _id_start(c):
            return c == "_" or ("a" <= c <= "z") or ("A" <= c <= "Z")

        def _id_char(c):
            return _id_start(c) or ("0" <= c <= "9")

        class Template:
            delimiter = "$"

            def __init__(self, template):
                self.template = template

            def _scan(self):
                # (kind, start, end, name) for each placeholder: kind is "escaped", "named", "braced" or "invalid".
                # A list, not the str: indexing a str walks it from the start.
                s = list(self.template)
                n = len(s)
                found = []
                i = 0
                while i < n:
                    if s[i] != "$":
                        i += 1
                        continue
                    j = i + 1
                    if j < n and s[j] == "$":
                        found.append(("escaped", i, j + 1, None))
                        i = j + 1
                        continue
                    if j < n and _id_start(s[j]):
                        k = j
                        while k < n and _id_char(s[k]):
                            k += 1
                        found.append(("named", i, k, "".join(s[j:k])))
                        i = k
                        continue
                    if j < n and s[j] == "{" and j + 1 < n and _id_start(s[j + 1]):
                        k = j + 1
                        while k < n and _id_char(s[k]):
                            k += 1
                        if k < n and s[k] == "}":
                            found.append(("braced", i, k + 1, "".join(s[j + 1:k])))
                            i = k + 1
                            continue
                    found.append(("invalid", i, j, None))
                    i = j
                return found, s

            def _invalid(self, at):
                lines = self.template[:at].splitlines(True)
                if not lines:
                    colno = 1
                    lineno = 1
                else:
                    colno = at - len("".join(lines[:-1]))
                    lineno = len(lines)
                raise ValueError("Invalid placeholder in string: line " + str(lineno) + ", col " + str(colno))

            def _substitute(self, mapping, kws, safe):
                if mapping is None:
                    values = kws
                elif kws:
                    values = dict(mapping)
                    values.update(kws)
                else:
                    values = mapping
                out = []
                last = 0
                found, chars = self._scan()
                for kind, start, end, name in found:
                    out.append("".join(chars[last:start]))
                    last = end
                    if kind == "escaped":
                        out.append("$")
                    elif kind == "invalid":
                        if not safe:
                            self._invalid(start + 1)
                        out.append("$")
                    elif safe:
                        try:
                            out.append(str(values[name]))
                        except KeyError:
                            out.append("".join(chars[start:end]))
                    else:
                        out.append(str(values[name]))
                out.append("".join(chars[last:]))
                return "".join(out)

            def substitute(self, mapping=None, **kws):
                return self._substitute(mapping, kws, False)

            def safe_substitute(self, mapping=None, **kws):
                return self._substitute(mapping, kws, True)

            def get_identifiers(self):
                names = []
                for kind, start, end, name in self._scan()[0]:
                    if kind == "invalid":
                        self._invalid(start + 1)
                    if name is not None and name not in names:
                        names.append(name)
                return names

            def is_valid(self):
                for kind, start, end, name in self._scan()[0]:
                    if kind == "invalid":
                        return False
                return True
        """##)
}


extension HeapBisectModules {
    /// `copy`'s view of an instance: a blank one of the same class (no `__init__` run, as CPython's
    /// `cls.__new__(cls)`) and its attributes as (name, value) pairs, in the order they were set.
    static let copyNatives: [Builtin] = [
        Builtin("_blank") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            guard a[0].isObject, let instance = a[0].object as? PyInstance else { throw ts.typeError("not an instance") }
            ts.incref(instance.classValue)
            for v in instance.arguments { ts.incref(v) }
            return ts.allocate(PyInstance(cls: instance.cls, classValue: instance.classValue, arguments: instance.arguments,
                                          id: ts.runtime.heap.newID(), owner: ts.ownerForNew))
        },
        Builtin("_is_instance") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return .bool(a[0].isObject && a[0].object is PyInstance)
        },
        Builtin("_attributes") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            guard a[0].isObject, let instance = a[0].object as? PyInstance else { return ts.newList([]) }
            return ts.attributePairs(instance.attributes.withLock { $0 })
        },
    ]
}
