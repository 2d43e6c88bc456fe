import LabOS
import LabCore

/// `conclab lint`: malformed labs as `file:line: reason` — parse errors (bad check and goal conditions among them),
/// unknown commands, bad arguments, a missing twin in the other language, and steps (commands, checks, goals, step
/// requirements, predictions) that differ between `en` and `ru`.
public enum LabLinter {
    public static func lint(_ paths: [String], registry: Registry) -> [LabFileError] {
        var errors: [LabFileError] = []
        var labs: [String: Lab] = [:]
        for path in LabCatalog.files(in: paths) {
            do throws(LabFileError) {
                let lab = try LabParser.parse(try LabCatalog.readLab(path), path: path)
                labs[path] = lab
                errors += commandErrors(lab, registry: registry)
            } catch {
                errors.append(error)
            }
        }
        for (path, lab) in labs.sorted(by: { $0.key < $1.key }) {
            guard let twinPath = twin(of: path) else {
                errors.append(LabFileError(path: path, line: 1, reason: "a lab lives in Labs/en/ or Labs/ru/"))
                continue
            }
            guard Files.isRegularFile(twinPath) else {
                errors.append(LabFileError(path: path, line: 1, reason: "no twin in the other language: \(twinPath) is missing"))
                continue
            }
            // Compare each pair once, from the English side.
            guard lab.language == .en else { continue }
            let other: Lab
            if let parsed = labs[twinPath] { other = parsed } else {
                guard let text = try? LabCatalog.readLab(twinPath), let parsed = try? LabParser.parse(text, path: twinPath) else { continue }
                other = parsed
            }
            errors += differences(lab, other)
        }
        return errors
    }

    package static func twin(of path: String) -> String? {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else { return nil }
        let languages = LabLanguage.allCases
        guard let language = LabLanguage(rawValue: parts[parts.count - 2]), let i = languages.firstIndex(of: language) else { return nil }
        parts[parts.count - 2] = languages[(i + 1) % languages.count].rawValue
        return parts.joined(separator: "/")
    }

    package static func commandErrors(_ lab: Lab, registry: Registry) -> [LabFileError] {
        var errors: [LabFileError] = []
        for step in lab.steps {
            for command in step.commands {
                do {
                    let words = try Tokenizer.split(command.text)
                    let stage = Array(words.prefix { !$0.isPipe })
                    let (resolved, path, rest) = try registry.resolve(stage)
                    _ = try ArgumentReader.parse(rest, spec: resolved.spec, usage: registry.usageLines(for: resolved, path: path))
                } catch {
                    errors.append(LabFileError(path: lab.path, line: command.number, reason: "'\(command.text)': \(error)"))
                }
            }
        }
        return errors
    }

    package static func differences(_ a: Lab, _ b: Lab) -> [LabFileError] {
        var errors: [LabFileError] = []
        if a.id != b.id { errors.append(LabFileError(path: b.path, line: 2, reason: "id '\(b.id)' differs from '\(a.id)' in \(a.path)")) }
        if a.steps.count != b.steps.count {
            errors.append(LabFileError(path: b.path, line: 1, reason: "\(b.steps.count) steps, but \(a.path) has \(a.steps.count)"))
            return errors
        }
        for (sa, sb) in zip(a.steps, b.steps) {
            let ca = sa.commands.map(\.text), cb = sb.commands.map(\.text)
            if ca != cb {
                errors.append(LabFileError(path: b.path, line: sb.line, reason: "step '\(sb.title)' runs \(cb) but its twin in \(a.path) runs \(ca)"))
            }
            // A goal and a check block with the same lines still differ.
            let ka = sa.checkGroups.map { [$0.isGoal ? "goal" : "check"] + $0.checks.map(\.text) }
            let kb = sb.checkGroups.map { [$0.isGoal ? "goal" : "check"] + $0.checks.map(\.text) }
            if ka != kb {
                errors.append(LabFileError(path: b.path, line: sb.line, reason: "step '\(sb.title)' checks differ from its twin in \(a.path)"))
            }
            // The same question in both languages: kind, expression, choices, answer and the command that measures it.
            if sa.prediction?.signature != sb.prediction?.signature {
                errors.append(LabFileError(path: b.path, line: sb.prediction?.line ?? sb.line,
                                           reason: "step '\(sb.title)' predicts differently from its twin in \(a.path)"))
            }
            // The files are code: the same names and contents in both languages.
            if sa.files.map({ [$0.name, $0.text, $0.isSolution ? "solution" : "file"] }) != sb.files.map({ [$0.name, $0.text, $0.isSolution ? "solution" : "file"] }) {
                errors.append(LabFileError(path: b.path, line: sb.files.first?.line ?? sb.line,
                                           reason: "step '\(sb.title)' hands out files that differ from its twin's in \(a.path)"))
            }
            // Order inside the block does not matter: both twins must skip on the same machines.
            if Set(sa.requires) != Set(sb.requires) {
                func shown(_ r: [LabRequirement]) -> String { r.isEmpty ? "nothing" : r.map(\.description).joined(separator: ", ") }
                errors.append(LabFileError(path: b.path, line: sb.requiresLine ?? sb.line,
                                           reason: "step '\(sb.title)' requires \(shown(sb.requires)) but its twin in \(a.path) requires \(shown(sa.requires))"))
            }
        }
        return errors
    }
}
