/// Milliseconds the learner typed, turned into the nanoseconds the clocks count. Checked: a value too large for
/// an Int64 of nanoseconds (above about 292 years) becomes "practically forever" instead of trapping the shell.
package enum Time {
    /// The most any deadline reaches past now: about 73 years, so adding it to a clock reading cannot overflow.
    package static let forever: Int64 = Int64.max / 4

    /// `ms` milliseconds in nanoseconds, at most `forever`; a negative value is 0.
    package static func nanoseconds(milliseconds ms: Int) -> Int64 {
        guard ms > 0 else { return 0 }
        let (product, overflow) = Int64(ms).multipliedReportingOverflow(by: 1_000_000)
        return overflow ? forever : min(product, forever)
    }

    /// The clock reading `ms` milliseconds after `now`.
    package static func deadline(afterMilliseconds ms: Int, from now: Int64) -> Int64 {
        now + nanoseconds(milliseconds: ms)
    }
}
