import LabCore
/// The instruction set. Each instruction is one 32-bit word: the opcode in the low 8 bits and its argument
/// in the upper 24, so the eval loop reads a flat array and never decodes variable-length operands.
/// Names follow CPython's where the meaning is the same (`LOAD_FAST`, `STORE_GLOBAL`, `FOR_ITER`), so
/// `dis` output reads like CPython's.
package enum Op: UInt8, CaseIterable, Sendable {
    case nop
    case popTop, dupTop, dupTopTwo, rotTwo, rotThree
    case loadConst, loadFast, storeFast, deleteFast, loadGlobal, storeGlobal, deleteGlobal
    case loadName, storeName, deleteName
    case loadAttr, storeAttr, deleteAttr, loadMethod
    case binarySubscr, storeSubscr, deleteSubscr, buildSlice
    case binaryAdd, binarySub, binaryMul, binaryFloorDiv, binaryMod, binaryPow, binaryTrueDiv
    case binaryAnd, binaryOr, binaryXor, binaryLShift, binaryRShift
    case inplaceAdd, inplaceSub, inplaceMul, inplaceFloorDiv, inplaceMod, inplacePow, inplaceTrueDiv
    case inplaceAnd, inplaceOr, inplaceXor, inplaceLShift, inplaceRShift
    case unaryNegative, unaryPositive, unaryNot, unaryInvert
    case compareLT, compareLE, compareGT, compareGE, compareEQ, compareNE
    case isOp, isNotOp, containsOp, notContainsOp
    case popJumpIfFalse, popJumpIfTrue, jumpIfFalseOrPop, jumpIfTrueOrPop, jumpForward, jumpBackward
    case getIter, forIter
    case buildList, buildTuple, buildDict, listAppend, unpackSequence, buildString, formatValue
    case call, callKw, callMethod
    case makeFunction, makeClass
    case returnValue, yieldValue
    case raise, reraise, checkExcMatch, popExcept, loadAssertionError
    case withEnter, withExit, withExitError
    // Superinstructions: only in a code object's `executable` copy (see `CodeObject.quicken`), never in what
    // the compiler emits or `dis` shows. Each stands for itself and the instruction after it, which stays in
    // place (a jump may land on it).
    case compareLTJump, compareLEJump, compareGTJump, compareGEJump, compareEQJump, compareNEJump
    case loadFastLoadConst, loadGlobalLoadConst, addStoreFast, subtractStoreFast

    /// The name `dis` prints.
    package var name: String {
        switch self {
        case .nop: return "NOP"
        case .popTop: return "POP_TOP"
        case .dupTop: return "DUP_TOP"
        case .dupTopTwo: return "DUP_TOP_TWO"
        case .rotTwo: return "ROT_TWO"
        case .rotThree: return "ROT_THREE"
        case .loadConst: return "LOAD_CONST"
        case .loadFast: return "LOAD_FAST"
        case .storeFast: return "STORE_FAST"
        case .deleteFast: return "DELETE_FAST"
        case .loadGlobal: return "LOAD_GLOBAL"
        case .storeGlobal: return "STORE_GLOBAL"
        case .deleteGlobal: return "DELETE_GLOBAL"
        case .loadName: return "LOAD_NAME"
        case .storeName: return "STORE_NAME"
        case .deleteName: return "DELETE_NAME"
        case .loadAttr: return "LOAD_ATTR"
        case .storeAttr: return "STORE_ATTR"
        case .deleteAttr: return "DELETE_ATTR"
        case .loadMethod: return "LOAD_METHOD"
        case .binarySubscr: return "BINARY_SUBSCR"
        case .storeSubscr: return "STORE_SUBSCR"
        case .deleteSubscr: return "DELETE_SUBSCR"
        case .buildSlice: return "BUILD_SLICE"
        case .binaryAdd: return "BINARY_ADD"
        case .binarySub: return "BINARY_SUBTRACT"
        case .binaryMul: return "BINARY_MULTIPLY"
        case .binaryFloorDiv: return "BINARY_FLOOR_DIVIDE"
        case .binaryMod: return "BINARY_MODULO"
        case .binaryPow: return "BINARY_POWER"
        case .binaryTrueDiv: return "BINARY_TRUE_DIVIDE"
        case .binaryAnd: return "BINARY_AND"
        case .binaryOr: return "BINARY_OR"
        case .binaryXor: return "BINARY_XOR"
        case .binaryLShift: return "BINARY_LSHIFT"
        case .binaryRShift: return "BINARY_RSHIFT"
        case .inplaceAdd: return "INPLACE_ADD"
        case .inplaceSub: return "INPLACE_SUBTRACT"
        case .inplaceMul: return "INPLACE_MULTIPLY"
        case .inplaceFloorDiv: return "INPLACE_FLOOR_DIVIDE"
        case .inplaceMod: return "INPLACE_MODULO"
        case .inplacePow: return "INPLACE_POWER"
        case .inplaceTrueDiv: return "INPLACE_TRUE_DIVIDE"
        case .inplaceAnd: return "INPLACE_AND"
        case .inplaceOr: return "INPLACE_OR"
        case .inplaceXor: return "INPLACE_XOR"
        case .inplaceLShift: return "INPLACE_LSHIFT"
        case .inplaceRShift: return "INPLACE_RSHIFT"
        case .unaryNegative: return "UNARY_NEGATIVE"
        case .unaryPositive: return "UNARY_POSITIVE"
        case .unaryNot: return "UNARY_NOT"
        case .unaryInvert: return "UNARY_INVERT"
        case .compareLT, .compareLE, .compareGT, .compareGE, .compareEQ, .compareNE: return "COMPARE_OP"
        case .isOp: return "IS_OP"
        case .isNotOp: return "IS_NOT_OP"
        case .containsOp: return "CONTAINS_OP"
        case .notContainsOp: return "NOT_CONTAINS_OP"
        case .popJumpIfFalse: return "POP_JUMP_IF_FALSE"
        case .popJumpIfTrue: return "POP_JUMP_IF_TRUE"
        case .jumpIfFalseOrPop: return "JUMP_IF_FALSE_OR_POP"
        case .jumpIfTrueOrPop: return "JUMP_IF_TRUE_OR_POP"
        case .jumpForward: return "JUMP_FORWARD"
        case .jumpBackward: return "JUMP_BACKWARD"
        case .getIter: return "GET_ITER"
        case .forIter: return "FOR_ITER"
        case .buildList: return "BUILD_LIST"
        case .buildTuple: return "BUILD_TUPLE"
        case .buildDict: return "BUILD_MAP"
        case .listAppend: return "LIST_APPEND"
        case .unpackSequence: return "UNPACK_SEQUENCE"
        case .buildString: return "BUILD_STRING"
        case .formatValue: return "FORMAT_VALUE"
        case .call: return "CALL"
        case .callKw: return "CALL_KW"
        case .callMethod: return "CALL_METHOD"
        case .makeFunction: return "MAKE_FUNCTION"
        case .makeClass: return "MAKE_CLASS"
        case .returnValue: return "RETURN_VALUE"
        case .yieldValue: return "YIELD_VALUE"
        case .raise: return "RAISE_VARARGS"
        case .reraise: return "RERAISE"
        case .checkExcMatch: return "CHECK_EXC_MATCH"
        case .popExcept: return "POP_EXCEPT"
        case .loadAssertionError: return "LOAD_ASSERTION_ERROR"
        case .withEnter: return "BEFORE_WITH"
        case .withExit: return "WITH_EXIT"
        case .withExitError: return "WITH_EXCEPT_START"
        case .compareLTJump, .compareLEJump, .compareGTJump, .compareGEJump, .compareEQJump, .compareNEJump:
            return "COMPARE_AND_BRANCH"
        case .loadFastLoadConst: return "LOAD_FAST__LOAD_CONST"
        case .loadGlobalLoadConst: return "LOAD_GLOBAL__LOAD_CONST"
        case .addStoreFast: return "BINARY_ADD__STORE_FAST"
        case .subtractStoreFast: return "BINARY_SUBTRACT__STORE_FAST"
        }
    }

    package var isJump: Bool {
        switch self {
        case .popJumpIfFalse, .popJumpIfTrue, .jumpIfFalseOrPop, .jumpIfTrueOrPop, .jumpForward, .jumpBackward, .forIter: return true
        default: return false
        }
    }

    /// Net stack effect when execution falls through (jumps: see `jumpEffect`).
    package func stackEffect(_ arg: Int) -> Int {
        switch self {
        case .nop, .rotTwo, .rotThree, .unaryNegative, .unaryPositive, .unaryNot, .unaryInvert, .getIter,
             .jumpForward, .jumpBackward, .loadAttr, .checkExcMatch, .deleteFast, .deleteGlobal, .deleteName:
            return 0
        case .formatValue: return arg & 2 != 0 ? -1 : 0
        case .popTop, .storeFast, .storeGlobal, .storeName, .popJumpIfFalse, .popJumpIfTrue, .jumpIfFalseOrPop,
             .jumpIfTrueOrPop, .binarySubscr, .listAppend, .returnValue, .popExcept, .withExit, .deleteAttr:
            return -1
        case .dupTop, .loadConst, .loadFast, .loadGlobal, .loadName, .forIter, .loadAssertionError, .withEnter, .loadMethod:
            return 1
        case .dupTopTwo: return 2
        case .storeAttr, .deleteSubscr: return -2
        case .storeSubscr: return -3
        case .buildSlice: return -2
        case .binaryAdd, .binarySub, .binaryMul, .binaryFloorDiv, .binaryMod, .binaryPow, .binaryTrueDiv,
             .binaryAnd, .binaryOr, .binaryXor, .binaryLShift, .binaryRShift,
             .inplaceAdd, .inplaceSub, .inplaceMul, .inplaceFloorDiv, .inplaceMod, .inplacePow, .inplaceTrueDiv,
             .inplaceAnd, .inplaceOr, .inplaceXor, .inplaceLShift, .inplaceRShift,
             .compareLT, .compareLE, .compareGT, .compareGE, .compareEQ, .compareNE,
             .isOp, .isNotOp, .containsOp, .notContainsOp:
            return -1
        case .buildList, .buildTuple, .buildString: return 1 - arg
        case .buildDict: return 1 - 2 * arg
        case .unpackSequence: return arg - 1
        case .call: return -arg
        case .callKw: return -arg - 1
        case .callMethod: return -arg - 1
        case .makeFunction: return 1 - (arg >> 16)
        case .makeClass: return 1 - (arg >> 16)
        case .yieldValue: return 0
        case .raise: return -arg
        case .reraise: return -1
        case .withExitError: return -2
        case .compareLTJump, .compareLEJump, .compareGTJump, .compareGEJump, .compareEQJump, .compareNEJump: return -1
        case .loadFastLoadConst, .loadGlobalLoadConst: return 1
        case .addStoreFast, .subtractStoreFast: return -1
        }
    }

    /// Stack effect when the jump is taken.
    package func jumpEffect(_ arg: Int) -> Int {
        switch self {
        case .forIter: return -1
        case .jumpIfFalseOrPop, .jumpIfTrueOrPop: return 0
        case .popJumpIfFalse, .popJumpIfTrue: return -1
        default: return 0
        }
    }

    /// Control never falls through to the next instruction.
    package var isTerminal: Bool {
        switch self {
        case .jumpForward, .jumpBackward, .returnValue, .raise, .reraise: return true
        default: return false
        }
    }
}

/// One entry of a code object's exception table: a protected range of instructions and where its handler is.
/// (CPython 3.11's "zero-cost" exceptions: nothing runs on entering a `try`.)
package struct ExceptionEntry: Sendable {
    package var start: Int
    package var end: Int
    package var handler: Int
    /// Values the handler keeps on the stack below the exception.
    package var depth: Int
    /// Nesting level; the innermost matching entry wins.
    package var level: Int
}

package enum CodeKind: Sendable { case module, function, classBody }

/// Compiled code: instructions, constants, names, and what `dis` needs. Immutable once built, so threads
/// share it freely; the instructions live in a flat buffer the eval loop reads directly.
package final class CodeObject: @unchecked Sendable {
    // Immutable after init; the buffers are owned by this object and freed in deinit.
    package let name: String
    package let kind: CodeKind
    package let instructions: UnsafeMutablePointer<UInt32>
    /// What the eval loop runs: `instructions` with some pairs fused into superinstructions.
    package let executable: UnsafeMutablePointer<UInt32>
    package let count: Int
    package let constants: UnsafeMutablePointer<PyValue>
    package let constantCount: Int
    package let codes: [CodeObject]
    package let localNames: [String]
    package let argumentCount: Int
    package let localCount: Int
    package let maxStack: Int
    package let isGenerator: Bool
    package let positions: [SourcePosition]
    package let exceptionTable: [ExceptionEntry]
    package let firstLine: Int
    /// Names of the parameters, for keyword arguments.
    package var parameterNames: ArraySlice<String> { localNames[0..<argumentCount] }

    package init(name: String, kind: CodeKind, instructions: [UInt32], constants: [PyValue], codes: [CodeObject], localNames: [String],
         argumentCount: Int, maxStack: Int, isGenerator: Bool, positions: [SourcePosition], exceptionTable: [ExceptionEntry],
         firstLine: Int) {
        self.name = name
        self.kind = kind
        self.count = instructions.count
        self.instructions = UnsafeMutablePointer<UInt32>.allocate(capacity: max(1, instructions.count))
        self.instructions.initialize(from: instructions, count: instructions.count)
        self.executable = UnsafeMutablePointer<UInt32>.allocate(capacity: max(1, instructions.count))
        self.executable.initialize(from: Self.quicken(instructions), count: instructions.count)
        self.constantCount = constants.count
        self.constants = UnsafeMutablePointer<PyValue>.allocate(capacity: max(1, constants.count))
        self.constants.initialize(from: constants, count: constants.count)
        self.codes = codes
        self.localNames = localNames
        self.argumentCount = argumentCount
        self.localCount = localNames.count
        self.maxStack = maxStack
        self.isGenerator = isGenerator
        self.positions = positions
        self.exceptionTable = exceptionTable
        self.firstLine = firstLine
    }

    deinit {
        instructions.deallocate()
        executable.deallocate()
        constants.deallocate()
    }

    /// Fuses common pairs, as CPython 3.11+'s specialising interpreter does behind `dis`'s back: a compare
    /// and the conditional jump after it, a local or global load and the constant after it, an add or subtract
    /// and the store into a local after it. The second instruction of a pair stays where it was, so a jump to
    /// it still works, and a superinstruction that meets anything but plain ints falls back to its first half.
    /// Stores to globals are never fused: a thread switch may happen just before one (that is the `x += 1` race).
    package static func quicken(_ code: [UInt32]) -> [UInt32] {
        var out = code
        var k = 0
        while k + 1 < code.count {
            let first = op(code[k]), second = op(code[k + 1])
            let a = arg(code[k]), b = arg(code[k + 1])
            var fused: (Op, Int)?
            switch (first, second) {
            case (.compareLT, .popJumpIfFalse): fused = (.compareLTJump, 0)
            case (.compareLE, .popJumpIfFalse): fused = (.compareLEJump, 0)
            case (.compareGT, .popJumpIfFalse): fused = (.compareGTJump, 0)
            case (.compareGE, .popJumpIfFalse): fused = (.compareGEJump, 0)
            case (.compareEQ, .popJumpIfFalse): fused = (.compareEQJump, 0)
            case (.compareNE, .popJumpIfFalse): fused = (.compareNEJump, 0)
            case (.loadFast, .loadConst) where a < 4096 && b < 4096: fused = (.loadFastLoadConst, a | b << 12)
            case (.loadGlobal, .loadConst) where a < 4096 && b < 4096: fused = (.loadGlobalLoadConst, a | b << 12)
            case (.binaryAdd, .storeFast), (.inplaceAdd, .storeFast): fused = (.addStoreFast, b)
            case (.binarySub, .storeFast), (.inplaceSub, .storeFast): fused = (.subtractStoreFast, b)
            default: break
            }
            if let (op, packed) = fused {
                out[k] = UInt32(op.rawValue) | UInt32(packed) << 8
                k += 2
            } else {
                k += 1
            }
        }
        return out
    }

    @inline(__always) package static func op(_ word: UInt32) -> Op { Op(rawValue: UInt8(truncatingIfNeeded: word)) ?? .nop }
    @inline(__always) package static func arg(_ word: UInt32) -> Int { Int(word >> 8) }

    package func position(at pc: Int) -> SourcePosition { pc >= 0 && pc < positions.count ? positions[pc] : .unknown }

    /// The innermost handler whose range covers `pc`.
    package func handler(for pc: Int) -> ExceptionEntry? {
        var best: ExceptionEntry?
        for entry in exceptionTable where entry.start <= pc && pc < entry.end {
            if let current = best, current.level >= entry.level { continue }
            best = entry
        }
        return best
    }
}
