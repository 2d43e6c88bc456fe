extension String {
    package func replacingNewlines() -> String { String(map { $0 == "\n" ? " " : $0 }) }
}

extension String {
    /// The text with every word longer than `limit` characters (more than a clipped source line of a syntax error) shortened to its start and its length, so an error
    /// that quotes what was typed stays one readable line however long the typed word was.
    package func clippingLongWords(to limit: Int = 120) -> String {
        guard count > limit else { return self }
        var out = ""
        var word = ""
        func flush() {
            if word.count > limit { out += word.prefix(limit - 20) + "…(\(word.count) characters)" } else { out += word }
            word = ""
        }
        for ch in self {
            if ch == " " || ch == "\n" || ch == "\t" { flush(); out.append(ch) } else { word.append(ch) }
        }
        flush()
        return out
    }
}
