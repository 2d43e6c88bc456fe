/// The regular expressions of ```output lines (`… (re)`), matched in time proportional to the line's length.
///
/// A lab is someone else's file, and a backtracking engine (Swift's `Regex` is one) can take hours on a short
/// pattern: `^(a+)+$` against thirty a's and a b tries every way of splitting the a's. Here the pattern becomes a
/// Thompson automaton and the line is run through every state at once (each state at most once per character),
/// so the cost is the line's length times the pattern's size, whatever the pattern. The size is capped, and a
/// caller may pass a budget of steps on top.
///
/// The grammar (what labs need from the usual syntax, nothing that needs backtracking):
///
/// ```text
/// pattern     = branch ('|' branch)*
/// branch      = piece*
/// piece       = atom quantifier?          quantifier = ('*' | '+' | '?' | '{n}' | '{n,}' | '{n,m}') '?'?
/// atom        = char | '.' | '^' | '$' | '\b' | '\B' | escape | class | '(' pattern ')' | '(?:' pattern ')'
///               | '(?<name>' pattern ')'
/// escape      = '\d' '\D' '\w' '\W' '\s' '\S' '\t' '\n' '\r' | '\' punctuation
/// class       = '[' '^'? (item | item '-' item)+ ']'
/// ```
///
/// Backreferences and lookaround are refused when the lab is parsed; a search may match anywhere in the line.
package struct LinePattern: Sendable {
    /// At most this many instructions: `a{1000}{1000}` would be a million.
    package static let maxProgramSize = 4_000
    /// At most this count in `{n,m}`.
    package static let maxRepeat = 1_000

    private let program: [Instruction]

    package init(_ pattern: String) throws(LinePatternError) {
        var parser = Parser(Array(pattern.unicodeScalars))
        let node = try parser.parse()
        var compiler = Compiler()
        try compiler.emit(node)
        compiler.program.append(.match)
        program = compiler.program
    }

    /// Whether the pattern matches somewhere in `line`.
    package func matches(_ line: String) -> Bool {
        var budget = Int.max
        return matches(line, budget: &budget) ?? false
    }

    /// Whether the pattern matches somewhere in `line`; nil when `budget` (states visited) ran out first.
    package func matches(_ line: String, budget: inout Int) -> Bool? {
        let text = Array(line.unicodeScalars)
        var current = StateSet(capacity: program.count)
        var next = StateSet(capacity: program.count)
        var stack: [Int] = []
        for position in 0...text.count {
            // A search: a new attempt starts at every position.
            if add(0, at: position, in: text, to: &current, stack: &stack, budget: &budget) { return true }
            if budget < 0 { return nil }
            guard position < text.count else { break }
            let scalar = text[position]
            next.clear()
            for pc in current.members {
                budget -= 1
                let advances: Bool
                switch program[pc] {
                case .scalar(let s): advances = s == scalar
                case .any: advances = scalar != "\n"
                case .set(let set): advances = set.contains(scalar)
                default: advances = false
                }
                if advances && add(pc + 1, at: position + 1, in: text, to: &next, stack: &stack, budget: &budget) { return true }
            }
            if budget < 0 { return nil }
            swap(&current, &next)
        }
        return false
    }

    /// Follows the jumps, splits and assertions from `pc` at `position`, adding the states that read a character.
    /// True when the match state is reached.
    private func add(_ start: Int, at position: Int, in text: [Unicode.Scalar], to set: inout StateSet,
                     stack: inout [Int], budget: inout Int) -> Bool {
        stack.removeAll(keepingCapacity: true)
        stack.append(start)
        while let pc = stack.popLast() {
            guard set.insert(pc) else { continue }
            budget -= 1
            switch program[pc] {
            case .match: return true
            case .jump(let target): stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .lineStart: if position == 0 { stack.append(pc + 1) }
            case .lineEnd: if position == text.count { stack.append(pc + 1) }
            case .wordBoundary(let wanted):
                let before = position > 0 && CharacterClass.isWord(text[position - 1])
                let after = position < text.count && CharacterClass.isWord(text[position])
                if (before != after) == wanted { stack.append(pc + 1) }
            case .scalar, .any, .set: break
            }
        }
        return false
    }
}

/// A pattern the matcher will not take, with the reason.
package struct LinePatternError: Error, Sendable, Equatable, CustomStringConvertible {
    package var reason: String
    package var description: String { reason }
}

private enum Instruction: Sendable {
    case scalar(Unicode.Scalar)
    case any
    case set(CharacterClass)
    case split(Int, Int)
    case jump(Int)
    case lineStart, lineEnd
    case wordBoundary(Bool)
    case match
}

/// Program counters seen at one position: each state is added once, which is what keeps the run linear.
private struct StateSet {
    private var seen: [Bool]
    private(set) var members: [Int] = []
    init(capacity: Int) { seen = [Bool](repeating: false, count: capacity) }
    mutating func insert(_ pc: Int) -> Bool {
        if seen[pc] { return false }
        seen[pc] = true
        members.append(pc)
        return true
    }
    mutating func clear() {
        for pc in members { seen[pc] = false }
        members.removeAll(keepingCapacity: true)
    }
}

private struct CharacterClass: Sendable {
    enum Item: Sendable {
        case range(UInt32, UInt32)
        case digit(Bool), word(Bool), space(Bool)
    }
    var items: [Item] = []
    var negated = false

    static func isDigit(_ s: Unicode.Scalar) -> Bool { s.properties.numericType == .decimal }
    static func isWord(_ s: Unicode.Scalar) -> Bool { s == "_" || s.properties.isAlphabetic || isDigit(s) }
    static func isSpace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace }

    func contains(_ s: Unicode.Scalar) -> Bool {
        let found = items.contains { item in
            switch item {
            case .range(let low, let high): return (low...high).contains(s.value)
            case .digit(let yes): return Self.isDigit(s) == yes
            case .word(let yes): return Self.isWord(s) == yes
            case .space(let yes): return Self.isSpace(s) == yes
            }
        }
        return found != negated
    }
}

private indirect enum Node {
    case empty
    case scalar(Unicode.Scalar)
    case any
    case set(CharacterClass)
    case lineStart, lineEnd
    case wordBoundary(Bool)
    case sequence([Node])
    case alternatives([Node])
    case repeated(Node, min: Int, max: Int?)
}

private struct Parser {
    let text: [Unicode.Scalar]
    var index = 0
    var depth = 0

    init(_ text: [Unicode.Scalar]) { self.text = text }

    func fail(_ reason: String) -> LinePatternError { LinePatternError(reason: reason) }

    var atEnd: Bool { index >= text.count }
    var peek: Unicode.Scalar? { atEnd ? nil : text[index] }

    mutating func parse() throws(LinePatternError) -> Node {
        let node = try alternatives()
        if !atEnd { throw fail("unbalanced ')'") }
        return node
    }

    mutating func alternatives() throws(LinePatternError) -> Node {
        depth += 1
        defer { depth -= 1 }
        if depth > 100 { throw fail("groups nested more than 100 deep") }
        var branches = [try sequence()]
        while peek == "|" {
            index += 1
            branches.append(try sequence())
        }
        return branches.count == 1 ? branches[0] : .alternatives(branches)
    }

    mutating func sequence() throws(LinePatternError) -> Node {
        var pieces: [Node] = []
        while let c = peek, c != "|", c != ")" {
            let atom = try self.atom()
            pieces.append(try quantified(atom))
        }
        return pieces.count == 1 ? pieces[0] : .sequence(pieces)
    }

    mutating func quantified(_ atom: Node) throws(LinePatternError) -> Node {
        guard let c = peek else { return atom }
        var bounds: (Int, Int?)
        switch c {
        case "*": bounds = (0, nil); index += 1
        case "+": bounds = (1, nil); index += 1
        case "?": bounds = (0, 1); index += 1
        case "{":
            guard let counted = try counts() else { return atom }
            bounds = counted
        default: return atom
        }
        switch atom {
        case .lineStart, .lineEnd, .wordBoundary, .empty: throw fail("nothing to repeat before '\(c)'")
        default: break
        }
        // Lazy or greedy makes no difference to whether a line matches.
        if peek == "?" { index += 1 }
        if let next = peek, next == "*" || next == "+" || next == "?" || next == "{" {
            throw fail(next == "+" ? "possessive quantifiers are not supported" : "a quantifier cannot follow another")
        }
        return .repeated(atom, min: bounds.0, max: bounds.1)
    }

    /// `{n}`, `{n,}`, `{n,m}`; nil (and nothing consumed) when the brace is a plain character.
    mutating func counts() throws(LinePatternError) -> (Int, Int?)? {
        var i = index + 1
        func number() -> Int? {
            var value = 0
            var any = false
            while i < text.count, let digit = Int(String(text[i])), text[i].isASCII {
                value = min(value * 10 + digit, 1_000_000)
                any = true
                i += 1
            }
            return any ? value : nil
        }
        guard let low = number() else { return nil }
        var high: Int? = low
        if i < text.count && text[i] == "," {
            i += 1
            high = number()
        }
        guard i < text.count && text[i] == "}" else { return nil }
        index = i + 1
        if low > LinePattern.maxRepeat || (high ?? 0) > LinePattern.maxRepeat {
            throw fail("a count in {…} is at most \(LinePattern.maxRepeat)")
        }
        if let high, high < low { throw fail("{\(low),\(high)}: the larger count comes second") }
        return (low, high)
    }

    mutating func atom() throws(LinePatternError) -> Node {
        let c = text[index]
        index += 1
        switch c {
        case ".": return .any
        case "^": return .lineStart
        case "$": return .lineEnd
        case "[": return .set(try characterClass())
        case "*", "+", "?": throw fail("nothing to repeat before '\(c)'")
        case "(":
            if peek == "?" {
                let rest = String(String.UnicodeScalarView(text[index...].prefix(3)))
                if rest.hasPrefix("?:") {
                    index += 2
                } else if rest.hasPrefix("?<") && !rest.hasPrefix("?<=") && !rest.hasPrefix("?<!") {
                    index += 2
                    while let n = peek, n != ">" {
                        guard n == "_" || n.properties.isAlphabetic || CharacterClass.isDigit(n) else { throw fail("bad group name") }
                        index += 1
                    }
                    guard peek == ">" else { throw fail("a group name is not closed with '>'") }
                    index += 1
                } else if rest.hasPrefix("?=") || rest.hasPrefix("?!") || rest.hasPrefix("?<") {
                    throw fail("lookaround ('(?=', '(?!', '(?<=', '(?<!') is not supported")
                } else {
                    throw fail("'(?' options are not supported")
                }
            }
            let inner = try alternatives()
            guard peek == ")" else { throw fail("a '(' is not closed") }
            index += 1
            return inner
        case "\\": return try escape(inClass: false)
        default: return .scalar(c)
        }
    }

    mutating func escape(inClass: Bool) throws(LinePatternError) -> Node {
        guard let c = peek else { throw fail("a '\\' ends the pattern") }
        index += 1
        switch c {
        case "d": return .set(CharacterClass(items: [.digit(true)]))
        case "D": return .set(CharacterClass(items: [.digit(false)]))
        case "w": return .set(CharacterClass(items: [.word(true)]))
        case "W": return .set(CharacterClass(items: [.word(false)]))
        case "s": return .set(CharacterClass(items: [.space(true)]))
        case "S": return .set(CharacterClass(items: [.space(false)]))
        case "t": return .scalar("\t")
        case "n": return .scalar("\n")
        case "r": return .scalar("\r")
        case "b" where !inClass: return .wordBoundary(true)
        case "B" where !inClass: return .wordBoundary(false)
        default:
            if c.isASCII && CharacterClass.isDigit(c) { throw fail("backreferences (\\\(c)) are not supported") }
            if c.isASCII && (c.properties.isAlphabetic) { throw fail("unknown escape '\\\(c)'") }
            return .scalar(c)
        }
    }

    mutating func characterClass() throws(LinePatternError) -> CharacterClass {
        var set = CharacterClass()
        if peek == "^" {
            set.negated = true
            index += 1
        }
        var first = true
        while true {
            guard let c = peek else { throw fail("a '[' is not closed") }
            if c == "]" && !first {
                index += 1
                return set
            }
            first = false
            index += 1
            var low: Unicode.Scalar = c
            if c == "\\" {
                switch try escape(inClass: true) {
                case .scalar(let s): low = s
                case .set(let s):
                    set.items += s.items
                    continue
                default: continue
                }
            } else if c == "[" && peek == ":" {
                throw fail("POSIX classes ([:digit:]) are not supported; use \\d, \\w, \\s")
            }
            if peek == "-", index + 1 < text.count, text[index + 1] != "]" {
                index += 1
                var high = text[index]
                index += 1
                if high == "\\" {
                    guard case .scalar(let s) = try escape(inClass: true) else { throw fail("a range cannot end in a class like \\d") }
                    high = s
                }
                guard low.value <= high.value else { throw fail("range \(low)-\(high) is backwards") }
                set.items.append(.range(low.value, high.value))
            } else {
                set.items.append(.range(low.value, low.value))
            }
        }
    }
}

private struct Compiler {
    var program: [Instruction] = []

    mutating func append(_ instruction: Instruction) throws(LinePatternError) {
        guard program.count < LinePattern.maxProgramSize else {
            throw LinePatternError(reason: "the pattern is too large (more than \(LinePattern.maxProgramSize) states)")
        }
        program.append(instruction)
    }

    mutating func emit(_ node: Node) throws(LinePatternError) {
        switch node {
        case .empty: break
        case .scalar(let s): try append(.scalar(s))
        case .any: try append(.any)
        case .set(let set): try append(.set(set))
        case .lineStart: try append(.lineStart)
        case .lineEnd: try append(.lineEnd)
        case .wordBoundary(let wanted): try append(.wordBoundary(wanted))
        case .sequence(let nodes): for n in nodes { try emit(n) }
        case .alternatives(let branches):
            // split L1, next; L1: branch; jump end; next: split L2, … ; last branch
            var jumps: [Int] = []
            for (i, branch) in branches.enumerated() {
                if i < branches.count - 1 {
                    let split = program.count
                    try append(.split(split + 1, 0))
                    try emit(branch)
                    jumps.append(program.count)
                    try append(.jump(0))
                    program[split] = .split(split + 1, program.count)
                } else {
                    try emit(branch)
                }
            }
            for j in jumps { program[j] = .jump(program.count) }
        case .repeated(let inner, let min, let max):
            for _ in 0..<min { try emit(inner) }
            if let max {
                // Each optional copy may be skipped to the end.
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(program.count)
                    try append(.split(program.count + 1, 0))
                    try emit(inner)
                }
                for s in splits { program[s] = .split(s + 1, program.count) }
            } else {
                // loop: split body, end; body; jump loop
                let loop = program.count
                try append(.split(loop + 1, 0))
                try emit(inner)
                try append(.jump(loop))
                program[loop] = .split(loop + 1, program.count)
            }
        }
    }
}
