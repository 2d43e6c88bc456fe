import LabCore

/// How a prediction compares with what the measuring command found.
public enum PredictionVerdict: Sendable, Equatable {
    /// A choice or a word that is the answer; a number equal to the figure.
    case right
    /// A number within a quarter of the figure.
    case close
    /// A number within a factor of two.
    case sameOrder
    /// A number further off: the factor, rounded (at least 2).
    case off(factor: Int)
    /// A choice or a word that is not the answer.
    case wrong

    /// Whether the tally counts it as a good prediction.
    public var isGood: Bool { self == .right || self == .close }
}

/// Reading a learner's prediction and the figure it is compared with. Pure: the guide and replay share it.
public enum PredictionJudge {
    /// A number as a learner writes it: `40`, `1_000_000`, `1,000`, `39.5`, `1e6`, `~40`, `≈ 40`.
    public static func number(_ text: String) -> Double? {
        var t = text.trimmed()
        while let first = t.first, "~≈".contains(first) { t = String(t.dropFirst()).trimmed() }
        t = String(t.filter { $0 != "_" && $0 != "," })
        guard let d = Double(t), d.isFinite else { return nil }
        return d
    }

    /// Whether `value` is an answer the prediction can take: a number for a number, a label for a choice.
    /// Nil when it is; otherwise the reason, in the lab's language.
    package static func refusal(_ value: String, for p: Prediction, strings: GuideStrings) -> String? {
        switch p.kind {
        case .number: return number(value) == nil ? strings.predictionNotANumber(value) : nil
        case .choice:
            return p.options.contains { $0.label.lowercased() == value.lowercased() } ? nil
                : strings.predictionNotAChoice(value, p.options.map(\.label))
        case .word: return value.contains(" ") ? strings.predictionOneWord : nil
        }
    }

    /// The measured answer from the result of the measuring command: the figure, the word, or the first choice whose
    /// condition holds (nil when none does). Throws when the expression cannot be read from the result.
    public static func measured(_ p: Prediction, in fields: Record) throws -> Measured {
        let evaluator = Evaluator(record: fields)
        switch p.kind {
        case .number:
            let value = try evaluator.evaluate(try Expression(parsing: p.expression))
            guard let n = value.number else { throw ExpressionError("'\(p.expression)' is \(value.articledType), not a number") }
            return Measured(text: shown(n), number: n)
        case .word:
            let value = try evaluator.evaluate(try Expression(parsing: p.expression))
            return Measured(text: HumanRenderer(color: false).cell(value), number: nil)
        case .choice:
            for option in p.options where try evaluator.isTrue(try Expression(parsing: option.condition)) {
                return Measured(text: option.label, number: nil)
            }
            return Measured(text: "-", number: nil)
        }
    }

    /// What was measured: the text shown beside the prediction, and the figure for a number.
    public struct Measured: Sendable, Equatable {
        public var text: String
        public var number: Double?
        public init(text: String, number: Double?) {
            self.text = text
            self.number = number
        }
    }

    /// How `predicted` compares with `measured`.
    public static func verdict(_ predicted: String, _ measured: Measured, kind: Prediction.Kind) -> PredictionVerdict {
        guard kind == .number else {
            return predicted.trimmed().lowercased() == measured.text.lowercased() ? .right : .wrong
        }
        guard let p = number(predicted), let m = measured.number else { return .wrong }
        if p == m { return .right }
        if abs(p - m) <= 0.25 * abs(m) { return .close }
        // Opposite signs, or one of them zero: no factor says how far.
        guard p != 0, m != 0, (p > 0) == (m > 0) else { return .off(factor: 0) }
        let factor = max(abs(p / m), abs(m / p))
        return factor <= 2 ? .sameOrder : .off(factor: Int(factor.rounded()))
    }

    /// A figure as the comparison shows it: whole numbers in full, others to about three figures.
    public static func shown(_ n: Double) -> String {
        n == n.rounded() ? Format.number(n) : Format.compact(n)
    }
}

/// A prediction the learner made and what it met, kept in the lab's progress.
public struct PredictionRecord: Sendable, Equatable {
    public var step: Int
    public var predicted: String
    public var measured: String
    public var good: Bool

    public init(step: Int, predicted: String, measured: String, good: Bool) {
        self.step = step
        self.predicted = predicted
        self.measured = measured
        self.good = good
    }
}
