/// The language of the labs, and of the interface sentences that follow a lab (LabGuide's `GuideStrings`).
/// The raw values are what files and flags say: the folder `Labs/ru/`, `--lang ru`.
public enum LabLanguage: String, Sendable, CaseIterable, CustomStringConvertible {
    case en, ru

    public var description: String { rawValue }

    /// The language a locale name asks for (`ru_RU.UTF-8` → ru); English when it names none of ours.
    public init(locale: String) {
        self = Self.allCases.first { locale.hasPrefix($0.rawValue) } ?? .en
    }
}
