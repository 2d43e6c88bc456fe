print("key=value=x".partition("="), "key=value=x".rpartition("="), "none".partition("="))
text = "first\nsecond\r\nthird\n"
print(text.splitlines(), text.splitlines(True))
