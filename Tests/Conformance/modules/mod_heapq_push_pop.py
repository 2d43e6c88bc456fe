import heapq

heap = []
for x in [5, 3, 8, 1, 9, 2, 7]:
    heapq.heappush(heap, x)
    print(heap)
while heap:
    print(heapq.heappop(heap), heap)
