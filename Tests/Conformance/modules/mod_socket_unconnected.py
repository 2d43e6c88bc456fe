import select
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
print(s.fileno() > 2, s.gettimeout(), s.getblocking())
s.setblocking(False)
print(s.gettimeout(), s.getblocking())
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
try:
    s.recv(10)
except OSError as e:
    print(type(e).__name__, e)
try:
    s.send(b"x")
except OSError as e:
    print(type(e).__name__, e)
try:
    s.recv(-1)
except ValueError as e:
    print("ValueError", e)
print(select.select([], [], [], 0))
try:
    select.select([], [], [], -1)
except ValueError as e:
    print("ValueError", e)
print(isinstance(BlockingIOError(), OSError), isinstance(ConnectionRefusedError(), ConnectionError), isinstance(TimeoutError(), OSError))
print(socket.timeout is TimeoutError, socket.error is OSError, select.error is OSError)
with s:
    pass
print(s.fileno())
try:
    s.recv(1)
except OSError as e:
    print(type(e).__name__, e)
