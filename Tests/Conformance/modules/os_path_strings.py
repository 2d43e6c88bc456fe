import os
import os.path
print(os.path.join("a", "b", "c.txt"))
print(os.path.join("a/", "b"))
print(os.path.join("a", "/abs", "c"))
print(os.path.basename("dir/sub/file.py"), os.path.dirname("dir/sub/file.py"))
print(os.path.basename("dir/"), repr(os.path.dirname("file")))
print(os.path.split("x/y/z"), os.path.split("/top"))
print(os.path.splitext("archive.tar.gz"), os.path.splitext(".bashrc"), os.path.splitext("noext"))
print(os.path.isabs("/x"), os.path.isabs("x"))
from os.path import join, splitext
print(join("p", "q"), splitext("f.txt"))
