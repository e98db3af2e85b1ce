#!/usr/bin/env bats
# t/env.bats - the tools with nothing but the kernel: each runs under env -i,
# with a PATH that holds only a directory of this test's own (the five
# tools, sleep, and a ps(1) that tells when it is run).  The procfs build
# needs no ps, no locale, no environment.  The binaries under test are
# $PRREG_BIN's, else the static ones of build/static (made if missing).

static_bin=$BATS_TEST_DIRNAME/../build/static/bin
[ -n "${PRREG_BIN:-}" ] || PRREG_BIN=$static_bin
load helper

setup_file() {
	if [ "$PRREG_BIN" = "$static_bin" ] && [ ! -x "$static_bin/prspawn" ]
	then
		make -s -C "$BATS_TEST_DIRNAME/.." static >&2
	fi
}

# box: the directory $B of the only commands the tools may find.  The
# no-procfs build asks ps(1) by design: nothing to check there.
box() {
	if noprocfs; then
		skip "no-procfs build: it needs ps(1) by design"
	fi
	B=$T/box
	mkdir "$B"
	for t in prspawn prlist prreap prprune prpidcheck; do
		ln -s "$(cd "$bindir" && pwd)/$t" "$B/$t"
	done
	ln -s "$(command -v sleep)" "$B/sleep"
	printf '#!/bin/sh\necho "$*" >>"%s/ps-ran"\nexit 1\n' "$T" >"$B/ps"
	chmod +x "$B/ps"
}

# bare CMD [ARG...]: CMD, found on PATH=$B, in an empty environment.
bare() {
	env -i PATH="$B" "$@"
}

no_ps() {
	[ ! -e "$T/ps-ran" ] || { echo "ps ran: $(cat "$T/ps-ran")"; false; }
}

# spawn: prspawn -p -- sleep, bare, in session e; sets LINE and P.
spawn() {
	bare prspawn -r "$REG" -s e -p -- sleep 1000 \
	    </dev/null >"$T/out" 2>"$T/err" 3>&- || { cat "$T/err"; false; }
	LINE=$(cat "$T/out")
	P=$(cut -f 1 "$T/out")
	track -g "$P"
}

@test "env -i: prspawn starts a command found on PATH and records its token" {
	box
	spawn
	[ -z "$(cat "$T/err")" ]
	[ "$(cut -f 2-4 "$T/out")" = "$(printf '%s\tproc\te' "$P")" ]
	# The exact token where the kernel has pidfs, else the start time.
	[[ "$(cut -f 6 "$T/out")" =~ ^(pidfs:[0-9]+|[0-9]+)$ ]]
	[ "$(reg_lines)" = "$LINE" ]
	kill -0 "$P"
	no_ps
}

@test "env -i: prlist shows the record, and -l finds it live" {
	box
	spawn
	run bare prlist -r "$REG"
	[ "$status" -eq 0 ]
	[ "$output" = "$LINE" ]
	run bare prlist -r "$REG" -l
	[ "$status" -eq 0 ]
	[ "$output" = "$LINE" ]
	run bare prlist -r "$REG" -d
	[ "$status" -eq 1 ]
	no_ps
}

@test "env -i: prpidcheck -v, -T and -f tell live from dead" {
	box
	start_sleep
	run bare prpidcheck -v "$P"
	[ "$status" -eq 0 ]
	[ "$output" = "$P live" ]
	run bare prpidcheck -T "$P"
	[ "$status" -eq 0 ]
	[ "$output" = "$TOK" ]
	echo "$P 1" >"$T/pidfile"
	run bare prpidcheck -v -f "$T/pidfile"
	[ "$status" -eq 1 ]
	[ "$output" = "$P reused" ]
	run bare prpidcheck -v 2147483647
	[ "$status" -eq 1 ]
	[ "$output" = "2147483647 dead" ]
	no_ps
}

@test "env -i: prlist | prreap stops the group and forgets it" {
	box
	spawn
	bare prlist -r "$REG" >"$T/list"
	run bare prreap -r "$REG" -T 5 <"$T/list"
	[ "$status" -eq 0 ]
	[ "$output" = "$LINE" ]
	! kill -0 "$P" 2>/dev/null || [ "$(ps -o stat= -p "$P" | cut -c1)" = Z ]
	[ -z "$(reg_lines)" ]
	no_ps
}

@test "env -i: prprune forgets the dead record, keeps the live one" {
	box
	start_sleep
	{ header
	  rec 2147483647 - t s 2026-01-01T00:00:00.000Z 1 dead
	  rec "$P" - t s 2026-01-01T00:00:01.000Z "$TOK" live; } >"$REG"
	chmod 600 "$REG"
	run bare prprune -r "$REG"
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec 2147483647 - t s 2026-01-01T00:00:00.000Z 1 dead)" ]
	[ "$(reg_lines | cut -f 7)" = live ]
	no_ps
}

@test "the static build needs no shared library" {
	[ "$(cd "$bindir" && pwd)" = "$(cd "$static_bin" 2>/dev/null && pwd)" ] ||
	    skip "not the static build: $bindir"
	command -v readelf >/dev/null || skip "no readelf"
	for t in prspawn prlist prreap prprune prpidcheck; do
		if readelf -l "$bindir/$t" | grep -q INTERP; then
			echo "$t: dynamically linked"
			false
		fi
	done
}
