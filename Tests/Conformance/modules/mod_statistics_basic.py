import statistics

data = [2.5, 3.25, 5.5, 1.75, 4.0]
print(statistics.mean(data), statistics.median(data), statistics.mode([1, 1, 2, 3, 3, 3]))
print(statistics.stdev(data), statistics.variance(data), statistics.pstdev(data), statistics.pvariance(data))
ints = [1, 2, 3, 4]
print(statistics.mean(ints), statistics.mean([1, 2, 3]), statistics.median(ints), statistics.median([3, 1, 2]))
print(statistics.variance(ints), statistics.stdev(ints), statistics.pvariance([1, 2, 3]), statistics.pstdev([2, 4, 4, 4, 5, 5, 7, 9]))
print(statistics.mean([0.1, 0.2, 0.3]), statistics.fmean([0.1, 0.2, 0.3]), statistics.variance([0.1, 0.2, 0.3]))
print(statistics.median_low(ints), statistics.median_high(ints), statistics.mode("abracadabra"), statistics.multimode("aabbc"))
print(statistics.mean([1, 2.5]), statistics.mean([True, 3]), statistics.variance([1, 2, 3, 4], 2.5))
print(statistics.mean([1e16, 1.0, -1e16]), statistics.stdev([1e9 + 1, 1e9 + 2, 1e9 + 3]))
print(statistics.stdev([72.3, 68.1, 90.0, 55.5, 61.2, 77.7, 84.4]), statistics.pstdev([-3, 11, 17, 0.5]))
