import LabOS
import Synchronization

/// A frame on a thread's frame stack.
struct FrameRecord {
    var code: Unmanaged<CodeObject>
    var pc: Int
    /// Locals start here; the value stack follows them.
    var base: UnsafeMutablePointer<PyValue>
    var sp: UnsafeMutablePointer<PyValue>
    /// Where the caller keeps the callee; the result goes here when the frame returns.
    var resultSlot: UnsafeMutablePointer<PyValue>
    var localCount: Int
    /// The generator this (entry) frame runs, if any.
    var generator: Unmanaged<PyGenerator>?
    /// The class a class body defines (for LOAD_NAME/STORE_NAME).
    var namespace: Unmanaged<PyClass>?
}

/// One OS thread's interpreter state: its value stack and frames, its reference-count mode, its output.
///
/// Confined to the thread that runs snippet code with it; `stop` is the only field other threads touch.
/// The runtime's settings are copied in when the state is made, because they may only change while no
/// snippet thread runs.
final class PyThreadState: @unchecked Sendable {
    static let stackCapacity = 1 << 16
    static let maxFrames = 1000

    let runtime: PyRuntime
    let number: Int
    let name: String
    let mode: RefcountMode
    let gilEnabled: Bool
    /// With the GIL off, freed objects are quarantined (poisoned, kept) until the next heap check.
    let quarantines: Bool
    let cancellation: Cancellation?
    let stop = Atomic<Bool>(false)
    let stack: UnsafeMutablePointer<PyValue>
    let stackLimit: UnsafeMutablePointer<PyValue>
    let frames: UnsafeMutablePointer<FrameRecord>
    let depth: UnsafeMutablePointer<Int>
    let attached: Bool

    var output = ""
    var outputLimitReached = false
    var deferredValues: [PyValue] = []
    var maybeDead: [PyValue] = []
    var holdsGIL = false
    var nestedCalls = 0
    /// Set by `execute` when its entry frame yielded rather than returned.
    var lastExitWasYield = false
    var lastLine = 0

    init(runtime: PyRuntime, name: String, cancellation: Cancellation?, attached: Bool = true, stackCapacity: Int? = nil) {
        let settings = runtime.settings
        self.runtime = runtime
        self.number = runtime.newThreadNumber()
        self.name = name
        self.mode = settings.refcount
        self.gilEnabled = settings.gilEnabled
        self.quarantines = !settings.gilEnabled
        self.cancellation = cancellation
        self.attached = attached
        let size = stackCapacity ?? (attached ? Self.stackCapacity : 64)
        // Left uninitialised (PyValue is a plain word): a frame writes its slots before reading them.
        stack = .allocate(capacity: size)
        stackLimit = stack + size
        frames = .allocate(capacity: attached ? Self.maxFrames + 1 : 4)
        depth = .allocate(capacity: 1)
        depth.initialize(to: 0)
        runtime.heap.threadNames.withLock { $0[number] = name }
        if attached { runtime.attach(number: number, name: name) }
    }

    deinit {
        stack.deallocate()
        frames.deallocate()
        depth.deallocate()
    }

    /// Must be called when the thread is done with snippet code (releases the GIL if held, hands deferred work on).
    func finish() {
        if holdsGIL { dropGIL() }
        if attached { runtime.detach(self) }
    }

    func takeDeferred() -> (values: [PyValue], maybeDead: [PyValue]) {
        defer { deferredValues = []; maybeDead = [] }
        return (deferredValues, maybeDead)
    }

    /// A biased count a non-owner drove to zero or below: decided at the next safe point.
    @inline(never) func deferMerge(_ o: PyObject) {
        // A shared object a non-owner reads in a loop reaches zero on every read: queue it once, not each time.
        if o.mergeQueued.load(ordering: .relaxed) || o.mergeQueued.exchange(true, ordering: .relaxed) { return }
        maybeDead.append(.object(Unmanaged.passUnretained(o)))
    }

    var currentLineText: String { lastLine > 0 ? " at line \(lastLine)" : "" }

    // MARK: the GIL

    func takeGIL() {
        guard gilEnabled, !holdsGIL else { return }
        runtime.gil.take(number, name: name)
        holdsGIL = true
    }

    func dropGIL() {
        guard gilEnabled, holdsGIL else { return }
        runtime.gil.drop(number)
        holdsGIL = false
    }

    /// The eval loop saw the drop request.
    func yieldGIL() {
        guard gilEnabled, holdsGIL else { return }
        runtime.gil.yield(number, name: name)
    }

    /// Runs `body` without the GIL (blocking calls: sleep, hashing, waiting for a lock). `body` must not touch
    /// snippet objects.
    func withoutGIL<R>(_ body: () throws(PyError) -> R) throws(PyError) -> R {
        let had = holdsGIL
        if had { dropGIL() }
        defer { if had { takeGIL() } }
        return try body()
    }

    // MARK: stopping

    var shouldStop: Bool { stop.load(ordering: .relaxed) || (cancellation?.isCancelled ?? false) }

    /// Checked every so many instructions: a stop request becomes a KeyboardInterrupt inside the snippet.
    /// A request (`thread cancel`, `close`) is delivered once, as CPython delivers an asynchronous exception: the
    /// snippet's own code may catch it and go on, which is why a thread can only be asked to stop. Ctrl-C of the
    /// running command (`cancellation`) raises at every check until the snippet has ended.
    func periodicCheck() throws(PyError) {
        if stop.load(ordering: .relaxed) && stop.exchange(false, ordering: .relaxed) {
            throw error(runtime.classes.keyboardInterrupt, "stopped")
        }
        if cancellation?.isCancelled ?? false { throw error(runtime.classes.keyboardInterrupt, "stopped") }
    }

    // MARK: output

    static let outputLimit = 1 << 20

    func write(_ text: String) {
        guard !outputLimitReached else { return }
        if output.utf8.count + text.utf8.count > Self.outputLimit {
            output += "\n[output truncated at 1 MiB]\n"
            outputLimitReached = true
            return
        }
        output += text
    }

    // MARK: errors

    func error(_ type: PyClass, _ message: String) -> PyError { PyError(type: type, message: message) }
    func typeError(_ message: String) -> PyError { error(runtime.classes.typeError, message) }
    func valueError(_ message: String) -> PyError { error(runtime.classes.valueError, message) }

    // MARK: allocation

    var ownerForNew: Int { mode == .biased ? number : 0 }

    func allocate(_ o: PyObject) -> PyValue { runtime.heap.allocate(o) }

    func checkQuarantine() throws(PyError) {
        if quarantines && runtime.heap.quarantineCount.load(ordering: .relaxed) > PyHeap.quarantineLimit {
            throw error(runtime.classes.memoryError,
                        "the checked heap holds \(PyHeap.quarantineLimit) freed objects: with the GIL off, freed memory is only recycled between runs")
        }
    }

    func newList(_ items: [PyValue]) -> PyValue {
        allocate(PyList(items, id: runtime.heap.newID(), owner: ownerForNew))
    }

    func newTuple(_ items: [PyValue]) -> PyValue {
        allocate(PyTuple(items, id: runtime.heap.newID(), immortal: false, owner: ownerForNew))
    }

    func newString(_ text: String) -> PyValue {
        allocate(PyStr(text, id: runtime.heap.newID(), immortal: false, owner: ownerForNew))
    }

    /// A new reference to a copy-free value (ints, None, bools, built-ins) or a fresh string.
    func newValue(_ text: String) -> PyValue { newString(text) }

    // MARK: the stack for nested calls

    /// Where a frame started from Swift (a call from a built-in, a generator resumption) may put its locals.
    var freeStackStart: UnsafeMutablePointer<PyValue> {
        let d = depth.pointee
        if d == 0 { return stack }
        let top = frames[d - 1]
        return top.base + top.localCount + top.code._withUnsafeGuaranteedRef { $0.maxStack }
    }
}
