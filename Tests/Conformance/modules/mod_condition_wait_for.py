import threading

state = {"ready": 0}
cond = threading.Condition()

def bump():
    for _ in range(3):
        with cond:
            state["ready"] += 1
            cond.notify_all()

t = threading.Thread(target=bump)
t.start()
with cond:
    ok = cond.wait_for(lambda: state["ready"] == 3)
t.join()
print(ok, state["ready"])
