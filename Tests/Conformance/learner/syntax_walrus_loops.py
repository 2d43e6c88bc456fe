# Assignment expressions where a learner writes them: a condition, a while loop, a comprehension filter.
import random
data = [3, 8, 1, 9, 4]
if (n := len(data)) > 3:
    print("long list of", n)
queue = list(data)
while (item := queue.pop()) != 8:
    print("took", item)
print("left", queue)
doubled = [y for x in data if (y := x * 2) > 5]
print(doubled, "last y:", y)
print([last := v for v in range(4)], last)
def first_big(values, limit):
    for v in values:
        if (big := v) > limit:
            return big
    return None
print(first_big(data, 5), first_big(data, 50))
print((total := sum(data)), total / len(data))
