import Foundation
import Testing
import TestSupport
import LabKit
import LabCore

@Suite(.serialized) struct RecordTests {
    /// The commands a recording kept (its comment line left out).
    func recorded(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
    }

    func typeAndRun(_ session: Session, _ lines: [String]) {
        for line in lines {
            session.typed(line)
            _ = session.execute(line)
        }
    }

    @Test func aRecordingKeepsOnlyTheCommandsThatSucceeded() throws {
        let dir = try FDScratch("record")
        defer { dir.remove() }
        let session = Session()
        defer { session.shutdown() }
        typeAndRun(session, ["record start \(dir.file("s.conclab"))", "echo one", "ecko two", "sleep abc", "echo three", "record stop"])
        #expect(try recorded(dir.file("s.conclab")) == ["echo one", "echo three"])
    }

    @Test func withAllItKeepsEveryLineTyped() throws {
        let dir = try FDScratch("record-all")
        defer { dir.remove() }
        let session = Session()
        defer { session.shutdown() }
        typeAndRun(session, ["record start \(dir.file("s.conclab")) --all", "echo one", "ecko two", "record status"])
        expectEqual(session.execute("record status")["keeps_failures"], .bool(true))
        typeAndRun(session, ["record stop"])
        #expect(try recorded(dir.file("s.conclab")) == ["echo one", "ecko two"])
    }
}
