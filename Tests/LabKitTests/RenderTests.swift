import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

private let plain = HumanRenderer(color: false)
private let escape = "\u{1B}["

@Suite struct HumanRendererTests {
    @Test func numbersAreRightAlignedTextLeft() {
        let table = Table(columns: ["name", "n"], rows: [[.string("a"), .int(5)], [.string("bbb"), .int(123)]])
        #expect(plain.render(.table(table)) == """
            name    n
            a       5
            bbb   123
            """)
    }

    @Test func lastTextColumnIsNotPadded() {
        let table = Table(columns: ["n", "name"], rows: [[.int(5), .string("a")], [.int(123), .string("bbb")]])
        #expect(plain.render(.table(table)) == """
              n  name
              5  a
            123  bbb
            """)
    }

    @Test func unitsNullsAndSummary() {
        let table = Table(title: "workers", columns: ["handle", "cpu_ms", "rss_bytes", "state"], rows: [
            [.string("p1"), .quantity(1.5, .milliseconds), .bytes(2048), .string("running")],
            [.string("p10"), .null, .bytes(10 * 1_048_576), .string("zombie")],
        ], summary: Record([("count", .int(2)), ("total_bytes", .bytes(10 * 1_048_576 + 2048))]))
        #expect(plain.render(.table(table)) == """
            workers
            handle   cpu_ms  rss_bytes  state
            p1      1.50 ms   2.00 KiB  running
            p10           -   10.0 MiB  zombie
            count        2
            total_bytes  10.0 MiB
            """)
    }

    @Test func emptyTableSaysNone() {
        expectEqual(plain.render(.table(Table(columns: ["handle", "pid"]))), "handle  pid\n(none)")
    }

    @Test func recordAlignsKeys() {
        let record = Record(title: "memory", [("rss_bytes", .bytes(512)), ("threads", .int(4)), ("ok", .bool(true))])
        #expect(plain.render(.record(record)) == """
            memory
            rss_bytes  512 B
            threads    4
            ok         yes
            """)
    }

    @Test func groupsJoinTheirParts() {
        expectEqual(plain.render(.group([.text("a"), .nothing, .record(Record([("x", .int(1))]))])), "a\nx  1")
        expectEqual(plain.render(.nothing), "")
        expectEqual(plain.render(.text("as is")), "as is")
    }

    @Test func colourOnlyWhenAsked() {
        let results: [LabResult] = [
            .table(Table(title: "t", columns: ["a", "b"], rows: [[.int(1), .string("x")]])),
            .record(Record(title: "r", [("key", .string("value"))])),
            .table(Table(columns: ["a"])),
        ]
        for result in results {
            #expect(!plain.render(result).contains("\u{1B}"))
            #expect(HumanRenderer(color: true).render(result).contains(escape))
        }
        let coloured = HumanRenderer(color: true).render(.record(Record(title: "r", [("key", .string("value"))])))
        expectEqual(coloured, "\u{1B}[1mr\u{1B}[0m\n\u{1B}[2mkey\u{1B}[0m  value")
        expectEqual(HumanRenderer(color: true).render(.text("plain text")), "plain text")
    }

    @Test(arguments: [
        (Value.quantity(0, .nanoseconds), "0 ns"),
        (.quantity(512, .nanoseconds), "512 ns"),
        (.quantity(999, .nanoseconds), "999 ns"),
        (.quantity(1000, .nanoseconds), "1.00 µs"),
        (.quantity(1500, .nanoseconds), "1.50 µs"),
        (.quantity(3, .microseconds), "3.00 µs"),
        (.quantity(2.5, .milliseconds), "2.50 ms"),
        (.quantity(250, .milliseconds), "250 ms"),
        (.quantity(1500, .milliseconds), "1.50 s"),
        (.quantity(12.3456, .seconds), "12.3 s"),
        (.quantity(-2, .milliseconds), "-2.00 ms"),
        (.ms(1_500_000), "1.50 ms"),
        (.bytes(0), "0 B"),
        (.bytes(512), "512 B"),
        (.bytes(1023), "1023 B"),
        (.bytes(1024), "1.00 KiB"),
        (.bytes(1536), "1.50 KiB"),
        (.bytes(10 * 1_048_576), "10.0 MiB"),
        (.bytes(3 * 1_073_741_824), "3.00 GiB"),
        (.bytes(2048 * 1_073_741_824), "2048 GiB"),
        (.quantity(12.5, .percent), "12.5%"),
        (.quantity(0, .percent), "0%"),
        (.quantity(0, .microseconds), "0 µs"),
        (.quantity(0, .milliseconds), "0 ms"),
        (.quantity(5, .perSecond), "5.00 /s"),
        (.quantity(1500, .perSecond), "1.50 k/s"),
        (.quantity(2_500_000, .perSecond), "2.50 M/s"),
        (.int(-42), "-42"),
        (.double(2), "2"),
        (.double(3.14159), "3.142"),
        (.double(1234.56), "1234.6"),
        (.bool(true), "yes"),
        (.bool(false), "no"),
        (.null, "-"),
        (.string("text"), "text"),
        (.list([.int(1), .string("a")]), "1, a"),
        (.record(Record([("a", .int(1)), ("b", .string("x"))])), "a=1 b=x"),
        (.record(Record()), "-"),
    ] as [(Value, String)])
    func cells(_ value: Value, _ text: String) {
        expectEqual(plain.cell(value), text)
    }
}

@Suite struct JSONRendererTests {
    @Test(arguments: [
        ("plain", "\"plain\""),
        ("say \"hi\"", "\"say \\\"hi\\\"\""),
        ("back\\slash", "\"back\\\\slash\""),
        ("two\nlines", "\"two\\nlines\""),
        ("cr\r", "\"cr\\r\""),
        ("tab\t", "\"tab\\t\""),
        ("\u{01}\u{1F}", "\"\\u0001\\u001f\""),
        ("\u{0}", "\"\\u0000\""),
        ("ünï µs", "\"ünï µs\""),
        ("", "\"\""),
    ] as [(String, String)])
    func stringEscaping(_ text: String, _ json: String) {
        expectEqual(JSONRenderer.string(text), json)
    }

    @Test(arguments: [
        (Value.null, "null"), (.bool(true), "true"), (.bool(false), "false"), (.int(-5), "-5"),
        (.int(Int.max), "9223372036854775807"), (.double(2.5), "2.5"), (.double(3), "3"),
        (.double(.nan), "null"), (.double(.infinity), "null"), (.quantity(250, .milliseconds), "250"),
        (.bytes(4096), "4096"), (.list([]), "[]"), (.record(Record()), "{}"),
        (.list([.int(1), .record(Record([("b", .null)]))]), "[1,{\"b\":null}]"),
    ] as [(Value, String)])
    func values(_ value: Value, _ json: String) {
        expectEqual(JSONRenderer.value(value), json)
    }

    @Test func results() {
        expectEqual(JSONRenderer.render(.nothing), "{\"type\":\"nothing\"}")
        expectEqual(JSONRenderer.render(.text("hi\n")), "{\"type\":\"text\",\"text\":\"hi\\n\"}")
        #expect(JSONRenderer.render(.record(Record(title: "r", [("a", .list([.int(1)]))])))
            == "{\"type\":\"record\",\"title\":\"r\",\"fields\":{\"a\":[1]}}")
        #expect(JSONRenderer.render(.record(Record([("x", .string("y"))])))
            == "{\"type\":\"record\",\"fields\":{\"x\":\"y\"}}")
        let table = Table(title: "t", columns: ["a", "b"], rows: [[.int(1), .string("x")], [.null, .bool(true)]],
                          summary: Record([("n", .int(2))]))
        #expect(JSONRenderer.render(.table(table)) ==
            "{\"type\":\"table\",\"title\":\"t\",\"columns\":[\"a\",\"b\"],\"rows\":[{\"a\":1,\"b\":\"x\"},{\"a\":null,\"b\":true}],\"summary\":{\"n\":2}}")
        #expect(JSONRenderer.render(.group([.nothing, .text("a")]))
            == "{\"type\":\"group\",\"results\":[{\"type\":\"nothing\"},{\"type\":\"text\",\"text\":\"a\"}]}")
    }
}

@Suite struct FormatTests {
    @Test(arguments: [
        (3.14159, 2, "3.14"), (2.5, 0, "3"), (-2.5, 0, "-3"), (-0.001, 2, "0.00"), (9.999, 2, "10.00"),
        (1.5, 3, "1.500"), (123, 0, "123"), (-7.25, 1, "-7.3"), (0, 2, "0.00"), (0.07, 2, "0.07"),
        (1.05, 2, "1.05"), (-0.0, 1, "0.0"), (.nan, 2, "nan"), (.infinity, 1, "inf"), (-.infinity, 1, "-inf"),
        (1e20, 2, "1e+20"),
    ] as [(Double, Int, String)])
    func fixed(_ value: Double, _ digits: Int, _ text: String) {
        expectEqual(Format.fixed(value, digits), text)
    }

    @Test(arguments: [
        (0, "0"), (1.234, "1.23"), (12.34, "12.3"), (123.4, "123"), (-5.678, "-5.68"), (-0.001, "0.00"),
        (1000, "1000"), (99.94, "99.9"),
        // Rounding must not carry a value into the next band's extra digit.
        (9.996, "10.0"), (99.96, "100"),
    ] as [(Double, String)])
    func compact(_ value: Double, _ text: String) {
        expectEqual(Format.compact(value), text)
    }

    @Test(arguments: [(5.0, "5"), (-3.0, "-3"), (2.5, "2.500"), (150.25, "150.3"), (0, "0")] as [(Double, String)])
    func number(_ value: Double, _ text: String) {
        expectEqual(Format.number(value), text)
    }

    @Test func padding() {
        expectEqual(Format.pad("ab", 4), "ab  ")
        expectEqual(Format.pad("ab", 4, right: true), "  ab")
        expectEqual(Format.pad("abcdef", 3), "abcdef")
        expectEqual(Format.pad("µs", 3), "µs ")
        expectEqual(Format.width("µs"), 2)
    }
}
