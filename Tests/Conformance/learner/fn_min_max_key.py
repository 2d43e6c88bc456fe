scores = {"ann": 90, "bob": 72, "cy": 90}
print(max(scores, key=lambda n: scores[n]))
print(min(scores, key=lambda n: scores[n]))
words = ["aa", "b", "cccc", "dd"]
print(max(words, key=len), min(words, key=len))
