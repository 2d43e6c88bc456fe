import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

private let widgets = ObjectKindInfo(kind: .widget, prefix: "w", limitName: "widgets", defaultLimit: 3)
private let processes = ObjectKindInfo(kind: .process, prefix: "p", plural: "processes", listCommand: "proc",
                                       limitName: "processes", defaultLimit: 64)

private func makeTable() -> ObjectTable {
    let table = ObjectTable()
    table.declare(widgets)
    table.declare(processes)
    return table
}

@Suite struct ObjectTableTests {
    @Test func handlesAreNumberedPerPrefix() throws {
        let table = makeTable()
        #expect(try table.add(FakeObject()) == "w1")
        #expect(try table.add(FakeObject()) == "w2")
        #expect(try table.add(FakeObject(kind: .process)) == "p1")
        #expect(try table.add(FakeObject(kind: .gadget)) == "o1")
        expectEqual(table.handles(), ["w1", "w2", "p1", "o1"])
        expectEqual(table.handles(kind: .widget), ["w1", "w2"])
    }

    @Test func handlesAreNotReusedWhileLive() throws {
        let table = makeTable()
        try table.add(FakeObject(), name: "w2")
        #expect(try table.add(FakeObject()) == "w1")
        #expect(try table.add(FakeObject()) == "w3")
        table.remove("w1")
        #expect(try table.add(FakeObject()) == "w4")
        expectEqual(Set(table.handles(kind: .widget)), ["w2", "w3", "w4"])
    }

    @Test func userNames() throws {
        let table = makeTable()
        let object = FakeObject(name: "busy")
        #expect(try table.add(object, name: "busy") == "busy")
        #expect(try table.lookup("busy") === object)
        expectEqual(table.handle(of: object), "busy")
        #expect(try table.add(FakeObject()) == "w1")
    }

    @Test(arguments: ["1abc", "", "a b", "a.b", "-x", "_x", "p1!", String(repeating: "a", count: 33)])
    func invalidNames(_ name: String) {
        let table = makeTable()
        #expect(errorText { try table.add(FakeObject(), name: name) }
            == "'\(name)' cannot be a name: use a letter, then letters, digits, '-' or '_'")
        #expect(errorText { try table.checkName(name) } != nil)
        #expect(table.handles().isEmpty)
    }

    @Test(arguments: ["a", "my-proc_2", "Ωmega", "T1", String(repeating: "a", count: 32)])
    func validNames(_ name: String) throws {
        let table = makeTable()
        try table.checkName(name)
        #expect(try table.add(FakeObject(), name: name) == name)
    }

    @Test func takenNames() throws {
        let table = makeTable()
        try table.add(FakeObject(), name: "busy")
        let message = "the name 'busy' is taken; pick another or close busy first"
        #expect(errorText { try table.add(FakeObject(), name: "busy") } == message)
        #expect(errorText { try table.checkName("busy") } == message)
        #expect(errorText { try table.checkName(nil) } == nil)
        try table.add(FakeObject())
        #expect(errorText { try table.add(FakeObject(), name: "w1") }
            == "the name 'w1' is taken; pick another or close w1 first")
    }

    @Test func capsComeFromTheKindDeclaration() throws {
        let table = makeTable()
        for _ in 0..<3 {
            try table.checkCapacity(for: .widget)
            try table.add(FakeObject())
        }
        #expect(errorText { try table.checkCapacity(for: .widget) }
            == "too many widgets: 3 live, limit 3. Close some, or raise it with 'set limit widgets N'.")
        try table.setLimit("widgets", 5)
        try table.checkCapacity(for: .widget, adding: 2)
        #expect(errorText { try table.checkCapacity(for: .widget, adding: 3) } != nil)
        #expect(errorText { try table.checkCapacity(for: .gadget, adding: 1000) } == nil)
        expectEqual(table.limits.map(\.0), ["processes", "widgets"])
        expectEqual(table.limits.map(\.1), [64, 5])
        #expect(errorText { try table.setLimit("dragons", 1) } == "no limit named 'dragons'; limits: processes, widgets")
    }

    @Test func redeclaringKeepsAChangedLimit() throws {
        let table = makeTable()
        try table.setLimit("processes", 2)
        table.declare(processes)
        expectEqual(table.limits.first { $0.0 == "processes" }?.1, 2)
    }

    @Test func lookupErrorsNameTheNextStep() throws {
        let table = makeTable()
        #expect(errorText { _ = try table.lookup("p9", kind: .process) }
            == "No process p9. Run 'proc list' to see live processes.")
        #expect(errorText { _ = try table.lookup("w7", kind: .widget) }
            == "No widget w7. Run 'widget list' to see live widgets.")
        #expect(errorText { _ = try table.lookup("zz9") } == "No object zz9. Run 'ls' to see live objects.")
        try table.add(FakeObject(kind: .process))
        #expect(errorText { _ = try table.lookup("p2", kind: .process) }
            == "No process p2. Run 'proc list' to see live processes. Did you mean 'p1'?")
        #expect(errorText { _ = try table.lookup("p1", kind: .widget) } == "p1 is a process, not a widget")
        #expect(try table.lookup("p1", kind: .process).kind == .process)
    }

    @Test func closeEndsAndForgets() throws {
        let table = makeTable()
        let object = FakeObject()
        try table.add(object)
        #expect(try table.close("w1") === object)
        expectEqual(object.closeCount, 1)
        #expect(table.handles().isEmpty)
        #expect(errorText { _ = try table.close("w1") } != nil)
    }

    @Test func closeAllEndsNewestFirstAndReportsFailures() throws {
        let table = makeTable()
        let log = CloseLog()
        let first = FakeObject(name: "first", log: log)
        let stubborn = FakeObject(kind: .process, name: "stubborn", failsToClose: true, log: log)
        let last = FakeObject(name: "last", log: log)
        try table.add(first)
        try table.add(stubborn)
        try table.add(last)
        let failures = table.closeAll()
        expectEqual(log.all, ["last", "stubborn", "first"])
        expectEqual(failures.map(\.0), ["p1"])
        expectEqual(failures.map(\.1), ["stubborn refused to close"])
        #expect(table.handles().isEmpty)
        #expect([first, stubborn, last].allSatisfy { $0.closeCount == 1 })
        #expect(table.closeAll().isEmpty)
    }

    @Test func allListsObjectsInOrder() throws {
        let table = makeTable()
        try table.add(FakeObject(name: "a"))
        try table.add(FakeObject(kind: .process, name: "b"))
        expectEqual(table.all().map(\.handle), ["w1", "p1"])
        expectEqual(table.all(kind: .process).map { ($0.object as? FakeObject)?.name }, ["b"])
    }
}

/// `ls`, `show`, `close` over the session's objects.
@Suite struct ObjectCommandTests {
    @Test func listShowClose() throws {
        let session = Session()
        let object = FakeObject(kind: .process, name: "demo")
        try session.objects.add(object)
        guard case .table(let listing) = session.execute("ls").result else {
            Issue.record("ls should give a table")
            return
        }
        expectEqual(listing.rows, [[.string("p1"), .string("process"), .string("open"), .string("fake demo")]])
        expectEqual(session.execute("ls thread").result, .table(Table(columns: ["handle", "kind", "state", "what"])))

        guard case .record(let shown) = session.execute("show p1").result else {
            Issue.record("show should give a record")
            return
        }
        expectEqual(shown.title, "p1")
        expectEqual(shown["kind"], .string("process"))
        expectEqual(shown["name"], .string("demo"))

        let missing = session.execute("show p7")
        expectEqual(missing.failure?.message, "No object p7. Run 'ls' to see live objects. Did you mean 'p1'?")

        let refused = session.execute("close p1 p7")
        #expect(refused.failure != nil)
        expectEqual(object.closeCount, 0, "nothing is half-done when one handle is wrong")

        let closed = session.execute("close p1")
        #expect(closed.succeeded)
        expectEqual(object.closeCount, 1)
        #expect(session.objects.handles().isEmpty)
    }

    @Test func shutdownClosesEverything() throws {
        let session = Session()
        let objects = [FakeObject(), FakeObject(kind: .process)]
        for object in objects { try session.objects.add(object) }
        #expect(session.shutdown().isEmpty)
        #expect(objects.allSatisfy { $0.closeCount == 1 })
        #expect(session.objects.handles().isEmpty)
    }
}

/// A scope sets the table's objects aside: a guided lab sees, counts and closes only what it makes.
@Suite struct ObjectScopeTests {
    @Test func aScopeSeesOnlyWhatItMakes() throws {
        let table = makeTable()
        let mine = FakeObject(name: "mine")
        try table.add(mine)
        try table.add(FakeObject(), name: "keep")
        expectEqual(table.beginScope(), ["w1", "keep"])
        expectEqual(table.scopeDepth, 1)
        #expect(table.handles().isEmpty)
        #expect(table.all().isEmpty)
        #expect(!table.contains(handle: "w1"))
        expectEqual(table.handle(of: mine), nil)
        #expect(errorText { _ = try table.lookup("w1") } == "No object w1. Run 'ls' to see live objects.")
        // Handles start again, and names taken outside are free inside.
        #expect(try table.add(FakeObject()) == "w1")
        #expect(try table.add(FakeObject(), name: "keep") == "keep")
        expectEqual(table.handles(), ["w1", "keep"])
        expectEqual(mine.closeCount, 0)
    }

    @Test func limitsCountEveryLiveObject() throws {
        let table = makeTable()
        try table.add(FakeObject())
        try table.add(FakeObject())
        table.beginScope()
        try table.add(FakeObject())
        #expect(errorText { try table.checkCapacity(for: .widget) }
            == "too many widgets: 3 live, limit 3. Close some, or raise it with 'set limit widgets N'.")
    }

    @Test func endingAScopeClosesWhatItMadeAndGivesBackTheRest() throws {
        let table = makeTable()
        let log = CloseLog()
        let mine = FakeObject(name: "mine", log: log)
        try table.add(mine)
        table.beginScope()
        let first = FakeObject(name: "first", log: log), second = FakeObject(kind: .process, name: "second", log: log)
        try table.add(first, name: "first")
        try table.add(second)
        table.remove("first")
        try table.add(first, name: "again")
        let ended = table.endScope()
        expectEqual(ended.closed, ["p1", "again"])
        #expect(ended.failures.isEmpty)
        expectEqual(log.all, ["first", "second"], "newest first")
        expectEqual(mine.closeCount, 0)
        expectEqual(table.scopeDepth, 0)
        expectEqual(table.handles(), ["w1"])
        #expect(try table.lookup("w1") === mine)
        // The counters are the ones from before the scope: the next widget is w2.
        #expect(try table.add(FakeObject()) == "w2")
        try table.checkCapacity(for: .process, adding: 64)
        #expect(table.endScope().closed.isEmpty, "without a scope, nothing happens")
    }

    @Test func anObjectThatWillNotCloseIsReportedAndForgotten() throws {
        let table = makeTable()
        table.beginScope()
        try table.add(FakeObject(name: "stuck", failsToClose: true))
        let ended = table.endScope()
        expectEqual(ended.closed, ["w1"])
        expectEqual(ended.failures.map(\.0), ["w1"])
        #expect(table.handles().isEmpty)
        try table.checkCapacity(for: .widget, adding: 3)
    }

    @Test func closeAllEndsEveryScope() throws {
        let table = makeTable()
        let outer = FakeObject(), inner = FakeObject()
        try table.add(outer)
        table.beginScope()
        try table.add(inner)
        #expect(table.closeAll().isEmpty)
        #expect(outer.closeCount == 1 && inner.closeCount == 1)
        table.endScope()
        #expect(table.handles().isEmpty)
    }

    @Test func aScopeBegunAgainDoesNotSeeWhatAnEarlierOneLeft() throws {
        let table = makeTable()
        table.beginScope()
        try table.add(FakeObject(), name: "lab")
        table.endScope()
        table.beginScope()
        #expect(table.handles().isEmpty)
        #expect(try table.add(FakeObject(), name: "lab") == "lab")
    }
}

/// `close` as a learner uses it: several handles, a kind, `all`, and a mistyped handle that closes nothing.
@Suite struct CloseCommandTests {
    @Test func closeAKindAllAndABadHandle() throws {
        let session = Session()
        defer { session.shutdown() }
        for line in ["gen range 0 5", "gen range 0 6", "lock new --name left", "thread spawn sleep 60000"] {
            #expect(session.execute(line).succeeded, "\(line)")
        }
        let bad = session.execute("close g1 nosuch")
        #expect(!bad.succeeded)
        expectEqual(bad.failure?.message.contains("no object 'nosuch', so nothing was closed (g1 still open)"), true, "\(bad.failure?.message ?? "")")
        expectEqual(session.objects.handles(), ["g1", "g2", "left", "t1"])
        let generators = session.execute("close generators")
        #expect(generators.text.contains("g2") && generators.text.contains("g1"), "\(generators.text)")
        expectEqual(session.objects.handles(), ["left", "t1"])
        let all = session.execute("close all")
        #expect(all.text.contains("left") && all.text.contains("t1"), "\(all.text)")
        #expect(session.objects.handles().isEmpty)
        expectEqual(session.execute("close all").text, "nothing to close")
        expectEqual(session.execute("close al").failure?.message.hasSuffix("did you mean 'all'?"), true)
    }
}
