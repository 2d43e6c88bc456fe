# A str or bytes seed uses all its bytes (with their SHA-512), so the numbers are python3's for the same text.
import random
for s in ["hello", "", "conclab ✓", b"bytes", "long " * 50]:
    random.seed(s)
    print(repr(s)[:16], random.random(), random.randint(1, 100), random.choice("abcdef"))
r = random.Random("instance seed")
print(r.sample(range(100), 5))
