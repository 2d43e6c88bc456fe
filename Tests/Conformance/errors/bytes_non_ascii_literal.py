print(b"café")
