import LabOS
import Synchronization
import LabCore

/// A frame on a thread's frame stack.
package struct FrameRecord {
    package var code: Unmanaged<CodeObject>
    package var pc: Int
    /// Locals start here; the value stack follows them.
    package var base: UnsafeMutablePointer<PyValue>
    package var sp: UnsafeMutablePointer<PyValue>
    /// Where the caller keeps the callee; the result goes here when the frame returns.
    package var resultSlot: UnsafeMutablePointer<PyValue>
    package var localCount: Int
    /// The generator this (entry) frame runs, if any.
    package var generator: Unmanaged<PyGenerator>?
    /// The class a class body defines (for LOAD_NAME/STORE_NAME).
    package var namespace: Unmanaged<PyClass>?
}

/// One OS thread's interpreter state: its value stack and frames, its reference-count mode, its output.
///
/// Confined to the thread that runs snippet code with it; `stop` is the only field other threads touch.
/// The runtime's settings are copied in when the state is made, because they may only change while no
/// snippet thread runs.
package final class PyThreadState: @unchecked Sendable {
    package static let stackCapacity = 1 << 16
    package static let maxFrames = 1000

    package let runtime: PyRuntime
    package let number: Int
    package let name: String
    package let mode: RefcountMode
    package let lockOrder: ObjectLockOrder
    package let gilEnabled: Bool
    /// `gil switch anywhere`: the eval loop also looks at the drop request before stores (CPython 3.9's rule, near enough).
    package let switchesAnywhere: Bool
    /// With the GIL on, an object's contents need no lock of their own on this thread: a thread runs snippet code
    /// only while it holds the GIL, and other code that reads objects takes the GIL too (`globalsRecord`) or runs
    /// with no snippet thread running (safe points, reset). Blocking calls drop the GIL and touch no object
    /// (`withoutGIL`). The fast paths for lists, dicts and instance attributes skip the lock then, as CPython with
    /// its GIL has none: it was a fifth of the n-body bench's time. Without the GIL every access takes the lock.
    package let alone: Bool
    /// With the GIL off, freed objects are quarantined (poisoned, kept) until the next heap check.
    package let quarantines: Bool
    package let cancellation: Cancellation?
    /// A stop request for this thread (`thread cancel`, a team's cancel), linked to `cancellation` so a sleep waits on both.
    package let stop: Cancellation
    package let stack: UnsafeMutablePointer<PyValue>
    package let stackLimit: UnsafeMutablePointer<PyValue>
    package let frames: UnsafeMutablePointer<FrameRecord>
    package let depth: UnsafeMutablePointer<Int>
    package let attached: Bool

    /// What the snippet printed, by stream, while it has no family (see `PyThreadFamily`).
    package var output = ProgramOutput()
    /// The threads this thread and its `threading` threads started, and the output they share (see `PyThreadFamily`).
    package var family: PyThreadFamily?
    package var outputLimitReached = false
    // The state below is touched only by the thread this state belongs to, on every free, call and return: its
    // accesses are not checked for exclusivity at run time (the check was a tenth of a float loop's time).
    @exclusivity(unchecked) package var deferredValues: [PyValue] = []
    /// References of freed objects still to drop, and whether a free is already dropping them (see `free`).
    @exclusivity(unchecked) package var pendingReleases: [PyValue] = []
    @exclusivity(unchecked) package var releasing = false
    /// The exceptions handlers are handling, innermost last (CPython's exc_info stack): a new exception takes the
    /// innermost as its `__context__`.
    @exclusivity(unchecked) package var handling: [HandledException] = []
    @exclusivity(unchecked) package var maybeDead: [PyValue] = []
    @exclusivity(unchecked) package var holdsGIL = false
    @exclusivity(unchecked) package var nestedCalls = 0
    /// Set by `execute` when its entry frame yielded rather than returned.
    @exclusivity(unchecked) package var lastExitWasYield = false
    /// An exception `gen.throw()` or `gen.close()` raises inside the generator when its frame resumes.
    @exclusivity(unchecked) package var pendingThrow: PyError?
    @exclusivity(unchecked) package var lastLine = 0
    /// How deep this thread's frames may go: `sys.setrecursionlimit`'s limit, at most `maxFrames`.
    @exclusivity(unchecked) package var frameLimit: Int
    /// Floats this thread freed with the GIL on (nothing is quarantined then), each still holding the +1 Swift
    /// reference `allocate` took: `newFloat` takes one back instead of a new allocation, as CPython keeps a free list
    /// of floats. A pooled float is poisoned (`freedBy` set) like any freed object until it is reused. A fixed buffer
    /// and a count, not an array: the array's uniqueness checks on every push and pop were a twentieth of a float loop.
    package let floatPool: UnsafeMutablePointer<Unmanaged<PyFloat>>
    @exclusivity(unchecked) package var floatPoolCount = 0
    package static let floatPoolLimit = 64
    /// Objects this thread allocated and freed that the heap's totals do not count yet: added to them when the thread
    /// finishes (`flushCounts`). One shared atomic counter per allocation and per free was two locked instructions on
    /// every float a loop makes and drops (three fifths of `free`'s time in the n-body bench).
    @exclusivity(unchecked) package var allocatedHere = 0
    @exclusivity(unchecked) package var freedHere = 0
    /// The runtime's heap, for its counters on the float paths: reached through `runtime.heap`, each count retained
    /// and released the heap. The runtime keeps it alive.
    package let heapRef: Unmanaged<PyHeap>

    package init(runtime: PyRuntime, name: String, cancellation: Cancellation?, attached: Bool = true, stackCapacity: Int? = nil) {
        let settings = runtime.settings
        self.runtime = runtime
        self.heapRef = Unmanaged.passUnretained(runtime.heap)
        self.number = runtime.newThreadNumber()
        self.name = name
        self.mode = settings.refcount
        self.lockOrder = settings.lockOrder
        self.gilEnabled = settings.gilEnabled
        self.switchesAnywhere = settings.switchRule == .anywhere
        self.quarantines = !settings.gilEnabled
        self.alone = settings.gilEnabled && attached
        self.frameLimit = min(settings.recursionLimit, Self.maxFrames)
        self.cancellation = cancellation
        self.stop = Cancellation(linkedTo: cancellation)
        self.attached = attached
        let size = stackCapacity ?? (attached ? Self.stackCapacity : 64)
        // Left uninitialised (PyValue is a plain word): a frame writes its slots before reading them.
        stack = .allocate(capacity: size)
        stackLimit = stack + size
        frames = .allocate(capacity: attached ? Self.maxFrames + 1 : 4)
        depth = .allocate(capacity: 1)
        depth.initialize(to: 0)
        floatPool = .allocate(capacity: Self.floatPoolLimit)
        runtime.heap.remember(thread: number, name: name)
        if attached { runtime.attach(number: number, name: name) }
    }

    deinit {
        flushCounts()
        for i in 0..<floatPoolCount { floatPool[i].release() }
        floatPool.deallocate()
        stack.deallocate()
        frames.deallocate()
        depth.deallocate()
    }

    /// Must be called when the thread is done with snippet code (releases the GIL if held, hands deferred work on).
    package func finish() {
        flushCounts()
        if holdsGIL { dropGIL() }
        if attached { runtime.detach(self) }
    }

    /// Adds this thread's allocations and frees to the heap's totals.
    package func flushCounts() {
        heapRef._withUnsafeGuaranteedRef { heap in
            if allocatedHere != 0 { heap.allocated.add(allocatedHere, ordering: .relaxed) }
            if freedHere != 0 { heap.freed.add(freedHere, ordering: .relaxed) }
        }
        allocatedHere = 0
        freedHere = 0
    }

    package func takeDeferred() -> (values: [PyValue], maybeDead: [PyValue]) {
        defer { deferredValues = []; maybeDead = [] }
        return (deferredValues, maybeDead)
    }

    /// A biased count a non-owner drove to zero or below: decided at the next safe point.
    @inline(never) package func deferMerge(_ o: PyObject) {
        // A shared object a non-owner reads in a loop reaches zero on every read: queue it once, not each time.
        if o.mergeQueued.load(ordering: .relaxed) || o.mergeQueued.exchange(true, ordering: .relaxed) { return }
        maybeDead.append(.object(Unmanaged.passUnretained(o)))
    }

    /// The error of a call one frame too deep; when `sys.setrecursionlimit` asked for more than conclab allows, it
    /// says that conclab stopped it.
    @inline(never) package func recursionError() -> PyError {
        let asked = runtime.settings.recursionLimit
        guard asked > Self.maxFrames else { return error(runtime.classes.recursionError, "maximum recursion depth exceeded") }
        return error(runtime.classes.recursionError,
                     "maximum recursion depth exceeded (conclab's Python does not support recursion deeper than \(Self.maxFrames) frames; sys.setrecursionlimit(\(asked)) asked for more)")
    }

    package var currentLineText: String { lastLine > 0 ? " at line \(lastLine)" : "" }

    // MARK: the GIL

    package func takeGIL() {
        guard gilEnabled, !holdsGIL else { return }
        runtime.gil.take(number, name: name)
        holdsGIL = true
    }

    package func dropGIL() {
        guard gilEnabled, holdsGIL else { return }
        runtime.gil.drop(number)
        holdsGIL = false
    }

    /// The eval loop saw the drop request. Never inlined: the loop calls it from many places, and each inlined
    /// copy would take registers the loop's hot paths need.
    @inline(never) package func yieldGIL() {
        guard gilEnabled, holdsGIL else { return }
        runtime.gil.yield(number, name: name)
    }

    /// Runs `body` without the GIL (blocking calls: sleep, hashing, waiting for a lock). `body` must not touch
    /// snippet objects.
    package func withoutGIL<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        let had = holdsGIL
        if had { dropGIL() }
        defer { if had { takeGIL() } }
        return try body()
    }

    // MARK: stopping

    package var shouldStop: Bool { stop.isCancelled }

    /// Checked every so many instructions: a stop request becomes a KeyboardInterrupt inside the snippet.
    /// A request (`thread cancel`, `close`) is delivered once, as CPython delivers an asynchronous exception: the
    /// snippet's own code may catch it and go on, which is why a thread can only be asked to stop. Ctrl-C of the
    /// running command (`cancellation`) raises at every check until the snippet has ended.
    package func periodicCheck() throws(PyError) {
        if stop.withdraw() { throw error(runtime.classes.keyboardInterrupt, "stopped") }
        if cancellation?.isCancelled ?? false { throw error(runtime.classes.keyboardInterrupt, "stopped") }
    }

    // MARK: output

    package static let outputLimit = 1 << 20

    /// Writes to the snippet's standard output, or to its standard error when `error`.
    package func write(_ text: String, error: Bool = false) {
        if let family {
            family.write(text, error: error)
            return
        }
        guard !outputLimitReached else { return }
        outputLimitReached = Self.append(text, error: error, to: &output)
    }

    /// Appends to `output` unless it would pass the limit: then a notice, and true (the output is full).
    static func append(_ text: String, error: Bool, to output: inout ProgramOutput) -> Bool {
        if output.byteCount + text.utf8.count > outputLimit {
            output.append("\n[output truncated at 1 MiB]\n", to: .standardOutput)
            return true
        }
        output.append(text, to: error ? .standardError : .standardOutput)
        return false
    }

    // MARK: errors

    package func error(_ type: PyClass, _ message: String) -> PyError { PyError(type: type, message: message) }
    package func typeError(_ message: String) -> PyError { error(runtime.classes.typeError, message) }
    package func valueError(_ message: String) -> PyError { error(runtime.classes.valueError, message) }

    // MARK: allocation

    package var ownerForNew: Int { mode == .biased ? number : 0 }

    package func allocate(_ o: PyObject) -> PyValue {
        allocatedHere &+= 1
        return .object(Unmanaged.passRetained(o))
    }

    package func newList(_ items: [PyValue]) -> PyValue {
        allocate(PyList(items, id: runtime.heap.newID(), owner: ownerForNew))
    }

    package func newTuple(_ items: [PyValue]) -> PyValue {
        allocate(PyTuple(items, id: runtime.heap.newID(), immortal: false, owner: ownerForNew))
    }

    package func newString(_ text: String) -> PyValue {
        allocate(PyStr(text, id: runtime.heap.newID(), immortal: false, owner: ownerForNew))
    }

    /// A new reference to a copy-free value (ints, None, bools, built-ins) or a fresh string.
    package func newValue(_ text: String) -> PyValue { newString(text) }

    // MARK: the stack for nested calls

    /// Where a frame started from Swift (a call from a built-in, a generator resumption) may put its locals.
    @inline(__always) package var freeStackStart: UnsafeMutablePointer<PyValue> {
        let d = depth.pointee
        if d == 0 { return stack }
        let top = frames[d - 1]
        return top.base + top.localCount + top.code._withUnsafeGuaranteedRef { $0.maxStack }
    }
}
