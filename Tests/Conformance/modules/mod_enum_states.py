from enum import Enum, auto
import threading
class State(Enum):
    IDLE = auto()
    RUNNING = auto()
    DONE = auto()
    FINISHED = 3
    def is_active(self):
        return self is State.RUNNING
print(list(State), State.FINISHED, State.DONE is State.FINISHED, len(State))
print(State.RUNNING.is_active(), State(1), State["DONE"], isinstance(State.IDLE, State))
status = {State.IDLE: 0, State.RUNNING: 0}
lock = threading.Lock()
def work():
    with lock:
        status[State.RUNNING] += 1
ts = [threading.Thread(target=work) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print(status, State.IDLE == State.IDLE, State.IDLE != State.DONE, State.IDLE == 1)
print(f"{State.DONE}", State.DONE.name, State.DONE.value, type(State.DONE).__name__)
for bad in (lambda: State(9), lambda: State["NOPE"]):
    try:
        bad()
    except (ValueError, KeyError) as e:
        print(type(e).__name__, e)
