extension String {
    package func trimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}

extension String {
    package func replacingNewlines() -> String { String(map { $0 == "\n" ? " " : $0 }) }
}
