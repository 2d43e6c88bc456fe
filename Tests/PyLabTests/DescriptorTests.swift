import Testing
import TestSupport
import LabCore
import PyLab

/// `property`, `classmethod`, `staticmethod`, `__setattr__`, variable annotations and `dataclasses`: the bytecode
/// 3.11 gives annotations, the words of their errors, and reference counts that stay exact through them.
@Suite("Interpreter: descriptors, annotations and dataclasses")
struct DescriptorTests {
    static func ops(_ source: String) throws -> [String] {
        let runtime = PyRuntime()
        return Disassembler(runtime: runtime).table(try runtime.compile(source)).rows.compactMap { row -> String? in
            guard row.count > 2, case .string(let op) = row[2] else { return nil }
            return op
        }
    }

    @Test("annotations compile to CPython 3.11's opcodes (python3 -m dis); a function's are not evaluated", arguments: [
        ("y: int = 1", ["RESUME", "SETUP_ANNOTATIONS", "LOAD_CONST", "STORE_NAME", "LOAD_NAME", "LOAD_NAME", "LOAD_CONST",
                        "STORE_SUBSCR", "LOAD_CONST", "RETURN_VALUE"]),
        ("y: int", ["RESUME", "SETUP_ANNOTATIONS", "LOAD_NAME", "LOAD_NAME", "LOAD_CONST", "STORE_SUBSCR", "LOAD_CONST", "RETURN_VALUE"]),
        ("x = 1", ["RESUME", "LOAD_CONST", "STORE_NAME", "LOAD_CONST", "RETURN_VALUE"]),
    ])
    func annotationsCompileAsCPythonDoes(_ example: (String, [String])) throws {
        #expect(try Self.ops(example.0) == example.1)
    }

    @Test func aFunctionsAnnotatedLocalIsOnlyAnAssignment() throws {
        let runtime = PyRuntime()
        let code = try runtime.compile("def f():\n    v: undefined_name = 2\n    w: also_undefined\n    return v\nprint(f())")
        let function = try #require(code.codes.first)
        #expect(function.localNames.contains("w"))
        // As 3.11: `w: T` alone compiles to nothing, `v: T = 2` to the store only.
        let ops = Disassembler(runtime: runtime).table(function).rows.compactMap { row -> String? in
            guard row.count > 2, case .string(let op) = row[2] else { return nil }
            return op
        }
        #expect(ops == ["RESUME", "LOAD_CONST", "STORE_FAST", "LOAD_FAST", "RETURN_VALUE"])
        let outcome = runtime.runHere(code, name: "test", cancellation: nil)
        expectEqual(outcome.output, "2\n")
    }

    @Test("a property's missing setter, deleter or getter is CPython 3.11's AttributeError", arguments: [
        ("c.p = 1", "AttributeError: property 'p' of 'C' object has no setter"),
        ("del c.p", "AttributeError: property 'p' of 'C' object has no deleter"),
        ("c.q", "AttributeError: property 'q' of 'C' object has no getter"),
        ("C.p.setter", ""),
        ("staticmethod(len).setter", "AttributeError: 'staticmethod' object has no attribute 'setter'"),
    ])
    func propertyErrors(_ example: (String, String)) {
        let r = PyHarness().run("""
            class C:
                @property
                def p(self):
                    return 1
                q = property()
                s = staticmethod(len)
            c = C()
            \(example.0)
            """)
        if example.1.isEmpty {
            expectEqual(r.error, nil, "\(r.error ?? "")")
        } else {
            expectEqual(r.error?.contains(example.1), true, "got \(r.error ?? "no error")")
        }
    }

    @Test func aPlainClassTakesNoAttributeHookAndAPropertyMarksItsSubclasses() {
        let r = PyHarness().run("""
            class Plain:
                pass
            class WithProperty:
                @property
                def p(self):
                    return 1
            class Sub(WithProperty):
                pass
            class Later:
                pass
            Later.p = property(lambda self: 5)
            print(Later().p)
            """)
        expectEqual(r.error, nil, "\(r.error ?? "")")
        expectEqual(r.output, "5\n")
    }

    @Test func referenceCountsStayExactThroughDescriptorsAndDataclasses() {
        let py = PyHarness()
        let r = py.run("""
            from dataclasses import dataclass, field, asdict, replace
            class C:
                def __init__(self):
                    self._v = [1]
                @property
                def v(self):
                    return self._v
                @v.setter
                def v(self, value):
                    self._v = value
                @classmethod
                def make(cls):
                    return cls()
                @staticmethod
                def twice(x):
                    return [x, x]
            c = C.make()
            c.v = [2, 3]
            w = c.v + C.twice([4]) + c.twice([5])
            @dataclass(order=True, frozen=True)
            class P:
                x: list
                y: list = field(default_factory=list)
            p = P([1])
            q = replace(p, y=[2])
            d = asdict(q)
            ok = p < q
            try:
                p.x = []
            except AttributeError:
                pass
            """)
        expectEqual(r.error, nil, "\(r.error ?? "")")
        expectEqual(py.check().refcountErrors, 0)
    }
}
