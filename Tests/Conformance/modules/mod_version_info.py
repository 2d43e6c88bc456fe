import sys
print(sys.version_info.major, sys.version_info.minor)
print(sys.version_info >= (3, 8), sys.version_info < (4,))
major, minor = sys.version_info[:2]
print(major, minor)
