#!/usr/bin/env python3
"""IPC figures for `make bench`: `ipc bench` beside a plain C ping-pong (scripts/pingpong.c) in the same run, and
`ipc bench shm`'s bandwidth beside a C memcpy into a ring of the same size (scripts/memcpy_ring.c).

Imported by scripts/bench.py (TITLE and run(conclab_bin) -> [(label, value, unit)]), or run alone:
    python3 scripts/bench_ipc.py PATH/TO/conclab
The C references are built with the system C compiler (`cc`) into a temporary folder. Each side runs ROUNDS times,
interleaved, and the best median of each is kept (the machine is shared and noisy). Nothing is asserted: the
targets are printed beside the figures.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import benchlib
from benchlib import conclab_outcomes

TITLE = ("IPC: conclab 'ipc bench' vs a C ping-pong, same machine, same run "
         "(round trip 64 B, best of 3 medians; bandwidth 64 KiB writes)")

SIZE = 64
COUNT = 20_000
BLOCK = 65_536
TOTAL = 64 << 20
ROUNDS = 3
# `ipc bench shm` copies each block into a ring of this many slots (LabOS SharedMemoryBench.slots). The C reference
# copies the same blocks into a ring of the same size (a ring of 4 x 64 KiB stays in one core's cache, where the shared
# ring's lines must move to the worker's core), and, for comparison, into one buffer as large as all the data.
SHM_SLOTS = 4
# A second shared-memory figure with blocks too large for a core's cache, where both sides stream from L3 or memory.
LARGE_BLOCK = 4 << 20
LARGE_TOTAL = 256 << 20


def build_reference(workdir, name="pingpong"):
    compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if compiler is None:
        raise SystemExit(f"bench_ipc: no C compiler (cc) on PATH to build the reference {name}")
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), name + ".c")
    binary = os.path.join(workdir, name)
    proc = subprocess.run([compiler, "-O2", "-o", binary, source], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise SystemExit(f"bench_ipc: building {source} failed: {proc.stderr.decode()[:800]}")
    return binary


def reference(binary, transport):
    proc = subprocess.run([binary, transport, str(SIZE), str(COUNT), str(BLOCK), str(TOTAL)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise SystemExit(f"bench_ipc: pingpong {transport} failed: {proc.stderr.decode()[:500]}")
    median, p99, mib_s = (float(x) for x in proc.stdout.split())
    return {"median_us": median, "p99_us": p99, "mib_s": mib_s}


def memcpy_reference(binary, block, total, slots=SHM_SLOTS):
    proc = subprocess.run([binary, str(block), str(total), str(slots)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise SystemExit(f"bench_ipc: memcpy_ring failed: {proc.stderr.decode()[:500]}")
    return float(proc.stdout.split()[0])


def conclab_shm_large(conclab):
    """`ipc bench shm` with large blocks: its bandwidth in MiB/s."""
    line = f"ipc bench shm --count 1000 --block {LARGE_BLOCK} --total {LARGE_TOTAL}"
    outcome = conclab_outcomes(conclab, [line])[0]
    return float(outcome["result"]["rows"][0]["bandwidth_mib_s"])


def conclab_bench(conclab):
    """One `ipc bench all` in a fresh conclab; returns {transport: {median_us, p99_us, mib_s}}."""
    line = f"ipc bench all --size {SIZE} --count {COUNT} --block {BLOCK} --total {TOTAL}"
    outcome = conclab_outcomes(conclab, [line])[0]
    figures = {}
    for row in outcome["result"]["rows"]:
        figures[row["transport"]] = {"median_us": float(row["median_us"]), "p99_us": float(row["p99_us"]),
                                     "mib_s": float(row["bandwidth_mib_s"])}
    return figures


def best(runs, transport):
    """The best (lowest) median and p99 and the best (highest) bandwidth over the rounds."""
    return {"median_us": min(r[transport]["median_us"] for r in runs),
            "p99_us": min(r[transport]["p99_us"] for r in runs),
            "mib_s": max(r[transport]["mib_s"] for r in runs)}


def run(conclab):
    workdir = tempfile.mkdtemp(prefix="conclab-bench-ipc-")
    try:
        binary = build_reference(workdir)
        copier = build_reference(workdir, "memcpy_ring")
        ours, theirs, copies, whole, large, large_copies = [], [], [], [], [], []
        for _ in range(ROUNDS):
            ours.append(conclab_bench(conclab))
            theirs.append({t: reference(binary, t) for t in ("pipe", "unix")})
            copies.append(memcpy_reference(copier, BLOCK, TOTAL))
            whole.append(memcpy_reference(copier, BLOCK, TOTAL, slots=TOTAL // BLOCK))
            large.append(conclab_shm_large(conclab))
            large_copies.append(memcpy_reference(copier, LARGE_BLOCK, LARGE_TOTAL))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    rows = []
    for transport, name in (("pipe", "pipe"), ("unix", "unix socket pair")):
        a, b = best(ours, transport), best(theirs, transport)
        rows += [
            (f"{name}: conclab round trip, median", a["median_us"], "us"),
            (f"{name}: C round trip, median", b["median_us"], "us"),
            (f"{name}: round trip conclab / C", a["median_us"] / b["median_us"], "x (target <= 1.25)"),
            (f"{name}: conclab / C p99", f"{a['p99_us']:.1f} / {b['p99_us']:.1f}", "us"),
        ]
    a, b = best(ours, "pipe"), best(theirs, "pipe")
    rows += [
        ("pipe bandwidth, 64 KiB writes: conclab", a["mib_s"], "MiB/s"),
        ("pipe bandwidth, 64 KiB writes: C", b["mib_s"], "MiB/s"),
        ("pipe bandwidth conclab / C", a["mib_s"] / b["mib_s"], "x (target >= 0.8)"),
        ("unix bandwidth conclab / C", best(ours, "unix")["mib_s"] / best(theirs, "unix")["mib_s"], "x"),
    ]
    shm = best(ours, "shm")
    rows += [
        ("shared memory: conclab round trip (spin, then futex), median", shm["median_us"], "us"),
        ("shared memory bandwidth, 64 KiB blocks, ring of 4: conclab", shm["mib_s"], "MiB/s"),
        ("memcpy into a ring of 4 x 64 KiB, one thread: C", max(copies), "MiB/s"),
        ("shared memory bandwidth / C memcpy, 64 KiB", shm["mib_s"] / max(copies), "x (target >= 0.8)"),
        ("memcpy of the 64 MiB into a 64 MiB buffer, 64 KiB at a time: C", max(whole), "MiB/s"),
        ("shared memory bandwidth / that memcpy", shm["mib_s"] / max(whole), "x"),
        ("shared memory bandwidth, 4 MiB blocks: conclab", max(large), "MiB/s"),
        ("memcpy into a ring of 4 x 4 MiB, one thread: C", max(large_copies), "MiB/s"),
        ("shared memory bandwidth / C memcpy, 4 MiB", max(large) / max(large_copies), "x (target >= 0.8)"),
    ]
    for transport, name in (("tcp", "tcp loopback"), ("queue", "in-process queue, threads")):
        f = best(ours, transport)
        rows += [
            (f"{name}: conclab round trip, median", f["median_us"], "us"),
            (f"{name}: conclab bandwidth", f["mib_s"], "MiB/s"),
        ]
    return rows


if __name__ == "__main__":
    benchlib.main(sys.modules[__name__])
