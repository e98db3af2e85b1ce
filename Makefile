# prreg - keep track of the processes a program starts, and stop them.
# make [all] | check | install | clean | demo | stress | bench | static

CC      ?= cc
CFLAGS  ?= -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -O2
LDFLAGS ?=
PREFIX  ?= /usr/local
MANDIR  ?= $(PREFIX)/share/man
# Where objects and binaries go: the tree itself, or e.g. O=build/clang.
ifeq ($(SANITIZE),1)
O       ?= build/sanitize
CFLAGS  += -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer -g
LDFLAGS += -fsanitize=address,undefined
endif
O       ?= .

TOOLS = prspawn prlist prreap prprune prpidcheck
LIBSRC = $(wildcard lib/*.c)
LIBOBJ = $(LIBSRC:%.c=$(O)/%.o)
BINS = $(filter $(TOOLS:%=$(O)/bin/%),$(patsubst %.c,$(O)/%,$(wildcard bin/*.c)))
MAN1 = $(wildcard man/*.1)
MAN5 = $(wildcard man/*.5)

all: $(BINS)

$(O)/lib/%.o: lib/%.c lib/*.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS) -Ilib -c -o $@ $<

$(O)/lib/libprreg.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

$(O)/bin/%: bin/%.c $(O)/lib/libprreg.a lib/*.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS) -Ilib -o $@ $< $(O)/lib/libprreg.a $(LDFLAGS)

# The bats suite, against the binaries in $(O)/bin.
check: all
	@command -v bats >/dev/null || { echo "make check: bats not found;" \
	    "install bats-core (Debian: apt-get install bats)" >&2; exit 2; }
	PRREG_BIN=$(abspath $(O)/bin) bats t

# Static musl binaries for minimal containers, stripped, with their sizes.
static:
	$(MAKE) CC=musl-gcc LDFLAGS=-static O=build/static all
	@cd build/static/bin && for t in $(TOOLS); do \
	    [ ! -f $$t ] || { strip $$t && \
	    echo "static: $$t: $$(wc -c <$$t) bytes stripped"; }; done

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5
	cp $(BINS) $(DESTDIR)$(PREFIX)/bin/
	cp $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	cp $(MAN5) $(DESTDIR)$(MANDIR)/man5/

clean:
	rm -f lib/*.o lib/libprreg.a $(TOOLS:%=bin/%)
	rm -rf build

.PHONY: all check static install clean
