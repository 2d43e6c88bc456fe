import concurrent.futures

def double(n):
    return 2 * n

with concurrent.futures.ThreadPoolExecutor(2) as ex:
    fs = [ex.submit(double, i) for i in range(5)]
    done = sorted([f.result() for f in concurrent.futures.as_completed(fs)])
print(done)
