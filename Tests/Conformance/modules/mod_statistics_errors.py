import statistics

for f in (statistics.mean, statistics.median, statistics.mode, statistics.stdev, statistics.variance, statistics.pstdev):
    try:
        f([])
    except statistics.StatisticsError as e:
        print(f.__name__, "->", e)
try:
    statistics.stdev([5])
except ValueError as e:
    print("ValueError", e)
print(issubclass(statistics.StatisticsError, ValueError), statistics.multimode([]))
try:
    statistics.variance([4])
except statistics.StatisticsError as e:
    print(type(e).__name__, e)
statistics.mean([1, "a"])
