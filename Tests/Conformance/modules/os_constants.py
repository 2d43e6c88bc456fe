import os
print(os.sep, repr(os.linesep), os.name, os.curdir, os.pardir, os.extsep, os.pathsep)
print(os.path.sep)
