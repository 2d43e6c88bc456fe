"""What the benchmark scripts share: running a conclab script in JSON mode, reading a command's figures,
and printing a table of (label, value, unit) rows."""

import json
import os
import shutil
import subprocess
import sys
import tempfile


def conclab_outcomes(conclab, lines, timeout=900):
    """Runs `lines` as one conclab script with --json, with a state folder of its own; returns the parsed JSON
    line of each command, in order. A conclab that exits non-zero, or a command that failed, raises."""
    state = tempfile.mkdtemp(prefix="conclab-bench-")
    env = dict(os.environ, XDG_STATE_HOME=state, NO_COLOR="1")
    try:
        done = subprocess.run([conclab, "--json"], input="\n".join(lines) + "\n", capture_output=True, text=True,
                              timeout=timeout, check=False, env=env)
    finally:
        shutil.rmtree(state, ignore_errors=True)
    if done.returncode != 0:
        raise RuntimeError(f"conclab failed ({done.returncode}): {done.stderr.strip()[:500]}")
    outcomes = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    for outcome in outcomes:
        if outcome.get("ok") is False:
            raise RuntimeError(f"'{outcome.get('command')}' failed: {outcome}")
    return outcomes


def figures(outcome):
    """The figures of one command: a record's fields or a table's summary (of the last result of a group)."""
    result = outcome.get("result", {})
    if result.get("type") == "group":
        result = result["results"][-1]
    return result.get("summary") or result.get("fields") or {}


def conclab_figures(conclab, lines, timeout=900):
    """The figures of each command of `lines`, in order."""
    return [figures(outcome) for outcome in conclab_outcomes(conclab, lines, timeout)]


def print_table(title, rows):
    print(f"\n{title}")
    width = max(len(r[0]) for r in rows)
    for label, value, unit in rows:
        if isinstance(value, float):
            shown = f"{value:,.2f}"
        elif isinstance(value, int):
            shown = f"{value:,}"
        else:
            shown = str(value)
        print(f"  {label.ljust(width)}  {shown:>14} {unit}")


def main(module):
    """A benchmark script run by itself: `python3 scripts/bench_NAME.py PATH/TO/conclab`."""
    if len(sys.argv) != 2:
        raise SystemExit(f"usage: {os.path.basename(sys.argv[0])} PATH/TO/conclab")
    print_table(module.TITLE, module.run(os.path.abspath(sys.argv[1])))
