print(repr("it's"), repr('say "hi"'), repr("both ' and \""), repr("tab\tnew\nline"))
print(["a", 'b"', "c'"])
