import time
time.no_such_clock()
