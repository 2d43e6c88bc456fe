import string

print(string.ascii_letters)
print(string.ascii_lowercase, string.ascii_uppercase)
print(string.digits, string.hexdigits, string.octdigits)
print(string.punctuation)
print(repr(string.whitespace), repr(string.printable))
print(string.capwords("hello  big   world"), string.capwords("a-b c-d", "-"), string.capwords(" lead trail "))
word = "Hello, World! 123"
print(sum(1 for c in word if c in string.punctuation), [c for c in word if c in string.digits])
print(len(string.printable), string.ascii_lowercase.index("q"))
string.Formatter
