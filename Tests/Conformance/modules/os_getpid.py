import os
pid = os.getpid()
print(type(pid).__name__, pid > 0, pid == os.getpid())
print(os.getppid() > 0, os.getppid() != pid)
n = os.cpu_count()
print(type(n).__name__, n >= 1)
