from collections import namedtuple
Card = namedtuple("Card", ["rank", "suit"])
c = Card("A", "spades")
print(c._replace(suit="hearts"))
c._replace(color="red")
