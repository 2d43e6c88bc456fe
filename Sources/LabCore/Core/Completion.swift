import LabOS

/// Candidates for the word under the cursor, from the same declarations that drive parsing.
public struct Completion: Sendable, Equatable {
    /// Character offset in the line where the word being completed starts.
    public var start: Int
    /// The word typed so far.
    public var partial: String
    /// Full replacements for the word (a directory ends with "/").
    public var candidates: [String]

    /// The longest prefix all candidates share.
    public var commonPrefix: String {
        guard var prefix = candidates.first else { return partial }
        for c in candidates.dropFirst() {
            while !c.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }

    public init(start: Int, partial: String, candidates: [String]) {
        self.start = start
        self.partial = partial
        self.candidates = candidates
    }
}

extension Session {
    /// Completes the line up to the cursor.
    public func complete(_ beforeCursor: String) -> Completion {
        let words = (try? Tokenizer.split(beforeCursor, allowUnterminated: true)) ?? []
        var stage = Array(words.split(omittingEmptySubsequences: false, whereSeparator: { $0.isPipe }).last ?? [])
        let atBlank = beforeCursor.last.map { $0 == " " || $0 == "\t" } ?? true
        let partial: Word
        if atBlank || stage.isEmpty {
            partial = Word("", start: beforeCursor.count)
        } else {
            partial = stage.removeLast()
        }
        // In a lab, Tab offers the step's whole commands first: the next one alone when it fits what is typed.
        let trimmed = beforeCursor.drop { $0 == " " }
        let lines = completionSources.map { $0.lineSuggestions(in: self) }
        if let next = lines.lazy.compactMap(\.next).first, next.hasPrefix(trimmed), next != String(trimmed) {
            return Completion(start: beforeCursor.count - trimmed.count, partial: String(trimmed), candidates: [next])
        }
        let steps = lines.flatMap(\.all).filter { $0.hasPrefix(trimmed) && $0 != String(trimmed) }
        if !steps.isEmpty {
            return Completion(start: beforeCursor.count - trimmed.count, partial: String(trimmed), candidates: steps.sorted())
        }
        let candidates: [String]
        if words.contains(where: \.isPipe) && stage.isEmpty {
            candidates = ["where"]
        } else {
            candidates = completeWord(partial.text, after: stage.map { $0.text })
        }
        return Completion(start: partial.start, partial: partial.text,
                          candidates: Array(Set(candidates.filter { $0.hasPrefix(partial.text) })).sorted())
    }

    package func completeWord(_ partial: String, after words: [String]) -> [String] {
        guard let first = words.first else { return registry.completionNames(registry.commands, partial: partial) }
        if first == "help" {
            var list = registry.commands
            for w in words.dropFirst() { list = registry.find(w, in: list)?.verbs ?? [] }
            return list.map(\.spec.name)
        }
        guard var command = registry.find(first) else { return [] }
        var index = 1
        while !command.verbs.isEmpty {
            guard index < words.count else {
                var names = command.verbs.map(\.spec.name)
                if let d = command.defaultVerb, let verb = registry.find(d, in: command.verbs) {
                    names += complete(arguments: [], spec: verb.spec, partial: partial)
                }
                return names
            }
            guard let verb = registry.find(words[index], in: command.verbs) else {
                guard let d = command.defaultVerb, let verb = registry.find(d, in: command.verbs) else { return [] }
                command = verb
                break
            }
            command = verb
            index += 1
        }
        return complete(arguments: Array(words[index...]), spec: command.spec, partial: partial)
    }

    private func complete(arguments words: [String], spec: CommandSpec, partial: String) -> [String] {
        var positional = 0
        var i = 0
        var consumedByCommand: [String]?
        while i < words.count {
            let w = words[i]
            let ownFlag = w.hasPrefix("-") && spec.flags.contains { "--" + $0.name == w || $0.short.map { "-\($0)" } == w }
            if !ownFlag, let last = spec.arguments.last, last.kind == .command, positional >= spec.arguments.count - 1 {
                consumedByCommand = Array(words[i...])
                break
            }
            if w.hasPrefix("-"), let flag = spec.flags.first(where: { "--" + $0.name == w || $0.short.map { "-\($0)" } == w }) {
                if flag.value != nil {
                    if i + 1 == words.count { return candidates(for: flag.value!, partial: partial) }
                    i += 1
                }
            } else if !w.hasPrefix("-") {
                positional += 1
            }
            i += 1
        }
        if let inner = consumedByCommand { return completeWord(partial, after: inner) }
        if partial.hasPrefix("-") {
            return spec.flags.map { "--" + $0.name }
        }
        let arg: ArgumentSpec?
        if positional < spec.arguments.count { arg = spec.arguments[positional] }
        else { arg = spec.arguments.last.flatMap { $0.variadic ? $0 : nil } }
        guard let arg else { return [] }
        if arg.kind == .command { return registry.completionNames(registry.commands, partial: partial) }
        return candidates(for: arg.kind, partial: partial)
    }

    private func candidates(for kind: ArgumentKind, partial: String) -> [String] {
        switch kind {
        case .choice(let options): return options
        case .handle(let k): return objects.handles(kind: k)
        case .path: return Self.paths(partial)
        default: return completionSources.lazy.compactMap { $0.candidates(for: kind, in: self) }.first ?? []
        }
    }

    package static func paths(_ partial: String) -> [String] {
        var directory = ""
        if let slash = partial.lastIndex(of: "/") { directory = String(partial[...slash]) }
        var listed = directory
        if listed.hasPrefix("~/") { listed = Files.homeDirectory + listed.dropFirst() }
        let base = listed.isEmpty ? "." : (listed == "/" ? "/" : String(listed.dropLast()))
        return Files.list(base).map { directory + $0 }
    }
}
