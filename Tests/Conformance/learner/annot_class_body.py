class Config:
    name: str
    retries: int = 3
    ratio: float = 0.5
    tags: list

    def describe(self):
        return "config"


print(Config.__annotations__)
print(list(Config.__annotations__))
print(Config.retries, Config.ratio)
print(hasattr(Config, "name"), hasattr(Config, "tags"))
try:
    Config.name
except AttributeError as e:
    print(e)


class Child(Config):
    extra: bool = True


print(Child.__annotations__)
print(Child.retries, Child.extra)


class Empty:
    pass


print(Empty.__annotations__)
