import Testing
import TestSupport
import LabCore
import PyLab

/// Built-in types' semantics that the conformance programs cannot show alone: code point string keys in Swift
/// (`PyKey`, `CodePointText`), `exit`/`quit` (python3 -S, which the suite runs, has neither) and the heap staying
/// clean after slice assignment, frozensets and dict iteration errors.
@Suite("Runtime semantics: strings by code point, comparisons, slices, builtins")
struct RuntimeSemanticsTests {
    /// Canonically equivalent spellings are different Python strings, as keys and as interned constants.
    @Test(arguments: [("caf\u{e9}", "cafe\u{301}"), ("\u{212b}", "\u{c5}"), ("\u{1e9b}\u{323}", "\u{17f}\u{323}\u{307}")])
    func equivalentSpellingsStayApart(_ pair: (String, String)) {
        #expect(PyKey.str(pair.0) != PyKey.str(pair.1))
        #expect(CodePointText(pair.0) != CodePointText(pair.1))
        #expect(Set([CodePointText(pair.0), CodePointText(pair.1)]).count == 2)
        #expect(PyKey.textPrecedes(pair.0, pair.1) != PyKey.textPrecedes(pair.1, pair.0))
    }

    /// Code point order is UTF-8 byte order (a BMP character past the surrogates sorts before an astral one).
    @Test func codePointOrder() {
        #expect(PyKey.textPrecedes("\u{ffff}", "\u{1f600}"))
        #expect(PyKey.textPrecedes("Z", "a"))
        #expect(PyKey.textPrecedes("a", "a\u{0}"))
        #expect(!PyKey.textPrecedes("b", "ab"))
    }

    /// The constant table keeps both spellings: a second literal is not replaced by the first.
    @Test func literalsAreNotMerged() {
        let run = PyHarness().run("a = 'caf\\u00e9'\nb = 'cafe\\u0301'\nprint(a == b, a is b, len(a), len(b), len({a: 1, b: 2}))")
        #expect(run.error == nil)
        #expect(run.output == "False False 4 5 2\n")
    }

    @Test(arguments: [("exit()", "None"), ("exit(3)", "3"), ("quit('bye')", "bye"), ("exit(code=2)", "2")])
    func exitRaisesSystemExit(_ c: (String, String)) {
        let run = PyHarness().run("try:\n    \(c.0)\nexcept SystemExit as e:\n    print(e.code)")
        #expect(run.error == nil)
        #expect(run.output == c.1 + "\n")
    }

    /// exit() at the top ends the program quietly, as python3 does.
    @Test func exitEndsTheProgram() {
        let run = PyHarness().run("print('before')\nexit()\nprint('after')")
        #expect(run.error == nil)
        #expect(run.output == "before\n")
    }

    /// Slice assignment, frozensets, a failed dict loop, eval and function attributes leave no leaked or freed object.
    @Test func heapStaysClean() {
        let harness = PyHarness()
        let run = harness.run("""
            a = list(range(10))
            a[2:5] = ['x', 'y']
            a[::2] = [0] * len(a[::2])
            del a[1::3]
            try:
                a[::2] = [1]
            except ValueError:
                pass
            f = frozenset(a[:3])
            d = {f: 1, frozenset(): 2}
            try:
                for k in d:
                    d[str(k)] = 0
            except RuntimeError:
                pass
            def g():
                pass
            g.calls = [1, 2]
            g.calls = None
            print(eval('len(a)'), len(d))
            """)
        #expect(run.error == nil, "\(run.error ?? "")")
        let report = harness.check()
        #expect(report.refcountErrors == 0, "\(report.events.map(\.description))")
    }
}
