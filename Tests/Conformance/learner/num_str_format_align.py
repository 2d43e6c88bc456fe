for n in (1, 22, 333):
    print("|{:<5}|{:^5}|{:>5}|{:05}|".format(n, n, n, n))
print("{:,}".format(1234567.891), "{:.2%}".format(0.4567), "{:e}".format(0.000123))
