prices = {"apple": 3, "pear": 5}
for name, price in prices.items():
    print(name, price)
print(list(prices.keys()), sorted(prices.values()))
print(sum(prices.values()))
