import LabCore

/// Every sentence of the guide that depends on the lab's language, one instance per language: the table a
/// translated interface grows from. The labs carry their own text; sentences not listed here are English only.
package struct GuideStrings: Sendable {
    /// Above a step's commands.
    package let tryCommands: String
    /// Above a step's checks.
    package let checked: String
    /// A requirement not met: the program is not on PATH.
    package let needsProgram: @Sendable (_ name: String) -> String
    /// A requirement not met: too few cores.
    package let needsCores: @Sendable (_ needed: Int, _ have: Int) -> String
    /// A step this machine cannot do, and why (`reason` is one of the two above); `last`: it is the lab's last step.
    package let stepSkipped: @Sendable (_ reason: String, _ last: Bool) -> String
    /// The lab ended on a skipped step.
    package let labComplete: @Sendable (_ id: String) -> String
    /// `lab hint` on a step without hints; `commands` are the step's commands, joined.
    package let noHint: @Sendable (_ commands: String) -> String

    package static let en = GuideStrings(
        tryCommands: "Try (Tab completes):",
        checked: "Checked:",
        needsProgram: { name in "needs \(name), which is not on PATH" },
        needsCores: { needed, have in "needs \(needed) cores, this process may use \(have)" },
        stepSkipped: { reason, last in
            "○ This step is skipped on this machine: \(reason). It counts as done; "
                + (last ? "it is the last step." : "'lab next' moves on.")
        },
        labComplete: { id in "✓ Lab '\(id)' complete. 'lab list' shows the others." },
        noHint: { commands in "No hint for this step. Its commands: " + commands })

    package static let ru = GuideStrings(
        tryCommands: "Команды (Tab подставит):",
        checked: "Проверяется:",
        needsProgram: { name in "нужна программа \(name), а её нет в PATH" },
        needsCores: { needed, have in "нужно ядер: \(needed), а этому процессу доступно: \(have)" },
        stepSkipped: { reason, last in
            "○ На этой машине шаг пропускается: \(reason). Он засчитан как пройденный; "
                + (last ? "это последний шаг." : "'lab next' — к следующему шагу.")
        },
        labComplete: { id in "✓ Лабораторная '\(id)' пройдена. 'lab list' покажет остальные." },
        noHint: { commands in "Для этого шага подсказки нет. Команды шага: " + commands })
}

extension LabLanguage {
    /// The guide's sentences in this language.
    package var strings: GuideStrings {
        switch self {
        case .en: return .en
        case .ru: return .ru
        }
    }
}
