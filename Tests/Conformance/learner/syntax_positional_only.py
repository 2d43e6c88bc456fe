# Parameters before / are positional only; with **kwargs the same name may still come as a keyword.
def area(width, height, /, unit="cm"):
    return f"{width * height} {unit}²"
print(area(2, 3))
print(area(2, 3, unit="m"))
def tag(name, /, **attrs):
    return name, attrs
print(tag("a", name="link", href="#"))
try:
    area(width=2, height=3)
except TypeError as e:
    print("TypeError:", e)
