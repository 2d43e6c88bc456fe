# s += t grows a string in place only when nothing else sees it: every alias keeps its old text.
s = "ab"
t = s
s += "cd"
print(s, t)

def build(n):
    out = ""
    keep = []
    for i in range(n):
        out += str(i)
        if i % 3 == 0:
            keep.append(out)
    out = out + "!"
    return out, keep

text, kept = build(8)
print(text, kept)

u = "x"
u += u
u += u
print(u, len(u))

names = {"k": "v"}
v = names["k"]
v += "w"
print(v, names)

def grow():
    global g
    for i in range(3):
        g += "-" + str(i)
g = "start"
alias = g
grow()
print(g, alias)
