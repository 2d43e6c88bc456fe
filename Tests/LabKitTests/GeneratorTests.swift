import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

/// A session that runs generator commands and hands back their fields.
private struct GenLab {
    let session = Session()

    /// Runs `line`, recording a test issue if it fails; returns the result's fields.
    @discardableResult
    func run(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) -> Record {
        let outcome = session.execute(line)
        if let failure = outcome.failure {
            Issue.record("'\(line)' failed: \(failure.message)", sourceLocation: sourceLocation)
        }
        return outcome.result.fields
    }

    /// The failure message of `line`, which must fail.
    func failure(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let outcome = session.execute(line)
        guard let failure = outcome.failure else {
            Issue.record("'\(line)' should have failed", sourceLocation: sourceLocation)
            return ""
        }
        return failure.message
    }

    /// The values `gen list G N` returns.
    func list(_ handle: String, _ n: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> [Value] {
        let fields = run("gen list \(handle)" + (n.map { " \($0)" } ?? ""), sourceLocation: sourceLocation)
        guard case .list(let values)? = fields["values"] else { return [] }
        return values
    }

    /// `next G` → (value, exhausted).
    func next(_ handle: String, sourceLocation: SourceLocation = #_sourceLocation) -> (Value?, Bool?) {
        let fields = run("next \(handle)", sourceLocation: sourceLocation)
        var exhausted: Bool?
        if case .bool(let b)? = fields["exhausted"] { exhausted = b }
        return (fields["value"], exhausted)
    }
}

private func ints(_ values: [Int]) -> [Value] { values.map(Value.int) }

@Suite struct GeneratorSourceTests {
    @Test(arguments: [
        ("gen range 0 5", [0, 1, 2, 3, 4]),
        ("gen range 5", [0, 1, 2, 3, 4]),
        ("gen range 10 0 -3", [10, 7, 4, 1]),
        ("gen range 0 10 4", [0, 4, 8]),
        ("gen range 3 3", []),
        ("gen range 5 0", []),
        ("gen range -2 2", [-2, -1, 0, 1]),
        ("gen range 9223372036854775805 9223372036854775807", [9223372036854775805, 9223372036854775806]),
    ])
    func rangeValues(_ line: String, _ expected: [Int]) {
        let lab = GenLab()
        let made = lab.run(line)
        expectEqual(made["length"], .int(expected.count))
        expectEqual(lab.list("g1"), ints(expected))
    }

    @Test func rangeStepZeroIsRefused() {
        let lab = GenLab()
        #expect(lab.failure("gen range 0 10 0").contains("must not be 0"))
        expectEqual(lab.run("gen list")["count"], .int(0))
    }

    @Test func countFromStartWithStep() {
        let lab = GenLab()
        lab.run("gen count")
        expectEqual(lab.list("g1", 4), ints([0, 1, 2, 3]))
        lab.run("gen count 10 5")
        expectEqual(lab.list("g2", 3), ints([10, 15, 20]))
        lab.run("gen count 9223372036854775806")
        expectEqual(lab.list("g3", 2), ints([9223372036854775806, 9223372036854775807]))
        #expect(lab.failure("next g3").contains("overflow"))
        // A generator that raised is finished.
        expectEqual(lab.next("g3").1, true)
    }

    @Test func fibonacci() {
        let lab = GenLab()
        lab.run("gen fib")
        expectEqual(lab.list("g1", 10), ints([0, 1, 1, 2, 3, 5, 8, 13, 21, 34]))
    }

    @Test func fibonacciOverflowIsAClearErrorThenExhaustion() {
        let lab = GenLab()
        lab.run("gen fib")
        let values = lab.list("g1", 93)
        expectEqual(values.count, 93)
        expectEqual(values.last, .int(7_540_113_804_746_346_429))
        let message = lab.failure("next g1")
        #expect(message.contains("overflow"))
        #expect(message.contains("64"))
        expectEqual(lab.next("g1").1, true)
    }

    @Test func primes() {
        let lab = GenLab()
        lab.run("gen primes")
        expectEqual(lab.list("g1", 15), ints([2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47]))
    }

    @Test func primesAgreeWithASieve() {
        let limit = 20_000
        var composite = [Bool](repeating: false, count: limit)
        var expected: [Int] = []
        for n in 2..<limit where !composite[n] {
            expected.append(n)
            for m in stride(from: n * n, to: limit, by: n) { composite[m] = true }
        }
        let lab = GenLab()
        lab.run("gen primes")
        expectEqual(lab.list("g1", expected.count), ints(expected))
    }

    @Test func randomIsReproducibleAndInRange() {
        let lab = GenLab()
        lab.run("gen random 42")
        lab.run("gen random 42")
        let a = lab.list("g1", 50)
        expectEqual(a, lab.list("g2", 50))
        #expect(a.allSatisfy { if case .double(let d) = $0 { return d >= 0 && d < 1 } else { return false } })
        lab.run("gen random 43")
        #expect(lab.list("g3", 50) != a)
        lab.run("gen random 7 --below 6")
        let dice = lab.list("g4", 600)
        #expect(dice.allSatisfy { if case .int(let i) = $0 { return (0..<6).contains(i) } else { return false } })
        expectEqual(Set(dice.compactMap { if case .int(let i) = $0 { return i } else { return nil } }).count, 6)
        #expect(lab.failure("gen random 1 --below 0").contains("--below"))
    }

    @Test func linesOfAFile() throws {
        let lab = GenLab()
        // /proc/self/status always exists and starts with "Name:".
        lab.run("gen lines /proc/self/status")
        let first = lab.next("g1").0
        guard case .string(let line)? = first else {
            Issue.record("expected a string, got \(String(describing: first))")
            return
        }
        #expect(line.hasPrefix("Name:"))
        #expect(!line.hasSuffix("\n"))
        let rest = lab.list("g1")
        #expect(rest.count > 5)
        expectEqual(lab.next("g1").1, true)
    }

    @Test func linesRefusesMissingFilesDirectoriesAndDevices() {
        let lab = GenLab()
        #expect(lab.failure("gen lines /no/such/file").contains("no such file"))
        #expect(lab.failure("gen lines /tmp").contains("directory"))
        #expect(lab.failure("gen lines /dev/zero").contains("device"))
        expectEqual(lab.run("gen list")["count"], .int(0))
    }
}

@Suite struct GeneratorCombinatorTests {
    @Test func mapSquares() {
        let lab = GenLab()
        lab.run("gen range 0 6")
        lab.run("gen map g1 x * x")
        expectEqual(lab.list("g2"), ints([0, 1, 4, 9, 16, 25]))
    }

    @Test func filterWithUnquotedExpression() {
        let lab = GenLab()
        lab.run("gen range 0 10")
        lab.run("gen filter g1 x % 3 == 0")
        expectEqual(lab.list("g2"), ints([0, 3, 6, 9]))
        lab.run("gen filter g1 x > 2 and x < 5")
        expectEqual(lab.list("g3"), ints([3, 4]))
    }

    @Test func takeStopsWithoutPullingMore() {
        let lab = GenLab()
        lab.run("gen count")
        lab.run("gen take g1 3")
        expectEqual(lab.list("g2"), ints([0, 1, 2]))
        expectEqual(lab.next("g2").1, true)
        // islice does not consume a fourth item: the count goes on at 3.
        expectEqual(lab.next("g1").0, .int(3))
        lab.run("gen take g1 0")
        expectEqual(lab.list("g3"), [])
    }

    @Test func zipStopsAtTheShortest() {
        let lab = GenLab()
        lab.run("gen range 0 3")
        lab.run("gen count 10")
        lab.run("gen zip g1 g2")
        expectEqual(lab.list("g3"), [.list(ints([0, 10])), .list(ints([1, 11])), .list(ints([2, 12]))])
        // zip asked the range's iterator first; it had ended, so the count was not pulled again.
        expectEqual(lab.next("g2").0, .int(13))
    }

    @Test func zipLosesTheItemItPulledBeforeTheShortestEnded() {
        let lab = GenLab()
        lab.run("gen count 10")
        lab.run("gen range 0 2")
        lab.run("gen zip g1 g2")
        expectEqual(lab.list("g3"), [.list(ints([10, 0])), .list(ints([11, 1]))])
        // 12 was pulled from the count, then the range ended: 12 is gone, as with Python's zip.
        expectEqual(lab.next("g1").0, .int(13))
    }

    @Test func zipOfOneIteratorWithItselfPairsNeighbours() {
        let lab = GenLab()
        lab.run("gen range 0 6")
        lab.run("iter g1")
        lab.run("gen zip g2 g2")
        expectEqual(lab.list("g3"), [.list(ints([0, 1])), .list(ints([2, 3])), .list(ints([4, 5]))])
    }

    @Test func chainRunsOneAfterTheOther() {
        let lab = GenLab()
        lab.run("gen range 0 3")
        lab.run("gen range 10 12")
        lab.run("gen chain g1 g2 g1")
        expectEqual(lab.list("g3"), ints([0, 1, 2, 10, 11, 0, 1, 2]))
    }

    @Test func combinatorsNeedTwoGenerators() {
        let lab = GenLab()
        lab.run("gen range 3")
        #expect(lab.failure("gen zip g1").contains("two or more"))
        #expect(lab.failure("gen chain g1 g9").contains("No generator g9"))
    }

    @Test func mapOverStringsAndPairsUsesTheEvaluator() {
        let lab = GenLab()
        lab.run("gen lines /proc/self/status")
        lab.run("gen take g1 2")
        lab.run("gen map g2 len(x) > 0")
        expectEqual(lab.list("g3"), [.bool(true), .bool(true)])
        lab.run("gen range 0 3")
        lab.run("gen range 10 13")
        lab.run("gen zip g4 g5")
        lab.run("gen map g6 x[0] + x[1]")
        expectEqual(lab.list("g7"), ints([10, 12, 14]))
    }

    @Test func badExpressionsAreRefusedBeforeAnythingIsBuilt() {
        let lab = GenLab()
        lab.run("gen range 3")
        #expect(lab.failure("gen map g1 y * 2").contains("unknown name 'y'"))
        #expect(lab.failure("gen map g1 x *").contains("expression"))
        #expect(lab.failure("gen filter g1").contains("missing EXPR"))
        expectEqual(lab.run("gen list")["count"], .int(1))
    }

    @Test func overflowInAnExpressionIsAClearError() {
        let lab = GenLab()
        lab.run("gen range 1 10")
        lab.run("gen map g1 x ** 70")
        expectEqual(lab.list("g2", 1), ints([1]))
        let message = lab.failure("next g2")
        #expect(message.contains("integer overflow in 2 ** 70"))
        lab.run("gen count 9223372036854775806")
        lab.run("gen map g3 x + 1")
        expectEqual(lab.next("g4").0, .int(Int.max))
        #expect(lab.failure("next g4").contains("integer overflow"))
    }

    @Test func nameFlagAfterTheExpression() {
        let lab = GenLab()
        lab.run("gen range 4")
        let made = lab.run("gen map g1 x * 10 --name tens")
        expectEqual(made["handle"], .string("tens"))
        expectEqual(lab.list("tens"), ints([0, 10, 20, 30]))
        lab.run("gen filter --name odd g1 x % 2 == 1")
        expectEqual(lab.list("odd"), ints([1, 3]))
    }

    @Test func buildingComputesNothing() {
        let lab = GenLab()
        lab.run("gen count")
        lab.run("gen map g1 x * x")
        lab.run("gen filter g2 x % 2 == 0")
        let made = lab.run("gen take g3 5")
        expectEqual(made["computed"], .int(0))
        expectEqual(lab.run("show g1")["produced"], .int(0))
        expectEqual(lab.next("g4").0, .int(0))
        expectEqual(lab.next("g4").0, .int(4))
        // Pulling two values made the count produce three (0, 1, 2).
        expectEqual(lab.run("show g1")["produced"], .int(3))
    }
}

@Suite struct IteratorProtocolTests {
    @Test func exhaustionIsAResultAndItStays() {
        let lab = GenLab()
        lab.run("gen range 0 2")
        lab.run("iter g1")
        expectEqual(lab.next("g2").0, .int(0))
        expectEqual(lab.next("g2").0, .int(1))
        let stop = lab.session.execute("next g2")
        #expect(stop.succeeded)
        expectEqual(stop.result.fields["exhausted"], .bool(true))
        expectEqual(stop.result.fields["value"], .null)
        #expect(HumanRenderer(color: false).render(stop.result).contains("exhausted — StopIteration"))
        for _ in 0..<3 { #expect(lab.next("g2").1 == true) }
        expectEqual(lab.list("g2"), [])
        expectEqual(lab.run("show g2")["exhausted"], .bool(true))
    }

    /// Every finite iterator, drained, answers StopIteration from then on.
    @Test(arguments: [
        ["gen range 0 3", "iter g1"],
        ["gen lines /proc/version"],
        ["gen count", "gen take g1 4"],
        ["gen range 0 5", "gen map g1 x + 1"],
        ["gen range 0 5", "gen filter g1 x > 10"],
        ["gen range 0 2", "gen count", "gen zip g1 g2"],
        ["gen range 0 2", "gen range 5 7", "gen chain g1 g2"],
        ["gen fib", "gen take g1 3", "gen map g2 x * 2", "gen filter g3 x >= 0"],
    ])
    func drainedStaysExhausted(_ build: [String]) {
        let lab = GenLab()
        for line in build { lab.run(line) }
        let handle = "g\(lab.run("gen list")["count"].flatMap { if case .int(let n) = $0 { return n } else { return nil } } ?? 0)"
        let drained = lab.run("gen list \(handle)")
        expectEqual(drained["exhausted"], .bool(true))
        for _ in 0..<3 {
            let (value, exhausted) = lab.next(handle)
            expectEqual(value, .null)
            expectEqual(exhausted, true)
        }
        expectEqual(lab.list(handle), [])
        expectEqual(lab.run("show \(handle)")["exhausted"], .bool(true))
    }

    @Test func aRangeIsNotAnIterator() {
        let lab = GenLab()
        lab.run("gen range 3")
        let message = lab.failure("next g1")
        #expect(message.contains("iterable, not an iterator"))
        #expect(message.contains("iter g1"))
    }

    @Test func iterOfAnIterableGivesIndependentIterators() {
        let lab = GenLab()
        lab.run("gen range 0 5")
        let first = lab.run("iter g1")
        expectEqual(first["iterator"], .string("g2"))
        expectEqual(first["same"], .bool(false))
        let second = lab.run("iter g1")
        expectEqual(second["iterator"], .string("g3"))
        expectEqual(lab.next("g2").0, .int(0))
        expectEqual(lab.next("g2").0, .int(1))
        expectEqual(lab.next("g3").0, .int(0))
        // The range itself is never used up: each list gets all of it.
        expectEqual(lab.list("g1"), ints([0, 1, 2, 3, 4]))
        expectEqual(lab.list("g1"), ints([0, 1, 2, 3, 4]))
    }

    @Test func iterOfAnIteratorReturnsItself() {
        let lab = GenLab()
        lab.run("gen count")
        let same = lab.run("iter g1")
        expectEqual(same["iterator"], .string("g1"))
        expectEqual(same["same"], .bool(true))
        expectEqual(lab.run("gen list")["count"], .int(1))
    }

    @Test func anIteratorIsSinglePass() {
        let lab = GenLab()
        lab.run("gen range 0 4")
        lab.run("gen map g1 x + 1")
        expectEqual(lab.list("g2"), ints([1, 2, 3, 4]))
        expectEqual(lab.list("g2"), [])
        expectEqual(lab.run("gen sum g2")["items"], .int(0))
    }

    @Test func stagesShareTheirSource() {
        let lab = GenLab()
        lab.run("gen count")
        lab.run("gen map g1 x * 100")
        expectEqual(lab.next("g1").0, .int(0))
        // map pulls from the same iterator: it sees 1, not 0.
        expectEqual(lab.next("g2").0, .int(100))
        expectEqual(lab.next("g1").0, .int(2))
    }

    @Test func closingAnIteratorEndsStagesBuiltOnIt() {
        let lab = GenLab()
        lab.run("gen count")
        lab.run("gen map g1 x")
        expectEqual(lab.next("g2").0, .int(0))
        lab.run("close g1")
        expectEqual(lab.next("g2").1, true)
        #expect(lab.failure("next g1").contains("No generator g1"))
    }

    @Test func listRefusesAnInfiniteGeneratorWithoutACount() {
        let lab = GenLab()
        lab.run("gen count")
        lab.run("gen map g1 x * 2")
        #expect(lab.failure("gen list g2").contains("never ends"))
        expectEqual(lab.list("g2", 3), ints([0, 2, 4]))
        #expect(lab.failure("list sum g2").contains("never end"))
        #expect(lab.failure("gen list g2 -1").contains("0 or more"))
    }

    @Test func listAloneShowsTheLiveGenerators() {
        let lab = GenLab()
        lab.run("gen range 3")
        lab.run("gen fib")
        let table = lab.run("gen")
        expectEqual(table["count"], .int(2))
        let kinds = lab.run("ls")
        expectEqual(kinds["count"], .int(2))
    }

    @Test func theCapIsAClearError() {
        let lab = GenLab()
        lab.run("set limit generators 2")
        lab.run("gen range 3")
        lab.run("gen count")
        #expect(lab.failure("gen fib").contains("too many generators"))
        #expect(lab.failure("iter g1").contains("too many generators"))
        expectEqual(lab.run("gen list")["count"], .int(2))
    }
}

@Suite struct GeneratorTraceTests {
    @Test func traceShowsEachStageWhenPulled() {
        let lab = GenLab()
        lab.run("gen range 0 10")
        lab.run("gen map g1 x * x")
        lab.run("gen filter g2 x % 3 == 0")
        lab.run("gen take g3 2")
        lab.run("gen trace on")
        let outcome = lab.session.execute("next g4")
        let text = HumanRenderer(color: false).render(outcome.result)
        let lines = text.split(separator: "\n").map(String.init)
        expectEqual(lines.first, "g4 take(2): asks g3")
        #expect(lines.contains("      iter(g1) range(0, 10): yields 0"))
        #expect(lines.contains("    g2 map(x * x): 0 → 0"))
        #expect(lines.contains("  g3 filter(x % 3 == 0): 0 passes"))
        #expect(lines.contains("g4 take(2): yields 0 (1 of 2)"))
        // The order shows the value travelling up: range, then map, then filter, then take.
        let order = ["range(0, 10): yields 0", "map(x * x): 0 → 0", "filter(x % 3 == 0): 0 passes", "take(2): yields 0"]
        let positions = order.compactMap { step in lines.firstIndex { $0.contains(step) } }
        #expect(positions.count == 4 && positions == positions.sorted())
        expectEqual(outcome.result.fields["value"], .int(0))

        let second = HumanRenderer(color: false).render(lab.session.execute("next g4").result)
        #expect(second.contains("1 dropped"))
        #expect(second.contains("9 passes"))
    }

    @Test func traceOffPrintsNothingExtra() {
        let lab = GenLab()
        lab.run("gen range 3")
        lab.run("gen trace on")
        lab.run("gen trace off")
        lab.run("iter g1")
        let outcome = lab.session.execute("next g2")
        guard case .record = outcome.result else {
            Issue.record("expected a bare record, got \(outcome.result)")
            return
        }
        expectEqual(lab.run("gen trace")["trace"], .bool(false))
    }

    @Test func traceIsPerSession() {
        let a = GenLab()
        let b = GenLab()
        a.run("gen trace on")
        expectEqual(a.run("gen trace")["trace"], .bool(true))
        expectEqual(b.run("gen trace")["trace"], .bool(false))
    }

    @Test func aLongTraceIsCapped() {
        let lab = GenLab()
        lab.run("gen range 0 100000")
        lab.run("gen trace on")
        let outcome = lab.session.execute("gen sum g1")
        let text = HumanRenderer(color: false).render(outcome.result)
        #expect(text.contains("more trace lines not shown"))
        expectEqual(outcome.result.fields["value"], .int(4_999_950_000))
    }

    @Test func exhaustionIsTraced() {
        let lab = GenLab()
        lab.run("gen range 1")
        lab.run("iter g1")
        lab.run("next g2")
        lab.run("gen trace on")
        let text = HumanRenderer(color: false).render(lab.session.execute("next g2").result)
        #expect(text.contains("exhausted — StopIteration"))
    }
}

@Suite struct GeneratorSumTests {
    @Test func sumOfSquaresIsExactBeyond64Bits() {
        let lab = GenLab()
        lab.run("gen range 0 10^6")
        lab.run("gen map g1 x * x")
        let sum = lab.run("gen sum g2")
        // sum(x*x for x in range(10**6)) = 333332833333500000 fits; the items count is exact.
        expectEqual(sum["value"], .int(333_332_833_333_500_000))
        expectEqual(sum["exact"], .string("333332833333500000"))
        expectEqual(sum["items"], .int(1_000_000))
        for field in ["time_ms", "items_per_second", "rss_before_bytes", "rss_after_bytes", "growth_bytes", "peak_delta_bytes"] {
            #expect(sum[field] != nil, "missing \(field)")
        }
    }

    @Test func sumPastInt64KeepsEveryDigit() {
        let lab = GenLab()
        lab.run("gen count 9223372036854775000")
        lab.run("gen take g1 4")
        let sum = lab.run("gen sum g2")
        // 4 × 9223372036854775000 + (0 + 1 + 2 + 3), as Python prints it.
        expectEqual(sum["exact"], .string("36893488147419100006"))
        if case .double = sum["value"] {} else { Issue.record("a sum past 64 bits is shown as a float in value") }
    }

    @Test func listSumMaterialisesAndMeasures() {
        let lab = GenLab()
        lab.run("gen range 0 100000")
        let sum = lab.run("list sum g1")
        expectEqual(sum["value"], .int(4_999_950_000))
        expectEqual(sum["items"], .int(100_000))
        guard case .quantity(let bytes, .bytes)? = sum["list_bytes"] else {
            Issue.record("list_bytes missing")
            return
        }
        // The list holds every item, 8 bytes each (its capacity may be larger).
        #expect(bytes >= 800_000)
        #expect(sum["rss_with_list_bytes"] != nil)
        #expect(sum["growth_bytes"] != nil)
    }

    @Test func sumOfFloatsAndTypeErrors() {
        let lab = GenLab()
        lab.run("gen range 0 4")
        lab.run("gen map g1 x / 2")
        expectEqual(lab.run("gen sum g2")["value"], .double(3.0))
        lab.run("gen zip g1 g1")
        #expect(lab.failure("gen sum g3").contains("cannot sum a list"))
        lab.run("gen lines /proc/self/status")
        #expect(lab.failure("list sum g4").contains("cannot sum a string"))
    }

    @Test func sumOfAnInfiniteGeneratorStopsOnCancel() {
        let session = Session()
        _ = session.execute("gen count")
        let cancellation = Cancellation()
        cancellation.cancel()
        let outcome = session.execute("gen sum g1", cancellation: cancellation, nested: false)
        expectEqual(outcome.failure?.kind, .cancelled)
        // The count moved on a little (at most one batch) and stays usable.
        #expect(session.execute("next g1").succeeded)
    }

    @Test func filterThatNeverPassesStopsOnCancel() {
        let session = Session()
        _ = session.execute("gen count")
        _ = session.execute("gen filter g1 x < 0")
        let cancellation = Cancellation()
        cancellation.cancel()
        let outcome = session.execute("next g2", cancellation: cancellation, nested: false)
        expectEqual(outcome.failure?.kind, .cancelled)
    }

    @Test func aTooLargeListIsRefusedBeforeItIsBuilt() {
        let lab = GenLab()
        lab.run("gen range 0 10^12")
        #expect(lab.failure("list sum g1").contains("at most"))
    }
}

@Suite struct ItemExpressionTests {
    /// The compiled path and the Evaluator agree on every expression and item.
    @Test(arguments: [
        "x * x", "x % 3 == 0", "x // 4", "-x % 7", "x - 10 * 3", "x ** 3", "x > 2 and x < 9", "x < 2 or x > 8",
        "not x % 2", "x == 5", "x != 5", "x >= 3", "x <= 3", "0 - x // 3", "(x + 1) * (x - 1)", "x % -3", "x // -3",
        "x and 7", "x or 7", "x ** 0", "true == (x > 1)",
    ])
    func compiledAgreesWithTheEvaluator(_ text: String) throws {
        let compiled = try ItemExpression(text)
        #expect(compiled.isCompiled, "\(text) should compile")
        let expression = try Expression(parsing: text)
        for i in -12...12 {
            let fast = try compiled.evaluate(.int(i))
            let slow = try Evaluator(lookup: { $0 == "x" ? .int(i) : nil }).evaluate(expression)
            expectEqual(fast, slow, "\(text) with x = \(i): \(fast) vs \(slow)")
            #expect(try compiled.test(.int(i)) == slow.isTruthy)
        }
    }

    @Test(arguments: ["x / 2", "abs(x)", "x ** -1", "x + 0.5", "x == true", "str(x)", "x in [1, 2]"])
    func othersUseTheEvaluator(_ text: String) throws {
        let e = try ItemExpression(text)
        #expect(!e.isCompiled)
        _ = try e.evaluate(.int(3))
    }

    @Test func overflowIsCaughtOnBothPaths() throws {
        for text in ["x * x", "x + x", "-x - x", "x ** 2", "x // -1", "x % -1 - x"] {
            let e = try ItemExpression(text)
            #expect(throws: ExpressionError.self, "\(text)") { try e.evaluate(.int(Int.min)) }
        }
    }
}
