limit = 50
primes = []
for n in range(2, limit):
    if all(n % d != 0 for d in range(2, int(n ** 0.5) + 1)):
        primes.append(n)
print(primes)
print(len(primes), sum(primes) / len(primes))
