import heapq

data = [9, 4, 7, 1, 8, 2, 6, 3, 5, 0]
heapq.heapify(data)
print(data)
print(heapq.heappushpop(data, 4), data)
print(heapq.heappushpop(data, -1), data)
print(heapq.heapreplace(data, 10), data)
tasks = []
for priority, name in [(3, "write"), (1, "plan"), (2, "code"), (1, "eat")]:
    heapq.heappush(tasks, (priority, name))
print(tasks)
print([heapq.heappop(tasks)[1] for _ in range(len(tasks))])
