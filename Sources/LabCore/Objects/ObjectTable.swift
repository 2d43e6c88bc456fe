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
public final class ObjectTable: Sendable {
    private struct Entry {
        var handle: String
        var object: any LabObject
    }

    private struct State {
        var entries: [Entry] = []
        /// Every handle in `entries`, and how many live objects each kind has: kept beside the list so that adding
        /// the 20,000th descriptor costs what adding the first did (a scan of the list made it quadratic).
        var taken: Set<String> = []
        var liveByKind: [ObjectKind: Int] = [:]
        var counters: [String: Int] = [:]
        var kinds: [ObjectKind: ObjectKindInfo] = [:]
        var limits: [String: Int] = [:]
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
        try state.withLock { s in
            guard let info = s.kinds[kind], let name = info.limitName, let limit = s.limits[name] else { return }
            let live = s.liveByKind[kind, default: 0]
            if live + count > limit {
                throw CommandError("too many \(info.plural): \(live) live, limit \(limit). Close some, or raise it with 'set limit \(name) N'.")
            }
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
                var n = s.counters[prefix, default: 0]
                var candidate: String
                repeat {
                    n += 1
                    candidate = prefix + String(n)
                } while s.taken.contains(candidate)
                s.counters[prefix] = n
                handle = candidate
            }
            s.entries.append(Entry(handle: handle, object: object))
            s.taken.insert(handle)
            s.liveByKind[object.kind, default: 0] += 1
            return handle
        }
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
        let (found, info) = state.withLock { s in (s.entries.first(where: { $0.handle == handle })?.object, kind.flatMap { s.kinds[$0] }) }
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
        state.withLock { s in s.entries.first(where: { $0.object === object })?.handle }
    }

    public func handles(kind: ObjectKind? = nil) -> [String] {
        state.withLock { s in s.entries.filter { kind == nil || $0.object.kind == kind }.map(\.handle) }
    }

    public func all(kind: ObjectKind? = nil) -> [(handle: String, object: any LabObject)] {
        state.withLock { s in s.entries.filter { kind == nil || $0.object.kind == kind }.map { ($0.handle, $0.object) } }
    }

    /// Forgets `handle` (after the object was closed).
    public func remove(_ handle: String) {
        state.withLock { s in
            // From the end: closeAll ends the newest first, so each one is found at once.
            guard s.taken.remove(handle) != nil, let index = s.entries.lastIndex(where: { $0.handle == handle }) else { return }
            s.liveByKind[s.entries[index].object.kind, default: 1] -= 1
            s.entries.remove(at: index)
        }
    }

    /// Closes and forgets one object.
    public func close(_ handle: String) throws -> any LabObject {
        let object = try lookup(handle)
        try object.close()
        remove(handle)
        return object
    }

    /// Ends everything, newest first; returns what could not be ended.
    public func closeAll() -> [(String, String)] {
        var failures: [(String, String)] = []
        for (handle, object) in all().reversed() {
            do { try object.close() } catch { failures.append((handle, "\(error)")) }
            remove(handle)
        }
        return failures
    }
}

