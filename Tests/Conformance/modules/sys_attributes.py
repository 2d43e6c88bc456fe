# The facts of sys a program reads: platform, byte order, the largest index, argv and path as lists.
import sys
print(sys.platform, sys.byteorder, sys.maxsize, sys.maxsize == 2 ** 63 - 1)
print(type(sys.argv).__name__, len(sys.argv), type(sys.argv[0]).__name__)
print(type(sys.path).__name__, all(isinstance(p, str) for p in sys.path))
print(type(sys.executable).__name__, sys.version_info[0], sys.version_info >= (3, 8))
print(callable(sys.stdout.flush), callable(sys.stderr.write), sys.stdout is not sys.stderr)
