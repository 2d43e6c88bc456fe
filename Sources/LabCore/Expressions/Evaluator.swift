/// Evaluates an `Expression` against names supplied by a lookup (a result's fields, a generator's `x`).
public struct Evaluator: Sendable {
    public static let functions: Set<String> = ["len", "abs", "min", "max", "int", "str"]

    private let lookup: @Sendable (String) -> Value?
    private let knownNames: @Sendable () -> [String]

    public init(lookup: @escaping @Sendable (String) -> Value?, knownNames: @escaping @Sendable () -> [String] = { [] }) {
        self.lookup = lookup
        self.knownNames = knownNames
    }

    /// Names are the record's fields.
    public init(record: Record) {
        self.init(lookup: { record[$0] }, knownNames: { record.fields.map(\.0) })
    }

    public func evaluate(_ e: Expression) throws(ExpressionError) -> Value {
        switch e {
        case .literal(let v): return v
        case .name(let n):
            if let v = lookup(n) { return v }
            let known = knownNames()
            var message = "unknown name '\(n)'"
            let guess = Suggest.closest(to: n, in: known)
            if let guess { message += "; did you mean '\(guess)'?" }
            else if !known.isEmpty { message += " (fields: \(known.joined(separator: ", ")))" }
            var error = ExpressionError(message)
            error.unknownName = ExpressionError.UnknownName(name: n, closest: guess, known: known)
            throw error
        case .member(let base, let field):
            return try Self.member(try evaluate(base), field)
        case .index(let base, let index):
            let container = try evaluate(base)
            let i = try evaluate(index)
            switch (container, i) {
            case (.list(let items), .int(let n)):
                let k = n < 0 ? items.count + n : n
                guard items.indices.contains(k) else { throw ExpressionError("index \(n) out of range (length \(items.count))", reason: .indexOutOfRange(index: n, length: items.count)) }
                return items[k]
            case (.record, .string(let key)): return try Self.member(container, key)
            default: throw ExpressionError("cannot index \(container.articledType) with \(i.articledType)", reason: .cannotIndex(container: container.typeName, index: i.typeName))
            }
        case .list(let items):
            var values: [Value] = []
            for item in items { values.append(try evaluate(item)) }
            return .list(values)
        case .call(let name, let args):
            var values: [Value] = []
            for arg in args { values.append(try evaluate(arg)) }
            return try Self.call(name, values)
        case .unary(let op, let operand):
            let v = try evaluate(operand)
            if op == "not" { return .bool(!v.isTruthy) }
            switch v {
            case .int(let i):
                do throws(PyInt.Failure) { return .int(try PyInt.negate(i)) } catch { throw error.expressionError(negating: i) }
            case .double(let d): return .double(-d)
            case .quantity(let d, let u): return .quantity(-d, u)
            default: throw ExpressionError("cannot negate \(v.articledType)")
            }
        case .binary(let op, let l, let r):
            if op == "and" {
                let left = try evaluate(l)
                return left.isTruthy ? try evaluate(r) : left
            }
            if op == "or" {
                let left = try evaluate(l)
                return left.isTruthy ? left : try evaluate(r)
            }
            return try Self.apply(op, try evaluate(l), try evaluate(r))
        }
    }

    /// Evaluates and asks for a truth value (for checks and filters).
    public func isTrue(_ e: Expression) throws(ExpressionError) -> Bool {
        try evaluate(e).isTruthy
    }

    package static func member(_ value: Value, _ field: String) throws(ExpressionError) -> Value {
        switch value {
        case .record(let r):
            if let v = r[field] { return v }
            throw ExpressionError("no field '\(field)' (fields: \(r.fields.map(\.0).joined(separator: ", ")))", reason: .noField(field: field, fields: r.fields.map(\.0)))
        case .list(let items) where field == "count" || field == "length": return .int(items.count)
        case .string(let s) where field == "count" || field == "length": return .int(s.count)
        default: throw ExpressionError("\(value.articledType) has no field '\(field)'", reason: .notARecord(typeName: value.typeName, field: field))
        }
    }

    package static func call(_ name: String, _ args: [Value]) throws(ExpressionError) -> Value {
        func one() throws(ExpressionError) -> Value {
            guard args.count == 1 else { throw ExpressionError("\(name)() takes one argument, got \(args.count)") }
            return args[0]
        }
        switch name {
        case "len":
            switch try one() {
            case .list(let l): return .int(l.count)
            case .string(let s): return .int(s.count)
            case .record(let r): return .int(r.fields.count)
            case let v: throw ExpressionError("len() of \(v.articledType)")
            }
        case "abs":
            switch try one() {
            case .int(let i): return .int(try integer("abs(\(i))") { () throws(PyInt.Failure) in try PyInt.absolute(i) })
            case .double(let d): return .double(abs(d))
            case .quantity(let d, let u): return .quantity(abs(d), u)
            case let v: throw ExpressionError("abs() of \(v.articledType)")
            }
        case "int":
            let v = try one()
            switch v {
            case .int: return v
            case .bool(let b): return .int(b ? 1 : 0)
            case .string(let s): if let i = Int(s) { return .int(i) }
            default: if let d = v.number, d.isFinite, abs(d) < 9e18 { return .int(Int(d)) }
            }
            throw ExpressionError("int() cannot convert \(HumanRenderer(color: false).cell(v))")
        case "str":
            let v = try one()
            if case .string = v { return v }
            return .string(HumanRenderer(color: false).cell(v))
        default:
            let items: [Value]
            if args.count == 1, case .list(let l) = args[0] { items = l } else { items = args }
            guard !items.isEmpty else { throw ExpressionError("\(name)() of nothing") }
            var best = items[0]
            for item in items.dropFirst() {
                let less = try compare("<", item, best)
                if name == "min" ? less : try compare(">", item, best) { best = item }
            }
            return best
        }
    }

    package static func compare(_ op: String, _ a: Value, _ b: Value) throws(ExpressionError) -> Bool {
        guard let comparison = PyInt.Comparison(rawValue: op) else { throw ExpressionError("unknown operator \(op)") }
        // Two ints compare exactly (as Doubles, 2^53 + 1 would equal 2^53).
        if case .int(let x) = a, case .int(let y) = b { return comparison.holds(x, y) }
        if let x = a.number, let y = b.number { return comparison.holds(x, y) }
        if case .string(let x) = a, case .string(let y) = b { return comparison.holds(x, y) }
        throw ExpressionError("cannot compare \(a.articledType) with \(b.articledType) using \(op)", reason: .cannotCompare(left: a.typeName, right: b.typeName, op: op))
    }

    package static func equal(_ a: Value, _ b: Value) -> Bool {
        if case .int(let x) = a, case .int(let y) = b { return x == y }
        if let x = a.number, let y = b.number { return x == y }
        if case .bool(let x) = a, case .bool(let y) = b { return x == y }
        return a == b
    }

    public static func apply(_ op: String, _ a: Value, _ b: Value) throws(ExpressionError) -> Value {
        switch op {
        case "==": return .bool(equal(a, b))
        case "!=": return .bool(!equal(a, b))
        case "<", "<=", ">", ">=": return .bool(try compare(op, a, b))
        case "in", "not in":
            let found: Bool
            switch (a, b) {
            case (.string(let x), .string(let y)): found = y.contains(x)
            case (_, .list(let items)): found = items.contains { equal($0, a) }
            default: throw ExpressionError("'in' needs a string or a list on the right, got \(b.articledType)")
            }
            return .bool(op == "in" ? found : !found)
        default: break
        }
        // Two ints follow Python's integer rules; `/` and a negative exponent give a float, as in Python.
        if case .int(let x) = a, case .int(let y) = b, let operation = PyInt.Operator(rawValue: op),
           operation != .power || y >= 0 {
            return .int(try integer("\(x) \(op) \(y)") { () throws(PyInt.Failure) in try operation.apply(x, y) })
        }
        if op == "+", case .string(let x) = a, case .string(let y) = b { return .string(x + y) }
        guard let x = a.number, let y = b.number else {
            throw ExpressionError("cannot apply \(op) to \(a.articledType) and \(b.articledType)", reason: .cannotApply(op: op, left: a.typeName, right: b.typeName))
        }
        let r: Double
        switch op {
        case "+": r = x + y
        case "-": r = x - y
        case "*": r = x * y
        case "/":
            guard y != 0 else { throw ExpressionError("division by zero") }
            r = x / y
        case "//":
            guard y != 0 else { throw ExpressionError("division by zero") }
            r = (x / y).rounded(.down)
        case "%":
            guard y != 0 else { throw ExpressionError("modulo by zero") }
            let m = x.truncatingRemainder(dividingBy: y)
            r = (m != 0 && (m < 0) != (y < 0)) ? m + y : m
        case "**":
            if x == 0 && y < 0 { throw ExpressionError("0 cannot be raised to a negative power") }
            r = pow(x, y)
            if r.isNaN { throw ExpressionError("** needs a whole-number exponent") }
        default: throw ExpressionError("unknown operator \(op)")
        }
        // A quantity keeps its unit through arithmetic with plain numbers.
        if case .quantity(_, let u) = a { return .quantity(r, u) }
        if case .quantity(_, let u) = b, op != "/" { return .quantity(r, u) }
        return .double(r)
    }

    /// One integer operation of the kernel (`PyInt`); a failure becomes this language's error about
    /// `operation`, the operation as written (`2 ** 63`).
    private static func integer(_ operation: @autoclosure () -> String,
                                _ compute: () throws(PyInt.Failure) -> Int) throws(ExpressionError) -> Int {
        do throws(PyInt.Failure) {
            return try compute()
        } catch {
            throw error.expressionError(operation())
        }
    }
}

extension PyInt.Failure {
    /// What the expression language says; `operation` is what was computed, as written (`2 ** 63`).
    package func expressionError(_ operation: String) -> ExpressionError {
        switch self {
        case .overflow: ExpressionError("integer overflow in \(operation) (conclab integers are 64-bit; Python's are unbounded)")
        case .divisionByZero: ExpressionError("division by zero")
        case .moduloByZero: ExpressionError("modulo by zero")
        case .negativeExponent: ExpressionError("\(operation): a negative exponent gives a float")
        }
    }

    /// The same for `-i`.
    package func expressionError(negating i: Int) -> ExpressionError {
        expressionError(i < 0 ? "-(\(i))" : "-\(i)")
    }
}

/// x to the power y without Foundation, for whole exponents (NaN otherwise), by squaring.
package func pow(_ x: Double, _ y: Double) -> Double {
    guard y == y.rounded(), y.isFinite else { return Double.nan }
    var result = 1.0, base = x, exponent = abs(y)
    while exponent >= 1 {
        if exponent.truncatingRemainder(dividingBy: 2) == 1 { result *= base }
        exponent = (exponent / 2).rounded(.down)
        if exponent >= 1 { base *= base }
        if result.isInfinite || result == 0 { break }
    }
    return y < 0 ? 1 / result : result
}
