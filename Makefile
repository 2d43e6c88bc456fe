# conclab — a concurrency lab in the terminal.
#   make run    install libedit-dev if missing, build, open the shell
#   make test   build and run every test (unit, end-to-end, lab replay)
#   make bench  release build, then the figures and ratios of the benchmarks

SWIFT ?= swift
BIN_DEBUG := .build/debug/conclab
BIN_RELEASE := .build/release/conclab

.PHONY: run build test test-deps bench deps release clean seams fuzz fuzz-quick fuzz-quick-run install install-files install-check install-check-run

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

# The debug build that every target here uses carries no debug info (-gnone): from a fresh clone on a 2-core machine it
# took 247 s of CPU against 313 s with the default -g (-gline-tables-only: 293 s), and 'make test' is bound by CPU.
# Backtraces still name the functions. For lldb, build with plain 'swift build' (then 'make' rebuilds once).
# The index store stays: SwiftPM finds the XCTest-style test entry points of a Linux test build through it
# ('--disable-index-store' fails 'swift build --build-tests' with "index store path does not exist").
DEBUG_FLAGS := -Xswiftc -gnone

build: deps
	$(SWIFT) build $(DEBUG_FLAGS)

# The release build is one static executable (Swift runtime, libedit and glibc inside): nothing for the dynamic
# loader to do, so a spawned worker starts in about the time of a bare posix_spawn (see 'make bench').
# libedit's own dependencies come last so the static link finds them. Only the conclab product: the static SDK has no
# Testing module, which TestSupport (a plain target the test targets share) imports.
STATIC_LINK := -Xswiftc -static-executable -Xlinker -ltinfo -Xlinker -lbsd -Xlinker -lmd

release: deps
	$(SWIFT) build -c release --product conclab $(STATIC_LINK)

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
	@$(MAKE) --no-print-directory fuzz-quick-run

# The same on the binary already built (make test runs it beside 'swift test', which holds SwiftPM's lock on .build).
fuzz-quick-run:
	python3 scripts/fuzz.py $(BIN_DEBUG) --lines 400 --labs 300 --seed 7 --replay-every 0

# One build of everything (the tests and conclab), then side by side (scripts/test.sh: each part's log printed whole,
# a line per part with its time): the paced tmux test, the other unit and end-to-end tests, the replay of the labs in
# English, the same in Russian, lab 08 in both, and the quick fuzzer followed by the install check.
test: deps test-deps seams
	$(SWIFT) build --build-tests $(DEBUG_FLAGS)
	$(SWIFT) build --product generate-manual $(DEBUG_FLAGS) >/dev/null
	$(BIN_DEBUG) lint Labs
	scripts/test.sh $(BIN_DEBUG)

# make install PREFIX=/usr/local (DESTDIR for packaging): the stripped static release binary (its labs inside), a man
# page, and completion scripts for bash, zsh and fish.
PREFIX ?= /usr/local
DESTDIR ?=
INSTALL_BIN ?= $(BIN_RELEASE)
ROOT = $(DESTDIR)$(PREFIX)
# The man page's date: the last commit's, so the same tree gives the same page.
MANUAL_DATE := $(shell git log -1 --format=%cs 2>/dev/null || date +%F)
GENERATE_MANUAL := .build/debug/generate-manual

install: release
	@$(MAKE) --no-print-directory install-files INSTALL_BIN=$(BIN_RELEASE)

# Installs INSTALL_BIN (any build) with its man page and completions; the man page comes from the binary's own help
# (swift-argument-parser's generate-manual), the completion scripts from --generate-completion-script.
install-files:
	@test -x $(INSTALL_BIN) || { echo "no binary at $(INSTALL_BIN): build it first" >&2; exit 1; }
	$(if $(SKIP_BUILD),@test -x $(GENERATE_MANUAL),$(SWIFT) build --product generate-manual $(DEBUG_FLAGS) >/dev/null)
	install -d $(ROOT)/bin $(ROOT)/share/man/man1 $(ROOT)/share/bash-completion/completions \
	  $(ROOT)/share/zsh/site-functions $(ROOT)/share/fish/vendor_completions.d
	install -m 755 -s $(INSTALL_BIN) $(ROOT)/bin/conclab
	$(GENERATE_MANUAL) $(ROOT)/bin/conclab --date $(MANUAL_DATE) --output-directory $(ROOT)/share/man/man1
	$(ROOT)/bin/conclab --generate-completion-script bash > $(ROOT)/share/bash-completion/completions/conclab
	$(ROOT)/bin/conclab --generate-completion-script zsh > $(ROOT)/share/zsh/site-functions/_conclab
	$(ROOT)/bin/conclab --generate-completion-script fish > $(ROOT)/share/fish/vendor_completions.d/conclab.fish

# Part of 'make test' (the release build is not, for time): installs the debug binary into a temporary prefix, then
# checks that the installed binary lists its labs from an empty folder with no CONCLAB_LABS, that the man page names
# the exit statuses (and renders, where man is installed), and that each completion script knows the subcommands.
install-check: build
	@$(MAKE) --no-print-directory install-check-run

# The check on what is already built ('make test' builds generate-manual first).
install-check-run:
	@set -e; d=$$(mktemp -d); trap 'rm -rf "$$d"' EXIT; \
	$(MAKE) --no-print-directory install-files INSTALL_BIN=$(BIN_DEBUG) PREFIX=$$d/prefix SKIP_BUILD=1 >/dev/null; \
	mkdir $$d/empty; cd $$d/empty; \
	env -u CONCLAB_LABS NO_COLOR=1 XDG_STATE_HOME=$$d/state $$d/prefix/bin/conclab lab list > $$d/labs.txt; \
	for lab in $(CURDIR)/Labs/en/*.md; do \
	  id=$$(sed -n 's/^id: *//p' "$$lab" | head -1); \
	  if ! grep -q "^$$id " $$d/labs.txt; then echo "install-check: the installed conclab does not list lab '$$id'" >&2; cat $$d/labs.txt >&2; exit 1; fi; \
	done; \
	page=$$d/prefix/share/man/man1/conclab.1; \
	if ! grep -q "^\.Sh NAME" $$page || ! grep -q "Exit status" $$page; then echo "install-check: $$page lacks NAME or the exit statuses" >&2; exit 1; fi; \
	if command -v man >/dev/null && ! man -l $$page 2>/dev/null | grep -q "Exit status"; then echo "install-check: man cannot render $$page" >&2; exit 1; fi; \
	for f in share/bash-completion/completions/conclab share/zsh/site-functions/_conclab share/fish/vendor_completions.d/conclab.fish; do \
	  if ! grep -q replay $$d/prefix/$$f; then echo "install-check: $$f is missing or does not know 'replay'" >&2; exit 1; fi; \
	done; \
	bash -n $$d/prefix/share/bash-completion/completions/conclab; \
	echo "install-check: $$(ls $(CURDIR)/Labs/en/*.md | wc -l) labs listed by the installed binary; man page and 3 completion scripts in place"

bench: release
	python3 scripts/bench.py $(BIN_RELEASE)

clean:
	rm -rf .build
