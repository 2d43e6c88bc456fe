import Testing
import LabKit
import LabCore
import LabOS
import LabTopics
import PyLab
import TestSupport

/// What CPython answers for one integer operation (checked with python3 3.11; `pythonAgrees` re-checks it
/// wherever python3 is installed).
enum PythonAnswer: Sendable, Equatable {
    case value(Int128)
    case truth(Bool)
    case zeroDivision
    /// Far beyond 128 bits (`2 ** 10**18`): python3 is not asked, it would run out of memory.
    case huge
}

/// What one of conclab's paths did with an operation.
enum Observed: Equatable, CustomStringConvertible {
    case int(Int), bool(Bool), overflow, zeroDivision, other(String)

    var description: String {
        switch self {
        case .int(let i): "\(i)"
        case .bool(let b): "\(b)"
        case .overflow: "overflow"
        case .zeroDivision: "ZeroDivisionError"
        case .other(let s): "other: \(s)"
        }
    }
}

/// `x op y` with Python's answer.
struct IntegerCase: Sendable, CustomTestStringConvertible {
    let x: Int
    let op: String
    let y: Int
    let python: PythonAnswer

    init(_ x: Int, _ op: String, _ y: Int, _ python: PythonAnswer) {
        (self.x, self.op, self.y, self.python) = (x, op, y, python)
    }

    var testDescription: String { "\(x) \(op) \(y)" }

    /// As Python, the expression language and the interpreter all read it (a smallest integer has no literal).
    static func literal(_ n: Int) -> String {
        if n == .min { return "(-9223372036854775807 - 1)" }
        if n == PyValue.minInt { return "(-4611686018427387903 - 1)" }
        return n < 0 ? "(\(n))" : "\(n)"
    }

    var text: String { "\(Self.literal(x)) \(op) \(Self.literal(y))" }

    /// Python's answer where integers have `range`: a value beyond it is an overflow.
    func expected(in range: ClosedRange<Int>) -> Observed {
        switch python {
        case .value(let v): Int128(range.lowerBound) <= v && v <= Int128(range.upperBound) ? .int(Int(v)) : .overflow
        case .truth(let b): .bool(b)
        case .zeroDivision: .zeroDivision
        case .huge: .overflow
        }
    }

    /// Both operands are snippet integers (63 bits).
    var fitsInSnippets: Bool { [x, y].allSatisfy { PyValue.minInt <= $0 && $0 <= PyValue.maxInt } }
}

private let tenTo18 = 1_000_000_000_000_000_000

@Suite struct IntegerSemanticsTests {
    static let cases: [IntegerCase] = [
        // The smallest integer: its remainder by -1 fits (0), its quotient (2**63, or 2**62 in a snippet) does not.
        IntegerCase(.min, "%", -1, .value(0)),
        IntegerCase(.min, "//", -1, .value(9_223_372_036_854_775_808)),
        IntegerCase(.min, "//", 1, .value(-9_223_372_036_854_775_808)),
        IntegerCase(PyValue.minInt, "%", -1, .value(0)),
        IntegerCase(PyValue.minInt, "//", -1, .value(4_611_686_018_427_387_904)),
        // Floor division rounds toward negative infinity; the remainder takes the divisor's sign.
        IntegerCase(-7, "//", 2, .value(-4)),
        IntegerCase(-7, "%", 2, .value(1)),
        IntegerCase(7, "//", -2, .value(-4)),
        IntegerCase(7, "%", -2, .value(-1)),
        IntegerCase(-7, "//", -2, .value(3)),
        IntegerCase(-7, "%", -2, .value(-1)),
        IntegerCase(7, "//", 2, .value(3)),
        IntegerCase(7, "//", 0, .zeroDivision),
        IntegerCase(7, "%", 0, .zeroDivision),
        // Powers at the edges: (-2) ** 63 is the smallest 64-bit integer and fits; 2 ** 63 does not.
        IntegerCase(2, "**", 63, .value(9_223_372_036_854_775_808)),
        IntegerCase(2, "**", 62, .value(4_611_686_018_427_387_904)),
        IntegerCase(2, "**", 61, .value(2_305_843_009_213_693_952)),
        IntegerCase(-2, "**", 63, .value(-9_223_372_036_854_775_808)),
        IntegerCase(-2, "**", 62, .value(4_611_686_018_427_387_904)),
        IntegerCase(-2, "**", 61, .value(-2_305_843_009_213_693_952)),
        IntegerCase(-3, "**", 3, .value(-27)),
        IntegerCase(0, "**", 0, .value(1)),
        IntegerCase(2, "**", 100, .value(1_267_650_600_228_229_401_496_703_205_376)),
        // Huge exponents end at once.
        IntegerCase(1, "**", tenTo18, .value(1)),
        IntegerCase(-1, "**", tenTo18 + 1, .value(-1)),
        IntegerCase(-1, "**", tenTo18, .value(1)),
        IntegerCase(0, "**", tenTo18, .value(0)),
        IntegerCase(2, "**", tenTo18, .huge),
        // Sums and products one past the edge.
        IntegerCase(.max, "+", 1, .value(9_223_372_036_854_775_808)),
        IntegerCase(.min, "-", 1, .value(-9_223_372_036_854_775_809)),
        IntegerCase(3_037_000_500, "*", 3_037_000_500, .value(9_223_372_037_000_250_000)),
        IntegerCase(PyValue.maxInt, "+", 1, .value(4_611_686_018_427_387_904)),
        // Comparisons are exact (as Doubles these two would be equal).
        IntegerCase(9_007_199_254_740_993, ">", 9_007_199_254_740_992, .truth(true)),
        IntegerCase(9_007_199_254_740_993, "<=", 9_007_199_254_740_992, .truth(false)),
        IntegerCase(-7, "<", -7, .truth(false)),
        IntegerCase(-7, ">=", -7, .truth(true)),
        IntegerCase(.max, "==", Int.max - 1, .truth(false)),
    ]

    /// How the expression language reports a failure: one sentence per kind, naming the operation.
    private static func observe(_ c: IntegerCase, _ body: () throws -> Value) -> Observed {
        do {
            switch try body() {
            case .int(let i): return .int(i)
            case .bool(let b): return .bool(b)
            case let v: return .other("\(v)")
            }
        } catch let error as ExpressionError {
            switch error.message {
            case "integer overflow in \(c.x) \(c.op) \(c.y) (conclab integers are 64-bit; Python's are unbounded)": return .overflow
            case "division by zero" where c.op == "//", "modulo by zero" where c.op == "%": return .zeroDivision
            default: return .other(error.message)
            }
        } catch {
            return .other("\(error)")
        }
    }

    /// `check`/`where` expressions over literals, and `gen map` over an item `x` (its compiled path).
    @Test(arguments: cases)
    func expressionLanguageAgreesWithPython(_ c: IntegerCase) throws {
        let expected = c.expected(in: Int.min...Int.max)
        let general = Self.observe(c) { try Evaluator(lookup: { _ in nil }).evaluate(Expression(parsing: c.text)) }
        expectEqual(general, expected, "\(c.text)")
        let item = try ItemExpression("x \(c.op) \(IntegerCase.literal(c.y))")
        #expect(item.isCompiled)
        let compiled = Self.observe(c) { try item.evaluate(.int(c.x)) }
        expectEqual(compiled, expected, "x \(c.op) \(c.y) with x = \(c.x)")
    }

    /// The interpreter, whose integers are unbounded as Python's (past 63 bits they are big integers): Python's
    /// exact answer; a power of about 2**(10**18) is refused with a MemoryError that names the limit.
    @Test(arguments: cases.filter(\.fitsInSnippets))
    func interpreterAgreesWithPython(_ c: IntegerCase) {
        let run = PyHarness().run("print(\(c.text))")
        let text = run.output.split(separator: "\n").first.map(String.init) ?? ""
        switch c.python {
        case .value(let v): #expect(run.error == nil && Int128(text) == v, "\(c.text): \(run.error ?? text)")
        case .truth(let b): #expect(text == (b ? "True" : "False"), "\(c.text): \(run.error ?? text)")
        case .zeroDivision:
            let message = c.op == "%" ? "ZeroDivisionError: integer modulo by zero" : "ZeroDivisionError: integer division or modulo by zero"
            expectEqual(run.error?.contains(message), true, "\(c.text): \(run.error ?? text)")
        case .huge:
            expectEqual(run.error?.contains("MemoryError: conclab's Python does not support integers over"), true, "\(c.text): \(run.error ?? text)")
        }
    }

    @Test func pythonAgrees() throws {
        let asked = Self.cases.filter { $0.python != .huge }
        let script = """
            import sys
            for e in sys.argv[1:]:
                try:
                    print(eval(e))
                except ZeroDivisionError:
                    print('ZeroDivisionError')
            """
        let run = try Capture.run("/usr/bin/env", arguments: ["python3", "-c", script] + asked.map(\.text),
                                  timeoutNanoseconds: 30_000_000_000)
        // No python3 here (env exits 127): the hard-coded answers stand.
        if run.status == .exited(127) { return }
        expectEqual(run.status, .exited(0), "\(run.standardError)")
        let lines = run.standardOutput.split(separator: "\n").map(String.init)
        expectEqual(lines.count, asked.count)
        for (c, line) in zip(asked, lines) {
            let ours: String
            switch c.python {
            case .value(let v): ours = "\(v)"
            case .truth(let b): ours = b ? "True" : "False"
            case .zeroDivision: ours = "ZeroDivisionError"
            case .huge: continue
            }
            expectEqual(ours, line, "\(c.text)")
        }
    }

    /// The learner's view: `gen map` over the smallest integer.
    @Test func genMapOverTheSmallestInteger() {
        let session = Session()
        for line in ["gen count -9223372036854775808", "gen map g1 x % -1", "gen count -9223372036854775808", "gen map g3 x // -1"] {
            expectEqual(session.execute(line).failure, nil, "\(line)")
        }
        expectEqual(session.execute("next g2").result.fields["value"], .int(0))
        #expect(session.execute("next g4").failure?.message.contains(
            "integer overflow in -9223372036854775808 // -1 (conclab integers are 64-bit; Python's are unbounded)") == true)
    }

    @Test func powerBySquaring() throws {
        #expect(try PyInt.power(3, 0) == 1)
        #expect(try PyInt.power(-2, 63) == Int.min)
        #expect(try PyInt.power(2, 62) == 1 << 62)
        #expect(try PyInt.power(-1, .max) == -1)
        #expect(try PyInt.power(1, .max) == 1)
        #expect(try PyInt.power(0, .max) == 0)
        #expect(throws: PyInt.Failure.overflow) { try PyInt.power(2, 63) }
        #expect(throws: PyInt.Failure.overflow) { try PyInt.power(-2, .max) }
        #expect(throws: PyInt.Failure.overflow) { try PyInt.power(3_037_000_500, 2) }
        #expect(throws: PyInt.Failure.negativeExponent) { try PyInt.power(2, -1) }
    }

    /// `pow(x, y, m)`, CPython's answers: the result takes m's sign.
    @Test(arguments: [
        (3, 200, 7, 2), (-3, 5, 7, 2), (3, 5, -7, -2), (5, 0, 1, 0), (-2, 3, -5, -3), (2, 10, 1000, 24),
        (Int.min, 3, Int.max, 9_223_372_036_854_775_806), (Int.max, Int.max, Int.min, -1),
    ])
    func powerModulo(_ x: Int, _ y: Int, _ m: Int, _ python: Int) throws {
        #expect(try PyInt.power(x, y, modulo: m) == python)
    }

    @Test func snippetsPowModuloAndAbs() {
        let run = PyHarness().run("print(pow(3, 5, -7), pow(-2, 3, -5), abs(-4611686018427387903), abs(-7))")
        expectEqual(run.error, nil)
        expectEqual(run.output, "-2 -3 4611686018427387903 7\n")
        // Past the tagged word the answer is a big integer, as Python's.
        expectEqual(PyHarness().run("print(abs(-4611686018427387903 - 1), -(-4611686018427387903 - 1))").output, "4611686018427387904 4611686018427387904\n")
    }
}
