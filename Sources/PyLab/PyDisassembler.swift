import LabCore

/// Turns code objects into rows people read.
package struct Disassembler {
    package let runtime: PyRuntime

    package init(runtime: PyRuntime) { self.runtime = runtime }

    package func table(_ code: CodeObject) -> Table {
        let title: String
        switch code.kind {
        case .module: title = "code <module>"
        case .function: title = "code \(code.name)() (line \(code.firstLine))" + (code.isGenerator ? ", a generator" : "")
        case .classBody: title = "code class \(code.name) (line \(code.firstLine))"
        }
        var rows: [[Value]] = []
        var lastLine = -1
        let jumpTargets = Set((0..<code.count).compactMap { i -> Int? in
            let op = CodeObject.op(code.instructions[i])
            return op.isJump ? CodeObject.arg(code.instructions[i]) : nil
        } + code.exceptionTable.map(\.handler))
        for i in 0..<code.count {
            let word = code.instructions[i]
            let op = CodeObject.op(word)
            let arg = CodeObject.arg(word)
            let line = code.position(at: i).line
            let shownLine: Value = line != lastLine ? .int(line) : .string("")
            lastLine = line
            rows.append([shownLine, .string((jumpTargets.contains(i) ? ">>" : "") + String(i)), .string(op.name),
                         Self.hasArgument(op) ? .int(arg) : .string(""), .string(meaning(code, op, arg))])
        }
        var summary = Record([("instructions", .int(code.count))])
        let locals = code.localNames.filter { !$0.hasPrefix(".") }
        if !locals.isEmpty { summary.append("locals", .list(locals.map(Value.string))) }
        if !code.exceptionTable.isEmpty {
            summary.append("exception_table", .list(code.exceptionTable.map {
                .string("\($0.start) to \($0.end) -> \($0.handler) [\($0.depth)]")
            }))
        }
        return Table(title: title, columns: ["line", "offset", "op", "arg", "meaning"], rows: rows, summary: summary)
    }

    /// Whether 3.11's `dis` prints an argument for this opcode (it does for every opcode from `HAVE_ARGUMENT` on).
    package static func hasArgument(_ op: Op) -> Bool {
        switch op {
        case .nop, .popTop, .pushNull, .returnValue, .returnGenerator, .yieldValue, .getIter, .binarySubscr, .storeSubscr,
             .deleteSubscr, .checkExcMatch, .popExcept, .loadAssertionError, .withEnter, .withExit, .withExitError,
             .unaryNegative, .unaryPositive, .unaryNot, .unaryInvert, .importStar, .setupAnnotations,
             .matchSequence, .matchMapping, .matchKeys, .getLen:
            return false
        default: return true
        }
    }

    /// What the argument means, as 3.11's `dis` spells it where it has a spelling (`+=`, `NULL + print`, `to 12`).
    package func meaning(_ code: CodeObject, _ op: Op, _ arg: Int) -> String {
        if op.binaryOperatorNumber != nil { return PyThreadState.symbol(op) }
        if op.comparisonNumber != nil { return PyThreadState.symbol(op) }
        if op.isJump { return op == .forIter ? "to \(arg) when exhausted" : "to \(arg)" }
        switch op {
        case .loadConst, .kwNames:
            guard arg < code.constantCount else { return "?" }
            let ts = PyThreadState(runtime: runtime, name: "dis", cancellation: nil, attached: false)
            return (try? ts.repr(code.constants[arg])) ?? "?"
        case .loadFast, .storeFast, .deleteFast, .makeCell, .loadClosure, .loadDeref, .storeDeref, .deleteDeref:
            return arg < code.localNames.count ? code.localNames[arg] : "?"
        case .loadGlobal:
            return (arg & 1 != 0 ? "NULL + " : "") + runtime.globalName(arg >> 1)
        case .storeGlobal, .deleteGlobal, .loadName, .storeName, .deleteName:
            return runtime.globalName(arg)
        case .loadClassName, .storeClassName, .deleteClassName, .loadAttr, .storeAttr, .deleteAttr, .loadMethod, .importName, .importFrom:
            return runtime.name(ofInterned: arg)
        case .resume: return arg == 0 ? "start" : "after yield"
        case .precall, .call: return "\(arg) argument\(arg == 1 ? "" : "s")"
        case .makeFunction:
            return [(1, "defaults"), (2, "kwdefaults"), (8, "closure")].filter { arg & $0.0 != 0 }.map(\.1).joined(separator: ", ")
        case .makeClass:
            let index = arg & Op.classCodeMask
            return index < code.codes.count ? code.codes[index].name : "?"
        case .buildList, .buildTuple, .buildString: return "\(arg) item\(arg == 1 ? "" : "s")"
        case .buildMap, .buildConstKeyMap: return "\(arg) pair\(arg == 1 ? "" : "s")"
        case .unpackSequence: return "into \(arg)"
        case .formatValue: return arg & 3 == 2 ? "repr" + (arg & 4 != 0 ? ", with format" : "") : (arg & 4 != 0 ? "with format" : "")
        case .unaryNegative: return "-"
        case .unaryPositive: return "+"
        case .unaryNot: return "not"
        case .unaryInvert: return "~"
        case .isOp: return "is"
        case .isNotOp: return "is not"
        case .containsOp: return "in"
        case .notContainsOp: return "not in"
        case .yieldValue: return "suspend the generator"
        case .returnGenerator: return "make the generator"
        case .withEnter: return "__enter__"
        case .withExit, .withExitError: return "__exit__"
        case .matchClass: return "\(arg) positional sub-pattern\(arg == 1 ? "" : "s")"
        case .raise: return arg == 0 ? "re-raise" : arg == 2 ? "raise … from" : "raise"
        default: return ""
        }
    }
}
