#!/usr/bin/env bash
# The heart of 'make test', once conclab itself is built ('make test' builds the product 'conclab' and lints the
# labs first). Five parts run side by side, because the longest of them (the test that follows labs at a person's
# pace) mostly waits for its next keystroke:
#   labs-en   conclab replay of the English labs but lab 08      ┐ started at once, on a copy of the binary,
#   labs-ru   the same in Russian                                 │ while the tests are being built
#   labs-08   lab 08 in both languages                            ┘
#   unit      swift test (unit and end-to-end tests)              ┐ started when the build of the tests
#   tools     the quick fuzzer, then the install check, on what   │ (swift build --build-tests, and the
#             is built (make fuzz-quick-run install-check-run)    ┘ man page tool) is done
# The replays run a copy of the binary, so a relink during the test build cannot touch the file they execute.
# Each part writes its own log under .build/test-logs; every log is printed whole when its part ends, then a line per
# part with its status and time. Exit status 0 only if the build and every part passed. Ctrl-C or SIGTERM stops them
# all.
#
# The labs are made to hold on a busy machine (see Labs/README.md), so replaying the two languages at once, beside
# the compiler and the unit tests, is one more busy machine for them; 'labsoak' measures the same with a CPU hog.
set -u
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/conclab}
logs=.build/test-logs
mkdir -p "$logs"
replayer=$logs/conclab
cp "$bin" "$replayer.new" && mv -f "$replayer.new" "$replayer" || { echo "make test: cannot copy $bin" >&2; exit 1; }

names=(labs-en labs-ru labs-08 unit tools)
# Lab 08 (the longest, in both languages) in a stream of its own: three replay streams keep both cores busy.
commands=(
  "$replayer replay $(ls Labs/en/*.md | grep -v '/08-' | tr '\n' ' ')"
  "$replayer replay $(ls Labs/ru/*.md | grep -v '/08-' | tr '\n' ' ')"
  "$replayer replay Labs/en/08-*.md Labs/ru/08-*.md"
  "swift test --skip-build --disable-xctest"
  "make --no-print-directory fuzz-quick-run install-check-run"
)
declare -A pids started status finished command
for i in "${!names[@]}"; do command[${names[$i]}]=${commands[$i]}; done
build_pid=

stop_all() {
  [ -n "$build_pid" ] && kill -TERM -- "-$build_pid" 2>/dev/null
  for n in "${names[@]}"; do
    [ -n "${pids[$n]:-}" ] && kill -TERM -- "-${pids[$n]}" 2>/dev/null
  done
  wait
  echo "make test: stopped" >&2
  exit 130
}
trap stop_all INT TERM

set -m   # each part in a process group of its own, so stopping a part stops its children too
start() {
  local n=$1
  started[$n]=$(date +%s)
  bash -c "exec ${command[$n]}" > "$logs/$n.log" 2>&1 &
  pids[$n]=$!
}
start labs-en; start labs-ru; start labs-08

# The tests are built while the labs replay; the build's own output goes to the terminal as it comes.
build_started=$(date +%s)
( swift build --build-tests && swift build --product generate-manual >/dev/null ) &
build_pid=$!
wait "$build_pid"
build_status=$?
build_pid=
build_secs=$(( $(date +%s) - build_started ))
if [ "$build_status" = 0 ]; then
  start unit; start tools
else
  echo "make test: the build of the tests failed (status $build_status); the labs replay on" >&2
fi
set +m

# Print each part's log as soon as it ends, in the order they end.
remaining=0
for n in "${names[@]}"; do [ -n "${pids[$n]:-}" ] && remaining=$((remaining + 1)); done
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
if [ "$build_status" = 0 ]; then
  echo "  build of the tests: done in ${build_secs} s (beside the lab replays)"
else
  echo "  build of the tests: FAILED (status $build_status) after ${build_secs} s"
  failed=1
fi
for n in "${names[@]}"; do
  if [ -z "${started[$n]:-}" ]; then
    echo "  $n: not run (the build of the tests failed)"
    continue
  fi
  secs=$(( ${finished[$n]} - ${started[$n]} ))
  if [ "${status[$n]}" = 0 ]; then
    echo "  $n: passed in ${secs} s"
  else
    echo "  $n: FAILED (status ${status[$n]}) after ${secs} s — log: $logs/$n.log"
    failed=1
  fi
done
exit $failed
