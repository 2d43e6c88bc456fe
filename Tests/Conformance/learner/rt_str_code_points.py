# Strings compare, hash and count by code point, not by canonical equivalence.
composed = "caf\u00e9"
decomposed = "cafe\u0301"
print(composed == decomposed, composed != decomposed)
print(len(composed), len(decomposed))
print(composed < decomposed, decomposed < composed)
print("e" in decomposed, "\u00e9" in decomposed, "\u0301" in decomposed)
print(decomposed.find("\u0301"), decomposed.index("e"))
prices = {composed: 1, decomposed: 2}
print(len(prices), prices[composed], prices[decomposed])
print(len({composed, decomposed}))
print(sorted([decomposed, composed]) == [decomposed, composed])
print(max(composed, decomposed) == composed, min(composed, decomposed) == decomposed)
print(["\u00e9"] == ["e\u0301"], ("\u00e9",) == ("e\u0301",))
print("ab" < "b", "Z" < "a", "\uffff" < "\U0001F600", "a" < "a\u0000")
print([ord(c) for c in decomposed])
print(decomposed[::-1] == "\u0301efac", decomposed.upper())
print(decomposed.count("e"), decomposed.replace("e", "E") == "cafE\u0301")
a = "caf\u00e9"
b = "cafe\u0301"
print(hash(a) == hash(b), hash((a,)) == hash((b,)), hash(a) == hash("caf" + "\u00e9"), len({(a, 1), (b, 1)}))
print(hash(1) == hash(1.0) == hash(True), hash((1, "x")) == hash((1.0, "x")), {1: "a", 1.0: "b", True: "c"})
