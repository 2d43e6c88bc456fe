#!/usr/bin/env bash
# The heart of 'make test', after the build: six parts that run side by side, because the longest of them (the
# test that follows labs at a person's pace) mostly waits for its next keystroke:
#   paced     the tmux test that follows three labs at a person's pace (started first; run by the test binary
#             itself: a second 'swift test' would wait for the lock the first holds on .build)
#   e2e       the end-to-end suites, by the test binary too: their two lines (EndToEnd, EndToEndSecondLine) each
#             hold a thread of the test pool while a test waits for its processes, so they get a process of their own
#   unit      swift test, every other test
#   labs-1    conclab replay of labs 00-03, in English and in Russian
#   labs-2    the same for labs 04-08
#   tools     the quick fuzzer, then the install check, on what is built (make fuzz-quick-run install-check-run: no
#             'swift build', which would wait for the lock 'swift test' holds on .build)
# Each part writes its own log under .build/test-logs; every log is printed whole when its part ends, then a line per
# part with its time. Exit status 0 only if every part passed. Ctrl-C or SIGTERM stops them all.
#
# The replays run each lab's commands once for both languages (--twins-once): the Russian twin's checks, with its own
# line numbers, are judged on the English twin's run, since both run the same commands, checks, predictions and
# files in the same order (a pair that differs is replayed twice; TwinReplayTests holds every built-in pair to it).
# Replaying the Russian labs again would only measure the machine a second time: that is what 'labsoak' does, many
# times over, with each language replayed on its own. The labs are made to hold on a busy machine (Labs/README.md),
# so replaying them beside the unit tests is one more busy machine for them.
set -u
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/conclab}
logs=.build/test-logs
mkdir -p "$logs"

names=(paced e2e unit labs-1 labs-2 tools)
# Labs 00-03 (each with its twin) in one stream, every other lab file under Labs/ in the other: a lab added later
# is replayed without a change here.
first=$(ls Labs/*/0[0-3]-*.md | sort -t/ -k3,3 -k2,2 | tr '\n' ' ')
rest=$(ls Labs/*/*.md | grep -v '/0[0-3]-' | sort -t/ -k3,3 -k2,2 | tr '\n' ' ')
commands=(
  ".build/debug/conclabPackageTests.xctest --testing-library swift-testing --filter GuidedPaceTests"
  ".build/debug/conclabPackageTests.xctest --testing-library swift-testing --filter 'EndToEndTests\.EndToEnd'"
  "swift test --skip-build --disable-xctest --skip GuidedPaceTests --skip 'EndToEndTests\.EndToEnd'"
  "$bin replay --twins-once $first"
  "$bin replay --twins-once $rest"
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
# A CI log may keep only its last lines: repeat what failed (Swift Testing's ✘ lines and the expectations they
# print, a replay's failed checks, an error), at most 60 lines a part, after the summary.
for n in "${names[@]}"; do
  [ "${status[$n]}" = 0 ] && continue
  echo "════ what failed in $n ════"
  grep -E -A3 '✘|FAILED|failed check|error:|fatal|Fatal|crash|Expectation failed' "$logs/$n.log" | head -60
done
exit $failed
