#!/usr/bin/env python3
"""`io fetch loop` against a C epoll client: 10,000 requests over 100 connections to the I/O lab's server (no latency,
64-byte replies), one thread each. The C client (scripts/ioclient.c, built with the system C compiler) talks to a
server started here (conclab's own, `__io-worker serve`); conclab's loop to the one `io fetch` starts, the same
program. Rounds alternate between the two; the table shows the medians and the ratio (target: conclab <= 1.5x C).
Beside them, for scale: 100 threads of the shell, and python3's generator loop (`io fetch python`).

    python3 scripts/bench_io.py .build/release/conclab
"""
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile

import benchlib
from benchlib import conclab_outcomes

TITLE = "io fetch: 10,000 requests over 100 connections, no latency (median of 5; target: the loop <= 1.5x the C epoll client)"
ROUNDS = 5
REQUESTS, CONNS, REPLY = 10_000, 100, 64


def wall_ms(conclab, mode):
    outcome = conclab_outcomes(conclab, [f"io fetch {mode} -n {REQUESTS} -k {CONNS} --latency 0"])[0]
    result = outcome["result"]
    if result.get("type") != "table":
        raise SystemExit(f"bench_io: io fetch {mode} gave no table: {outcome}")
    row = result["rows"][0]
    if row["requests"] != REQUESTS:
        raise SystemExit(f"bench_io: io fetch {mode} answered {row['requests']} requests")
    return row["wall_ms"], row["cpu_ms"]


class Server:
    """conclab's I/O server on a loopback port of its own, ended by closing its control pipe."""

    def __init__(self, conclab):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(512)
        self.port = self.listener.getsockname()[1]
        read, self.control = os.pipe()
        fds = (self.listener.fileno(), read)
        self.process = subprocess.Popen([conclab, "__io-worker", "serve", str(fds[0]), str(fds[1]), "0", str(REPLY)],
                                        pass_fds=fds)
        os.close(read)

    def close(self):
        os.close(self.control)
        self.listener.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def run(conclab):
    compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if compiler is None:
        return [("no C compiler: no reference", "skipped", "")]
    workdir = tempfile.mkdtemp(prefix="conclab-bench-io-")
    server = Server(conclab)
    try:
        client = os.path.join(workdir, "ioclient")
        source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ioclient.c")
        subprocess.run([compiler, "-O2", "-o", client, source], check=True)
        c_ms, c_cpu, loop_ms, loop_cpu = [], [], [], []
        for _ in range(ROUNDS):
            out = subprocess.run([client, str(server.port), str(REQUESTS), str(CONNS), str(REPLY)],
                                 capture_output=True, text=True, check=True, timeout=120).stdout.split()
            c_ms.append(int(out[0]) / 1e6)
            c_cpu.append(int(out[1]) / 1e6)
            wall, cpu = wall_ms(conclab, "loop")
            loop_ms.append(wall)
            loop_cpu.append(cpu)
        threads = statistics.median(wall_ms(conclab, "threads")[0] for _ in range(3))
        rows = [("C epoll client: wall", statistics.median(c_ms), "ms"),
                ("C epoll client: CPU", statistics.median(c_cpu), "ms"),
                ("conclab io fetch loop: wall", statistics.median(loop_ms), "ms"),
                ("conclab io fetch loop: CPU (the shell's, all threads)", statistics.median(loop_cpu), "ms"),
                ("loop / C (target <= 1.5)", statistics.median(loop_ms) / statistics.median(c_ms), "x"),
                ("conclab io fetch threads (100 threads): wall", threads, "ms")]
        if shutil.which("python3"):
            python = statistics.median(wall_ms(conclab, "python")[0] for _ in range(3))
            rows.append(("python3 generator loop over select (io fetch python): wall", python, "ms"))
        return rows
    finally:
        server.close()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    benchlib.main(sys.modules[__name__])
