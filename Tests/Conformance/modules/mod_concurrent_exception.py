from concurrent.futures import ThreadPoolExecutor

def fail():
    raise ValueError("bad input")

with ThreadPoolExecutor(1) as ex:
    f = ex.submit(fail)
    try:
        f.result()
    except ValueError as e:
        print("caught", e)
    print(type(f.exception()).__name__)
