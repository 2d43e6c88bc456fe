def total(*numbers):
    result = 0
    for n in numbers:
        result += n
    return result

print(total())
print(total(1, 2, 3))
print(total(*[10, 20, 30]))
