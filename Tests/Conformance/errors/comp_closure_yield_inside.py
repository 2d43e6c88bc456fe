def collect(items):
    # 'yield' in a comprehension's element is refused when the program is compiled.
    return [(yield item) for item in items]
print("never printed")
