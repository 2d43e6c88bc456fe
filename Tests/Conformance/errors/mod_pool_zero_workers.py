from concurrent.futures import ThreadPoolExecutor
ThreadPoolExecutor(max_workers=0)
