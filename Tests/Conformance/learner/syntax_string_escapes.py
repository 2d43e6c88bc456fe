# The escapes of str literals: octal, hex, \u, \U, \N{name}, and the control characters.
print(len("\033[1m"), repr("\033[1m"))
print("\101\102\103", "\x41\u00e9\U0001F600")
print("\N{BULLET} item", "\N{greek small letter alpha}", len("\N{EM DASH}"))
print(repr("\a\b\f\v\0"), [ord(c) for c in "\a\b\f\v\0"])
print(repr("\d stays"), len("\d"))
print(repr(f"\x41{1 + 1}\101\N{BULLET}\t|"))
line = "one\
two"
print(line)
