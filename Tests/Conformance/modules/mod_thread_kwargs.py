import threading

out = {}

def greet(name, greeting="hello"):
    out[name] = greeting + ", " + name

t1 = threading.Thread(target=greet, args=("ann",))
t2 = threading.Thread(target=greet, args=("bob",), kwargs={"greeting": "hi"})
t1.start(); t2.start()
t1.join(); t2.join()
for k in sorted(out):
    print(out[k])
