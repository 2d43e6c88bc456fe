import heapq

heap = [1]
print(heapq.heappop(heap))
try:
    heapq.heapify((3, 1))
except TypeError as e:
    print("TypeError:", e)
heapq.heappop(heap)
