print(f"{None:>5}")
