s = "héllo wörld 🙂"
print(len(s), s[1], s[-1], s[6:11], s.upper())
print(len("🙂"), ord("é"), chr(233), ord("🙂"), chr(128578))
for ch in "añ🙂":
    print(ch, ord(ch))
