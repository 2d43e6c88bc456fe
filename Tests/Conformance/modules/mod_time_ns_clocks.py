import time

a = time.perf_counter_ns()
b = time.perf_counter_ns()
print(b >= a)
print(time.time_ns() > 1600000000 * 10**9)
print(time.thread_time_ns() >= 0, time.process_time_ns() >= 0)
