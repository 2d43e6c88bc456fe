import LabCore

/// `itertools` and `functools`, in Python: every iterator is lazy (a generator, or a class when it needs more, as
/// `chain.from_iterable` and `groupby`), so `islice(count(), 5)` takes five values from an endless source and
/// stops, as CPython's do.
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

        def _chain(iterables):
            for it in iterables:
                for x in it:
                    yield x

        class chain:
            def __init__(self, *iterables):
                self._gen = _chain(iterables)

            def __iter__(self):
                return self

            def __next__(self):
                return next(self._gen)

        def _from_iterable(iterables):
            made = chain()
            made._gen = _chain(iterables)
            return made

        chain.from_iterable = _from_iterable

        def compress(data, selectors):
            for d, s in zip(data, selectors):
                if s:
                    yield d

        def filterfalse(predicate, iterable):
            for x in iterable:
                if not (bool(x) if predicate is None else predicate(x)):
                    yield x

        def pairwise(iterable):
            it = iter(iterable)
            for previous in it:
                for x in it:
                    yield (previous, x)
                    previous = x
                return

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
            if r < 0:
                raise ValueError("r must be non-negative")
            for idx in _combos(0, len(pool), r):
                yield tuple([pool[i] for i in idx])

        def _combos_again(start, n, r):
            if r == 0:
                yield []
                return
            for i in range(start, n):
                for rest in _combos_again(i, n, r - 1):
                    yield [i] + rest

        def combinations_with_replacement(iterable, r):
            pool = tuple(iterable)
            if r < 0:
                raise ValueError("r must be non-negative")
            for idx in _combos_again(0, len(pool), r):
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
            if r < 0:
                raise ValueError("r must be non-negative")
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

        class groupby:
            # As CPython's: a group reads the shared iterator lazily, and moving on to the next group ends it.
            def __init__(self, iterable, key=None):
                self._key = key
                self._it = iter(iterable)
                self._target = _NO
                self._current = _NO
                self._value = None
                self._pending = False
                self._marker = None

            def __iter__(self):
                return self

            def _step(self):
                value = next(self._it)
                self._current = value if self._key is None else self._key(value)
                self._value = value
                self._pending = True

            def __next__(self):
                self._marker = object()
                while True:
                    if self._current is _NO:
                        pass
                    elif self._target is _NO or not (self._current == self._target):
                        break
                    self._step()
                self._target = self._current
                return (self._current, self._group(self._target, self._marker))

            def _group(self, target, marker):
                while self._marker is marker:
                    if not self._pending:
                        try:
                            self._step()
                        except StopIteration:
                            return
                    if not (self._current == target):
                        return
                    self._pending = False
                    yield self._value

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

/// `functools` in Python: `partial` keeps `.func`, `.args` and `.keywords`, and a cached function counts its hits
/// and misses for `cache_info()`, as CPython's do.
package enum FunctoolsModule {
    package static let definition = ModuleDefinition("functools", source: ##"""
        _NO = object()

        def reduce(function, iterable, initial=_NO):
            it = iter(iterable)
            if initial is _NO:
                try:
                    value = next(it)
                except StopIteration:
                    raise TypeError("reduce() of empty iterable with no initial value") from None
            else:
                value = initial
            for x in it:
                value = function(value, x)
            return value

        class partial:
            def __init__(self, func, *args, **keywords):
                if not callable(func):
                    raise TypeError("the first argument must be callable")
                if type(func) is partial:
                    args = func.args + args
                    merged = dict(func.keywords)
                    merged.update(keywords)
                    keywords = merged
                    func = func.func
                self.func = func
                self.args = args
                self.keywords = keywords

            def __call__(self, *args, **keywords):
                if self.keywords:
                    merged = dict(self.keywords)
                    merged.update(keywords)
                    keywords = merged
                return self.func(*self.args, *args, **keywords)

            def __repr__(self):
                parts = [repr(self.func)] + [repr(a) for a in self.args]
                for k in self.keywords:
                    parts.append(k + "=" + repr(self.keywords[k]))
                return "functools.partial(" + ", ".join(parts) + ")"

        _CacheInfo = None

        def _cache_info_type():
            global _CacheInfo
            if _CacheInfo is None:
                import collections
                _CacheInfo = collections.namedtuple("CacheInfo", ["hits", "misses", "maxsize", "currsize"])
            return _CacheInfo

        _KWD_MARK = object()

        class _CachedFunction:
            def __init__(self, function, maxsize, typed=False):
                self.__name__ = function.__name__
                self._function = function
                self._maxsize = maxsize
                self._typed = typed
                self._cache = {}
                self._hits = 0
                self._misses = 0

            def __call__(self, *args, **kwds):
                key = args
                if kwds:
                    key = args + (_KWD_MARK,) + tuple(kwds.items())
                if self._typed:
                    key = key + tuple([type(v) for v in args]) + tuple([type(v) for v in kwds.values()])
                cache = self._cache
                value = cache.get(key, _NO)
                if value is not _NO:
                    self._hits += 1
                    if self._maxsize is not None:
                        del cache[key]
                        cache[key] = value
                    return value
                self._misses += 1
                # A plain call for up to three positional arguments: it runs in the caller's loop (a call with * or **
                # nests one), so a deep recursion through the cache goes as deep as a plain one.
                n = 4 if kwds else len(args)
                if n == 1:
                    value = self._function(args[0])
                elif n == 0:
                    value = self._function()
                elif n == 2:
                    value = self._function(args[0], args[1])
                elif n == 3:
                    value = self._function(args[0], args[1], args[2])
                else:
                    value = self._function(*args, **kwds)
                if self._maxsize is None:
                    cache[key] = value
                elif self._maxsize > 0:
                    if key in cache:
                        del cache[key]
                    cache[key] = value
                    if len(cache) > self._maxsize:
                        del cache[next(iter(cache))]
                return value

            def cache_parameters(self):
                return {"maxsize": self._maxsize, "typed": self._typed}

            def cache_info(self):
                return _cache_info_type()(self._hits, self._misses, self._maxsize, len(self._cache))

            def cache_clear(self):
                self._cache = {}
                self._hits = 0
                self._misses = 0

            def __repr__(self):
                return repr(self._function)

        def lru_cache(maxsize=128, typed=False):
            if callable(maxsize) and not isinstance(maxsize, int):
                return _CachedFunction(maxsize, 128)
            if maxsize is not None:
                if not isinstance(maxsize, int):
                    raise TypeError("Expected first argument to be an integer, a callable, or None")
                if maxsize < 0:
                    maxsize = 0
            def decorating_function(function):
                return _CachedFunction(function, maxsize, typed)
            return decorating_function

        def cache(function):
            return _CachedFunction(function, None)

        def update_wrapper(wrapper, wrapped, assigned=None, updated=None):
            wrapper.__name__ = wrapped.__name__
            wrapper.__doc__ = wrapped.__doc__
            wrapper.__wrapped__ = wrapped
            return wrapper

        def wraps(wrapped, assigned=None, updated=None):
            def _decorate(wrapper):
                return update_wrapper(wrapper, wrapped)
            return _decorate

        def cmp_to_key(mycmp):
            class K:
                def __init__(self, obj):
                    self.obj = obj
                def __lt__(self, other):
                    return mycmp(self.obj, other.obj) < 0
                def __gt__(self, other):
                    return mycmp(self.obj, other.obj) > 0
                def __eq__(self, other):
                    return mycmp(self.obj, other.obj) == 0
                def __le__(self, other):
                    return mycmp(self.obj, other.obj) <= 0
                def __ge__(self, other):
                    return mycmp(self.obj, other.obj) >= 0
            return K

        def _gt_from_lt(self, other):
            r = type(self).__lt__(self, other)
            if r is NotImplemented:
                return r
            return not r and self != other
        def _le_from_lt(self, other):
            r = type(self).__lt__(self, other)
            if r is NotImplemented:
                return r
            return r or self == other
        def _ge_from_lt(self, other):
            r = type(self).__lt__(self, other)
            if r is NotImplemented:
                return r
            return not r
        def _ge_from_le(self, other):
            r = type(self).__le__(self, other)
            if r is NotImplemented:
                return r
            return not r or self == other
        def _lt_from_le(self, other):
            r = type(self).__le__(self, other)
            if r is NotImplemented:
                return r
            return r and self != other
        def _gt_from_le(self, other):
            r = type(self).__le__(self, other)
            if r is NotImplemented:
                return r
            return not r
        def _lt_from_gt(self, other):
            r = type(self).__gt__(self, other)
            if r is NotImplemented:
                return r
            return not r and self != other
        def _ge_from_gt(self, other):
            r = type(self).__gt__(self, other)
            if r is NotImplemented:
                return r
            return r or self == other
        def _le_from_gt(self, other):
            r = type(self).__gt__(self, other)
            if r is NotImplemented:
                return r
            return not r
        def _le_from_ge(self, other):
            r = type(self).__ge__(self, other)
            if r is NotImplemented:
                return r
            return not r or self == other
        def _gt_from_ge(self, other):
            r = type(self).__ge__(self, other)
            if r is NotImplemented:
                return r
            return r and self != other
        def _lt_from_ge(self, other):
            r = type(self).__ge__(self, other)
            if r is NotImplemented:
                return r
            return not r

        _DERIVED = {
            "__lt__": [("__gt__", _gt_from_lt), ("__le__", _le_from_lt), ("__ge__", _ge_from_lt)],
            "__le__": [("__ge__", _ge_from_le), ("__lt__", _lt_from_le), ("__gt__", _gt_from_le)],
            "__gt__": [("__lt__", _lt_from_gt), ("__ge__", _ge_from_gt), ("__le__", _le_from_gt)],
            "__ge__": [("__le__", _le_from_ge), ("__gt__", _gt_from_ge), ("__lt__", _lt_from_ge)],
        }

        def total_ordering(cls):
            roots = [op for op in _DERIVED if getattr(cls, op, None) is not getattr(object, op, None)]
            if not roots:
                raise ValueError("must define at least one ordering operation: < > <= >=")
            root = max(roots)
            for name, function in _DERIVED[root]:
                if name not in roots:
                    function.__name__ = name
                    setattr(cls, name, function)
            return cls
        """##)
}
