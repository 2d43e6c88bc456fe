print("never printed")
match "x":
    case f"x":
        pass
