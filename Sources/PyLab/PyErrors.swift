import LabCore
/// A Python exception on its way up the Swift stack.
///
/// Internal raises (a `TypeError` from `+`, the `StopIteration` that ends a generator) carry only the class
/// and the message; the exception object is made when a handler needs it (`except … as e`, `raise e`).
package struct PyError: Error, @unchecked Sendable {
    // `type` is immutable; `instance` is an owned reference handed along with the error.
    package var type: PyClass
    package var message: String
    /// The exception object (an owned reference), or `.none` until one is needed.
    package var instance: PyValue = .none
    package var position: SourcePosition = .unknown
    /// Frames it passed through, innermost first: "line 3, in f".
    package var traceback: [String] = []
    /// Whether its `__context__` is settled: set when it first reaches a handler search, and for a re-raise
    /// (the end of a `finally`, an unmatched `except`), which CPython leaves as it was.
    package var contextSettled = false
    /// CPython 3.11's "Did you mean" candidate, worked out only when the traceback is printed (`NameSuggestion`).
    package var hint: (() -> String?)?

    package var typeName: String { type.name }

    /// "NameError: name 'x' is not defined (line 2, column 5)".
    package var summary: String {
        var text = message.isEmpty ? type.name : "\(type.name): \(message)"
        if let suggestion = hint?() { text += ". Did you mean: '\(suggestion)'?" }
        if position.line > 0 { text += " (line \(position.line), column \(position.column))" }
        return text
    }

    /// The summary with where it came from, as a learner reads a traceback.
    package var report: String {
        guard !traceback.isEmpty else { return summary }
        var frames = traceback.reversed().map { "  " + $0 }
        if frames.count > 8 {
            // Deep recursion: the outermost and innermost frames say enough.
            frames = Array(frames.prefix(4)) + ["  [… \(frames.count - 8) more frames …]"] + Array(frames.suffix(4))
        }
        return "Traceback (most recent call last):\n" + frames.joined(separator: "\n") + "\n" + summary
    }
}

/// The built-in exception classes (immortal), in CPython's hierarchy.
package final class BuiltinClasses: Sendable {
    package let baseException: PyClass, exception: PyClass, stopIteration: PyClass, arithmeticError: PyClass
    package let zeroDivisionError: PyClass, overflowError: PyClass, lookupError: PyClass, indexError: PyClass
    package let keyError: PyClass, typeError: PyClass, valueError: PyClass, nameError: PyClass, unboundLocalError: PyClass
    package let attributeError: PyClass, runtimeError: PyClass, recursionError: PyClass, notImplementedError: PyClass
    package let assertionError: PyClass, keyboardInterrupt: PyClass, memoryError: PyClass, generatorExit: PyClass
    package let importError: PyClass, moduleNotFoundError: PyClass, timeoutError: PyClass, systemExit: PyClass
    /// Text codecs' errors (bytes.decode, str.encode).
    package let unicodeError: PyClass, unicodeDecodeError: PyClass, unicodeEncodeError: PyClass
    /// The OS errors of sockets and select (`errno` subclasses as CPython maps them).
    package let osError: PyClass, blockingIOError: PyClass, connectionError: PyClass, brokenPipeError: PyClass
    package let connectionAbortedError: PyClass, connectionRefusedError: PyClass, connectionResetError: PyClass
    package let permissionError: PyClass, interruptedError: PyClass
    /// The OS errors of files (`open`, `os.remove`…).
    package let fileNotFoundError: PyClass, fileExistsError: PyClass, isADirectoryError: PyClass, notADirectoryError: PyClass
    /// conclab's own: a freed object was used (what would be a crash, or silent corruption, in C).
    package let heapError: PyClass
    /// What `eval`/`exec` raise for source that does not compile.
    package let syntaxError: PyClass
    package let object: PyClass
    package let all: [PyClass]

    package init(heap: PyHeap) {
        var made: [PyClass] = []
        func make(_ name: String, _ base: PyClass?) -> PyClass {
            let cls = PyClass(name: name, base: base, baseValue: base.map { .object(Unmanaged.passUnretained($0)) } ?? .none,
                              attributes: [:], id: heap.newID(), immortal: true, owner: 0)
            _ = heap.immortal(cls)
            made.append(cls)
            return cls
        }
        object = make("object", nil)
        baseException = make("BaseException", object)
        exception = make("Exception", baseException)
        stopIteration = make("StopIteration", exception)
        arithmeticError = make("ArithmeticError", exception)
        zeroDivisionError = make("ZeroDivisionError", arithmeticError)
        overflowError = make("OverflowError", arithmeticError)
        lookupError = make("LookupError", exception)
        indexError = make("IndexError", lookupError)
        keyError = make("KeyError", lookupError)
        typeError = make("TypeError", exception)
        valueError = make("ValueError", exception)
        nameError = make("NameError", exception)
        unboundLocalError = make("UnboundLocalError", nameError)
        attributeError = make("AttributeError", exception)
        runtimeError = make("RuntimeError", exception)
        recursionError = make("RecursionError", runtimeError)
        notImplementedError = make("NotImplementedError", runtimeError)
        assertionError = make("AssertionError", exception)
        keyboardInterrupt = make("KeyboardInterrupt", baseException)
        systemExit = make("SystemExit", baseException)
        memoryError = make("MemoryError", exception)
        generatorExit = make("GeneratorExit", baseException)
        importError = make("ImportError", exception)
        moduleNotFoundError = make("ModuleNotFoundError", importError)
        unicodeError = make("UnicodeError", valueError)
        unicodeDecodeError = make("UnicodeDecodeError", unicodeError)
        unicodeEncodeError = make("UnicodeEncodeError", unicodeError)
        osError = make("OSError", exception)
        blockingIOError = make("BlockingIOError", osError)
        connectionError = make("ConnectionError", osError)
        brokenPipeError = make("BrokenPipeError", connectionError)
        connectionAbortedError = make("ConnectionAbortedError", connectionError)
        connectionRefusedError = make("ConnectionRefusedError", connectionError)
        connectionResetError = make("ConnectionResetError", connectionError)
        permissionError = make("PermissionError", osError)
        interruptedError = make("InterruptedError", osError)
        fileNotFoundError = make("FileNotFoundError", osError)
        fileExistsError = make("FileExistsError", osError)
        isADirectoryError = make("IsADirectoryError", osError)
        notADirectoryError = make("NotADirectoryError", osError)
        timeoutError = make("TimeoutError", osError)
        heapError = make("UseAfterFreeError", baseException)
        syntaxError = make("SyntaxError", exception)
        all = made
    }
}
