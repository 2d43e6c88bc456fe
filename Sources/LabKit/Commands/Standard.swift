extension Registry {
    /// Every command conclab knows, in the order `help` lists them.
    public static let standard = Registry([
        HelpCommand(), ListObjectsCommand(), ShowCommand(), CloseCommand(),
        ProcCommand(),
        MemCommand(), TimeCommand(), BenchCommand(), SleepCommand(),
        EchoCommand(), SetCommand(), HistoryCommand(), ClearCommand(), ExitCommand(),
    ])
}
