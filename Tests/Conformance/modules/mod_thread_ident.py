import threading

idents = []

def record():
    idents.append(threading.get_ident())

t = threading.Thread(target=record)
print(t.ident is None)
t.start()
t.join()
print(t.ident == idents[0])
print(t.ident != threading.get_ident())
print(isinstance(t.native_id, int))
