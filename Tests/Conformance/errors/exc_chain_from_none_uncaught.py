try:
    int("seven")
except ValueError:
    raise RuntimeError("not a number") from None
