import Foundation
import Testing
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

/// Whatever the renderer writes must be JSON another program can read back.
@Suite struct JSONValidityTests {
    @Test func everyResultParses() throws {
        let awkward = "q\"b\\n\nt\tc\u{01}e\u{7F}ü🙂"
        let results: [LabResult] = [
            .nothing,
            .text(awkward),
            .record(Record(title: awkward, [(awkward, .string(awkward)), ("n", .double(.nan)), ("q", .quantity(1.5, .seconds))])),
            .table(Table(title: "t", columns: ["a", awkward], rows: [[.int(1), .list([.null, .bool(false)])]],
                         summary: Record([("x", .record(Record([("y", .double(-0.25))])))]))),
            .group([.text("a"), .record(Record())]),
        ]
        for result in results {
            let json = JSONRenderer.render(result)
            let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8))
            #expect(parsed is [String: Any], "not an object: \(json)")
        }
        let text = try JSONSerialization.jsonObject(with: Data(JSONRenderer.render(.text(awkward)).utf8)) as? [String: Any]
        #expect(text?["text"] as? String == awkward)
    }
}
