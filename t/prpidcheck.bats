#!/usr/bin/env bats
# prpidcheck: is a process (still) alive, by the liveness rule: PIDs, a pid
# file, or -T to print a start token.  It needs no registry.
#
# Live pids are sleeps of our own; dead ones are 2147483647 (above any
# pid_max) or children of ours that have ended.  prpidcheck signals nothing.

load helper
bats_require_minimum_version 1.5.0

NOPID=2147483647
USAGE='usage: prpidcheck [-r FILE] [-v] [-t TOKEN] PID...
       prpidcheck [-r FILE] [-v] -f PIDFILE
       prpidcheck [-r FILE] -T PID'
WANTPID='invalid pid: want 1 to 2147483647'
WANTFILE='malformed pid file: want PID or PID TOKEN on the first line'

# stat_token PID: field 22 of /proc/PID/stat, counted after the last ')'.
stat_token() {
	sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20
}

# --- usage -----------------------------------------------------------------

@test "-h prints the usage on stdout and exits 0" {
	run -0 --separate-stderr prpidcheck -h
	[ "$output" = "$USAGE" ]
	[ "$stderr" = "" ]
}

@test "an unknown option or a missing argument: one line on stderr, exit 2" {
	run -2 --separate-stderr prpidcheck -Z 1
	[ "$output" = "" ]
	[ "$stderr" = "prpidcheck: -Z: unknown option (-h for usage)" ]
	for o in r t f T; do
		run -2 --separate-stderr prpidcheck -"$o"
		[ "$output" = "" ]
		[ "$stderr" = "prpidcheck: -$o: option requires an argument (-h for usage)" ]
	done
}

@test "exactly one of PID operands, -f or -T; -t only with PIDs, -v not with -T" {
	start_sleep
	echo "$P" >"$T/pid"
	want='prpidcheck: no PID: want PID operands, -f PIDFILE or -T PID (-h for usage)'
	for args in "" "-v"; do
		run -2 --separate-stderr prpidcheck $args
		[ "$output" = "" ]
		[ "$stderr" = "$want" ]
	done
	while IFS=: read -r args what; do
		run -2 --separate-stderr prpidcheck $args
		[ "$output" = "" ]
		[ "$stderr" = "prpidcheck: $what: exclude each other (-h for usage)" ]
	done <<-EOF
	-f $T/pid $P:PID operands and -f
	-T $P $P:PID operands and -T
	-f $T/pid -T $P:-f and -T
	EOF
	run -2 --separate-stderr prpidcheck -t "$TOK" -f "$T/pid"
	[ "$output" = "" ]
	[ "$stderr" = "prpidcheck: -t and -f exclude each other: a token is compared with PID operands (-h for usage)" ]
	run -2 --separate-stderr prpidcheck -v -T "$P"
	[ "$output" = "" ]
	[ "$stderr" = "prpidcheck: -v and -T exclude each other: -T prints a token, not a verdict (-h for usage)" ]
	# -v with -f is a verdict: it works.
	run -0 --separate-stderr prpidcheck -v -f "$T/pid"
	[ "$output" = "$P live" ]
}

@test "-r FILE is taken and ignored: no registry is needed" {
	start_sleep
	ln -s /nowhere "$T/link"
	run -0 --separate-stderr prpidcheck -r "$T/link" "$P"
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run -1 --separate-stderr prpidcheck -r /nonexistent/registry "$NOPID"
	[ "$stderr" = "" ]
	[ ! -e "$T/registry" ]
}

# --- PID operands ----------------------------------------------------------------

@test "a live PID: exit 0, and -v says PID live" {
	start_sleep
	run -0 --separate-stderr prpidcheck "$P"
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run -0 --separate-stderr prpidcheck -v "$P"
	[ "$output" = "$P live" ]
	[ "$stderr" = "" ]
}

@test "a dead PID: exit 1, and -v says PID dead" {
	dead_pid
	run -1 --separate-stderr prpidcheck -v "$D"
	[ "$output" = "$D dead" ]
	[ "$stderr" = "" ]
	run -1 --separate-stderr prpidcheck "$NOPID"
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run -1 prpidcheck -v "$NOPID"
	[ "$output" = "$NOPID dead" ]
}

@test "a zombie is not live: exit 1, and -v says PID zombie" {
	start_zombie
	run -1 --separate-stderr prpidcheck -v "$Z"
	[ "$output" = "$Z zombie" ]
	[ "$stderr" = "" ]
	run -1 prpidcheck -v -t "$(token_of "$Z")" "$Z"
	[ "$output" = "$Z zombie" ]
	# The token decides first: a zombie of another start is a stranger.
	run -1 prpidcheck -v -t 1 "$Z"
	[ "$output" = "$Z reused" ]
}

@test "several PIDs: 0 when all are live, 1 when any is not; -v a line each, in order" {
	start_sleep; A=$P
	start_sleep; B=$P
	run -0 --separate-stderr prpidcheck -v "$A" "$B" "$A"
	[ "$output" = "$A live
$B live
$A live" ]
	[ "$stderr" = "" ]
	run -1 --separate-stderr prpidcheck -v "$A" "$NOPID" "$B"
	[ "$output" = "$A live
$NOPID dead
$B live" ]
	[ "$stderr" = "" ]
	run -1 prpidcheck "$NOPID" "$A"
	[ "$output" = "" ]
}

@test "-t TOKEN: the right token is live, another means the PID was reused" {
	start_sleep
	run -0 --separate-stderr prpidcheck -v -t "$TOK" "$P"
	[ "$output" = "$P live" ]
	[ "$stderr" = "" ]
	run -1 --separate-stderr prpidcheck -v -t 1 "$P"
	[ "$output" = "$P reused" ]
	[ "$stderr" = "" ]
	run -1 prpidcheck -t "${TOK}0" "$P"
	[ "$output" = "" ]
	# `-' is the unknown token: it matches any.
	run -0 prpidcheck -t - "$P"
	run -1 prpidcheck -v -t "$TOK" "$NOPID"
	[ "$output" = "$NOPID dead" ]
	# Never signalled: the reused process runs on.
	[ "$(prpidcheck -T "$P")" = "$TOK" ]
}

@test "-t refuses a token that is empty, blank, not printable or over 64 bytes" {
	start_sleep
	t65=$(printf 't%.0s' $(seq 65))
	t64=$(printf 't%.0s' $(seq 64))
	set -- '' '' 'a b' 'a b' $'a\tb' 'a\x09b' $'a\nb' 'a\x0ab' 'é' '\xc3\xa9' \
	    "$t65" "$t64..."
	for ((k = 1; k < $#; k += 2)); do
		v=${!k} j=$((k + 1))
		run -2 --separate-stderr prpidcheck -t "$v" "$P"
		[ "$output" = "" ]
		[ "$stderr" = "prpidcheck: -t: invalid token '${!j}': want 1 to 64 printable non-blank bytes" ]
	done
	run -1 --separate-stderr prpidcheck -v -t "$t64" "$P"
	[ "$output" = "$P reused" ]
}

@test "invalid PIDs are refused with 2, before any PID is looked at" {
	start_sleep
	for v in 0 abc 99999999999 2147483648 ' 5' '5 ' 0x10 1e3 05 +5 '' -1 -0; do
		run -2 --separate-stderr prpidcheck -v -- "$P" "$v"
		[ "$output" = "" ]
		[ "$stderr" = "prpidcheck: '$v': $WANTPID" ]
	done
	# Without --, a leading - makes an option of it: a usage error too.
	run -2 --separate-stderr prpidcheck -1
	[ "$output" = "" ]
	[ "$stderr" = "prpidcheck: -1: unknown option (-h for usage)" ]
	run -2 --separate-stderr prpidcheck -0
	[ "$stderr" = "prpidcheck: -0: unknown option (-h for usage)" ]
}

@test "invalid PIDs never reach kill(2)" {
	command -v strace >/dev/null || skip "no strace"
	strace -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
	# LeakSanitizer cannot work under ptrace: a sanitized build runs without.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	calls=kill,tkill,tgkill,pidfd_send_signal,rt_sigqueueinfo,pidfd_open
	for v in 0 -1 abc 99999999999 2147483648 ' 5' 0x10 1e3 -0; do
		run -2 strace -f -qq -e signal=none -o "$T/trace" -e trace=$calls \
		    prpidcheck -- "$v"
		[ ! -s "$T/trace" ]
	done
	# The trace does show the look at a valid PID: a pidfd of it, or
	# kill(PID, 0) where there are no pidfds.
	run -1 strace -f -qq -e signal=none -o "$T/trace" -e trace=$calls \
	    prpidcheck "$NOPID"
	grep -qE "^[0-9]+ +(kill\($NOPID, 0\)|pidfd_open\($NOPID, )" "$T/trace"
}

@test "2147483647 is a valid PID that is not live: exit 1" {
	run -1 --separate-stderr prpidcheck 2147483647
	[ "$output" = "" ]
	[ "$stderr" = "" ]
}

# --- -T ----------------------------------------------------------------------

@test "-T PID prints its start token: pidfs:INODE where the kernel has pidfs, else field 22 of /proc/PID/stat" {
	if noprocfs; then skip "the no-procfs build takes the token from ps"; fi
	start_sleep
	want=$(token_of "$P") || skip "no C compiler for the test's helper"
	run -0 --separate-stderr prpidcheck -T "$P"
	[ "$output" = "$want" ]
	[ "$stderr" = "" ]
	[ "$output" = "$TOK" ]
}

@test "a token of the start-time form (field 22) stays valid: it is compared with the start time" {
	if noprocfs; then skip "the no-procfs build takes the token from ps"; fi
	start_sleep
	old=$(stat_token "$P")
	run -0 --separate-stderr prpidcheck -v -t "$old" "$P"
	[ "$output" = "$P live" ]
	run -1 --separate-stderr prpidcheck -v -t "$((old + 1))" "$P"
	[ "$output" = "$P reused" ]
	printf '%s %s\n' "$P" "$old" >"$T/pid"
	run -0 --separate-stderr prpidcheck -v -f "$T/pid"
	[ "$output" = "$P live" ]
}

@test "a start-time token is counted after the last ')' of a command name holding ') '" {
	if noprocfs; then skip "the no-procfs build takes the token from ps"; fi
	mkdir "$T/bin"
	cp "$(command -v sleep)" "$T/bin/a) 1 2 ) b"
	"$T/bin/a) 1 2 ) b" 1000 </dev/null >/dev/null 2>&1 3>&- &
	P=$!
	track "$P"
	while [ "$(cut -d' ' -f2- "/proc/$P/stat" | cut -c1-3)" != "(a)" ]; do
		sleep 0.01
	done
	tok=$(stat_token "$P")
	run -0 prpidcheck -v -t "$tok" "$P"
	[ "$output" = "$P live" ]
	run -1 prpidcheck -v -t "$((tok + 1))" "$P"
	[ "$output" = "$P reused" ]
}

@test "-T PID, no procfs: the start time from ps -o lstart= as YYYYMMDDTHHMMSS" {
	noprocfs || skip "the token is field 22 of /proc/PID/stat here"
	start_sleep
	run -0 --separate-stderr prpidcheck -T "$P"
	[ "$output" = "$(date -d "$(LC_ALL=C ps -o lstart= -p "$P")" +%Y%m%dT%H%M%S)" ]
	[ "$stderr" = "" ]
	# The locale does not change it.
	LC_ALL=C.UTF-8 LANG=de_DE.UTF-8 run -0 prpidcheck -T "$P"
	[ "$output" = "$TOK" ]
}

@test "-T of a dead PID: exit 1, nothing printed" {
	dead_pid
	run -1 --separate-stderr prpidcheck -T "$D"
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run -1 --separate-stderr prpidcheck -T "$NOPID"
	[ "$output" = "" ]
	[ "$stderr" = "" ]
}

@test "-T of an invalid PID: exit 2, nothing printed" {
	for v in 0 abc 2147483648 ' 5' -1; do
		run -2 --separate-stderr prpidcheck -T "$v"
		[ "$output" = "" ]
		[ "$stderr" = "prpidcheck: -T: invalid pid '$v': want 1 to 2147483647" ]
	done
}

# --- pid files ---------------------------------------------------------------------

@test "-f: PID, PID TOKEN or PID<TAB>TOKEN on the first line, the rest ignored" {
	start_sleep
	for content in "$P\n" "$P $TOK\n" "$P\t$TOK" "$P $TOK extra words\nline 2\n" \
	    "$P  \n" "$P \t $TOK\t\n" "$P\nnot a pid\n" "$P"; do
		printf -- "$content" >"$T/pid"
		run -0 --separate-stderr prpidcheck -f "$T/pid"
		[ "$output" = "" ]
		[ "$stderr" = "" ]
		run -0 --separate-stderr prpidcheck -v -f "$T/pid"
		[ "$output" = "$P live" ]
		[ "$stderr" = "" ]
	done
}

@test "-f: lines may end in CRLF" {
	start_sleep
	for content in "$P\r\n" "$P $TOK\r\n" "$P\t$TOK\r\nmore\r\n" "$P \r\n"; do
		printf -- "$content" >"$T/pid"
		run -0 --separate-stderr prpidcheck -v -f "$T/pid"
		[ "$output" = "$P live" ]
		[ "$stderr" = "" ]
	done
}

@test "-f: a wrong token, a dead PID or a zombie is not live: exit 1" {
	start_sleep
	printf '%s 1\n' "$P" >"$T/pid"
	run -1 --separate-stderr prpidcheck -v -f "$T/pid"
	[ "$output" = "$P reused" ]
	[ "$stderr" = "" ]
	run -1 prpidcheck -f "$T/pid"
	[ "$output" = "" ]
	printf '%s %s\n' "$NOPID" "$TOK" >"$T/pid"
	run -1 prpidcheck -v -f "$T/pid"
	[ "$output" = "$NOPID dead" ]
	start_zombie
	printf '%s\n' "$Z" >"$T/pid"
	run -1 prpidcheck -v -f "$T/pid"
	[ "$output" = "$Z zombie" ]
}

@test "-f: no such file is not live: exit 1, nothing printed" {
	run -1 --separate-stderr prpidcheck -f "$T/nonexistent"
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run -1 --separate-stderr prpidcheck -v -f "$T/nonexistent"
	[ "$output" = "" ]
	[ "$stderr" = "" ]
}

@test "-f: a malformed pid file is invalid input: exit 2" {
	start_sleep
	t65=$(printf 't%.0s' $(seq 65))
	for content in "" "\n" abc 12x "12x\n" 0 "0\n" " $P\n" "-5\n" "+5\n" \
	    "0$P\n" "2147483648\n" "\n$P\n" "$P,$TOK\n" "$P $t65\n" "${P}x $TOK\n" \
	    "$P\r$TOK\n"; do
		printf -- "$content" >"$T/pid"
		run -2 --separate-stderr prpidcheck -v -f "$T/pid"
		[ "$output" = "" ]
		[ "$stderr" = "prpidcheck: $T/pid: $WANTFILE" ]
	done
}

@test "what cannot be written to stdout is an error: exit 3, with a message" {
	[ -w /dev/full ] || skip "no /dev/full"
	start_sleep
	echo "$P" >"$T/pid"
	for args in "-v $P" "-v -f $T/pid" "-T $P"; do
		run -3 --separate-stderr sh -c 'prpidcheck "$@" >/dev/full' sh $args
		[ "$output" = "" ]
		[ "$stderr" = "prpidcheck: stdout: No space left on device" ]
	done
}

@test "-f: a plain pid file last written more than 1 s before its PID's process started names another: reused, exit 1" {
	start_sleep
	echo "$P" >"$T/pid"
	touch -d '-1 hour' "$T/pid"
	run -1 --separate-stderr prpidcheck -v -f "$T/pid"
	[ "$output" = "$P reused" ]
	[ "$stderr" = "" ]
	run -1 --separate-stderr prpidcheck -f "$T/pid"
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	# Written since it started: it may be its own.
	echo "$P" >"$T/pid"
	run -0 --separate-stderr prpidcheck -v -f "$T/pid"
	[ "$output" = "$P live" ]
	# With a token, the token decides, whenever the file was written.
	echo "$P $TOK" >"$T/pid"
	touch -d '-1 hour' "$T/pid"
	run -0 --separate-stderr prpidcheck -v -f "$T/pid"
	[ "$output" = "$P live" ]
	[ "$stderr" = "" ]
}
