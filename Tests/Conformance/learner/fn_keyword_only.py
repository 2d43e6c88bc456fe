def connect(host, *, port=80, timeout=5):
    return host + ":" + str(port) + " t=" + str(timeout)

print(connect("a"))
print(connect("b", port=8080))
print(connect("c", timeout=1, port=22))
