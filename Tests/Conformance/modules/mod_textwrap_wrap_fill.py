import textwrap
text = "The quick brown fox jumps over the lazy dog. A well-known saying -- used for typing practice; supercalifragilisticexpialidocious words break. e-mail and x-ray-vision and long--dash."
for w in (10, 15, 20, 33, 40, 70):
    print(textwrap.wrap(text, w))
print(textwrap.fill(text, 25, initial_indent="* ", subsequent_indent="  "))
print(textwrap.wrap("a\tb\nc  d", 4), textwrap.wrap("", 5), textwrap.wrap("   lead and trail   ", 8))
print(textwrap.wrap(text, 12, break_long_words=False), textwrap.wrap(text, 12, break_on_hyphens=False))
print(textwrap.shorten("Hello  world, this is a test", 12), textwrap.shorten("Hello world", 11), textwrap.shorten(text, 40, placeholder="..."))
print(textwrap.wrap(text, 30, max_lines=2))
s = """
    def f():
        return 1
      # odd
    \t
    end
"""
print(repr(textwrap.dedent(s)), repr(textwrap.dedent("  a\n\tb")), repr(textwrap.dedent("   x\n   y\n")))
print(repr(textwrap.indent("a\nb\n\nc", "> ")), repr(textwrap.indent("a\n  \nb", "+", lambda l: True)))
w = textwrap.TextWrapper(width=18, subsequent_indent="    ")
print(w.wrap(text))
print(textwrap.fill("word " * 20, width=30))
textwrap.wrap("x", 0)
