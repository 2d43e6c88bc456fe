import time
start = time.perf_counter()
elapsed = time.perf_counter() - start
print(elapsed >= 0)
