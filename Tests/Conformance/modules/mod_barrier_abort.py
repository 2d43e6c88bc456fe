import threading

b = threading.Barrier(2)
b.abort()
print(b.broken)
try:
    b.wait()
except threading.BrokenBarrierError:
    print("broken")
b.reset()
print(b.broken)
