import math
print(math.sqrt(2), math.pi, math.e, math.tau, math.inf, -math.inf, math.nan)
print(math.floor(2.5), math.ceil(2.1), math.trunc(-2.7), math.floor(-0.5), math.floor(10**30), math.ceil(7))
print(math.sin(0.5), math.cos(1), math.tan(2), math.asin(0.3), math.acos(0.3), math.atan(5), math.atan2(1, -2))
print(math.log(10), math.log(8, 2), math.log2(1024), math.log10(1000), math.log(10**400), math.log1p(1e-10))
print(math.exp(1), math.exp2(10), math.expm1(1e-10), math.hypot(3, 4), math.hypot(1, 2, 3), math.dist((0, 0), (3, 4)))
print(math.isclose(0.1 + 0.2, 0.3), math.isclose(1, 1.1), math.isclose(1, 1.05, rel_tol=0.1), math.fabs(-2), math.pow(2, 10))
print(math.fsum([0.1] * 10), sum([0.1] * 10), math.fsum([1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50]))
print(math.copysign(3, -0.0), math.fmod(7, 3), math.fmod(-7, 3), math.remainder(7, 3), math.degrees(math.pi), math.radians(180))
print(math.modf(3.75), math.modf(-3.75), math.frexp(12.5), math.ldexp(0.78125, 4), math.frexp(0.0))
print(math.isfinite(1e308 * 10), math.isinf(math.inf), math.isnan(math.nan), math.gamma(5), math.erf(0.5), math.cbrt(27))
print(math.nextafter(1, 2), math.ulp(1.0), math.ulp(0.0), math.sinh(1), math.cosh(1), math.tanh(1), math.asinh(1), math.acosh(2), math.atanh(0.5))
EVAL = {
    'math.sqrt(-1)': lambda: math.sqrt(-1),
    'math.log(0)': lambda: math.log(0),
    'math.log(-1)': lambda: math.log(-1),
    'math.exp(1000)': lambda: math.exp(1000),
    'math.pow(0, -1)': lambda: math.pow(0, -1),
    'math.pow(-8, 1/3)': lambda: math.pow(-8, 1/3),
    'math.acos(2)': lambda: math.acos(2),
    'math.gamma(0)': lambda: math.gamma(0),
    'math.gamma(-2)': lambda: math.gamma(-2),
    'math.gamma(200)': lambda: math.gamma(200),
    'math.floor(math.inf)': lambda: math.floor(math.inf),
    'math.floor(math.nan)': lambda: math.floor(math.nan),
    "math.sqrt('x')": lambda: math.sqrt('x'),
    'math.fsum([math.inf, -math.inf])': lambda: math.fsum([math.inf, -math.inf]),
    'math.fsum([1e308, 1e308])': lambda: math.fsum([1e308, 1e308]),
    'math.atanh(1)': lambda: math.atanh(1),
    'math.log(2, 1)': lambda: math.log(2, 1),
    'math.isclose(1, 2, rel_tol=-1)': lambda: math.isclose(1, 2, rel_tol=-1),
    'math.sin(math.inf)': lambda: math.sin(math.inf),
    'math.cosh(1000)': lambda: math.cosh(1000),

    'math.fmod(1, 0)': lambda: math.fmod(1, 0),
    'math.ldexp(1.0, 5000)': lambda: math.ldexp(1.0, 5000),
}
for bad in ["math.sqrt(-1)", "math.log(0)", "math.log(-1)", "math.exp(1000)", "math.pow(0, -1)", "math.pow(-8, 1/3)",
            "math.acos(2)", "math.gamma(0)", "math.gamma(-2)", "math.gamma(200)", "math.floor(math.inf)", "math.floor(math.nan)",
            "math.sqrt('x')", "math.fsum([math.inf, -math.inf])", "math.fsum([1e308, 1e308])", "math.atanh(1)", "math.log(2, 1)",
            "math.isclose(1, 2, rel_tol=-1)", "math.sin(math.inf)", "math.cosh(1000)", "math.fmod(1, 0)", "math.ldexp(1.0, 5000)"]:
    try:
        print(bad, EVAL[bad]())
    except Exception as ex:
        print(bad, type(ex).__name__, ex)
