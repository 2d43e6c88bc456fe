import LabOS
import LabCore

/// `record start FILE` / `record stop`: saves the commands typed (not their output) as a script for `conclab run`.
///
/// Only the commands that succeeded are kept, so `conclab run` of a recording does not stop at the first typo;
/// `record start FILE --all` keeps every line typed, as it is typed.
package enum Recorder {
    package struct State: Sendable {
        package var path: String?
        package var lines: [String] = []
        /// Keep failed commands too (`--all`): each line is kept when typed, before it runs.
        package var keepsFailures = false
    }

    package static let stateKey = TopicKey("record") { State() }

    /// A line typed: kept at once with `--all` (nothing is lost if the shell dies while it runs).
    package static func typed(_ line: String, in session: Session) {
        keep(line, in: session) { $0.keepsFailures }
    }

    /// A command that ended: kept when it succeeded (without `--all`).
    package static func ran(_ outcome: Outcome, in session: Session) {
        keep(outcome.line, in: session) { !$0.keepsFailures && outcome.succeeded }
    }

    /// Appends `line` to the active recording when `wanted`, and rewrites the file, so nothing is lost if the shell dies.
    private static func keep(_ line: String, in session: Session, when wanted: (State) -> Bool) {
        session.withState(stateKey) { s in
            guard s.path != nil, wanted(s), !line.hasPrefix("record ") && line != "record" else { return }
            s.lines.append(line)
            try? write(s)
        }
    }

    package static func write(_ s: State) throws {
        guard let path = s.path else { return }
        let text = "# recorded by conclab: replay with 'conclab run \(path)'\n" + s.lines.map { $0 + "\n" }.joined()
        try Files.writeAtomically(path, text)
    }
}

package struct RecordCommand: Command {
    package init() {}
    package let spec = CommandSpec("record", summary: "save the commands you type as a script 'conclab run' replays")
    package let verbs: [any Command] = [RecordStart(), RecordStop(), RecordStatus()]
    package let defaultVerb: String? = "status"
}

package struct RecordStart: Command {
    package let spec = CommandSpec("start", summary: "start saving the commands that succeed to FILE",
                           arguments: [ArgumentSpec("FILE", .path, help: "the script to write (replaced if it exists)")],
                           flags: [FlagSpec("all", help: "keep every line typed, failed commands too")],
                           examples: ["record start session.conclab", "record start everything.conclab --all"],
                           discussion: "A command that fails (a typo, a bad argument, Ctrl-C) is left out, so 'conclab run FILE' replays what worked.")

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let path = try context.session.writablePath(try arguments.require("FILE"))
        return try context.session.withState(Recorder.stateKey) { s in
            if let current = s.path { throw CommandError("already recording to \(current); 'record stop' first") }
            let fresh = Recorder.State(path: path, lines: [], keepsFailures: arguments.flag("all"))
            try Recorder.write(fresh)
            s = fresh
            let what = fresh.keepsFailures ? "every command" : "the commands that succeed"
            return .text("recording \(what) to \(path); 'record stop' ends it")
        }
    }
}

package struct RecordStop: Command {
    package let spec = CommandSpec("stop", summary: "stop recording", examples: ["record stop"],
                                   fields: [FieldSpec("file", "the script written"), FieldSpec("commands", "the commands it holds")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        try context.session.withState(Recorder.stateKey) { s in
            guard let path = s.path else { throw CommandError("not recording; 'record start FILE' begins") }
            try Recorder.write(s)
            let count = s.lines.count
            s = Recorder.State()
            return .record(Record(title: "recorded", [("file", .string(path)), ("commands", .int(count))]))
        }
    }
}

package struct RecordStatus: Command {
    package let spec = CommandSpec("status", summary: "whether commands are being recorded", examples: ["record status"],
                                   fields: [FieldSpec("recording", "true while commands are being recorded"),
                                            FieldSpec("file", "the script being written (null when not recording)"),
                                            FieldSpec("commands", "the commands kept so far"),
                                            FieldSpec("keeps_failures", "true when failed commands are kept too (--all)")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        context.session.withState(Recorder.stateKey) { s in
            .record(Record([("recording", .bool(s.path != nil)), ("file", s.path.map(Value.string) ?? .null), ("commands", .int(s.lines.count)),
                            ("keeps_failures", .bool(s.keepsFailures))]))
        }
    }
}
