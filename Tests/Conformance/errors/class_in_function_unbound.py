def build():
    class Reader:
        def read(self):
            return later
    reader = Reader()
    print("made a reader")
    result = reader.read()
    later = "too late"
    return result

build()
