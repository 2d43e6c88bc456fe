print("never printed")
def f(v):
    match v:
        case x:
            return x
        case 1:
            return 1
