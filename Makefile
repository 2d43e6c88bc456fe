# conclab — a concurrency lab in the terminal.
#   make run    install libedit-dev if missing, build, open the shell
#   make test   build and run every test (unit, end-to-end, lab replay)
#   make bench  release build, then the figures and ratios of the benchmarks

SWIFT ?= swift
BIN_DEBUG := .build/debug/conclab
BIN_RELEASE := .build/release/conclab

.PHONY: run build test test-deps bench deps release clean seams fuzz fuzz-quick

deps:
	@if ! pkg-config --exists libedit 2>/dev/null; then \
	  if [ "$$(id -u)" != "0" ]; then \
	    echo "conclab needs libedit-dev (the libedit headers). Run: sudo apt-get install -y libedit-dev" >&2; exit 1; \
	  fi; \
	  echo "Installing libedit-dev (needed for line editing)…"; \
	  apt-get install -y libedit-dev >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y libedit-dev >/dev/null; } \
	    || { echo "could not install libedit-dev with apt-get" >&2; exit 1; }; \
	fi
	@command -v tmux >/dev/null 2>&1 || { [ "$$(id -u)" = "0" ] && { apt-get install -y tmux >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y tmux >/dev/null; }; }; } || true

# The browser test of the timeline export needs a headless Chromium.
test-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" != "0" ]; then echo "the timeline browser test needs chromium: sudo apt-get install -y chromium" >&2; exit 1; fi; \
	  echo "Installing chromium (for the timeline browser test)…"; \
	  apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y --no-install-recommends chromium >/dev/null; }; }

build: deps
	$(SWIFT) build

# The release build is one static executable (Swift runtime, libedit and glibc inside): nothing for the dynamic
# loader to do, so a spawned worker starts in about the time of a bare posix_spawn (see 'make bench').
# libedit's own dependencies come last so the static link finds them.
STATIC_LINK := -Xswiftc -static-executable -Xlinker -ltinfo -Xlinker -lbsd -Xlinker -lmd

release: deps
	$(SWIFT) build -c release $(STATIC_LINK)

run: build
	@$(BIN_DEBUG)

# The seams between topic folders: a topic that uses another topic's type fails here (and the checker is
# shown to catch such a reach on a two-file fixture).
seams:
	python3 scripts/check_seams.py Sources
	@d=$$(mktemp -d) && mkdir -p $$d/LabTopics/A $$d/LabTopics/B && \
	  printf 'package struct Alpha {}\n' > $$d/LabTopics/A/A.swift && \
	  printf 'let x = Alpha()\n' > $$d/LabTopics/B/B.swift && \
	  if python3 scripts/check_seams.py $$d >/dev/null 2>&1; then rm -rf $$d; echo "check_seams missed a reach" >&2; exit 1; fi; \
	  rm -rf $$d

# The fuzzer: generated command lines (run inside bounded, contained replays) and mutated lab files, against the
# release build. Not part of 'make test' (it takes hours); 'fuzz-quick', a few hundred of each with a fixed seed, is.
fuzz: release
	python3 scripts/fuzz.py $(BIN_RELEASE) --lines 1000000 --labs 10000

fuzz-quick: build
	python3 scripts/fuzz.py $(BIN_DEBUG) --lines 400 --labs 300 --seed 7 --replay-every 0

test: build test-deps seams
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-xctest
	$(BIN_DEBUG) lint Labs
	$(BIN_DEBUG) replay Labs
	$(MAKE) --no-print-directory fuzz-quick

bench: release
	python3 scripts/bench.py $(BIN_RELEASE)

clean:
	rm -rf .build
