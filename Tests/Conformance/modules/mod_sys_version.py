import sys

print(sys.version_info[0], sys.version_info[:2] >= (3, 8))
print(sys.platform)
