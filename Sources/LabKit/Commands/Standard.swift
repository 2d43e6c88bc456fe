extension Registry {
    /// Kinds of objects every session knows, with their caps, even before a topic that makes them registers
    /// (a topic's command declares its own kinds through `Command.objectKinds`).
    public static let baseKinds = [
        ObjectKindInfo(kind: "thread", prefix: "t", listCommand: "thread", limitName: "threads", defaultLimit: 256),
        ObjectKindInfo(kind: "process", prefix: "p", plural: "processes", listCommand: "proc", limitName: "processes", defaultLimit: 64),
    ]

    /// Every command conclab knows, in the order `help` lists them.
    public static let standard = Registry([
        HelpCommand(), ListObjectsCommand(), ShowCommand(), CloseCommand(),
        ProcCommand(),
        FDCommand(), PipeCommand(), SockCommand(), SendCommand(), RecvCommand(), IPCCommand(),
        ParCommand(),
        ThreadCommand(), RaceCommand(), SimCommand(), LockCommand(), DeadlockCommand(),
        PyCommand(), DisCommand(), GILCommand(), CompareCommand(),
        GenCommand(), NextCommand(), IterCommand(), ListCommand(),
        LabCommand(), RecordCommand(),
        TraceCommand(), TimelineCommand(),
        MemCommand(), TimeCommand(), BenchCommand(), SleepCommand(),
        EchoCommand(), SetCommand(), HistoryCommand(), ClearCommand(), ExitCommand(),
    ])
}
