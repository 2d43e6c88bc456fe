import LabOS
import Synchronization
import LabCore
import BigInt

/// Interned names the interpreter looks up itself (dunder methods and a few attributes).
package struct PyNames: Sendable {
    package let initID: Int, iterID: Int, nextID: Int, enterID: Int, exitID: Int, strID: Int, reprID: Int, lenID: Int
    package let eqID: Int, nameID: Int, argsID: Int, classID: Int, boolID: Int
    /// An exception's chain: `raise … from`, and the exception being handled when it was raised.
    package let causeID: Int, contextID: Int, suppressContextID: Int
    package let mroID: Int
    /// Attribute hooks and the names classes keep about themselves (PyDescriptors.swift).
    package let setattrID: Int, delattrID: Int, annotationsID: Int, qualnameID: Int
    package let hashID: Int, getattrID: Int, dictID: Int, docID: Int, callID: Int

    package init(intern: (String) -> Int) {
        initID = intern("__init__")
        iterID = intern("__iter__")
        nextID = intern("__next__")
        enterID = intern("__enter__")
        exitID = intern("__exit__")
        strID = intern("__str__")
        reprID = intern("__repr__")
        lenID = intern("__len__")
        eqID = intern("__eq__")
        nameID = intern("__name__")
        argsID = intern("args")
        classID = intern("__class__")
        boolID = intern("__bool__")
        causeID = intern("__cause__")
        contextID = intern("__context__")
        suppressContextID = intern("__suppress_context__")
        mroID = intern("__mro__")
        setattrID = intern("__setattr__")
        delattrID = intern("__delattr__")
        annotationsID = intern("__annotations__")
        qualnameID = intern("__qualname__")
        hashID = intern("__hash__")
        getattrID = intern("__getattr__")
        dictID = intern("__dict__")
        docID = intern("__doc__")
        callID = intern("__call__")
    }
}

extension PyClass {
    /// Built-in classes (the exception hierarchy) are immortal all the way up.
    package var isImmortalChain: Bool { immortal }
}

/// What the operators, attribute access, iteration and conversions do for each kind of value: the basics here,
/// the rest by topic (PyArithmetic, PyComparison, PyIteration, PySubscripts, PyAttributes…).
extension PyThreadState {
    package func typeName(_ v: PyValue) -> String {
        if v.isInt { return "int" }
        if v.isBool { return "bool" }
        if v == .none { return "NoneType" }
        if v.isBuiltin { return "builtin_function_or_method" }
        if v.isObject { return v.object.typeName }
        return "object"
    }

    @inline(__always) package func asInt(_ v: PyValue) -> Int? {
        if v.isInt { return v.intValue }
        if v == .true { return 1 }
        if v == .false { return 0 }
        return nil
    }

    package func string(_ v: PyValue) -> String? {
        guard v.isObject, v.object.kind == .str else { return nil }
        return unsafeDowncast(v.object, to: PyStr.self).value
    }

    /// A whole number as a Python int: tagged when it fits in 63 bits, else a big integer (as CPython's ints).
    package func int(_ value: Int) throws(PyError) -> PyValue {
        PyValue.checkedInt(value) ?? newInt(BigInt(value))
    }

    package func overflow() -> PyError {
        error(runtime.classes.overflowError, "integer overflow: conclab's integers are 63-bit (\(PyValue.minInt) to \(PyValue.maxInt))")
    }

    /// `kernel(x, y)` (`PyInt.add`…) as a snippet integer. A failure is the exception CPython raises (an
    /// OverflowError where CPython would grow the integer), and so is an answer that fits in 64 bits but not
    /// in 63. Always inlined, so the kernel function is a direct (inlined) call.
    @inline(__always)
    package func int(_ x: Int, _ y: Int, _ kernel: (Int, Int) throws(PyInt.Failure) -> Int) throws(PyError) -> PyValue {
        let r: Int
        do throws(PyInt.Failure) {
            r = try kernel(x, y)
        } catch {
            throw pythonError(error)
        }
        return try int(r)
    }

    /// `kernel(x)` (`PyInt.negate`, `PyInt.absolute`) as a snippet integer.
    @inline(__always)
    package func int(_ x: Int, _ kernel: (Int) throws(PyInt.Failure) -> Int) throws(PyError) -> PyValue {
        try int(x, 0) { (x, _) throws(PyInt.Failure) in try kernel(x) }
    }

    /// What CPython raises where the kernel fails.
    package func pythonError(_ failure: PyInt.Failure) -> PyError {
        switch failure {
        case .overflow: overflow()
        case .divisionByZero: error(runtime.classes.zeroDivisionError, "integer division or modulo by zero")
        case .moduloByZero: error(runtime.classes.zeroDivisionError, "integer modulo by zero")
        case .negativeExponent: valueError("negative exponents give floats, which conclab does not have")
        }
    }
}

extension Array {
    package func pyMap<T, E: Error>(_ transform: (Element) throws(E) -> T) throws(E) -> [T] {
        var result: [T] = []
        result.reserveCapacity(count)
        for x in self { result.append(try transform(x)) }
        return result
    }
}

extension String {
    package func pyContains(_ other: String) -> Bool {
        if other.isEmpty { return true }
        let a = Array(utf8), b = Array(other.utf8)
        guard b.count <= a.count else { return false }
        for i in 0...(a.count - b.count) where a[i] == b[0] {
            if Array(a[i..<(i + b.count)]) == b { return true }
        }
        return false
    }
}
