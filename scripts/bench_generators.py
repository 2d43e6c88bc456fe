#!/usr/bin/env python3
"""Generators benchmark: items per second through sum(map(x*x, range(10**7))).

conclab runs `gen sum` over `gen map g1 x*x` over `gen range 0 10^7` and reports its own
items_per_second (the pull loop only, no start-up); python3 times
`sum(x*x for x in range(10**7))` with perf_counter inside one process. Both run in this
same invocation, best of RUNS each, and the ratio conclab / python3 is the last row.

    python3 scripts/bench_generators.py .build/release/conclab

Imported by scripts/bench.py: run(conclab_bin) -> [(label, value, unit), ...].
"""

import json
import shutil
import subprocess
import sys

N = 10**7
RUNS = 3
TITLE = f"Generators: sum of x*x over range(10**7), items per second, best of {RUNS} (target: conclab >= python3)"

CONCLAB_SCRIPT = "gen range 0 10^7\n" + "".join(
    f"gen map g1 x * x\ngen sum g{i + 2}\n" for i in range(RUNS)
)

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


def conclab_figures(conclab_bin):
    """(best items/s, exact sum) from conclab's own `gen sum` results."""
    done = subprocess.run([conclab_bin, "--json"], input=CONCLAB_SCRIPT, capture_output=True,
                          text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"conclab failed ({done.returncode}): {done.stderr.strip()}")
    best = 0.0
    exact = None
    for line in done.stdout.splitlines():
        outcome = json.loads(line)
        if not outcome.get("command", "").startswith("gen sum"):
            continue
        fields = outcome["result"]["fields"]
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
    conclab_rate, conclab_sum = conclab_figures(conclab_bin)
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


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} CONCLAB_BINARY", file=sys.stderr)
        return 2
    print(TITLE)
    for label, value, unit in run(argv[1]):
        shown = f"{value:,.0f}" if unit == "items/s" else f"{value:.2f}"
        print(f"  {label:62} {shown:>14} {unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
