import time
import threading

done = threading.Event()
start = time.monotonic()
time.sleep(0.05)
print(time.monotonic() - start >= 0.05)
print(done.wait(0.01))
