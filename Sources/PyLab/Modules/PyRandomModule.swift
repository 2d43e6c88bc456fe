import LabOS
import Synchronization
import LabCore
import BigInt

/// The Mersenne Twister (MT19937) as CPython's `_random` module runs it, so a seed gives python3's numbers.
struct MersenneTwister: Sendable {
    private static let n = 624, m = 397
    private var mt = [UInt32](repeating: 0, count: 624)
    private var index = 625

    /// Seeded from the OS's random source, as CPython seeds an unseeded generator.
    static func fromSystem() -> MersenneTwister {
        var system = SystemRandomNumberGenerator()
        var made = MersenneTwister()
        made.seed((0..<(Self.n / 2)).flatMap { _ -> [UInt32] in
            let w = system.next()
            return [UInt32(truncatingIfNeeded: w), UInt32(truncatingIfNeeded: w >> 32)]
        })
        return made
    }

    /// The reference implementation's default seed: cheap, for a generator about to be seeded.
    init() {
        initGenrand(5489)
    }

    private mutating func initGenrand(_ s: UInt32) {
        mt[0] = s
        for i in 1..<Self.n { mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i) }
        index = Self.n
    }

    /// CPython's `init_by_array`: the seed's 32-bit words, least significant first.
    mutating func seed(_ key: [UInt32]) {
        let key = key.isEmpty ? [0] : key
        initGenrand(19_650_218)
        var i = 1, j = 0
        for _ in 0..<max(Self.n, key.count) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(truncatingIfNeeded: j)
            i += 1
            j += 1
            if i >= Self.n { mt[0] = mt[Self.n - 1]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<(Self.n - 1) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= Self.n { mt[0] = mt[Self.n - 1]; i = 1 }
        }
        mt[0] = 0x8000_0000
    }

    /// A seed (a non-negative integer) as CPython splits it into 32-bit words; 0 is one word.
    static func words(of seed: BigUInt) -> [UInt32] {
        var out: [UInt32] = []
        for w in seed.words { out.append(UInt32(truncatingIfNeeded: w)); out.append(UInt32(truncatingIfNeeded: w >> 32)) }
        while out.count > 1 && out.last == 0 { out.removeLast() }
        return out.isEmpty ? [0] : out
    }

    mutating func next() -> UInt32 {
        if index >= Self.n {
            func mix(_ a: UInt32, _ b: UInt32, _ c: UInt32) -> UInt32 {
                let y = (a & 0x8000_0000) | (b & 0x7FFF_FFFF)
                return c ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_B0DF)
            }
            for k in 0..<(Self.n - Self.m) { mt[k] = mix(mt[k], mt[k + 1], mt[k + Self.m]) }
            for k in (Self.n - Self.m)..<(Self.n - 1) { mt[k] = mix(mt[k], mt[k + 1], mt[k + Self.m - Self.n]) }
            mt[Self.n - 1] = mix(mt[Self.n - 1], mt[0], mt[Self.m - 1])
            index = 0
        }
        var y = mt[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// A float in [0, 1) from 53 random bits, as CPython's `random()`.
    mutating func random() -> Double {
        let a = Double(next() >> 5), b = Double(next() >> 6)
        return (a * 67_108_864 + b) / 9_007_199_254_740_992
    }

    /// `getrandbits(k)` (k > 0): 32-bit words, least significant first, the last one cut to the bits left.
    mutating func bits(_ k: Int) -> BigUInt {
        if k <= 32 { return BigUInt(next() >> (32 - UInt32(k))) }
        var words: [UInt] = []
        var left = k
        var pending: UInt32?
        while left > 0 {
            var r = next()
            if left < 32 { r >>= UInt32(32 - left) }
            left -= 32
            if let low = pending { words.append(UInt(low) | UInt(r) << 32); pending = nil } else { pending = r }
        }
        if let low = pending { words.append(UInt(low)) }
        return BigUInt(words: words)
    }

    /// `_randbelow_with_getrandbits(n)` (n > 0): k = n's bit length, draws of k bits until one is below n.
    mutating func below(_ n: Int) -> Int {
        let k = Int.bitWidth - n.leadingZeroBitCount
        while true {
            let r = k <= 32 ? Int(next() >> (32 - UInt32(k))) : Int(bits(k))
            if r < n { return r }
        }
    }

    var state: [UInt32] { mt }
    var position: Int { index }

    mutating func restore(_ words: [UInt32], position: Int) {
        mt = words
        index = position
    }
}

/// `random`: CPython's generator (`MersenneTwister`) under the algorithms of CPython 3.11's `random.py`, rewritten
/// in the module's Python source, so a seed gives python3's numbers for every function. Each `Random` instance owns
/// one generator, kept in a table by number for the life of the process (the module's functions use one made at
/// import); at most `maxGenerators` of them.
package enum RandomModule {
    static let generators = Mutex<(next: Int, table: [Int: MersenneTwister])>((1, [:]))
    static let maxGenerators = 10_000

    static func with<R>(_ ts: PyThreadState, _ id: PyValue, _ body: (inout MersenneTwister) -> R) throws(PyError) -> R {
        guard let key = ts.asInt(id) else { throw ts.typeError("a generator number") }
        let r: R? = generators.withLock { g in
            guard g.table[key] != nil else { return nil }
            return body(&g.table[key]!)
        }
        guard let r else { throw ts.valueError("no such generator") }
        return r
    }

    package static let definition = ModuleDefinition("random", natives: [
        Builtin("_mt_new") { ts, a throws(PyError) in
            // A generator is never freed (its number is all the instance keeps), so their count is bounded.
            try a.expect(0...0, ts)
            let made = MersenneTwister()
            let number = generators.withLock { g -> Int? in
                guard g.table.count < maxGenerators else { return nil }
                defer { g.next += 1 }
                g.table[g.next] = made
                return g.next
            }
            guard let number else {
                throw ts.error(ts.runtime.classes.notImplementedError,
                               "conclab's Python does not support more than \(maxGenerators) random.Random instances in one run of conclab (each keeps its 2.5 KB state for good); reuse one")
            }
            return .int(number)
        },
        Builtin("_mt_seed") { ts, a throws(PyError) in
            // None: from the OS; else a non-negative int, all its bits used.
            try a.expect(2...2, ts)
            if a[1] == .none {
                let fresh = MersenneTwister.fromSystem()
                try with(ts, a[0]) { $0 = fresh }
                return .none
            }
            guard let n = ts.integerValue(a[1]), n.sign == .plus else { throw ts.typeError("_mt_seed needs an int >= 0") }
            let key = MersenneTwister.words(of: n.magnitude)
            try with(ts, a[0]) { $0.seed(key) }
            return .none
        },
        Builtin("_seed_from_bytes") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            guard let bytes = ts.bytes(a[0]) else { throw ts.typeError("_seed_from_bytes needs bytes") }
            // int.from_bytes(bytes + sha512(bytes).digest()): big-endian, so the last 8 bytes are the lowest word.
            let all = bytes + SHA512.digest(bytes)
            var words: [UInt] = []
            var end = all.count
            while end > 0 {
                let start = max(0, end - 8)
                words.append(all[start..<end].reduce(UInt(0)) { $0 << 8 | UInt($1) })
                end = start
            }
            return ts.newInt(BigInt(BigUInt(words: words)))
        },
        Builtin("_mt_random") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return ts.newFloat(try with(ts, a[0]) { $0.random() })
        },
        Builtin("_mt_getrandbits") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let k = try ts.intArgument(a[1], "getrandbits()")
            if k < 0 { throw ts.valueError("number of bits must be non-negative") }
            if k == 0 { return .int(0) }
            if k > 1 << 20 { throw ts.error(ts.runtime.classes.notImplementedError, "conclab's Python does not support getrandbits() of more than 1048576 bits") }
            return ts.newInt(BigInt(try with(ts, a[0]) { $0.bits(k) }))
        },
        Builtin("_mt_randbelow") { ts, a throws(PyError) in
            // _randbelow_with_getrandbits(n), n > 0; a big n goes through getrandbits as random.py's does.
            try a.expect(2...2, ts)
            if let n = ts.asInt(a[1]) {
                guard n > 0 else { return .int(0) }
                return .int(try with(ts, a[0]) { $0.below(n) })
            }
            guard let n = ts.integerValue(a[1]), n > 0 else { return .int(0) }
            let bits = n.magnitude.bitWidth  // BigUInt's is the bits it needs, as int.bit_length()
            return ts.newInt(try with(ts, a[0]) { g -> BigInt in
                while true {
                    let r = BigInt(g.bits(bits))
                    if r < n { return r }
                }
            })
        },
        Builtin("_mt_getstate") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let (words, position) = try with(ts, a[0]) { ($0.state, $0.position) }
            return ts.newTuple(words.map { .int(Int($0)) } + [.int(position)])
        },
        Builtin("_mt_setstate") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let items = try ts.collect(a[1])
            defer { for v in items { ts.decref(v) } }
            guard items.count == 625 else { throw ts.valueError("state vector is the wrong size") }
            var words: [UInt32] = []
            for v in items.dropLast() {
                guard let w = ts.asInt(v), let word = UInt32(exactly: w) else { throw ts.error(ts.runtime.classes.overflowError, "Python int too large to convert to C unsigned long") }
                words.append(word)
            }
            guard let position = ts.asInt(items[624]), (0...624).contains(position) else { throw ts.valueError("invalid state") }
            try with(ts, a[0]) { $0.restore(words, position: position) }
            return .none
        },
    ], source: source)

    static let source = """
        import math as _math

        TWOPI = 2.0 * _math.pi
        NV_MAGICCONST = 4 * _math.exp(-0.5) / _math.sqrt(2.0)
        LOG4 = _math.log(4.0)
        SG_MAGICCONST = 1.0 + _math.log(4.5)
        BPF = 53
        RECIP_BPF = 2 ** -BPF

        def _as_index(x, what):
            if isinstance(x, int):
                return int(x)
            i = int(x)
            if i != x:
                raise ValueError("non-integer " + what + " for randrange()")
            return i

        def _bisect(a, x, lo, hi):
            while lo < hi:
                mid = (lo + hi) // 2
                if x < a[mid]:
                    hi = mid
                else:
                    lo = mid + 1
            return lo

        def _accumulate(values):
            out = []
            total = None
            for v in values:
                total = v if total is None else total + v
                out.append(total)
            return out

        class Random:
            VERSION = 3

            def __init__(self, x=None):
                self._mt = _mt_new()
                self.seed(x)
                self.gauss_next = None

            def seed(self, a=None, version=2):
                if type(a).__name__ in ("str", "bytes", "bytearray"):
                    # version 2: the bytes and their SHA-512, read as one big-endian int.
                    a = _seed_from_bytes(a.encode() if type(a).__name__ == "str" else bytes(a))
                elif a is None:
                    pass
                elif isinstance(a, int):
                    a = abs(a)
                elif isinstance(a, float):
                    a = hash(a) % 18446744073709551616
                else:
                    raise TypeError("The only supported seed types are: None,\\nint, float, str, bytes, and bytearray.")
                _mt_seed(self._mt, a)
                self.gauss_next = None

            def random(self):
                return _mt_random(self._mt)

            def getrandbits(self, k):
                return _mt_getrandbits(self._mt, k)

            def _randbelow(self, n):
                return _mt_randbelow(self._mt, n)

            def getstate(self):
                return self.VERSION, _mt_getstate(self._mt), self.gauss_next

            def setstate(self, state):
                version = state[0]
                if version == 3:
                    version, internalstate, self.gauss_next = state
                    _mt_setstate(self._mt, internalstate)
                else:
                    raise ValueError("state with version " + str(version) + " passed to Random.setstate() of version 3")

            def randrange(self, start, stop=None, step=1):
                istart = _as_index(start, "arg 1")
                if stop is None:
                    if step != 1:
                        raise TypeError("Missing a non-None stop argument")
                    if istart > 0:
                        return _mt_randbelow(self._mt, istart)
                    raise ValueError("empty range for randrange()")
                istop = _as_index(stop, "stop")
                width = istop - istart
                istep = _as_index(step, "step")
                if istep == 1:
                    if width > 0:
                        return istart + _mt_randbelow(self._mt, width)
                    raise ValueError("empty range for randrange() (" + str(istart) + ", " + str(istop) + ", " + str(width) + ")")
                if istep > 0:
                    n = (width + istep - 1) // istep
                elif istep < 0:
                    n = (width + istep + 1) // istep
                else:
                    raise ValueError("zero step for randrange()")
                if n <= 0:
                    raise ValueError("empty range for randrange()")
                return istart + istep * _mt_randbelow(self._mt, n)

            def randint(self, a, b):
                return self.randrange(a, b + 1)

            def choice(self, seq):
                if not len(seq):
                    raise IndexError("Cannot choose from an empty sequence")
                return seq[_mt_randbelow(self._mt, len(seq))]

            def shuffle(self, x):
                mt = self._mt
                for i in reversed(range(1, len(x))):
                    j = _mt_randbelow(mt, i + 1)
                    x[i], x[j] = x[j], x[i]

            def sample(self, population, k, counts=None):
                if type(population).__name__ in ("set", "frozenset", "dict"):
                    raise TypeError("Population must be a sequence.  For dicts or sets, use sorted(d).")
                n = len(population)
                if counts is not None:
                    cum_counts = _accumulate(counts)
                    if len(cum_counts) != n:
                        raise ValueError("The number of counts does not match the population")
                    total = cum_counts.pop()
                    if not isinstance(total, int):
                        raise TypeError("Counts must be integers")
                    if total <= 0:
                        raise ValueError("Total of counts must be greater than zero")
                    selections = self.sample(range(total), k)
                    return [population[_bisect(cum_counts, s, 0, len(cum_counts))] for s in selections]
                mt = self._mt
                if not 0 <= k <= n:
                    raise ValueError("Sample larger than population or is negative")
                result = [None] * k
                setsize = 21
                if k > 5:
                    setsize += 4 ** _math.ceil(_math.log(k * 3) / LOG4)
                if n <= setsize:
                    pool = list(population)
                    for i in range(k):
                        j = _mt_randbelow(mt, n - i)
                        result[i] = pool[j]
                        pool[j] = pool[n - i - 1]
                else:
                    selected = set()
                    for i in range(k):
                        j = _mt_randbelow(mt, n)
                        while j in selected:
                            j = _mt_randbelow(mt, n)
                        selected.add(j)
                        result[i] = population[j]
                return result

            def choices(self, population, weights=None, cum_weights=None, k=1):
                mt = self._mt
                n = len(population)
                if cum_weights is None:
                    if weights is None:
                        n += 0.0
                        return [population[_math.floor(_mt_random(mt) * n)] for i in range(k)]
                    if isinstance(weights, int):
                        raise TypeError("The number of choices must be a keyword argument: k=" + str(weights))
                    cum_weights = _accumulate(weights)
                elif weights is not None:
                    raise TypeError("Cannot specify both weights and cumulative weights")
                if len(cum_weights) != n:
                    raise ValueError("The number of weights does not match the population")
                total = cum_weights[-1] + 0.0
                if total <= 0.0:
                    raise ValueError("Total of weights must be greater than zero")
                if not _math.isfinite(total):
                    raise ValueError("Total of weights must be finite")
                hi = n - 1
                return [population[_bisect(cum_weights, _mt_random(mt) * total, 0, hi)] for i in range(k)]

            def uniform(self, a, b):
                return a + (b - a) * _mt_random(self._mt)

            def triangular(self, low=0.0, high=1.0, mode=None):
                u = _mt_random(self._mt)
                try:
                    c = 0.5 if mode is None else (mode - low) / (high - low)
                except ZeroDivisionError:
                    return low
                if u > c:
                    u = 1.0 - u
                    c = 1.0 - c
                    low, high = high, low
                return low + (high - low) * _math.sqrt(u * c)

            def gauss(self, mu=0.0, sigma=1.0):
                z = self.gauss_next
                self.gauss_next = None
                if z is None:
                    x2pi = _mt_random(self._mt) * TWOPI
                    g2rad = _math.sqrt(-2.0 * _math.log(1.0 - _mt_random(self._mt)))
                    z = _math.cos(x2pi) * g2rad
                    self.gauss_next = _math.sin(x2pi) * g2rad
                return mu + z * sigma

            def normalvariate(self, mu=0.0, sigma=1.0):
                while True:
                    u1 = _mt_random(self._mt)
                    u2 = 1.0 - _mt_random(self._mt)
                    z = NV_MAGICCONST * (u1 - 0.5) / u2
                    zz = z * z / 4.0
                    if zz <= -_math.log(u2):
                        break
                return mu + z * sigma

            def expovariate(self, lambd):
                return -_math.log(1.0 - _mt_random(self._mt)) / lambd

            def paretovariate(self, alpha):
                u = 1.0 - _mt_random(self._mt)
                return u ** (-1.0 / alpha)

            def lognormvariate(self, mu, sigma):
                return _math.exp(self.normalvariate(mu, sigma))

            def weibullvariate(self, alpha, beta):
                u = 1.0 - _mt_random(self._mt)
                return alpha * (-_math.log(u)) ** (1.0 / beta)

            def randbytes(self, n):
                return _mt_getrandbits(self._mt, n * 8).to_bytes(n, "little")

            def gammavariate(self, *args):
                raise NotImplementedError("conclab's Python does not support random.gammavariate")

            def betavariate(self, *args):
                raise NotImplementedError("conclab's Python does not support random.betavariate")

            def vonmisesvariate(self, *args):
                raise NotImplementedError("conclab's Python does not support random.vonmisesvariate")

        class SystemRandom:
            def __init__(self, *args):
                raise NotImplementedError("conclab's Python does not support random.SystemRandom (os.urandom underneath); use random.Random()")

        _inst = Random()
        seed = _inst.seed
        random = _inst.random
        uniform = _inst.uniform
        triangular = _inst.triangular
        randint = _inst.randint
        choice = _inst.choice
        randrange = _inst.randrange
        sample = _inst.sample
        shuffle = _inst.shuffle
        choices = _inst.choices
        normalvariate = _inst.normalvariate
        gauss = _inst.gauss
        expovariate = _inst.expovariate
        paretovariate = _inst.paretovariate
        lognormvariate = _inst.lognormvariate
        weibullvariate = _inst.weibullvariate
        randbytes = _inst.randbytes
        gammavariate = _inst.gammavariate
        betavariate = _inst.betavariate
        vonmisesvariate = _inst.vonmisesvariate
        getstate = _inst.getstate
        setstate = _inst.setstate
        getrandbits = _inst.getrandbits
        """
}
