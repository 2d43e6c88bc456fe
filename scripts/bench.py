#!/usr/bin/env python3
"""make bench: figures and ratios for conclab, measured beside python3 in the same run.

Usage: python3 scripts/bench.py PATH/TO/conclab
Prints one table per benchmark; nothing here asserts a time (the machine is shared and noisy):
the targets are printed next to the figures so a person can judge them.
"""
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import print_table

RUNS = 25


def run_timed(argv, stdin_bytes=b"", env=None):
    start = time.perf_counter()
    proc = subprocess.run(argv, input=stdin_bytes, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed with status {proc.returncode}: {proc.stderr.decode()[:500]}")
    return elapsed


def median_ms(samples):
    return statistics.median(samples) * 1000


def bench_startup(conclab, env):
    """Start to exit in script mode (`echo exit | conclab`) beside `python3 -c pass`, interleaved."""
    ours, theirs = [], []
    for _ in range(3):  # warm the page cache
        run_timed([conclab], b"exit\n", env)
        run_timed([sys.executable, "-c", "pass"])
    for _ in range(RUNS):
        ours.append(run_timed([conclab], b"exit\n", env))
        theirs.append(run_timed([sys.executable, "-c", "pass"]))
    a, b = median_ms(ours), median_ms(theirs)
    print_table(f"Start to exit, median of {RUNS} (target: conclab <= 1.5 x python3)", [
        ("echo exit | conclab", a, "ms"),
        (f"{sys.executable} -c pass", b, "ms"),
        ("ratio conclab / python3", a / b, "x"),
        ("conclab min / max", f"{min(ours)*1000:.2f} / {max(ours)*1000:.2f}", "ms"),
    ])
    return a / b


def bench_trivial_commands(conclab, env, count=10_000):
    """The cost of one trivial command: a script of `count` `echo x` lines, minus the empty script."""
    script = ("echo x\n" * count).encode()
    full, empty = [], []
    for _ in range(5):
        full.append(run_timed([conclab], script, env))
        empty.append(run_timed([conclab], b"", env))
    per_command = (statistics.median(full) - statistics.median(empty)) / count
    rate = 1 / per_command if per_command > 0 else float("inf")
    print_table(f"Trivial commands in script mode ({count:,} x 'echo x', median of 5; target >= 20,000 /s)", [
        ("whole script", median_ms(full), "ms"),
        ("empty script", median_ms(empty), "ms"),
        ("per command", per_command * 1e6, "us"),
        ("commands per second", rate, "/s"),
    ])
    return rate


def optional_module(name):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), f"{name}.py")
    if not os.path.exists(path):
        return None
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: bench.py PATH/TO/conclab")
    conclab = os.path.abspath(sys.argv[1])
    state = tempfile.mkdtemp(prefix="conclab-bench-")
    env = dict(os.environ, XDG_STATE_HOME=state, NO_COLOR="1")
    print(f"conclab bench — {conclab}, {os.cpu_count()} CPUs, python {sys.version.split()[0]}")
    bench_startup(conclab, env)
    bench_trivial_commands(conclab, env)
    for name in ["bench_generators", "bench_interpreter", "bench_races", "bench_processes", "bench_ipc", "bench_io", "bench_timeline", "bench_watch"]:
        module = optional_module(name)
        if module is not None:
            rows = module.run(conclab)
            print_table(getattr(module, "TITLE", name), rows)


if __name__ == "__main__":
    main()
