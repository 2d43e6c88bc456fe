try:
    raise ValueError("x") from 42
except TypeError as e:
    print(e)
raise KeyError("k") from "text"
