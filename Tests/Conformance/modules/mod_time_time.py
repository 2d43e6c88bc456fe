import time
print(time.time() > 0)
