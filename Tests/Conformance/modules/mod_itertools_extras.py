import itertools
from itertools import chain, combinations_with_replacement, pairwise, filterfalse, accumulate, groupby, product, permutations, starmap, takewhile, dropwhile, zip_longest, compress, combinations
import operator
print(list(chain.from_iterable(["ab", [1, 2]])), list(chain("ab", "c")))
print(list(combinations_with_replacement("abc", 2)))
print(list(combinations_with_replacement(range(2), 3)), list(combinations_with_replacement([], 2)), list(combinations_with_replacement("ab", 0)))
print(list(pairwise("abcd")), list(pairwise([1])), list(pairwise([])))
print(list(filterfalse(lambda x: x % 2, range(8))), list(filterfalse(None, [0, 1, "", "x"])))
print(list(accumulate([1, 2, 3, 4], operator.mul)), list(accumulate([1, 2, 3], initial=100)), list(accumulate([3, 1, 4, 1, 5], max)))
print([(k, list(g)) for k, g in groupby("aaabbcaa")], [(k, len(list(g))) for k, g in groupby([1, 3, 2, 4, 5], key=lambda v: v % 2)])
print(list(product("ab", repeat=2)), list(product([1, 2], "x")))
print(list(permutations("abc", 2)), len(list(permutations(range(4)))))
print(list(starmap(pow, [(2, 3), (3, 2)])), list(takewhile(lambda v: v < 3, [1, 2, 5, 1])), list(dropwhile(lambda v: v < 3, [1, 2, 5, 1])))
print(list(zip_longest("abc", [1], fillvalue="-")), list(compress("abcdef", [1, 0, 1, 0, 1, 1])))
print(list(combinations([1, 2, 3, 4], 3)), list(combinations("ab", 3)))
c = chain([1], [2])
print(next(c), next(c), next(c, "end"))
