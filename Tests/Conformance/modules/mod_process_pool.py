from concurrent.futures import ProcessPoolExecutor

with ProcessPoolExecutor(2) as ex:
    print(list(ex.map(abs, [-1, -2])))
