import Foundation
import LabOS
import Testing
import TestSupport

extension EndToEnd {
    /// conclab's Python's files through the binary: in a replayed lab they live in the lab's scratch folder and
    /// nothing outside can be read or written; in a session, the folder keeps files from one `py` to the next and is
    /// gone when conclab ends.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct PyFilesTests {
        private func lab(_ body: String, id: String) -> String {
            "---\nid: \(id)\ntitle: Probe\ntopic: shell\nminutes: 1\n---\n\n" + body
        }

        @Test("a replayed lab's Python writes and reads its scratch folder, and is refused /etc/passwd, '..' and a link out")
        func replayedLabIsContained() throws {
            let dir = try TemporaryDirectory("pyfiles")
            defer { dir.remove() }
            let scratch = try TemporaryDirectory("pyfiles-base")
            defer { scratch.remove() }
            try FileManager.default.createDirectory(atPath: dir.file("en"), withIntermediateDirectories: true)
            let steps = [
                "## Files\n\n```conclab\npy open(\"notes.txt\", \"w\").write(\"kept\")\npy print(open(\"notes.txt\").read())\n```\n\n```check\ntext == \"kept\"\n```\n",
                "## Passwd\n\n```conclab\npy print(open(\"/etc/passwd\").read())\n```\n",
                "## Up\n\n```conclab\npy open(\"../outside.txt\", \"w\").write(\"x\")\n```\n",
                "## Environment\n\n```conclab\npy import os; print(os.environ)\n```\n",
            ]
            // A lab ends at its first failed step: one lab for each refusal.
            for (index, step) in steps.enumerated() {
                _ = try dir.write("en/0\(index + 1)-probe\(index).md", lab(step, id: "probe\(index)"))
            }
            let run = try Launched(executable: try Conclab.binary(), arguments: ["replay", dir.file("en")],
                                   environment: ["TMPDIR": scratch.path])
            defer { run.cleanUp() }
            let result = try run.finish()
            #expect(result.stdout.contains("✓ text == \"kept\""), "\(result)")
            #expect(result.stdout.contains("PermissionError: conclab's Python opens files only in its own folder (\(scratch.path)/conclab-lab-"), "\(result)")
            #expect(result.stdout.contains("'/etc/passwd' is outside it"), "\(result)")
            #expect(!result.stdout.contains("root:x:0:0"), "\(result)")
            #expect(result.stdout.contains("'..' leads out of it"), "\(result)")
            #expect(result.stdout.contains("conclab's Python does not support os.environ (the environment may hold secrets)"), "\(result)")
            #expect(!Files.exists(scratch.path + "/outside.txt"))
            expectEqual(Files.list(scratch.path).filter { $0.hasPrefix("conclab-lab-") }, [], "left behind")
        }

        @Test("in a session a file one py writes the next py reads; the folder is gone when conclab ends")
        func sessionFolderLastsTheSession() throws {
            let scratch = try TemporaryDirectory("pyfiles-session")
            defer { scratch.remove() }
            let script = "py open('a.txt', 'w').write('one')\npy f = open('a.txt', 'a'); f.write('two')\npy f.close(); print(open('a.txt').read())\npy import os; print(os.getcwd())\n"
            let run = try Launched(executable: try Conclab.binary(), arguments: [], stdin: script, environment: ["TMPDIR": scratch.path])
            defer { run.cleanUp() }
            let result = try run.finish()
            expectEqual(result.status, 0, "\(result)")
            #expect(result.stdout.contains("onetwo\n"), "\(result)")
            #expect(result.stdout.contains(scratch.path + "/conclab-lab-"), "\(result)")
            expectEqual(Files.list(scratch.path).filter { $0.hasPrefix("conclab-lab-") }, [], "left behind")
        }
    }
}
