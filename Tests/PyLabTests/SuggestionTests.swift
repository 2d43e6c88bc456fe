import Foundation
import Testing
import TestSupport
import LabOS
@testable import PyLab

/// "Did you mean" on the last line of a NameError's or an AttributeError's traceback, as python3 3.11 prints it.
@Suite("Suggestions: CPython 3.11's 'Did you mean' for a misspelt name or attribute")
struct SuggestionTests {
    /// A program and the last line python3 3.11 prints for it (conclab adds where, in its own words, after it).
    static let examples: [(String, String)] = [
        ("def greet():\n    pass\ngret()", "NameError: name 'gret' is not defined. Did you mean: 'greet'?"),
        ("def f():\n    counter = 1\n    return countr\nf()", "NameError: name 'countr' is not defined. Did you mean: 'counter'?"),
        ("lenn([1])", "NameError: name 'lenn' is not defined. Did you mean: 'len'?"),
        ("Prnt(1)", "NameError: name 'Prnt' is not defined. Did you mean: 'print'?"),
        ("ValueErorr", "NameError: name 'ValueErorr' is not defined. Did you mean: 'ValueError'?"),
        ("x = 1\nprint(X)", "NameError: name 'X' is not defined. Did you mean: 'x'?"),
        ("x = 1\ndel xy", "NameError: name 'xy' is not defined. Did you mean: 'x'?"),
        ("ab = 1\nprint(ba)", "NameError: name 'ba' is not defined"),
        ("class C:\n    value = 1\n    other = valu", "NameError: name 'valu' is not defined"),
        ("class C:\n    def __init__(self):\n        self.speed = 1\n    def f(self):\n        return speed\nC().f()",
         "NameError: name 'speed' is not defined"),
        ("class Car:\n    def __init__(self):\n        self.speed = 1\nCar().sped", "AttributeError: 'Car' object has no attribute 'sped'. Did you mean: 'speed'?"),
        ("class P:\n    def __init__(self):\n        self.x = 1\nP().y", "AttributeError: 'P' object has no attribute 'y'"),
        ("[1].apend(2)", "AttributeError: 'list' object has no attribute 'apend'. Did you mean: 'append'?"),
        ("{}.itms()", "AttributeError: 'dict' object has no attribute 'itms'. Did you mean: 'items'?"),
        ("'a'.uper()", "AttributeError: 'str' object has no attribute 'uper'. Did you mean: 'upper'?"),
        ("n = 5\nn.bit_lenght()", "AttributeError: 'int' object has no attribute 'bit_lenght'. Did you mean: 'bit_length'?"),
        ("x = None\nx.foo", "AttributeError: 'NoneType' object has no attribute 'foo'"),
        ("import math\nmath.sqr(2)", "AttributeError: module 'math' has no attribute 'sqr'. Did you mean: 'sqrt'?"),
        ("import threading\nthreading.Thred", "AttributeError: module 'threading' has no attribute 'Thred'. Did you mean: 'Thread'?"),
        // str() of the exception has no suggestion: only the printed traceback does.
        ("try:\n    gret\nexcept NameError as e:\n    print(str(e))\ndef greet():\n    pass", ""),
    ]

    @Test(arguments: examples)
    func lastLineIsPython3s(_ example: (String, String)) throws {
        let r = PyHarness().run(example.0)
        let last = r.error.flatMap { $0.split(separator: "\n").last.map(String.init) } ?? ""
        let words = last.replacing(#/\s\(line \d+, column \d+\)$/#, with: "")
        #expect(words == example.1, "\(example.0)")
        if example.1.isEmpty { #expect(r.output == "name 'gret' is not defined\n") }
    }

    @Test("the examples' lines are python3's own, when python3 is here")
    func examplesAreWhatPython3Prints() throws {
        for (source, expected) in Self.examples where !expected.isEmpty {
            let run = try Capture.run("/usr/bin/env", arguments: ["python3", "-S", "-c", source], timeoutNanoseconds: 20_000_000_000)
            if run.status == .exited(127) { return }
            let last = run.standardError.split(separator: "\n").last.map(String.init) ?? ""
            #expect(last == expected, "python3 printed \(last) for \(source)")
        }
    }

    @Test("edit costs: a case change costs 1, an insertion, deletion or substitution 2, common ends nothing")
    func editCosts() {
        func cost(_ a: String, _ b: String) -> Int { NameSuggestion.distance(Array(a.utf8)[...], Array(b.utf8)[...], limit: 100) }
        #expect(cost("X", "x") == 1)
        #expect(cost("gret", "greet") == 2)
        #expect(cost("ab", "ba") == 4)
        #expect(cost("speed", "sped") == 2)
        #expect(cost("lenn", "len") == 2)
        #expect(NameSuggestion.closest(to: "ab", among: ["ba"]) == nil)
        // The first of two equally close candidates.
        #expect(NameSuggestion.closest(to: "ab", among: ["abc", "abd"]) == "abc")
        #expect(NameSuggestion.closest(to: "x", among: Array(repeating: "y", count: 750)) == nil)
    }
}
