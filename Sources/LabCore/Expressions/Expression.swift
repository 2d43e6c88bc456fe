/// The small expression language shared by lab checks, `where` filters and generator combinators:
/// `lost > 0 and time_ms < 500`, `rows.count == 2`, `x * x`, `x % 3 == 0`, `state == "running"`.
/// Python-flavoured: `and or not`, `== != < <= > >=`, `in`, `+ - * / // % **`, `len()`, `abs()`, `min()`, `max()`.
public indirect enum Expression: Sendable, Equatable {
    case literal(Value)
    case name(String)
    case member(Expression, String)
    case index(Expression, Expression)
    case call(String, [Expression])
    case unary(String, Expression)
    case binary(String, Expression, Expression)
    case list([Expression])

    /// Parses `text`; throws an `ExpressionError` naming the column.
    public init(parsing text: String) throws(ExpressionError) {
        var parser = ExpressionParser(text)
        self = try parser.parseAll()
    }

    /// The names the expression reads (for error messages and completion).
    public var names: [String] {
        switch self {
        case .literal: return []
        case .name(let n): return [n]
        case .member(let e, _): return e.names
        case .index(let a, let b), .binary(_, let a, let b): return a.names + b.names
        case .call(_, let args), .list(let args): return args.flatMap(\.names)
        case .unary(_, let e): return e.names
        }
    }
}

/// A mistake in an expression or in evaluating it, with the column (1-based) when known.
public struct ExpressionError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var column: Int?
    /// Set when the error is a name the record does not have: what a guide in another language needs to say the
    /// same thing (`message` is English).
    public var unknownName: UnknownName?
    /// Set for the other errors a check meets on a result of another shape than it expects (a row that is not
    /// there, a field one row lacks, a null compared with a number): the facts, for a guide in another language.
    public var reason: Reason?

    /// What went wrong, as facts; type names are `Value.typeName`s.
    public enum Reason: Equatable, Sendable {
        case indexOutOfRange(index: Int, length: Int)
        case noField(field: String, fields: [String])
        case notARecord(typeName: String, field: String)
        case cannotIndex(container: String, index: String)
        case cannotCompare(left: String, right: String, op: String)
        case cannotApply(op: String, left: String, right: String)
    }

    public struct UnknownName: Equatable, Sendable {
        public var name: String
        /// The closest name the record has, when one is close.
        public var closest: String?
        /// Every name the record has.
        public var known: [String]
    }

    public init(_ message: String, column: Int? = nil, reason: Reason? = nil) {
        self.message = message
        self.column = column
        self.reason = reason
    }

    public var description: String {
        column.map { "\(message) (column \($0))" } ?? message
    }
}

package struct ExpressionParser {
    package enum Token: Equatable {
        case number(Value)
        case string(String)
        case word(String)
        case symbol(String)
        case end
    }

    private var tokens: [(Token, Int)] = []
    private var position = 0
    private var lexError: ExpressionError?
    /// How deep the tree being built is: brackets, calls, `not`, unary minus and each operator of a chain.
    private var depth = 0

    /// The deepest expression a check or a filter may be. Evaluation walks the tree recursively, so a bound here is
    /// what keeps 10,000 parentheses or 50,000 `not`s from overflowing the stack.
    package static let maxDepth = 100

    private mutating func enter(_ levels: Int = 1) throws(ExpressionError) {
        depth += levels
        if depth > Self.maxDepth {
            throw ExpressionError("expression too deeply nested (more than \(Self.maxDepth) levels)", column: column)
        }
    }

    package init(_ text: String) {
        do { tokens = try Self.lex(text) } catch { lexError = error }
    }

    package static func lex(_ text: String) throws(ExpressionError) -> [(Token, Int)] {
        let chars = Array(text.unicodeScalars)
        var out: [(Token, Int)] = []
        var i = 0
        let symbols = ["**", "//", "==", "!=", "<=", ">=", "&&", "||", "+", "-", "*", "/", "%", "<", ">", "(", ")", "[", "]", ",", ".", "!"]
        while i < chars.count {
            let c = chars[i]
            let column = i + 1
            if c == " " || c == "\t" { i += 1; continue }
            if ("0"..."9").contains(c) {
                var j = i
                var isFloat = false
                while j < chars.count {
                    let d = chars[j]
                    if ("0"..."9").contains(d) || d == "_" { j += 1; continue }
                    if d == ".", !isFloat, j + 1 < chars.count, ("0"..."9").contains(chars[j + 1]) { isFloat = true; j += 1; continue }
                    if (d == "e" || d == "E"), j + 1 < chars.count, ("0"..."9").contains(chars[j + 1]) || chars[j + 1] == "-" {
                        isFloat = true; j += 2; continue
                    }
                    break
                }
                let literal = String(String.UnicodeScalarView(chars[i..<j])).replacingUnderscores()
                if isFloat, let d = Double(literal) {
                    out.append((.number(.double(d)), column))
                } else if let n = Int(literal) {
                    out.append((.number(.int(n)), column))
                } else {
                    throw ExpressionError("number \(literal) is too large", column: column)
                }
                i = j
                continue
            }
            if c == "\"" || c == "'" {
                var j = i + 1
                var value = ""
                while j < chars.count, chars[j] != c {
                    if chars[j] == "\\", j + 1 < chars.count {
                        j += 1
                        switch chars[j] {
                        case "n": value += "\n"
                        case "t": value += "\t"
                        default: value.unicodeScalars.append(chars[j])
                        }
                    } else {
                        value.unicodeScalars.append(chars[j])
                    }
                    j += 1
                }
                guard j < chars.count else { throw ExpressionError("unterminated string", column: column) }
                out.append((.string(value), column))
                i = j + 1
                continue
            }
            if c.properties.isAlphabetic || c == "_" {
                var j = i
                while j < chars.count, chars[j].properties.isAlphabetic || chars[j] == "_" || ("0"..."9").contains(chars[j]) { j += 1 }
                out.append((.word(String(String.UnicodeScalarView(chars[i..<j]))), column))
                i = j
                continue
            }
            var matched = false
            for symbol in symbols {
                let s = Array(symbol.unicodeScalars)
                if i + s.count <= chars.count, Array(chars[i..<(i + s.count)]) == s {
                    out.append((.symbol(symbol), column))
                    i += s.count
                    matched = true
                    break
                }
            }
            if !matched {
                if c == "=" { throw ExpressionError("'=' assigns; use '==' to compare", column: column) }
                throw ExpressionError("unexpected character '\(c)'", column: column)
            }
        }
        out.append((.end, chars.count + 1))
        return out
    }

    private var current: Token { tokens[position].0 }
    private var column: Int { tokens[position].1 }

    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private mutating func accept(_ symbol: String) -> Bool {
        if current == .symbol(symbol) || current == .word(symbol) { advance(); return true }
        return false
    }

    private func describe(_ token: Token) -> String {
        switch token {
        case .number(let v): return HumanRenderer(color: false).cell(v)
        case .string(let s): return "\"\(s)\""
        case .word(let w): return "'\(w)'"
        case .symbol(let s): return "'\(s)'"
        case .end: return "end of expression"
        }
    }

    package mutating func parseAll() throws(ExpressionError) -> Expression {
        if let lexError { throw lexError }
        if current == .end { throw ExpressionError("empty expression", column: 1) }
        let e = try parseOr()
        guard current == .end else { throw ExpressionError("unexpected \(describe(current))", column: column) }
        return e
    }

    private mutating func parseOr() throws(ExpressionError) -> Expression {
        try enter()
        defer { depth -= 1 }
        var chain = 0
        defer { depth -= chain }
        var left = try parseAnd()
        while accept("or") || accept("||") { try enter(); chain += 1; left = .binary("or", left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws(ExpressionError) -> Expression {
        var chain = 0
        defer { depth -= chain }
        var left = try parseNot()
        while accept("and") || accept("&&") { try enter(); chain += 1; left = .binary("and", left, try parseNot()) }
        return left
    }

    private mutating func parseNot() throws(ExpressionError) -> Expression {
        if accept("not") || accept("!") {
            try enter()
            defer { depth -= 1 }
            return .unary("not", try parseNot())
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws(ExpressionError) -> Expression {
        var chain = 0
        defer { depth -= chain }
        var left = try parseAdditive()
        while true {
            var op: String?
            for candidate in ["==", "!=", "<=", ">=", "<", ">"] where current == .symbol(candidate) { op = candidate }
            if current == .word("in") { op = "in" }
            if current == .word("not"), position + 1 < tokens.count, tokens[position + 1].0 == .word("in") {
                advance()
                op = "not in"
            }
            guard let found = op else { return left }
            advance()
            try enter()
            chain += 1
            left = .binary(found, left, try parseAdditive())
        }
    }

    private mutating func parseAdditive() throws(ExpressionError) -> Expression {
        var chain = 0
        defer { depth -= chain }
        var left = try parseTerm()
        while true {
            let op: String
            if accept("+") { op = "+" } else if accept("-") { op = "-" } else { return left }
            try enter()
            chain += 1
            left = .binary(op, left, try parseTerm())
        }
    }

    private mutating func parseTerm() throws(ExpressionError) -> Expression {
        var chain = 0
        defer { depth -= chain }
        var left = try parseUnary()
        while true {
            var op: String?
            for candidate in ["*", "//", "/", "%"] where current == .symbol(candidate) { op = candidate }
            guard let found = op else { return left }
            advance()
            try enter()
            chain += 1
            left = .binary(found, left, try parseUnary())
        }
    }

    private mutating func parseUnary() throws(ExpressionError) -> Expression {
        if accept("-") || accept("+") {
            let minus = tokens[position - 1].0 == .symbol("-")
            try enter()
            defer { depth -= 1 }
            let operand = try parseUnary()
            return minus ? .unary("-", operand) : operand
        }
        return try parsePower()
    }

    private mutating func parsePower() throws(ExpressionError) -> Expression {
        let base = try parsePostfix()
        if accept("**") {
            try enter()
            defer { depth -= 1 }
            return .binary("**", base, try parseUnary())
        }
        return base
    }

    private mutating func parsePostfix() throws(ExpressionError) -> Expression {
        var chain = 0
        defer { depth -= chain }
        var e = try parsePrimary()
        while true {
            if current == .symbol(".") || current == .symbol("[") {
                try enter()
                chain += 1
            }
            if accept(".") {
                guard case .word(let field) = current else {
                    throw ExpressionError("expected a field name after '.'", column: column)
                }
                advance()
                e = .member(e, field)
            } else if accept("[") {
                let index = try parseOr()
                guard accept("]") else { throw ExpressionError("expected ']'", column: column) }
                e = .index(e, index)
            } else {
                return e
            }
        }
    }

    private mutating func parsePrimary() throws(ExpressionError) -> Expression {
        let token = current
        let at = column
        switch token {
        case .number(let v): advance(); return .literal(v)
        case .string(let s): advance(); return .literal(.string(s))
        case .word(let w):
            advance()
            switch w {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "null", "None": return .literal(.null)
            case "and", "or", "in": throw ExpressionError("unexpected '\(w)'", column: at)
            default: break
            }
            if accept("(") {
                var args: [Expression] = []
                if !accept(")") {
                    repeat { args.append(try parseOr()) } while accept(",")
                    guard accept(")") else { throw ExpressionError("expected ')'", column: column) }
                }
                guard Evaluator.functions.contains(w) else {
                    throw ExpressionError("unknown function '\(w)' (known: \(Evaluator.functions.sorted().joined(separator: ", ")))", column: at)
                }
                return .call(w, args)
            }
            return .name(w)
        case .symbol("("):
            advance()
            let e = try parseOr()
            guard accept(")") else { throw ExpressionError("expected ')'", column: column) }
            return e
        case .symbol("["):
            advance()
            var items: [Expression] = []
            if !accept("]") {
                repeat { items.append(try parseOr()) } while accept(",")
                guard accept("]") else { throw ExpressionError("expected ']'", column: column) }
            }
            return .list(items)
        default:
            throw ExpressionError("unexpected \(describe(token))", column: at)
        }
    }
}

extension String {
    package func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
