import LabOS
import LabCore

/// Finding labs on disk: `Labs/<lang>/NN-id.md`.
public enum LabCatalog {

    /// The most a lab file may hold; a bigger file (or `/dev/zero` behind a link) is refused, not read.
    public static let maxLabFileBytes = 1 << 20

    /// What a search for labs found: the lab files, sorted, and a one-line note for each entry it would not use.
    public struct Discovery: Sendable {
        public var files: [String] = []
        public var skipped: [String] = []
    }

    /// Lab files under `paths` (files as given, folders searched recursively), sorted; FORMAT.md and README.md are not labs.
    public static func files(in paths: [String]) -> [String] { discover(paths).files }

    /// Searches `paths` for lab files. A folder may be someone else's, so the search does not follow a symbolic
    /// link that leads out of the folder it was given, never enters a folder twice (a link back up would loop),
    /// and skips a `*.md` that is not a regular file (a FIFO would block the reader) with a note saying why.
    public static func discover(_ paths: [String]) -> Discovery {
        var result = Discovery()
        for path in paths {
            let root = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
            guard let info = Files.info(root) else {
                // A missing file is reported when it is read, as before.
                if root.hasSuffix(".md") { result.files.append(root) }
                continue
            }
            switch info.kind {
            case .directory:
                var visited: Set<[UInt64]> = []
                walk(root, inside: Files.realPath(root) ?? root, depth: 0, visited: &visited, into: &result)
            case .regular:
                if isLabName(root) { result.files.append(root) }
            default:
                if root.hasSuffix(".md") { result.skipped.append("\(root): \(info.kind.described), not a regular file; skipped") }
            }
        }
        result.files.sort()
        return result
    }

    private static func isLabName(_ path: String) -> Bool {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        return path.hasSuffix(".md") && base != "FORMAT.md" && base != "README.md"
    }

    private static func walk(_ directory: String, inside root: String, depth: Int, visited: inout Set<[UInt64]>, into result: inout Discovery) {
        guard let info = Files.info(directory) else { return }
        guard visited.insert([info.device, info.inode]).inserted else {
            result.skipped.append("\(directory): leads to a folder already searched (a symbolic link loop?); not followed")
            return
        }
        guard depth < 32 else {
            result.skipped.append("\(directory): folders nested more than 32 deep; not searched")
            return
        }
        for entry in Files.list(directory) {
            let name = entry.hasSuffix("/") ? String(entry.dropLast()) : entry
            let path = (directory == "/" ? "" : directory) + "/" + name
            guard let own = Files.linkInfo(path) else { continue }
            var kind = own.kind
            if own.kind == .symbolicLink {
                guard let target = Files.realPath(path) else {
                    if name.hasSuffix(".md") || Files.info(path) == nil {
                        result.skipped.append("\(path): a symbolic link that leads nowhere or round a loop; not followed")
                    }
                    continue
                }
                guard target == root || target.hasPrefix(root == "/" ? "/" : root + "/") else {
                    if name.hasSuffix(".md") || Files.info(path)?.kind == .directory {
                        result.skipped.append("\(path): a symbolic link to \(target), outside \(root); not followed")
                    }
                    continue
                }
                guard let followed = Files.info(path) else { continue }
                kind = followed.kind
            }
            switch kind {
            case .directory:
                walk(path, inside: root, depth: depth + 1, visited: &visited, into: &result)
            case .regular:
                if isLabName(path) { result.files.append(path) }
            default:
                if name.hasSuffix(".md") { result.skipped.append("\(path): \(kind.described), not a regular file; skipped") }
            }
        }
    }

    /// The text of a lab file: a regular file of at most `maxLabFileBytes`, read without ever blocking.
    public static func readLab(_ path: String) throws(LabFileError) -> String {
        do { return try Files.readRegularFile(path, maxBytes: maxLabFileBytes) } catch {
            let reason: String
            switch error {
            case .failed(let error): reason = error.description
            case .notRegular(_, let kind): reason = "\(kind.described), not a regular file; not read"
            case .tooLarge(_, let bytes, let limit): reason = "\(bytes) bytes, more than the \(limit) a lab file may hold; not read"
            }
            throw LabFileError(path: path, line: 0, reason: reason)
        }
    }

    /// A lab file compiled into the binary: its path under `Labs/` (`en/00-tour.md`) and its text.
    public struct BuiltInFile: Sendable, Equatable {
        public var path: String
        public var text: String
        public init(path: String, text: String) {
            self.path = path
            self.text = text
        }
    }

    /// The lab files compiled into the binary. The executable sets them once as it starts; a session made without
    /// them (the unit tests') sees the labs of its folder alone.
    public static var builtIn: [BuiltInFile] {
        get { builtInFiles.withLock { $0 } }
        set { builtInFiles.withLock { $0 = newValue } }
    }
    private static let builtInFiles = Locked<[BuiltInFile]>([])

    /// How a built-in lab's path is shown (in errors, `lab status`, replay reports): not a file on this machine.
    public static let builtInPrefix = "built-in:"

    /// Every lab of one language: the built-in ones, then those of `labsDirectory/<language>` (when given), a lab
    /// there replacing the built-in lab of the same id. Sorted by file name, so a folder's `09-mine.md` comes after
    /// the built-in `08-…`. Files that fail to parse come back as errors.
    public static func load(labsDirectory: String?, language: LabLanguage) -> (labs: [Lab], errors: [LabFileError]) {
        var labs: [Lab] = []
        var errors: [LabFileError] = []
        for file in builtIn where file.path.hasPrefix(language.rawValue + "/") && isLabName(file.path) {
            do throws(LabFileError) {
                labs.append(try LabParser.parse(file.text, path: builtInPrefix + file.path, language: language))
            } catch {
                errors.append(error)
            }
        }
        let directory = labsDirectory.map { [$0 + "/" + language.rawValue] } ?? []
        for path in files(in: directory) {
            do throws(LabFileError) {
                let lab = try LabParser.parse(try readLab(path), path: path, language: language)
                if let index = labs.firstIndex(where: { $0.id == lab.id && $0.path.hasPrefix(builtInPrefix) }) {
                    labs[index] = lab
                } else {
                    labs.append(lab)
                }
            } catch {
                errors.append(error)
            }
        }
        return (sortedByFileName(labs), errors)
    }

    /// Labs in the order of their file names (`00-tour.md` first), wherever the files are.
    private static func sortedByFileName(_ labs: [Lab]) -> [Lab] {
        func name(_ lab: Lab) -> Substring { lab.path.split(separator: "/").last ?? Substring(lab.path) }
        return labs.enumerated().sorted { a, b in
            let (x, y) = (name(a.element), name(b.element))
            return x == y ? a.offset < b.offset : x < y
        }.map(\.element)
    }

    /// Whether the machine meets a lab's front-matter requirements; the first unmet one otherwise.
    public static func unmetRequirement(_ lab: Lab) -> String? {
        unmetRequirement(lab.requires)
    }

    /// The first of `requirements` this machine does not meet, as a reason in `language`
    /// ("needs 2 cores, this process may use 1"); nil when all are met. Used for labs and for single steps.
    public static func unmetRequirement(_ requirements: [LabRequirement], language: LabLanguage = .en) -> String? {
        let strings = language.strings
        for requirement in requirements {
            switch requirement {
            case .program(let name):
                if Files.findExecutable(name) == nil {
                    return strings.needsProgram(name)
                }
            case .cores(let n):
                // The CPUs this process may use (affinity mask, cgroup quota), not the CPUs online: under
                // `taskset -c 0` two threads never run at the same moment.
                let have = System.usableCPUs.cores
                if have < n { return strings.needsCores(n, have) }
            case .timeout:
                continue
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
        /// The predictions made in the lab (the latest per step) and what they met: `lab status`'s tally.
        public var predictions: [PredictionRecord] = []

        package init(stepsDone: Set<Int> = [], current: Int = 1, predictions: [PredictionRecord] = []) {
            self.stepsDone = stepsDone
            self.current = current
            self.predictions = predictions
        }
    }

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
            if case .list(let made)? = r["predictions"] {
                entry.predictions = made.compactMap { item in
                    guard case .record(let p) = item, case .int(let step)? = p["step"], case .string(let predicted)? = p["predicted"],
                          case .string(let measured)? = p["measured"], case .bool(let good)? = p["good"] else { return nil }
                    return PredictionRecord(step: step, predicted: predicted, measured: measured, good: good)
                }
            }
            progress.labs[id] = entry
        }
        return progress
    }

    public func save(to directory: String?) throws {
        guard let directory else { return }
        try Files.makeDirectories(directory)
        var labsRecord = Record()
        for (id, entry) in labs.sorted(by: { $0.key < $1.key }) {
            var record = Record([("steps_done", .list(entry.stepsDone.sorted().map { .int($0) })), ("current", .int(entry.current))])
            if !entry.predictions.isEmpty {
                record.append("predictions", .list(entry.predictions.map { p in
                    .record(Record([("step", .int(p.step)), ("predicted", .string(p.predicted)), ("measured", .string(p.measured)),
                                    ("good", .bool(p.good))]))
                }))
            }
            labsRecord.append(id, .record(record))
        }
        let root = Record([("version", .int(1)), ("labs", .record(labsRecord))])
        try Files.writeAtomically(directory + "/progress.json", JSONRenderer.object(root) + "\n")
    }
}
