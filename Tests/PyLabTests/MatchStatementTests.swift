import Testing
import TestSupport
import PyLab

/// The `match` statement: soft keywords, the parts of patterns where the compiler moves values around the stack
/// (captures waiting below the subject, or-patterns binding in different orders), exact reference counts through
/// every pattern kind, CPython's SyntaxErrors, and `dis` naming 3.11's opcodes.
@Suite("Interpreter: the match statement")
struct MatchStatementTests {
    @Test(arguments: [
        ("match = 3\nprint(match)", "3\n"),
        ("def match(x):\n    return x + 1\nprint(match(1))", "2\n"),
        ("class C:\n    case = 'c'\nprint(C.case)", "c\n"),
        ("match, case = 1, 2\nprint(match + case)", "3\n"),
        ("match = [1]\nmatch[0] = 5\nprint(match)", "[5]\n"),
    ])
    func matchAndCaseStayNamesOutsideAMatchStatement(source: String, output: String) {
        let r = PyHarness().run(source)
        expectEqual(r.error, nil, "\(r.error ?? "")")
        expectEqual(r.output, output)
    }

    /// Alternatives that bind the same names in different orders, nested inside a sequence whose other captures
    /// wait on the stack: each name gets its own value.
    @Test func orPatternsBindingInDifferentOrdersGiveEachNameItsValue() {
        let r = PyHarness().run("""
            def f(v):
                match v:
                    case [p, (1, a, b) | (2, b, a), q]:
                        return (p, a, b, q)
                    case [{"k": x} | [_, x], y]:
                        return (x, y)
            print(f([0, (1, "a", "b"), 9]), f([0, (2, "b", "a"), 9]), f([{"k": 5}, 6]), f([[7, 8], 6]), f(3))
            """)
        expectEqual(r.error, nil, "\(r.error ?? "")")
        expectEqual(r.output, "(0, 'a', 'b', 9) (0, 'a', 'b', 9) (5, 6) (8, 6) None\n")
    }

    @Test func everyPatternKindKeepsReferenceCountsExact() {
        let py = PyHarness()
        let r = py.run("""
            class P:
                __match_args__ = ("x", "y")
                def __init__(self, x, y):
                    self.x = x
                    self.y = y
            results = []
            for v in [[1, [2, 3]], (1, 2, 3, 4), {"a": [1], "b": 2, "c": 3}, P([1], "s"), P(0, 0), "str", 5, None, [[], []]]:
                match v:
                    case [1, [a, b]] | [1, a, *b]:
                        results.append((a, b))
                    case {"a": [x], **rest}:
                        results.append((x, rest))
                    case P([x] as whole, str(s)):
                        results.append((whole, s))
                    case P(x=0, y=y) if y == 1:
                        results.append(y)
                    case [_, *_, last]:
                        results.append(last)
                    case str() | int() as scalar:
                        results.append(scalar)
                    case None:
                        results.append("none")
                    case _:
                        results.append("other")
            print(results)
            """)
        expectEqual(r.error, nil, "\(r.error ?? "")")
        expectEqual(r.output, "[(2, 3), (2, [3, 4]), (1, {'b': 2, 'c': 3}), ([1], 's'), 'other', 'str', 5, 'none', []]\n")
        expectEqual(py.check().refcountErrors, 0)
    }

    @Test func failedPatternsAndRuntimeErrorsLeaveNoStrayReferences() {
        let py = PyHarness()
        let r = py.run("""
            class Q:
                pass
            for v in [[1, 2, 3], {"a": 1}, Q(), (4, 5)]:
                try:
                    match v:
                        case [9, x] | [x, 9]:
                            pass
                        case {"a": 2, **rest}:
                            pass
                        case Q(1):
                            pass
                        case (a, b) if a / 0:
                            pass
                except (TypeError, ZeroDivisionError) as e:
                    print(type(e).__name__, e)
            """)
        expectEqual(r.error, nil, "\(r.error ?? "")")
        expectEqual(r.output, "TypeError Q() accepts 0 positional sub-patterns (1 given)\nZeroDivisionError division by zero\n")
        expectEqual(py.check().refcountErrors, 0)
    }

    @Test(arguments: [
        ("match 1:\n    case _:\n        pass\n    case 2:\n        pass", "wildcard makes remaining patterns unreachable"),
        ("match 1:\n    case x:\n        pass\n    case 2:\n        pass", "name capture 'x' makes remaining patterns unreachable"),
        ("match 1:\n    case 1 | x:\n        pass\n    case 2:\n        pass", "name capture 'x' makes remaining patterns unreachable"),
        ("match 1:\n    case [x] | [y]:\n        pass", "alternative patterns bind different names"),
        ("match 1:\n    case [x, {'k': x}]:\n        pass", "multiple assignments to name 'x' in pattern"),
        ("match 1:\n    case {1: a, 1.0: b}:\n        pass", "mapping pattern checks duplicate key (1.0)"),
        ("match 1:\n    case [*a, *b]:\n        pass", "multiple starred names in sequence pattern"),
        ("match 1:\n    case C(a=1, a=2):\n        pass", "attribute name repeated in class pattern: a"),
        ("match 1:\n    case C(a=1, 2):\n        pass", "positional patterns follow keyword patterns"),
        ("match 1:\n    case x as _:\n        pass", "cannot use '_' as a target"),
    ])
    func patternsCPythonRefusesAreSyntaxErrors(source: String, message: String) {
        let r = PyHarness().run(source)
        #expect(r.error?.contains("SyntaxError: " + message) == true, "\(r.error ?? "no error")")
    }

    @Test func disNamesTheMatchOpcodesOf311() throws {
        let runtime = PyRuntime()
        let code = try runtime.compile("match v:\n    case [a, *_]:\n        pass\n    case {'k': b}:\n        pass\n    case C(x=c):\n        pass")
        let ops = Disassembler(runtime: runtime).table(code).rows.map { $0[2] }
        for name in ["MATCH_SEQUENCE", "GET_LEN", "MATCH_MAPPING", "MATCH_KEYS", "MATCH_CLASS", "COPY"] {
            #expect(ops.contains(.string(name)), "\(name) missing from \(ops)")
        }
    }
}
