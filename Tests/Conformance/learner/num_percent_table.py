rows = [("alpha", 0.5, 12), ("beta", 12.25, 3)]
for name, price, qty in rows:
    print("%-8s %8.2f %4d %10.3e" % (name, price, qty, price * qty))
