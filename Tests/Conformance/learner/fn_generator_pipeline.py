def read(lines):
    for line in lines:
        yield line

def strip_blank(lines):
    for line in lines:
        if line:
            yield line

def upper(lines):
    for line in lines:
        yield line.upper()

src = ["a", "", "b", "", "c"]
print(list(upper(strip_blank(read(src)))))
