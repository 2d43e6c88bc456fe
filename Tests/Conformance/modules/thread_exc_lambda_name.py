# A thread's default name says its target; an exception in it does not stop the program.
import threading
t = threading.Thread(target=lambda: [][1])
print(t.name.startswith("Thread-"), "(<lambda>)" in t.name)
t.start()
t.join()
u = threading.Thread(target=lambda: None, name="quiet")
u.start()
u.join()
print("main ok", u.name)
