import time

for s in [0, 86399, 86400, 951782400, 1709251199, 1709251200, 1735689599, 4102444800, -1, -86401, 1234567890.75]:
    g = time.gmtime(s)
    print(g, g.tm_year, g[0], tuple(g)[-3:], len(g))
    print(time.strftime("%Y-%m-%d %H:%M:%S %a %A %b %B %j %y %I %p %w %U %W %D %T %F %e|%%", g), time.asctime(g))
g = time.gmtime(1700000000)
print(time.strftime("%c %x %X", g))
print(time.strftime("%H:%M", (2024, 1, 2, 3, 4, 5, 1, 2, 0)))
t = time.localtime()
print(type(t).__name__, time.strftime("%Y") == str(t.tm_year), time.localtime(1700000000).tm_year)
print(time.mktime(time.localtime(1700000000)))
