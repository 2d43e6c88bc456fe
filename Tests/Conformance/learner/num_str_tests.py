for s in ("123", "12a", "abc", "   ", "", "a1", "ABC", "abc def"):
    print(repr(s), s.isdigit(), s.isalpha(), s.isspace(), s.isalnum(), s.isupper(), s.islower())
