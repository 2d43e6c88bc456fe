import LabOS

/// What may be drawn where: colour on stdout and on stderr, and progress bars (on stderr, redrawn in place).
///
/// Colour needs a terminal on that stream, and neither `--no-color`, a non-empty `NO_COLOR` (no-color.org: colour
/// only) nor `TERM=dumb`. A progress bar needs stderr to be a terminal (`2>file` gets no bars) that is not dumb: it
/// moves the cursor with escapes a dumb terminal prints as text.
struct TerminalCapabilities: Equatable {
    var colorOnOutput: Bool
    var colorOnErrors: Bool
    var progress: Bool

    init(colorOnOutput: Bool, colorOnErrors: Bool, progress: Bool) {
        self.colorOnOutput = colorOnOutput
        self.colorOnErrors = colorOnErrors
        self.progress = progress
    }

    init(noColorFlag: Bool, environment: (String) -> String?, isTerminal: (Int32) -> Bool) {
        let dumb = environment("TERM") == "dumb"
        let colorAllowed = !noColorFlag && (environment("NO_COLOR") ?? "").isEmpty && !dumb
        self.init(colorOnOutput: colorAllowed && isTerminal(1), colorOnErrors: colorAllowed && isTerminal(2),
                  progress: !dumb && isTerminal(2))
    }

    /// This process's: its environment and descriptors 1 and 2.
    static func current(noColorFlag: Bool) -> TerminalCapabilities {
        TerminalCapabilities(noColorFlag: noColorFlag, environment: System.environment, isTerminal: System.isTerminal)
    }
}
