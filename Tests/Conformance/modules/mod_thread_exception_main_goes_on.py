import threading

def fine():
    return 1

t = threading.Thread(target=fine)
t.start()
t.join()
print("main continues", t.is_alive())
