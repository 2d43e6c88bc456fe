import LabCore
import LabTopics
import LabGuide

/// The wiring: which commands a conclab session has, and who follows it. The only target that sees every other.
extension Registry {
    /// Every command conclab knows, in the order `help` lists them.
    public static let standard = Registry([
        HelpCommand(), ListObjectsCommand(), ShowCommand(), CloseCommand(), SaveCommand(),
        ProcCommand(),
        FDCommand(), PipeCommand(), SockCommand(), SendCommand(), RecvCommand(), IPCCommand(), SharedMemoryCommand(),
        ParCommand(),
        ThreadCommand(), RaceCommand(), SimCommand(), LockCommand(), DeadlockCommand(),
        PyCommand(), DisCommand(), GILCommand(), CompareCommand(),
        GenCommand(), NextCommand(), IterCommand(), ListCommand(),
        LabCommand(), RecordCommand(),
        IOCommand(),
        TraceCommand(), TimelineCommand(), WatchCommand(),
        MemCommand(), TimeCommand(), BenchCommand(), SleepCommand(),
        EchoCommand(), SetCommand(), HistoryCommand(), ClearCommand(), ExitCommand(),
    ])
}

extension Session {
    /// A conclab session: the standard commands, the lab guide judging what is typed, the recorder listening.
    public convenience init(settings: Settings = Settings(), sandbox: Sandbox? = nil,
                            environment: SessionEnvironment = SessionEnvironment()) {
        let guide = LabGuideObserver()
        self.init(registry: .standard, settings: settings, sandbox: sandbox, environment: environment,
                  observers: [guide, RecorderObserver()], completionSources: [guide])
    }
}

extension LabReplayer {
    /// Replays `lab` with the standard commands.
    public static func replay(_ lab: Lab, emit: (String) -> Void) -> ReplayReport {
        replay(lab, registry: .standard, emit: emit)
    }
}

extension LabLinter {
    /// Lints lab files against the standard commands.
    public static func lint(_ paths: [String]) -> [LabFileError] {
        lint(paths, registry: .standard)
    }
}
