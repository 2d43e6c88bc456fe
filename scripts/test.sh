#!/usr/bin/env bash
# The heart of 'make test', after the build: six parts that run side by side, because the longest of them (the
# test that follows labs at a person's pace) mostly waits for its next keystroke:
#   paced     the tmux test that follows three labs at a person's pace (started first; run by the test binary
#             itself: a second 'swift test' would wait for the lock the first holds on .build)
#   unit      swift test, every other unit and end-to-end test
#   labs-en   conclab replay of the English labs but lab 08
#   labs-ru   the same in Russian
#   labs-08   lab 08 in both languages
#   tools     the quick fuzzer, then the install check, on what is built (make fuzz-quick-run install-check-run: no
#             'swift build', which would wait for the lock 'swift test' holds on .build)
# Each part writes its own log under .build/test-logs; every log is printed whole when its part ends, then a line per
# part with its status and time. Exit status 0 only if every part passed. Ctrl-C or SIGTERM stops them all.
#
# The labs are made to hold on a busy machine (see Labs/README.md), so replaying the two languages at once, beside
# the unit tests, is one more busy machine for them; 'labsoak' measures the same with a CPU hog.
set -u
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/conclab}
logs=.build/test-logs
mkdir -p "$logs"

# Lab 08 (the longest, in both languages) in a stream of its own: three replay streams keep both cores busy
# while the paced tmux test mostly waits.
names=(paced unit labs-en labs-ru labs-08 tools)
commands=(
  ".build/debug/conclabPackageTests.xctest --testing-library swift-testing --filter GuidedPaceTests"
  "swift test --skip-build --disable-xctest --skip GuidedPaceTests"
  "$bin replay $(ls Labs/en/*.md | grep -v '/08-' | tr '\n' ' ')"
  "$bin replay $(ls Labs/ru/*.md | grep -v '/08-' | tr '\n' ' ')"
  "$bin replay Labs/en/08-*.md Labs/ru/08-*.md"
  "make --no-print-directory fuzz-quick-run install-check-run"
)
declare -A pids started status finished command
for i in "${!names[@]}"; do command[${names[$i]}]=${commands[$i]}; done

stop_all() {
  for n in "${names[@]}"; do
    [ -n "${pids[$n]:-}" ] && kill -TERM -- "-${pids[$n]}" 2>/dev/null
  done
  wait
  echo "make test: stopped" >&2
  exit 130
}
trap stop_all INT TERM

set -m   # each part in a process group of its own, so stopping a part stops its children too
for i in "${!names[@]}"; do
  n=${names[$i]}
  started[$n]=$(date +%s)
  bash -c "exec ${command[$n]}" > "$logs/$n.log" 2>&1 &
  pids[$n]=$!
done
set +m

# Print each part's log as soon as it ends, in the order they end.
remaining=${#names[@]}
while [ "$remaining" -gt 0 ]; do
  wait -n -p done_pid
  rc=$?
  for n in "${names[@]}"; do
    if [ "${pids[$n]:-}" = "$done_pid" ]; then
      status[$n]=$rc
      finished[$n]=$(date +%s)
      echo "════ $n: ${command[$n]} ════"
      cat "$logs/$n.log"
      pids[$n]=
      remaining=$((remaining - 1))
    fi
  done
done

failed=0
echo "════ summary ════"
for n in "${names[@]}"; do
  secs=$(( ${finished[$n]} - ${started[$n]} ))
  if [ "${status[$n]}" = 0 ]; then
    echo "  $n: passed in ${secs} s"
  else
    echo "  $n: FAILED (status ${status[$n]}) after ${secs} s — log: $logs/$n.log"
    failed=1
  fi
done
exit $failed
