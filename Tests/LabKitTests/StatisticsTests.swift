import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

@Suite struct StatisticsTests {
    @Test func oddCountMedianIsTheMiddle() {
        let stats = Statistics([5, 1, 3])
        expectEqual(stats.min, 1)
        expectEqual(stats.median, 3)
        expectEqual(stats.max, 5)
        expectEqual(stats.mean, 3)
    }

    @Test func evenCountMedianIsTheMeanOfTheMiddleTwo() {
        expectEqual(Statistics([4, 1, 3, 2]).median, 2)
        expectEqual(Statistics([10, 20]).median, 15)
        expectEqual(Statistics([1, 2]).mean, 1)
    }

    @Test(arguments: [(100, 99), (1000, 990), (10, 10), (1, 1), (200, 198)] as [(Int, Int64)])
    func p99(_ count: Int, _ expected: Int64) {
        let samples = (1...count).map(Int64.init).shuffled()
        let stats = Statistics(samples)
        expectEqual(stats.p99, expected)
        expectEqual(stats.max, Int64(count))
        expectEqual(stats.min, 1)
    }

    @Test func emptyAndSingle() {
        let empty = Statistics([])
        #expect(empty.min == 0 && empty.median == 0 && empty.mean == 0 && empty.max == 0 && empty.p99 == 0)
        let one = Statistics([7])
        #expect(one.min == 7 && one.median == 7 && one.mean == 7 && one.max == 7 && one.p99 == 7)
    }
}
