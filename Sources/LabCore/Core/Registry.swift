/// An unknown command word, with a suggestion when one is close.
public struct UnknownCommand: Error, Sendable, CustomStringConvertible {
    public var word: String
    public var noun: String?
    public var suggestion: String?

    public var description: String {
        var text = noun.map { "Unknown \($0) verb '\(word)'." } ?? "Unknown command '\(word)'."
        if let suggestion { text += " Did you mean '\(suggestion)'?" }
        else { text += noun.map { " Run 'help \($0)' to see its verbs." } ?? " Run 'help' to see the commands." }
        return text
    }
}

/// The table of commands: dispatch by name, generated help, and completion data.
public struct Registry: Sendable {
    public let commands: [any Command]

    public init(_ commands: [any Command]) { self.commands = commands }

    public func find(_ word: String, in list: [any Command]? = nil) -> (any Command)? {
        (list ?? commands).first { $0.matches(word) }
    }

    package func objectKinds(of command: any Command) -> [ObjectKindInfo] {
        command.objectKinds + command.verbs.flatMap { objectKinds(of: $0) }
    }

    /// Finds the command a line names: `proc kill p1` → (kill, ["proc", "kill"], [p1]).
    public func resolve(_ words: [Word]) throws -> (any Command, [String], [Word]) {
        guard let first = words.first else { throw UsageError("empty command") }
        guard var command = find(first.text) else {
            throw UnknownCommand(word: first.text, suggestion: Suggest.closest(to: first.text, in: allNames(commands)))
        }
        var path = [command.spec.name]
        var rest = Array(words.dropFirst())
        while !command.verbs.isEmpty {
            let noun = command
            let defaultVerb = noun.defaultVerb.flatMap { find($0, in: noun.verbs) }
            let suggestion = rest.first.flatMap { Suggest.closest(to: $0.text, in: allNames(noun.verbs)) }
            if let next = rest.first, let verb = find(next.text, in: noun.verbs) {
                command = verb
                rest.removeFirst()
            } else if let verb = defaultVerb,
                      rest.isEmpty || rest[0].text.hasPrefix("-") || (!verb.spec.arguments.isEmpty && suggestion == nil) {
                // `lab` alone, or `lab --json`, or an argument of the default verb.
                command = verb
            } else if let next = rest.first {
                throw UnknownCommand(word: next.text, noun: noun.spec.name, suggestion: suggestion.map { "\(noun.spec.name) \($0)" })
            } else {
                throw UsageError("\(noun.spec.name) needs a verb: \(noun.verbs.map(\.spec.name).joined(separator: ", "))",
                                 usage: usageLines(for: noun, path: path))
            }
            path.append(command.spec.name)
        }
        return (command, path, rest)
    }

    package func allNames(_ list: [any Command]) -> [String] {
        list.flatMap { [$0.spec.name] + $0.spec.aliases }
    }

    /// What Tab offers for a command word starting with `partial`: the commands' own names, and their aliases only
    /// when no own name fits (`th` completes to `thread` rather than offering `th  thread`; `pyt` finds `python`).
    package func completionNames(_ list: [any Command], partial: String) -> [String] {
        let names = list.map(\.spec.name)
        return !partial.isEmpty && names.contains { $0.hasPrefix(partial) } ? names : allNames(list)
    }

    /// `usage: proc kill P [SIGNAL]` (and every verb's usage for a noun).
    public func usageLines(for command: any Command, path: [String]) -> String {
        let prefix = path.dropLast().joined(separator: " ")
        if command.verbs.isEmpty { return "usage: " + command.spec.usage(prefix: prefix) }
        let full = path.joined(separator: " ")
        return command.verbs.map { "usage: " + $0.spec.usage(prefix: full) }.joined(separator: "\n")
    }
}

extension Registry {
    /// Kinds of objects every session knows, with their caps, even before a topic that makes them registers
    /// (a topic's command declares its own kinds through `Command.objectKinds`).
    public static let baseKinds = [
        ObjectKindInfo(kind: .thread, prefix: "t", listCommand: "thread", limitName: "threads", defaultLimit: 256),
        ObjectKindInfo(kind: .process, prefix: "p", plural: "processes", listCommand: "proc", limitName: "processes", defaultLimit: 64),
    ]
}
