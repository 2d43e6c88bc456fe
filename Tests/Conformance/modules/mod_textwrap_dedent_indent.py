import textwrap

def show():
    text = """
        first line
          indented more
        last line
    """
    return textwrap.dedent(text)
print(repr(show()))
print(repr(textwrap.dedent("  a\n\tb")), repr(textwrap.dedent("   x\n   y\n")), repr(textwrap.dedent("\t\tx\n\t  y")))
print(repr(textwrap.dedent("    hello\n      \n    world")))
print(textwrap.indent("one\ntwo\n\nthree", "> "))
print(repr(textwrap.indent("a\n  \nb\n", "+", lambda line: True)))
print(textwrap.indent(textwrap.fill("The quick brown fox jumps over the lazy dog", 20), "    "))
print(textwrap.shorten("Hello  world, this is a test", 12), "|", textwrap.shorten("Hello world", 11))
print(textwrap.fill("one two three four five six", 9, max_lines=2, placeholder=" ..."))
print(textwrap.wrap("Hi there. How are you? Fine!\" ok. A.B. Yes.", 12, fix_sentence_endings=True))
print(textwrap.wrap("  a b  ", 3, drop_whitespace=False), textwrap.wrap("x" * 25 + " yy", 10), textwrap.wrap("ab-cd-ef-gh-ij-kl", 5))
print(textwrap.wrap("some-very-long-hyphenated-words-here and more", 8), textwrap.wrap("a--b c---d e-- f", 4))
print(textwrap.wrap("end.  Next\tline\nnew", 7, expand_tabs=False), textwrap.wrap("tab\there", 20, tabsize=4))
