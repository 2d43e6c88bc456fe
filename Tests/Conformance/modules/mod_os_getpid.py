import os
print(os.getpid() > 0)
