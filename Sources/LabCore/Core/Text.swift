extension String {
    package func replacingNewlines() -> String { String(map { $0 == "\n" ? " " : $0 }) }
}
