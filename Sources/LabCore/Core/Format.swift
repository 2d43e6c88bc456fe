/// Number formatting without Foundation: fixed decimals, thousands, and units scaled for people.
public enum Format {
    /// `fixed(3.14159, 2)` → "3.14".
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (abs(value) * scale).rounded()
        guard rounded < 9.0e18 else { return String(value) }
        let whole = Int(rounded) / Int(scale)
        let fraction = Int(rounded) % Int(scale)
        let sign = value < 0 && rounded != 0 ? "-" : ""
        if digits == 0 { return sign + String(whole) }
        var frac = String(fraction)
        while frac.count < digits { frac = "0" + frac }
        return sign + String(whole) + "." + frac
    }

    /// Three significant-ish digits: 1.23, 12.3, 123.
    public static func compact(_ value: Double) -> String {
        let a = abs(value)
        if a == 0 { return "0" }
        // Decide the decimals on the rounded value: 9.996 is "10.0", 99.96 is "100".
        if (a * 100).rounded() / 100 < 10 { return fixed(value, 2) }
        if (a * 10).rounded() / 10 < 100 { return fixed(value, 1) }
        return fixed(value, 0)
    }

    /// Whether `value` still shows below 1000 once rounded to three figures (else the next unit up).
    private static func fits(_ value: Double) -> Bool { value.rounded() < 1000 }

    /// A plain number as shown in tables and JSON: integers without a decimal point.
    public static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return fixed(value, abs(value) >= 100 ? 1 : 3)
    }

    public static func duration(nanoseconds ns: Double) -> String {
        let a = abs(ns)
        if fits(a) { return compact(ns) + " ns" }
        if fits(a / 1_000) { return compact(ns / 1_000) + " µs" }
        if fits(a / 1_000_000) { return compact(ns / 1_000_000) + " ms" }
        return compact(ns / 1_000_000_000) + " s"
    }

    public static func bytes(_ count: Double) -> String {
        let a = abs(count)
        if a < 1024 { return number(count) + " B" }
        if a < 1024 * 1024 { return compact(count / 1024) + " KiB" }
        if a < 1024 * 1024 * 1024 { return compact(count / (1024 * 1024)) + " MiB" }
        return compact(count / (1024 * 1024 * 1024)) + " GiB"
    }

    public static func quantity(_ value: Double, _ unit: Unit) -> String {
        if value == 0 {
            switch unit {
            case .percent: return "0%"
            case .microseconds: return "0 µs"
            default: return "0 " + unit.rawValue
            }
        }
        switch unit {
        case .nanoseconds: return duration(nanoseconds: value)
        case .microseconds: return duration(nanoseconds: value * 1e3)
        case .milliseconds: return duration(nanoseconds: value * 1e6)
        case .seconds: return duration(nanoseconds: value * 1e9)
        case .bytes: return bytes(value)
        case .percent: return compact(value) + "%"
        case .perSecond:
            if abs(value) >= 1e6 { return compact(value / 1e6) + " M/s" }
            if abs(value) >= 1e3 { return compact(value / 1e3) + " k/s" }
            return compact(value) + " /s"
        }
    }

    /// Width in terminal columns (`TextLayout.columns`: wide East Asian characters take two, combining marks none).
    public static func width(_ text: String) -> Int {
        var total = 0
        for scalar in text.unicodeScalars { total += TextLayout.columns(scalar) }
        return total
    }

    public static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let gap = max(0, width - Format.width(text))
        let spaces = String(repeating: " ", count: gap)
        return right ? spaces + text : text + spaces
    }
}
