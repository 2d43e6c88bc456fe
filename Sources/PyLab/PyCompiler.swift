import LabCore
/// Compiles a syntax tree to bytecode: one `CodeObject` per module, function, lambda and class body, in CPython
/// 3.11's instructions and shapes, so `dis` prints what `python3.11 -m dis` prints for the same snippet.
///
/// Names are resolved here, once: a function's assigned names are locals (`LOAD_FAST`, a slot in the frame), the
/// globals a function reads are `LOAD_GLOBAL`; at module level a name is `LOAD_NAME`/`STORE_NAME` on the module's
/// namespace, which is its globals (a slot in the runtime's shared table); class-body names live in the class
/// (`LOAD_NAME` by interned name). Statements follow 3.11's compiler (`compile.c`): a `while` tests its condition
/// at the top and again at the bottom, conditions jump without building a bool, a call is `PUSH_NULL` (or
/// `LOAD_METHOD`, or `LOAD_GLOBAL` with its NULL bit), the callee, the arguments, `PRECALL` and `CALL`. `try`,
/// `with` and `finally` compile to exception-table ranges, as in 3.11. `PyAssembler` then does what 3.11's
/// assembler does after the compiler.
///
/// Where conclab's code differs from 3.11's (see `DisCommand`'s help): a comprehension is compiled in place (as
/// 3.12 does) unless a nested scope uses its variables or it is in a class body, a class statement is one
/// `MAKE_CLASS`, and `try`/`with`/`finally` keep the exception on the stack with their own few instructions instead
/// of 3.11's `PUSH_EXC_INFO` protocol.
package struct Compiler {
    /// How a name is reached.
    package enum NameRef { case fast(Int), global(Int), moduleName(Int), className(Int), deref(Int) }

    package final class Region {
        package let handler: Int // label
        package let depth: Int
        package let level: Int
        package var start: Int?
        package var ranges: [(Int, Int)] = []
        package init(handler: Int, depth: Int, level: Int) {
            self.handler = handler
            self.depth = depth
            self.level = level
        }
        package func open(_ pc: Int) { start = pc }
        package func suspend(_ pc: Int) {
            if let s = start, pc > s { ranges.append((s, pc)) }
            start = nil
        }
    }

    package enum Block {
        case loop(continueLabel: Int, breakLabel: Int, hasIterator: Bool)
        case protected(Region)
        case finallyBody([Stmt])
        case with
        /// An exception kept on the stack while a handler (or a finally on the error path) runs; its copy in `temp`.
        case handler(temp: Int)
    }

    package struct Unit {
        package var name: String
        /// `__qualname__`: the dotted path from the module (`f.<locals>.C`, `Outer.Inner`).
        package var qualname = ""
        package var qualifiedName: String?
        /// The body's docstring, for a function's `__doc__`.
        package var docString: String?
        package var kind: CodeKind
        package var instructions: [UInt32] = []
        package var positions: [SourcePosition] = []
        package var constants: [PyValue] = []
        package var constantIndex: [UInt64: Int] = [:]
        package var codes: [CodeObject] = []
        /// Constants only this code refers to (its functions' code objects), kept alive with it.
        package var ownedConstants: [PyObject] = []
        package var localNames: [String] = []
        package var localIndex: [String: Int] = [:]
        package var declaredGlobal: Set<String> = []
        /// A class body's own names (assigned in it): they stay class attributes even when a method closes over
        /// the enclosing function's variable of the same name.
        package var classOwn: Set<String> = []
        package var argumentCount = 0
        package var isGenerator = false
        package var blocks: [Block] = []
        package var regions: [Region] = []
        package var labels: [Int] = []
        package var patches: [(at: Int, label: Int)] = []
        package var overrides: [String: Int] = [:]
        package var firstLine = 1
        package var hiddenCount = 0
        /// Cells and free variables: the slot `LOAD_DEREF`/`STORE_DEREF` use for each.
        package var derefSlots: [String: Int] = [:]
        package var signature = CodeSignature()
        /// In a method: its class's name and its first parameter, what a zero-argument `super()` stands for.
        package var superSelf: (cls: String, selfName: String)?
        /// The class whose private names (`__x`) this code mangles to `_Class__x`, as CPython does inside a class
        /// body and the functions in it; nil outside a class.
        package var privateClass: String?
    }

    /// An instruction with no line of its own (3.11's artificial jumps and implicit `return None`): the assembler
    /// treats it as CPython treats a location of -1, then gives it a neighbour's line.
    package static let noLine = SourcePosition(line: -1, column: 0)

    package let runtime: PyRuntime
    package let lines: [String]
    package var unit: Unit
    /// Locals of the enclosing functions (to refuse closures clearly).
    package var enclosing: [(name: String, locals: Set<String>)] = []
    package var position = SourcePosition(line: 1, column: 1)
    /// Prepended to every global name (a module's namespace, see `PyModule`); empty for snippets.
    package var globalPrefix = ""
    /// The module's `__name__`, which a class statement keeps as its `__module__`.
    package var moduleName = "__main__"

    package init(runtime: PyRuntime, source: String) {
        self.runtime = runtime
        self.lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        self.unit = Unit(name: "<module>", kind: .module)
    }

    /// Compiles a module. With `returnLastValue`, a final expression statement's value is returned (the REPL's echo).
    /// A module's source is compiled with its `globalPrefix` (see `PyModule`): its globals are the runtime's slots
    /// named with that prefix.
    package static func compile(_ source: String, runtime: PyRuntime, returnLastValue: Bool = false, name: String = "<module>",
                                globalPrefix: String = "") throws(PySyntaxError) -> CodeObject {
        let body = try Parser.parse(source)
        var compiler = Compiler(runtime: runtime, source: source)
        compiler.unit.name = name
        compiler.globalPrefix = globalPrefix
        if name.hasPrefix("<module "), name.hasSuffix(">") { compiler.moduleName = String(name.dropFirst(8).dropLast()) }
        return try compiler.module(body, returnLastValue: returnLastValue)
    }

    package func error(_ message: String, at pos: SourcePosition? = nil) -> PySyntaxError {
        let p = pos ?? position
        let text = p.line >= 1 && p.line <= lines.count ? lines[p.line - 1] : ""
        return PySyntaxError(message: message, position: p, sourceLine: text)
    }

    // MARK: emitting

    package var pc: Int { unit.instructions.count }

    package mutating func emit(_ op: Op, _ arg: Int = 0) throws(PySyntaxError) {
        try emit(op, arg, at: position)
    }

    package mutating func emit(_ op: Op, _ arg: Int, at where_: SourcePosition) throws(PySyntaxError) {
        guard arg >= 0 && arg < 1 << 24 else { throw error("the snippet is too large to compile") }
        unit.instructions.append(UInt32(op.rawValue) | UInt32(arg) << 8)
        // A module's own Python source (`globalPrefix` set) stands for C code in CPython: it keeps no lines, so an
        // error raised inside it is reported at the learner's line that called it, and its frames stay out of
        // tracebacks.
        unit.positions.append(globalPrefix.isEmpty ? where_ : .unknown)
    }

    /// An operator instruction with the argument 3.11 gives it (`BINARY_OP 13`, `COMPARE_OP 0`, `IS_OP 1`).
    package mutating func emitOperator(_ op: Op) throws(PySyntaxError) { try emit(op, op.operatorArgument) }

    package mutating func newLabel() -> Int {
        unit.labels.append(-1)
        return unit.labels.count - 1
    }

    package mutating func bind(_ label: Int) { unit.labels[label] = pc }

    /// A jump to `label`. Emit the forward form: the assembler turns it round when the target is behind it.
    package mutating func emitJump(_ op: Op, _ label: Int, line: Bool = true) throws(PySyntaxError) {
        unit.patches.append((pc, label))
        try emit(op, 0, at: line ? position : Self.noLine)
    }

    package mutating func constant(_ value: PyValue) -> Int {
        if let i = unit.constantIndex[value.bits] { return i }
        unit.constants.append(value)
        unit.constantIndex[value.bits] = unit.constants.count - 1
        return unit.constants.count - 1
    }

    package mutating func loadConstant(_ value: PyValue) throws(PySyntaxError) { try emit(.loadConst, constant(value)) }

    /// `code` as a constant for `MAKE_FUNCTION`, kept alive by the code being compiled.
    package mutating func codeConstant(_ code: CodeObject) -> PyValue {
        let object = PyCode(code, id: runtime.heap.newID())
        unit.ownedConstants.append(object)
        return .object(Unmanaged.passUnretained(object))
    }

    package mutating func hiddenLocal(_ purpose: String) -> Int {
        unit.hiddenCount += 1
        let name = ".\(purpose)\(unit.hiddenCount)"
        unit.localNames.append(name)
        unit.localIndex[name] = unit.localNames.count - 1
        return unit.localNames.count - 1
    }

    /// Values enclosing blocks keep on the stack (loop iterators, `with` managers, handled exceptions).
    package var heldValues: Int {
        unit.blocks.reduce(0) { n, b in
            switch b {
            case .loop(_, _, let it): return n + (it ? 1 : 0)
            case .with, .handler: return n + 1
            default: return n
            }
        }
    }

    package var protectionLevel: Int { unit.blocks.reduce(0) { n, b in if case .protected = b { return n + 1 }; return n } }

    // MARK: units

    package mutating func module(_ body: [Stmt], returnLastValue: Bool) throws(PySyntaxError) -> CodeObject {
        var statements = body
        var last: Expr?
        if returnLastValue, let final = statements.last, case .expression(let e) = final.kind {
            if case .yield = e.kind {} else {
                last = e
                statements.removeLast()
            }
        }
        try emit(.resume, 0, at: SourcePosition(line: 0, column: 0))
        if Self.hasAnnotations(statements) { try emit(.setupAnnotations, try globalSlot("__annotations__"), at: SourcePosition(line: 1, column: 0)) }
        try compileBlock(statements)
        if let last {
            position = last.position
            try expression(last)
            try emit(.returnValue)
        } else {
            try implicitReturn()
        }
        return try finish()
    }

    /// `return None` where a body ends without one: no line of its own, as in 3.11.
    package mutating func implicitReturn() throws(PySyntaxError) {
        try emit(.loadConst, constant(.none), at: Self.noLine)
        try emit(.returnValue, 0, at: Self.noLine)
    }

    package mutating func finish() throws(PySyntaxError) -> CodeObject {
        for (at, label) in unit.patches {
            let target = unit.labels[label]
            guard target >= 0 else { throw error("internal compiler error: unbound label") }
            unit.instructions[at] = (unit.instructions[at] & 0xff) | UInt32(target) << 8
        }
        var assembler = try PyAssembler(
            instructions: unit.instructions, positions: unit.positions,
            regions: unit.regions.map { region in
                (handler: unit.labels[region.handler], depth: region.depth, level: region.level, ranges: region.ranges)
            })
        assembler.optimize(constants: unit.constants)
        let assembled = try assembler.assemble(firstLine: unit.kind == .module ? 1 : unit.firstLine)
        let maxStack = try computeMaxStack(assembled.instructions, entries: assembled.exceptionTable)
        return CodeObject(name: unit.name, kind: unit.kind, instructions: assembled.instructions, constants: unit.constants,
                          codes: unit.codes, localNames: unit.localNames, argumentCount: unit.argumentCount,
                          maxStack: maxStack, isGenerator: unit.isGenerator, positions: assembled.positions,
                          exceptionTable: assembled.exceptionTable, firstLine: unit.firstLine, ownedConstants: unit.ownedConstants,
                          signature: unit.signature, qualifiedName: unit.qualifiedName, docString: unit.docString)
    }

    /// Follows every path through the code to find the deepest the value stack gets (and checks that paths
    /// that meet agree on the depth: a compiler bug otherwise).
    package func computeMaxStack(_ code: [UInt32], entries: [ExceptionEntry]) throws(PySyntaxError) -> Int {
        var depthAt = [Int](repeating: -1, count: code.count + 1)
        var work: [(Int, Int)] = [(0, 0)]
        for entry in entries { work.append((entry.handler, entry.depth + 1)) }
        var maxDepth = 0
        while let (start, startDepth) = work.popLast() {
            var i = start
            var depth = startDepth
            while i < code.count {
                if depthAt[i] >= 0 {
                    if depthAt[i] != depth {
                        throw error("internal compiler error: stack depth \(depth) vs \(depthAt[i]) at \(i) in \(unit.name)")
                    }
                    break
                }
                depthAt[i] = depth
                let op = CodeObject.op(code[i])
                let arg = CodeObject.arg(code[i])
                if op.isJump {
                    work.append((arg, depth + op.jumpEffect(arg)))
                }
                depth += op.stackEffect(arg)
                if depth < 0 { throw error("internal compiler error: stack underflow at \(i) in \(unit.name)") }
                maxDepth = max(maxDepth, depth)
                if op.isTerminal { break }
                i += 1
            }
        }
        return maxDepth + 1
    }

    /// Compiles a nested function, lambda or class body into its own code object.
    package mutating func nestedUnit(name: String, kind: CodeKind, parameters: [Parameter], body: [Stmt], at pos: SourcePosition) throws(PySyntaxError) -> CodeObject {
        try nestedUnit(name: name, kind: kind, parameters: parameters, body: body, at: pos) { (c: inout Compiler) throws(PySyntaxError) in
            try c.compileBlock(body)
            try c.implicitReturn()
        }
    }

    /// A nested code object whose scope is `body`'s and whose instructions (after 3.11's prologue) `emitBody`
    /// compiles: a comprehension's function has no statements of its own to compile.
    package mutating func nestedUnit(name: String, kind: CodeKind, parameters: [Parameter], body: [Stmt], at pos: SourcePosition,
                                     emitBody: (inout Compiler) throws(PySyntaxError) -> Void) throws(PySyntaxError) -> CodeObject {
        let saved = unit
        let savedEnclosing = enclosing
        let savedPosition = position
        if saved.kind == .function {
            enclosing.append((saved.name, Set(saved.localNames.filter { !$0.hasPrefix(".") }).subtracting(saved.declaredGlobal)))
        }
        let available = Set(enclosing.flatMap(\.locals))
        unit = Unit(name: name, kind: kind)
        unit.privateClass = kind == .classBody ? (name.drop { $0 == "_" }.isEmpty ? nil : String(name.drop { $0 == "_" })) : saved.privateClass
        unit.qualname = saved.kind == .module ? name : saved.qualname + (saved.kind == .function ? ".<locals>." : ".") + name
        unit.firstLine = pos.line
        unit.qualifiedName = unit.qualname
        if kind == .function {
            if saved.kind == .classBody, let first = parameters.first, first.kind == .positional {
                unit.superSelf = (saved.name, first.name)
            }
            // A method's super() loads its class: in a function, the class is that function's variable.
            let usesSuper = unit.superSelf != nil && NameUse.free(parameters: parameters.map(\.name), body: body).contains("super")
            try functionScope(parameters: parameters, body: body, available: available, alsoUsed: usesSuper ? [saved.name] : [])
        } else if kind == .classBody {
            let scope = ScopeAnalysis(body)
            unit.declaredGlobal = scope.globals
            unit.classOwn = Set(scope.assigned)
            // The enclosing function's variables the body or its methods use: cells the class body takes, as a
            // function's closure, and hands on to its methods (the body itself is no scope for them).
            for n in NameUse.freeOfClass(named: name, body).intersection(available).sorted() {
                unit.localNames.append(n)
                unit.localIndex[n] = unit.localNames.count - 1
                unit.derefSlots[n] = unit.localNames.count - 1
                unit.signature.freeSlots.append(unit.localNames.count - 1)
            }
        }
        let code: CodeObject
        do throws(PySyntaxError) {
            position = pos
            // 3.11's prologue: the closure's cells copied in, the cells made, then the generator returned.
            if !unit.signature.freeSlots.isEmpty { try emit(.copyFreeVars, unit.signature.freeSlots.count) }
            for slot in unit.signature.cellSlots { try emit(.makeCell, slot) }
            if unit.isGenerator {
                // 3.11: the call runs up to here and returns the generator; the first next() resumes after it.
                try emit(.returnGenerator)
                try emit(.popTop)
            }
            try emit(.resume, 0)
            if kind == .classBody {
                // As 3.11's class body begins: its `__module__` and `__qualname__`, which the class's repr shows, then
                // SETUP_ANNOTATIONS when it annotates a name.
                try loadConstant(runtime.constant(moduleName))
                try emit(.storeClassName, runtime.intern("__module__"))
                try loadConstant(runtime.constant(unit.qualname))
                try emit(.storeClassName, runtime.intern("__qualname__"))
                if Self.hasAnnotations(body) { try emit(.setupAnnotations) }
                if let doc = Self.docString(of: body) {
                    // As 3.11: a class body's docstring is its `__doc__`.
                    try loadConstant(runtime.constant(doc))
                    try emit(.storeClassName, runtime.intern("__doc__"))
                }
            } else if kind == .function {
                unit.docString = Self.docString(of: body)
            }
            try emitBody(&self)
            code = try finish()
        } catch {
            unit = saved
            enclosing = savedEnclosing
            position = savedPosition
            throw error
        }
        unit = saved
        enclosing = savedEnclosing
        position = savedPosition
        unit.codes.append(code)
        return code
    }

    /// A function's defaults (one tuple, a constant when every default is one), then `LOAD_CONST <code>` and
    /// `MAKE_FUNCTION`, as 3.11 makes a function.
    package mutating func makeFunction(_ code: CodeObject, defaults: [Expr], keywordDefaults: Bool = false) throws(PySyntaxError) {
        var flags = (defaults.isEmpty ? 0 : 1) | (keywordDefaults ? 2 : 0)
        let free = code.signature.freeSlots.map { code.localNames[$0] }
        if !free.isEmpty {
            // The cells of the variables the new function takes from this one (3.11's LOAD_CLOSURE, BUILD_TUPLE).
            for n in free {
                guard let slot = unit.derefSlots[n] else { throw error("internal compiler error: no cell for '\(n)'") }
                try emit(.loadClosure, slot)
            }
            try emit(.buildTuple, free.count)
            flags |= 8
        }
        try loadConstant(codeConstant(code))
        try emit(.makeFunction, flags)
    }

    /// Pushes the positional defaults (one tuple) and, when there are any, the keyword-only defaults (a dict).
    package mutating func functionDefaults(_ params: [Parameter]) throws(PySyntaxError) -> [Expr] {
        let defaults = params.filter { $0.kind == .positional }.compactMap(\.defaultValue)
        if !defaults.isEmpty {
            try expression(Expr(kind: .tuple(defaults), position: defaults[0].position))
        }
        let keywordOnly = params.filter { $0.kind == .keywordOnly && $0.defaultValue != nil }
        if !keywordOnly.isEmpty {
            for p in keywordOnly { if let d = p.defaultValue { try expression(d) } }
            try loadConstant(runtime.constantTuple(keywordOnly.map { runtime.constant($0.name) }))
            try emit(.buildConstKeyMap, keywordOnly.count)
        }
        return defaults
    }

    package static func hasKeywordDefaults(_ params: [Parameter]) -> Bool {
        params.contains { $0.kind == .keywordOnly && $0.defaultValue != nil }
    }

    /// A function's locals in CPython's order (positional parameters, keyword-only ones, `*args`, `**kwargs`,
    /// then the names it assigns), its cells (locals a nested function uses) and its free variables (names it or a
    /// nested function takes from an enclosing function), each free variable in a slot after the locals.
    package mutating func functionScope(parameters: [Parameter], body: [Stmt], available: Set<String>,
                                        alsoUsed: Set<String> = []) throws(PySyntaxError) {
        let ordered = parameters.filter { $0.kind == .positional } + parameters.filter { $0.kind == .keywordOnly }
            + parameters.filter { $0.kind == .varArgs } + parameters.filter { $0.kind == .varKeywords }
        for p in ordered {
            unit.localNames.append(p.name)
            unit.localIndex[p.name] = unit.localNames.count - 1
        }
        unit.argumentCount = parameters.filter { $0.kind == .positional }.count
        unit.signature.keywordOnly = parameters.filter { $0.kind == .keywordOnly }.count
        unit.signature.positionalOnly = parameters.filter(\.positionalOnly).count
        unit.signature.varArgs = parameters.contains { $0.kind == .varArgs }
        unit.signature.varKeywords = parameters.contains { $0.kind == .varKeywords }
        let scope = ScopeAnalysis(body)
        let use = NameUse(body)
        unit.declaredGlobal = scope.globals
        for p in parameters where scope.globals.contains(p.name) {
            throw error("name '\(p.name)' is parameter and global", at: p.position)
        }
        for p in parameters where use.nonlocals.contains(p.name) {
            throw error("name '\(p.name)' is parameter and nonlocal", at: p.position)
        }
        for n in use.nonlocals.sorted() {
            if scope.globals.contains(n) { throw error("name '\(n)' is nonlocal and global") }
            if !available.contains(n) { throw error("no binding for nonlocal '\(n)' found") }
        }
        for n in scope.assigned where unit.localIndex[n] == nil && !scope.globals.contains(n) && !use.nonlocals.contains(n) {
            unit.localNames.append(n)
            unit.localIndex[n] = unit.localNames.count - 1
        }
        let locals = Set(unit.localNames)
        for n in use.nestedFree.intersection(locals).sorted() {
            guard let slot = unit.localIndex[n] else { continue }
            unit.derefSlots[n] = slot
            unit.signature.cellSlots.append(slot)
        }
        let free = use.used.union(alsoUsed).union(use.nestedFree).union(use.nonlocals).subtracting(locals).subtracting(scope.globals)
            .intersection(available)
        for n in free.sorted() {
            unit.localNames.append(n)
            unit.localIndex[n] = unit.localNames.count - 1
            unit.derefSlots[n] = unit.localNames.count - 1
            unit.signature.freeSlots.append(unit.localNames.count - 1)
        }
        unit.isGenerator = scope.yields
    }

    // MARK: names

    package func globalSlot(_ name: String) throws(PySyntaxError) -> Int {
        globalPrefix.isEmpty ? try runtime.globalSlot(name) : try runtime.globalSlot(globalPrefix + name, builtinName: name)
    }

    /// The docstring of a function or class body: its first statement when that is a string literal alone.
    package static func docString(of body: [Stmt]) -> String? {
        guard let first = body.first, case .expression(let e) = first.kind, case .string(let s) = e.kind else { return nil }
        return s
    }

    /// A private name (`__balance`) inside a class: `_Account__balance`, so a subclass's own `__balance` is another
    /// attribute. Names that end in `__` (special methods) are never mangled.
    package func mangled(_ name: String) -> String {
        guard let cls = unit.privateClass, name.hasPrefix("__"), !name.hasSuffix("__") else { return name }
        return "_" + cls + name
    }

    package mutating func resolve(_ name: String) throws(PySyntaxError) -> NameRef {
        if let slot = unit.overrides[name] { return .fast(slot) }
        switch unit.kind {
        case .module:
            return .moduleName(try globalSlot(name))
        case .classBody:
            if unit.declaredGlobal.contains(name) { return .global(try globalSlot(name)) }
            if let slot = unit.derefSlots[name], !unit.classOwn.contains(name) { return .deref(slot) }
            return .className(runtime.intern(mangled(name)))
        case .function:
            if unit.declaredGlobal.contains(name) { return .global(try globalSlot(name)) }
            if let slot = unit.derefSlots[name] { return .deref(slot) }
            if let slot = unit.localIndex[name] { return .fast(slot) }
            if let outer = enclosing.last(where: { $0.locals.contains(name) }) {
                throw error("'\(name)' is a local variable of the enclosing function '\(outer.name)', which conclab's Python cannot reach from here; pass it as an argument")
            }
            return .global(try globalSlot(name))
        }
    }

    package mutating func load(_ name: String) throws(PySyntaxError) {
        switch try resolve(name) {
        case .fast(let i): try emit(.loadFast, i)
        case .global(let g): try emit(.loadGlobal, g << 1)
        case .moduleName(let g): try emit(.loadName, g)
        case .className(let n): try emit(.loadClassName, n)
        case .deref(let i): try emit(.loadDeref, i)
        }
    }

    package mutating func store(_ name: String) throws(PySyntaxError) {
        switch try resolve(name) {
        case .fast(let i): try emit(.storeFast, i)
        case .global(let g): try emit(.storeGlobal, g)
        case .moduleName(let g): try emit(.storeName, g)
        case .className(let n): try emit(.storeClassName, n)
        case .deref(let i): try emit(.storeDeref, i)
        }
    }

    // MARK: statements

    package mutating func compileBlock(_ body: [Stmt]) throws(PySyntaxError) {
        for s in body { try statement(s) }
    }

    package mutating func statement(_ s: Stmt) throws(PySyntaxError) {
        position = s.position
        switch s.kind {
        case .expression(let e):
            // 3.11 drops a constant statement (a docstring, `...`), keeping a NOP for its line.
            if foldedConstant(e) != nil {
                try emit(.nop)
                return
            }
            try expression(e)
            try emit(.popTop)
        case .assign(let targets, let value):
            try expression(value)
            for (i, t) in targets.enumerated() {
                if i < targets.count - 1 { try emit(.copy, 1) }
                try assign(to: t)
            }
        case .augAssign(let target, let op, let value):
            try augmentedAssign(target, op, value)
        case .annotated(let target, let annotation, let value):
            try annotatedAssign(target, annotation, value)
        case .ifStmt(let test, let body, let orElse):
            let end = newLabel()
            let next = orElse.isEmpty ? end : newLabel()
            try jumpIf(test, next, when: false)
            try compileBlock(body)
            if !orElse.isEmpty {
                try emitJump(.jumpForward, end, line: false)
                bind(next)
                try compileBlock(orElse)
            }
            bind(end)
        case .whileStmt(let test, let body, let orElse):
            // 3.11: the test at the top (leave when false), the body, and the test again at the bottom (go round
            // when true): one conditional backward jump per iteration, where the eval breaker runs.
            let loop = newLabel()
            let bodyLabel = newLabel()
            let anchor = newLabel()
            let end = newLabel()
            bind(loop)
            unit.blocks.append(.loop(continueLabel: loop, breakLabel: end, hasIterator: false))
            try jumpIf(test, anchor, when: false)
            bind(bodyLabel)
            try compileBlock(body)
            position = s.position
            try jumpIf(test, bodyLabel, when: true)
            unit.blocks.removeLast()
            bind(anchor)
            try compileBlock(orElse)
            bind(end)
        case .forStmt(let target, let iterable, let body, let orElse):
            let start = newLabel()
            let cleanup = newLabel()
            let end = newLabel()
            try expression(iterable)
            // A generator expression's `.0` is already an iterator: 3.11 loops over it as it is.
            if case .name(".0") = iterable.kind {} else { try emit(.getIter) }
            bind(start)
            try emitJump(.forIter, cleanup)
            try assign(to: target)
            unit.blocks.append(.loop(continueLabel: start, breakLabel: end, hasIterator: true))
            try compileBlock(body)
            unit.blocks.removeLast()
            try emitJump(.jumpForward, start, line: false)
            bind(cleanup)
            try compileBlock(orElse)
            bind(end)
        case .def(let name, _, _), .classDef(let name, _, _):
            try definition(s)
            try store(name)
        case .decorated(let decorators, let inner):
            // 3.11: the decorators, the function (or class), then one `CALL 0` per decorator, innermost first.
            for d in decorators { try expression(d) }
            try definition(inner)
            position = s.position
            for _ in decorators {
                try emit(.precall, 0)
                try emit(.call, 0)
            }
            if case .def(let name, _, _) = inner.kind { try store(name) }
            if case .classDef(let name, _, _) = inner.kind { try store(name) }
        case .nonlocal:
            break
        case .returnStmt(let value):
            if let value { try expression(value) } else { try loadConstant(.none) }
            try returnValue()
        case .global:
            break
        case .pass:
            try emit(.nop)
        case .breakStmt, .continueStmt:
            guard let loopIndex = unit.blocks.lastIndex(where: { if case .loop = $0 { return true }; return false }),
                  case .loop(let cont, let brk, let hasIterator) = unit.blocks[loopIndex] else {
                throw error("'break' outside loop")
            }
            let suspended = try unwind(downTo: loopIndex, keepingTop: false)
            if case .breakStmt = s.kind {
                if hasIterator { try emit(.popTop) }
                try emitJump(.jumpForward, brk)
            } else {
                try emitJump(.jumpForward, cont)
            }
            for r in suspended { r.open(pc) }
        case .raise(let value, let cause):
            if let value {
                try expression(value)
                if let cause {
                    try expression(cause)
                    try emit(.raise, 2)
                } else {
                    try emit(.raise, 1)
                }
            } else if let temp = unit.blocks.reversed().compactMap({ b -> Int? in if case .handler(let t) = b { return t }; return nil }).first {
                try emit(.loadFast, temp)
                try emit(.raise, 1)
            } else {
                try emit(.raise, 0)
            }
        case .tryStmt(let body, let handlers, let orElse, let final):
            if final.isEmpty {
                try tryExcept(body, handlers, orElse)
            } else {
                try tryFinally(final) { (c: inout Compiler) throws(PySyntaxError) in
                    if handlers.isEmpty { try c.compileBlock(body) } else { try c.tryExcept(body, handlers, orElse) }
                }
            }
        case .with(let context, let target, let body):
            try withStatement(context, target, body)
        case .assert(let test, let message):
            // 3.11: AssertionError and the message as [callable, self] and `CALL 0`, which calls it with one argument.
            let ok = newLabel()
            try jumpIf(test, ok, when: true)
            try emit(.loadAssertionError)
            if let message {
                try expression(message)
                try emit(.precall, 0)
                try emit(.call, 0)
            }
            try emit(.raise, 1)
            bind(ok)
        case .del(let targets):
            for t in targets { try delete(t) }
        case .importModules(let aliases):
            try importModules(aliases)
        case .importFrom(let module, let aliases):
            try importFrom(module, aliases)
        case .match(let subject, let cases):
            try matchStatement(subject, cases)
        }
    }

    /// A `def` or `class` statement's function or class, left on the stack.
    package mutating func definition(_ s: Stmt) throws(PySyntaxError) {
        switch s.kind {
        case .def(let name, let params, let body):
            let defaults = try functionDefaults(params)
            let code = try nestedUnit(name: name, kind: .function, parameters: params, body: body, at: s.position)
            position = s.position
            try makeFunction(code, defaults: defaults, keywordDefaults: Self.hasKeywordDefaults(params))
        case .classDef(let name, let bases, let body):
            for b in bases { try expression(b) }
            let code = try nestedUnit(name: name, kind: .classBody, parameters: [], body: body, at: s.position)
            position = s.position
            let free = code.signature.freeSlots.map { code.localNames[$0] }
            for n in free {
                guard let slot = unit.derefSlots[n] else { throw error("internal compiler error: no cell for '\(n)'") }
                try emit(.loadClosure, slot)
            }
            if !free.isEmpty { try emit(.buildTuple, free.count) }
            try emit(.makeClass, (unit.codes.count - 1) | (free.isEmpty ? 0 : Op.classClosureFlag) | bases.count << 16)
        default:
            throw error("a decorator must come before 'def' or 'class'")
        }
    }

    /// `return` with its value on the stack: leaves the enclosing blocks first. Loops, `with` and handlers are
    /// left under the value (`SWAP 2`, then what closes them, as 3.11 does); a `finally` runs with the value in a
    /// hidden local.
    package mutating func returnValue() throws(PySyntaxError) {
        if unit.blocks.isEmpty {
            try emit(.returnValue)
            return
        }
        let crossesFinally = unit.blocks.contains { if case .finallyBody = $0 { return true }; return false }
        if !crossesFinally {
            let suspended = try unwind(downTo: -1, keepingTop: true)
            try emit(.returnValue)
            for r in suspended { r.open(pc) }
            return
        }
        let temp = hiddenLocal("return")
        try emit(.storeFast, temp)
        let suspended = try unwind(downTo: -1, keepingTop: false, forReturn: true)
        try emit(.loadFast, temp)
        try emit(.returnValue)
        for r in suspended { r.open(pc) }
    }

    /// Emits what leaving the blocks above `index` needs (close `with`s, run `finally`s, drop handled
    /// exceptions and, for `return`, loop iterators). With `keepingTop`, a value on top of the stack stays there
    /// (each thing to drop is swapped above it first). Returns the protected regions it suspended; the caller
    /// reopens them after its jump.
    package mutating func unwind(downTo index: Int, keepingTop: Bool, forReturn: Bool = false) throws(PySyntaxError) -> [Region] {
        var suspended: [Region] = []
        var i = unit.blocks.count - 1
        while i > index {
            switch unit.blocks[i] {
            case .protected(let r):
                r.suspend(pc)
                suspended.append(r)
            case .finallyBody(let body):
                let saved = unit.blocks
                unit.blocks = Array(unit.blocks[0..<i])
                let savedPosition = position
                try compileBlock(body)
                position = savedPosition
                unit.blocks = saved
            case .with:
                if keepingTop { try emit(.swap, 2) }
                try emit(.withExit)
            case .handler:
                if keepingTop { try emit(.swap, 2) }
                try emit(.popExcept)
            case .loop(_, _, let hasIterator):
                if (forReturn || keepingTop) && hasIterator {
                    if keepingTop { try emit(.swap, 2) }
                    try emit(.popTop)
                }
            }
            i -= 1
        }
        return suspended
    }

    package mutating func protect(_ handler: Int, extraDepth: Int = 0) -> Region {
        let region = Region(handler: handler, depth: heldValues + extraDepth, level: protectionLevel + 1)
        unit.regions.append(region)
        region.open(pc)
        return region
    }

    package mutating func tryExcept(_ body: [Stmt], _ handlers: [ExceptClause], _ orElse: [Stmt]) throws(PySyntaxError) {
        let handlerLabel = newLabel()
        let end = newLabel()
        try emit(.nop)
        let region = protect(handlerLabel)
        unit.blocks.append(.protected(region))
        try compileBlock(body)
        unit.blocks.removeLast()
        region.suspend(pc)
        try compileBlock(orElse)
        try emitJump(.jumpForward, end, line: false)
        bind(handlerLabel)
        // Stack: the exception.
        let temp = hiddenLocal("exception")
        try emit(.copy, 1)
        try emit(.storeFast, temp)
        for clause in handlers {
            position = clause.position
            let next = newLabel()
            if let type = clause.type {
                try expression(type)
                try emit(.checkExcMatch)
                try emitJump(.popJumpForwardIfFalse, next)
            }
            if let name = clause.name {
                try emit(.copy, 1)
                try store(name)
            }
            unit.blocks.append(.handler(temp: temp))
            try compileBlock(clause.body)
            unit.blocks.removeLast()
            try emit(.popExcept)
            try emitJump(.jumpForward, end, line: false)
            bind(next)
        }
        try emit(.reraise)
        bind(end)
    }

    package mutating func tryFinally(_ final: [Stmt], body: (inout Compiler) throws(PySyntaxError) -> Void) throws(PySyntaxError) {
        let handlerLabel = newLabel()
        let end = newLabel()
        try emit(.nop)
        unit.blocks.append(.finallyBody(final))
        let region = protect(handlerLabel)
        unit.blocks.append(.protected(region))
        try body(&self)
        unit.blocks.removeLast()
        unit.blocks.removeLast()
        region.suspend(pc)
        try compileBlock(final)
        try emitJump(.jumpForward, end, line: false)
        bind(handlerLabel)
        let temp = hiddenLocal("exception")
        try emit(.copy, 1)
        try emit(.storeFast, temp)
        unit.blocks.append(.handler(temp: temp))
        try compileBlock(final)
        unit.blocks.removeLast()
        try emit(.reraise)
        bind(end)
    }

    package mutating func withStatement(_ context: Expr, _ target: Expr?, _ body: [Stmt]) throws(PySyntaxError) {
        let pos = position
        try expression(context)
        position = pos
        try emit(.withEnter)
        if let target { try assign(to: target) } else { try emit(.popTop) }
        let handlerLabel = newLabel()
        let end = newLabel()
        unit.blocks.append(.with)
        let region = protect(handlerLabel)
        unit.blocks.append(.protected(region))
        try compileBlock(body)
        unit.blocks.removeLast()
        unit.blocks.removeLast()
        region.suspend(pc)
        position = pos
        try emit(.withExit)
        try emitJump(.jumpForward, end, line: false)
        bind(handlerLabel)
        try emit(.withExitError)
        bind(end)
    }

    package mutating func assign(to target: Expr) throws(PySyntaxError) {
        let saved = position
        position = target.position
        defer { position = saved }
        switch target.kind {
        case .name(let n):
            try store(n)
        case .attribute(let obj, let attr):
            try expression(obj)
            try emit(.storeAttr, runtime.intern(mangled(attr)))
        case .subscription(let obj, let index):
            try expression(obj)
            try subscriptIndex(index)
            try emit(.storeSubscr)
        case .tuple(let items), .list(let items):
            if let star = items.firstIndex(where: { if case .starred = $0.kind { return true }; return false }) {
                // `a, *rest = …`: 3.11's UNPACK_EX, the counts before and after the starred name.
                let after = items.count - star - 1
                guard star < 256 && after < 256 else { throw error("too many expressions in star-unpacking assignment") }
                try emit(.unpackEx, star | after << 8)
            } else {
                try emit(.unpackSequence, items.count)
            }
            for item in items {
                if case .starred(let inner) = item.kind { try assign(to: inner) } else { try assign(to: item) }
            }
        default:
            throw error("cannot assign to this expression")
        }
    }

    package mutating func delete(_ target: Expr) throws(PySyntaxError) {
        position = target.position
        switch target.kind {
        case .name(let n):
            switch try resolve(n) {
            case .fast(let i): try emit(.deleteFast, i)
            case .global(let g): try emit(.deleteGlobal, g)
            case .moduleName(let g): try emit(.deleteName, g)
            case .className(let id): try emit(.deleteClassName, id)
            case .deref(let i): try emit(.deleteDeref, i)
            }
        case .attribute(let obj, let attr):
            try expression(obj)
            try emit(.deleteAttr, runtime.intern(mangled(attr)))
        case .subscription(let obj, let index):
            try expression(obj)
            try subscriptIndex(index)
            try emit(.deleteSubscr)
        case .tuple(let items), .list(let items):
            for item in items { try delete(item) }
        default:
            throw error("cannot delete this expression")
        }
    }

    package static func inplaceOp(_ op: String) -> Op? {
        switch op {
        case "+=": return .inplaceAdd
        case "-=": return .inplaceSub
        case "*=": return .inplaceMul
        case "//=": return .inplaceFloorDiv
        case "%=": return .inplaceMod
        case "**=": return .inplacePow
        case "/=": return .inplaceTrueDiv
        case "&=": return .inplaceAnd
        case "|=": return .inplaceOr
        case "^=": return .inplaceXor
        case "<<=": return .inplaceLShift
        case ">>=": return .inplaceRShift
        default: return nil
        }
    }

    package mutating func augmentedAssign(_ target: Expr, _ op: String, _ value: Expr) throws(PySyntaxError) {
        guard let inplace = Self.inplaceOp(op) else { throw error("unsupported operator \(op)") }
        let pos = position
        switch target.kind {
        case .name(let n):
            try load(n)
            try expression(value)
            position = pos
            try emitOperator(inplace)
            try store(n)
        case .attribute(let obj, let attr):
            let id = runtime.intern(mangled(attr))
            try expression(obj)
            try emit(.copy, 1)
            try emit(.loadAttr, id)
            try expression(value)
            position = pos
            try emitOperator(inplace)
            try emit(.swap, 2)
            try emit(.storeAttr, id)
        case .subscription(let obj, let index):
            try expression(obj)
            try subscriptIndex(index)
            try emit(.copy, 2)
            try emit(.copy, 2)
            try emit(.binarySubscr)
            try expression(value)
            position = pos
            try emitOperator(inplace)
            try emit(.swap, 3)
            try emit(.swap, 2)
            try emit(.storeSubscr)
        default:
            throw error("illegal expression for augmented assignment")
        }
    }

    /// Jumps to `label` when `test`'s truth is `when`, without making a bool where 3.11 does not: `not` flips
    /// the jump, `and`/`or` jump from each operand, a chained comparison jumps out at the first that fails
    /// (3.11's `compiler_jump_if`).
    package mutating func jumpIf(_ test: Expr, _ label: Int, when: Bool) throws(PySyntaxError) {
        let saved = position
        defer { position = saved }
        switch test.kind {
        case .unary("not", let operand) where foldedConstant(test) == nil:
            try jumpIf(operand, label, when: !when)
            return
        case .boolOp(let op, let items) where items.count >= 2:
            let isOr = op == "or"
            let next = isOr == when ? label : newLabel()
            for item in items.dropLast() { try jumpIf(item, next, when: isOr) }
            try jumpIf(items[items.count - 1], label, when: when)
            if next != label { bind(next) }
            return
        case .ifExpr(let condition, let body, let other):
            let end = newLabel()
            let next = newLabel()
            try jumpIf(condition, next, when: false)
            try jumpIf(body, label, when: when)
            try emitJump(.jumpForward, end, line: false)
            bind(next)
            try jumpIf(other, label, when: when)
            bind(end)
            return
        case .compare(let ops, let operands) where ops.count > 1:
            position = test.position
            let cleanup = newLabel()
            try expression(operands[0])
            for i in 0..<(ops.count - 1) {
                try expression(operands[i + 1])
                try emit(.swap, 2)
                try emit(.copy, 2)
                try compareOperator(ops[i])
                try emitJump(.popJumpForwardIfFalse, cleanup)
            }
            try expression(operands[ops.count])
            try compareOperator(ops[ops.count - 1])
            try emitJump(when ? .popJumpForwardIfTrue : .popJumpForwardIfFalse, label)
            let end = newLabel()
            try emitJump(.jumpForward, end, line: false)
            bind(cleanup)
            try emit(.popTop)
            if !when { try emitJump(.jumpForward, label, line: false) }
            bind(end)
            return
        default:
            break
        }
        try expression(test)
        try emitJump(when ? .popJumpForwardIfTrue : .popJumpForwardIfFalse, label)
    }

    // MARK: expressions

    package static func binaryOp(_ op: String) -> Op? {
        switch op {
        case "+": return .binaryAdd
        case "-": return .binarySub
        case "*": return .binaryMul
        case "//": return .binaryFloorDiv
        case "%": return .binaryMod
        case "**": return .binaryPow
        case "/": return .binaryTrueDiv
        case "&": return .binaryAnd
        case "|": return .binaryOr
        case "^": return .binaryXor
        case "<<": return .binaryLShift
        case ">>": return .binaryRShift
        default: return nil
        }
    }

    package static func compareOp(_ op: String) -> Op? {
        switch op {
        case "<": return .compareLT
        case "<=": return .compareLE
        case ">": return .compareGT
        case ">=": return .compareGE
        case "==": return .compareEQ
        case "!=": return .compareNE
        case "is": return .isOp
        case "is not": return .isNotOp
        case "in": return .containsOp
        case "not in": return .notContainsOp
        default: return nil
        }
    }

    package mutating func compareOperator(_ op: String) throws(PySyntaxError) {
        guard let code = Self.compareOp(op) else { throw error("unsupported comparison") }
        try emitOperator(code)
    }

    /// A subscript: a slice is built in place (`BUILD_SLICE 2`, or 3 with a step), anything else is an expression.
    package mutating func subscriptIndex(_ index: Expr) throws(PySyntaxError) {
        guard case .slice(let a, let b, let c) = index.kind else {
            try expression(index)
            return
        }
        for part in [a, b] {
            if let part { try expression(part) } else { try loadConstant(.none) }
        }
        if let c {
            try expression(c)
            try emit(.buildSlice, 3)
        } else {
            try emit(.buildSlice, 2)
        }
    }

    package mutating func expression(_ e: Expr) throws(PySyntaxError) {
        let saved = position
        position = e.position
        defer { position = saved }
        if let value = foldedConstant(e) {
            try loadConstant(value)
            return
        }
        switch e.kind {
        case .name(let n):
            try load(n)
        case .int, .float, .bigInt, .string, .bytes, .constant:
            // Always folded above.
            throw error("a literal that is not a constant")
        case .fstring(let parts):
            for part in parts {
                switch part {
                case .literal(let s): try loadConstant(runtime.constant(s))
                case .expression(let inner, let spec):
                    try expression(inner)
                    // 3.11's FORMAT_VALUE flags: the conversion in the low two bits (2: !r), 4 when a spec follows.
                    var flags = 0
                    var specText = spec ?? ""
                    if specText.hasPrefix("!r") { flags |= 2; specText.removeFirst(2); if specText.hasPrefix(":") { specText.removeFirst() } }
                    if specText.contains("{") {
                        // A nested spec (`{x:{width}}`) is an f-string itself, evaluated before the value is formatted.
                        let nested = try Parser(tokens: [], source: specText).fstringParts(specText, at: e.position)
                        try expression(Expr(kind: .fstring(nested), position: e.position))
                        flags |= 4
                    } else if !specText.isEmpty {
                        try loadConstant(runtime.constant(specText))
                        flags |= 4
                    }
                    try emit(.formatValue, flags)
                }
            }
            // A single part is already a string (a literal, or what FORMAT_VALUE made).
            if parts.count != 1 { try emit(.buildString, parts.count) }
        case .list(let items) where items.contains(where: Self.isStarred):
            try buildWithStars(items, start: .buildList, extend: .listExtend, add: .listAppend)
        case .tuple(let items) where items.contains(where: Self.isStarred):
            try buildWithStars(items, start: .buildList, extend: .listExtend, add: .listAppend)
            try emit(.listToTuple)
        case .set(let items) where items.contains(where: Self.isStarred):
            try buildWithStars(items, start: .buildSet, extend: .setUpdate, add: .setAdd)
        case .set(let items):
            for item in items { try expression(item) }
            try emit(.buildSet, items.count)
        case .starred:
            throw error("can't use starred expression here", at: e.position)
        case .setComp(let element, let clauses):
            try comprehension(e, "<setcomp>", .buildSet, clauses) { (c: inout Compiler, depth: Int) throws(PySyntaxError) in
                try c.expression(element)
                try c.emit(.setAdd, depth)
            }
        case .dictComp(let key, let value, let clauses):
            try comprehension(e, "<dictcomp>", .buildMap, clauses) { (c: inout Compiler, depth: Int) throws(PySyntaxError) in
                try c.expression(key)
                try c.expression(value)
                try c.emit(.mapAdd, depth)
            }
        case .namedExpr(let n, let value):
            // `(n := value)`: COPY the value, store one copy; in a comprehension compiled in place the name is the
            // enclosing scope's, as PEP 572 binds it, but never the comprehension's own variable.
            if unit.overrides[n] != nil {
                throw error("assignment expression cannot rebind comprehension iteration variable '\(n)'", at: e.position)
            }
            try expression(value)
            position = e.position
            try emit(.copy, 1)
            try store(n)
        case .genExp(let element, let clauses):
            // 3.11: a generator function of its own (`<genexpr>`) called with the first iterable's iterator, so
            // nothing runs until the first next().
            if let walrus = ([element] + clauses.enumerated().flatMap { i, c in (i == 0 ? [] : [c.iterable]) + c.conditions })
                .lazy.compactMap(\.firstNamedExpression).first {
                throw error("conclab's Python does not support an assignment expression (:=) inside a generator expression", at: walrus)
            }
            try refuseYield(in: e, what: "generator expression")
            let body = NameUse.genExpBody(element, clauses, at: e.position)
            let dot0 = Parameter(name: ".0", defaultValue: nil, position: e.position)
            let code = try nestedUnit(name: "<genexpr>", kind: .function, parameters: [dot0], body: body, at: e.position)
            position = e.position
            try makeFunction(code, defaults: [])
            try expression(clauses[0].iterable)
            try emit(.getIter)
            try emit(.precall, 0)
            try emit(.call, 0)
        case .yieldFrom(let value):
            guard unit.kind == .function else { throw error("'yield' outside function") }
            // 3.11: SEND passes each value on to the inner iterator until it returns; its return value is the
            // value of the expression.
            try expression(value)
            position = e.position
            try emit(.getYieldFromIter)
            try loadConstant(.none)
            let send = newLabel()
            let exit = newLabel()
            bind(send)
            try emitJump(.send, exit)
            try emit(.yieldValue)
            try emit(.resume, 2)
            try emitJump(.jumpBackwardNoInterrupt, send)
            bind(exit)
        case .list(let items):
            let constants = items.compactMap { foldedConstant($0) }
            if items.count > 2 && constants.count == items.count {
                // 3.11: an empty list extended by one constant tuple.
                try emit(.buildList, 0)
                try loadConstant(runtime.constantTuple(constants))
                try emit(.listExtend, 1)
                return
            }
            for item in items { try expression(item) }
            try emit(.buildList, items.count)
        case .tuple(let items):
            for item in items { try expression(item) }
            try emit(.buildTuple, items.count)
        case .dict(let pairs) where pairs.contains(where: { Self.isStarred($0.0) }):
            // As CPython 3.11: runs of pairs become a dict (BUILD_MAP or BUILD_CONST_KEY_MAP), merged into the first
            // with DICT_UPDATE, and so is each `**mapping`.
            var haveDict = false
            var run: [(Expr, Expr)] = []
            func flush() throws(PySyntaxError) {
                guard !run.isEmpty else { return }
                try expression(Expr(kind: .dict(run), position: e.position))
                if haveDict { try emit(.dictUpdate, 1) }
                haveDict = true
                run = []
            }
            for pair in pairs {
                guard case .starred(let mapping) = pair.0.kind else { run.append(pair); continue }
                try flush()
                if !haveDict { try emit(.buildMap, 0); haveDict = true }
                try expression(mapping)
                try emit(.dictUpdate, 1)
            }
            try flush()
        case .dict(let pairs):
            let keys = pairs.compactMap { foldedConstant($0.0) }
            if pairs.count > 1 && keys.count == pairs.count {
                for (_, v) in pairs { try expression(v) }
                try loadConstant(runtime.constantTuple(keys))
                try emit(.buildConstKeyMap, pairs.count)
                return
            }
            for (k, v) in pairs {
                try expression(k)
                try expression(v)
            }
            try emit(.buildMap, pairs.count)
        case .unary(let op, let operand):
            try expression(operand)
            position = e.position
            switch op {
            case "-": try emit(.unaryNegative)
            case "+": try emit(.unaryPositive)
            case "~": try emit(.unaryInvert)
            default: try emit(.unaryNot)
            }
        case .binary(let op, let left, let right):
            guard let code = Self.binaryOp(op) else { throw error("the operator \(op) is not supported", at: e.position) }
            try expression(left)
            try expression(right)
            position = e.position
            try emitOperator(code)
        case .boolOp(let op, let items):
            let end = newLabel()
            for (i, item) in items.enumerated() {
                try expression(item)
                if i < items.count - 1 { try emitJump(op == "and" ? .jumpIfFalseOrPop : .jumpIfTrueOrPop, end) }
            }
            bind(end)
        case .compare(let ops, let operands):
            try expression(operands[0])
            if ops.count == 1 {
                try expression(operands[1])
                position = e.position
                try compareOperator(ops[0])
                return
            }
            let cleanup = newLabel()
            let end = newLabel()
            for (i, op) in ops.enumerated() {
                try expression(operands[i + 1])
                if i < ops.count - 1 {
                    try emit(.swap, 2)
                    try emit(.copy, 2)
                    try compareOperator(op)
                    try emitJump(.jumpIfFalseOrPop, cleanup)
                } else {
                    try compareOperator(op)
                }
            }
            try emitJump(.jumpForward, end, line: false)
            bind(cleanup)
            try emit(.swap, 2)
            try emit(.popTop)
            bind(end)
        case .call(let callee, let args, let keywords):
            try call(callee, args, keywords, at: e.position)
        case .attribute(let obj, let attr):
            try expression(obj)
            position = e.position
            try emit(.loadAttr, runtime.intern(mangled(attr)))
        case .subscription(let obj, let index):
            try expression(obj)
            try subscriptIndex(index)
            position = e.position
            try emit(.binarySubscr)
        case .slice:
            try subscriptIndex(e)
        case .ifExpr(let test, let body, let other):
            let elseLabel = newLabel()
            let end = newLabel()
            try jumpIf(test, elseLabel, when: false)
            try expression(body)
            try emitJump(.jumpForward, end, line: false)
            bind(elseLabel)
            try expression(other)
            bind(end)
        case .listComp(let element, let clauses):
            try comprehension(e, "<listcomp>", .buildList, clauses) { (c: inout Compiler, depth: Int) throws(PySyntaxError) in
                try c.expression(element)
                try c.emit(.listAppend, depth)
            }
        case .yield(let value):
            guard unit.kind == .function else { throw error("'yield' outside function") }
            if let value { try expression(value) } else { try loadConstant(.none) }
            position = e.position
            try emit(.yieldValue)
            try emit(.resume, 1)
        case .lambda(let params, let body):
            let defaults = try functionDefaults(params)
            let ret = Stmt(kind: .returnStmt(body), position: body.position)
            let code = try nestedUnit(name: "<lambda>", kind: .function, parameters: params, body: [ret], at: e.position)
            try makeFunction(code, defaults: defaults, keywordDefaults: Self.hasKeywordDefaults(params))
        }
    }

    package static func isStarred(_ e: Expr) -> Bool { if case .starred = e.kind { return true }; return false }

    /// A list, tuple or set display with `*items` in it (3.11's way): the plain items before the first star in
    /// one BUILD_*, then each starred part extends it and each plain one is added.
    package mutating func buildWithStars(_ items: [Expr], start: Op, extend: Op, add: Op) throws(PySyntaxError) {
        let leading = items.prefix { !Self.isStarred($0) }
        for item in leading { try expression(item) }
        try emit(start, leading.count)
        for item in items.dropFirst(leading.count) {
            if case .starred(let inner) = item.kind {
                try expression(inner)
                try emit(extend, 1)
            } else {
                try expression(item)
                try emit(add, 1)
            }
        }
    }

    /// A call with `*args` or `**kwargs` in it: 3.11's CALL_FUNCTION_EX, with the positional arguments as one
    /// tuple (or the single starred iterable itself) and the keyword arguments merged into one dict.
    package mutating func callWithUnpacking(_ callee: Expr, _ args: [Expr], _ keywords: [(String, Expr)], at pos: SourcePosition) throws(PySyntaxError) {
        if case .name(let n) = callee.kind, case .global(let g) = try resolve(n) {
            try emit(.loadGlobal, g << 1 | 1)
        } else if case .attribute(let obj, let attr) = callee.kind, case .name(let n) = obj.kind, case .global(let g) = try resolve(n) {
            try emit(.loadGlobal, g << 1 | 1)
            position = callee.position
            try emit(.loadAttr, runtime.intern(mangled(attr)))
        } else {
            try emit(.pushNull)
            try expression(callee)
        }
        if args.count == 1, case .starred(let only) = args[0].kind {
            try expression(only)
        } else if args.contains(where: Self.isStarred) {
            try buildWithStars(args, start: .buildList, extend: .listExtend, add: .listAppend)
            try emit(.listToTuple)
        } else if args.isEmpty {
            try loadConstant(runtime.constantTuple([]))
        } else {
            for a in args { try expression(a) }
            try emit(.buildTuple, args.count)
        }
        var haveMap = false
        var group: [(String, Expr)] = []
        func flush(_ c: inout Compiler) throws(PySyntaxError) {
            guard !group.isEmpty else { return }
            if group.count == 1 {
                try c.loadConstant(c.runtime.constant(group[0].0))
                try c.expression(group[0].1)
                try c.emit(.buildMap, 1)
            } else {
                for (_, v) in group { try c.expression(v) }
                try c.loadConstant(c.runtime.constantTuple(group.map { c.runtime.constant($0.0) }))
                try c.emit(.buildConstKeyMap, group.count)
            }
            if haveMap { try c.emit(.dictMerge, 1) }
            haveMap = true
            group = []
        }
        for (name, value) in keywords {
            if name == "**" {
                try flush(&self)
                if !haveMap {
                    try emit(.buildMap, 0)
                    haveMap = true
                }
                try expression(value)
                try emit(.dictMerge, 1)
            } else {
                group.append((name, value))
            }
        }
        try flush(&self)
        position = pos
        try emit(.callFunctionEx, haveMap ? 1 : 0)
    }

    /// A list, set or dict comprehension (`start` builds its result, `element` adds one item at a stack depth).
    /// conclab runs it in place (as 3.12 does), its variables hidden locals, unless it has a scope of its own (see
    /// `Expr.hasOwnScope`): then it is 3.11's function, `<listcomp>` and the like, called with the first iterable's
    /// iterator, its variables cells when a nested scope uses them.
    package mutating func comprehension(_ e: Expr, _ name: String, _ start: Op, _ clauses: [Comprehension],
                                        element: (inout Compiler, Int) throws(PySyntaxError) -> Void) throws(PySyntaxError) {
        try refuseYield(in: e, what: name == "<listcomp>" ? "list comprehension" : name == "<setcomp>" ? "set comprehension" : "dict comprehension")
        if unit.kind == .classBody || e.hasOwnScope, let walrus = e.comprehensionInnerParts.lazy.compactMap(\.firstNamedExpression).first {
            // A := binds in the scope around the comprehension (PEP 572), which a comprehension of its own does not reach here.
            if unit.kind == .classBody { throw error("assignment expression within a comprehension cannot be used in a class body", at: walrus) }
            throw error("conclab's Python does not support an assignment expression (:=) in a comprehension that a lambda or generator expression inside it closes over", at: walrus)
        }
        guard unit.kind == .classBody || e.hasOwnScope else {
            let savedOverrides = unit.overrides
            defer { unit.overrides = savedOverrides }
            try comprehensionLoops(start, clauses, inPlace: true, element: element)
            return
        }
        let body = NameUse.comprehensionBody(e.comprehensionElements, clauses, at: e.position)
        let dot0 = Parameter(name: ".0", defaultValue: nil, position: e.position)
        let code = try nestedUnit(name: name, kind: .function, parameters: [dot0], body: body, at: e.position) { (c: inout Compiler) throws(PySyntaxError) in
            try c.comprehensionLoops(start, clauses, inPlace: false, element: element)
            c.position = e.position
            try c.emit(.returnValue)
        }
        position = e.position
        try makeFunction(code, defaults: [])
        try expression(clauses[0].iterable)
        try emit(.getIter)
        try emit(.precall, 0)
        try emit(.call, 0)
    }

    /// 3.11 refuses a `yield` in a comprehension or generator expression, outside its first iterable (which runs
    /// in the enclosing scope).
    package func refuseYield(in e: Expr, what: String) throws(PySyntaxError) {
        var scan = ScopeAnalysis([])
        for part in e.comprehensionInnerParts { scan.expr(part) }
        if scan.yields { throw error("'yield' inside \(what)", at: e.position) }
    }

    /// A comprehension's loops: in place, each loop's variables are hidden locals (they do not leak into the
    /// surrounding scope, as in Python 3); in its own function, the first loop runs over the iterator `.0`.
    package mutating func comprehensionLoops(_ start: Op, _ clauses: [Comprehension], inPlace: Bool,
                                             element: (inout Compiler, Int) throws(PySyntaxError) -> Void) throws(PySyntaxError) {
        try emit(start, 0)
        var loops: [(start: Int, exit: Int)] = []
        for (depth, clause) in clauses.enumerated() {
            if depth == 0 && !inPlace {
                try load(".0")
            } else {
                try expression(clause.iterable)
                try emit(.getIter)
            }
            let top = newLabel()
            let exit = newLabel()
            bind(top)
            try emitJump(.forIter, exit)
            if inPlace {
                for n in Set(ScopeAnalysis.names(in: clause.target)) where unit.overrides[n] == nil || depth > 0 {
                    unit.overrides[n] = hiddenLocal("comp_" + n)
                }
            }
            try assign(to: clause.target)
            for cond in clause.conditions { try jumpIf(cond, top, when: false) }
            loops.append((top, exit))
        }
        try element(&self, loops.count + 1)
        for loop in loops.reversed() {
            try emitJump(.jumpForward, loop.start, line: false)
            bind(loop.exit)
        }
    }

    /// A call as 3.11 compiles it: `[NULL, callable]` (`PUSH_NULL`, or `LOAD_GLOBAL` with its NULL bit) or
    /// `[method, self]` (`LOAD_METHOD`), the arguments, `KW_NAMES` for keyword arguments, `PRECALL`, `CALL`.
    package mutating func call(_ callee: Expr, _ args: [Expr], _ keywords: [(String, Expr)], at pos: SourcePosition) throws(PySyntaxError) {
        if args.contains(where: Self.isStarred) || keywords.contains(where: { $0.0 == "**" }) {
            try callWithUnpacking(callee, args, keywords, at: pos)
            return
        }
        if args.count == 0 && keywords.isEmpty, case .name("super") = callee.kind, let selfName = unit.superSelf {
            // Zero-argument super() in a method: super(<the class>, <its first parameter>), as CPython's
            // __class__ cell and first local give it.
            try emit(.loadGlobal, try runtime.globalSlot("super") << 1 | 1)
            try load(selfName.cls)
            try load(selfName.selfName)
            position = pos
            try emit(.precall, 2)
            try emit(.call, 2)
            return
        }
        switch callee.kind {
        case .attribute(let obj, let attr):
            try expression(obj)
            position = callee.position
            try emit(.loadMethod, runtime.intern(mangled(attr)))
        case .name(let n):
            if case .global(let g) = try resolve(n) {
                position = callee.position
                try emit(.loadGlobal, g << 1 | 1)
            } else {
                try emit(.pushNull)
                try expression(callee)
            }
        default:
            try emit(.pushNull)
            try expression(callee)
        }
        for a in args { try expression(a) }
        for (_, v) in keywords { try expression(v) }
        position = pos
        if !keywords.isEmpty {
            try emit(.kwNames, constant(runtime.constantTuple(keywords.map { runtime.constant($0.0) })))
        }
        try emit(.precall, args.count + keywords.count)
        try emit(.call, args.count + keywords.count)
    }
}

/// Which names a function body assigns (its locals), declares `global`, and whether it yields.
package struct ScopeAnalysis {
    package var assigned: [String] = []
    package var globals: Set<String> = []
    package var yields = false

    package init(_ body: [Stmt]) {
        for s in body { visit(s) }
    }

    package static func names(in target: Expr) -> [String] {
        switch target.kind {
        case .name(let n): return [n]
        case .starred(let inner): return names(in: inner)
        case .tuple(let items), .list(let items): return items.flatMap { names(in: $0) }
        default: return []
        }
    }

    package mutating func add(_ name: String) { if !assigned.contains(name) { assigned.append(name) } }

    package mutating func target(_ t: Expr) { for n in Self.names(in: t) { add(n) } }

    package mutating func visit(_ s: Stmt) {
        switch s.kind {
        case .expression(let e): expr(e)
        case .assign(let targets, let value):
            for t in targets { target(t); expr(t) }
            expr(value)
        case .augAssign(let t, _, let v): target(t); expr(t); expr(v)
        case .annotated(let t, let a, let v): target(t); expr(t); expr(a); if let v { expr(v) }
        case .ifStmt(let t, let b, let o): expr(t); b.forEach { visit($0) }; o.forEach { visit($0) }
        case .whileStmt(let t, let b, let o): expr(t); b.forEach { visit($0) }; o.forEach { visit($0) }
        case .forStmt(let t, let it, let b, let o):
            target(t); expr(it); b.forEach { visit($0) }; o.forEach { visit($0) }
        case .def(let n, let params, _):
            add(n)
            for p in params { if let d = p.defaultValue { expr(d) } }
        case .classDef(let n, let bases, _): add(n); bases.forEach { expr($0) }
        case .returnStmt(let v): if let v { expr(v) }
        case .global(let names): globals.formUnion(names)
        case .raise(let v, let cause): if let v { expr(v) }; if let cause { expr(cause) }
        case .tryStmt(let b, let handlers, let o, let f):
            b.forEach { visit($0) }
            for h in handlers {
                if let n = h.name { add(n) }
                if let t = h.type { expr(t) }
                h.body.forEach { visit($0) }
            }
            o.forEach { visit($0) }
            f.forEach { visit($0) }
        case .with(let c, let t, let b):
            expr(c)
            if let t { target(t) }
            b.forEach { visit($0) }
        case .assert(let t, let m): expr(t); if let m { expr(m) }
        case .del(let targets): targets.forEach { target($0) }
        case .decorated(let decorators, let inner): decorators.forEach { expr($0) }; visit(inner)
        case .importModules(let aliases): for a in aliases { add(a.asName ?? String(a.name.prefix { $0 != "." })) }
        case .importFrom(_, let aliases): for a in aliases where a.name != "*" { add(a.asName ?? a.name) }
        case .match(let subject, let cases):
            expr(subject)
            for c in cases {
                c.pattern.boundNames.forEach { add($0) }
                c.pattern.expressions.forEach { expr($0) }
                if let g = c.guardTest { expr(g) }
                c.body.forEach { visit($0) }
            }
        case .pass, .breakStmt, .continueStmt, .nonlocal: break
        }
    }

    /// Only looks for `yield` (lambda and generator-expression bodies are their own scopes).
    package mutating func expr(_ e: Expr) {
        switch e.kind {
        case .yield, .yieldFrom: yields = true
        case .namedExpr(let n, _): add(n)
        default: break
        }
        for child in e.childrenInScope { expr(child) }
    }
}

extension Compiler {
    /// Whether a module or class body has a variable annotation of its own (not in a nested def or class), which
    /// makes 3.11 start it with SETUP_ANNOTATIONS.
    static func hasAnnotations(_ body: [Stmt]) -> Bool {
        body.contains { s in
            switch s.kind {
            case .annotated: return true
            case .ifStmt(_, let b, let o), .whileStmt(_, let b, let o), .forStmt(_, _, let b, let o): return hasAnnotations(b) || hasAnnotations(o)
            case .with(_, _, let b): return hasAnnotations(b)
            case .tryStmt(let b, let handlers, let o, let f):
                return hasAnnotations(b) || handlers.contains { hasAnnotations($0.body) } || hasAnnotations(o) || hasAnnotations(f)
            default: return false
            }
        }
    }

    /// `x: T = v` as 3.11 compiles it: the assignment, then (at module level and in a class body, for a plain name)
    /// `__annotations__['x'] = T`; for `a.b: T` the annotation is evaluated and dropped. A function never evaluates
    /// the annotations of its variables.
    mutating func annotatedAssign(_ target: Expr, _ annotation: Expr, _ value: Expr?) throws(PySyntaxError) {
        if let value {
            try expression(value)
            try assign(to: target)
        }
        guard unit.kind != .function else { return }
        try expression(annotation)
        if case .name(let name) = target.kind {
            try load("__annotations__")
            try loadConstant(runtime.constant(name))
            try emit(.storeSubscr)
        } else {
            try emit(.popTop)
        }
    }
}
