import LabOS
import LabCore

/// Finding labs on disk: `Labs/<lang>/NN-id.md`.
public enum LabCatalog {

    /// Lab files under `paths` (files as given, folders searched recursively), sorted; FORMAT.md and README.md are not labs.
    public static func files(in paths: [String]) -> [String] {
        var found: [String] = []
        func visit(_ path: String) {
            if Files.isDirectory(path) {
                for name in Files.list(path) {
                    let clean = name.hasSuffix("/") ? String(name.dropLast()) : name
                    visit((path.hasSuffix("/") ? String(path.dropLast()) : path) + "/" + clean)
                }
            } else if path.hasSuffix(".md") {
                let base = path.split(separator: "/").last.map(String.init) ?? path
                if base != "FORMAT.md" && base != "README.md" { found.append(path) }
            }
        }
        for path in paths { visit(path) }
        return found.sorted()
    }

    /// Loads every lab of one language from `labsDirectory/<language>`; files that fail to parse come back as errors.
    public static func load(labsDirectory: String, language: LabLanguage) -> (labs: [Lab], errors: [LabFileError]) {
        var labs: [Lab] = []
        var errors: [LabFileError] = []
        for path in files(in: [labsDirectory + "/" + language.rawValue]) {
            do {
                labs.append(try LabParser.parse(try Files.readText(path), path: path, language: language))
            } catch let error as LabFileError {
                errors.append(error)
            } catch {
                errors.append(LabFileError(path: path, line: 0, reason: "\(error)"))
            }
        }
        return (labs, errors)
    }

    /// Whether the machine meets a lab's front-matter requirements; the first unmet one otherwise.
    public static func unmetRequirement(_ lab: Lab) -> String? {
        unmetRequirement(lab.requires)
    }

    /// The first of `requirements` this machine does not meet, as a reason in `language`
    /// ("needs 2 cores, this machine has 1"); nil when all are met. Used for labs and for single steps.
    public static func unmetRequirement(_ requirements: [LabRequirement], language: LabLanguage = .en) -> String? {
        let strings = language.strings
        for requirement in requirements {
            switch requirement {
            case .program(let name):
                if Files.findExecutable(name) == nil {
                    return strings.needsProgram(name)
                }
            case .cores(let n):
                let have = System.numberOfCPUs
                if have < n { return strings.needsCores(n, have) }
            }
        }
        return nil
    }

    /// The lab language from LC_ALL / LANG (`ru_*` → Russian), else English.
    public static func languageFromEnvironment() -> LabLanguage {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = System.environment(name), !value.isEmpty {
                return LabLanguage(locale: value)
            }
        }
        return .en
    }
}

/// Progress through the labs, kept in `progress.json` and written atomically (temporary file + rename).
public struct LabProgress: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var stepsDone: Set<Int> = []
        public var current: Int = 1
    

        package init(stepsDone: Set<Int> = [], current: Int = 1) {
            self.stepsDone = stepsDone
            self.current = current
        }}

    public var labs: [String: Entry] = [:]

    public init() {}

    public static func load(from directory: String?) -> LabProgress {
        var progress = LabProgress()
        guard let directory, let text = try? Files.readText(directory + "/progress.json"),
              case .record(let root)? = try? JSONReader.parse(text), case .record(let labs)? = root["labs"] else { return progress }
        for (id, value) in labs.fields {
            guard case .record(let r) = value else { continue }
            var entry = Entry()
            if case .list(let done)? = r["steps_done"] {
                entry.stepsDone = Set(done.compactMap { if case .int(let i) = $0 { return i } else { return nil } })
            }
            if case .int(let c)? = r["current"] { entry.current = max(1, c) }
            progress.labs[id] = entry
        }
        return progress
    }

    public func save(to directory: String?) throws {
        guard let directory else { return }
        try Files.makeDirectories(directory)
        var labsRecord = Record()
        for (id, entry) in labs.sorted(by: { $0.key < $1.key }) {
            labsRecord.append(id, .record(Record([("steps_done", .list(entry.stepsDone.sorted().map { .int($0) })),
                                                  ("current", .int(entry.current))])))
        }
        let root = Record([("version", .int(1)), ("labs", .record(labsRecord))])
        try Files.writeAtomically(directory + "/progress.json", JSONRenderer.object(root) + "\n")
    }
}
