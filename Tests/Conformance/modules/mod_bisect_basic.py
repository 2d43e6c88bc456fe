import bisect

scores = [10, 20, 20, 30, 40]
for x in [5, 20, 25, 40, 50]:
    print(x, bisect.bisect_left(scores, x), bisect.bisect_right(scores, x), bisect.bisect(scores, x))
print(bisect.bisect_left(scores, 20, 2), bisect.bisect_right(scores, 20, 0, 2))
grades = "FDCBA"
def grade(score, breakpoints=[60, 70, 80, 90]):
    return grades[bisect.bisect(breakpoints, score)]
print([grade(s) for s in [33, 99, 77, 70, 89, 90, 100]])
sorted_list = []
for v in [5, 1, 4, 1, 3]:
    bisect.insort(sorted_list, v)
print(sorted_list)
bisect.insort_left(sorted_list, 4)
bisect.insort_right(sorted_list, 0)
print(sorted_list)
