import Foundation
import LabOS
import Testing
import TestSupport

/// A lab file's front matter: its id and title.
struct LabHeader: Equatable {
    var id: String
    var title: String

    init?(file: String) {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        func field(_ name: String) -> String? {
            text.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                .map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
        }
        guard let id = field("id"), let title = field("title") else { return nil }
        self.id = id
        self.title = title
    }

    /// The labs of `language` in the checkout's Labs folder, in file-name order.
    static func checkout(_ language: String) throws -> [LabHeader] {
        let folder = Conclab.packageRoot + "/Labs/" + language
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".md") }.sorted()
        return names.compactMap { LabHeader(file: folder + "/" + $0) }
    }
}

/// The JSON objects `--json` printed, one a line.
func jsonLines(_ run: RunResult) throws -> [[String: Any]] {
    try run.stdoutLines.map { line in
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
    }
}

extension EndToEndSecondLine {
    /// The labs inside the binary, and a folder of labs that adds to them.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct BuiltInLabsTests {
        @Test("a binary copied alone to an empty folder lists and starts every lab, in English and in Russian")
        func copiedBinaryHasItsLabs() throws {
            let folder = try TemporaryDirectory("copied")
            defer { folder.remove() }
            let copy = folder.file("conclab")
            try FileManager.default.copyItem(atPath: try Conclab.binary(), toPath: copy)
            for language in ["en", "ru"] {
                let labs = try LabHeader.checkout(language)
                try #require(labs.count >= 9, "the checkout's Labs/\(language) has \(labs.count) labs")
                let script = (["lab list"] + labs.flatMap { ["lab start \($0.id)", "lab stop"] }).joined(separator: "\n") + "\n"
                let run = try Launched(executable: copy, arguments: ["--json", "--lang", language], stdin: script,
                                       environment: ["CONCLAB_LABS": nil])
                defer { run.cleanUp() }
                let result = try run.finish(within: 60)
                expectEqual(result.status, 0, "\(result)")
                let objects = try jsonLines(result)
                try #require(objects.count == 1 + 2 * labs.count, "\(result)")
                let table = try #require((objects[0]["result"] as? [String: Any])?["rows"] as? [[String: Any]], "\(objects[0])")
                expectEqual(table.compactMap { $0["id"] as? String }, labs.map(\.id), "lab list in \(language)")
                expectEqual(table.compactMap { $0["title"] as? String }, labs.map(\.title), "titles in \(language)")
                for (index, lab) in labs.enumerated() {
                    let started = objects[1 + 2 * index]
                    #expect(started["ok"] as? Bool == true, "lab start \(lab.id): \(started)")
                    let text = (started["result"] as? [String: Any])?["text"] as? String ?? ""
                    #expect(text.hasPrefix(lab.title), "lab start \(lab.id) in \(language) began with: \(text.prefix(120))")
                }
            }
        }

        @Test("CONCLAB_LABS adds its labs to the built-in ones, and its lab of the same id replaces the built-in lab")
        func labsFolderAddsAndOverrides() throws {
            let labs = try TemporaryDirectory("labs")
            defer { labs.remove() }
            try FileManager.default.createDirectory(atPath: labs.file("en"), withIntermediateDirectories: true)
            let builtIn = try LabHeader.checkout("en")
            let replaced = try #require(builtIn.first)
            func lab(id: String, title: String) -> String {
                "---\nid: \(id)\ntitle: \(title)\ntopic: shell\nminutes: 1\n---\n\n## Echo\n\n```conclab\necho 1\n```\n"
            }
            _ = try labs.write("en/50-mine.md", lab(id: replaced.id, title: "My own version"))
            _ = try labs.write("en/99-extra.md", lab(id: "extra-probe", title: "An extra lab"))
            let run = try Launched(executable: try Conclab.binary(), arguments: ["--json"],
                                   stdin: "lab list\nlab start \(replaced.id)\n", environment: ["CONCLAB_LABS": labs.path])
            defer { run.cleanUp() }
            let result = try run.finish()
            expectEqual(result.status, 0, "\(result)")
            let objects = try jsonLines(result)
            try #require(objects.count == 2, "\(result)")
            let rows = try #require((objects[0]["result"] as? [String: Any])?["rows"] as? [[String: Any]])
            let ids = rows.compactMap { $0["id"] as? String }
            expectEqual(ids.count, builtIn.count + 1, "\(ids)")
            expectEqual(ids.filter { $0 == replaced.id }.count, 1, "\(ids)")
            expectEqual(Set(ids), Set(builtIn.map(\.id) + ["extra-probe"]), "\(ids)")
            expectEqual(ids.last, "extra-probe", "a folder's 99-… comes after the built-in labs: \(ids)")
            #expect(rows.first { $0["id"] as? String == replaced.id }?["title"] as? String == "My own version", "\(rows)")
            let text = (objects[1]["result"] as? [String: Any])?["text"] as? String ?? ""
            #expect(text.hasPrefix("My own version"), "\(objects[1])")
        }
    }
}
