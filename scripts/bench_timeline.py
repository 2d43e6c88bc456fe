#!/usr/bin/env python3
"""Timeline recorder cost: the interpreter's while loop and a two-thread GIL run, tracing off and on, same run.

Targets: tracing on costs <= 25% more wall time than off; off costs nothing measurable next to the
interpreter benchmark's own figure (compare 'tracing off' here with bench_interpreter's while loop).
"""
import sys

import benchlib
from benchlib import conclab_outcomes

TITLE = "Timeline recorder: cost of tracing (best of 5; target: on <= 1.25 x off)"

LOOP = "py 'i = 0\\nwhile i < 10000000:\\n    i += 1'"
WORK = "py 'def work():\\n    i = 0\\n    while i < 2000000:\\n        i += 1'"
TEAM = "py --threads 2 'work()'"


def elapsed_ms(conclab, lines, command):
    """Runs a script in --json mode and returns the elapsed_ms of the line equal to `command`."""
    for outcome in conclab_outcomes(conclab, lines):
        if outcome.get("command") == command:
            return outcome["elapsed_ms"]
    raise SystemExit(f"no result for {command}")


def best(conclab, lines, command, runs=5):
    return min(elapsed_ms(conclab, lines, command) for _ in range(runs))


def run(conclab):
    loop_off = best(conclab, [LOOP], LOOP)
    loop_on = best(conclab, ["trace on", LOOP], LOOP)
    team_off = best(conclab, [WORK, TEAM], TEAM)
    team_on = best(conclab, ["trace on", WORK, TEAM], TEAM)
    return [
        ("while loop 10^7, tracing off", loop_off, "ms"),
        ("while loop 10^7, tracing on", loop_on, "ms"),
        ("while loop: on / off (target <= 1.25)", loop_on / loop_off, "x"),
        ("2 threads under the GIL, tracing off", team_off, "ms"),
        ("2 threads under the GIL, tracing on", team_on, "ms"),
        ("2 threads: on / off (target <= 1.25)", team_on / team_off, "x"),
    ]


if __name__ == "__main__":
    benchlib.main(sys.modules[__name__])
