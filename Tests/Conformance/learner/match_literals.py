def kind(v):
    match v:
        case 0:
            return "zero"
        case -1:
            return "minus one"
        case 2.5:
            return "two and a half"
        case "hi" "!":
            return "greeting"
        case b"raw":
            return "bytes"
        case None:
            return "nothing"
        case True:
            return "true"
        case False:
            return "false"
        case _:
            return "other " + repr(v)

for v in [0, -1, 2.5, "hi!", b"raw", None, True, False, 0.0, 1, 1.0, "hi", -2]:
    print(repr(v), "->", kind(v))
