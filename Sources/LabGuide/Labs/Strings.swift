import LabCore

/// Every sentence the guide prints, one instance per language: in a Russian session the guide speaks Russian from
/// this table alone (the labs carry their own text; commands, field names and conditions stay as they are).
package struct GuideStrings: Sendable {
    /// Above a step's commands.
    package let tryCommands: String
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
    /// A check's name that the result does not have, the closest it has (if one is close) and all it has; nil in
    /// English, which the expression evaluator's own message already is.
    package let unknownName: (@Sendable (_ name: String, _ closest: String?, _ known: [String]) -> String)?
    /// The other errors a check can meet, said from their facts; nil in English, as `unknownName`.
    package let reason: (@Sendable (_ reason: ExpressionError.Reason) -> String)?
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
    /// A step's heading: the lab's title, its place, its title.
    package let stepHeader: @Sendable (_ lab: String, _ step: Int, _ steps: Int, _ title: String) -> String
    /// After the lab's title in `lab start`: its estimated time.
    package let minutes: @Sendable (_ minutes: Int) -> String
    /// Where a step asks for a prediction: how to give one (`labels` for a choice).
    package let predictFirst: @Sendable (_ kind: Prediction.Kind, _ labels: [String]) -> String
    /// `lab predict` accepted it; `command` is the command that will measure it.
    package let predictionRecorded: @Sendable (_ value: String, _ command: String) -> String
    /// `lab predict` on a step that asks for none.
    package let predictionNotAsked: String
    package let predictionNotANumber: @Sendable (_ value: String) -> String
    package let predictionNotAChoice: @Sendable (_ value: String, _ labels: [String]) -> String
    package let predictionOneWord: String
    /// `lab predict` after the step's measurement was shown: it would not be a prediction.
    package let predictionTooLate: @Sendable (_ measured: String, _ step: Int) -> String
    /// How far a prediction was from the figure, in a few words.
    package let verdict: @Sendable (_ verdict: PredictionVerdict) -> String
    /// Under the measuring command: the prediction beside the figure, and `how` (a `verdict`).
    package let predictionCompared: @Sendable (_ predicted: String, _ measured: String, _ how: String) -> String
    /// Under the measuring command when no prediction was made.
    package let notPredicted: @Sendable (_ measured: String) -> String
    /// The figure could not be read from the result (the command printed something else).
    package let measureUnreadable: @Sendable (_ reason: String) -> String
    /// A lab command that needs an active lab.
    package let noActiveLab: String
    package let firstStep: String
    package let lastStep: @Sendable (_ id: String) -> String
    package let leftLab: @Sendable (_ id: String) -> String
    /// `lab check` on a step without checks.
    package let noChecks: @Sendable (_ commands: String) -> String
    package let progressNotSaved: @Sendable (_ error: String) -> String
    /// `lab start` with an id that matches none; `guess` is the closest id.
    package let noSuchLab: @Sendable (_ id: String, _ guess: String?) -> String
    /// A step's file to fix, above its text.
    package let fileToFix: @Sendable (_ name: String) -> String
    /// The file was written into the working folder (`path`), or one of that name was there already and is kept.
    package let fileWritten: @Sendable (_ name: String, _ path: String) -> String
    package let fileKept: @Sendable (_ name: String, _ path: String) -> String
    package let fileNotWritten: @Sendable (_ name: String, _ error: String) -> String
    /// Under the hints shown so far, when more remain.
    package let moreHints: @Sendable (_ shown: Int, _ total: Int) -> String
    /// `lab list`'s progress column.
    package let listDone: String
    package let listProgress: @Sendable (_ done: Int, _ steps: Int) -> String

    package static let en = GuideStrings(
        tryCommands: "Try (Tab completes):",
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
        unknownName: nil,
        reason: nil,
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
        },
        stepHeader: { lab, step, steps, title in "\(lab) — step \(step) of \(steps): \(title)" },
        minutes: { m in "(\(m) min)" },
        predictFirst: { kind, labels in
            switch kind {
            case .number: return "Predict first, then run the command below: 'lab predict NUMBER' (your guess at the figure)."
            case .choice: return "Predict first, then run the command below: 'lab predict \(labels.joined(separator: "|"))'."
            case .word: return "Predict first, then run the command below: 'lab predict WORD' (one word)."
            }
        },
        predictionRecorded: { value, command in "Prediction recorded: \(value). Now run '\(command)' and compare." },
        predictionNotAsked: "This step asks for no prediction: run its commands.",
        predictionNotANumber: { value in "'\(value)' is not a number: this step asks for a figure ('lab predict 40')." },
        predictionNotAChoice: { value, labels in "'\(value)' is not one of the choices: \(labels.joined(separator: ", "))." },
        predictionOneWord: "Give one word: 'lab predict WORD'.",
        predictionTooLate: { measured, step in
            "The measurement is already on screen (\(measured)): a prediction counts before it. 'lab step \(step)' starts the step afresh."
        },
        verdict: { verdict in
            switch verdict {
            case .right: return "right"
            case .close: return "close: within a quarter"
            case .sameOrder: return "within a factor of 2"
            case .off(let factor): return factor >= 2 ? "off by a factor of about \(factor)" : "off: the sign or zero differs"
            case .wrong: return "not this time"
            }
        },
        predictionCompared: { predicted, measured, how in "  ◇ You predicted \(predicted); measured: \(measured) (\(how))." },
        notPredicted: { measured in "  ◇ Measured: \(measured). You made no prediction this time ('lab predict' before the command)." },
        measureUnreadable: { reason in "  ◇ The figure to compare with could not be read: \(reason)." },
        noActiveLab: "No lab is active. Run 'lab list' to see the labs and 'lab start ID' to begin.",
        firstStep: "This is the first step.",
        lastStep: { id in "This is the last step of '\(id)'. 'lab status' shows what is left; 'lab stop' ends the lab." },
        leftLab: { id in "Left lab '\(id)'. 'lab start \(id)' resumes it." },
        noChecks: { commands in "This step has no checks: run its commands (\(commands))." },
        progressNotSaved: { error in "(progress not saved: \(error))" },
        noSuchLab: { id, guess in "No lab '\(id)'." + (guess.map { " Did you mean '\($0)'?" } ?? "") + " Run 'lab list' to see the labs." },
        fileToFix: { name in "✎ \(name), the file to fix:" },
        fileWritten: { name, path in "✎ Wrote \(name) ('\(path)'). Edit it in your editor until the goal holds; run the commands again after each change." },
        fileKept: { name, path in "✎ \(name) is already there ('\(path)'): it is kept as it is, with your changes. Delete it to start again from the lab's copy." },
        fileNotWritten: { name, error in "✎ Could not write \(name): \(error)." },
        moreHints: { shown, total in "(hint \(shown) of \(total): 'lab hint' again for the next)" },
        listDone: "✓ done",
        listProgress: { done, steps in "\(done) of \(steps) steps" })

    package static let ru = GuideStrings(
        tryCommands: "Команды (Tab подставит):",
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
        unknownName: { name, closest, known in
            "в этом результате нет поля '\(name)'"
                + (closest.map { "; может быть, '\($0)'?" } ?? (known.isEmpty ? "" : " (его поля: \(known.joined(separator: ", ")))"))
        },
        reason: { reason in
            switch reason {
            case .indexOutOfRange(let index, let length):
                return "нет элемента [\(index)]: их всего \(length), счёт с 0"
            case .noField(let field, let fields):
                return "здесь нет поля '\(field)' (его поля: \(fields.joined(separator: ", ")))"
            case .notARecord(let type, let field):
                return "у значения типа «\(GuideStrings.russianType(type))» нет поля '\(field)'"
            case .cannotIndex(let container, let index):
                return "значение типа «\(GuideStrings.russianType(container))» нельзя индексировать значением типа «\(GuideStrings.russianType(index))»"
            case .cannotCompare(let left, let right, let op):
                return "нельзя сравнить «\(GuideStrings.russianType(left))» с «\(GuideStrings.russianType(right))» (\(op))"
            case .cannotApply(let op, let left, let right):
                return "\(op) не применяется к «\(GuideStrings.russianType(left))» и «\(GuideStrings.russianType(right))»"
            }
        },
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
        },
        stepHeader: { lab, step, steps, title in "\(lab) — шаг \(step) из \(steps): \(title)" },
        minutes: { m in "(\(m) мин)" },
        predictFirst: { kind, labels in
            switch kind {
            case .number: return "Сначала предскажите, потом выполните команду ниже: 'lab predict ЧИСЛО' (ваша оценка)."
            case .choice: return "Сначала предскажите, потом выполните команду ниже: 'lab predict \(labels.joined(separator: "|"))'."
            case .word: return "Сначала предскажите, потом выполните команду ниже: 'lab predict СЛОВО' (одно слово)."
            }
        },
        predictionRecorded: { value, command in "Предсказание записано: \(value). Теперь выполните '\(command)' и сравните." },
        predictionNotAsked: "На этом шаге предсказывать нечего: выполните его команды.",
        predictionNotANumber: { value in "'\(value)' — не число: здесь нужна оценка числом ('lab predict 40')." },
        predictionNotAChoice: { value, labels in "'\(value)' — не из вариантов: \(labels.joined(separator: ", "))." },
        predictionOneWord: "Нужно одно слово: 'lab predict СЛОВО'.",
        predictionTooLate: { measured, step in
            "Результат уже на экране (\(measured)): предсказание засчитывается только до измерения. 'lab step \(step)' начнёт шаг заново."
        },
        verdict: { verdict in
            switch verdict {
            case .right: return "верно"
            case .close: return "близко: расхождение меньше четверти"
            case .sameOrder: return "расхождение меньше чем вдвое"
            case .off(let factor):
                // «в 2 раза», «в 5 раз», «в 22 раза», «в 12 раз».
                let word = (2...4).contains(factor % 10) && !(12...14).contains(factor % 100) ? "раза" : "раз"
                return factor >= 2 ? "ошибка примерно в \(factor) \(word)" : "мимо: другой знак или ноль"
            case .wrong: return "на этот раз нет"
            }
        },
        predictionCompared: { predicted, measured, how in "  ◇ Ваше предсказание: \(predicted); измерено: \(measured) (\(how))." },
        notPredicted: { measured in "  ◇ Измерено: \(measured). Предсказания на этот раз не было ('lab predict' — до команды)." },
        measureUnreadable: { reason in "  ◇ Не удалось прочитать число для сравнения: \(reason)." },
        noActiveLab: "Сейчас нет начатой лабораторной. 'lab list' покажет список, 'lab start ID' начнёт.",
        firstStep: "Это первый шаг.",
        lastStep: { id in "Это последний шаг '\(id)'. 'lab status' покажет, что осталось; 'lab stop' завершит лабораторную." },
        leftLab: { id in "Вы вышли из лабораторной '\(id)'. 'lab start \(id)' продолжит её." },
        noChecks: { commands in "У этого шага нет проверок: выполните его команды (\(commands))." },
        progressNotSaved: { error in "(прогресс не сохранён: \(error))" },
        noSuchLab: { id, guess in "Лабораторной '\(id)' нет." + (guess.map { " Может быть, '\($0)'?" } ?? "") + " 'lab list' покажет список." },
        fileToFix: { name in "✎ \(name) — файл, который нужно исправить:" },
        fileWritten: { name, path in "✎ Файл \(name) записан ('\(path)'). Правьте его в своём редакторе, пока цель не будет достигнута; после каждой правки снова выполняйте команды шага." },
        fileKept: { name, path in "✎ Файл \(name) уже есть ('\(path)'): он остаётся как есть, с вашими правками. Удалите его, чтобы начать заново с копии из лабораторной." },
        fileNotWritten: { name, error in "✎ Не удалось записать \(name): \(error)." },
        moreHints: { shown, total in "(подсказка \(shown) из \(total); 'lab hint' ещё раз — следующая)" },
        listDone: "✓ пройдена",
        listProgress: { done, steps in "шагов: \(done) из \(steps)" })
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

extension GuideStrings {
    /// An error a check or a prediction met, in this language: an expression error from its facts where the table
    /// says them (a name the result lacks, a row not there …), anything else as it describes itself.
    func say(_ error: any Error) -> String {
        guard let error = error as? ExpressionError else { return "\(error)" }
        if let name = error.unknownName, let say = unknownName { return say(name.name, name.closest, name.known) }
        if let reason = error.reason, let say = self.reason { return say(reason) }
        return "\(error)"
    }

    /// `Value.typeName` in Russian.
    static func russianType(_ name: String) -> String {
        switch name {
        case "null": return "null"
        case "bool": return "логическое значение"
        case "int": return "целое число"
        case "number": return "число"
        case "string": return "строка"
        case "list": return "список"
        case "record": return "запись"
        default: return name
        }
    }
}
