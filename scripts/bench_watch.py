#!/usr/bin/env python3
"""`watch python3` sampling cost: samples per second per thread and the sampler's CPU, for 4 threads of a real python3.

Two programs of 4 threads each: threads that sleep (the sampler alone on a quiet machine) and threads that count in
pure Python (they take turns on the GIL, one core busy). Each is watched ROUNDS times at 1,000 samples per second; the
table shows the median. Beside them, in the same run, the floor: a C thread that only wakes 1,000 times a second
(scripts/wakeref.c, built with the system C compiler), reading nothing. Targets: >= 1,000 samples per second per
thread, <= 5% of one core.

    python3 scripts/bench_watch.py .build/release/conclab
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

import benchlib
from benchlib import conclab_figures

TITLE = "watch python3: /proc sampling of 4 threads at 1 kHz (median of 3; targets >= 1,000 /s per thread, <= 5% of a core)"
ROUNDS = 3

SLEEPING = """import threading, time
ts = [threading.Thread(target=time.sleep, args=(1.5,)) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
"""

COUNTING = """import threading
def count():
    x = 0
    for i in range(2_000_000):
        x += i
ts = [threading.Thread(target=count) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
"""


def wake_floor(workdir):
    compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if compiler is None:
        return None
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wakeref.c")
    binary = os.path.join(workdir, "wakeref")
    subprocess.run([compiler, "-O2", "-o", binary, source], check=True)
    runs = [subprocess.run([binary, "1.5"], capture_output=True, text=True, check=True).stdout.split() for _ in range(ROUNDS)]
    return statistics.median(float(r[0]) for r in runs), statistics.median(float(r[1]) for r in runs)


def watched(conclab, path):
    rates, cpus = [], []
    for _ in range(ROUNDS):
        figures = conclab_figures(conclab, [f"watch python3 {path}"])[0]
        if figures.get("cpython") != "ran":
            raise SystemExit(f"bench_watch: watch did not run python3: {figures}")
        rates.append(figures["samples_per_s"])
        cpus.append(figures["sampler_cpu_pct"])
    return statistics.median(rates), statistics.median(cpus)


def run(conclab):
    if shutil.which("python3") is None:
        return [("python3 not on PATH: nothing to watch", "skipped", "")]
    workdir = tempfile.mkdtemp(prefix="conclab-bench-watch-")
    try:
        rows = []
        for name, program in [("sleeping", SLEEPING), ("counting under the GIL", COUNTING)]:
            path = os.path.join(workdir, name.split()[0] + ".py")
            with open(path, "w") as f:
                f.write(program)
            rate, cpu = watched(conclab, path)
            rows += [(f"4 threads {name}: samples per second per thread", rate, "/s"),
                     (f"4 threads {name}: sampler CPU", cpu, "% of a core")]
        floor = wake_floor(workdir)
        if floor is not None:
            rows += [("C reference, waking 1,000 times a second: wakeups", floor[0], "/s"),
                     ("C reference: CPU (the floor of any 1 kHz sampler here)", floor[1], "% of a core")]
        return rows
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    benchlib.main(sys.modules[__name__])
