import Testing
import TestSupport
import LabKit
import LabGuide

/// Every fix-it step of the built-in labs hands out a file that does not reach the step's goal: replay only runs the
/// lab's fix, so nothing else would notice a handed-out file that passes as it is (an exercise with nothing to fix).
///
/// Each fix-it step is replayed from its first ```file block on (what comes before may need files or objects of the
/// lab's earlier steps), once with the lab's fix, which must reach the goal, and once with the handed-out file in its
/// place, which must run without a failed command and miss the goal. The files are the same in both languages (lint
/// compares them), so the English labs are enough.
@Suite(.serialized) struct LabFixItHandoutTests {
    /// The fix-it steps of the English labs, as (lab id, step index).
    static let fixIts: [(String, Int)] = {
        let (labs, _) = LabCatalog.load(labsDirectory: Repository.root + "/Labs", language: .en)
        return labs.flatMap { lab in lab.steps.indices.filter { !lab.steps[$0].files.isEmpty }.map { (lab.id, $0) } }
    }()

    /// The lab `id` cut down to step `index` from its first file block on; `handedOut` puts each ```file block's text
    /// in its ```solution's place, so replay runs the file as the learner gets it.
    static func fixItAlone(_ id: String, _ index: Int, handedOut: Bool) throws -> Lab {
        let (labs, _) = LabCatalog.load(labsDirectory: Repository.root + "/Labs", language: .en)
        var lab = try #require(labs.first { $0.id == id })
        var step = lab.steps[index]
        let first = try #require(step.blocks.firstIndex { if case .file = $0 { return true } else { return false } })
        step.blocks = Array(step.blocks[first...])
        let given = step.files.filter { !$0.isSolution }
        if handedOut {
            step.blocks = step.blocks.map { block in
                guard case .file(var file) = block, file.isSolution, let original = given.first(where: { $0.name == file.name }) else { return block }
                file.text = original.text
                return .file(file)
            }
        }
        lab.steps = [step]
        return lab
    }

    @Test func everyTopicLabButTheGILsHasAFixIt() {
        let ids = Set(Self.fixIts.map(\.0))
        for id in ["iterators-generators", "file-descriptors", "race-conditions", "deadlocks", "processes", "ipc", "processes-vs-threads", "io"] {
            #expect(ids.contains(id), "no fix-it step in \(id)")
        }
    }

    @Test(arguments: fixIts.map { "\($0.0) \($0.1)" })
    func theHandedOutFileMissesTheGoalAndTheFixReachesIt(_ which: String) async throws {
        let parts = which.split(separator: " ").map(String.init)
        let (id, index) = (parts[0], try #require(Int(parts[1])))
        let fixedLab = try Self.fixItAlone(id, index, handedOut: false), givenLab = try Self.fixItAlone(id, index, handedOut: true)
        // Each replay runs for seconds: off the shared test threads (see `offThePool`).
        let (fixedPassed, problems, checks, transcript) = try await offThePool("fix-it") { () -> (Bool, [String], [Bool], [String]) in
            let fixed = LabReplayer.replay(fixedLab) { _ in }
            var transcript: [String] = []
            let given = LabReplayer.replay(givenLab) { transcript.append($0) }
            let report = given.steps.first
            return (fixed.status == .passed, report?.problems.map { "\($0)" } ?? ["no step reported"], report?.checks.map(\.passed) ?? [], transcript)
        }
        #expect(fixedPassed, "the lab's fix of \(id) step \(index + 1) misses its goal on its own")
        #expect(problems.isEmpty, "the handed-out file of \(id) step \(index + 1) failed to run: \(problems)")
        #expect(!checks.isEmpty && !checks.allSatisfy { $0 },
                "the handed-out file of \(id) step \(index + 1) reaches the goal as it is:\n\(transcript.joined(separator: "\n"))")
    }
}
