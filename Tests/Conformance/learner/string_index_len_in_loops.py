# Indexing, slicing and len() of strings built up in a loop, ASCII and not.
s = ""
for i in range(300):
    s += "ab"
    if i % 100 == 0:
        s += str(i)
print(len(s), s[0], s[-1], s[5], s[-7:], s[:5], s[::97], s[3:40:6])

t = "naïve café ☕ " * 3
t += "end"
print(len(t), t[2], t[-1], t[11], t[-5:], t[::5], t[1:9:2])

count = 0
i = 0
while i < len(s):
    if s[i] == "b":
        count += 1
    i += 1
print(count)

u = "x"
u += "é"
print(len(u), u[1], u[-2:], u[::-1])
u += "y"
print(len(u), u[2], repr(u[5:]), u[-1:-4:-1])

for bad in (10 ** 6, -10 ** 6):
    try:
        s[bad]
    except IndexError as e:
        print("IndexError", e)
try:
    s["a"]
except TypeError as e:
    print("TypeError", e)
print(s[True], s[False], "abc"[-3])
