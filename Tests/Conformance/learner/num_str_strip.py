print(repr("  hi  ".strip()), repr("  hi  ".lstrip()), repr("  hi  ".rstrip()))
print("xxhixx".strip("x"), "www.example.com".strip("cmowz."), "--a--".lstrip("-"))
