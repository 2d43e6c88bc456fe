print(f"{'abc':+}")
