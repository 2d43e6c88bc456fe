class Units:
    @staticmethod
    def km(miles):
        return round(miles * 1.609, 1)

    MARATHON = km(26.2)
    HALF = km(13.1)


print(Units.MARATHON, Units.HALF, Units.km(1))
print(callable(staticmethod(len)), callable(classmethod(len)), callable(property()))
helper = staticmethod(lambda a, b=2: a * b)
print(helper(3), helper(3, b=4))
try:
    classmethod(len)("x")
except TypeError as e:
    print(e)
