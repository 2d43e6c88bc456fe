config = {
    "host": "localhost",
    "port": 8080,
}
print(config["host"], config["port"])
value = (1 +
         2 +
         3)
print(value)
