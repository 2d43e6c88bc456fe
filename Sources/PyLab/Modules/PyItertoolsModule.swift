import LabCore

/// `itertools` and `functools`, in Python: every iterator is a generator, so `islice(count(), 5)` takes five values
/// from an endless source and stops, as CPython's do.
package enum ItertoolsModule {
    package static let definition = ModuleDefinition("itertools", source: """
        def count(start=0, step=1):
            n = start
            while True:
                yield n
                n += step

        def cycle(iterable):
            saved = []
            for x in iterable:
                yield x
                saved.append(x)
            while saved:
                for x in saved:
                    yield x

        def repeat(obj, times=None):
            if times is None:
                while True:
                    yield obj
            else:
                for i in range(times):
                    yield obj

        _NO = object()

        def islice(iterable, a, b=_NO, c=None):
            if b is _NO:
                start = 0
                stop = a
            else:
                start = a
                stop = b
                if start is None:
                    start = 0
            step = c
            if step is None:
                step = 1
            if start < 0 or (stop is not None and stop < 0):
                raise ValueError("Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.")
            if step < 1:
                raise ValueError("Step for islice() must be a positive integer or None.")
            it = iter(iterable)
            i = 0
            wanted = start
            while stop is None or i < stop:
                try:
                    x = next(it)
                except StopIteration:
                    return
                if i == wanted:
                    yield x
                    wanted += step
                i += 1

        def _chain(iterables, kwargs):
            for it in iterables:
                for x in it:
                    yield x

        chain = _packed(_chain, "chain")

        def accumulate(iterable, func=None, initial=None):
            it = iter(iterable)
            total = initial
            if initial is None:
                try:
                    total = next(it)
                except StopIteration:
                    return
            yield total
            for x in it:
                if func is None:
                    total = total + x
                else:
                    total = func(total, x)
                yield total

        def _product(iterables, kwargs):
            pools = [tuple(p) for p in iterables] * kwargs.get("repeat", 1)
            result = [[]]
            for pool in pools:
                result = [x + [y] for x in result for y in pool]
            for prod in result:
                yield tuple(prod)

        product = _packed(_product, "product")

        def _combos(start, n, r):
            if r == 0:
                yield []
                return
            for i in range(start, n - r + 1):
                for rest in _combos(i + 1, n, r - 1):
                    yield [i] + rest

        def combinations(iterable, r):
            pool = tuple(iterable)
            for idx in _combos(0, len(pool), r):
                yield tuple([pool[i] for i in idx])

        def _perms(items, r):
            if r == 0:
                yield []
                return
            for i in range(len(items)):
                for rest in _perms(items[:i] + items[i + 1:], r - 1):
                    yield [items[i]] + rest

        def permutations(iterable, r=None):
            pool = list(iterable)
            if r is None:
                r = len(pool)
            for p in _perms(pool, r):
                yield tuple(p)

        def _zip_longest(iterables, kwargs):
            fill = kwargs.get("fillvalue", None)
            its = [iter(x) for x in iterables]
            while True:
                row = []
                alive = 0
                for it in its:
                    try:
                        row.append(next(it))
                        alive += 1
                    except StopIteration:
                        row.append(fill)
                if alive == 0:
                    return
                yield tuple(row)

        zip_longest = _packed(_zip_longest, "zip_longest")

        def starmap(function, iterable):
            for args in iterable:
                yield _call(function, args, None)

        def takewhile(predicate, iterable):
            for x in iterable:
                if not predicate(x):
                    return
                yield x

        def dropwhile(predicate, iterable):
            dropping = True
            for x in iterable:
                if dropping and predicate(x):
                    continue
                dropping = False
                yield x

        def groupby(iterable, key=None):
            group = []
            current = _NO
            for x in iterable:
                k = x
                if key is not None:
                    k = key(x)
                if current is not _NO and k != current:
                    yield (current, iter(group))
                    group = []
                current = k
                group.append(x)
            if current is not _NO:
                yield (current, iter(group))

        class _TeeBuffer:
            def __init__(self, iterable):
                self.it = iter(iterable)
                self.items = []

        class _Tee:
            def __init__(self, buffer):
                self.buffer = buffer
                self.index = 0

            def __iter__(self):
                return self

            def __next__(self):
                if self.index == len(self.buffer.items):
                    self.buffer.items.append(next(self.buffer.it))
                self.index += 1
                return self.buffer.items[self.index - 1]

        def tee(iterable, n=2):
            buffer = _TeeBuffer(iterable)
            return tuple([_Tee(buffer) for i in range(n)])
        """)
}

package enum FunctoolsModule {
    /// `partial(f, *args, **kw)(*more, **morekw)`: a native bound to f, the arguments and the keywords.
    static let partialCall: BuiltinBody = { ts, a throws(PyError) in
        guard a[1].isObject, let fixed = a[1].object as? PyTuple, a[2].isObject, let kw = a[2].object as? PyDict else {
            throw ts.typeError("bad partial")
        }
        var keywords = kw.storage.withLock { $0.entries.compactMap { $0 } }.map { (ts.string($0.key) ?? "", $0.value) }
        for (k, v) in a.keywords {
            keywords.removeAll { $0.0 == k }
            keywords.append((k, v))
        }
        return try ts.call(a[0], fixed.items + (3..<a.count).map { a[$0] }, keywords: keywords)
    }

    /// `lru_cache`/`cache`: a native bound to f and its cache (a dict keyed by the arguments' tuple).
    static let cachedCall: BuiltinBody = { ts, a throws(PyError) in
        guard a[1].isObject, let cache = a[1].object as? PyDict else { throw ts.typeError("bad cache") }
        if !a.keywords.isEmpty { throw ts.error(ts.runtime.classes.notImplementedError, "conclab's Python does not support keyword arguments to a cached function") }
        let args = (2..<a.count).map { a[$0] }
        for v in args { ts.incref(v) }
        let key = ts.newTuple(args)
        defer { ts.decref(key) }
        if let hit = try ts.dictGet(cache, key) { return hit }
        let value = try ts.call(a[0], args)
        try ts.dictSet(cache, key, value)
        return value
    }

    package static let definition = ModuleDefinition("functools", natives: [
        Builtin("partial") { ts, a throws(PyError) in
            guard a.count >= 1 else { throw ts.typeError("type 'partial' takes at least one argument") }
            guard ThreadingModule.callableName(ts, a[0]) != nil || (a[0].isObject && a[0].object.kind == .instance) else {
                throw ts.typeError("the first argument must be callable")
            }
            var fixed: [PyValue] = []
            for i in 1..<a.count {
                ts.incref(a[i])
                fixed.append(a[i])
            }
            let d = PyDict(id: ts.runtime.heap.newID(), owner: ts.ownerForNew)
            let dv = ts.allocate(d)
            for (k, v) in a.keywords { try ts.dictSet(d, ts.runtime.constant(k), v) }
            ts.incref(a[0])
            return ts.newNative(Builtin("partial", partialCall), bound: [a[0], ts.newTuple(fixed), dv])
        },
        Builtin("_cached") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            ts.incref(a[0])
            let cache = ts.allocate(PyDict(id: ts.runtime.heap.newID(), owner: ts.ownerForNew))
            return ts.newNative(Builtin(ThreadingModule.callableName(ts, a[0]) ?? "function", cachedCall), bound: [a[0], cache])
        },
    ], source: """
        _NO = object()

        def reduce(function, iterable, initial=_NO):
            it = iter(iterable)
            if initial is _NO:
                try:
                    value = next(it)
                except StopIteration:
                    raise TypeError("reduce() of empty iterable with no initial value")
            else:
                value = initial
            for x in it:
                value = function(value, x)
            return value

        def cache(function):
            return _cached(function)

        def _lru(function):
            return _cached(function)

        def lru_cache(maxsize=128, typed=False):
            if callable(maxsize) and not isinstance(maxsize, int):
                return _cached(maxsize)
            return _lru

        def wraps(wrapped):
            def _decorate(wrapper):
                wrapper.__name__ = wrapped.__name__
                return wrapper
            return _decorate

        def cmp_to_key(mycmp):
            raise NotImplementedError("conclab's Python does not support functools.cmp_to_key")
        """)
}
