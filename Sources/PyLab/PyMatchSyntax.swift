import LabCore

/// `match`/`case` (Python 3.10's structural pattern matching), parsed as CPython's PEG grammar parses it. `match`
/// and `case` are soft keywords: a line is a `match` statement only when it starts with the name `match` and ends
/// with `:` (which no expression statement can), so `match = 3`, `match(x)` and `case.attr` stay plain names.
extension Parser {
    /// A `match subject:` line (see the type's comment).
    func startsMatchStatement() -> Bool {
        guard case .name("match") = current.kind, lineEndsWithColon() else { return false }
        // `match:` alone, or `match = …`, `match.x …`: not a subject after the word.
        if index + 1 < tokens.count, case .op(let o) = tokens[index + 1].kind, ["=", ".", ":", ";", ","].contains(o) { return false }
        return true
    }

    package mutating func matchStatement() throws(PySyntaxError) -> Stmt {
        let pos = position
        advance() // match
        let subject = try expressionList()
        try expect(":", "expected ':'" + describeCurrent())
        guard current.kind == .newline else { throw error("expected a new line after 'match …:'" + describeCurrent()) }
        advance()
        while current.kind == .newline { advance() }
        guard current.kind == .indent else { throw error("expected an indented block") }
        advance()
        blockDepth += 1
        defer { blockDepth -= 1 }
        if blockDepth > Self.maxBlockDepth { throw error("too many levels of indentation") }
        var cases: [MatchCase] = []
        while current.kind != .dedent && current.kind != .end {
            guard case .name("case") = current.kind else { throw error("expected 'case'" + describeCurrent()) }
            advance()
            let pattern = try topPattern()
            let guardTest: Expr? = acceptKeyword("if") ? try namedExpression() : nil
            cases.append(MatchCase(pattern: pattern, guardTest: guardTest, body: try block()))
            while current.kind == .newline { advance() }
        }
        if current.kind == .dedent { advance() }
        return Stmt(kind: .match(subject, cases), position: pos)
    }

    /// `case a, *rest:`: an open sequence pattern, or one pattern.
    package mutating func topPattern() throws(PySyntaxError) -> Pattern {
        let pos = position
        let first = try maybeStarPattern()
        guard isOp(",") else {
            if case .star = first.kind { throw error("invalid syntax: a starred pattern must be in a sequence pattern", at: pos) }
            return first
        }
        var items = [first]
        while accept(",") {
            if isOp(":") || isKeyword("if") { break }
            items.append(try maybeStarPattern())
        }
        return Pattern(kind: .sequence(items), position: pos)
    }

    package mutating func maybeStarPattern() throws(PySyntaxError) -> Pattern {
        let pos = position
        guard accept("*") else { return try pattern() }
        return Pattern(kind: .star(try captureTarget(wildcardAllowed: true)), position: pos)
    }

    /// A name a pattern binds; nil for `_` where a wildcard may stand.
    package mutating func captureTarget(wildcardAllowed: Bool) throws(PySyntaxError) -> String? {
        if case .name("_") = current.kind {
            if !wildcardAllowed { throw error("cannot use '_' as a target") }
            advance()
            return nil
        }
        return try name()
    }

    /// `or_pattern ['as' name]`.
    package mutating func pattern() throws(PySyntaxError) -> Pattern {
        let pos = position
        var alternatives = [try closedPattern()]
        while accept("|") { alternatives.append(try closedPattern()) }
        let inner = alternatives.count == 1 ? alternatives[0] : Pattern(kind: .or(alternatives), position: pos)
        guard acceptKeyword("as") else { return inner }
        return Pattern(kind: .capture(try captureTarget(wildcardAllowed: false), inner), position: pos)
    }

    package mutating func closedPattern() throws(PySyntaxError) -> Pattern {
        try enterNesting()
        defer { nesting -= 1 }
        let pos = position
        switch current.kind {
        case .int, .float, .bigInt, .op("-"), .string, .bytes, .fstring:
            return Pattern(kind: .value(try literalPatternValue()), position: pos)
        case .keyword("None"): advance(); return Pattern(kind: .singleton(.none), position: pos)
        case .keyword("True"): advance(); return Pattern(kind: .singleton(.true), position: pos)
        case .keyword("False"): advance(); return Pattern(kind: .singleton(.false), position: pos)
        case .name(let n):
            if n == "_" && !(index + 1 < tokens.count && [.op("."), .op("(")].contains(tokens[index + 1].kind)) {
                advance()
                return Pattern(kind: .capture(nil, nil), position: pos)
            }
            let dotted = try dottedNamePattern()
            if isOp("(") { return try classPattern(dotted, at: pos) }
            if case .name(let only) = dotted.kind {
                if isOp("=") { throw error("invalid syntax" + describeCurrent()) }
                return Pattern(kind: .capture(only, nil), position: pos)
            }
            return Pattern(kind: .value(dotted), position: pos)
        case .op("("):
            advance()
            if accept(")") { return Pattern(kind: .sequence([]), position: pos) }
            let first = try maybeStarPattern()
            if accept(")") {
                if case .star = first.kind { return Pattern(kind: .sequence([first]), position: pos) }
                return first // a group
            }
            var items = [first]
            try expect(",", "expected ')' or ','" + describeCurrent())
            while !isOp(")") {
                items.append(try maybeStarPattern())
                if !accept(",") { break }
            }
            try expect(")", "expected ')'" + describeCurrent())
            return Pattern(kind: .sequence(items), position: pos)
        case .op("["):
            advance()
            var items: [Pattern] = []
            while !isOp("]") {
                items.append(try maybeStarPattern())
                if !accept(",") { break }
            }
            try expect("]", "expected ']'" + describeCurrent())
            return Pattern(kind: .sequence(items), position: pos)
        case .op("{"):
            return try mappingPattern()
        default:
            throw error("invalid syntax: expected a pattern" + describeCurrent())
        }
    }

    /// A number (maybe negative), a string or bytes literal (adjacent ones joined).
    package mutating func literalPatternValue() throws(PySyntaxError) -> Expr {
        let pos = position
        let negative = accept("-")
        let value: Expr
        switch current.kind {
        case .int(let v): advance(); value = Expr(kind: .int(negative ? -v : v), position: pos)
        case .float(let v): advance(); value = Expr(kind: .float(negative ? -v : v), position: pos)
        case .bigInt(let v): advance(); value = Expr(kind: .bigInt(negative ? -v : v), position: pos)
        case .string, .bytes, .fstring:
            if negative { throw error("invalid syntax: expected a number" + describeCurrent()) }
            let value = try atom()
            if case .fstring = value.kind { throw error("patterns may only match literals and attribute lookups", at: pos) }
            return value
        default:
            throw error("invalid syntax: expected a number" + describeCurrent())
        }
        if isOp("+") || isOp("-") {
            throw error("conclab's Python does not support complex numbers (in a pattern: 'imaginary number required in complex literal')")
        }
        return value
    }

    /// `name` or `name.attr.attr…`.
    package mutating func dottedNamePattern() throws(PySyntaxError) -> Expr {
        let pos = position
        var e = Expr(kind: .name(try name()), position: pos)
        while isOp(".") {
            let at = position
            advance()
            e = Expr(kind: .attribute(e, try name()), position: at)
        }
        return e
    }

    package mutating func classPattern(_ cls: Expr, at pos: SourcePosition) throws(PySyntaxError) -> Pattern {
        try expect("(")
        var positional: [Pattern] = []
        var keywords: [(String, Pattern)] = []
        while !isOp(")") {
            if case .name(let n) = current.kind, index + 1 < tokens.count, tokens[index + 1].kind == .op("=") {
                try checkName(n, at: position)
                advance(); advance()
                keywords.append((n, try pattern()))
            } else {
                if !keywords.isEmpty { throw error("positional patterns follow keyword patterns") }
                positional.append(try pattern())
            }
            if !accept(",") { break }
        }
        try expect(")", "expected ')'" + describeCurrent())
        return Pattern(kind: .classPattern(cls, positional, keywords), position: pos)
    }

    package mutating func mappingPattern() throws(PySyntaxError) -> Pattern {
        let pos = position
        advance() // {
        var keys: [Expr] = []
        var values: [Pattern] = []
        var rest: String?
        while !isOp("}") {
            if accept("**") {
                guard let target = try captureTarget(wildcardAllowed: true) else { throw error("invalid syntax: '**_' in a mapping pattern") }
                rest = target
                _ = accept(",")
                break
            }
            let keyPos = position
            switch current.kind {
            case .keyword("None"): advance(); keys.append(Expr(kind: .constant(.none), position: keyPos))
            case .keyword("True"): advance(); keys.append(Expr(kind: .constant(.true), position: keyPos))
            case .keyword("False"): advance(); keys.append(Expr(kind: .constant(.false), position: keyPos))
            case .name:
                let key = try dottedNamePattern()
                if case .name = key.kind { throw error("mapping pattern keys may only match literals and attribute lookups", at: keyPos) }
                keys.append(key)
            default:
                keys.append(try literalPatternValue())
            }
            try expect(":", "expected ':'" + describeCurrent())
            values.append(try pattern())
            if !accept(",") { break }
        }
        try expect("}", "expected '}'" + describeCurrent())
        return Pattern(kind: .mapping(keys, values, rest: rest), position: pos)
    }
}

/// What compiling one `case` pattern keeps track of, as CPython 3.11's `pattern_context`: the names captured so
/// far (their values wait on the stack, the first captured on top of them, until the whole pattern has matched),
/// how many values of enclosing patterns sit above those, whether an irrefutable pattern may stand here, and the
/// labels a failed test jumps to (`failPop[n]` pops n values, then falls into `failPop[n - 1]`).
package struct PatternContext {
    package var stores: [String] = []
    package var allowIrrefutable = false
    package var failPop: [Int] = []
    package var onTop = 0
}

/// `match` compiles as CPython 3.11's compiler does (`compiler_match`): the subject stays on the stack while the
/// cases are tried (each but the last tries a `COPY` of it), a pattern consumes what it tests and leaves the values
/// it captures on the stack, which are stored only when the whole pattern has matched (before the guard runs, so
/// a failed guard leaves them bound, as in CPython).
extension Compiler {
    package mutating func matchStatement(_ subject: Expr, _ cases: [MatchCase]) throws(PySyntaxError) {
        try expression(subject)
        guard let last = cases.last else { throw error("expected 'case'") }
        let end = newLabel()
        // A trailing `case _:` needs no copy of the subject before the case before it.
        let hasDefault = cases.count > 1 && last.pattern.isWildcard
        let tried = cases.count - (hasDefault ? 1 : 0)
        for (i, c) in cases.prefix(tried).enumerated() {
            position = c.pattern.position
            if i != tried - 1 { try emit(.copy, 1) }
            var context = PatternContext()
            context.allowIrrefutable = c.guardTest != nil || i == cases.count - 1
            try compilePattern(c.pattern, &context)
            for name in context.stores { try store(name) }
            context.stores = []
            if let test = c.guardTest {
                ensureFailPop(&context, 0)
                try jumpIf(test, context.failPop[0], when: false)
            }
            if i != tried - 1 { try emit(.popTop) }
            try compileBlock(c.body)
            try emitJump(.jumpForward, end, line: false)
            position = c.pattern.position
            try emitAndResetFailPop(&context)
        }
        if hasDefault {
            position = last.pattern.position
            try emit(.nop)
            if let test = last.guardTest { try jumpIf(test, end, when: false) }
            try compileBlock(last.body)
        }
        bind(end)
    }

    package mutating func ensureFailPop(_ context: inout PatternContext, _ pops: Int) {
        while context.failPop.count <= pops { context.failPop.append(newLabel()) }
    }

    /// Leaves the pattern when the test on top fails: pops what is on top and every capture waiting below it.
    package mutating func jumpToFailPop(_ context: inout PatternContext, _ op: Op) throws(PySyntaxError) {
        let pops = context.onTop + context.stores.count
        ensureFailPop(&context, pops)
        try emitJump(op, context.failPop[pops])
    }

    package mutating func emitAndResetFailPop(_ context: inout PatternContext) throws(PySyntaxError) {
        guard !context.failPop.isEmpty else { return }
        for n in stride(from: context.failPop.count - 1, to: 0, by: -1) {
            bind(context.failPop[n])
            try emit(.popTop)
        }
        bind(context.failPop[0])
        context.failPop = []
    }

    /// Moves the top of the stack `count - 1` places down (3.11's `SWAP count`, `SWAP count - 1`, … `SWAP 2`).
    package mutating func rotate(_ count: Int) throws(PySyntaxError) {
        var n = count
        while n > 1 {
            try emit(.swap, n)
            n -= 1
        }
    }

    /// A capture: the value on top waits below the other captures until the pattern has matched; `_` drops it.
    package mutating func storeCapture(_ name: String?, _ context: inout PatternContext) throws(PySyntaxError) {
        guard let name else {
            try emit(.popTop)
            return
        }
        if context.stores.contains(name) { throw error("multiple assignments to name '\(name)' in pattern") }
        try rotate(context.onTop + context.stores.count + 1)
        context.stores.append(name)
    }

    /// A pattern inside another one: it may be irrefutable (`[x, _]`).
    package mutating func compileSubpattern(_ p: Pattern, _ context: inout PatternContext) throws(PySyntaxError) {
        let saved = context.allowIrrefutable
        context.allowIrrefutable = true
        try compilePattern(p, &context)
        context.allowIrrefutable = saved
    }

    /// Tests the value on top of the stack against `p`, consuming it.
    package mutating func compilePattern(_ p: Pattern, _ context: inout PatternContext) throws(PySyntaxError) {
        position = p.position
        switch p.kind {
        case .value(let value):
            try expression(value)
            position = p.position
            try emitOperator(.compareEQ)
            try jumpToFailPop(&context, .popJumpForwardIfFalse)
        case .singleton(let constant):
            switch constant {
            case .none: try loadConstant(.none)
            case .true: try loadConstant(.true)
            case .false: try loadConstant(.false)
            }
            try emitOperator(.isOp)
            try jumpToFailPop(&context, .popJumpForwardIfFalse)
        case .capture(let name, nil):
            if !context.allowIrrefutable {
                if let name { throw error("name capture '\(name)' makes remaining patterns unreachable") }
                throw error("wildcard makes remaining patterns unreachable")
            }
            try storeCapture(name, &context)
        case .capture(let name, let inner?):
            context.onTop += 1
            try emit(.copy, 1)
            try compilePattern(inner, &context)
            position = p.position
            context.onTop -= 1
            try storeCapture(name, &context)
        case .star(let name):
            try storeCapture(name, &context)
        case .sequence(let items):
            try sequencePattern(items, &context)
        case .mapping(let keys, let values, let rest):
            try mappingPattern(keys, values, rest: rest, &context)
        case .classPattern(let cls, let positional, let keywords):
            try classPattern(cls, positional, keywords, &context)
        case .or(let alternatives):
            try orPattern(alternatives, &context)
        }
    }

    package mutating func sequencePattern(_ items: [Pattern], _ context: inout PatternContext) throws(PySyntaxError) {
        var star: Int?
        var onlyWildcards = true
        var starWildcard = false
        for (i, item) in items.enumerated() {
            if case .star(let name) = item.kind {
                if star != nil { throw error("multiple starred names in sequence pattern", at: item.position) }
                star = i
                starWildcard = name == nil
                onlyWildcards = onlyWildcards && starWildcard
                continue
            }
            onlyWildcards = onlyWildcards && item.isWildcard
        }
        let pos = position
        // The subject stays on top through the type and length checks.
        context.onTop += 1
        try emit(.matchSequence)
        try jumpToFailPop(&context, .popJumpForwardIfFalse)
        if star == nil || items.count > 1 {
            try emit(.getLen)
            try loadConstant(.int(star == nil ? items.count : items.count - 1))
            try emitOperator(star == nil ? .compareEQ : .compareGE)
            try jumpToFailPop(&context, .popJumpForwardIfFalse)
        }
        context.onTop -= 1
        if onlyWildcards {
            try emit(.popTop)
        } else if let star, starWildcard {
            // `[a, *_, b]`: index the items instead of unpacking them all.
            context.onTop += 1
            for (i, item) in items.enumerated() where i != star && !item.isWildcard {
                position = pos
                try emit(.copy, 1)
                if i < star {
                    try loadConstant(.int(i))
                } else {
                    // The subject may not take negative indexes: len(subject) - k.
                    try emit(.getLen)
                    try loadConstant(.int(items.count - i))
                    try emitOperator(.binarySub)
                }
                try emit(.binarySubscr)
                try compileSubpattern(item, &context)
            }
            context.onTop -= 1
            position = pos
            try emit(.popTop)
        } else {
            if let star {
                try emit(.unpackEx, star | (items.count - star - 1) << 8)
            } else {
                try emit(.unpackSequence, items.count)
            }
            context.onTop += items.count
            for item in items {
                context.onTop -= 1
                try compileSubpattern(item, &context)
            }
        }
    }

    package mutating func mappingPattern(_ keys: [Expr], _ values: [Pattern], rest: String?, _ context: inout PatternContext) throws(PySyntaxError) {
        let pos = position
        context.onTop += 1
        try emit(.matchMapping)
        try jumpToFailPop(&context, .popJumpForwardIfFalse)
        if keys.isEmpty && rest == nil {
            context.onTop -= 1
            try emit(.popTop)
            return
        }
        if !keys.isEmpty {
            try emit(.getLen)
            try loadConstant(.int(keys.count))
            try emitOperator(.compareGE)
            try jumpToFailPop(&context, .popJumpForwardIfFalse)
        }
        var seen: Set<String> = []
        for key in keys {
            if let literal = Self.literalKey(key) {
                if !seen.insert(literal.identity).inserted { throw error("mapping pattern checks duplicate key (\(literal.repr))", at: key.position) }
            }
            try expression(key)
        }
        position = pos
        try emit(.buildTuple, keys.count)
        try emit(.matchKeys)
        // The tuple of keys and the tuple of values (or None) are on top of the subject.
        context.onTop += 2
        try emit(.copy, 1)
        try loadConstant(.none)
        try emitOperator(.isNotOp)
        try jumpToFailPop(&context, .popJumpForwardIfFalse)
        try emit(.unpackSequence, keys.count)
        context.onTop += keys.count - 1
        for value in values {
            context.onTop -= 1
            try compileSubpattern(value, &context)
        }
        position = pos
        context.onTop -= 2
        if let rest {
            // rest = dict(subject), then del rest[key] for each key.
            try emit(.buildMap, 0)
            try emit(.swap, 3)
            try emit(.dictUpdate, 2)
            try emit(.unpackSequence, keys.count)
            var n = keys.count
            while n > 0 {
                try emit(.copy, 1 + n)
                n -= 1
                try emit(.swap, 2)
                try emit(.deleteSubscr)
            }
            try storeCapture(rest, &context)
        } else {
            try emit(.popTop)
            try emit(.popTop)
        }
    }

    /// A literal mapping key's value as the duplicate check compares it (1, 1.0 and True are the same key), and
    /// its repr for the message.
    package static func literalKey(_ key: Expr) -> (identity: String, repr: String)? {
        switch key.kind {
        case .int(let v): return ("n\(v)", "\(v)")
        case .bigInt(let v): return ("n\(v)", "\(v)")
        case .float(let v):
            let text = PyFormat.floatRepr(v)
            if v == v.rounded(), abs(v) < 1e18 { return ("n\(Int(v))", text) }
            return ("f\(text)", text)
        case .constant(.true): return ("n1", "True")
        case .constant(.false): return ("n0", "False")
        case .constant(.none): return ("None", "None")
        case .string(let s): return ("s" + s, "'\(s)'")
        case .bytes(let b): return ("b" + b.map { String($0) }.joined(separator: ","), "b'" + String(decoding: b, as: UTF8.self) + "'")
        default: return nil
        }
    }

    package mutating func classPattern(_ cls: Expr, _ positional: [Pattern], _ keywords: [(String, Pattern)],
                                       _ context: inout PatternContext) throws(PySyntaxError) {
        let pos = position
        var names: Set<String> = []
        for (name, _) in keywords where !names.insert(name).inserted {
            throw error("attribute name repeated in class pattern: \(name)")
        }
        try expression(cls)
        position = pos
        try emit(.loadConst, constant(runtime.constantTuple(keywords.map { runtime.constant($0.0) })))
        try emit(.matchClass, positional.count)
        try emit(.copy, 1)
        try loadConstant(.none)
        try emitOperator(.isNotOp)
        // On top: a tuple of the attributes (or None).
        context.onTop += 1
        try jumpToFailPop(&context, .popJumpForwardIfFalse)
        let all = positional + keywords.map(\.1)
        try emit(.unpackSequence, all.count)
        context.onTop += all.count - 1
        for item in all {
            context.onTop -= 1
            if item.isWildcard {
                try emit(.popTop)
                continue
            }
            try compileSubpattern(item, &context)
        }
    }

    /// `p1 | p2 | …`: each alternative tries a copy of the subject; they must bind the same names, whose values
    /// are put in the first alternative's order before they join the captures waiting below.
    package mutating func orPattern(_ alternatives: [Pattern], _ context: inout PatternContext) throws(PySyntaxError) {
        let end = newLabel()
        let outer = context
        var control: [String]?
        for (i, alternative) in alternatives.enumerated() {
            position = alternative.position
            context = PatternContext()
            context.allowIrrefutable = i == alternatives.count - 1 && outer.allowIrrefutable
            try emit(.copy, 1)
            try compilePattern(alternative, &context)
            position = alternative.position
            if let control {
                guard context.stores.count == control.count, Set(context.stores) == Set(control) else {
                    throw error("alternative patterns bind different names")
                }
                try reorderCaptures(&context.stores, to: control)
            } else {
                control = context.stores
            }
            try emitJump(.jumpForward, end)
            try emitAndResetFailPop(&context)
        }
        context = outer
        // No alternative matched: drop the subject and fail.
        try emit(.popTop)
        try jumpToFailPop(&context, .jumpForward)
        bind(end)
        let captured = control ?? []
        let rotations = captured.count + 1 + context.onTop + context.stores.count
        for name in captured {
            try rotate(rotations)
            if context.stores.contains(name) { throw error("multiple assignments to name '\(name)' in pattern") }
            context.stores.append(name)
        }
        try emit(.popTop)
    }

    /// Swaps the captured values on top of the stack (the first of `stores` on top) into `order`.
    package mutating func reorderCaptures(_ stores: inout [String], to order: [String]) throws(PySyntaxError) {
        for k in stride(from: order.count - 1, to: 0, by: -1) where stores[k] != order[k] {
            guard let j = stores.firstIndex(of: order[k]) else { throw error("alternative patterns bind different names") }
            if j != 0 {
                try emit(.swap, j + 1)
                stores.swapAt(0, j)
            }
            try emit(.swap, k + 1)
            stores.swapAt(0, k)
        }
    }
}
