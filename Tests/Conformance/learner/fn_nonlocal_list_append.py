def collector():
    items = []
    def add(x):
        items.append(x)
        return len(items)
    def get():
        return items
    return add, get

add, get = collector()
add("a")
add("b")
print(get())
