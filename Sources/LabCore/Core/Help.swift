/// Help text generated from the declarations: `help`, `help NOUN`, `help NOUN VERB`.
public enum Help {
    /// The overview: every command with its summary (a noun lists its verbs).
    public static func overview(_ registry: Registry) -> String {
        var lines = ["Commands (help NAME for details, Tab completes):"]
        let width = registry.commands.map { $0.spec.name.count }.max() ?? 0
        for command in registry.commands {
            var line = "  " + Format.pad(command.spec.name, width) + "  " + command.spec.summary
            if !command.verbs.isEmpty { line += " [" + command.verbs.map(\.spec.name).joined(separator: " ") + "]" }
            lines.append(line)
        }
        lines.append("A result longer than the screen stops after a screen's worth: 'show --all' prints it whole, 'save FILE' keeps it.")
        lines.append("Quote words with '…' or \"…\"; filter a table with: COMMAND | where EXPR")
        return lines.joined(separator: "\n")
    }

    /// Full help for one command (or a noun and its verbs).
    public static func page(_ command: any Command, path: [String]) -> String {
        let spec = command.spec
        let prefix = path.dropLast().joined(separator: " ")
        var lines = [path.joined(separator: " ") + " — " + spec.summary]
        if !spec.aliases.isEmpty { lines.append("aliases: " + spec.aliases.joined(separator: ", ")) }
        if command.verbs.isEmpty {
            lines.append("usage: " + spec.usage(prefix: prefix))
            let args = spec.arguments.filter { !$0.help.isEmpty }
            if !args.isEmpty {
                lines.append("arguments:")
                let w = args.map { $0.name.count }.max() ?? 0
                for arg in args { lines.append("  " + Format.pad(arg.name, w) + "  " + arg.help) }
            }
            if !spec.flags.isEmpty {
                lines.append("options:")
                let shown = spec.flags.map { f -> (String, String) in
                    var name = (f.short.map { "-\($0), " } ?? "") + "--" + f.name
                    if f.value != nil { name += " " + f.valueName }
                    return (name, f.help)
                }
                let w = shown.map { $0.0.count }.max() ?? 0
                for (name, help) in shown { lines.append("  " + Format.pad(name, w) + "  " + help) }
            }
        } else {
            let full = path.joined(separator: " ")
            lines.append("verbs:")
            let w = command.verbs.map { $0.spec.name.count }.max() ?? 0
            for verb in command.verbs {
                lines.append("  " + Format.pad(verb.spec.name, w) + "  " + verb.spec.summary)
            }
            lines.append("usage:")
            for verb in command.verbs { lines.append("  " + verb.spec.usage(prefix: full)) }
            if let d = command.defaultVerb { lines.append("'\(full)' alone runs '\(full) \(d)'.") }
        }
        if !spec.discussion.isEmpty { lines.append(spec.discussion) }
        lines += fieldLines(spec.fields)
        let examples = spec.examples + (command.verbs.isEmpty ? [] : command.verbs.compactMap(\.spec.examples.first))
        if !examples.isEmpty {
            lines.append(examples.count == 1 ? "example:" : "examples:")
            for e in examples { lines.append("  " + e) }
        }
        return lines.joined(separator: "\n")
    }

    /// The result fields a check can read, with their units: a table's columns as `rows[i].NAME`, and its `count`.
    package static func fieldLines(_ fields: [FieldSpec]) -> [String] {
        guard !fields.isEmpty else { return [] }
        // In the order declared, `count` after the last column (unless a record's own `count` is declared and says it).
        var shown = fields.map { ($0.isColumn ? "rows[i]." + $0.name : $0.name, $0) }
        if let last = fields.lastIndex(where: \.isColumn), !fields.contains(where: { !$0.isColumn && $0.name == "count" }) {
            shown.insert(("count", FieldSpec("count", "the number of rows")), at: last + 1)
        }
        let nameWidth = shown.map { $0.0.count }.max() ?? 0
        let unitWidth = shown.map { $0.1.unit?.rawValue.count ?? 0 }.max() ?? 0
        var lines = ["result fields (for checks and 'where'):"]
        for (name, field) in shown {
            let unit = unitWidth == 0 ? "" : Format.pad(field.unit?.rawValue ?? "", unitWidth) + "  "
            lines.append("  " + Format.pad(name, nameWidth) + "  " + unit + field.meaning)
        }
        return lines
    }

    /// `help WORDS…`: exact or unique-prefix match prints the page; else a search of the help text; else nothing matches.
    public static func lookup(_ words: [String], in registry: Registry) throws -> String {
        var list = registry.commands
        var path: [String] = []
        var current: (any Command)?
        for word in words {
            let exact = list.first { $0.matches(word) }
            let prefixed = list.filter { $0.spec.name.hasPrefix(word) }
            guard let found = exact ?? (prefixed.count == 1 ? prefixed[0] : nil) else {
                if current != nil, let c = current {
                    var message = "\(path.joined(separator: " ")) has no verb '\(word)'; verbs: \(c.verbs.map(\.spec.name).joined(separator: ", "))"
                    if c.verbs.isEmpty { message = "\(path.joined(separator: " ")) has no verbs" }
                    throw CommandError(message)
                }
                return search(words.joined(separator: " "), in: registry)
            }
            current = found
            path.append(found.spec.name)
            list = found.verbs
        }
        guard let command = current else { return overview(registry) }
        return page(command, path: path)
    }

    package static func search(_ text: String, in registry: Registry) -> String {
        var hits: [String] = []
        let needle = text.lowercased()
        func visit(_ command: any Command, _ path: [String]) {
            let spec = command.spec
            let haystack = ([spec.name, spec.summary, spec.discussion] + spec.examples + spec.flags.map { $0.name + " " + $0.help }
                + spec.arguments.map { $0.name + " " + $0.help }).joined(separator: "\n").lowercased()
            if haystack.contains(needle) { hits.append("  " + (path + [spec.name]).joined(separator: " ") + " — " + spec.summary) }
            for verb in command.verbs { visit(verb, path + [spec.name]) }
        }
        for command in registry.commands { visit(command, []) }
        if hits.isEmpty {
            var message = "Nothing matches '\(text)'."
            if let guess = Suggest.closest(to: text, in: registry.allNames(registry.commands)) { message += " Did you mean '\(guess)'?" }
            return message + " Run 'help' for the list of commands."
        }
        return (["No command named '\(text)'; commands that mention it:"] + hits).joined(separator: "\n")
    }
}

