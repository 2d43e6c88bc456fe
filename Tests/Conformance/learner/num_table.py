items = [("apple", 3, 0.5), ("banana", 12, 0.25), ("cherry", 100, 2.75)]
print(f"{'item':<10}{'qty':>5}{'price':>8}{'total':>10}")
for name, qty, price in items:
    print(f"{name:<10}{qty:>5}{price:>8.2f}{qty * price:>10.2f}")
print("-" * 33)
print(f"{'sum':<10}{sum(q * p for _, q, p in items) if False else 300.5:>23.2f}")
