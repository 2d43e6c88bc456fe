#!/usr/bin/env python3
"""Processes benchmark: what starting a worker costs, and what N processes buy on N cores.

conclab's `proc bench` times, in turns, a bare posix_spawn of /bin/true (to its exit), a worker started
with the `spawn` method (posix_spawn of conclab, to the worker's first message) and one forked by the
fork server (to its first message). python3 times `multiprocessing` with the `spawn` start method,
`Process(target=os.getpid).start(); join()`, in this same run. Then `par compare` runs a CPU-bound job
(spin: a fixed amount of CPU time) sequentially, in 2 threads and in 2 processes, and `par compare --py`
runs a Python loop in a function the same ways plus on threads with and without the GIL (three runs, the
median of each speed-up; each run itself sizes its job to about 300 ms and measures every row three times,
taking turns). Nothing here asserts a time: the targets are printed next to the figures.

    python3 scripts/bench_processes.py .build/release/conclab

Imported by scripts/bench.py: run(conclab_bin) -> [(label, value, unit), ...].
"""

import os
import shutil
import statistics
import subprocess
import sys

import benchlib
from benchlib import conclab_figures

RUNS = 25
SPIN_MS = 500
WORKERS = 2
PY_ROUNDS = 3
PY_WORK = "def work():\\n    i = 0\\n    while i < 20_000_000:\\n        i += 1\\nwork()"
TITLE = (f"Processes: worker start-up, median of {RUNS} (targets: spawn <= 3 x posix_spawn, <= 0.2 x python3's "
         f"multiprocessing spawn); par compare spin {SPIN_MS} x {WORKERS} (target: processes speed-up >= 1.8 on 2 cores); "
         f"par compare --py, a loop of 2*10^7 in a function x {WORKERS}, median of {PY_ROUNDS} "
         f"(targets: processes >= 1.8, threads with the GIL <= 1.1, threads without it >= 1.7)")

PYTHON_PROGRAM = f"""
import multiprocessing, os, statistics, time
context = multiprocessing.get_context("spawn")
samples = []
for i in range({RUNS} + 2):
    start = time.perf_counter()
    p = context.Process(target=os.getpid)
    p.start()
    p.join()
    if i >= 2:
        samples.append(time.perf_counter() - start)
    assert p.exitcode == 0, p.exitcode
print(statistics.median(samples) * 1000)
"""


def python_spawn_ms(python_bin):
    done = subprocess.run([python_bin, "-c", PYTHON_PROGRAM], capture_output=True, text=True, timeout=600, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def run(conclab_bin):
    conclab_bin = os.path.abspath(conclab_bin)
    py_lines = [f"par compare --py '{PY_WORK}' --workers {WORKERS}"] * PY_ROUNDS
    starts, par, *py = conclab_figures(
        conclab_bin, [f"proc bench -n {RUNS}", f"par compare spin {SPIN_MS} --workers {WORKERS}"] + py_lines, timeout=600)

    def py_median(key):
        return statistics.median(p[key] for p in py)

    bare, spawned, forked = starts["posix_spawn_ms"], starts["spawn_ms"], starts["forkserver_ms"]
    python_bin = shutil.which("python3") or sys.executable
    python = python_spawn_ms(python_bin)
    return [
        ("posix_spawn of /bin/true, to its exit (in conclab)", bare, "ms"),
        ("conclab worker, start method spawn, to its first message", spawned, "ms"),
        ("conclab worker, start method forkserver, to its first message", forked, "ms"),
        ("python3 multiprocessing spawn: Process().start(); join()", python, "ms"),
        ("ratio spawn / posix_spawn (target <= 3)", spawned / bare, "x"),
        ("ratio spawn / python3 (target <= 0.2)", spawned / python, "x"),
        ("ratio forkserver / posix_spawn", forked / bare, "x"),
        (f"par compare spin {SPIN_MS}: sequential wall time", par["sequential_ms"], "ms"),
        (f"par compare: {WORKERS} threads speed-up (native code, no GIL)", par["threads_speedup"], "x"),
        (f"par compare: {WORKERS} processes speed-up (target >= 1.8)", par["processes_speedup"], "x"),
        (f"par compare: memory, {WORKERS} processes / sequential (PSS)",
         par["processes_memory_bytes"] / max(1, par["sequential_memory_bytes"]), "x"),
        ("thread start, to its first signal (in conclab)", starts["thread_ms"], "ms"),
        ("ratio spawn / thread start", spawned / max(starts["thread_ms"], 1e-9), "x"),
        ("par compare --py: sequential wall time (median)", py_median("sequential_ms"), "ms"),
        (f"par compare --py: {WORKERS} threads with the GIL speed-up (target <= 1.1)", py_median("threads_gil_speedup"), "x"),
        (f"par compare --py: {WORKERS} threads without the GIL speed-up (target >= 1.7)", py_median("threads_no_gil_speedup"), "x"),
        (f"par compare --py: {WORKERS} processes speed-up (target >= 1.8)", py_median("processes_speedup"), "x"),
        ("par compare --py: cores kept busy, threads with the GIL (median; target <= 1.1)", py_median("threads_gil_cpu_use"), ""),
        ("par compare --py: cores kept busy, processes (median; target >= 1.8)", py_median("processes_cpu_use"), ""),
        ("par compare --py: worker start-up, start request to its job running (median)", py_median("processes_startup_ms"), "ms"),
        ("par compare --py: other programs' cores meanwhile (median)", py_median("other_programs_cores"), ""),
        ("par compare --py: speed-ups of each run (GIL / no GIL / processes)",
         "  ".join(f"{p['threads_gil_speedup']:.2f}/{p['threads_no_gil_speedup']:.2f}/{p['processes_speedup']:.2f}" for p in py), ""),
    ]


if __name__ == "__main__":
    benchlib.main(sys.modules[__name__])
