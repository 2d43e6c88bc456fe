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
    /// Above a step's goal conditions.
    package let goal: String
    /// A result that does not reach the step's goal; `unmet` are its conditions not met, with the values read.
    package let goalNotReached: @Sendable (_ unmet: String) -> String
    /// A command run before `first`, which the step runs ahead of it: its checks failed, and that is not judged.
    package let notJudgedYet: @Sendable (_ first: String) -> String
    /// `lab next` from a step not done: what was not run and which conditions have not held.
    package let stepNotDone: @Sendable (_ step: Int, _ notRun: [String], _ notPassed: [String]) -> String
    /// A step done, and the next to go to.
    package let stepDone: @Sendable (_ step: Int) -> String
    /// The last step done, with others still to do.
    package let lastStepDone: @Sendable (_ step: Int) -> String
    /// The last step done and with it the lab; `scoped`: the lab runs in a scope of its own.
    package let lastStepDoneLabComplete: @Sendable (_ step: Int, _ id: String, _ scoped: Bool) -> String
    /// `lab start` in a scope of its own: the handles set aside (maybe none).
    package let scopeBegun: @Sendable (_ aside: [String], _ id: String) -> String
    /// `lab start --here` beside the learner's objects.
    package let runsBeside: @Sendable (_ mine: [String]) -> String
    /// The lab's scope ended: what it made and closed, what came back.
    package let scopeEnded: @Sendable (_ closed: [String], _ back: [String]) -> String

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
        noHint: { commands in "No hint for this step. Its commands: " + commands },
        goal: "Goal (any result of these commands may reach it):",
        goalNotReached: { unmet in "  ○ goal not reached yet: \(unmet). Any result of this step's commands may reach it; try again." },
        notJudgedYet: { first in "  ○ not judged yet: this step runs '\(first)' before it." },
        stepNotDone: { step, notRun, notPassed in
            var parts: [String] = []
            if !notRun.isEmpty { parts.append("not run: " + notRun.joined(separator: "; ")) }
            if !notPassed.isEmpty { parts.append("not yet true: " + notPassed.joined(separator: "; ")) }
            return "○ Step \(step) is not done (\(parts.joined(separator: "; ")))."
                + " Moving on; 'lab back' returns to it."
        },
        stepDone: { step in "✓ Step \(step) done. 'lab next' for step \(step + 1)." },
        lastStepDone: { step in "✓ Step \(step) done — the last step. 'lab status' shows which steps remain." },
        lastStepDoneLabComplete: { step, id, scoped in
            "✓ Step \(step) done — lab '\(id)' complete. 'lab list' shows the others"
                + (scoped ? "; 'lab stop' closes what the lab made and gives back your objects." : ".")
        },
        scopeBegun: { aside, id in
            aside.isEmpty
                ? "The lab keeps its objects to itself: 'lab stop' closes what it makes."
                : "Your objects (\(aside.joined(separator: ", "))) are set aside while the lab runs: it does not see, count or close "
                    + "them, and 'lab stop' closes what the lab made and gives yours back. To run it beside them: 'lab start \(id) --here'."
        },
        runsBeside: { mine in
            "The lab runs beside your objects (\(mine.joined(separator: ", "))): they stay listed, checks that count objects count them too, "
                + "and a name the lab gives must be free."
        },
        scopeEnded: { closed, back in
            (closed.isEmpty ? "The lab made nothing that was still open." : "Closed what the lab made: \(closed.joined(separator: ", ")).")
                + (back.isEmpty ? "" : " Your objects are back: \(back.joined(separator: ", ")).")
        })

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
        noHint: { commands in "Для этого шага подсказки нет. Команды шага: " + commands },
        goal: "Цель (её может достичь любой результат этих команд):",
        goalNotReached: { unmet in "  ○ цель пока не достигнута: \(unmet). Её может достичь любой результат команд этого шага — попробуйте ещё раз." },
        notJudgedYet: { first in "  ○ пока не оценивается: на этом шаге сначала идёт '\(first)'." },
        stepNotDone: { step, notRun, notPassed in
            var parts: [String] = []
            if !notRun.isEmpty { parts.append("не запущено: " + notRun.joined(separator: "; ")) }
            if !notPassed.isEmpty { parts.append("пока не выполнено: " + notPassed.joined(separator: "; ")) }
            return "○ Шаг \(step) не закончен (\(parts.joined(separator: "; ")))."
                + " Идём дальше; 'lab back' вернёт к нему."
        },
        stepDone: { step in "✓ Шаг \(step) выполнен. 'lab next' — к шагу \(step + 1)." },
        lastStepDone: { step in "✓ Шаг \(step) выполнен — это последний шаг. 'lab status' покажет, какие шаги остались." },
        lastStepDoneLabComplete: { step, id, scoped in
            "✓ Шаг \(step) выполнен — лабораторная '\(id)' пройдена. 'lab list' покажет остальные"
                + (scoped ? "; 'lab stop' закроет то, что создала лабораторная, и вернёт ваши объекты." : ".")
        },
        scopeBegun: { aside, id in
            aside.isEmpty
                ? "Лабораторная держит свои объекты при себе: 'lab stop' закроет всё, что она создаст."
                : "Ваши объекты (\(aside.joined(separator: ", "))) отложены, пока идёт лабораторная: она их не видит, не считает и не "
                    + "закрывает, а 'lab stop' закроет созданное ею и вернёт ваши. Запустить её рядом с ними: 'lab start \(id) --here'."
        },
        runsBeside: { mine in
            "Лабораторная идёт рядом с вашими объектами (\(mine.joined(separator: ", "))): они остаются в списках, проверки, "
                + "которые считают объекты, посчитают и их, а имя, которое даёт лабораторная, должно быть свободно."
        },
        scopeEnded: { closed, back in
            (closed.isEmpty ? "Открытых объектов лабораторной не осталось." : "Закрыто созданное лабораторной: \(closed.joined(separator: ", ")).")
                + (back.isEmpty ? "" : " Ваши объекты вернулись: \(back.joined(separator: ", ")).")
        })
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
