import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

private let sample = Record([
    ("lost", .int(3)),
    ("time_ms", .quantity(250, .milliseconds)),
    ("state", .string("running")),
    ("ok", .bool(true)),
    ("rows", .list([.record(Record([("name", .string("a")), ("pid", .int(10))])),
                    .record(Record([("name", .string("b")), ("pid", .int(20))]))])),
])

private func evaluate(_ text: String, _ record: Record = sample) throws -> Value {
    try Evaluator(record: record).evaluate(Expression(parsing: text))
}

private func failure(_ text: String, _ record: Record = sample) -> ExpressionError? {
    do {
        let value = try evaluate(text, record)
        Issue.record("\(text) should fail, gave \(value)")
        return nil
    } catch let error as ExpressionError {
        return error
    } catch {
        Issue.record("\(text) threw \(error)")
        return nil
    }
}

@Suite struct ExpressionTests {
    @Test(arguments: [
        ("1 + 2 * 3", Value.int(7)),
        ("(1 + 2) * 3", .int(9)),
        ("10 - 2 - 3", .int(5)),
        ("2 * 3 + 4 * 5", .int(26)),
        ("2 ** 3 ** 2", .int(512)),
        ("-2 ** 2", .int(-4)),
        ("2 ** -1", .double(0.5)),
        ("2 ** 10", .int(1024)),
        ("-3 + +5", .int(2)),
        ("- - 4", .int(4)),
        ("7 / 2", .double(3.5)),
        ("6 / 3", .double(2)),
        ("50_000_000 + 1", .int(50_000_001)),
        ("1_000.5", .double(1000.5)),
        ("1e3", .double(1000)),
        ("1.5e-3", .double(0.0015)),
        ("0.25 * 4", .double(1)),
    ] as [(String, Value)])
    func arithmetic(_ text: String, _ expected: Value) throws {
        #expect(try evaluate(text) == expected)
    }

    /// Python's `//` rounds toward negative infinity and `%` takes the divisor's sign.
    @Test(arguments: [
        ("7 // 2", Value.int(3)), ("-7 // 2", .int(-4)), ("7 // -2", .int(-4)), ("-7 // -2", .int(3)),
        ("7 % 3", .int(1)), ("-7 % 3", .int(2)), ("7 % -3", .int(-2)), ("-7 % -3", .int(-1)),
        ("6 % 3", .int(0)), ("-6 // 3", .int(-2)), ("0 // -5", .int(0)),
        ("7.5 // 2", .double(3)), ("-7.5 // 2", .double(-4)), ("-7.5 % 2", .double(0.5)), ("7.5 % -2", .double(-0.5)),
    ] as [(String, Value)])
    func floorDivisionAndModulo(_ text: String, _ expected: Value) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test(arguments: [
        ("1 < 2", true), ("2 <= 2", true), ("3 > 4", false), ("4 >= 5", false),
        ("1 == 1.0", true), ("1 != 2", true), ("'a' < 'b'", true), ("\"abc\" == 'abc'", true),
        ("state == \"running\"", true), ("state != 'running'", false),
        ("time_ms < 500", true), ("time_ms == 250", true), ("time_ms > 249.5", true), ("time_ms * 2 >= 500", true),
        ("true and false", false), ("true && true", true), ("false or true", true), ("false || false", false),
        ("not 0", true), ("!ok", false), ("not 1 == 2", true), ("not not ok", true),
        ("1 < 2 and 2 < 3 or false", true), ("false and true or true", true), ("true or true and false", true),
        ("'ab' in 'cabd'", true), ("2 in [1, 2, 3]", true), ("2.0 in [1, 2]", true), ("4 not in [1, 2]", true),
        ("'x' not in state", true), ("'run' in state", true), ("[] == []", true), ("null == None", true),
    ] as [(String, Bool)])
    func truth(_ text: String, _ expected: Bool) throws {
        #expect(try Evaluator(record: sample).isTrue(Expression(parsing: text)) == expected)
    }

    /// `and`/`or` give back an operand, as Python does, and never evaluate the right side when not needed.
    @Test(arguments: [
        ("0 or 5", Value.int(5)), ("3 and 4", .int(4)), ("0 and 4", .int(0)), ("'' or 'x'", .string("x")),
        ("1 or 1 // 0", .int(1)), ("0 and 1 // 0", .int(0)), ("false and missing", .bool(false)),
        ("ok or nosuch > 1", .bool(true)),
    ] as [(String, Value)])
    func shortCircuit(_ text: String, _ expected: Value) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test(arguments: [
        ("'it' + \"'s\"", Value.string("it's")),
        ("\"say \\\"hi\\\"\"", .string("say \"hi\"")),
        ("'tab\\there'", .string("tab\there")),
        ("'a' + 'b' + 'c'", .string("abc")),
        ("rows.count", .int(2)),
        ("rows.length", .int(2)),
        ("state.count", .int(7)),
        ("'abc'.count", .int(3)),
        ("rows[0].name", .string("a")),
        ("rows[-1].pid", .int(20)),
        ("rows[1]['name']", .string("b")),
        ("[10, 20, 30][1]", .int(20)),
        ("len(rows)", .int(2)),
        ("len('abc')", .int(3)),
        ("len([])", .int(0)),
        ("abs(-5)", .int(5)),
        ("abs(-2.5)", .double(2.5)),
        ("min(3, 1, 2)", .int(1)),
        ("max([4, 9, 2])", .int(9)),
        ("max('a', 'c', 'b')", .string("c")),
        ("int(3.9)", .int(3)),
        ("int('42')", .int(42)),
        ("int(true)", .int(1)),
        ("str(5)", .string("5")),
        ("str(state)", .string("running")),
        ("time_ms * 2", .quantity(500, .milliseconds)),
        ("time_ms / 1000", .quantity(0.25, .milliseconds)),
        ("abs(-time_ms)", .quantity(250, .milliseconds)),
        ("max(time_ms, 100)", .quantity(250, .milliseconds)),
        ("[1, 'a', null]", .list([.int(1), .string("a"), .null])),
        ("True", .bool(true)),
        ("None", .null),
    ] as [(String, Value)])
    func values(_ text: String, _ expected: Value) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test func tableFieldsReachRowsAndCount() throws {
        let table = Table(columns: ["handle", "pid"], rows: [[.string("p1"), .int(100)], [.string("p2"), .int(200)]],
                          summary: Record([("total", .int(2))]))
        let fields = LabResult.table(table).fields
        #expect(try evaluate("count == 2 and rows[1].pid > 150 and total == 2", fields) == .bool(true))
        #expect(try evaluate("rows[0].handle", fields) == .string("p1"))
    }

    @Test func evaluatorWithALookup() throws {
        let evaluator = Evaluator(lookup: { $0 == "x" ? .int(7) : nil })
        #expect(try evaluator.evaluate(Expression(parsing: "x * x % 10")) == .int(9))
    }

    @Test func namesLists() throws {
        #expect(try Expression(parsing: "a + len(b) > c.d and e[f]").names == ["a", "b", "c", "e", "f"])
    }

    @Test(arguments: [
        ("9223372036854775807 + 1", "9223372036854775807 + 1"),
        ("-9223372036854775807 - 2", "-9223372036854775807 - 2"),
        ("9223372036854775807 * 2", "9223372036854775807 * 2"),
        ("2 ** 63", "2 ** 63"),
        ("(-9223372036854775807 - 1) // -1", "-9223372036854775808 // -1"),
        ("-(-9223372036854775807 - 1)", "-(-9223372036854775808)"),
        ("abs(-9223372036854775807 - 1)", "abs(-9223372036854775808)"),
    ])
    func integerOverflowIsAnError(_ text: String, _ operation: String) {
        expectEqual(failure(text)?.message, "integer overflow in \(operation) (conclab integers are 64-bit; Python's are unbounded)")
    }

    @Test func smallestIntegerModuloMinusOneIsZero() throws {
        // The remainder fits (it is 0, as in Python); only the quotient overflows.
        #expect(try evaluate("(-9223372036854775807 - 1) % -1") == .int(0))
    }

    @Test(.timeLimit(.minutes(1)))
    func hugeExponentOfOneEnds() throws {
        #expect(try evaluate("1 ** 1_000_000_000_000_000") == .int(1))
        #expect(try evaluate("(-1) ** 1_000_000_000_000_001") == .int(-1))
        #expect(try evaluate("0 ** 1_000_000_000_000_000") == .int(0))
    }

    @Test(arguments: [
        ("1 / 0", "division by zero"), ("1 // 0", "division by zero"), ("1.5 / 0", "division by zero"),
        ("1.5 // 0.0", "division by zero"), ("5 % 0", "modulo by zero"), ("5.5 % 0", "modulo by zero"),
    ])
    func divisionByZero(_ text: String, _ message: String) {
        expectEqual(failure(text)?.message, message)
    }

    @Test(arguments: [
        ("lots > 0", "unknown name 'lots'; did you mean 'lost'?"),
        ("zzzzzz", "unknown name 'zzzzzz' (fields: lost, time_ms, state, ok, rows)"),
        ("rows[5]", "index 5 out of range (length 2)"),
        ("rows[0].nmae", "no field 'nmae' (fields: name, pid)"),
        ("lost.count", "an int has no field 'count'"),
        ("1 in 5", "'in' needs a string or a list on the right, got an int"),
        ("'a' < 1", "cannot compare a string with an int using <"),
        ("'a' * 2", "cannot apply * to a string and an int"),
        ("-'a'", "cannot negate a string"),
        ("len(5)", "len() of an int"),
        ("len(1, 2)", "len() takes one argument, got 2"),
        ("int('x')", "int() cannot convert x"),
        ("min([])", "min() of nothing"),
        ("lost[0]", "cannot index an int with an int"),
    ])
    func evaluationErrors(_ text: String, _ message: String) {
        expectEqual(failure(text)?.message, message)
    }

    @Test func unknownNameWithNoFields() {
        expectEqual(failure("x", Record())?.message, "unknown name 'x'")
    }

    @Test(arguments: [
        ("", "empty expression", 1),
        ("1 +", "unexpected end of expression", 4),
        ("x = 1", "'=' assigns; use '==' to compare", 3),
        ("(1 + 2", "expected ')'", 7),
        ("1 2", "unexpected 2", 3),
        ("'abc", "unterminated string", 1),
        ("a $ b", "unexpected character '$'", 3),
        ("rows.", "expected a field name after '.'", 6),
        ("rows[0", "expected ']'", 7),
        ("and x", "unexpected 'and'", 1),
        ("99999999999999999999", "number 99999999999999999999 is too large", 1),
        ("foo(1)", "unknown function 'foo' (known: abs, int, len, max, min, str)", 1),
        ("lost > 0 lost", "unexpected 'lost'", 10),
    ] as [(String, String, Int)])
    func syntaxErrorsCarryAColumn(_ text: String, _ message: String, _ column: Int) {
        #expect(throws: ExpressionError(message, column: column)) { try Expression(parsing: text) }
    }

    @Test func errorDescriptionNamesTheColumn() {
        expectEqual(ExpressionError("expected ')'", column: 7).description, "expected ')' (column 7)")
        expectEqual(ExpressionError("division by zero").description, "division by zero")
    }
}

@Suite struct ValueTests {
    @Test(arguments: [
        (Value.null, false), (.bool(false), false), (.bool(true), true), (.int(0), false), (.int(-1), true),
        (.double(0), false), (.double(0.1), true), (.string(""), false), (.string("x"), true),
        (.list([]), false), (.list([.null]), true), (.quantity(0, .bytes), false), (.record(Record()), false),
    ] as [(Value, Bool)])
    func truthiness(_ value: Value, _ truthy: Bool) {
        expectEqual(value.isTruthy, truthy)
    }

    @Test func fieldsOfResults() {
        expectEqual(LabResult.nothing.fields, Record())
        expectEqual(LabResult.text("hi").fields, Record([("text", .string("hi"))]))
        let group = LabResult.group([.text("a"), .record(Record([("x", .int(1))]))])
        expectEqual(group.fields, Record([("x", .int(1))]))
        let table = LabResult.table(Table(columns: ["a"], rows: [[.int(1)]], summary: Record([("sum", .int(1))])))
        expectEqual(table.fields.fields.map(\.0), ["rows", "count", "sum"])
        expectEqual(table.fields["count"], .int(1))
    }
}
