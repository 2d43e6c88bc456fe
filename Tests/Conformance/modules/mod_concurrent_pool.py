from concurrent.futures import ThreadPoolExecutor

def square(n):
    return n * n

with ThreadPoolExecutor(max_workers=3) as pool:
    futures = [pool.submit(square, i) for i in range(6)]
    print([f.result() for f in futures])
    print(list(pool.map(square, range(4))))
