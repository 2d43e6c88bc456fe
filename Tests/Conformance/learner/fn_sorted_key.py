words = ["banana", "Apple", "cherry", "date"]
print(sorted(words))
print(sorted(words, key=len))
print(sorted(words, key=lambda w: w.lower()))
print(sorted(words, key=len, reverse=True))
