import LabCore
import PyLab
/// A combinator's expression over one item, the name `x`: `x * x`, `x % 3 == 0`, `x[0] + x[1]`.
///
/// Parsed once when the pipeline is built, evaluated once per item. Integer items take a compiled fast
/// path (a tree of closures over `Int`, every operation overflow-checked) so a pipeline of ten million
/// items runs at machine speed; any other item (a string, a zip pair, a float) goes through the shared
/// `Evaluator`, which gives the same answers more slowly.
package struct ItemExpression: Sendable {
    package let text: String
    package let expression: Expression
    private let fast: FastCode?

    /// Parses `text`; a name other than `x` is refused now, before anything is built.
    package init(_ text: String) throws(ExpressionError) {
        self.text = text
        expression = try Expression(parsing: text)
        if let other = expression.names.first(where: { $0 != "x" }) {
            throw ExpressionError("unknown name '\(other)': a generator expression sees one name, x (the item), as in 'x * x'")
        }
        fast = FastCode.compile(expression)
    }

    /// Whether integer items take the compiled path (for tests and `show`).
    package var isCompiled: Bool { fast != nil }

    package func evaluate(_ item: Value) throws(ExpressionError) -> Value {
        if let fast, case .int(let i) = item {
            let r = try fast.run(i)
            return fast.isBool ? .bool(r != 0) : .int(r)
        }
        return try Evaluator(lookup: { $0 == "x" ? item : nil }, knownNames: { ["x"] }).evaluate(expression)
    }

    /// Python's truth of the value (for `filter`).
    package func test(_ item: Value) throws(ExpressionError) -> Bool {
        if let fast, case .int(let i) = item { return try fast.run(i) != 0 }
        return try evaluate(item).isTruthy
    }
}

/// The compiled form of an expression over an integer `x`. Booleans are 0 and 1 with `isBool` set, so
/// `and`/`or` keep Python's "return an operand" meaning. Only what can be decided without looking at
/// values compiles: an int literal, `x`, unary `-`/`not`, `+ - * // %`, `**` by a literal exponent,
/// comparisons of two ints (or `==`/`!=` of two bools), `and`/`or` of operands of one type.
/// Anything else (`/`, calls, strings, members) stays with the Evaluator.
package struct FastCode: Sendable {
    package let isBool: Bool
    package let run: @Sendable (Int) throws(ExpressionError) -> Int

    /// A leaf or a compiled subtree; leaves are read inline instead of through a closure call.
    private enum Operand: Sendable {
        case x
        case constant(Int)
        case code(@Sendable (Int) throws(ExpressionError) -> Int)

        @inline(__always)
        func value(_ x: Int) throws(ExpressionError) -> Int {
            switch self {
            case .x: return x
            case .constant(let c): return c
            case .code(let f): return try f(x)
            }
        }
    }

    private struct Typed {
        var operand: Operand
        var isBool: Bool
    }

    package static func compile(_ e: Expression) -> FastCode? {
        guard let t = typed(e) else { return nil }
        let operand = t.operand
        switch operand {
        case .x: return FastCode(isBool: t.isBool, run: { $0 })
        case .constant(let c): return FastCode(isBool: t.isBool, run: { _ in c })
        case .code(let f): return FastCode(isBool: t.isBool, run: f)
        }
    }

    private static func typed(_ e: Expression) -> Typed? {
        switch e {
        case .literal(.int(let n)): return Typed(operand: .constant(n), isBool: false)
        case .literal(.bool(let b)): return Typed(operand: .constant(b ? 1 : 0), isBool: true)
        case .name("x"): return Typed(operand: .x, isBool: false)
        case .unary("-", let inner):
            guard let a = typed(inner), !a.isBool else { return nil }
            let o = a.operand
            return Typed(operand: .code({ x throws(ExpressionError) in
                let v = try o.value(x)
                do throws(PyInt.Failure) { return try PyInt.negate(v) } catch { throw error.expressionError(negating: v) }
            }), isBool: false)
        case .unary("not", let inner):
            guard let a = typed(inner) else { return nil }
            let o = a.operand
            return Typed(operand: .code({ x throws(ExpressionError) in try o.value(x) == 0 ? 1 : 0 }), isBool: true)
        case .binary(let op, let l, let r):
            guard let a = typed(l), let b = typed(r) else { return nil }
            return binary(op, a, b, exponent: r)
        default:
            return nil
        }
    }

    private static func binary(_ op: String, _ a: Typed, _ b: Typed, exponent: Expression) -> Typed? {
        let p = a.operand
        let q = b.operand
        if op == "and" || op == "or" {
            guard a.isBool == b.isBool else { return nil }
            let isAnd = op == "and"
            return Typed(operand: .code({ x throws(ExpressionError) in
                let left = try p.value(x)
                return (left != 0) == isAnd ? try q.value(x) : left
            }), isBool: a.isBool)
        }
        if let comparison = PyInt.Comparison(rawValue: op) {
            // Ordering needs two ints; equality, two operands of one type (bools are 0 and 1 here).
            let ordering = comparison != .equal && comparison != .notEqual
            guard ordering ? !a.isBool && !b.isBool : a.isBool == b.isBool else { return nil }
            return Typed(operand: .code({ x throws(ExpressionError) in
                comparison.holds(try p.value(x), try q.value(x)) ? 1 : 0
            }), isBool: true)
        }
        guard !a.isBool && !b.isBool, let operation = PyInt.Operator(rawValue: op) else { return nil }
        // A negative exponent gives a float in Python: only a literal, non-negative one compiles.
        if operation == .power {
            guard case .literal(.int(let n)) = exponent, n >= 0 else { return nil }
        }
        // One closure per operator, calling its kernel function directly (inlined), so an item pays for the
        // operation and its overflow check, not for a switch over operators.
        let f: @Sendable (Int) throws(ExpressionError) -> Int
        switch operation {
        case .add: f = { x throws(ExpressionError) in try checked(p, op, q, x, PyInt.add) }
        case .subtract: f = { x throws(ExpressionError) in try checked(p, op, q, x, PyInt.subtract) }
        case .multiply: f = { x throws(ExpressionError) in try checked(p, op, q, x, PyInt.multiply) }
        case .floorDivide: f = { x throws(ExpressionError) in try checked(p, op, q, x, PyInt.floorDivide) }
        case .modulo: f = { x throws(ExpressionError) in try checked(p, op, q, x, PyInt.modulo) }
        case .power: f = { x throws(ExpressionError) in try checked(p, op, q, x, PyInt.power) }
        }
        return Typed(operand: .code(f), isBool: false)
    }

    /// `p op q` for the item `x` by `kernel`; a failure is the expression language's error.
    @inline(__always)
    private static func checked(_ p: Operand, _ op: String, _ q: Operand, _ x: Int,
                                _ kernel: (Int, Int) throws(PyInt.Failure) -> Int) throws(ExpressionError) -> Int {
        let (u, v) = (try p.value(x), try q.value(x))
        do throws(PyInt.Failure) {
            return try kernel(u, v)
        } catch {
            throw error.expressionError("\(u) \(op) \(v)")
        }
    }
}
