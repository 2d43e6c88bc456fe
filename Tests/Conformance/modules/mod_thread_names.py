import threading

def work():
    pass

def other():
    pass

a = threading.Thread(target=work)
b = threading.Thread(target=other, name="custom")
c = threading.Thread(target=work)
print(a.name)
print(b.name)
print(c.name)
for t in (a, b, c):
    t.start()
    t.join()
