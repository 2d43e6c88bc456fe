import Testing
import TestSupport
import LabKit
import LabCore
import LabOS

/// `help COMMAND` lists the fields of the command's result that a check can read; the list is the command's own
/// declaration (`CommandSpec.fields`). These tests run every documented example in one session (the lab commands, which
/// refuse its sandbox, in a second one) and hold each result to its command's declaration, both ways, and the units to
/// the names.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ResultFieldTests {
    /// Commands whose examples change the whole test process, not only their session: the descriptor limit other
    /// tests open files under. Their examples are not run here.
    static let processWide: Set<String> = ["fd limit", "fd exhaust"]

    /// Commands whose examples need worker processes (copies of the built conclab). A test runner starts none unless a
    /// test names the binary for a while, and whether that happens while these examples run depends on the order the
    /// suites happen to run in: their examples are not run here, and `ProcessSessionTests` hold them to their fields.
    static let needWorkers: Set<String> = ["proc spawn", "proc kill", "proc wait", "proc bench", "fd child", "fd send",
                                           "ipc echo", "par compare", "io fetch", "io convoy"]

    /// Examples whose command hands the line to another command and returns that one's result: judged by that
    /// command's fields (`bench spawn` is `proc bench`'s table, not `bench`'s runs; it runs only where the sandbox
    /// lets it start /bin/true, so it was judged by the wrong list only now and then).
    static let delegated: [String: String] = ["bench spawn": "proc bench", "bench ipc": "ipc bench"]

    /// Whether `example` is a line of the command `path` (`proc kill p1` of `proc kill`).
    static func example(_ example: String, runs path: String) -> Bool { example == path || example.hasPrefix(path + " ") }

    /// Every command and verb, by its path (`proc kill`).
    static func allCommands() -> [(String, any Command)] {
        var found: [(String, any Command)] = []
        func visit(_ command: any Command, _ path: [String]) {
            found.append((path.joined(separator: " "), command))
            for verb in command.verbs { visit(verb, path + [verb.spec.name]) }
        }
        for command in Registry.standard.commands { visit(command, [command.spec.name]) }
        return found
    }

    /// What is wrong with `result` against `fields` (empty when it matches): a field or column it has and the
    /// declaration lacks, one the declaration says is always there and it lacks, a number in another unit.
    static func problems(_ result: LabResult, _ fields: [FieldSpec]) -> [String] {
        let plain = Dictionary(fields.filter { !$0.isColumn }.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let columns = Dictionary(fields.filter(\.isColumn).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var problems: [String] = []
        func check(_ record: Record, against declared: [String: FieldSpec], what: String) {
            for (name, value) in record.fields {
                guard let field = declared[name] else { problems.append("\(what) '\(name)' is not declared"); continue }
                if case .quantity(_, let unit) = value, unit != field.unit {
                    problems.append("\(what) '\(name)' holds \(unit.rawValue), declared \(field.unit?.rawValue ?? "without a unit")")
                }
            }
            let present = Set(record.fields.map(\.0))
            for field in declared.values where !field.isOccasional && !present.contains(field.name) {
                problems.append("\(what) '\(field.name)' is declared as always there but missing")
            }
        }
        switch result {
        case .record(let record): check(record, against: plain, what: "field")
        case .table(let table):
            for index in table.rows.indices { check(table.record(at: index), against: columns, what: "column") }
            if table.rows.isEmpty {
                for name in table.columns where columns[name] == nil { problems.append("column '\(name)' is not declared") }
            }
            check(table.summary ?? Record(), against: plain, what: "field")
        case .group(let results): if let last = results.last { return Self.problems(last, fields) }
        case .nothing, .text, .styled, .prose, .program: break
        }
        return problems
    }

    @Test func everyExampleGivesTheFieldsItsCommandDeclares() async throws {
        // A minute of examples, run off the shared test threads (see `offThePool`).
        let (problems, exercised) = try await offThePool("result-fields") { () throws -> ([String], Set<String>) in
            let dir = try Files.makeTemporaryDirectory(prefix: "conclab-fields")
            defer { Files.removeTree(dir) }
            let session = Session(sandbox: Sandbox(scratchDirectory: dir), environment: SessionEnvironment(stateDirectory: dir + "/state"))
            defer { _ = session.shutdown() }
            let commands = Dictionary(Self.allCommands(), uniquingKeysWith: { a, _ in a })
            var exercised: Set<String> = []
            var found: [String] = []
            var failed: [(path: String, example: String)] = []
            func judge(_ example: String, of path: String, in session: Session) {
                // One that cannot run here (no worker program, outside the sandbox, its object not made yet) is skipped.
                let outcome = session.execute(example)
                guard outcome.failure == nil, var ran = outcome.path?.joined(separator: " ") else {
                    failed.append((path, example))
                    return
                }
                // `show --all` prints an earlier result again, with its command's fields.
                guard outcome.directive != .printInFull else { return }
                if let delegate = Self.delegated.first(where: { Self.example(example, runs: $0.key) })?.value { ran = delegate }
                guard let declared = commands[ran] else { return }
                switch outcome.result {
                case .record, .table, .group: exercised.insert(ran)
                default: break
                }
                let problems = Self.problems(outcome.result, declared.spec.fields)
                if !problems.isEmpty { found.append("'\(example)' (\(ran)): \(problems.joined(separator: "; "))") }
            }
            // Examples run in help's order in one session, so `proc kill p1` finds the p1 an earlier one made.
            for (path, command) in Self.allCommands() where !["exit", "clear"].contains(path) && !Self.processWide.contains(path) {
                for example in command.spec.examples where !Self.needWorkers.contains(where: { Self.example(example, runs: $0) }) {
                    judge(example, of: path, in: session)
                }
            }
            // A command listed before the commands that make its objects (`show p1` before `proc spawn`) gets its failed
            // examples run once more at the end, when it declares fields and none of its examples gave them yet.
            for (path, example) in failed where commands[path]?.spec.fields.isEmpty == false && !exercised.contains(path) {
                judge(example, of: path, in: session)
            }
            // Commands that refuse a replayed lab's sandbox (the lab commands) run their examples, in order, in a second
            // session without one, over this repository's labs; a command that also runs in the sandbox (`lab new`
            // writes files) never does.
            let open = Session(environment: SessionEnvironment(labsDirectory: Repository.root + "/Labs", stateDirectory: dir + "/state-unsandboxed"))
            defer { _ = open.shutdown() }
            for (path, command) in Self.allCommands()
            where command.requirements.contains(where: { !$0.isMet(session) }) && command.requirements.allSatisfy({ $0.isMet(open) }) {
                for example in command.spec.examples { judge(example, of: path, in: open) }
            }
            return (found, exercised)
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        for (path, command) in Self.allCommands() where !command.spec.fields.isEmpty
            && !Self.processWide.contains(path) && !Self.needWorkers.contains(path) {
            #expect(exercised.contains(path), "\(path) declares fields but none of its examples gave a record or table here")
        }
    }

    /// `fd limit` without a number only reads the limit: that much of a process-wide command can run here.
    @Test func theDescriptorLimitGivesItsDeclaredFields() throws {
        let session = Session()
        defer { _ = session.shutdown() }
        let outcome = session.execute("fd limit")
        expectEqual(outcome.failure, nil, "\(String(describing: outcome.failure))")
        let fields = try #require(Self.allCommands().first { $0.0 == "fd limit" }?.1.spec.fields)
        #expect(Self.problems(outcome.result, fields).isEmpty, "\(Self.problems(outcome.result, fields))")
    }

    @Test func unitsAgreeWithTheNames() {
        for (path, command) in Self.allCommands() {
            for field in command.spec.fields {
                if let promised = FieldSpec.unit(named: field.name) {
                    expectEqual(field.unit, promised, "\(path): '\(field.name)' is declared in \(field.unit?.rawValue ?? "no unit")")
                }
            }
        }
    }

    @Test func helpListsTheFieldsWithTheirUnits() throws {
        func fieldLines(_ words: [String]) throws -> [[Substring]] {
            let page = try Help.lookup(words, in: .standard).split(separator: "\n").map(String.init)
            let start = try #require(page.firstIndex(of: "result fields (for checks and 'where'):"), "\(page)")
            return page[(start + 1)...].prefix { $0.hasPrefix("  ") }.map { $0.split(separator: " ") }
        }
        let time = try fieldLines(["time"])
        expectEqual(time.first, ["wall_ms", "ms", "time", "on", "the", "clock", "from", "start", "to", "end"])
        #expect(time.contains(["voluntary_switches", "times", "a", "thread", "gave", "up", "the", "CPU", "to", "wait"]))
        let mem = try fieldLines(["mem"])
        #expect(mem.contains(["rows[i].rss_bytes", "B", "resident", "memory"]), "\(mem)")
        #expect(mem.contains(["rss_bytes", "B", "resident", "memory", "(mem,", "mem", "P)"]), "\(mem)")
        #expect(mem.contains(["count", "the", "number", "of", "rows"]), "\(mem)")
        #expect(!(try Help.lookup(["echo"], in: .standard)).contains("result fields"))
    }

    @Test(arguments: [("wall_ms", Unit.milliseconds), ("ns_per_op", nil), ("plain_ns", .nanoseconds),
                      ("rss_bytes", .bytes), ("lost_pct", .percent), ("runs", nil)] as [(String, Unit?)])
    func unitFromTheName(_ name: String, _ unit: Unit?) {
        expectEqual(FieldSpec.unit(named: name), unit)
    }

    @Test func aResultThatDisagreesWithItsDeclarationIsCaught() {
        let declared = [FieldSpec("wall_ms", "time"), FieldSpec("note", "a note", occasional: true)]
        #expect(Self.problems(.record(Record([("wall_ms", .ms(5))])), declared).isEmpty)
        #expect(Self.problems(.record(Record([("wall_ms", .quantity(5, .seconds))])), declared)
                == ["field 'wall_ms' holds s, declared ms"])
        #expect(Self.problems(.record(Record([("extra", .int(1))])), declared)
                == ["field 'extra' is not declared", "field 'wall_ms' is declared as always there but missing"])
    }
}
