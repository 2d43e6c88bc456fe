import Testing
import TestSupport
import PyLab

/// Comprehensions that a nested lambda or generator expression closes over (3.11's function of their own), and
/// what BaseException keeps: `args` from the call and again from `__init__`, and what a traceback shows of it.
@Suite("Interpreter: comprehension scopes and exception arguments")
struct ComprehensionScopeAndExceptionArgsTests {
    /// Which comprehensions get a scope of their own: only where something nested uses their variables.
    @Test(arguments: [
        ("[lambda: i for i in r]", true),
        ("[lambda i=i: i for i in r]", false),
        ("[lambda: n for i in r]", false),
        ("[sum(x * k for x in row) for k, row in rows]", true),
        ("[list(x for x in row) for row in rows]", false),
        ("{k: (v for v in d[k]) for k in d}", false),
        ("{k: (lambda: k) for k in d}", true),
        ("{(lambda: n)() for n in r}", true),
        ("[[lambda: i + j for j in r] for i in r]", true),
        ("[[lambda: j for j in r] for i in r]", false),
        ("[i * 2 for i in r]", false),
    ])
    func aComprehensionHasItsOwnScopeWhenANestedScopeUsesItsVariable(_ example: (String, Bool)) throws {
        let body = try Parser.parse("x = " + example.0)
        guard case .assign(_, let value) = body[0].kind else {
            Issue.record("not an assignment")
            return
        }
        expectEqual(value.hasOwnScope, example.1, "\(example.0)")
    }

    @Test func lambdasInAComprehensionShareItsCellAndDefaultsTakeTheValue() {
        let py = PyHarness()
        let r = py.run("""
            fs = [lambda: i for i in range(3)]
            gs = [lambda i=i: i for i in range(3)]
            def f(m):
                return [sum(x * k for x in row) for k, row in enumerate(m)]
            print([f() for f in fs], [g() for g in gs], f([[1, 2], [3, 4]]))
            """)
        expectEqual(r.error, nil, "\(r.error ?? "")")
        expectEqual(r.output, "[2, 2, 2] [0, 1, 2] [0, 7]\n")
        expectEqual(py.check().refcountErrors, 0)
    }

    @Test func aComprehensionInAClassBodySeesTheClassOnlyInItsFirstIterable() {
        let py = PyHarness()
        let r = py.run("""
            class C:
                n = 3
                ok = [i for i in range(n)]
                bad = [n for i in range(2)]
            """)
        #expect(r.error?.contains("NameError: name 'n' is not defined") == true, "\(r.error ?? "no error")")
    }

    @Test func baseExceptionInitSetsArgsAgainAndStrUsesThem() {
        let py = PyHarness()
        let r = py.run("""
            class AppError(Exception):
                def __init__(self, message, code):
                    super().__init__("app: " + message)
                    self.code = code
            class Kept(Exception):
                def __init__(self, a, b):
                    self.a = a
            e = AppError("full", 3)
            k = Kept(1, 2)
            print(e, e.args, repr(e), e.code, k.args, repr(k))
            d = {}
            try:
                d["a"]
            except KeyError as err:
                print(repr(err), str(err), err.args)
            """)
        expectEqual(r.error, nil, "\(r.error ?? "")")
        expectEqual(r.output, "app: full ('app: full',) AppError('app: full') 3 (1, 2) Kept(1, 2)\nKeyError('a') 'a' ('a',)\n")
        expectEqual(py.check().refcountErrors, 0)
    }

    @Test func anUncaughtExceptionOfOneFrameHasTheTracebackHeaderAndItsStr() {
        let py = PyHarness()
        let r = py.run("""
            class Custom(Exception):
                def __str__(self):
                    return "custom " + super().__str__()
            raise Custom("words")
            """)
        expectEqual(r.error, "Traceback (most recent call last):\n  line 4, in <module>\nCustom: custom words (line 4, column 1)")
    }

    @Test func aClassShowsItsModuleAndQualifiedName() {
        let r = PyHarness().run("""
            class A:
                class B:
                    pass
            def f():
                class L:
                    pass
                return L
            print(A, A.B, f(), ValueError)
            """)
        expectEqual(r.error, nil, "\(r.error ?? "")")
        expectEqual(r.output, "<class '__main__.A'> <class '__main__.A.B'> <class '__main__.f.<locals>.L'> <class 'ValueError'>\n")
    }
}
