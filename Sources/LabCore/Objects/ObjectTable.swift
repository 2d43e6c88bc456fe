import LabOS
import Synchronization

/// What kind of live object a handle names. Every kind is declared here, once: the name is what `ls` shows
/// and what `show` says; code compares kinds, never their names.
public struct ObjectKind: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    /// Kinds are declared below, one line each (tests may declare their own).
    package init(_ name: String) { self.name = name }
    public var description: String { name }

    public static let thread = ObjectKind("thread")
    public static let process = ObjectKind("process")
    public static let fd = ObjectKind("fd")
    public static let limit = ObjectKind("limit")
    public static let channel = ObjectKind("channel")
    public static let listener = ObjectKind("listener")
    public static let generator = ObjectKind("generator")
    public static let lock = ObjectKind("lock")
    public static let forkserver = ObjectKind("forkserver")
    public static let segment = ObjectKind("segment")
}

/// A live thing the learner made: a thread, a process, a descriptor, a generator…
/// The object table alone names, closes and reaps them.
public protocol LabObject: AnyObject, Sendable {
    /// thread, process, generator …
    var kind: ObjectKind { get }
    /// "running", "exited 0", "exhausted" …
    var state: String { get }
    /// One line for `ls`.
    var summary: String { get }
    /// Everything `show` prints.
    func details() -> Record
    /// Ends the object (kill and reap, join, close). Must not block for long.
    func close() throws
    /// Whether it counts toward its kind's limit: a process that has ended (a zombie kept for `proc wait`) does not.
    var countsTowardLimit: Bool { get }
}

extension LabObject {
    public var countsTowardLimit: Bool { true }
}

/// How handles of a kind are named and capped.
public struct ObjectKindInfo: Sendable {
    public var kind: ObjectKind
    /// `t` for threads → t1, t2 …
    public var prefix: String
    /// The `set limit` key and the default cap, if capped.
    public var limitName: String?
    public var defaultLimit: Int?
    /// "processes"; the kind plus "s" unless given.
    public var plural: String
    /// The noun whose `list` verb shows these ("proc" for processes).
    public var listCommand: String

    public init(kind: ObjectKind, prefix: String, plural: String? = nil, listCommand: String? = nil,
                limitName: String? = nil, defaultLimit: Int? = nil) {
        self.kind = kind
        self.plural = plural ?? kind.name + "s"
        self.listCommand = listCommand ?? kind.name
        self.prefix = prefix
        self.limitName = limitName
        self.defaultLimit = defaultLimit
    }
}

/// The session-wide table of live objects with auto-named or learner-given handles.
///
/// A **scope** (`beginScope`, `endScope`) sets the objects made so far aside: a guided lab runs in one, so it sees
/// only what it makes (its `ls`, its counts, its handles starting again at `p1`), cannot close what the learner
/// made before, and gives it all back when it ends. Set-aside objects stay alive and count against the limits.
public final class ObjectTable: Sendable {
    private struct Entry {
        var handle: String
        var object: any LabObject
        /// The scope the object was made in (0: the session's own); only the current scope's objects are seen.
        var scope: Int
    }

    /// What a scope set aside when it began, to be put back when it ends.
    private struct SetAside {
        var scope: Int
        var taken: Set<String>
        var counters: [String: Int]
    }

    private struct State {
        var entries: [Entry] = []
        /// Every handle of the current scope, and how many live objects each kind has in all scopes: kept beside the
        /// list so that adding the 20,000th descriptor costs what adding the first did (a scan of the list made it
        /// quadratic). Limits count every live object, seen or set aside.
        var taken: Set<String> = []
        var liveByKind: [ObjectKind: Int] = [:]
        var counters: [String: Int] = [:]
        var kinds: [ObjectKind: ObjectKindInfo] = [:]
        var limits: [String: Int] = [:]
        /// One entry per scope begun and not yet ended, outermost first.
        var setAside: [SetAside] = []
        /// The current scope; every scope gets a new number, so nothing left in an ended one is ever seen again.
        var scope = 0
        var lastScope = 0

        /// The entries the current scope sees.
        func visible(kind: ObjectKind? = nil) -> [Entry] {
            entries.filter { $0.scope == scope && (kind == nil || $0.object.kind == kind) }
        }
    }

    private let state = Locked(State())

    public init() {}

    /// Declares a kind (its handle prefix and cap); topics do this when they register.
    public func declare(_ info: ObjectKindInfo) {
        state.withLock { s in
            s.kinds[info.kind] = info
            if let name = info.limitName, let limit = info.defaultLimit, s.limits[name] == nil { s.limits[name] = limit }
        }
    }

    /// The declared kind called `name` (or its plural: `ls processes`).
    public func kind(named name: String) -> ObjectKind? {
        state.withLock { s in s.kinds.values.first { $0.kind.name == name || $0.plural == name }?.kind }
    }

    /// The cap on live objects of `kind`, if it has one.
    public func limit(of kind: ObjectKind) -> Int? {
        state.withLock { s in s.kinds[kind]?.limitName.flatMap { s.limits[$0] } }
    }

    /// The names of the declared kinds, sorted.
    public var kindNames: [String] { state.withLock { s in s.kinds.keys.map(\.name).sorted() } }

    public var limits: [(String, Int)] { state.withLock { s in s.limits.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } } }

    /// The cap a limit starts at (what its kind declared), or nil when no limit has that name.
    public func defaultLimit(_ name: String) -> Int? {
        state.withLock { s in s.kinds.values.first { $0.limitName == name }?.defaultLimit }
    }

    public func setLimit(_ name: String, _ value: Int) throws {
        try state.withLock { s in
            guard s.limits[name] != nil else {
                throw CommandError("no limit named '\(name)'; limits: \(s.limits.keys.sorted().joined(separator: ", "))")
            }
            s.limits[name] = value
        }
    }

    /// Checks the cap before the caller creates an object of `kind` (so nothing is half-done).
    public func checkCapacity(for kind: ObjectKind, adding count: Int = 1) throws {
        let found: (info: ObjectKindInfo, name: String, limit: Int, objects: [any LabObject])? = state.withLock { s in
            guard let info = s.kinds[kind], let name = info.limitName, let limit = s.limits[name] else { return nil }
            return (info, name, limit, s.entries.filter { $0.object.kind == kind }.map(\.object))
        }
        guard let found else { return }
        // Asked outside the table's lock: an object answers under its own.
        let live = found.objects.filter(\.countsTowardLimit).count
        if live + count > found.limit {
            throw CommandError("too many \(found.info.plural): \(live) live, limit \(found.limit). Close some, or raise it with 'set limit \(found.name) N'.")
        }
    }

    /// Adds an object; returns its handle (`name` if given and free, else the next `prefix + n`).
    @discardableResult
    public func add(_ object: any LabObject, name: String? = nil) throws -> String {
        try state.withLock { s in
            let prefix = s.kinds[object.kind]?.prefix ?? "o"
            let handle: String
            if let name {
                try Self.check(name, against: s.taken)
                handle = name
            } else {
                let (candidate, n) = Self.nextFree(prefix, s)
                s.counters[prefix] = n
                handle = candidate
            }
            s.entries.append(Entry(handle: handle, object: object, scope: s.scope))
            s.taken.insert(handle)
            s.liveByKind[object.kind, default: 0] += 1
            return handle
        }
    }

    /// The handle `add` would give a new object of `kind` without a name, for an object that wants to carry its
    /// handle in the OS (a memfd's name) before it is added.
    public func nextHandle(for kind: ObjectKind) -> String {
        state.withLock { s in Self.nextFree(s.kinds[kind]?.prefix ?? "o", s).handle }
    }

    /// The first `prefix + n` past the prefix's counter that no object has, and its n.
    private static func nextFree(_ prefix: String, _ s: State) -> (handle: String, n: Int) {
        var n = s.counters[prefix, default: 0]
        var candidate: String
        repeat {
            n += 1
            candidate = prefix + String(n)
        } while s.taken.contains(candidate)
        return (candidate, n)
    }

    /// Throws unless `name` (when given) can name a new object; call before creating it.
    public func checkName(_ name: String?) throws {
        guard let name else { return }
        try state.withLock { s in try Self.check(name, against: s.taken) }
    }

    /// Whether `handle` names a live object.
    public func contains(handle: String) -> Bool { state.withLock { $0.taken.contains(handle) } }

    private static func check(_ name: String, against taken: Set<String>) throws {
        guard isValidName(name) else {
            throw CommandError("'\(name)' cannot be a name: use a letter, then letters, digits, '-' or '_'")
        }
        guard !taken.contains(name) else {
            throw CommandError("the name '\(name)' is taken; pick another or close \(name) first")
        }
    }

    package static func isValidName(_ name: String) -> Bool {
        guard let first = name.first, first.isLetter, name.count <= 32 else { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    }

    /// The object named `handle`, of `kind` when given; a clear error naming the next step otherwise.
    public func lookup(_ handle: String, kind: ObjectKind? = nil) throws -> any LabObject {
        let (found, info) = state.withLock { s in
            (s.entries.first(where: { $0.handle == handle && $0.scope == s.scope })?.object, kind.flatMap { s.kinds[$0] })
        }
        guard let object = found else {
            let what = kind?.name ?? "object"
            let listing = info.map { "'\($0.listCommand) list'" } ?? "'ls'"
            var message = "No \(what) \(handle). Run \(listing) to see live \(info?.plural ?? "objects")."
            if let guess = Suggest.closest(to: handle, in: handles(kind: kind)) { message += " Did you mean '\(guess)'?" }
            throw CommandError(message)
        }
        if let kind, object.kind != kind {
            throw CommandError("\(handle) is a \(object.kind), not a \(kind)")
        }
        return object
    }

    public func handle(of object: any LabObject) -> String? {
        state.withLock { s in s.entries.first(where: { $0.object === object && $0.scope == s.scope })?.handle }
    }

    /// The handles the current scope sees, oldest first.
    public func handles(kind: ObjectKind? = nil) -> [String] {
        state.withLock { s in s.visible(kind: kind).map(\.handle) }
    }

    /// The objects the current scope sees, oldest first.
    public func all(kind: ObjectKind? = nil) -> [(handle: String, object: any LabObject)] {
        state.withLock { s in s.visible(kind: kind).map { ($0.handle, $0.object) } }
    }

    /// Forgets `handle` of the current scope (after the object was closed).
    public func remove(_ handle: String) {
        state.withLock { s in
            // From the end: closeAll ends the newest first, so each one is found at once.
            guard s.taken.remove(handle) != nil,
                  let index = s.entries.lastIndex(where: { $0.handle == handle && $0.scope == s.scope }) else { return }
            s.liveByKind[s.entries[index].object.kind, default: 1] -= 1
            s.entries.remove(at: index)
        }
    }

    /// Forgets `object`, in whichever scope it is.
    private func forget(_ object: any LabObject) {
        state.withLock { s in
            guard let index = s.entries.lastIndex(where: { $0.object === object }) else { return }
            let entry = s.entries.remove(at: index)
            s.liveByKind[entry.object.kind, default: 1] -= 1
            if entry.scope == s.scope { s.taken.remove(entry.handle) }
        }
    }

    // MARK: Scopes

    /// How many scopes are open (0: none).
    public var scopeDepth: Int { state.withLock { $0.setAside.count } }

    /// Sets every object the current scope sees aside and opens a new, empty scope: its handles start again at
    /// `p1`, `g1` …, and names taken outside it are free inside. Returns the handles set aside, oldest first.
    @discardableResult
    public func beginScope() -> [String] {
        state.withLock { s in
            let aside = s.visible().map(\.handle)
            s.setAside.append(SetAside(scope: s.scope, taken: s.taken, counters: s.counters))
            s.lastScope += 1
            s.scope = s.lastScope
            s.taken = []
            s.counters = [:]
            return aside
        }
    }

    /// Closes everything the current scope made (newest first) and gives back what `beginScope` set aside.
    /// Returns the handles closed and what could not be ended (forgotten all the same: its scope is gone).
    /// Without an open scope, does nothing.
    @discardableResult
    public func endScope() -> (closed: [String], failures: [(String, String)]) {
        guard scopeDepth > 0 else { return ([], []) }
        var closed: [String] = []
        var failures: [(String, String)] = []
        for (handle, object) in all().reversed() {
            do { try object.close() } catch { failures.append((handle, "\(error)")) }
            forget(object)
            closed.append(handle)
        }
        state.withLock { s in
            // Anything added to the scope while it was being closed is never seen again; closeAll ends it with the session.
            guard let outer = s.setAside.popLast() else { return }
            s.scope = outer.scope
            s.taken = outer.taken
            s.counters = outer.counters
        }
        return (closed.reversed(), failures)
    }

    /// Closes and forgets one object.
    public func close(_ handle: String) throws -> any LabObject {
        let object = try lookup(handle)
        try object.close()
        remove(handle)
        return object
    }

    /// Ends everything in every scope, newest first; returns what could not be ended.
    public func closeAll() -> [(String, String)] {
        var failures: [(String, String)] = []
        for entry in state.withLock({ $0.entries }).reversed() {
            do { try entry.object.close() } catch { failures.append((entry.handle, "\(error)")) }
            forget(entry.object)
        }
        return failures
    }
}

