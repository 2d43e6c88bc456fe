from concurrent.futures import ThreadPoolExecutor

def boom():
    raise KeyError('missing')

with ThreadPoolExecutor(1) as ex:
    f = ex.submit(boom)
f.result()
