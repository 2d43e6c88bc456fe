class Stack(list):
    def peek(self):
        return self[-1]
s = Stack()
s.append(1)
print(s.peek())
