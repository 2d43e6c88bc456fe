from concurrent.futures import ThreadPoolExecutor, wait, FIRST_COMPLETED, ALL_COMPLETED, FIRST_EXCEPTION
import time
def sleepy(t):
    time.sleep(t)
    if t < 0:
        raise ValueError("negative")
    return t
with ThreadPoolExecutor(3) as ex:
    fs = [ex.submit(sleepy, t) for t in (0.01, 0.02, 0.03)]
    done, not_done = wait(fs, return_when=ALL_COMPLETED)
    print(len(done), len(not_done), sorted(f.result() for f in done))
    fs = [ex.submit(sleepy, t) for t in (0.01, 1.0)]
    done, not_done = wait(fs, return_when=FIRST_COMPLETED)
    print(len(done), len(not_done), [f.result() for f in done])
    wait(not_done)
    fs = [ex.submit(sleepy, t) for t in (-0.01, 1.0)]
    done, not_done = wait(fs, return_when=FIRST_EXCEPTION)
    print(len(done), [type(f.exception()).__name__ for f in done])
    done, not_done = wait([ex.submit(sleepy, 1.0)], timeout=0.05)
    print(len(done), len(not_done))
    try:
        wait(fs, return_when="SOON")
    except ValueError as e:
        print("ValueError:", e)
