#!/usr/bin/env python3
"""Feeds generated command lines and mutated lab files to conclab and reports every crash and hang.

Command lines run inside replayed labs, so they meet the containment a lab from someone else meets (a scratch
folder, nothing read or written outside it, a time limit per step): the fuzzer cannot hurt the machine, and what
it finds is what a hostile lab could do. A batch of lines is one lab; each step holds one line (a step stops at its first failure) and allows a few
seconds. A mutated lab file (lines dropped, doubled, swapped, numbers made huge, blocks cut) goes to `lint`, and one
in twenty also to `replay`.

A crash is a conclab killed by a signal (SIGSEGV, SIGILL from a trap …); a hang is one that outlives its bound.
Either is printed with the input that caused it, and the exit status is 1.

usage: fuzz.py BINARY [--lines N] [--labs N] [--seed S] [--labs-dir DIR] [--jobs J] [--replay-every K]
"""
import argparse
import concurrent.futures
import os
import random
import re
import signal
import subprocess
import sys
import tempfile

STEP_SECONDS = 5
LINES_PER_STEP = 1  # a step stops at its first failed command: one line a step runs them all
LINES_PER_BATCH = 400


def vocabulary(binary):
    """Commands, their verbs and their flags, read from conclab's own help."""
    def text(line):
        out = subprocess.run([binary], input=line + "\n", capture_output=True, text=True, timeout=60).stdout
        return out
    top = text("help")
    nouns = {}
    for m in re.finditer(r"^  (\S+)\s+.*?(?:\[([^\]]+)\])?$", top, re.M):
        nouns[m.group(1)] = (m.group(2) or "").split()
    flags = set()
    for noun in list(nouns):
        for flag in re.findall(r"--[a-z][a-z-]*", text("help " + noun)):
            flags.add(flag)
    return nouns, sorted(flags)


HANDLES = ["p1", "p2", "t1", "t2", "fd3", "fd4", "ch1", "ch2", "g1", "g2", "L1", "L2", "fs1", "x", "all"]
NUMBERS = ["0", "1", "2", "3", "10", "64", "100", "-1", "-5", "1.5", "1e9", "9300000000000", "9223372036854775807",
           "9223372036854775808", "-9223372036854775808", "99999999999999999999999", "0x10", "1_000", "nan"]
WORDS = ["spin", "sleep", "hash", "echo", "lockseq", "x * x", "x % 2 == 0", "on", "off", "plain", "atomic", "biased",
         "TERM", "KILL", "STOP", "CONT", "unix", "tcp", "a.txt", "../up", "/etc/passwd", "/proc/self/environ",
         "/dev/zero", "notes.txt", "'", '"', "\\", "|", "#", "where", "--", "-", "-n", "é", "ж", "🙂"]
SNIPPETS = ["'x = 1'", "'while True:\\n    pass'", "'def f():\\n    yield 1'", "'[1] * 10**9'", "'1 // 0'",
            "'" + "(" * 300 + "1" + ")" * 300 + "'", "'sleep(100000)'", "'import os'", "'x = [x]'", "'print(\"a\" * 100)'"]


def garbage(rng):
    kind = rng.randrange(8)
    if kind == 0:
        return rng.choice(["(", "[", "not ", "-"]) * rng.choice([10, 150, 3000])
    if kind == 1:
        return "x" * rng.choice([100, 5000, 60000])
    if kind == 2:
        return "".join(chr(rng.choice([0x1b, 0x07, 0x9b, 0x0d, 0x00, 0x7f, 0x41, 0x20])) for _ in range(rng.randrange(1, 20)))
    if kind == 3:
        return "'" + rng.choice(["", "unterminated", "a'b"])
    if kind == 4:
        return '"' + "\\" * rng.randrange(1, 5)
    if kind == 5:
        return rng.choice(NUMBERS) + rng.choice(["", "ms", "e", "."])
    if kind == 6:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 6)))
    return rng.choice(SNIPPETS)


def line(rng, nouns, flags):
    if rng.random() < 0.05:
        return garbage(rng)
    noun = rng.choice(list(nouns))
    words = [noun]
    if nouns[noun] and rng.random() < 0.9:
        words.append(rng.choice(nouns[noun] + ["nosuchverb"]))
    for _ in range(rng.randrange(0, 5)):
        r = rng.random()
        if r < 0.3:
            words.append(rng.choice(NUMBERS))
        elif r < 0.5:
            words.append(rng.choice(HANDLES))
        elif r < 0.7:
            words.append(rng.choice(flags))
            if rng.random() < 0.7:
                words.append(rng.choice(NUMBERS + HANDLES + WORDS))
        elif r < 0.9:
            words.append(rng.choice(WORDS))
        else:
            words.append(garbage(rng))
    text = " ".join(words)
    if rng.random() < 0.08:
        text += " | where " + rng.choice(["count > 0", "x == ", "not " * 200 + "true", "(" * 500, "state == 'running'", garbage(rng)])
    return text


def lab_for(lines, name):
    """A lab whose steps run the lines, each step bounded to a few seconds."""
    out = ["---", f"id: {name}", "title: fuzz", "topic: shell", "minutes: 1", "---", ""]
    for start in range(0, len(lines), LINES_PER_STEP):
        out += [f"## Step {start // LINES_PER_STEP + 1}", "```requires", f"timeout: {STEP_SECONDS}", "```", "```conclab"]
        out += [l.replace("```", "` ` `") for l in lines[start:start + LINES_PER_STEP]]
        out += ["```", ""]
    return "\n".join(out)


def run(argv, timeout):
    """(returncode or None on hang, output tail)."""
    try:
        p = subprocess.run(argv, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return p.returncode, (p.stdout[-600:] + p.stderr[-600:]).decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        return None, ((e.stdout or b"")[-600:]).decode("utf-8", "replace")


def crashed(code):
    return code is not None and code < 0 and -code in (signal.SIGSEGV, signal.SIGILL, signal.SIGABRT, signal.SIGBUS,
                                                        signal.SIGFPE, signal.SIGTRAP)


def mutate(rng, text):
    lines = text.split("\n")
    for _ in range(rng.randrange(1, 6)):
        if not lines:
            break
        i = rng.randrange(len(lines))
        op = rng.randrange(7)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            lines[i] = re.sub(r"\d+", lambda m: rng.choice(NUMBERS), lines[i])
        elif op == 4:
            lines.insert(i, rng.choice(["```", "```conclab", "```check", "```output", "```requires", "---", "## X", garbage(rng)]))
        elif op == 5:
            lines = lines[:i]
        else:
            lines[i] = lines[i] + " " + garbage(rng)
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--labs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--labs-dir", default="Labs/en")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--replay-every", type=int, default=20, help="replay one mutated lab in K (0: lint them only)")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    nouns, flags = vocabulary(a.binary)
    problems = []
    work = tempfile.mkdtemp(prefix="conclab-fuzz-")
    batches = []
    for b in range(0, a.lines, LINES_PER_BATCH):
        lines = [line(rng, nouns, flags) for _ in range(min(LINES_PER_BATCH, a.lines - b))]
        path = os.path.join(work, f"lines-{b // LINES_PER_BATCH}.md")
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(lab_for(lines, f"fuzz-{b // LINES_PER_BATCH}"))
        batches.append(path)
    sources = [os.path.join(a.labs_dir, n) for n in sorted(os.listdir(a.labs_dir)) if n.endswith(".md")]
    labs = []
    for k in range(a.labs):
        src = rng.choice(sources)
        path = os.path.join(work, f"mutant-{k}.md")
        with open(path, "w", encoding="utf-8") as f:
            f.write(mutate(rng, open(src, encoding="utf-8").read()))
        labs.append((path, a.replay_every > 0 and k % a.replay_every == 0))

    def one_batch(path):
        steps = (LINES_PER_BATCH + LINES_PER_STEP - 1) // LINES_PER_STEP
        code, tail = run([a.binary, "replay", path], timeout=steps * (STEP_SECONDS + 5) + 60)
        if code is None or crashed(code):
            return f"{'hang' if code is None else 'crash (signal %d)' % -code} replaying {path}: …{tail[-300:]}"
        os.remove(path)
        return None

    def one_lab(item):
        path, replay = item
        for argv, bound in [([a.binary, "lint", path], 60)] + ([([a.binary, "replay", path], 1900)] if replay else []):
            code, tail = run(argv, bound)
            if code is None or crashed(code):
                return f"{'hang' if code is None else 'crash (signal %d)' % -code} in '{' '.join(argv[1:2])}' of {path}: …{tail[-300:]}"
        os.remove(path)
        return None

    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        for result in pool.map(one_batch, batches):
            if result:
                problems.append(result)
                print(result, flush=True)
        for result in pool.map(one_lab, labs):
            if result:
                problems.append(result)
                print(result, flush=True)
    print(f"fuzz: {a.lines} command lines in {len(batches)} labs, {a.labs} mutated labs "
          f"({sum(1 for _, r in labs if r)} replayed): {len(problems)} problem(s)" + (f"; their inputs are kept in {work}" if problems else ""))
    inputs = len(batches) + len(labs)
    print(f"fuzz: {inputs - len(problems)} passed, {len(problems)} failed")
    if not problems:
        os.rmdir(work) if not os.listdir(work) else None
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
