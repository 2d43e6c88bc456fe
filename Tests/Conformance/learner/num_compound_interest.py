balance = 1000.0
rate = 0.05
for year in range(1, 6):
    balance = balance * (1 + rate)
    print(year, round(balance, 2), f"{balance:,.2f}")
