import BigInt
import Testing
import TestSupport
import LabCore
import PyLab

/// The subtle parts of conclab's numbers, each against what python3 3.11 prints (generated with it).
@Suite("Numbers: floats, big integers, formatting")
struct NumberTests {
    /// (the double's bits as `float.hex()` would name them, repr) — shortest digits, CPython's switch to an exponent.
    static let reprs: [(Double, String)] = [
        (0.1 + 0.2, "0.30000000000000004"), (1e16, "1e+16"), (1e15, "1000000000000000.0"),
        (123456789012345678.0, "1.2345678901234568e+17"), (1.0, "1.0"), (-0.0, "-0.0"), (0.1, "0.1"),
        (1.0 / 3, "0.3333333333333333"), (1e-4, "0.0001"), (1e-5, "1e-05"), (Double.leastNonzeroMagnitude, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"), (9007199254740994.0, "9007199254740994.0"),
        (1e22, "1e+22"), (100.0, "100.0"), (0.000123, "0.000123"), (1.5e-7, "1.5e-07"), (123.456, "123.456"),
        (.infinity, "inf"), (-.infinity, "-inf"), (.nan, "nan"),
    ]

    @Test(arguments: reprs)
    func floatReprIsCPythons(_ c: (Double, String)) {
        expectEqual(PyFormat.floatRepr(c.0), c.1)
    }

    /// `a // b` and `a % b` for every sign, ints and floats (python3's answers).
    static let floorCases: [(String, String)] = [
        ("7 // 2, 7 % 2", "3 1"), ("-7 // 2, -7 % 2", "-4 1"), ("7 // -2, 7 % -2", "-4 -1"), ("-7 // -2, -7 % -2", "3 -1"),
        ("7.5 // 2, 7.5 % 2", "3.0 1.5"), ("-7.5 // 2, -7.5 % 2", "-4.0 0.5"), ("7.5 // -2, 7.5 % -2", "-4.0 -0.5"),
        ("-7.5 // -2, -7.5 % -2", "3.0 -1.5"), ("-0.0 % 5, 0.0 % -5", "0.0 -0.0"), ("1e300 // 1e-300 == float('inf')", "True"),
        ("-(2**80) // 3, -(2**80) % 3", "-402975273204876391568726 2"), ("2**80 // -3, 2**80 % -3", "-402975273204876391568726 -2"),
    ]

    @Test(arguments: floorCases)
    func floorDivisionTakesPythonsSigns(_ c: (String, String)) {
        let run = PyHarness().run("print(\(c.0))")
        expectEqual(run.error, nil, "\(c.0): \(run.error ?? "")")
        expectEqual(run.output, c.1 + "\n", "\(c.0)")
    }

    /// round(): half to even on the exact binary value (2.675 is 2.67499999…, so it goes down).
    @Test func bankersRounding() {
        let run = PyHarness().run("""
            print(round(0.5), round(1.5), round(2.5), round(-0.5), round(-1.5), round(2.675, 2), round(0.125, 2))
            print(round(1250, -2), round(1350, -2), round(-1250, -2), round(1234.5678, -2), round(5e-324, 400), round(1e300, -299))
            """)
        expectEqual(run.error, nil)
        expectEqual(run.output, "0 2 2 0 -2 2.67 0.12\n1200 1400 -1200 1200.0 5e-324 1e+300\n")
    }

    /// Around 2**63 and the tagged word's 2**62: the answer is exact on both sides and keeps its type.
    @Test func bigIntegerBoundaries() {
        let run = PyHarness().run("""
            a = 4611686018427387903
            print(a + 1, -a - 2, a * 2 + 1, (a + 1) - 1 == a, 9223372036854775807 + 1, -9223372036854775808 - 1)
            print(2 ** 63, 2 ** 64 - 1, (2 ** 64) // (2 ** 32), 2 ** 64 % 10, -(2 ** 63) // -1, abs(-(2 ** 63)))
            print(1 << 62, 1 << 63, (1 << 100) >> 99, -(1 << 70) >> 69, 2 ** 100 & (2 ** 64 - 1), -(2 ** 65) | 1, (2 ** 65) ^ -1)
            d = {2 ** 64: 'big', 2.0: 'two'}
            print(d[18446744073709551616], d[2], hash(2 ** 64) == hash(float(2 ** 64)), hash(-1), hash(2 ** 61 - 1), hash(0.5))
            """)
        expectEqual(run.error, nil, "\(run.error ?? "")")
        #expect(run.output == """
            4611686018427387904 -4611686018427387905 9223372036854775807 True 9223372036854775808 -9223372036854775809
            9223372036854775808 18446744073709551615 4294967296 6 9223372036854775808 9223372036854775808
            4611686018427387904 9223372036854775808 2 -2 0 -36893488147419103231 -36893488147419103233
            big two True -2 0 1152921504606846976

            """)
    }

    /// An int divided by an int is correctly rounded even past 2**53 (CPython's long_true_divide), and so is an
    /// int converted to a float.
    @Test func trueDivisionRoundsOnce() {
        expectEqual(PyNumbers.trueDivide(BigInt(1) << 60 + 1, 3), 384307168202282325.0)
        expectEqual(PyNumbers.trueDivide(BigInt(10).power(30), 7), 1.4285714285714286e+29)
        expectEqual(PyNumbers.double(BigInt(1) << 53 + 1), 9007199254740992.0)
        expectEqual(PyNumbers.double(BigInt(1) << 53 + 3), 9007199254740996.0)
        expectEqual(PyNumbers.double(BigInt(1) << 1024), nil)
        expectEqual(PyNumbers.trueDivide(BigInt(10).power(400), 3), nil)
    }

    /// (value, spec, format(value, spec)) from python3.
    static let formats: [(String, String, String)] = [
        ("3.14159", ".2f", "3.14"), ("12345.678", "10.3e", " 1.235e+04"), ("0.25", "%", "25.000000%"),
        ("1234567", "+,", "+1,234,567"), ("1234567", "_", "1_234_567"), ("'hi'", "^10", "    hi    "), ("255", "#x", "0xff"),
        ("3.14159", "08.3f", "0003.142"), ("1.0", ".3", "1.0"), ("100.0", ".3", "1e+02"), ("1e16", ".17", "1e+16"),
        ("2.5", ".0f", "2"), ("3.5", ".0f", "4"), ("-0.0", ".1f", "-0.0"), ("1.5", ".0e", "2e+00"), ("100.0", "#g", "100.000"),
        ("123456789.0", "g", "1.23457e+08"), ("1e-5", "g", "1e-05"), ("1234.5", ",.2f", "1,234.50"), ("-1234", "08,", "-001,234"),
        ("0.1", ".20f", "0.10000000000000000555"), ("1e300", ".3e", "1.000e+300"), ("0.5", ".0%", "50%"),
        ("2 ** 70", ",", "1,180,591,620,717,411,303,424"), ("255", "08b", "11111111"), ("42", "c", "*"),
        ("-3.7", "=+8.2f", "-   3.70"), ("float('inf')", ".2f", "inf"), ("float('nan')", ">5", "  nan"), ("1e-7", ".3g", "1e-07"),
    ]

    @Test(arguments: formats)
    func formatSpecsAreCPythons(_ c: (String, String, String)) {
        let run = PyHarness().run("print(repr(format(\(c.0), '\(c.1)')))")
        expectEqual(run.error, nil, "\(c.0) \(c.1): \(run.error ?? "")")
        expectEqual(run.output, PyThreadState.quote(c.2) + "\n", "\(c.0) \(c.1)")
    }

    /// `dis` shows CPython's folded constants: floats, big results within its 128-bit limit, and not beyond it.
    @Test func constantsFoldAsCPythonFolds() throws {
        let runtime = PyRuntime()
        func constants(_ source: String) throws -> [String] {
            let code = try runtime.compile(source)
            return (0..<code.constantCount).map { i in
                let v = code.constants[i]
                if v.isInt { return String(v.intValue) }
                if v == .none { return "None" }
                if v.isObject, v.objectKind == .float { return PyFormat.floatRepr(unsafeDowncast(v.object, to: PyFloat.self).value) }
                if v.isObject, v.objectKind == .bigint { return String(unsafeDowncast(v.object, to: PyBigInt.self).value) }
                return "?"
            }
        }
        #expect(try constants("x = 7 / 2") == ["3.5", "None"])
        #expect(try constants("x = 2 ** 64") == ["18446744073709551616", "None"])
        #expect(try constants("x = 2 ** 100") == ["2", "100", "None"])
        #expect(try constants("x = 2 ** -1") == ["0.5", "None"])
        #expect(try constants("x = 1 / 0") == ["1", "0", "None"])
        #expect(try constants("x = -0.0") == ["-0.0", "None"])
    }
}
