#!/usr/bin/env python3
"""Snippet interpreter benchmark: conclab's Python beside python3, and the GIL at work.

The suite (issue 14 item 6), best of SUITE_RUNS, execution only (no start-up or compilation): a plain loop at module
level, function calls, list building, string building with `s += ...` (at N and 2N appends, to show it is
linear), dict updates, a generator pipeline, method calls on a class, and float arithmetic (n-body steps).
Each program is the same text in both and prints a checksum; the bench fails if the two print different things.
conclab times them with `py --threads 1` (its own clock around the run on a fresh OS thread); python3 times
`exec` of the same compiled code. The ratio is of CPU time of the running thread (conclab's cpu_ms, python3's
thread_time), which a busy shared machine disturbs far less than wall time (printed beside it); python3 / conclab
is the speed-up (>1: conclab faster); the target is a geometric mean >= 1.0x with no program below 0.5x, and the table says whether it holds.

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
from benchlib import conclab_figures, conclab_outcomes, figures

TITLE = "Snippet interpreter: conclab vs python3, and the GIL"
RUNS = 3
# The suite's best-of-RUNS count: five, as its programs are short (tens of ms).
SUITE_RUNS = 5

# The suite: each program is the same text in both interpreters and prints a checksum, which must match.
# Sized so python3 takes roughly 50-300 ms on an idle machine. STRINGS runs at N and 2N to show it is linear.
SUITE = [
    ("plain loop, 3*10^6 x i += 1 (module level)", """\
i = 0
while i < 3_000_000:
    i += 1
print(i)
"""),
    ("function calls, 1.5*10^6 x f(i)", """\
def f(x):
    return x + 1
def g():
    i = 0
    while i < 1_500_000:
        i = f(i)
    return i
print(g())
"""),
    ("list building, append and a comprehension, 3 x 200,000", """\
def build(n):
    out = []
    for i in range(n):
        out.append(i * 2)
    squares = [x * x for x in out if x % 3 == 0]
    return len(out) + len(squares) + squares[-1]
total = 0
for k in range(3):
    total += build(200_000)
print(total)
"""),
    ("string building, s += ... (N appends)", """\
def build(n):
    s = ""
    for i in range(n):
        s += "ab"
        if i % 1000 == 0:
            s += str(i)
    return len(s), s[-7:]
print(build(N))
"""),
    ("dict updates, counting words and ints, 300,000", """\
def count(n):
    words = ["apple", "pear", "plum", "fig", "kiwi", "lime", "date"]
    counts = {}
    for i in range(n):
        w = words[i % 7]
        counts[w] = counts.get(w, 0) + 1
        k = i % 1000
        if k in counts:
            counts[k] += 1
        else:
            counts[k] = 1
    return len(counts), counts["fig"], counts[999]
print(count(300_000))
"""),
    ("generator pipeline, function + expression + sum, 600,000", """\
def numbers(n):
    i = 0
    while i < n:
        yield i
        i += 1
def evens(n):
    for x in numbers(n):
        if x % 2 == 0:
            yield x
print(sum(x * 3 for x in evens(600_000)))
"""),
    ("method calls on a class, 500,000", """\
class Counter:
    def __init__(self):
        self.count = 0
        self.step = 1
    def bump(self, k):
        self.count = self.count + self.step * k
        return self.count
def run(n):
    c = Counter()
    total = 0
    for i in range(n):
        total += c.bump(i % 3)
    return total % 1_000_003, c.count
print(run(500_000))
"""),
    ("float arithmetic, n-body steps of 5 bodies, 8,000", """\
def advance(bodies, dt, steps):
    n = len(bodies)
    for s in range(steps):
        for i in range(n):
            bi = bodies[i]
            for j in range(i + 1, n):
                bj = bodies[j]
                dx = bi[0] - bj[0]
                dy = bi[1] - bj[1]
                dz = bi[2] - bj[2]
                d2 = dx * dx + dy * dy + dz * dz + 0.01
                mag = dt / (d2 * d2 ** 0.5)
                bi[3] -= dx * bj[6] * mag
                bi[4] -= dy * bj[6] * mag
                bi[5] -= dz * bj[6] * mag
                bj[3] += dx * bi[6] * mag
                bj[4] += dy * bi[6] * mag
                bj[5] += dz * bi[6] * mag
        for b in bodies:
            b[0] += dt * b[3]
            b[1] += dt * b[4]
            b[2] += dt * b[5]
bodies = [[float(i), float(i * i % 7), float(i % 3), 0.0, 0.0, 0.0, 1.0 + i / 10] for i in range(5)]
advance(bodies, 0.01, 8_000)
print(round(sum(b[0] + b[1] + b[2] for b in bodies), 6))
"""),
]
STRING_N = 300_000
WORK = "def work():\n    i = 0\n    while i < 3_000_000:\n        i += 1\n"
SHARE = "def share():\n    for i in range(1_000_000):\n        x = shared\nshare()\n"


def programs():
    """(label, code) of every timed program: the string one at N and at 2N."""
    out = []
    for label, code in SUITE:
        if "(N)" in code:
            for n in (STRING_N, 2 * STRING_N):
                out.append((label.replace("N appends", f"{n:,} appends"), code.replace("(N)", f"({n})")))
        else:
            out.append((label, code))
    return out


def quote(code):
    """A snippet as one conclab command-line word: new lines written as \\n, inside single quotes."""
    assert "'" not in code
    return "'" + code.replace("\n", "\\n") + "'"


def conclab_best(conclab_bin, code):
    """Best of SUITE_RUNS runs of `code` in conclab: (wall ms, CPU ms of the snippet thread), and what the runs printed."""
    outcomes = conclab_outcomes(conclab_bin, [f"py --threads 1 {quote(code)}"] * SUITE_RUNS)
    wall, cpu, printed = [], [], set()
    for outcome in outcomes:
        f = figures(outcome)
        if f.get("errors"):
            raise RuntimeError(f"conclab: {f.get('first_error')}")
        result = outcome.get("result", {})
        texts = [r.get("text", "") for r in result.get("results", []) if r.get("type") == "text"]
        printed.add("\n".join(texts).strip())
        wall.append(float(f["wall_ms"]))
        cpu.append(float(f["cpu_ms"]))
    if len(printed) != 1:
        raise RuntimeError(f"conclab printed different things in different runs: {sorted(printed)}")
    return min(wall), min(cpu), printed.pop()


PYTHON_TIMER = """
import contextlib, io, sys, time
code = compile(sys.argv[1], "<bench>", "exec")
wall, cpu, printed = [], [], set()
for _ in range(int(sys.argv[2])):
    g = {"__name__": "__main__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        start, start_cpu = time.perf_counter(), time.thread_time()
        exec(code, g)
        cpu.append(time.thread_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    printed.add(out.getvalue().strip())
assert len(printed) == 1, printed
print(min(wall) * 1000, min(cpu) * 1000)
print(printed.pop())
"""


def python_best(python_bin, code):
    """Best of SUITE_RUNS runs of `code` in python3 (`exec` only): (wall ms, CPU ms of its thread), and what it printed."""
    done = subprocess.run([python_bin, "-c", PYTHON_TIMER, code, str(SUITE_RUNS)], capture_output=True, text=True,
                          timeout=900, check=True)
    first, _, printed = done.stdout.partition("\n")
    wall, cpu = (float(x) for x in first.split())
    return wall, cpu, printed.strip()


def run(conclab_bin):
    rows = []
    python_bin = shutil.which("python3") or sys.executable
    version = subprocess.run([python_bin, "-c", "import sys; print(sys.version.split()[0])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    ratios, mismatches, string_ms = [], [], []
    for label, code in programs():
        our_wall, ours, our_text = conclab_best(conclab_bin, code)
        their_wall, theirs, their_text = python_best(python_bin, code)
        if our_text != their_text:
            mismatches.append(f"{label}: conclab printed {our_text!r}, python3 printed {their_text!r}")
        if "appends" in label:
            string_ms.append(ours)
        ratio = theirs / ours
        ratios.append((label, ratio))
        rows.append((f"{label}: CPU conclab / python3 {version} (wall {our_wall:,.0f} / {their_wall:,.0f})",
                     f"{ours:,.1f} / {theirs:,.1f}", "ms"))
        rows.append((f"{label}: python3 / conclab (>1: conclab faster)", ratio, "x"))
    if mismatches:
        # A speed figure of a program that computes something else means nothing: fail loudly.
        raise RuntimeError("the two interpreters disagree:\n  " + "\n  ".join(mismatches))
    geo = statistics.geometric_mean([r for _, r in ratios])
    slowest = min(ratios, key=lambda r: r[1])
    rows.append(("string building: time at 2N / time at N (about 2 when linear)", string_ms[1] / string_ms[0], "x"))
    rows.append((f"geometric mean of python3 / conclab over {len(ratios)} programs (target >= 1)", geo, "x"))
    rows.append((f"slowest: {slowest[0]} (target >= 0.5)", slowest[1], "x"))
    holds = geo >= 1.0 and slowest[1] >= 0.5
    rows.append(("target (geometric mean >= 1.0x, none below 0.5x)", "holds" if holds else "NOT MET", ""))

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
