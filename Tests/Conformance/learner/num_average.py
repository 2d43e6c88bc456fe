scores = [88, 92, 79, 93, 85]
avg = sum(scores) / len(scores)
print("Average:", avg)
print(f"Average: {avg:.2f}")
above = [s for s in scores if s > avg]
print(above)
