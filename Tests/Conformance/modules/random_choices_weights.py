# choices with weights, cumulative weights and k; the errors it gives for mismatched input.
import random
random.seed(3)
print(random.choices(["red", "green", "blue"], weights=[10, 1, 1], k=12))
print(random.choices("abc", cum_weights=[1, 2, 10], k=8))
print(random.choices([1, 2, 3], [0.5, 0.25, 0.25], k=6))
print(random.choices("xyz"))
try:
    random.choices("ab", weights=[1], k=2)
except ValueError as e:
    print("ValueError:", e)
try:
    random.choices("ab", weights=[1, 1], cum_weights=[1, 2])
except TypeError as e:
    print("TypeError:", e)
try:
    random.choices("ab", weights=[0, 0])
except ValueError as e:
    print("ValueError:", e)
