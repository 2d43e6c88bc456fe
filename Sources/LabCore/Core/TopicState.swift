import LabOS

/// Names one piece of session-scoped state and its type: the active lab, the recorder, the interpreter…
///
/// A topic declares its key once, as a static, and reads the state back through it with no cast:
///
///     static let stateKey = TopicKey("record") { State() }
///     session.withState(Recorder.stateKey) { (s: inout State) in s.lines.append(line) }
///
/// Each key gets a slot of its own in each session, behind a lock of its own: code holding one topic's state may
/// use another topic's (the interpreter, made on first use, asks for the timeline recorder). Using the same key
/// again inside its own `withState` deadlocks, as any non-recursive lock does.
///
/// A slot is found by the key's name and its value type together, so two keys can only share state when they
/// agree on both; names are still meant to be unique (a topic's name, then a dot and a word when it has several).
package struct TopicKey<Value: Sendable>: Sendable {
    package let name: String
    /// Makes the state the first time a session asks for it (under the slot's lock, so exactly once).
    package let initial: @Sendable (Session) -> Value

    package init(_ name: String, initial: @escaping @Sendable (Session) -> Value) {
        self.name = name
        self.initial = initial
    }

    package init(_ name: String, initial: @escaping @Sendable () -> Value) {
        self.init(name) { _ in initial() }
    }
}

/// Where a session keeps the state of one `TopicKey`: nil until first used.
final class TopicSlot<Value: Sendable>: AnyTopicSlot {
    private let value = Locked<Value?>(nil)

    func withValue<R>(create: () -> Value, _ body: (inout Value) throws -> R) rethrows -> R {
        try value.withLock { stored in
            // Moved out and back so the body mutates the only copy (no copy-on-write of arrays inside).
            var current = stored.take() ?? create()
            defer { stored = current }
            return try body(&current)
        }
    }
}

/// The slots of one session, whatever their value types.
protocol AnyTopicSlot: AnyObject, Sendable {}

/// A slot's identity: the key's name and value type.
struct TopicSlotID: Hashable, Sendable {
    var name: String
    var type: ObjectIdentifier
}

/// The slots of one session. The table's lock is held only to find or add a slot, never while a topic's state is used.
final class TopicSlots: Sendable {
    private let slots = Locked<[TopicSlotID: any AnyTopicSlot]>([:])

    func slot<Value>(for key: TopicKey<Value>) -> TopicSlot<Value> {
        let id = TopicSlotID(name: key.name, type: ObjectIdentifier(Value.self))
        let slot = slots.withLock { table -> any AnyTopicSlot in
            if let existing = table[id] { return existing }
            let made = TopicSlot<Value>()
            table[id] = made
            return made
        }
        // The slot under `id` was made for this very `Value` (the id holds the type), so this cannot fail.
        return unsafeDowncast(slot, to: TopicSlot<Value>.self)
    }
}

extension Session {
    /// Runs `body` on this session's state for `key` (made from `key.initial` on first use), under that key's lock.
    /// The state lives as long as the session.
    package func withState<Value, R>(_ key: TopicKey<Value>, _ body: (inout Value) throws -> R) rethrows -> R {
        try topicSlots.slot(for: key).withValue(create: { key.initial(self) }, body)
    }

    /// A copy of this session's state for `key`: for state that is itself a shared object (a store, a table, a recorder).
    package func state<Value>(_ key: TopicKey<Value>) -> Value {
        withState(key) { $0 }
    }
}
