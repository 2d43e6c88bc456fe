import LabCore

/// Replay results as JUnit XML, the format CI systems read: a test suite per lab (and language), a test case per
/// step. A failed check or a problem is a `<failure>` naming the lab file and line; a step skipped for a requirement
/// is `<skipped>` with its reason; a lab skipped as a whole is one skipped case.
public enum JUnitReport {
    /// `unreadable`: lab files that could not be read or parsed (path, reason), each a failed test of its own.
    public static func xml(_ reports: [ReplayReport], unreadable: [(path: String, reason: String)] = []) -> String {
        let failures = reports.reduce(0) { $0 + $1.steps.filter { !$0.passed && !$0.skipped }.count } + unreadable.count
        let tests = reports.reduce(0) { $0 + max(1, $1.steps.count) } + unreadable.count
        let skipped = reports.reduce(0) { $0 + ($1.status == .skipped && $1.steps.isEmpty ? 1 : $1.skippedStepCount) }
        let seconds = Double(reports.reduce(0) { $0 + $1.elapsedNanoseconds }) / 1e9
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"conclab replay\" tests=\"\(tests)\" failures=\"\(failures)\" skipped=\"\(skipped)\" time=\"\(format(seconds))\">\n"
        for (path, reason) in unreadable {
            out += "  <testsuite name=\"\(escape(path))\" file=\"\(escape(path))\" tests=\"1\" failures=\"1\" skipped=\"0\" time=\"0.000\">\n"
            out += "    <testcase classname=\"conclab.lab\" name=\"\(escape(path))\">\n"
            out += "      <failure message=\"the lab file could not be read\" type=\"lab file\">\(escape(reason))</failure>\n"
            out += "    </testcase>\n  </testsuite>\n"
        }
        for report in reports { out += suite(report) }
        out += "</testsuites>\n"
        return out
    }

    static func suite(_ report: ReplayReport) -> String {
        let lab = report.lab
        let name = "\(lab.id) (\(lab.language.rawValue))"
        let className = "conclab.\(lab.language.rawValue).\(lab.id)"
        let failed = report.steps.filter { !$0.passed && !$0.skipped }.count
        var out = "  <testsuite name=\"\(escape(name))\" file=\"\(escape(lab.path))\" tests=\"\(max(1, report.steps.count))\" "
            + "failures=\"\(failed)\" skipped=\"\(report.skippedStepCount)\" time=\"\(format(Double(report.elapsedNanoseconds) / 1e9))\">\n"
        if report.steps.isEmpty {
            out += "    <testcase classname=\"\(escape(className))\" name=\"\(escape(lab.title))\">\n"
            if report.status == .skipped {
                out += "      <skipped message=\"\(escape(report.skipReason ?? "skipped"))\"/>\n"
            } else if report.status == .failed {
                out += "      <failure message=\"the lab did not run\">\(escape(report.skipReason ?? ""))</failure>\n"
            }
            out += "    </testcase>\n"
        }
        for step in report.steps {
            out += "    <testcase classname=\"\(escape(className))\" name=\"\(escape("step \(step.index): \(step.title)"))\">\n"
            if let reason = step.skipReason {
                out += "      <skipped message=\"\(escape(reason))\"/>\n"
            } else if !step.passed {
                let failedChecks = step.checks.filter { !$0.passed }
                let first = failedChecks.first.map { "check failed: \($0.condition)" } ?? step.problems.first ?? "failed"
                var body = failedChecks.map { "\(lab.path):\($0.line): ✗ \($0.condition)" + ($0.detail.isEmpty ? "" : "   (\($0.detail))") }
                body += step.problems.map { "\(lab.path): \($0)" }
                out += "      <failure message=\"\(escape(first))\" type=\"check\">\(escape(body.joined(separator: "\n")))</failure>\n"
            }
            out += "    </testcase>\n"
        }
        out += "  </testsuite>\n"
        return out
    }

    static func format(_ seconds: Double) -> String {
        let millis = Int((seconds * 1000).rounded())
        let fraction = String(millis % 1000)
        return "\(millis / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// Text for XML attributes and elements: the five special characters, and control characters XML 1.0 forbids.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { out += "?" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
