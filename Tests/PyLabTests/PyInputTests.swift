import Testing
import TestSupport
import PyLab

/// When the Python prompt asks for more (`...`): the same statements CPython's prompt waits on.
@Suite("Python prompt: a whole statement or more lines")
struct PyInputTests {
    @Test(arguments: [
        ("x = 1", false),
        ("def f(x):", true),
        ("def f(x):\n    return x", true),
        ("def f(x):\n    return x\n", false),
        ("for i in range(3):  # loop", true),
        ("if a:\n    b = 1\nelse:\n    b = 2", true),
        ("if a:\n    b = 1\nelse:\n    b = 2\n", false),
        ("l = [1,", true),
        ("l = [1,\n2]", false),
        ("d = {'a': (1,", true),
        ("s = '''one", true),
        ("s = '''one\ntwo'''", false),
        ("x = 1 + \\", true),
        ("x = 1 + \\\n2", false),
        ("s = 'a:'", false),
        ("s = '(' # (", false),
        ("d = {'k': 1}", false),
        ("lambda x: x", false),
        ("for t in ts: t.join()", true),
        ("for t in ts: t.join()\n", false),
        ("if_done = 1", false),
        ("@decorator", true),
    ])
    func needsMore(source: String, expected: Bool) {
        expectEqual(PyInput.needsMore(source), expected, "\(source.debugDescription)")
    }
}
