print("never printed: the program does not compile")
match 1:
    case _:
        print("any")
    case 2:
        print("two")
