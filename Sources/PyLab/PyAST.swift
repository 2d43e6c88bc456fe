import LabCore
import BigInt
/// The syntax tree of a snippet: what the parser builds and the compiler walks.
package struct Expr: Sendable {
    package var kind: ExprKind
    package var position: SourcePosition
}

package indirect enum ExprKind: Sendable {
    case name(String)
    case int(Int)
    case float(Double)
    case bigInt(BigInt)
    case string(String)
    case bytes([UInt8])
    case constant(PyConstant)
    /// f"…": literal parts and expressions, in order.
    case fstring([FStringPart])
    case list([Expr])
    case tuple([Expr])
    case dict([(Expr, Expr)])
    case unary(String, Expr)
    case binary(String, Expr, Expr)
    /// `and` / `or` (short-circuit).
    case boolOp(String, [Expr])
    /// `a < b <= c`: operators and operands.
    case compare([String], [Expr])
    case call(Expr, [Expr], [(String, Expr)])
    case attribute(Expr, String)
    case subscription(Expr, Expr)
    case slice(Expr?, Expr?, Expr?)
    case ifExpr(Expr, Expr, Expr)
    /// `[elt for target in iter if cond …]`
    case listComp(Expr, [Comprehension])
    case yield(Expr?)
    case lambda([Parameter], Expr)
    // Functions, generators and collections (issue 14): `*x` in a call, a display or a target; `yield from`;
    // set displays; and the comprehensions that are their own scope in Python 3 (a generator expression is lazy).
    case starred(Expr)
    case yieldFrom(Expr)
    case set([Expr])
    case setComp(Expr, [Comprehension])
    case dictComp(Expr, Expr, [Comprehension])
    case genExp(Expr, [Comprehension])
    /// `(name := value)`: the value, also stored in the name (PEP 572).
    case namedExpr(String, Expr)
}

package enum PyConstant: Sendable { case none, `true`, `false` }

package enum FStringPart: Sendable {
    case literal(String)
    case expression(Expr, String?)
}

package struct Comprehension: Sendable {
    package var target: Expr
    package var iterable: Expr
    package var conditions: [Expr]
}

package struct Parameter: Sendable {
    package var name: String
    package var defaultValue: Expr?
    package var position: SourcePosition
    package var kind: ParameterKind = .positional
    /// Before a `/` in the parameter list: never bound by keyword.
    package var positionalOnly = false
}

/// `def f(a, *args, k, **kwargs)`: plain, `*args`, keyword-only (after `*` or `*args`), `**kwargs`.
package enum ParameterKind: Sendable, Equatable { case positional, varArgs, keywordOnly, varKeywords }

package struct Stmt: Sendable {
    package var kind: StmtKind
    package var position: SourcePosition
}

package struct ExceptClause: Sendable {
    package var type: Expr?
    package var name: String?
    package var body: [Stmt]
    package var position: SourcePosition
}

package indirect enum StmtKind: Sendable {
    case expression(Expr)
    case assign([Expr], Expr)
    case augAssign(Expr, String, Expr)
    /// `target: annotation` or `target: annotation = value`.
    case annotated(Expr, Expr, Expr?)
    case ifStmt(Expr, [Stmt], [Stmt])
    case whileStmt(Expr, [Stmt], [Stmt])
    case forStmt(Expr, Expr, [Stmt], [Stmt])
    case def(String, [Parameter], [Stmt])
    case classDef(String, [Expr], [Stmt])
    case returnStmt(Expr?)
    case global([String])
    case pass
    case breakStmt
    case continueStmt
    /// `raise`, `raise X`, `raise X from Y`.
    case raise(Expr?, cause: Expr?)
    case tryStmt([Stmt], [ExceptClause], [Stmt], [Stmt])
    case with(Expr, Expr?, [Stmt])
    case assert(Expr, Expr?)
    case del([Expr])
    case nonlocal([String])
    /// `@d1 @d2 def f…` / `class …`: the decorators (outermost first) and the definition they wrap.
    case decorated([Expr], Stmt)
    /// `import a.b as c, d`: each module's dotted name and the name it is bound to (nil: the top package's own).
    case importModules([ImportAlias])
    /// `from m import x as y, z` (a single `*` name for `from m import *`).
    case importFrom(String, [ImportAlias])
    /// `match subject:` and its `case` blocks, in order (Python 3.10's structural pattern matching).
    case match(Expr, [MatchCase])
}

/// One `case pattern if guard:` block of a `match` statement.
package struct MatchCase: Sendable {
    package var pattern: Pattern
    package var guardTest: Expr?
    package var body: [Stmt]
}

/// A `case` pattern and where it starts (for its errors and its lines in `dis`).
package struct Pattern: Sendable {
    package var kind: PatternKind
    package var position: SourcePosition
}

/// The patterns of CPython's grammar (its `pattern` AST nodes).
package indirect enum PatternKind: Sendable {
    /// A literal or a dotted name, compared with `==`.
    case value(Expr)
    /// `None`, `True`, `False`, compared with `is`.
    case singleton(PyConstant)
    /// `name`, `_` (no name, no pattern), or `pattern as name`.
    case capture(String?, Pattern?)
    /// `*name` or `*_` in a sequence pattern.
    case star(String?)
    case sequence([Pattern])
    /// `{key: pattern, …, **rest}`: literal or dotted-name keys.
    case mapping([Expr], [Pattern], rest: String?)
    /// `Class(p, …, attr=p, …)`.
    case classPattern(Expr, [Pattern], [(String, Pattern)])
    case or([Pattern])
}

extension Pattern {
    /// `_`: matches anything and binds nothing.
    package var isWildcard: Bool { if case .capture(nil, nil) = kind { return true }; return false }

    /// The names the pattern binds, in the order they appear.
    package var boundNames: [String] {
        switch kind {
        case .value, .singleton: return []
        case .capture(let name, let inner): return (inner?.boundNames ?? []) + (name.map { [$0] } ?? [])
        case .star(let name): return name.map { [$0] } ?? []
        case .sequence(let items), .or(let items): return items.flatMap(\.boundNames)
        case .mapping(_, let items, let rest): return items.flatMap(\.boundNames) + (rest.map { [$0] } ?? [])
        case .classPattern(_, let items, let keywords): return items.flatMap(\.boundNames) + keywords.flatMap(\.1.boundNames)
        }
    }

    /// The expressions the pattern evaluates (values, mapping keys, classes).
    package var expressions: [Expr] {
        switch kind {
        case .value(let e): return [e]
        case .singleton, .capture(_, nil), .star: return []
        case .capture(_, let inner?): return inner.expressions
        case .sequence(let items), .or(let items): return items.flatMap(\.expressions)
        case .mapping(let keys, let items, _): return keys + items.flatMap(\.expressions)
        case .classPattern(let cls, let items, let keywords): return [cls] + items.flatMap(\.expressions) + keywords.flatMap(\.1.expressions)
        }
    }
}

package struct ImportAlias: Sendable {
    package var name: String
    package var asName: String?
}
