people = [("ann", 30), ("bob", 25), ("cy", 30), ("dee", 22)]
people.sort(key=lambda p: p[1])
print(people)
people.sort(key=lambda p: p[1], reverse=True)
print(people)
