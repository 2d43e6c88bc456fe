s = "hi"
print(f"[{s:^10}]|[{s:>6}]|[{s:<6}]|[{s:*^9}]|[{'abcdef':.3}]")
name = "Ada"
print(f"{name!r:>8}|{name!s:<5}|")
