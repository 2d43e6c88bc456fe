words = ["a", "b", "c"]
print("-".join(words), ", ".join(str(x) for x in [1, 2.5, 3]))
print("ab" * 3, 3 * "x", "-" * 0, "b" in "abc", "z" not in "abc")
