import LabCore
import LabOS
/// A recursive-descent parser for conclab's subset of Python (the grammar of the Python reference, trimmed).
/// Anything outside the subset is a `SyntaxError` that says so, never a silent misreading.
package struct Parser {
    package let tokens: [Token]
    package let lines: [String]
    package var index = 0
    /// Inside a function body (for `return`/`yield` checks).
    package var functionDepth = 0
    package var loopDepth = 0
    /// How deep the expression being parsed is nested (brackets, operators, `not`, unary minus), and blocks.
    package var nesting = 0
    package var blockDepth = 0

    /// The deepest expression the parser builds. The compiler walks the tree recursively, so without a bound a
    /// line like `not not … x` or `1+1+…+1` overflows the thread's stack and kills the shell; CPython stops such
    /// sources too (200 nested parentheses; a RecursionError or MemoryError for the rest).
    package static let maxNesting = 200
    /// CPython's limit on indented blocks.
    package static let maxBlockDepth = 100

    /// Counts one more level of nesting; past the bound, the clear error CPython would also give.
    package mutating func enterNesting(by levels: Int = 1) throws(PySyntaxError) {
        nesting += levels
        if nesting > Self.maxNesting {
            throw error("expression too deeply nested (more than \(Self.maxNesting) levels): conclab's parser stops here, as CPython's does near that depth")
        }
    }

    package init(tokens: [Token], source: String) {
        self.tokens = tokens
        self.lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    package static func parse(_ source: String) throws(PySyntaxError) -> [Stmt] {
        var parser = Parser(tokens: try Lexer.tokenize(source), source: source)
        return try parser.module()
    }

    // MARK: helpers

    package var current: Token { tokens[min(index, tokens.count - 1)] }
    package var position: SourcePosition { current.position }

    package func error(_ message: String, at position: SourcePosition? = nil) -> PySyntaxError {
        let pos = position ?? self.position
        let text = pos.line >= 1 && pos.line <= lines.count ? lines[pos.line - 1] : ""
        return PySyntaxError(message: message, position: pos, sourceLine: text)
    }

    package func isOp(_ op: String) -> Bool { current.kind == .op(op) }
    package func isKeyword(_ word: String) -> Bool { current.kind == .keyword(word) }

    package mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    package mutating func accept(_ op: String) -> Bool {
        if isOp(op) { advance(); return true }
        return false
    }

    package mutating func acceptKeyword(_ word: String) -> Bool {
        if isKeyword(word) { advance(); return true }
        return false
    }

    package mutating func expect(_ op: String, _ what: String? = nil) throws(PySyntaxError) {
        guard accept(op) else { throw error(what ?? "expected '\(op)'" + describeCurrent()) }
    }

    package func describeCurrent() -> String {
        switch current.kind {
        case .name(let n): return ", found '\(n)'"
        case .op(let o): return ", found '\(o)'"
        case .keyword(let k): return ", found '\(k)'"
        case .int(let i): return ", found \(i)"
        case .float(let x): return ", found \(PyFormat.floatRepr(x))"
        case .bigInt(let b): return ", found \(b)"
        case .string, .fstring: return ", found a string"
        case .bytes: return ", found a bytes literal"
        case .newline: return ""
        case .indent: return ", found an unexpected indent"
        case .dedent, .end: return " before the end of the block"
        }
    }

    /// Dunder names the subset supports (the protocols it implements). Others (`__class__`, `__globals__`,
    /// `__import__`, `__builtins__`…) are refused: they are not part of the subset, and `compare` runs
    /// snippets in the real python3, where they would reach past the snippet's sandbox.
    package static let allowedDunders: Set<String> = ["__init__", "__iter__", "__next__", "__enter__", "__exit__", "__str__",
                                              "__repr__", "__len__", "__eq__", "__bool__", "__name__",
                                              "__getitem__", "__setitem__", "__delitem__", "__contains__",
                                              "__lt__", "__le__", "__gt__", "__ge__", "__ne__", "__call__",
                                              "__add__", "__sub__", "__mul__", "__truediv__", "__floordiv__", "__mod__",
                                              "__pow__", "__and__", "__or__", "__xor__", "__lshift__", "__rshift__",
                                              "__radd__", "__rsub__", "__rmul__", "__rtruediv__", "__rfloordiv__", "__rmod__",
                                              "__rpow__", "__rand__", "__ror__", "__rxor__", "__rlshift__", "__rrshift__",
                                              "__iadd__", "__isub__", "__imul__", "__itruediv__", "__ifloordiv__", "__imod__",
                                              "__ipow__", "__iand__", "__ior__", "__ixor__", "__ilshift__", "__irshift__",
                                              "__neg__", "__pos__", "__invert__", "__abs__", "__class__",
                                              "__cause__", "__context__", "__suppress_context__", "__mro__",
                                              "__match_args__", "__hash__", "__getattr__", "__dict__", "__doc__", "__wrapped__", "__setattr__", "__delattr__", "__annotations__", "__qualname__",
                                              "__func__", "__post_init__", "__dataclass_fields__", "__dataclass_params__"]

    package func checkName(_ n: String, at pos: SourcePosition) throws(PySyntaxError) {
        // A private name (`__x`, no `__` at its end) is an ordinary one, mangled inside a class.
        if n.hasPrefix("__") && n.hasSuffix("__") && !Self.allowedDunders.contains(n) {
            throw error("conclab's Python does not support the name '\(n)' (it knows the special methods of classes: __init__, __repr__, __eq__, __lt__, __add__, __iter__, __enter__ …)", at: pos)
        }
    }

    package mutating func name() throws(PySyntaxError) -> String {
        if case .name(let n) = current.kind {
            try checkName(n, at: position)
            advance()
            return n
        }
        if case .keyword(let k) = current.kind { throw error("'\(k)' is a keyword and cannot be used as a name") }
        throw error("expected a name" + describeCurrent())
    }

    // MARK: statements

    package mutating func module() throws(PySyntaxError) -> [Stmt] {
        var body: [Stmt] = []
        while current.kind == .newline { advance() }
        while current.kind != .end {
            if current.kind == .indent { throw error("unexpected indent").indentation }
            body += try statement()
            while current.kind == .newline { advance() }
        }
        return body
    }

    /// One logical line, which may hold several simple statements separated by `;`, or a compound statement.
    package mutating func statement() throws(PySyntaxError) -> [Stmt] {
        if case .keyword(let k) = current.kind {
            switch k {
            case "if": return [try ifStatement()]
            case "while": return [try whileStatement()]
            case "for": return [try forStatement()]
            case "def": return [try defStatement()]
            case "class": return [try classStatement()]
            case "try": return [try tryStatement()]
            case "with": return [try withStatement()]
            case "elif", "else", "except", "finally":
                throw error("'\(k)' without a matching statement before it")
            default: break
            }
        }
        if isOp("@") { return [try decorated()] }
        if startsMatchStatement() { return [try matchStatement()] }
        var result: [Stmt] = []
        while true {
            result.append(try simpleStatement())
            if accept(";") {
                if current.kind == .newline { break }
                continue
            }
            break
        }
        guard current.kind == .newline else { throw error("expected the end of the statement" + describeCurrent()) }
        advance()
        return result
    }

    package mutating func simpleStatement() throws(PySyntaxError) -> Stmt {
        let pos = position
        if current.kind == .op("..."), index + 1 < tokens.count, tokens[index + 1].kind == .newline || tokens[index + 1].kind == .op(";") {
            // `...` alone, as a stub's body: a constant expression statement, which CPython compiles to nothing.
            advance()
            return Stmt(kind: .pass, position: pos)
        }
        if case .keyword(let k) = current.kind {
            switch k {
            case "pass": advance(); return Stmt(kind: .pass, position: pos)
            case "break":
                advance()
                if loopDepth == 0 { throw error("'break' outside loop", at: pos) }
                return Stmt(kind: .breakStmt, position: pos)
            case "continue":
                advance()
                if loopDepth == 0 { throw error("'continue' not properly in loop", at: pos) }
                return Stmt(kind: .continueStmt, position: pos)
            case "return":
                advance()
                if functionDepth == 0 { throw error("'return' outside function", at: pos) }
                if current.kind == .newline || isOp(";") { return Stmt(kind: .returnStmt(nil), position: pos) }
                return Stmt(kind: .returnStmt(try expressionList()), position: pos)
            case "global":
                advance()
                var names = [try name()]
                while accept(",") { names.append(try name()) }
                return Stmt(kind: .global(names), position: pos)
            case "raise":
                advance()
                if current.kind == .newline || isOp(";") { return Stmt(kind: .raise(nil, cause: nil), position: pos) }
                let value = try expression()
                let cause = acceptKeyword("from") ? try expression() : nil
                return Stmt(kind: .raise(value, cause: cause), position: pos)
            case "assert":
                advance()
                let test = try expression()
                let message: Expr? = accept(",") ? try expression() : nil
                return Stmt(kind: .assert(test, message), position: pos)
            case "del":
                advance()
                var targets = [try postfix()]
                while accept(",") { targets.append(try postfix()) }
                for t in targets { try checkTarget(t, deleting: true) }
                return Stmt(kind: .del(targets), position: pos)
            case "import", "from":
                return try importStatement()
            case "nonlocal":
                advance()
                if functionDepth == 0 { throw error("nonlocal declaration not allowed at module level", at: pos) }
                var names = [try name()]
                while accept(",") { names.append(try name()) }
                return Stmt(kind: .nonlocal(names), position: pos)
            case "async", "await":
                throw error("conclab's Python does not support async and await (coroutines; asyncio): conclab's 'io fetch' shows an event loop", at: pos)
            default: break
            }
        }
        let first = try expressionList(allowStar: false)
        if let op = augmentedOperator() {
            advance()
            try checkTarget(first, augmented: true)
            let value = try yieldOrExpressionList()
            return Stmt(kind: .augAssign(first, op, value), position: pos)
        }
        if isOp("=") {
            var targets = [first]
            var value = first
            while accept("=") {
                value = try yieldOrExpressionList()
                targets.append(value)
            }
            targets.removeLast()
            for t in targets { try checkTarget(t) }
            return Stmt(kind: .assign(targets, value), position: pos)
        }
        if accept(":") {
            // A variable annotation (`count: int = 0`): the compiler records it in `__annotations__` at module
            // level and in a class body, and only assigns in a function (whose annotations 3.11 never evaluates).
            if case .tuple = first.kind { throw error("only single target (not tuple) can be annotated", at: pos) }
            try checkTarget(first)
            let annotation = try expression()
            guard accept("=") else { return Stmt(kind: .annotated(first, annotation, nil), position: pos) }
            return Stmt(kind: .annotated(first, annotation, try yieldOrExpressionList()), position: pos)
        }
        return Stmt(kind: .expression(first), position: pos)
    }

    package func augmentedOperator() -> String? {
        if case .op(let o) = current.kind, ["+=", "-=", "*=", "//=", "%=", "**=", "&=", "|=", "^=", "<<=", ">>=", "/="].contains(o) {
            return o
        }
        return nil
    }

    package func checkTarget(_ target: Expr, augmented: Bool = false, deleting: Bool = false) throws(PySyntaxError) {
        switch target.kind {
        case .name, .attribute, .subscription: return
        case .tuple(let items), .list(let items):
            if augmented { throw error("'tuple' is an illegal expression for augmented assignment", at: target.position) }
            let stars = items.filter { if case .starred = $0.kind { return true }; return false }
            if stars.count > 1 { throw error("multiple starred expressions in assignment", at: stars[1].position) }
            if deleting && !stars.isEmpty { throw error("cannot delete starred", at: stars[0].position) }
            for item in items {
                if case .starred(let inner) = item.kind { try checkTarget(inner) } else { try checkTarget(item, deleting: deleting) }
            }
        case .starred:
            throw error("starred assignment target must be in a list or tuple", at: target.position)
        case .call: throw error("cannot assign to function call", at: target.position)
        case .int, .float, .bigInt, .string, .constant, .fstring: throw error("cannot assign to literal", at: target.position)
        default: throw error("cannot assign to expression", at: target.position)
        }
    }

    package mutating func block() throws(PySyntaxError) -> [Stmt] {
        try expect(":", "expected ':'" + describeCurrent())
        blockDepth += 1
        defer { blockDepth -= 1 }
        if blockDepth > Self.maxBlockDepth { throw error("too many levels of indentation").indentation }
        if current.kind != .newline {
            // `if x: y = 1` — simple statements on the same line.
            var body: [Stmt] = []
            while true {
                body.append(try simpleStatement())
                if accept(";") { if current.kind == .newline { break } else { continue } }
                break
            }
            guard current.kind == .newline else { throw error("expected the end of the statement" + describeCurrent()) }
            advance()
            return body
        }
        advance()
        while current.kind == .newline { advance() }
        guard current.kind == .indent else { throw error("expected an indented block" + blockOwner()).indentation }
        advance()
        var body: [Stmt] = []
        while current.kind != .dedent && current.kind != .end {
            body += try statement()
            while current.kind == .newline { advance() }
        }
        if current.kind == .dedent { advance() }
        return body
    }

    package mutating func ifStatement() throws(PySyntaxError) -> Stmt {
        let pos = position
        advance()
        let test = try namedExpression()
        let body = try block()
        var orElse: [Stmt] = []
        if isKeyword("elif") {
            orElse = [try ifStatement()]
        } else if acceptKeyword("else") {
            orElse = try block()
        }
        return Stmt(kind: .ifStmt(test, body, orElse), position: pos)
    }

    package mutating func whileStatement() throws(PySyntaxError) -> Stmt {
        let pos = position
        advance()
        let test = try namedExpression()
        loopDepth += 1
        let body = try block()
        loopDepth -= 1
        let orElse = acceptKeyword("else") ? try block() : []
        return Stmt(kind: .whileStmt(test, body, orElse), position: pos)
    }

    package mutating func forStatement() throws(PySyntaxError) -> Stmt {
        let pos = position
        advance()
        let target = try targetList()
        guard acceptKeyword("in") else { throw error("expected 'in'" + describeCurrent()) }
        let iterable = try expressionList()
        loopDepth += 1
        let body = try block()
        loopDepth -= 1
        let orElse = acceptKeyword("else") ? try block() : []
        return Stmt(kind: .forStmt(target, iterable, body, orElse), position: pos)
    }

    /// `for a, b in …` targets: names, attributes, subscripts, tuples of them.
    package mutating func targetList() throws(PySyntaxError) -> Expr {
        let pos = position
        var items = [try starredTarget()]
        var isTuple = false
        while accept(",") {
            isTuple = true
            if isKeyword("in") || isOp("=") { break }
            items.append(try starredTarget())
        }
        let target = isTuple ? Expr(kind: .tuple(items), position: pos) : items[0]
        try checkTarget(target)
        return target
    }

    package mutating func parameters(closing: String) throws(PySyntaxError) -> [Parameter] {
        var params: [Parameter] = []
        var sawDefault = false
        // After `*` or `*args` the parameters are keyword-only; `**kwargs` is last.
        var kind = ParameterKind.positional
        var bareStar: SourcePosition?
        while !isOp(closing) {
            let pos = position
            if params.last?.kind == .varKeywords { throw error("arguments cannot follow var-keyword argument", at: pos) }
            var thisKind = kind
            if accept("/") {
                // `def f(a, b, /, c)`: the parameters so far are positional-only.
                if params.isEmpty { throw error("at least one argument must precede /", at: pos) }
                if params.contains(where: \.positionalOnly) { throw error("/ may appear only once", at: pos) }
                if kind != .positional { throw error("/ must be ahead of *", at: pos) }
                for i in params.indices { params[i].positionalOnly = true }
                if !accept(",") { break }
                continue
            }
            if accept("**") {
                thisKind = .varKeywords
            } else if accept("*") {
                if kind != .positional { throw error("* argument may appear only once", at: pos) }
                kind = .keywordOnly
                if isOp(",") || isOp(closing) {
                    bareStar = pos
                    if !accept(",") { break }
                    continue
                }
                thisKind = .varArgs
            }
            let n = try name()
            if params.contains(where: { $0.name == n }) { throw error("duplicate argument '\(n)' in function definition", at: pos) }
            var value: Expr?
            // A parameter's annotation (`x: int`) is read and dropped: a function's __annotations__ is refused by name.
            if closing == ")" && accept(":") { _ = try expression() }
            if accept("=") {
                if thisKind == .varArgs || thisKind == .varKeywords { throw error("var-positional and var-keyword arguments cannot have default values", at: pos) }
                value = try expression()
                if thisKind == .positional { sawDefault = true }
            } else if sawDefault && thisKind == .positional {
                throw error("non-default argument follows default argument", at: pos)
            }
            params.append(Parameter(name: n, defaultValue: value, position: pos, kind: thisKind))
            bareStar = nil
            if !accept(",") { break }
        }
        if let bareStar, !params.contains(where: { $0.kind == .keywordOnly }) {
            throw error("named arguments must follow bare *", at: bareStar)
        }
        if let bareStar { _ = bareStar }
        return params
    }

    /// " after 'if' statement on line 3": what CPython names a block by, from the first token of the line whose `:` opened
    /// it (the newline after the `:` is the token before the current one).
    func blockOwner() -> String {
        var i = index - 1
        while i > 0 {
            switch tokens[i - 1].kind {
            case .newline, .indent, .dedent: break
            default: i -= 1; continue
            }
            break
        }
        guard i >= 0, i < tokens.count, case .keyword(let k) = tokens[i].kind else { return "" }
        let line = tokens[i].position.line
        switch k {
        case "def": return " after function definition on line \(line)"
        case "class": return " after class definition on line \(line)"
        default: return " after '\(k)' statement on line \(line)"
        }
    }

    /// Whether the tokens from here to the end of the logical line end with `:` (a `match x:` line, which no
    /// expression statement can be).
    func lineEndsWithColon() -> Bool {
        var i = index
        var last: TokenKind?
        while i < tokens.count {
            if tokens[i].kind == .newline || tokens[i].kind == .end { break }
            last = tokens[i].kind
            i += 1
        }
        return last == .op(":") && i > index + 2
    }

    package mutating func defStatement() throws(PySyntaxError) -> Stmt {
        let pos = position
        advance()
        let n = try name()
        try expect("(")
        let params = try parameters(closing: ")")
        try expect(")")
        if accept("->") { _ = try expression() }
        let savedLoop = loopDepth
        loopDepth = 0
        functionDepth += 1
        let body = try block()
        functionDepth -= 1
        loopDepth = savedLoop
        return Stmt(kind: .def(n, params, body), position: pos)
    }

    package mutating func classStatement() throws(PySyntaxError) -> Stmt {
        let pos = position
        advance()
        let n = try name()
        var bases: [Expr] = []
        if accept("(") {
            while !isOp(")") {
                bases.append(try expression())
                if !accept(",") { break }
            }
            try expect(")")
        }
        let savedLoop = loopDepth
        let savedFunction = functionDepth
        loopDepth = 0
        functionDepth = 0
        let body = try block()
        loopDepth = savedLoop
        functionDepth = savedFunction
        return Stmt(kind: .classDef(n, bases, body), position: pos)
    }

    package mutating func tryStatement() throws(PySyntaxError) -> Stmt {
        let pos = position
        advance()
        let body = try block()
        var handlers: [ExceptClause] = []
        while isKeyword("except") {
            let hpos = position
            advance()
            var type: Expr?
            var bound: String?
            if !isOp(":") {
                type = try expression()
                if acceptKeyword("as") { bound = try name() }
            }
            handlers.append(ExceptClause(type: type, name: bound, body: try block(), position: hpos))
        }
        if let bare = handlers.dropLast().first(where: { $0.type == nil }) {
            throw error("default 'except:' must be last", at: bare.position)
        }
        let orElse = !handlers.isEmpty && acceptKeyword("else") ? try block() : []
        let final = acceptKeyword("finally") ? try block() : []
        if handlers.isEmpty && final.isEmpty { throw error("expected 'except' or 'finally' block") }
        return Stmt(kind: .tryStmt(body, handlers, orElse, final), position: pos)
    }

    /// `with a as x, b as y:` (or in parentheses, as 3.10 allows) is the nested `with a as x: with b as y:`, as
    /// CPython compiles it.
    package mutating func withStatement() throws(PySyntaxError) -> Stmt {
        let pos = position
        advance()
        let parenthesized = isOp("(") && parenthesizedWithItems()
        if parenthesized { advance() }
        var items: [(Expr, Expr?, SourcePosition)] = []
        repeat {
            if parenthesized && isOp(")") { break }
            let itemPos = position
            let context = try expression()
            var target: Expr?
            if acceptKeyword("as") {
                target = try starredTarget()
                if let target { try checkTarget(target) }
            }
            items.append((context, target, itemPos))
        } while accept(",")
        if parenthesized { try expect(")", "expected ')'" + describeCurrent()) }
        var body = try block()
        for (context, target, itemPos) in items.dropFirst().reversed() {
            body = [Stmt(kind: .with(context, target, body), position: itemPos)]
        }
        return Stmt(kind: .with(items[0].0, items[0].1, body), position: pos)
    }

    /// Whether the `(` after `with` opens 3.10's parenthesized list of items (`with (a as x, b):`) rather than an
    /// expression: its `)` is followed by `:` and an `as` or a `,` stands inside it at the top level.
    func parenthesizedWithItems() -> Bool {
        var depth = 0
        var i = index
        var itemSyntax = false
        while i < tokens.count {
            switch tokens[i].kind {
            case .op("("), .op("["), .op("{"): depth += 1
            case .op(")"), .op("]"), .op("}"):
                depth -= 1
                if depth == 0 {
                    return itemSyntax && i + 1 < tokens.count && tokens[i + 1].kind == .op(":")
                }
            case .keyword("as") where depth == 1, .op(",") where depth == 1: itemSyntax = true
            case .newline, .end: return false
            default: break
            }
            i += 1
        }
        return false
    }

    // MARK: expressions

    package mutating func yieldOrExpressionList() throws(PySyntaxError) -> Expr {
        if isKeyword("yield") { return try yieldExpression() }
        return try expressionList()
    }

    package mutating func yieldExpression() throws(PySyntaxError) -> Expr {
        let pos = position
        advance()
        if functionDepth == 0 { throw error("'yield' outside function", at: pos) }
        if acceptKeyword("from") { return Expr(kind: .yieldFrom(try expression()), position: pos) }
        if current.kind == .newline || isOp(")") || isOp(";") || isOp("=") { return Expr(kind: .yield(nil), position: pos) }
        return Expr(kind: .yield(try expressionList()), position: pos)
    }

    /// `a, b` → a tuple; a single expression stays itself.
    package mutating func expressionList(allowStar: Bool = false) throws(PySyntaxError) -> Expr {
        let pos = position
        if isKeyword("yield") { return try yieldExpression() }
        let first = try starredExpression()
        guard isOp(",") else {
            if case .starred = first.kind, !isOp("=") { throw error("can't use starred expression here", at: pos) }
            return first
        }
        var items = [first]
        while accept(",") {
            if atExpressionEnd { break }
            items.append(try starredExpression())
        }
        return Expr(kind: .tuple(items), position: pos)
    }

    package var atExpressionEnd: Bool {
        switch current.kind {
        case .newline, .end, .dedent: return true
        case .op(let o): return ["=", ")", "]", "}", ";", ":"].contains(o) || augmentedOperator() != nil
        case .keyword(let k): return k == "in"
        default: return false
        }
    }

    /// An expression, or `*expression` where a display or a target may hold one.
    package mutating func starredExpression(named: Bool = false) throws(PySyntaxError) -> Expr {
        let pos = position
        if accept("*") { return Expr(kind: .starred(try bitOr()), position: pos) }
        return named ? try namedExpression() : try expression()
    }

    package mutating func starredTarget() throws(PySyntaxError) -> Expr {
        let pos = position
        if accept("*") { return Expr(kind: .starred(try postfix()), position: pos) }
        return try postfix()
    }

    /// `@decorator` lines, then the `def` or `class` they decorate.
    package mutating func decorated() throws(PySyntaxError) -> Stmt {
        let pos = position
        var decorators: [Expr] = []
        while accept("@") {
            decorators.append(try namedExpression())
            guard current.kind == .newline else { throw error("expected a new line after the decorator" + describeCurrent()) }
            advance()
        }
        let definition: Stmt
        if isKeyword("def") { definition = try defStatement() }
        else if isKeyword("class") { definition = try classStatement() }
        else { throw error("a decorator must come before 'def' or 'class'" + describeCurrent()) }
        return Stmt(kind: .decorated(decorators, definition), position: pos)
    }

    /// An expression that may be `name := value` (where CPython's grammar allows one: a condition, a call's
    /// positional argument, an item of a display or of parentheses, a subscript).
    package mutating func namedExpression() throws(PySyntaxError) -> Expr {
        let e = try expression()
        guard isOp(":=") else { return e }
        guard case .name(let n) = e.kind else {
            let what: String
            switch e.kind {
            case .attribute: what = "attribute"
            case .subscription: what = "subscript"
            case .int, .float, .bigInt, .string, .bytes, .constant, .fstring: what = "literal"
            case .tuple: what = "tuple"
            case .list: what = "list"
            default: what = "expression"
            }
            throw error("cannot use assignment expressions with \(what)", at: e.position)
        }
        advance()
        return Expr(kind: .namedExpr(n, try expression()), position: e.position)
    }

    package mutating func expression() throws(PySyntaxError) -> Expr {
        try enterNesting()
        defer { nesting -= 1 }
        if isKeyword("lambda") { return try lambda() }
        if isKeyword("yield") { throw error("'yield' must be a statement or on the right of '='") }
        let pos = position
        let body = try orTest()
        if acceptKeyword("if") {
            let test = try orTest()
            guard acceptKeyword("else") else { throw error("expected 'else' after 'if' expression") }
            let other = try expression()
            return Expr(kind: .ifExpr(test, body, other), position: pos)
        }
        return body
    }

    package mutating func lambda() throws(PySyntaxError) -> Expr {
        let pos = position
        advance()
        let params = try parameters(closing: ":")
        try expect(":")
        functionDepth += 1
        let body = try expression()
        functionDepth -= 1
        return Expr(kind: .lambda(params, body), position: pos)
    }

    package mutating func orTest() throws(PySyntaxError) -> Expr {
        let pos = position
        var items = [try andTest()]
        while acceptKeyword("or") { items.append(try andTest()) }
        return items.count == 1 ? items[0] : Expr(kind: .boolOp("or", items), position: pos)
    }

    package mutating func andTest() throws(PySyntaxError) -> Expr {
        let pos = position
        var items = [try notTest()]
        while acceptKeyword("and") { items.append(try notTest()) }
        return items.count == 1 ? items[0] : Expr(kind: .boolOp("and", items), position: pos)
    }

    package mutating func notTest() throws(PySyntaxError) -> Expr {
        let pos = position
        if acceptKeyword("not") {
            try enterNesting()
            defer { nesting -= 1 }
            return Expr(kind: .unary("not", try notTest()), position: pos)
        }
        return try comparison()
    }

    package mutating func comparison() throws(PySyntaxError) -> Expr {
        let pos = position
        let first = try bitOr()
        var ops: [String] = []
        var operands = [first]
        while true {
            var op: String?
            switch current.kind {
            case .op(let o) where ["<", ">", "==", ">=", "<=", "!="].contains(o): op = o; advance()
            case .keyword("in"): op = "in"; advance()
            case .keyword("not"):
                if index + 1 < tokens.count, tokens[index + 1].kind == .keyword("in") {
                    advance(); advance()
                    op = "not in"
                }
            case .keyword("is"):
                advance()
                op = acceptKeyword("not") ? "is not" : "is"
            default: break
            }
            guard let op else { break }
            ops.append(op)
            operands.append(try bitOr())
        }
        return ops.isEmpty ? first : Expr(kind: .compare(ops, operands), position: pos)
    }

    package mutating func binaryLevel(_ ops: [String], _ next: (inout Parser) throws(PySyntaxError) -> Expr) throws(PySyntaxError) -> Expr {
        var left = try next(&self)
        // Each operator of a chain nests the tree one level deeper (`(1 + 1) + 1`).
        var chain = 0
        defer { nesting -= chain }
        while case .op(let o) = current.kind, ops.contains(o) {
            let pos = current.position
            advance()
            try enterNesting()
            chain += 1
            let right = try next(&self)
            left = Expr(kind: .binary(o, left, right), position: pos)
        }
        return left
    }

    package mutating func bitOr() throws(PySyntaxError) -> Expr { try binaryLevel(["|"]) { p throws(PySyntaxError) in try p.bitXor() } }
    package mutating func bitXor() throws(PySyntaxError) -> Expr { try binaryLevel(["^"]) { p throws(PySyntaxError) in try p.bitAnd() } }
    package mutating func bitAnd() throws(PySyntaxError) -> Expr { try binaryLevel(["&"]) { p throws(PySyntaxError) in try p.shift() } }
    package mutating func shift() throws(PySyntaxError) -> Expr { try binaryLevel(["<<", ">>"]) { p throws(PySyntaxError) in try p.arith() } }
    package mutating func arith() throws(PySyntaxError) -> Expr { try binaryLevel(["+", "-"]) { p throws(PySyntaxError) in try p.term() } }
    package mutating func term() throws(PySyntaxError) -> Expr {
        try binaryLevel(["*", "/", "//", "%", "@"]) { p throws(PySyntaxError) in try p.factor() }
    }

    package mutating func factor() throws(PySyntaxError) -> Expr {
        let pos = position
        if case .op(let o) = current.kind, o == "-" || o == "+" || o == "~" {
            advance()
            try enterNesting()
            defer { nesting -= 1 }
            let operand = try factor()
            if o == "-", case .int(let v) = operand.kind { return Expr(kind: .int(-v), position: pos) }
            return Expr(kind: .unary(o, operand), position: pos)
        }
        return try power()
    }

    package mutating func power() throws(PySyntaxError) -> Expr {
        let base = try postfix()
        if isOp("**") {
            let pos = position
            advance()
            try enterNesting()
            defer { nesting -= 1 }
            let exponent = try factor()
            return Expr(kind: .binary("**", base, exponent), position: pos)
        }
        return base
    }

    package mutating func postfix() throws(PySyntaxError) -> Expr {
        var e = try atom()
        while true {
            let pos = position
            if accept("(") {
                var args: [Expr] = []
                var keywords: [(String, Expr)] = []
                while !isOp(")") {
                    let argPos = position
                    if accept("**") {
                        // `**mapping`: a keyword entry named "**".
                        keywords.append(("**", try expression()))
                        if !accept(",") { break }
                        continue
                    }
                    if accept("*") {
                        if keywords.contains(where: { $0.0 == "**" }) { throw error("iterable argument unpacking follows keyword argument unpacking", at: argPos) }
                        args.append(Expr(kind: .starred(try expression()), position: argPos))
                        if !accept(",") { break }
                        continue
                    }
                    if case .name(let n) = current.kind, index + 1 < tokens.count, tokens[index + 1].kind == .op("=") {
                        advance(); advance()
                        if keywords.contains(where: { $0.0 == n }) { throw error("keyword argument repeated: \(n)") }
                        keywords.append((n, try expression()))
                    } else {
                        if keywords.contains(where: { $0.0 == "**" }) { throw error("positional argument follows keyword argument unpacking") }
                        if !keywords.isEmpty { throw error("positional argument follows keyword argument") }
                        var arg = try namedExpression()
                        if isKeyword("for") {
                            // f(x for x in …): a generator expression argument.
                            arg = Expr(kind: .genExp(arg, try comprehensionClauses()), position: arg.position)
                        }
                        args.append(arg)
                    }
                    if !accept(",") { break }
                }
                try expect(")", "expected ')' to close the call" + describeCurrent())
                e = Expr(kind: .call(e, args, keywords), position: pos)
            } else if accept("[") {
                let index = try subscriptContent()
                try expect("]")
                e = Expr(kind: .subscription(e, index), position: pos)
            } else if accept(".") {
                let attr = try name()
                e = Expr(kind: .attribute(e, attr), position: pos)
            } else {
                return e
            }
        }
    }

    static let sliceInTuple = "conclab's Python does not support a slice among several subscripts (x[1:2, 3])"

    package mutating func subscriptContent() throws(PySyntaxError) -> Expr {
        let pos = position
        var parts: [Expr?] = [nil]
        var isSlice = false
        if !isOp(":") { parts[0] = try namedExpression() }
        while accept(":") {
            isSlice = true
            parts.append(isOp(":") || isOp("]") ? nil : try expression())
        }
        if isSlice {
            if parts.count > 3 { throw error("invalid slice", at: pos) }
            while parts.count < 3 { parts.append(nil) }
            if isOp(",") { throw error(Self.sliceInTuple) }
            return Expr(kind: .slice(parts[0], parts[1], parts[2]), position: pos)
        }
        guard let only = parts[0] else { throw error("expected an index", at: pos) }
        guard isOp(",") else { return only }
        // `grid[x, y]`: the index is the tuple (x, y).
        var items = [only]
        while accept(",") {
            if isOp("]") { break }
            if isOp(":") { throw error(Self.sliceInTuple) }
            items.append(try starredExpression())
            if isOp(":") { throw error(Self.sliceInTuple) }
        }
        return Expr(kind: .tuple(items), position: pos)
    }

    package mutating func comprehensionClauses() throws(PySyntaxError) -> [Comprehension] {
        var clauses: [Comprehension] = []
        while acceptKeyword("for") {
            let target = try targetList()
            guard acceptKeyword("in") else { throw error("expected 'in'" + describeCurrent()) }
            let iterable = try orTest()
            var conditions: [Expr] = []
            while acceptKeyword("if") { conditions.append(try orTest()) }
            clauses.append(Comprehension(target: target, iterable: iterable, conditions: conditions))
        }
        return clauses
    }

    package mutating func atom() throws(PySyntaxError) -> Expr {
        let pos = position
        switch current.kind {
        case .name(let n):
            try checkName(n, at: pos)
            advance()
            return Expr(kind: .name(n), position: pos)
        case .int(let v): advance(); return Expr(kind: .int(v), position: pos)
        case .float(let v): advance(); return Expr(kind: .float(v), position: pos)
        case .bigInt(let v): advance(); return Expr(kind: .bigInt(v), position: pos)
        case .bytes:
            // Adjacent bytes literals concatenate; a str among them is CPython's SyntaxError.
            var value: [UInt8] = []
            while true {
                if case .bytes(let b) = current.kind { value += b; advance(); continue }
                if case .string = current.kind { throw error("cannot mix bytes and nonbytes literals", at: pos) }
                if case .fstring = current.kind { throw error("cannot mix bytes and nonbytes literals", at: pos) }
                break
            }
            return Expr(kind: .bytes(value), position: pos)
        case .string, .fstring:
            // Adjacent literals concatenate: "a" "b".
            var parts: [FStringPart] = []
            var isF = false
            while true {
                if case .string(let s) = current.kind { parts.append(.literal(s)); advance(); continue }
                if case .fstring(let s) = current.kind {
                    isF = true
                    parts += try fstringParts(s, at: current.position)
                    advance()
                    continue
                }
                if case .bytes = current.kind { throw error("cannot mix bytes and nonbytes literals", at: pos) }
                break
            }
            if !isF {
                var text = ""
                for case .literal(let s) in parts { text += s }
                return Expr(kind: .string(text), position: pos)
            }
            return Expr(kind: .fstring(parts), position: pos)
        case .keyword("None"): advance(); return Expr(kind: .constant(.none), position: pos)
        case .keyword("True"): advance(); return Expr(kind: .constant(.true), position: pos)
        case .keyword("False"): advance(); return Expr(kind: .constant(.false), position: pos)
        case .op("("):
            advance()
            if accept(")") { return Expr(kind: .tuple([]), position: pos) }
            if isKeyword("yield") {
                let y = try yieldExpression()
                try expect(")")
                return y
            }
            let first = try starredExpression(named: true)
            if isKeyword("for") {
                let clauses = try comprehensionClauses()
                try expect(")")
                return Expr(kind: .genExp(first, clauses), position: pos)
            }
            if accept(")") {
                if case .starred = first.kind { throw error("can't use starred expression here", at: first.position) }
                return first
            }
            var items = [first]
            while accept(",") {
                if isOp(")") { break }
                items.append(try starredExpression(named: true))
            }
            try expect(")", "expected ')'" + describeCurrent())
            return Expr(kind: .tuple(items), position: pos)
        case .op("["):
            advance()
            var items: [Expr] = []
            if !isOp("]") {
                let first = try starredExpression(named: true)
                if isKeyword("for") {
                    let clauses = try comprehensionClauses()
                    try expect("]")
                    return Expr(kind: .listComp(first, clauses), position: pos)
                }
                items.append(first)
                while accept(",") {
                    if isOp("]") { break }
                    items.append(try starredExpression(named: true))
                }
            }
            try expect("]", "expected ']'" + describeCurrent())
            return Expr(kind: .list(items), position: pos)
        case .op("{"):
            advance()
            var pairs: [(Expr, Expr)] = []
            // `**mapping` in a dict display is kept as a pair whose key and value are both `.starred(mapping)`.
            func doubleStarred() throws(PySyntaxError) -> (Expr, Expr) {
                let at = position
                advance()
                let mapping = Expr(kind: .starred(try bitOr()), position: at)
                return (mapping, mapping)
            }
            // The pairs after the first, each `key: value` or `**mapping`.
            func morePairs() throws(PySyntaxError) {
                while accept(",") {
                    if isOp("}") { break }
                    if isOp("**") { pairs.append(try doubleStarred()); continue }
                    let key = try expression()
                    try expect(":", "expected ':'" + describeCurrent())
                    pairs.append((key, try expression()))
                }
            }
            if isOp("**") {
                pairs.append(try doubleStarred())
                try morePairs()
            } else if !isOp("}") {
                let first = try starredExpression(named: true)
                if !isOp(":") {
                    // A set display or a set comprehension.
                    if isKeyword("for") {
                        let clauses = try comprehensionClauses()
                        try expect("}", "expected '}'" + describeCurrent())
                        return Expr(kind: .setComp(first, clauses), position: pos)
                    }
                    var items = [first]
                    while accept(",") {
                        if isOp("}") { break }
                        items.append(try starredExpression(named: true))
                    }
                    try expect("}", "expected '}'" + describeCurrent())
                    return Expr(kind: .set(items), position: pos)
                }
                advance()
                let value = try expression()
                if isKeyword("for") {
                    let clauses = try comprehensionClauses()
                    try expect("}", "expected '}'" + describeCurrent())
                    return Expr(kind: .dictComp(first, value, clauses), position: pos)
                }
                pairs.append((first, value))
                try morePairs()
            }
            try expect("}", "expected '}'" + describeCurrent())
            return Expr(kind: .dict(pairs), position: pos)
        case .op("..."): throw error("conclab's Python does not support Ellipsis (...) as a value (as in Tuple[int, ...]), only as a statement of its own (a stub's body)")
        case .keyword(let k): throw error("invalid syntax: unexpected '\(k)'")
        case .newline, .end, .dedent: throw error("invalid syntax: the expression is incomplete")
        case .indent: throw error("unexpected indent").indentation
        case .op(let o): throw error("invalid syntax: unexpected '\(o)'")
        }
    }

    /// Splits an f-string's text into literal parts and `{expression}` parts (with an optional `!r` or `:spec`).
    package func fstringParts(_ text: String, at pos: SourcePosition) throws(PySyntaxError) -> [FStringPart] {
        var parts: [FStringPart] = []
        let chars = Array(text)
        var literal = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\" && i + 2 < chars.count && chars[i + 1] == "N" && chars[i + 2] == "{",
               let close = chars[(i + 2)...].firstIndex(of: "}") {
                // `\N{BULLET}`: a character's name, not an expression.
                literal += String(chars[i...close])
                i = close + 1
                continue
            }
            if c == "{" {
                if i + 1 < chars.count && chars[i + 1] == "{" { literal.append("{"); i += 2; continue }
                if !literal.isEmpty { parts.append(.literal(Lexer.decodeEscapes(literal))); literal = "" }
                var depth = 1
                var j = i + 1
                var quote: Character?
                while j < chars.count {
                    let d = chars[j]
                    if let q = quote { if d == q { quote = nil } }
                    else if d == "'" || d == "\"" { quote = d }
                    else if d == "{" || d == "[" || d == "(" { depth += 1 }
                    else if d == "}" || d == "]" || d == ")" { depth -= 1; if depth == 0 { break } }
                    j += 1
                }
                guard j < chars.count else { throw error("f-string: expecting '}'", at: pos) }
                var inner = String(chars[(i + 1)..<j])
                var spec: String?
                if let colon = topLevelColon(inner) {
                    spec = String(inner[inner.index(after: colon)...])
                    inner = String(inner[..<colon])
                }
                var conversion: Character?
                if inner.hasSuffix("!r") || inner.hasSuffix("!s") {
                    conversion = inner.last
                    inner = String(inner.dropLast(2))
                }
                // `{expr=}` (Python 3.8): the expression's text, then its value, the repr unless a conversion or a
                // spec says otherwise.
                var beforeSpaces = Substring(inner)
                while beforeSpaces.last == " " { beforeSpaces = beforeSpaces.dropLast() }
                if beforeSpaces.hasSuffix("="), !["==", "!=", "<=", ">="].contains(where: { beforeSpaces.hasSuffix($0) }) {
                    parts.append(.literal(inner))
                    inner = String(beforeSpaces.dropLast())
                    if conversion == nil && spec == nil { conversion = "r" }
                }
                // !s is str(), what formatting does anyway: only !r is kept (in front of the spec).
                if conversion == "r" { spec = "!r" + (spec.map { ":" + $0 } ?? "") }
                if inner.trimmed().isEmpty { throw error("f-string: empty expression not allowed", at: pos) }
                do throws(PySyntaxError) {
                    var sub = Parser(tokens: try Lexer.tokenize("(" + inner + ")"), source: inner)
                    sub.functionDepth = functionDepth
                    let e = try sub.expression()
                    parts.append(.expression(Expr(kind: e.kind, position: pos), spec))
                } catch {
                    throw PySyntaxError(message: "f-string: " + error.message, position: pos, sourceLine: error.sourceLine)
                }
                i = j + 1
                continue
            }
            if c == "}" {
                if i + 1 < chars.count && chars[i + 1] == "}" { literal.append("}"); i += 2; continue }
                throw error("f-string: single '}' is not allowed", at: pos)
            }
            literal.append(c)
            i += 1
        }
        if !literal.isEmpty { parts.append(.literal(Lexer.decodeEscapes(literal))) }
        return parts
    }

    package func topLevelColon(_ text: String) -> String.Index? {
        var depth = 0
        var quote: Character?
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if let q = quote { if c == q { quote = nil } }
            else if c == "'" || c == "\"" { quote = c }
            else if c == "(" || c == "[" || c == "{" { depth += 1 }
            else if c == ")" || c == "]" || c == "}" { depth -= 1 }
            else if c == ":" && depth == 0 { return i }
            i = text.index(after: i)
        }
        return nil
    }
}
