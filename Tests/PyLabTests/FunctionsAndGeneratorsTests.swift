import Testing
import TestSupport
import PyLab

/// The subtle parts of issue 14's functions and generators: what CPython does at the edges, and reference counts
/// that stay exact through closures, `*args`/`**kwargs`, generator protocol calls and lazy iterators.
@Suite("Interpreter: functions, closures and generators")
struct FunctionsAndGeneratorsTests {
    @Test func sendingIntoAJustStartedGeneratorIsATypeErrorAndLeavesItUsable() {
        let py = PyHarness()
        let r = py.run("""
            def g():
                x = yield 1
                yield x
            gen = g()
            try:
                gen.send(5)
            except TypeError as e:
                print("TypeError", e)
            print(next(gen), gen.send("back"))
            """)
        expectEqual(r.error, nil, "\(r.error ?? "")")
        expectEqual(r.output, "TypeError can't send non-None value to a just-started generator\n1 back\n")
    }

    @Test func closingAGeneratorInsideTryRunsItsFinallyOnceAndEndsIt() {
        let py = PyHarness()
        let r = py.run("""
            log = []
            def g():
                try:
                    yield 1
                    yield 2
                finally:
                    log.append("finally")
            gen = g()
            next(gen)
            gen.close()
            gen.close()
            print(log, list(gen))
            """)
        expectEqual(r.error, nil, "\(r.error ?? "")")
        expectEqual(r.output, "['finally'] []\n")
    }

    @Test func aGeneratorThatYieldsInItsFinallyOnCloseIsARuntimeError() {
        let r = PyHarness().run("""
            def g():
                try:
                    yield 1
                finally:
                    yield 2
            gen = g()
            next(gen)
            gen.close()
            """)
        expectEqual(r.error?.contains("RuntimeError: generator ignored GeneratorExit"), true, "\(r.error ?? "no error")")
    }

    @Test func throwIntoAYieldFromReachesTheInnerGeneratorFirst() {
        let r = PyHarness().run("""
            def inner():
                try:
                    yield "a"
                except KeyError:
                    yield "inner caught"
                return "r"
            def outer():
                v = yield from inner()
                yield "outer got " + v
            g = outer()
            print(next(g))
            print(g.throw(KeyError))
            print(next(g))
            """)
        expectEqual(r.error, nil, "\(r.error ?? "")")
        expectEqual(r.output, "a\ninner caught\nouter got r\n")
    }

    @Test func aClosureSeesTheCellNotACopy() {
        let r = PyHarness().run("""
            def outer():
                x = 1
                def get():
                    return x
                x = 2
                return get
            print(outer()())
            """)
        expectEqual(r.output, "2\n")
    }

    @Test(arguments: [
        ("def f(a, b):\n    pass\nf(1, 2, 3)", "TypeError: f() takes 2 positional arguments but 3 were given"),
        ("def f(a, b=1):\n    pass\nf(1, 2, 3)", "TypeError: f() takes from 1 to 2 positional arguments but 3 were given"),
        ("def f(*, k):\n    pass\nf()", "TypeError: f() missing 1 required keyword-only argument: 'k'"),
        ("def f(a):\n    pass\nf(1, a=2)", "TypeError: f() got multiple values for argument 'a'"),
        // CPython 3.11 names a method or a nested function by its __qualname__.
        ("class P:\n    def __init__(self, x, y):\n        pass\nP(1)", "TypeError: P.__init__() missing 1 required positional argument: 'y'"),
        ("def outer():\n    def inner(a):\n        pass\n    return inner\nouter()(1, 2)", "TypeError: outer.<locals>.inner() takes 1 positional argument but 2 were given"),
        ("def f(**kw):\n    pass\nf(**{'a': 1}, a=2)", "TypeError: got multiple values for keyword argument 'a'"),
        ("def f():\n    pass\nf(*5)", "TypeError: f() argument after * must be an iterable, not int"),
        ("a, *b, c = [1]", "ValueError: not enough values to unpack (expected at least 2, got 1)"),
        ("def f():\n    nonlocal x", "SyntaxError: no binding for nonlocal 'x' found"),
        ("nonlocal x", "SyntaxError: nonlocal declaration not allowed at module level"),
        ("a, *b, *c = [1, 2]", "SyntaxError: multiple starred expressions in assignment"),
        ("reversed(x for x in [1])", "TypeError: 'generator' object is not reversible"),
    ])
    func errorsAreCPythons(_ example: (String, String)) {
        let r = PyHarness().run(example.0)
        expectEqual(r.error?.contains(example.1), true, "\(example.0): got \(r.error ?? "no error")")
    }

    @Test func referenceCountsStayExactThroughClosuresStarCallsGeneratorsAndLazyIterators() {
        let py = PyHarness()
        let r = py.run("""
            def counter():
                n = []
                def add(*items, **named):
                    n.extend(items)
                    n.extend(sorted(named))
                    return len(n)
                return add
            c = counter()
            c("a", *["b", "c"], **{"d": 1})
            def gen():
                try:
                    got = yield "x"
                    yield got
                finally:
                    pass
            g = gen()
            next(g)
            g.send(["y"])
            g.close()
            m = list(map(lambda s: s * 2, filter(None, ["p", "", "q"])))
            z = list(zip(enumerate("ab"), {1, 2}))
            v = {k: v for k, v in {"a": [1]}.items()}
            first, *rest = [[1], [2], [3]]
            """)
        expectEqual(r.error, nil, "\(r.error ?? "")")
        expectEqual(py.check().refcountErrors, 0)
    }
}
