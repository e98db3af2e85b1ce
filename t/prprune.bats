#!/usr/bin/env bats
# prprune: forget the records of dead processes (all matching ones with
# -a), print each removed line, signal nothing.  Quarantine, headers and
# unsafe files are in format.bats.
#
# Dead records name pids no kernel hands out (above any pid_max); live ones
# are sleeps of our own, which must outlive every prprune here.

load helper
bats_require_minimum_version 1.5.0

D1=2147483647
D2=2147483646
D3=2147483645
USAGE='usage: prprune [-r FILE] [-s SESSION] [-t TYPE] [-p PID] [-i ID] [-O] [-a] [-n]'
WANTWORD='want 1 to 255 of A-Z a-z 0-9 . _ : @ % + = , / -'

# running PID: it exists, is no zombie, and is not stopped.
running() {
	local st
	st=$(ps -o stat= -p "$1") || return 1
	case $st in Z*|T*) return 1 ;; esac
}

# --- usage -----------------------------------------------------------------

@test "-h prints the usage on stdout and exits 0, changing nothing" {
	{ header; rec "$D1" - job s1 "$S1" - a; } >"$REG"
	cp "$REG" "$T/before"
	run -0 --separate-stderr prprune -h
	[ "$output" = "$USAGE" ]
	[ "$stderr" = "" ]
	cmp "$REG" "$T/before"
}

@test "an unknown option, a missing argument or an operand: one line on stderr, exit 2" {
	{ header; rec "$D1" - job s1 "$S1" - a; } >"$REG"
	cp "$REG" "$T/before"
	run -2 --separate-stderr prprune -Z
	[ "$output" = "" ]
	[ "$stderr" = "prprune: -Z: unknown option (-h for usage)" ]
	run -2 --separate-stderr prprune -l
	[ "$stderr" = "prprune: -l: unknown option (-h for usage)" ]
	for o in r s t p i; do
		run -2 --separate-stderr prprune -"$o"
		[ "$output" = "" ]
		[ "$stderr" = "prprune: -$o: option requires an argument (-h for usage)" ]
	done
	run -2 --separate-stderr prprune x
	[ "$output" = "" ]
	[ "$stderr" = "prprune: 'x': unexpected operand (-h for usage)" ]
	run -2 --separate-stderr prprune -n -- -a
	[ "$output" = "" ]
	[ "$stderr" = "prprune: '-a': unexpected operand (-h for usage)" ]
	run -2 --separate-stderr prprune $'-\t'
	[ "$stderr" = 'prprune: -\x09: unknown option (-h for usage)' ]
	cmp "$REG" "$T/before"
}

@test "-s, -t, -i refuse a bad WORD and -p a bad pid; 255 bytes will do" {
	{ header; rec "$D1" - job s1 "$S1" - a; } >"$REG"
	cp "$REG" "$T/before"
	w256=$(printf 'w%.0s' $(seq 256))
	w64=$(printf 'w%.0s' $(seq 64))
	set -- $'a\tb' 'a\x09b' 'a b' 'a b' $'a\nb' 'a\x0ab' 'sé' 's\xc3\xa9' \
	    '' '' "$w256" "$w64..."
	for o in s t i; do
		for ((k = 1; k < $#; k += 2)); do
			v=${!k} j=$((k + 1))
			run -2 --separate-stderr prprune -"$o" "$v"
			[ "$output" = "" ]
			[ "$stderr" = "prprune: -$o: invalid value '${!j}': $WANTWORD" ]
		done
	done
	for v in 0 -1 abc 2147483648 0x10 ' 5'; do
		run -2 --separate-stderr prprune -p "$v"
		[ "$output" = "" ]
		[ "$stderr" = "prprune: -p: invalid pid '$v': want 1 to 2147483647" ]
	done
	cmp "$REG" "$T/before"
	w255=$(printf 'w%.0s' $(seq 255))
	run -0 --separate-stderr prprune -s "$w255" -t "$w255" -i "$w255"
	[ "$output" = "" ]
	[ "$stderr" = "" ]
}

# --- what is removed -----------------------------------------------------------

@test "removes the dead records, prints each removed line, keeps the live ones" {
	start_sleep
	{ header
	  rec "$D1" - job s1 "$S1" - dead1
	  rec "$P" - job s1 "$S2" "$TOK" live
	  rec "$D2" 77 job s2 "$S3" tok dead2; } >"$REG"
	run -0 --separate-stderr prprune
	[ "$output" = "$(rec "$D1" - job s1 "$S1" - dead1
	    rec "$D2" 77 job s2 "$S3" tok dead2)" ]
	[ "$stderr" = "" ]
	{ header; rec "$P" - job s1 "$S2" "$TOK" live; } >"$T/want"
	cmp "$REG" "$T/want"
	running "$P"
}

@test "nothing to remove: exit 0, nothing printed, the file unchanged" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" live; } >"$REG"
	touch -d '2020-01-01 00:00:00' "$REG"
	before=$(fstate "$REG")
	run -0 --separate-stderr prprune
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	[ "$(fstate "$REG")" = "$before" ]
	run -0 --separate-stderr prprune -s nope -a
	[ "$output" = "" ]
	[ "$(fstate "$REG")" = "$before" ]
	running "$P"
}

@test "a missing registry: exit 0, nothing printed" {
	run -0 --separate-stderr prprune
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run -0 --separate-stderr prprune -a -n
	[ "$output" = "" ]
}

@test "-s, -t, -p and -i select, and are AND-ed: only matching dead records go" {
	start_sleep
	{ header
	  rec "$D1" - web s1 "$S1" - a
	  rec "$D2" - db s1 "$S1" - b
	  rec "$D1" - web s2 "$S2" - c
	  rec "$D3" - db s2 "$S3" - d
	  rec "$P" - web s1 "$S3" "$TOK" live; } >"$REG"
	run -0 prprune -t web -s s1
	[ "$output" = "$(rec "$D1" - web s1 "$S1" - a)" ]
	run -0 prprune -p "$D1" -t db
	[ "$output" = "" ]
	run -0 prprune -p "$D1"
	[ "$output" = "$(rec "$D1" - web s2 "$S2" - c)" ]
	run -0 prprune -i d -s s1
	[ "$output" = "" ]
	run -0 prprune -i d
	[ "$output" = "$(rec "$D3" - db s2 "$S3" - d)" ]
	run -0 prprune -t web
	[ "$output" = "" ]
	{ header; rec "$D2" - db s1 "$S1" - b
	  rec "$P" - web s1 "$S3" "$TOK" live; } >"$T/want"
	cmp "$REG" "$T/want"
	running "$P"
}

@test "a zombie's record is removed" {
	start_zombie
	{ header; rec "$Z" - job s1 "$S1" - zombie; } >"$REG"
	run -0 --separate-stderr prprune
	[ "$output" = "$(rec "$Z" - job s1 "$S1" - zombie)" ]
	[ "$stderr" = "" ]
	[ "$(cat "$REG")" = "$(header)" ]
}

@test "a reused pid's record is removed, and the process is left alone" {
	start_sleep
	{ header; rec "$P" "$P" job s1 "$S1" 1 reused; } >"$REG"
	run -0 --separate-stderr prprune
	[ "$output" = "$(rec "$P" "$P" job s1 "$S1" 1 reused)" ]
	[ "$stderr" = "" ]
	[ "$(cat "$REG")" = "$(header)" ]
	running "$P"
	[ "$(prpidcheck -T "$P")" = "$TOK" ]
}

@test "-a removes matching live records too, and signals nothing" {
	start_sleep; A=$P TA=$TOK
	start_sleep; B=$P TB=$TOK
	{ header
	  rec "$A" "$A" job s1 "$S1" "$TA" a
	  rec "$D1" - job s1 "$S2" - dead
	  rec "$B" - job s2 "$S3" "$TB" b; } >"$REG"
	run -0 --separate-stderr prprune -a -s s1
	[ "$output" = "$(rec "$A" "$A" job s1 "$S1" "$TA" a
	    rec "$D1" - job s1 "$S2" - dead)" ]
	[ "$stderr" = "" ]
	{ header; rec "$B" - job s2 "$S3" "$TB" b; } >"$T/want"
	cmp "$REG" "$T/want"
	run -0 prprune -a
	[ "$output" = "$(rec "$B" - job s2 "$S3" "$TB" b)" ]
	[ "$(cat "$REG")" = "$(header)" ]
	running "$A"
	running "$B"
}

@test "no signal is sent: the only calls that could signal are kill(PID, 0) and pidfd_open" {
	command -v strace >/dev/null || skip "no strace"
	strace -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
	# LeakSanitizer cannot work under ptrace: a sanitized build runs without.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	start_sleep; A=$P TA=$TOK
	start_sleep; B=$P
	{ header; rec "$A" "$A" job s1 "$S1" "$TA" a
	  rec "$B" "$B" job s1 "$S2" 1 reused; } >"$REG"
	calls=kill,tkill,tgkill,pidfd_send_signal,rt_sigqueueinfo,pidfd_open
	run -0 strace -f -qq -e signal=none -o "$T/trace" -e trace=$calls prprune
	[ "$output" = "$(rec "$B" "$B" job s1 "$S2" 1 reused)" ]
	grep -qE "(kill\($A, 0\)|pidfd_open\($A, )" "$T/trace"
	grep -qE "(kill\($B, 0\)|pidfd_open\($B, )" "$T/trace"
	run -0 strace -f -qq -e signal=none -o "$T/trace-a" -e trace=$calls prprune -a
	[ "$output" = "$(rec "$A" "$A" job s1 "$S1" "$TA" a)" ]
	run grep -v -h -E 'kill\(-?[0-9]+, 0\)|pidfd_open\(|\+\+\+ exited' \
	    "$T/trace" "$T/trace-a"
	[ "$output" = "" ]
	running "$A"
	running "$B"
}

# --- -n ----------------------------------------------------------------------

@test "-n prints what would be removed and changes nothing" {
	start_sleep
	{ header
	  rec "$D1" - job s1 "$S1" - dead
	  rec "$P" - job s1 "$S2" "$TOK" live; } >"$REG"
	touch -d '2020-01-01 00:00:00' "$REG"
	before=$(fstate "$REG"; ls -A "$T" | grep registry)
	run -0 --separate-stderr prprune -n
	[ "$output" = "$(rec "$D1" - job s1 "$S1" - dead)" ]
	[ "$stderr" = "" ]
	run -0 --separate-stderr prprune -n -a
	[ "$output" = "$(rec "$D1" - job s1 "$S1" - dead
	    rec "$P" - job s1 "$S2" "$TOK" live)" ]
	[ "$stderr" = "" ]
	run -0 prprune -n -i live
	[ "$output" = "" ]
	# Not even a lock file: -n only reads.
	[ "$(fstate "$REG"; ls -A "$T" | grep registry)" = "$before" ]
	running "$P"
}

@test "-n warns of malformed lines as a reader does, and moves none" {
	{ header; echo 'bad line'; rec "$D1" - job s1 "$S1" - dead; } >"$REG"
	cp "$REG" "$T/before"
	run -0 --separate-stderr prprune -n
	[ "$output" = "$(rec "$D1" - job s1 "$S1" - dead)" ]
	[ "$stderr" = "prprune: $REG:2: malformed record, skipped" ]
	cmp "$REG" "$T/before"
	[ ! -e "$REG.corrupt" ]
}

@test "-r names the registry" {
	{ header; rec "$D1" - job s1 "$S1" - from-env; } >"$REG"
	cp "$REG" "$T/before"
	{ header; rec "$D1" - job s1 "$S1" - from-r; } >"$T/other"
	run -0 --separate-stderr prprune -r "$T/other"
	[ "$output" = "$(rec "$D1" - job s1 "$S1" - from-r)" ]
	[ "$stderr" = "" ]
	[ "$(cat "$T/other")" = "$(header)" ]
	cmp "$REG" "$T/before"
}

@test "what cannot be written to stdout is an error: exit 3, with a message" {
	[ -w /dev/full ] || skip "no /dev/full"
	{ header; rec "$D1" - job s1 "$S1" - a; } >"$REG"
	run -3 --separate-stderr sh -c 'prprune >/dev/full'
	[ "$output" = "" ]
	[ "$stderr" = "prprune: stdout: No space left on device" ]
}

@test "stdout closed: the records are removed all the same, and exit 3 says they could not be printed" {
	{ header; rec "$D1" - job s1 "$S1" - a; rec "$D2" - job s1 "$S2" - b; } >"$REG"
	run -3 --separate-stderr sh -c 'prprune -i a >&-'
	[ "$output" = "" ]
	[ "$stderr" = "prprune: stdout: Bad file descriptor" ]
	[ "$(reg_lines)" = "$(rec "$D2" - job s1 "$S2" - b)" ]
	[ -w /dev/full ] || return 0
	run -3 --separate-stderr sh -c 'prprune >/dev/full'
	[ "$stderr" = "prprune: stdout: No space left on device" ]
	[ "$(reg_lines)" = "" ]
}
