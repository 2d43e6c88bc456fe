colors = frozenset(["red", "green"])
colors.add("blue")
