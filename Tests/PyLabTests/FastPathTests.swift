import Testing
import TestSupport
import PyLab

/// The eval loop's fast paths (small-int `* // % & | ^`, float `**`, the float pool, inline `list.append`, instance
/// attributes read and replaced without the general lookup): the same answers as the general paths, python3's,
/// and reference counts that stay exact (the heap check finds nothing wrong).
@Suite("Fast paths of the eval loop")
struct FastPathTests {
    /// (program, what python3 3.11 prints). Operands come through a function's parameters, so nothing is folded.
    static let programs: [(String, String)] = [
        ("def f(a, b):\n    return a * b, a // b, a % b, a & b, a | b, a ^ b\nprint(f(-7, 2), f(7, -2), f(-7, -2))",
         "(-14, -4, 1, 0, -5, -5) (-14, -4, -1, 6, -1, -7) (14, 3, -1, -8, -1, 7)\n"),
        ("def f(a, b):\n    return a * b, a // b\nprint(f(4611686018427387903, 2), f(-4611686018427387904, -1))",
         "(9223372036854775806, 2305843009213693951) (4611686018427387904, 4611686018427387904)\n"),
        ("def f(a, b):\n    return a % b\ntry:\n    f(1, 0)\nexcept ZeroDivisionError as e:\n    print(e)",
         "integer modulo by zero\n"),
        ("def f(a, b):\n    return a ** b\nprint(f(2.0, 0.5), f(2, -1.0), f(1e10, 0.0), f(0.0, 2.0), f(-8.0, 2.0))",
         "1.4142135623730951 0.5 1.0 0.0 64.0\n"),
        ("def f(a, b):\n    return a ** b\ntry:\n    f(2.0, 1e308)\nexcept OverflowError as e:\n    print(e)",
         "(34, 'Numerical result out of range')\n"),
        ("def f(n):\n    s = 0.0\n    kept = []\n    for i in range(n):\n        t = i * 0.5\n        s += t * t\n        kept.append(t)\n    return s, kept[-1], kept[1] is kept[2]\nprint(f(100))",
         "(82087.5, 49.5, False)\n"),
        ("l = [1.0, 2.0]\nfor i in range(3):\n    l.append(l[-1] * 2)\n    l[0] -= 0.5\nprint(l, l.append(0), len(l))",
         "[-0.5, 2.0, 4.0, 8.0, 16.0, 0] None 6\n"),
        ("class C:\n    def __init__(self):\n        self.n = 0\n    def bump(self, k):\n        self.n = self.n + k\n        return self.n\nc = C()\nfor i in range(4):\n    c.bump(i)\nc.bump = len\nprint(c.n, c.bump('abc'), C.bump(c, 10))",
         "6 3 16\n"),
        ("d = {}\nfor w in ['ab', 'a' + 'b', ''.join(['a', 'b']), 'b']:\n    d[w] = d.get(w, 0) + 1\nprint(d)",
         "{'ab': 3, 'b': 1}\n"),
    ]

    @Test(arguments: programs)
    func fastPathAnswersAsTheGeneralPath(_ program: (String, String)) {
        // The interpreter tests' check: the output, no error, and a heap check that finds nothing wrong.
        InterpreterTests().snippetPrintsWhatCPythonPrints(("fast path", program.0, program.1))
    }

    /// An exception's chain links are checked when set again (the attribute fast path leaves them to the general one).
    @Test func exceptionLinkSetTwiceIsStillChecked() {
        let py = PyHarness()
        let result = py.run("e = ValueError()\ne.__cause__ = None\ne.__cause__ = 5")
        #expect(result.error?.contains("TypeError: exception cause must be None or derive from BaseException") == true,
                "got \(result.error ?? "no error")")
    }
}
