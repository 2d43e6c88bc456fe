def make():
    return 1

match 5:
    case int(5):
        print("int(5) matched")
match 5:
    case make():
        print("no")
