# esmith-c - the SME Server configuration tools in C.
#
#   make            build the library, tools and the registrations under root/
#   make check      install missing build/test packages, build, run every test
#   make demo       the qpsmtpd HELO story end to end with a real daemon
#   make bench      benchmarks (figures, not pass/fail)
#   make install DESTDIR=D
#
# O=DIR builds elsewhere; SAN=1 builds with ASan+UBSan (into build-san).

ifeq ($(SAN),1)
O ?= build-san
# clang: with gcc 12 an ASan+UBSan build ignores UBSAN_OPTIONS=log_path, and
# tests/run.sh needs every report in a file (see there).
CC = clang
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
O ?= build
SANFLAGS =
endif

CC ?= cc
OPT ?= -O2
CFLAGS ?= $(OPT) -g
WARN = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS += -D_GNU_SOURCE -Isrc/lib
# No errno from math functions: sqrt is then an instruction, and no tool
# maps libm at start-up (pow, for `**`, is loaded on first use: lazylib.h).
ALL_CFLAGS = $(WARN) $(CFLAGS) -fno-math-errno $(SANFLAGS)
# Link only what a tool really uses: `db getprop` must not map libexpat or
# PCRE2 unless it needs them (every mapped library costs start-up time).
LDFLAGS += -Wl,--as-needed $(SANFLAGS)
LIBS = -ltdb -lexpat -lpcre2-8 -lm

PREFIX_SBIN = /sbin/e-smith
MANDIR = /usr/share/man
BASHCOMPDIR = /usr/share/bash-completion/completions
DESTDIR ?=

LIB_SRC = $(sort $(wildcard src/lib/*.c))
LIB_OBJ = $(patsubst src/lib/%.c,$(O)/obj/lib/%.o,$(LIB_SRC))
TOOL_SRC = $(sort $(wildcard src/tools/*.c))
TOOLS = $(patsubst src/tools/%.c,$(O)/bin/%,$(TOOL_SRC))
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN = $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRC))
# Programs the shell tests use, never installed: tests/helpers/NAME.c
HELPER_SRC = $(sort $(wildcard tests/helpers/*.c))
HELPER_BIN = $(patsubst tests/helpers/%.c,$(O)/helpers/%,$(HELPER_SRC))
# Every fuzz target also as a plain program replaying its committed corpus
# (tests/cli/fuzz-replay.sh): a crash once found stays fixed, also under SAN=1.
REPLAY_BIN = $(patsubst fuzz/%.c,$(O)/fuzz-replay/%,$(sort $(wildcard fuzz/fuzz_*.c)))

.PHONY: all deps check test bench demo install clean format format-check cppcheck links fuzz valgrind rpm

all: $(O)/libesmith.a $(TOOLS) $(if $(wildcard src/tools/db.c),$(O)/bin/config) links

$(O)/obj/lib/%.o: src/lib/%.c $(wildcard src/lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(O)/obj/tools/%.o: src/tools/%.c $(wildcard src/lib/*.h src/tools/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(O)/libesmith.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(O)/bin/%: $(O)/obj/tools/%.o $(O)/libesmith.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(O)/libesmith.a $(LIBS)

# `db getprop` and expand-template are latency-bound: libtdb linked
# statically is one library less to map at start-up (every tool: they all
# start often). libtdb.a needs rep_memset_s from Samba's
# libreplace (src/lib/tdb_replace.c), hence libesmith.a again after it.
# RHEL's libtdb-devel ships no libtdb.a (the RPM build): link it shared there.
# PCRE2 the same way where libpcre2-8.a exists: the template engine calls
# PCRE2 directly.
ifneq ($(filter /%,$(shell $(CC) -print-file-name=libpcre2-8.a)),)
DB_PCRE2 = -Wl,-Bstatic -lpcre2-8 -Wl,-Bdynamic
else
DB_PCRE2 = -lpcre2-8
endif
ifneq ($(filter /%,$(shell $(CC) -print-file-name=libtdb.a)),)
$(TOOLS): LIBS = -Wl,-Bstatic -ltdb -Wl,-Bdynamic $(O)/libesmith.a $(DB_PCRE2) -lm
endif

# `config X` is `db configuration X`: one program, two names.
$(O)/bin/config: $(O)/bin/db
	ln -sf db $@

$(O)/tests/%: tests/unit/%.c $(O)/libesmith.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libesmith.a $(LIBS) -lcmocka

# Event registrations are generated, never committed (see createlinks).
links:
	sh ./createlinks

deps:
	sh tools/install-deps.sh

$(O)/helpers/%: tests/helpers/%.c $(O)/libesmith.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libesmith.a $(LIBS)

$(O)/fuzz-replay/%: fuzz/%.c tests/fuzz-replay.c $(O)/libesmith.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tests/fuzz-replay.c $< \
	  $(O)/libesmith.a $(LIBS)

test: all $(UNIT_BIN) $(HELPER_BIN) $(REPLAY_BIN)
	O=$(O) SAN=$(SAN) sh tests/run.sh

# The unit, CLI and oracle tests with every program run under valgrind.
valgrind: deps all $(UNIT_BIN) $(HELPER_BIN) $(REPLAY_BIN)
	O=$(O) sh tests/valgrind.sh

check: deps
	$(MAKE) test

bench: deps all
	O=$(O) sh bench/run.sh

demo: deps all
	O=$(O) sh tools/demo.sh

install: all
	install -d $(DESTDIR)$(PREFIX_SBIN)
	install -m 0755 $(O)/bin/db $(DESTDIR)$(PREFIX_SBIN)/db
	ln -sf db $(DESTDIR)$(PREFIX_SBIN)/config
	for t in $(filter-out $(O)/bin/db,$(TOOLS)); do \
	  install -m 0755 $$t $(DESTDIR)$(PREFIX_SBIN)/$$(basename $$t); done
	cd root && find . -type d -exec install -d $(DESTDIR)/{} \;
	cd root && find . \( -type f -o -type l \) -print | while read -r f; do \
	  cp -P --preserve=mode,links "$$f" "$(DESTDIR)/$$f"; done
	install -d -m 0755 $(DESTDIR)/home/e-smith/db $(DESTDIR)/etc/e-smith/templates-custom
	# where peers/0 is rendered (smeserver-qpsmtpd owns it too on SME)
	install -d -m 0755 $(DESTDIR)/var/service/qpsmtpd/config/peers
	install -d $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	for m in man/*.[0-9]; do \
	  install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$${m##*.}/$$(basename $$m); done
	ln -sf db.8 $(DESTDIR)$(MANDIR)/man8/config.8
	install -D -m 0644 completion/db.bash $(DESTDIR)$(BASHCOMPDIR)/db
	ln -sf db $(DESTDIR)$(BASHCOMPDIR)/config

# The binary RPM and the SRPM from this checkout, into $(O)/rpm/ (see
# spec/make-rpm.sh and README "Packaging"). Needs no build first.
rpm:
	O=$(O) sh spec/make-rpm.sh

# Fuzzing: every fuzz/fuzz_NAME.c is a libFuzzer target built with clang
# over the whole library, run for FUZZ_SECONDS on its committed seed corpus
# fuzz/corpus/NAME (copied, so new inputs do not dirty the checkout).
FUZZ_SRC = $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BIN = $(patsubst fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
FUZZ_SECONDS ?= 20

build-fuzz/%: fuzz/%.c $(LIB_SRC) $(wildcard src/lib/*.h)
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
	  -o $@ $< $(LIB_SRC) $(LIBS)

fuzz: deps $(FUZZ_BIN)
	@set -e; for f in $(FUZZ_BIN); do n=$$(basename $$f); n=$${n#fuzz_}; \
	  rm -rf build-fuzz/corpus-$$n; mkdir -p build-fuzz/corpus-$$n; \
	  cp -r fuzz/corpus/$$n/. build-fuzz/corpus-$$n/ 2>/dev/null || true; \
	  echo "== fuzz $$n for $(FUZZ_SECONDS)s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=build-fuzz/crash-$$n- build-fuzz/corpus-$$n fuzz/corpus/$$n; \
	done

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

# What CI checks (.ci/run): every tracked C file formatted, cppcheck clean.
format-check:
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')

cppcheck:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --inline-suppr --std=c11 -Isrc/lib src tests fuzz

clean:
	rm -rf build build-san build-fuzz
	sh ./createlinks --clean
