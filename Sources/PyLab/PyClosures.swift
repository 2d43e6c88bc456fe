import LabCore

/// Which names a scope refers to, for closures: a function's own names and the names its nested functions,
/// lambdas, generator expressions and classes need from outside themselves. From these the compiler finds a
/// function's cells (its locals a nested function uses) and its free variables (names it, or something nested in
/// it, takes from an enclosing function), as CPython's symtable does.
package struct NameUse {
    /// Names this scope loads, stores or deletes itself.
    package var used: Set<String> = []
    /// Names nested scopes take from outside themselves.
    package var nestedFree: Set<String> = []
    package var nonlocals: Set<String> = []
    /// A class body's own statements: a comprehension there is a scope of its own (see `Expr.hasOwnScope`).
    package var classBody = false

    package init(_ body: [Stmt], classBody: Bool = false) {
        self.classBody = classBody
        for s in body { stmt(s) }
    }

    /// The names a function (or lambda, or generator expression) with these parameters and body takes from
    /// outside itself: what it refers to, minus its parameters, its locals and its globals.
    package static func free(parameters: [String], body: [Stmt]) -> Set<String> {
        let use = NameUse(body)
        let scope = ScopeAnalysis(body)
        let locals = Set(parameters).union(scope.assigned).subtracting(scope.globals).subtracting(use.nonlocals)
        return use.used.union(use.nestedFree).union(use.nonlocals).subtracting(locals).subtracting(scope.globals)
    }

    /// A class body: its own names are not visible to its methods, so what they need passes through it. A method
    /// calling `super()` also needs the class itself (`name`: CPython's `__class__` cell; conclab loads the name).
    package static func freeOfClass(named name: String, _ body: [Stmt]) -> Set<String> {
        let use = NameUse(body, classBody: true)
        let scope = ScopeAnalysis(body)
        let free = use.used.subtracting(scope.assigned).subtracting(scope.globals).union(use.nestedFree)
        return use.nestedFree.contains("super") ? free.union([name]) : free
    }

    /// A generator expression's own scope: `.0` (the first iterable, evaluated outside), its targets, the rest.
    package static func genExpBody(_ element: Expr, _ clauses: [Comprehension], at pos: SourcePosition) -> [Stmt] {
        comprehensionBody([Expr(kind: .yield(element), position: element.position)], clauses, at: pos)
    }

    /// A comprehension's scope as statements (what its names are, not how it runs): loops over `.0` and the later
    /// iterables, the conditions, then the element expressions.
    package static func comprehensionBody(_ elements: [Expr], _ clauses: [Comprehension], at pos: SourcePosition) -> [Stmt] {
        var body = elements.map { Stmt(kind: .expression($0), position: $0.position) }
        for (i, clause) in clauses.enumerated().reversed() {
            for cond in clause.conditions.reversed() {
                body = [Stmt(kind: .ifStmt(cond, body, []), position: cond.position)]
            }
            let iterable = i == 0 ? Expr(kind: .name(".0"), position: pos) : clause.iterable
            body = [Stmt(kind: .forStmt(clause.target, iterable, body, []), position: clause.target.position)]
        }
        return body
    }

    package mutating func stmts(_ body: [Stmt]) { for s in body { stmt(s) } }

    package mutating func stmt(_ s: Stmt) {
        switch s.kind {
        case .expression(let e): expr(e)
        case .assign(let targets, let value): targets.forEach { expr($0) }; expr(value)
        case .augAssign(let t, _, let v): expr(t); expr(v)
        case .annotated(let t, let a, let v): expr(t); expr(a); if let v { expr(v) }
        case .ifStmt(let t, let b, let o), .whileStmt(let t, let b, let o): expr(t); stmts(b); stmts(o)
        case .forStmt(let t, let it, let b, let o): expr(t); expr(it); stmts(b); stmts(o)
        case .def(let n, let params, let body):
            used.insert(n)
            for p in params { if let d = p.defaultValue { expr(d) } }
            nestedFree.formUnion(Self.free(parameters: params.map(\.name), body: body))
        case .classDef(let n, let bases, let body):
            used.insert(n)
            bases.forEach { expr($0) }
            nestedFree.formUnion(Self.freeOfClass(named: n, body))
        case .decorated(let decorators, let definition): decorators.forEach { expr($0) }; stmt(definition)
        case .returnStmt(let v): if let v { expr(v) }
        case .raise(let v, let cause): if let v { expr(v) }; if let cause { expr(cause) }
        case .tryStmt(let b, let handlers, let o, let f):
            stmts(b)
            for h in handlers {
                if let n = h.name { used.insert(n) }
                if let t = h.type { expr(t) }
                stmts(h.body)
            }
            stmts(o); stmts(f)
        case .with(let c, let t, let b): expr(c); if let t { expr(t) }; stmts(b)
        case .assert(let t, let m): expr(t); if let m { expr(m) }
        case .del(let targets): targets.forEach { expr($0) }
        case .nonlocal(let names): nonlocals.formUnion(names)
        case .importModules(let aliases): for a in aliases { used.insert(a.asName ?? String(a.name.prefix { $0 != "." })) }
        case .importFrom(_, let aliases): for a in aliases where a.name != "*" { used.insert(a.asName ?? a.name) }
        case .match(let subject, let cases):
            expr(subject)
            for c in cases {
                used.formUnion(c.pattern.boundNames)
                c.pattern.expressions.forEach { expr($0) }
                if let g = c.guardTest { expr(g) }
                stmts(c.body)
            }
        case .global, .pass, .breakStmt, .continueStmt: break
        }
    }

    package mutating func expr(_ e: Expr) {
        switch e.kind {
        case .name(let n), .namedExpr(let n, _): used.insert(n)
        case .lambda(let params, let body):
            nestedFree.formUnion(Self.free(parameters: params.map(\.name), body: [Stmt(kind: .returnStmt(body), position: body.position)]))
        case .genExp(let el, let clauses):
            nestedFree.formUnion(Self.free(parameters: [".0"], body: Self.genExpBody(el, clauses, at: e.position)))
        case .listComp(_, let clauses), .setComp(_, let clauses), .dictComp(_, _, let clauses):
            if classBody || e.hasOwnScope {
                nestedFree.formUnion(Self.free(parameters: [".0"], body: Self.comprehensionBody(e.comprehensionElements, clauses, at: e.position)))
                expr(clauses[0].iterable)
                return
            }
        default: break
        }
        for child in e.childrenInScope { expr(child) }
    }
}

extension Expr {
    /// A list, set or dict comprehension's element expressions (a dict's key and value).
    package var comprehensionElements: [Expr] {
        switch kind {
        case .listComp(let el, _), .setComp(let el, _), .genExp(let el, _): return [el]
        case .dictComp(let k, let v, _): return [k, v]
        default: return []
        }
    }

    /// What of a comprehension or generator expression runs in its own scope: its elements, conditions and every
    /// iterable but the first (which runs where it is written).
    package var comprehensionInnerParts: [Expr] {
        let clauses: [Comprehension]
        switch kind {
        case .listComp(_, let c), .setComp(_, let c), .dictComp(_, _, let c), .genExp(_, let c): clauses = c
        default: return []
        }
        return comprehensionElements + clauses.enumerated().flatMap { i, c in (i == 0 ? [] : [c.iterable]) + c.conditions }
    }

    /// Whether this list, set or dict comprehension is compiled as CPython 3.11 compiles every comprehension, a
    /// function of its own called with the first iterable's iterator: when a lambda, generator expression or such
    /// a comprehension inside it uses one of its variables (each closes over the variable's cell, as in CPython).
    /// Otherwise conclab runs it in place, its variables hidden locals, which no nested scope can tell apart. A
    /// comprehension in a class body always has its own scope (the class's names are not visible in it).
    package var hasOwnScope: Bool {
        let clauses: [Comprehension]
        switch kind {
        case .listComp(_, let c), .setComp(_, let c), .dictComp(_, _, let c): clauses = c
        default: return false
        }
        let variables = Set(clauses.flatMap { ScopeAnalysis.names(in: $0.target) })
        return comprehensionInnerParts.flatMap(\.nestedScopes).contains { !$0.namesReadFromOutside.isDisjoint(with: variables) }
    }
}

extension Expr {
    /// The expressions inside this one that run in the same scope: not a lambda's body or a generator
    /// expression's (their own scopes), but their defaults and first iterable; a list, set or dict
    /// comprehension's parts, which conclab compiles in place (unless it `hasOwnScope`, which `NameUse` sees to).
    package var childrenInScope: [Expr] {
        switch kind {
        case .name, .int, .float, .bigInt, .string, .bytes, .constant: return []
        case .fstring(let parts): return parts.compactMap { if case .expression(let x, _) = $0 { return x }; return nil }
        case .list(let items), .tuple(let items), .set(let items), .boolOp(_, let items), .compare(_, let items): return items
        case .dict(let pairs): return pairs.flatMap { [$0.0, $0.1] }
        case .unary(_, let x), .starred(let x), .yieldFrom(let x), .attribute(let x, _), .namedExpr(_, let x): return [x]
        case .binary(_, let a, let b), .subscription(let a, let b): return [a, b]
        case .call(let f, let args, let kws): return [f] + args + kws.map(\.1)
        case .slice(let a, let b, let c): return [a, b, c].compactMap { $0 }
        case .ifExpr(let a, let b, let c): return [a, b, c]
        case .yield(let v): return v.map { [$0] } ?? []
        case .lambda(let params, _): return params.compactMap(\.defaultValue)
        case .listComp(let el, let clauses), .setComp(let el, let clauses):
            return [el] + clauses.flatMap { [$0.target, $0.iterable] + $0.conditions }
        case .dictComp(let k, let v, let clauses):
            return [k, v] + clauses.flatMap { [$0.target, $0.iterable] + $0.conditions }
        case .genExp(_, let clauses): return clauses.first.map { [$0.iterable] } ?? []
        }
    }
}

extension Expr {
    /// Every name this expression reads, nested scopes (lambdas, generator expressions) included.
    package var namesRead: Set<String> {
        var names = Set<String>()
        func walk(_ e: Expr) {
            switch e.kind {
            case .name(let n): names.insert(n)
            case .lambda(_, let body): walk(body)
            case .genExp(let el, let clauses):
                walk(el)
                for c in clauses { walk(c.iterable); c.conditions.forEach(walk) }
            default: e.childrenInScope.forEach(walk)
            }
        }
        walk(self)
        return names
    }

    /// The names a lambda or a generator expression reads from the scope around it when it runs: not its own
    /// parameters or loop variables, nor what runs where it is written (a lambda's defaults, a generator
    /// expression's first iterable). Nested scopes inside it count whole (an over-estimate, never an under-).
    package var namesReadFromOutside: Set<String> {
        switch kind {
        case .lambda(let params, let body):
            return body.namesRead.subtracting(params.map(\.name))
        case .genExp(_, let clauses), .listComp(_, let clauses), .setComp(_, let clauses), .dictComp(_, _, let clauses):
            return Set(comprehensionInnerParts.flatMap(\.namesRead)).subtracting(clauses.flatMap { ScopeAnalysis.names(in: $0.target) })
        default:
            return namesRead
        }
    }

    /// The lambdas, generator expressions and comprehensions with a scope of their own inside this expression (not
    /// inside another one of them), with what of theirs runs where they are written (defaults, a first iterable).
    package var nestedScopes: [Expr] {
        switch kind {
        case .lambda(let params, _): return [self] + params.compactMap(\.defaultValue).flatMap(\.nestedScopes)
        case .genExp(_, let clauses): return [self] + clauses[0].iterable.nestedScopes
        case .listComp(_, let clauses), .setComp(_, let clauses), .dictComp(_, _, let clauses) where hasOwnScope:
            return [self] + clauses[0].iterable.nestedScopes
        default: return childrenInScope.flatMap(\.nestedScopes)
        }
    }
}

extension Expr {
    /// Where the first `:=` that binds in this expression's scope (or, from a generator expression, in the scope
    /// around it) stands; a lambda's body is its own scope.
    package var firstNamedExpression: SourcePosition? {
        switch kind {
        case .namedExpr: return position
        case .lambda(let params, _): return params.lazy.compactMap { $0.defaultValue?.firstNamedExpression }.first
        case .genExp(let element, let clauses):
            return ([element] + clauses.flatMap { [$0.iterable] + $0.conditions }).lazy.compactMap(\.firstNamedExpression).first
        default: return childrenInScope.lazy.compactMap(\.firstNamedExpression).first
        }
    }
}
