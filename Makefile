# Makefile for convo: small Unix commands over one SQLite database of
# chatbot conversations.  One non-recursive GNU Makefile.
#
#   make                      build libconvo.a and the commands
#   make check                build and run every test (SANITIZE=1 for
#                             AddressSanitizer and UBSan)
#   make lint                 mandoc -Tlint, the layering and banned-function greps
#   make fuzz                 build the libFuzzer harnesses (clang)
#   make fuzz-run SECONDS=N   run each harness N seconds
#   make bench N=100000 SEED=1  the benchmark on generated data
#   make install PREFIX=/usr/local DESTDIR=

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/convo

CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config
DEPS = sqlite3 libcjson libpcre2-8
# Recursive (=) so that they are read after `deps` has installed them.
DEP_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(DEPS) 2>/dev/null)
DEP_LIBS = $(or $(shell $(PKG_CONFIG) --libs $(DEPS) 2>/dev/null), \
	-lsqlite3 -lcjson -lpcre2-8) -lcsv -lm -pthread

# Warnings cannot be lost to a user's CFLAGS.
override CFLAGS += -std=c11 -pthread -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
	-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wno-format-nonliteral -MMD -MP
ifdef DEVELOPER
override CFLAGS += -Werror
endif
# GCC's "undefined" leaves out a float converted out of an integer's range.
ifeq ($(SANITIZE),1)
override SANITIZE := address,undefined,float-cast-overflow
endif
ifdef SANITIZE
override CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
override LDFLAGS += -fsanitize=$(SANITIZE)
endif
override CPPFLAGS += $(DEP_CFLAGS) -Ilib -DCONVO_DATADIR='"$(DATADIR)"'

# Every cmd/convo-*.c is a command, every lib/*.c part of the library,
# every tests/unit/test_*.c a unit test, every tests/fuzz/fuzz_*.c a fuzz
# harness: adding a file is all it takes.
COMMANDS = $(patsubst %.c,%,$(wildcard cmd/convo-*.c))
LIB_OBJS = $(sort $(patsubst %.c,%.o,$(wildcard lib/*.c)) lib/rules_default.o)
UNIT_TESTS = $(patsubst %.c,%,$(wildcard tests/unit/test_*.c))
FUZZERS = $(patsubst %.c,%,$(wildcard tests/fuzz/fuzz_*.c))

MAN1 = $(COMMANDS:cmd/%=man/%.1)
MAN5 = man/convo-formats.5
MAN7 = man/convo.7

all: deps
	@$(MAKE) --no-print-directory build

build: $(COMMANDS)

# Installs missing Debian packages as root, else says what to install.
deps:
	@sh tests/deps.sh

# The README's first command: the sample exports imported and summed up.
demo: all
	@rm -f demo.db demo.db-wal demo.db-shm
	cmd/convo-import -d demo.db testdata/sample/*
	cmd/convo-stats -d demo.db --period all --show sources,status,trend

libconvo.a: $(LIB_OBJS)
	$(AR) rcs $@ $(LIB_OBJS)

# The default rules file, compiled in as a C string.
lib/rules_default.c: lib/default.rules
	{ echo '/* Generated from lib/default.rules by make: do not edit. */'; \
	  echo '#include "convo.h"'; \
	  echo 'static const char text[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/.*/"&\\n"/' $<; \
	  echo ';'; \
	  echo 'const char *convo_rules_default_text(void) { return text; }'; \
	} > $@.tmp && mv $@.tmp $@

$(COMMANDS): %: %.o cmd/cli.o libconvo.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< cmd/cli.o libconvo.a $(DEP_LIBS)

$(UNIT_TESTS): %: %.o libconvo.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< libconvo.a $(DEP_LIBS)

# Fuzz harnesses: libFuzzer with clang, the library built once for them
# in tests/fuzz/obj/.  `make fuzz-run SECONDS=N` runs each one N seconds
# (FUZZ_SECONDS too; 30 by default) over its seeds, testdata/NAME or else
# all of testdata/, with its dictionary, keeping what it finds in
# tests/fuzz/corpus/NAME and a crashing input as tests/fuzz/corpus/NAME-*;
# it stops at the first crash, leak or timeout.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 30
ifeq ($(origin SECONDS),command line)
FUZZ_SECONDS := $(SECONDS)
endif
FUZZ_FLAGS = -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer \
	$(filter-out -MMD -MP -O% -fsanitize=% -fno-sanitize-recover=%,$(CFLAGS))
FUZZ_OBJS = $(patsubst lib/%.c,tests/fuzz/obj/%.o, \
	$(sort $(wildcard lib/*.c) lib/rules_default.c))
fuzz: deps
	@FUZZ_CC=$(FUZZ_CC) sh tests/deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZERS)
tests/fuzz/libconvo-fuzz.a: $(FUZZ_OBJS)
	@echo "$(AR) rcs $@ tests/fuzz/obj/*.o"
	@$(AR) rcs $@ $(FUZZ_OBJS)
tests/fuzz/obj/%.o: lib/%.c
	@mkdir -p tests/fuzz/obj
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP \
		$(CPPFLAGS) -c -o $@ $<
$(FUZZERS): %: %.c tests/fuzz/fuzz.h tests/fuzz/hexval.h tests/fuzz/libconvo-fuzz.a
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $(CPPFLAGS) \
		-o $@ $< tests/fuzz/libconvo-fuzz.a $(DEP_LIBS)
fuzz-run: fuzz
	@for f in $(FUZZERS); do \
		n=$${f#tests/fuzz/fuzz_}; mkdir -p tests/fuzz/corpus/$$n; \
		seeds=testdata/$$n; [ -d $$seeds ] || seeds=testdata; \
		echo "fuzz-run: $$n, $(FUZZ_SECONDS) s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
			-rss_limit_mb=2048 -dict=$$f.dict -print_final_stats=1 \
			-artifact_prefix=tests/fuzz/corpus/$$n- \
			tests/fuzz/corpus/$$n $$seeds \
			>tests/fuzz/corpus/$$n.log 2>&1 || \
			{ tail -n 60 tests/fuzz/corpus/$$n.log; exit 1; }; \
		grep -E '^#[0-9]+.*(DONE|INITED)|^stat::' \
			tests/fuzz/corpus/$$n.log | tail -n 6; \
	done

# Replays the fuzz seeds through the harnesses built without libFuzzer.
FUZZ_REPLAY = $(FUZZERS:%=%-replay)
$(FUZZ_REPLAY): %-replay: %.o tests/fuzz/replay.o libconvo.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.o libconvo.a $(DEP_LIBS)

check: all
	@$(MAKE) --no-print-directory $(UNIT_TESTS) $(FUZZ_REPLAY) tests/gen/gen
	@sh tests/run.sh

# The data generator of the benchmark and of the crash and resource
# tests (a test tool, not installed).
tests/gen/gen: tests/gen/gen.c
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lm

bench: all tests/gen/gen
	@sh tests/bench.sh $(N) $(SEED)

lint:
	@sh tests/lint.sh

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(DATADIR)
	cp $(COMMANDS) $(DESTDIR)$(BINDIR)/
	cp $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	cp $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	cp $(MAN7) $(DESTDIR)$(MANDIR)/man7/
	cp lib/default.rules $(DESTDIR)$(DATADIR)/default.rules

uninstall:
	rm -f $(COMMANDS:cmd/%=$(DESTDIR)$(BINDIR)/%) \
		$(MAN1:man/%=$(DESTDIR)$(MANDIR)/man1/%) \
		$(MAN5:man/%=$(DESTDIR)$(MANDIR)/man5/%) \
		$(MAN7:man/%=$(DESTDIR)$(MANDIR)/man7/%) \
		$(DESTDIR)$(DATADIR)/default.rules

clean:
	rm -f libconvo.a lib/*.o lib/*.d cmd/*.o cmd/*.d lib/rules_default.c \
		$(COMMANDS) $(UNIT_TESTS) tests/unit/*.o tests/unit/*.d \
		$(FUZZERS) $(FUZZ_REPLAY) tests/fuzz/*.o tests/fuzz/*.d \
		tests/gen/gen tests/gen/*.d
	rm -rf tests/tmp tests/fuzz/obj demo.db demo.db-wal demo.db-shm

.PHONY: all bench build check clean demo deps fuzz fuzz-run install lint \
	uninstall

-include $(LIB_OBJS:.o=.d) $(COMMANDS:=.d) cmd/cli.d $(UNIT_TESTS:=.d) \
	$(FUZZ_OBJS:.o=.d)
