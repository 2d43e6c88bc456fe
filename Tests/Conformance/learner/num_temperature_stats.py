temps = [21.5, 19.0, 23.25, 18.75, 22.0]
mean = sum(temps) / len(temps)
var = sum((t - mean) ** 2 for t in temps) / len(temps)
print(f"mean={mean:.3f} var={var:.4f} sd={var ** 0.5:.4f}")
print(f"range {min(temps)}..{max(temps)}")
