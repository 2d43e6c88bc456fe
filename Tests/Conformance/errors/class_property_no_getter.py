class Box:
    def _set(self, v):
        self._v = v

    value = property(None, _set)


b = Box()
b.value = 3
print(b._v)
print(b.value)
