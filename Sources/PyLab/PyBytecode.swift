import LabCore
/// The instruction set: CPython 3.11's opcodes, under the names `dis` prints in 3.11, executed as such.
///
/// Each instruction is one 32-bit word: the opcode in the low 8 bits and its argument in the upper 24, so the
/// eval loop reads a flat array and never decodes variable-length operands (CPython's cache entries and
/// `EXTENDED_ARG` do not exist here, so offsets are instruction numbers, not bytes). Where one 3.11 opcode has
/// several cases here, the case is only a specialisation the loop dispatches on directly, as CPython's own
/// specialised forms (`BINARY_OP_ADD_INT`) are; `dis` prints the one 3.11 name and argument:
///
/// - `BINARY_OP`: one case per operator (the argument is 3.11's `NB_*` number, `13 (+=)`);
/// - `COMPARE_OP`: one case per comparison (the argument is 3.11's index into `cmp_op`);
/// - `IS_OP`, `CONTAINS_OP`: one case for 0 and one for 1 (`is not`, `not in`);
/// - `LOAD_NAME`, `STORE_NAME`, `DELETE_NAME`: at module level the module's namespace is its globals, so the
///   argument is a global slot; in a class body it is an interned name looked up in the class being built.
///
/// Jumps are compiled direction-free and `PyAssembler` picks `_FORWARD_`/`_BACKWARD_` from where the target
/// landed, as 3.11's assembler does: the backward ones are where the eval breaker runs.
package enum Op: UInt8, CaseIterable, Sendable {
    /// MAKE_CLASS's argument: the class body's code (low 15 bits), whether the cells of a closure lie on the stack
    /// above the bases (bit 15: a class in a function whose variables it uses), the number of bases (bits 16-23).
    package static let classCodeMask = 0x7fff
    package static let classClosureFlag = 0x8000

    case nop, resume
    case popTop, pushNull, copy, swap
    case loadConst, loadFast, storeFast, deleteFast, loadGlobal, storeGlobal, deleteGlobal
    case loadName, storeName, deleteName
    case loadClassName, storeClassName, deleteClassName
    case loadAttr, storeAttr, deleteAttr, loadMethod
    case binarySubscr, storeSubscr, deleteSubscr, buildSlice
    case binaryAdd, binarySub, binaryMul, binaryFloorDiv, binaryMod, binaryPow, binaryTrueDiv
    case binaryAnd, binaryOr, binaryXor, binaryLShift, binaryRShift
    case inplaceAdd, inplaceSub, inplaceMul, inplaceFloorDiv, inplaceMod, inplacePow, inplaceTrueDiv
    case inplaceAnd, inplaceOr, inplaceXor, inplaceLShift, inplaceRShift
    case unaryNegative, unaryPositive, unaryNot, unaryInvert
    case compareLT, compareLE, compareGT, compareGE, compareEQ, compareNE
    case isOp, isNotOp, containsOp, notContainsOp
    case popJumpForwardIfFalse, popJumpForwardIfTrue, popJumpBackwardIfFalse, popJumpBackwardIfTrue
    case popJumpForwardIfNone, popJumpForwardIfNotNone, popJumpBackwardIfNone, popJumpBackwardIfNotNone
    case jumpIfFalseOrPop, jumpIfTrueOrPop, jumpForward, jumpBackward
    case getIter, forIter
    case buildList, buildTuple, buildMap, buildConstKeyMap, listAppend, listExtend, unpackSequence, buildString, formatValue
    case precall, call, kwNames
    case makeFunction, makeClass
    case returnValue, returnGenerator, yieldValue
    case raise, reraise, checkExcMatch, popExcept, loadAssertionError
    case withEnter, withExit, withExitError
    // Closures, calls with * and **, unpacking with *, sets and comprehensions, `yield from` (3.11's opcodes).
    case makeCell, copyFreeVars, loadClosure, loadDeref, storeDeref, deleteDeref
    case callFunctionEx, dictMerge, dictUpdate, listToTuple, unpackEx, buildSet, setAdd, setUpdate, mapAdd
    case getYieldFromIter, send, jumpBackwardNoInterrupt
    case importName, importFrom, importStar, setupAnnotations
    // `match` (3.10's pattern matching, PyMatch.swift).
    case matchClass, matchSequence, matchMapping, matchKeys, getLen
    // Superinstructions: only in a code object's `executable` copy (see `CodeObject.quicken`), never in what
    // the compiler emits or `dis` shows. Each stands for itself and the instruction after it, which stays in
    // place (a jump may land on it).
    case compareLTJump, compareLEJump, compareGTJump, compareGEJump, compareEQJump, compareNEJump
    case loadFastLoadConst, loadGlobalLoadConst, addStoreFast, subtractStoreFast, precallCall
    // These stand for three or five instructions, which stay in place after them the same way.
    case loadFastItemConst, loadFastItemConstKeep, swapStoreSubscr, loadFastLoadFast
    case loadFastLoadAttr, loadFastStoreAttr, loadFastLoadMethod

    /// The name `dis` prints: CPython 3.11's.
    package var name: String {
        switch self {
        case .nop: return "NOP"
        case .resume: return "RESUME"
        case .popTop: return "POP_TOP"
        case .pushNull: return "PUSH_NULL"
        case .copy: return "COPY"
        case .swap: return "SWAP"
        case .loadConst: return "LOAD_CONST"
        case .loadFast: return "LOAD_FAST"
        case .storeFast: return "STORE_FAST"
        case .deleteFast: return "DELETE_FAST"
        case .loadGlobal: return "LOAD_GLOBAL"
        case .storeGlobal: return "STORE_GLOBAL"
        case .deleteGlobal: return "DELETE_GLOBAL"
        case .loadName, .loadClassName: return "LOAD_NAME"
        case .storeName, .storeClassName: return "STORE_NAME"
        case .deleteName, .deleteClassName: return "DELETE_NAME"
        case .loadAttr: return "LOAD_ATTR"
        case .storeAttr: return "STORE_ATTR"
        case .deleteAttr: return "DELETE_ATTR"
        case .loadMethod: return "LOAD_METHOD"
        case .binarySubscr: return "BINARY_SUBSCR"
        case .storeSubscr: return "STORE_SUBSCR"
        case .deleteSubscr: return "DELETE_SUBSCR"
        case .buildSlice: return "BUILD_SLICE"
        case .binaryAdd, .binarySub, .binaryMul, .binaryFloorDiv, .binaryMod, .binaryPow, .binaryTrueDiv,
             .binaryAnd, .binaryOr, .binaryXor, .binaryLShift, .binaryRShift,
             .inplaceAdd, .inplaceSub, .inplaceMul, .inplaceFloorDiv, .inplaceMod, .inplacePow, .inplaceTrueDiv,
             .inplaceAnd, .inplaceOr, .inplaceXor, .inplaceLShift, .inplaceRShift:
            return "BINARY_OP"
        case .unaryNegative: return "UNARY_NEGATIVE"
        case .unaryPositive: return "UNARY_POSITIVE"
        case .unaryNot: return "UNARY_NOT"
        case .unaryInvert: return "UNARY_INVERT"
        case .compareLT, .compareLE, .compareGT, .compareGE, .compareEQ, .compareNE: return "COMPARE_OP"
        case .isOp, .isNotOp: return "IS_OP"
        case .containsOp, .notContainsOp: return "CONTAINS_OP"
        case .popJumpForwardIfFalse: return "POP_JUMP_FORWARD_IF_FALSE"
        case .popJumpForwardIfTrue: return "POP_JUMP_FORWARD_IF_TRUE"
        case .popJumpBackwardIfFalse: return "POP_JUMP_BACKWARD_IF_FALSE"
        case .popJumpBackwardIfTrue: return "POP_JUMP_BACKWARD_IF_TRUE"
        case .popJumpForwardIfNone: return "POP_JUMP_FORWARD_IF_NONE"
        case .popJumpForwardIfNotNone: return "POP_JUMP_FORWARD_IF_NOT_NONE"
        case .popJumpBackwardIfNone: return "POP_JUMP_BACKWARD_IF_NONE"
        case .popJumpBackwardIfNotNone: return "POP_JUMP_BACKWARD_IF_NOT_NONE"
        case .jumpIfFalseOrPop: return "JUMP_IF_FALSE_OR_POP"
        case .jumpIfTrueOrPop: return "JUMP_IF_TRUE_OR_POP"
        case .jumpForward: return "JUMP_FORWARD"
        case .jumpBackward: return "JUMP_BACKWARD"
        case .getIter: return "GET_ITER"
        case .forIter: return "FOR_ITER"
        case .buildList: return "BUILD_LIST"
        case .buildTuple: return "BUILD_TUPLE"
        case .buildMap: return "BUILD_MAP"
        case .buildConstKeyMap: return "BUILD_CONST_KEY_MAP"
        case .listAppend: return "LIST_APPEND"
        case .listExtend: return "LIST_EXTEND"
        case .unpackSequence: return "UNPACK_SEQUENCE"
        case .buildString: return "BUILD_STRING"
        case .formatValue: return "FORMAT_VALUE"
        case .precall: return "PRECALL"
        case .call: return "CALL"
        case .kwNames: return "KW_NAMES"
        case .makeFunction: return "MAKE_FUNCTION"
        case .makeClass: return "MAKE_CLASS"
        case .returnValue: return "RETURN_VALUE"
        case .returnGenerator: return "RETURN_GENERATOR"
        case .yieldValue: return "YIELD_VALUE"
        case .raise: return "RAISE_VARARGS"
        case .reraise: return "RERAISE"
        case .checkExcMatch: return "CHECK_EXC_MATCH"
        case .popExcept: return "POP_EXCEPT"
        case .loadAssertionError: return "LOAD_ASSERTION_ERROR"
        case .withEnter: return "BEFORE_WITH"
        case .withExit: return "WITH_EXIT"
        case .withExitError: return "WITH_EXCEPT_START"
        case .makeCell: return "MAKE_CELL"
        case .copyFreeVars: return "COPY_FREE_VARS"
        case .loadClosure: return "LOAD_CLOSURE"
        case .loadDeref: return "LOAD_DEREF"
        case .storeDeref: return "STORE_DEREF"
        case .deleteDeref: return "DELETE_DEREF"
        case .callFunctionEx: return "CALL_FUNCTION_EX"
        case .dictMerge: return "DICT_MERGE"
        case .dictUpdate: return "DICT_UPDATE"
        case .listToTuple: return "LIST_TO_TUPLE"
        case .unpackEx: return "UNPACK_EX"
        case .buildSet: return "BUILD_SET"
        case .setAdd: return "SET_ADD"
        case .setUpdate: return "SET_UPDATE"
        case .mapAdd: return "MAP_ADD"
        case .getYieldFromIter: return "GET_YIELD_FROM_ITER"
        case .send: return "SEND"
        case .jumpBackwardNoInterrupt: return "JUMP_BACKWARD_NO_INTERRUPT"
        case .importName: return "IMPORT_NAME"
        case .importFrom: return "IMPORT_FROM"
        case .importStar: return "IMPORT_STAR"
        case .matchClass: return "MATCH_CLASS"
        case .matchSequence: return "MATCH_SEQUENCE"
        case .matchMapping: return "MATCH_MAPPING"
        case .matchKeys: return "MATCH_KEYS"
        case .getLen: return "GET_LEN"
        case .setupAnnotations: return "SETUP_ANNOTATIONS"
        case .compareLTJump, .compareLEJump, .compareGTJump, .compareGEJump, .compareEQJump, .compareNEJump:
            return "COMPARE_AND_BRANCH"
        case .loadFastLoadConst: return "LOAD_FAST__LOAD_CONST"
        case .loadGlobalLoadConst: return "LOAD_GLOBAL__LOAD_CONST"
        case .addStoreFast: return "BINARY_OP_ADD__STORE_FAST"
        case .subtractStoreFast: return "BINARY_OP_SUBTRACT__STORE_FAST"
        case .precallCall: return "PRECALL__CALL"
        case .loadFastItemConst: return "LOAD_FAST__LOAD_CONST__BINARY_SUBSCR"
        case .loadFastItemConstKeep: return "LOAD_FAST__LOAD_CONST__COPY__COPY__BINARY_SUBSCR"
        case .swapStoreSubscr: return "SWAP__SWAP__STORE_SUBSCR"
        case .loadFastLoadFast: return "LOAD_FAST__LOAD_FAST"
        case .loadFastLoadAttr: return "LOAD_FAST__LOAD_ATTR"
        case .loadFastStoreAttr: return "LOAD_FAST__STORE_ATTR"
        case .loadFastLoadMethod: return "LOAD_FAST__LOAD_METHOD"
        }
    }

    /// `BINARY_OP`'s argument in 3.11 (`NB_ADD` 0 … `NB_INPLACE_XOR` 25); nil for other opcodes.
    package var binaryOperatorNumber: Int? {
        switch self {
        case .binaryAdd: return 0
        case .binaryAnd: return 1
        case .binaryFloorDiv: return 2
        case .binaryLShift: return 3
        case .binaryMul: return 5
        case .binaryMod: return 6
        case .binaryOr: return 7
        case .binaryPow: return 8
        case .binaryRShift: return 9
        case .binarySub: return 10
        case .binaryTrueDiv: return 11
        case .binaryXor: return 12
        case .inplaceAdd: return 13
        case .inplaceAnd: return 14
        case .inplaceFloorDiv: return 15
        case .inplaceLShift: return 16
        case .inplaceMul: return 18
        case .inplaceMod: return 19
        case .inplaceOr: return 20
        case .inplacePow: return 21
        case .inplaceRShift: return 22
        case .inplaceSub: return 23
        case .inplaceTrueDiv: return 24
        case .inplaceXor: return 25
        default: return nil
        }
    }

    /// `COMPARE_OP`'s argument in 3.11 (its index in `dis.cmp_op`); nil for other opcodes.
    package var comparisonNumber: Int? {
        switch self {
        case .compareLT: return 0
        case .compareLE: return 1
        case .compareEQ: return 2
        case .compareNE: return 3
        case .compareGT: return 4
        case .compareGE: return 5
        default: return nil
        }
    }

    /// The argument the compiler gives an operator instruction: what 3.11 would (the opcode alone decides).
    package var operatorArgument: Int {
        if let n = binaryOperatorNumber { return n }
        if let n = comparisonNumber { return n }
        switch self {
        case .isNotOp, .notContainsOp: return 1
        default: return 0
        }
    }

    package var isJump: Bool { isConditionalJump || self == .jumpForward || self == .jumpBackward || self == .jumpBackwardNoInterrupt }

    /// A jump that may fall through (3.11's conditional jumps and FOR_ITER).
    package var isConditionalJump: Bool {
        switch self {
        case .popJumpForwardIfFalse, .popJumpForwardIfTrue, .popJumpBackwardIfFalse, .popJumpBackwardIfTrue,
             .popJumpForwardIfNone, .popJumpForwardIfNotNone, .popJumpBackwardIfNone, .popJumpBackwardIfNotNone,
             .jumpIfFalseOrPop, .jumpIfTrueOrPop, .forIter, .send:
            return true
        default: return false
        }
    }

    /// The same jump pointing the other way (`JUMP_FORWARD` ↔ `JUMP_BACKWARD`…); itself when 3.11 has only one.
    package func pointing(backward: Bool) -> Op {
        switch self {
        case .jumpForward, .jumpBackward: return backward ? .jumpBackward : .jumpForward
        case .popJumpForwardIfFalse, .popJumpBackwardIfFalse: return backward ? .popJumpBackwardIfFalse : .popJumpForwardIfFalse
        case .popJumpForwardIfTrue, .popJumpBackwardIfTrue: return backward ? .popJumpBackwardIfTrue : .popJumpForwardIfTrue
        case .popJumpForwardIfNone, .popJumpBackwardIfNone: return backward ? .popJumpBackwardIfNone : .popJumpForwardIfNone
        case .popJumpForwardIfNotNone, .popJumpBackwardIfNotNone: return backward ? .popJumpBackwardIfNotNone : .popJumpForwardIfNotNone
        default: return self
        }
    }

    /// Net stack effect when execution falls through (jumps: see `jumpEffect`).
    package func stackEffect(_ arg: Int) -> Int {
        switch self {
        case .nop, .resume, .swap, .setupAnnotations, .unaryNegative, .unaryPositive, .unaryNot, .unaryInvert, .getIter,
             .jumpForward, .jumpBackward, .loadAttr, .checkExcMatch, .deleteFast, .deleteGlobal, .deleteName,
             .deleteClassName, .precall, .kwNames, .yieldValue,
             .makeCell, .copyFreeVars, .deleteDeref, .listToTuple, .getYieldFromIter, .send, .jumpBackwardNoInterrupt:
            return 0
        case .loadClosure, .loadDeref: return 1
        case .storeDeref, .dictMerge, .dictUpdate, .setAdd, .setUpdate: return -1
        case .mapAdd: return -2
        case .callFunctionEx: return -2 - (arg & 1)
        case .unpackEx: return (arg & 0xff) + (arg >> 8)
        case .buildSet: return 1 - arg
        case .formatValue: return arg & 4 != 0 ? -1 : 0
        case .popTop, .storeFast, .storeGlobal, .storeName, .storeClassName, .binarySubscr, .listAppend, .listExtend,
             .returnValue, .popExcept, .withExit, .deleteAttr,
             .popJumpForwardIfFalse, .popJumpForwardIfTrue, .popJumpBackwardIfFalse, .popJumpBackwardIfTrue,
             .popJumpForwardIfNone, .popJumpForwardIfNotNone, .popJumpBackwardIfNone, .popJumpBackwardIfNotNone,
             .jumpIfFalseOrPop, .jumpIfTrueOrPop:
            return -1
        case .pushNull, .copy, .loadConst, .loadFast, .loadName, .loadClassName, .forIter, .loadAssertionError,
             .withEnter, .loadMethod, .returnGenerator:
            return 1
        case .loadGlobal: return 1 + (arg & 1)
        case .storeAttr, .deleteSubscr: return -2
        case .storeSubscr: return -3
        case .buildSlice: return 1 - arg
        case .binaryAdd, .binarySub, .binaryMul, .binaryFloorDiv, .binaryMod, .binaryPow, .binaryTrueDiv,
             .binaryAnd, .binaryOr, .binaryXor, .binaryLShift, .binaryRShift,
             .inplaceAdd, .inplaceSub, .inplaceMul, .inplaceFloorDiv, .inplaceMod, .inplacePow, .inplaceTrueDiv,
             .inplaceAnd, .inplaceOr, .inplaceXor, .inplaceLShift, .inplaceRShift,
             .compareLT, .compareLE, .compareGT, .compareGE, .compareEQ, .compareNE,
             .isOp, .isNotOp, .containsOp, .notContainsOp:
            return -1
        case .buildList, .buildTuple, .buildString: return 1 - arg
        case .buildMap: return 1 - 2 * arg
        case .buildConstKeyMap: return -arg
        case .unpackSequence: return arg - 1
        case .call, .precallCall: return -arg - 1
        case .makeFunction: return -((arg & 1) + (arg >> 1 & 1) + (arg >> 3 & 1))
        case .makeClass: return 1 - (arg >> 16) - (arg & Op.classClosureFlag != 0 ? 1 : 0)
        case .raise: return -arg
        case .reraise: return -1
        case .withExitError: return -2
        case .importName, .importStar: return -1
        case .importFrom: return 1
        case .matchSequence, .matchMapping, .matchKeys, .getLen: return 1
        case .matchClass: return -2
        case .compareLTJump, .compareLEJump, .compareGTJump, .compareGEJump, .compareEQJump, .compareNEJump: return -1
        case .loadFastLoadConst, .loadGlobalLoadConst, .loadFastItemConst, .loadFastItemConstKeep, .loadFastLoadFast: return 1
        case .swapStoreSubscr: return 0
        case .loadFastLoadAttr, .loadFastStoreAttr, .loadFastLoadMethod: return 1
        case .addStoreFast, .subtractStoreFast: return -1
        }
    }

    /// Stack effect when the jump is taken.
    package func jumpEffect(_ arg: Int) -> Int {
        switch self {
        case .forIter, .send: return -1
        case .jumpIfFalseOrPop, .jumpIfTrueOrPop: return 0
        case .popJumpForwardIfFalse, .popJumpForwardIfTrue, .popJumpBackwardIfFalse, .popJumpBackwardIfTrue,
             .popJumpForwardIfNone, .popJumpForwardIfNotNone, .popJumpBackwardIfNone, .popJumpBackwardIfNotNone:
            return -1
        default: return 0
        }
    }

    /// Control never falls through to the next instruction.
    package var isTerminal: Bool {
        switch self {
        case .jumpForward, .jumpBackward, .jumpBackwardNoInterrupt, .returnValue, .raise, .reraise: return true
        default: return false
        }
    }

    /// Leaves the code object (a return or a raise): what 3.11 calls an exit block's last instruction.
    package var exitsScope: Bool {
        switch self {
        case .returnValue, .raise, .reraise: return true
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

/// What a call needs to know beyond the plain positional parameters: keyword-only parameters, `*args` and
/// `**kwargs` (their slots follow the positional ones, in CPython's order), and the closure: the slots `MAKE_CELL`
/// turns into cells and the slots the function's closure cells go to (its free variables, in closure order).
package struct CodeSignature: Sendable {
    package var keywordOnly = 0
    /// How many of the positional parameters come before a `/`: a keyword never binds them.
    package var positionalOnly = 0
    package var varArgs = false
    package var varKeywords = false
    package var cellSlots: [Int] = []
    package var freeSlots: [Int] = []
    package init() {}
    /// Positional parameters only, no cells and no closure: a call binds arguments slot for slot and starts after
    /// the RESUME that is then its first instruction.
    package var isSimple: Bool { keywordOnly == 0 && !varArgs && !varKeywords && freeSlots.isEmpty && cellSlots.isEmpty }
}

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
    /// Objects only this code's constants refer to (the code objects `MAKE_FUNCTION` reads): kept alive with it.
    package let ownedConstants: [PyObject]
    package let signature: CodeSignature
    /// `__qualname__` of the class or function this is the code of (its name at module level).
    package let qualifiedName: String
    /// A function's docstring (its body's first statement, a string literal): what `f.__doc__` reads.
    package let docString: String?
    /// Names of the parameters, for keyword arguments.
    package var parameterNames: ArraySlice<String> { localNames[0..<argumentCount] }

    package init(name: String, kind: CodeKind, instructions: [UInt32], constants: [PyValue], codes: [CodeObject], localNames: [String],
         argumentCount: Int, maxStack: Int, isGenerator: Bool, positions: [SourcePosition], exceptionTable: [ExceptionEntry],
         firstLine: Int, ownedConstants: [PyObject] = [], signature: CodeSignature = CodeSignature(), qualifiedName: String? = nil,
         docString: String? = nil) {
        self.qualifiedName = qualifiedName ?? name
        self.docString = docString
        self.signature = signature
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
        self.ownedConstants = ownedConstants
    }

    deinit {
        instructions.deallocate()
        executable.deallocate()
        constants.deallocate()
    }

    /// Fuses common pairs, as CPython 3.11+'s specialising interpreter does behind `dis`'s back: a compare
    /// and the conditional jump after it, a local or global load and the constant after it, an add or subtract
    /// and the store into a local after it, `PRECALL` and its `CALL`. The second instruction of a pair stays where
    /// it was, so a jump to it still works, and a superinstruction that meets anything but plain ints falls back
    /// to its first half. Stores to globals are never fused, and a fused pair keeps the eval breaker where the
    /// unfused one has it (a backward jump, a call).
    package static func quicken(_ code: [UInt32]) -> [UInt32] {
        var out = code
        var k = 0
        // `x[k]` for a local `x` and a constant `k` (LOAD_FAST, LOAD_CONST, BINARY_SUBSCR), and the same inside
        // `x[k] op= …` (with COPY 2, COPY 2 before the subscript): the n-body bench's `bi[0]` and `bi[3] -= …`.
        func localItem(at i: Int) -> (Op, Int, Int)? {
            guard i + 2 < code.count, op(code[i]) == .loadFast, op(code[i + 1]) == .loadConst else { return nil }
            let a = arg(code[i]), b = arg(code[i + 1])
            guard a < 4096 && b < 4096 else { return nil }
            if op(code[i + 2]) == .binarySubscr { return (.loadFastItemConst, a | b << 12, 3) }
            if i + 4 < code.count, op(code[i + 2]) == .copy, arg(code[i + 2]) == 2, op(code[i + 3]) == .copy,
               arg(code[i + 3]) == 2, op(code[i + 4]) == .binarySubscr {
                return (.loadFastItemConstKeep, a | b << 12, 5)
            }
            return nil
        }
        while k + 1 < code.count {
            if let (op, packed, length) = localItem(at: k) {
                out[k] = UInt32(op.rawValue) | UInt32(packed) << 8
                k += length
                continue
            }
            if k + 2 < code.count, op(code[k]) == .swap, arg(code[k]) == 3, op(code[k + 1]) == .swap, arg(code[k + 1]) == 2,
               op(code[k + 2]) == .storeSubscr {
                // The end of `x[k] op= …`: the two swaps put the value under the container and the index.
                out[k] = UInt32(Op.swapStoreSubscr.rawValue)
                k += 3
                continue
            }
            let first = op(code[k]), second = op(code[k + 1])
            let a = arg(code[k]), b = arg(code[k + 1])
            var fused: (Op, Int)?
            // For a compare and its jump: bit 0 says the jump is taken when the comparison holds, bit 1 that it
            // jumps backward.
            var branch: Int? {
                switch second {
                case .popJumpForwardIfFalse: return 0
                case .popJumpForwardIfTrue: return 1
                case .popJumpBackwardIfFalse: return 2
                case .popJumpBackwardIfTrue: return 3
                default: return nil
                }
            }
            switch (first, second) {
            case (.compareLT, _) where branch != nil: fused = (.compareLTJump, branch ?? 0)
            case (.compareLE, _) where branch != nil: fused = (.compareLEJump, branch ?? 0)
            case (.compareGT, _) where branch != nil: fused = (.compareGTJump, branch ?? 0)
            case (.compareGE, _) where branch != nil: fused = (.compareGEJump, branch ?? 0)
            case (.compareEQ, _) where branch != nil: fused = (.compareEQJump, branch ?? 0)
            case (.compareNE, _) where branch != nil: fused = (.compareNEJump, branch ?? 0)
            case (.loadFast, .loadConst) where a < 4096 && b < 4096: fused = (.loadFastLoadConst, a | b << 12)
            case (.loadGlobal, .loadConst) where a & 1 == 0 && a >> 1 < 4096 && b < 4096:
                fused = (.loadGlobalLoadConst, a >> 1 | b << 12)
            case (.loadName, .loadConst) where a < 4096 && b < 4096:
                // At module level LOAD_NAME reads the same global slots.
                fused = (.loadGlobalLoadConst, a | b << 12)
            case (.binaryAdd, .storeFast), (.inplaceAdd, .storeFast): fused = (.addStoreFast, b)
            case (.binarySub, .storeFast), (.inplaceSub, .storeFast): fused = (.subtractStoreFast, b)
            case (.precall, .call) where a == b: fused = (.precallCall, a)
            case (.loadFast, .loadAttr) where a < 4096 && b < 1 << 12: fused = (.loadFastLoadAttr, a | b << 12)
            case (.loadFast, .storeAttr) where a < 4096 && b < 1 << 12: fused = (.loadFastStoreAttr, a | b << 12)
            case (.loadFast, .loadMethod) where a < 4096 && b < 1 << 12: fused = (.loadFastLoadMethod, a | b << 12)
            case (.loadFast, .loadFast) where a < 4096 && b < 4096 && localItem(at: k + 1) == nil
                    && ![.loadAttr, .storeAttr, .loadMethod].contains(k + 2 < code.count ? op(code[k + 2]) : .nop):
                // Not when the second starts an item read or an attribute's: those save more.
                fused = (.loadFastLoadFast, a | b << 12)
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
