#!/usr/bin/env python3
"""Snippet interpreter benchmark: conclab's Python beside python3, and the GIL at work.

Loops (best of RUNS, execution only, no start-up or compilation):
  - `i = 0` / `while i < 10_000_000: i += 1` at module level, as a script would run it;
  - a function-call loop: 3,000,000 calls of `def f(x): return x + 1`.
conclab times them with `py --threads 1` (its own clock around the run on a fresh OS thread);
python3 times `exec` of the same compiled code with perf_counter. The ratio python3 / conclab is
the speed-up (target: >= 1, i.e. conclab at least as fast as CPython).

Then the GIL: two threads running a CPU-bound function next to the same work done twice in a row,
with the switch count; and two threads sharing one list with the GIL off, per reference-count mode.

    python3 scripts/bench_interpreter.py .build/release/conclab

Imported by scripts/bench.py: run(conclab_bin) -> [(label, value, unit), ...].
"""

import shutil
import statistics
import subprocess
import sys

import benchlib
from benchlib import conclab_figures

TITLE = "Snippet interpreter: conclab vs python3, and the GIL"
RUNS = 3

LOOP = "i = 0\nwhile i < 10_000_000:\n    i += 1\n"
CALLS = "def f(x):\n    return x + 1\ndef g():\n    i = 0\n    while i < 3_000_000:\n        i = f(i)\ng()\n"
WORK = "def work():\n    i = 0\n    while i < 3_000_000:\n        i += 1\n"
SHARE = "def share():\n    for i in range(1_000_000):\n        x = shared\nshare()\n"


def quote(code):
    """A snippet as one conclab command-line word: new lines written as \\n, inside single quotes."""
    assert "'" not in code
    return "'" + code.replace("\n", "\\n") + "'"


def conclab_best_ms(conclab_bin, code):
    fields = conclab_figures(conclab_bin, [f"py --threads 1 {quote(code)}"] * RUNS)
    for f in fields:
        if f.get("errors"):
            raise RuntimeError(f"conclab: {f.get('first_error')}")
    return min(float(f["wall_ms"]) for f in fields)


PYTHON_TIMER = """
import sys, time
code = compile(sys.argv[1], "<bench>", "exec")
best = None
for _ in range(int(sys.argv[2])):
    g = {"__name__": "__main__"}
    start = time.perf_counter()
    exec(code, g)
    elapsed = time.perf_counter() - start
    best = elapsed if best is None else min(best, elapsed)
print(best * 1000)
"""


def python_best_ms(python_bin, code):
    done = subprocess.run([python_bin, "-c", PYTHON_TIMER, code, str(RUNS)], capture_output=True, text=True,
                          timeout=900, check=True)
    return float(done.stdout.strip())


def run(conclab_bin):
    rows = []
    python_bin = shutil.which("python3") or sys.executable
    version = subprocess.run([python_bin, "-c", "import sys; print(sys.version.split()[0])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    for label, code in [("while loop, 10^7 x i += 1 (module level)", LOOP), ("function calls, 3*10^6 x f(i)", CALLS)]:
        ours = conclab_best_ms(conclab_bin, code)
        theirs = python_best_ms(python_bin, code)
        rows.append((f"{label}: conclab", ours, "ms"))
        rows.append((f"{label}: python3 {version}", theirs, "ms"))
        rows.append((f"{label}: python3 / conclab (target >= 1)", theirs / ours, "x"))

    script = [f"py {quote(WORK)}", "py --threads 2 --sequential 'work()'"]
    fields = conclab_figures(conclab_bin, script)[-1]
    rows.append(("GIL on: work() twice on one thread", float(fields["sequential_ms"]), "ms"))
    rows.append(("GIL on: work() on 2 threads at once", float(fields["wall_ms"]), "ms"))
    rows.append(("GIL on: speed-up of 2 threads (about 1: no parallelism)", float(fields["speedup"]), "x"))
    rows.append(("GIL on: switches / forced switches", f"{fields['switches']} / {fields['forced_switches']}", ""))

    # A run is short (tens of ms), so one busy moment can halve it: the median of RUNS.
    script = ["gil off", f"py {quote(WORK)}"] + ["py --threads 2 --sequential 'work()'"] * RUNS
    speedups = [float(f["speedup"]) for f in conclab_figures(conclab_bin, script)[2:]]
    rows.append((f"GIL off: speed-up of 2 threads, median of {RUNS} (about 2 on 2 free cores)", statistics.median(speedups), "x"))

    for mode in ["plain", "atomic", "biased"]:
        gil = "on" if mode == "plain" else "off"
        script = [f"gil {gil}", f"gil refcount {mode}", "py shared = [1, 2, 3]",
                  f"py --threads 2 {quote(SHARE)}", f"py --threads 2 {quote(SHARE)}"]
        results = conclab_figures(conclab_bin, script)
        best = min(float(f["wall_ms"]) for f in results[-2:])
        errors = sum(int(f.get("refcount_errors") or 0) for f in results[-2:])
        rows.append((f"2 threads share a list, GIL {gil}, refcount {mode} ({errors} refcount errors)", best, "ms"))
    return rows


if __name__ == "__main__":
    benchlib.main(sys.modules[__name__])
