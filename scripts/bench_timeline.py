#!/usr/bin/env python3
"""Timeline recorder cost: the interpreter's while loop and a two-thread GIL run, tracing off and on.

Targets: tracing on costs <= 10% more wall time than off (issue 17: 1.27x when filed); off costs nothing
measurable next to the interpreter benchmark's own figure (compare 'tracing off' here with bench_interpreter's
while loop). The machine is noisy and a fixed order flips comparisons, so off and on runs alternate (ROUNDS
rounds, each a fresh shell running off then on, or on then off) and each side keeps its fastest run.
"""
import sys

import benchlib
from benchlib import conclab_outcomes

TITLE = "Timeline recorder: cost of tracing (fastest of 6 interleaved runs each; target: on <= 1.10 x off)"
ROUNDS = 6

LOOP = "py 'i = 0\\nwhile i < 10000000:\\n    i += 1'"
WORK = "py 'def work():\\n    i = 0\\n    while i < 2000000:\\n        i += 1'"
TEAM = "py --threads 2 'work()'"


def elapsed_ms(conclab, lines, command):
    """Runs a script in --json mode and returns the elapsed_ms of the line equal to `command`."""
    for outcome in conclab_outcomes(conclab, lines):
        if outcome.get("command") == command:
            return outcome["elapsed_ms"]
    raise SystemExit(f"no result for {command}")


def interleaved_best(conclab, off_lines, on_lines, command, rounds=ROUNDS):
    """The fastest run with tracing off and with it on, taken in alternating order."""
    off, on = [], []
    for round_number in range(rounds):
        order = [(off, off_lines), (on, on_lines)]
        if round_number % 2:
            order.reverse()
        for samples, lines in order:
            samples.append(elapsed_ms(conclab, lines, command))
    return min(off), min(on)


def run(conclab):
    loop_off, loop_on = interleaved_best(conclab, [LOOP], ["trace on", LOOP], LOOP)
    team_off, team_on = interleaved_best(conclab, [WORK, TEAM], ["trace on", WORK, TEAM], TEAM)
    return [
        ("while loop 10^7, tracing off", loop_off, "ms"),
        ("while loop 10^7, tracing on", loop_on, "ms"),
        ("while loop: on / off (target <= 1.10)", loop_on / loop_off, "x"),
        ("2 threads under the GIL, tracing off", team_off, "ms"),
        ("2 threads under the GIL, tracing on", team_on, "ms"),
        ("2 threads: on / off (target <= 1.10)", team_on / team_off, "x"),
    ]


if __name__ == "__main__":
    benchlib.main(sys.modules[__name__])
