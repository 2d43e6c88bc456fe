#!/usr/bin/env python3
"""Race and lock figures for `make bench`: the racy counter's losses, the cost of each fix, the cost of a lock.

Imported by scripts/bench.py (TITLE and run(conclab_bin) -> [(label, value, unit)]), or run alone:
    python3 scripts/bench_races.py PATH/TO/conclab
Nothing is asserted: the target is printed beside the figure.
"""
import sys

import benchlib
from benchlib import conclab_figures

TITLE = "Race conditions and locks (race counter: 2 threads x 1,000,000, 20 trials; lock bench: ns per increment)"

TRIALS = 20


def run(conclab):
    lines = [f"race counter --threads 2 --iterations 1000000 --sync {sync} --trials {TRIALS}"
             for sync in ("none", "mutex", "atomic", "local")]
    lines.append("lock bench --ops 1000000")
    none, mutex, atomic, local, bench = conclab_figures(conclab, lines)
    rows = [
        ("racy: trials that lost updates", f"{none['trials_with_loss']} of {TRIALS}", "(target on 2 cores: >= 19)"),
        ("racy: median updates lost", int(none["median_lost"]), f"of {none['expected']:,}"),
        ("racy: median share lost", float(none["median_lost_pct"]), "%"),
        ("racy (no sync): median time", float(none["median_time_ms"]), "ms"),
        ("mutex: median time", float(mutex["median_time_ms"]), f"ms (lost in {mutex['trials_with_loss']} trials)"),
        ("atomic: median time", float(atomic["median_time_ms"]), f"ms (lost in {atomic['trials_with_loss']} trials)"),
        ("local counts, one add: median time", float(local["median_time_ms"]) * 1000, f"us (lost in {local['trials_with_loss']} trials)"),
    ]
    labels = [
        ("plain_ns", "plain increment, no lock"),
        ("uncontended_mutex_ns", "Mutex, uncontended"),
        ("uncontended_pthread_ns", "pthread mutex lock+unlock, uncontended"),
        ("atomic_ns", "atomic add, uncontended"),
        ("uncontended_lab_lock_ns", "lab lock, uncontended"),
        ("contended_mutex_ns", "Mutex, 2 threads"),
        ("contended_pthread_ns", "pthread mutex lock+unlock, 2 threads"),
        ("contended_atomic_ns", "atomic add, 2 threads"),
        ("contended_lab_lock_ns", "lab lock, 2 threads"),
    ]
    for key, label in labels:
        if key in bench:
            rows.append((label, float(bench[key]), "ns per increment, per thread"))
    return rows


if __name__ == "__main__":
    benchlib.main(sys.modules[__name__])
