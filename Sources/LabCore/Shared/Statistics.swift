/// Order statistics of nanosecond samples.
public struct Statistics: Sendable, Equatable {
    public var min: Int64
    public var median: Int64
    public var mean: Int64
    public var max: Int64
    public var p99: Int64

    public init(_ samples: [Int64]) {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { self.init(min: 0, median: 0, mean: 0, max: 0, p99: 0); return }
        let n = sorted.count
        let median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        let p99Index = Swift.min(n - 1, Int((Double(n) * 0.99).rounded(.up)) - 1)
        self.init(min: sorted[0], median: median, mean: sorted.reduce(0, +) / Int64(n), max: sorted[n - 1],
                  p99: sorted[Swift.max(0, p99Index)])
    }

    package init(min: Int64, median: Int64, mean: Int64, max: Int64, p99: Int64) {
        self.min = min
        self.median = median
        self.mean = mean
        self.max = max
        self.p99 = p99
    }
}
