import threading

class Worker(threading.Thread):
    def __init__(self, n):
        threading.Thread.__init__(self)
        self.n = n
        self.result = None

    def run(self):
        self.result = self.n * 10

workers = [Worker(i) for i in range(3)]
for w in workers:
    w.start()
for w in workers:
    w.join()
print([w.result for w in workers])
