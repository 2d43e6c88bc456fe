import statistics as st
print(st.quantiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), st.quantiles([2.5, 1, 7, 3.25], n=10), st.quantiles(range(1, 12), n=3, method="inclusive"))
print(st.quantiles([105, 129, 87, 86, 111, 111, 89, 81, 108, 92, 110, 100, 75, 105, 103, 109, 76, 119, 99, 91], n=5))
print(st.geometric_mean([54, 24, 36]), st.geometric_mean([1.5, 2.25, 9.0]), st.harmonic_mean([40, 60]), st.harmonic_mean([2.5, 3, 10]), st.harmonic_mean([1, 0, 3]), st.harmonic_mean([7]))
x = [1, 2, 3, 4, 5, 6, 7, 8, 9]
y = [1, 2, 3, 1, 2, 3, 1, 2, 3]
print(st.covariance(x, y), st.correlation(x, y), st.correlation(x, x[::-1]), st.covariance([0.1, 0.5, 2.2], [3, 1, 4.5]))
r = st.linear_regression([1971, 1975, 1979, 1982, 1983], [1, 2, 3, 4, 5])
print(r, r.slope, round(r.intercept, 6), st.linear_regression([1, 2, 3], [2, 4, 6.5], proportional=True))
for bad in [lambda: st.quantiles([1]), lambda: st.geometric_mean([1, -1]), lambda: st.harmonic_mean([-1, 2]), lambda: st.correlation([1, 1], [2, 3]), lambda: st.linear_regression([2, 2], [1, 3]), lambda: st.covariance([1], [2, 3])]:
    try:
        bad()
    except st.StatisticsError as e:
        print("StatisticsError:", e)
st.quantiles([1, 2], method="middle")
