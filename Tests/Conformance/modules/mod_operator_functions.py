import operator
from functools import reduce

print(operator.add(2, 3), operator.sub(2, 3), operator.mul(4, 5), operator.truediv(7, 2), operator.floordiv(7, 2))
print(operator.mod(7, 3), operator.pow(2, 10), operator.neg(5), operator.pos(-5), operator.abs(-4))
print(operator.eq(1, 1), operator.ne(1, 2), operator.lt(1, 2), operator.le(2, 2), operator.gt(1, 2), operator.ge(3, 2))
print(operator.and_(12, 10), operator.or_(12, 10), operator.xor(12, 10), operator.not_(0), operator.truth([]))
print(operator.contains([1, 2], 2), operator.getitem("abc", 1), operator.countOf([1, 2, 1], 1), operator.indexOf("abc", "c"))
print(reduce(operator.mul, range(1, 6)), reduce(operator.add, ["a", "b", "c"]), operator.concat([1], [2]))
d = {}
operator.setitem(d, "k", 1)
print(d, operator.is_(None, None), operator.is_not(1, None), operator.index(7), operator.inv(5), operator.lshift(1, 4))
operator.truediv(1, 0)
