words = ["banana", "Apple", "cherry"]
print(sorted(words, key=str.lower), list(map(str.upper, words)), str.join("-", words))
d = {"a": 1}
print(dict.get(d, "a"), dict.get(d, "z", 0), list(map(str.strip, [" x ", "y "])), str.split("a b"))
lst = []
list.append(lst, 3)
print(lst)
try:
    str.upper(5)
except TypeError as e:
    print("TypeError", e)
