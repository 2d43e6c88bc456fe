def report(name, **details):
    print("name:", name)
    for key, value in details.items():
        print(" ", key, "=", value)

report("ann", age=30, city="Oslo")
report("bob")
