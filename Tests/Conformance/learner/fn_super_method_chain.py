class Base:
    def describe(self):
        return "base"

class Middle(Base):
    def describe(self):
        return "middle+" + super().describe()

class Top(Middle):
    def describe(self):
        return "top+" + super().describe()

print(Top().describe())
