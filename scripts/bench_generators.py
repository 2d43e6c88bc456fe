#!/usr/bin/env python3
"""Generators benchmark: items per second through sum(map(x*x, range(10**7))).

conclab runs `gen sum` over `gen map g1 x*x` over `gen range 0 10^7` and reports its own
items_per_second (the pull loop only, no start-up); python3 times
`sum(x*x for x in range(10**7))` with perf_counter inside one process. Both run in this
same invocation, best of RUNS each, and the ratio conclab / python3 is the last row.

    python3 scripts/bench_generators.py .build/release/conclab

Imported by scripts/bench.py: run(conclab_bin) -> [(label, value, unit), ...].
"""

import shutil
import subprocess
import sys

import benchlib
from benchlib import conclab_outcomes, figures

N = 10**7
RUNS = 3
TITLE = f"Generators: sum of x*x over range(10**7), items per second, best of {RUNS} (target: conclab >= python3)"

CONCLAB_LINES = ["gen range 0 10^7"] + [line for i in range(RUNS) for line in ("gen map g1 x * x", f"gen sum g{i + 2}")]

PYTHON_PROGRAM = f"""
import time
best = None
for _ in range({RUNS}):
    start = time.perf_counter()
    total = sum(x * x for x in range({N}))
    elapsed = time.perf_counter() - start
    best = elapsed if best is None else min(best, elapsed)
print(total, best)
"""

EXPECTED = (N - 1) * N * (2 * N - 1) // 6


def conclab_best(conclab_bin):
    """(best items/s, exact sum) from conclab's own `gen sum` results."""
    best = 0.0
    exact = None
    for outcome in conclab_outcomes(conclab_bin, CONCLAB_LINES, timeout=600):
        if not outcome.get("command", "").startswith("gen sum"):
            continue
        fields = figures(outcome)
        best = max(best, float(fields["items_per_second"]))
        exact = fields["exact"]
    return best, exact


def python_figures(python_bin):
    """(best items/s, exact sum) from python3 timing itself."""
    done = subprocess.run([python_bin, "-c", PYTHON_PROGRAM], capture_output=True, text=True,
                          timeout=600, check=True)
    total, seconds = done.stdout.split()
    return N / float(seconds), total


def run(conclab_bin):
    rows = []
    conclab_rate, conclab_sum = conclab_best(conclab_bin)
    if conclab_sum != str(EXPECTED):
        raise RuntimeError(f"conclab's sum is {conclab_sum}, expected {EXPECTED}")
    rows.append(("conclab: gen sum over gen map g1 x * x over gen range 0 10^7", conclab_rate, "items/s"))
    python_bin = shutil.which("python3") or sys.executable
    python_rate, python_sum = python_figures(python_bin)
    if python_sum != str(EXPECTED):
        raise RuntimeError(f"python3's sum is {python_sum}, expected {EXPECTED}")
    rows.append(("python3: sum(x * x for x in range(10**7))", python_rate, "items/s"))
    rows.append(("ratio conclab / python3", conclab_rate / python_rate, "x"))
    return rows


if __name__ == "__main__":
    benchlib.main(sys.modules[__name__])
