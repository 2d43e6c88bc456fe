class Animal:
    pass
class Dog(Animal):
    pass
print("defining")
class Puppy(Animal, Dog):
    pass
print("not reached")
