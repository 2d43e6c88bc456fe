import time

time.sleep(0)
start = time.monotonic_ns()
time.sleep(1)
elapsed = time.monotonic_ns() - start
print(elapsed >= 1000000000)
