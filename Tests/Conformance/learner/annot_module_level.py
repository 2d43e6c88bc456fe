count: int = 0
label: str
ratio: float = 1.5
print(__annotations__)
print(count, ratio)
try:
    print(label)
except NameError as e:
    print("NameError:", e)
count: int = count + 1
print(count, list(__annotations__))
