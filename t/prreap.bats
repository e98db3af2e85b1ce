#!/usr/bin/env bats
# prreap: stop recorded processes (SIG, wait, SIGKILL) and forget them.
#
# Every process signalled here is one the test started itself, recorded by
# its own pid (pgid `-`) or as a detached group of its own (setsid).  The
# only record that names the test's own process group is the one prreap
# must refuse.

load helper
bats_require_minimum_version 1.5.0

execd_sleep() {
	[ "$(ps -o comm= -p "$1")" = sleep ]
}

# start_stubborn: a child of ours that ignores SIGTERM.  Sets P and TOK.
start_stubborn() {
	(trap '' TERM; exec sleep 1000) </dev/null >/dev/null 2>&1 3>&- &
	P=$!
	track "$P"
	until_true execd_sleep "$P"	# the trap is set
	TOK=$(prpidcheck -T "$P")
}

# start_group [CMD...]: a detached process group (setsid): a sh that leads
# it and waits for its child CMD (default: sleep 1000, which CMD must end
# up exec'ing).  Sets G (the leader, also the group's id), GC (the child)
# and GTOK (the leader's token).  setsid forks when it already leads a
# group, so the pids come from inside, not from $!; $! is GP, which is G
# itself when setsid did not fork (it does not here: a child of a shell
# without job control does not lead a group), so that `ended "$G"` works.
ng=0
start_group() {
	local f
	ng=$((ng + 1))
	f=$T/group$ng
	[ $# -gt 0 ] || set -- sleep 1000
	setsid sh -c 'f=$1; shift; "$@" & echo "$$ $!" >"$f.tmp"; mv "$f.tmp" "$f"
	    wait' sh "$f" "$@" </dev/null >/dev/null 2>&1 3>&- &
	GP=$!
	until_true test -s "$f"
	read -r G GC <"$f"
	track -g "$G"
	track "$G"
	track "$GC"
	until_true execd_sleep "$GC"
	GTOK=$(prpidcheck -T "$G")
}

ms_since() {
	echo $((($(date +%s%N) - $1) / 1000000))
}

# --- selection -----------------------------------------------------------

@test "-s stops the session's processes, prints and forgets their records" {
	start_sleep; A=$P TA=$TOK
	start_sleep; B=$P TB=$TOK
	{ header; rec "$A" - job s1 "$S1" "$TA" a
	  rec "$B" - job s2 "$S2" "$TB" b; } >"$REG"
	run --separate-stderr prreap -s s1
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$A" - job s1 "$S1" "$TA" a)" ]
	[ "$stderr" = "" ]
	ended "$A"; [ "$ST" -eq 143 ]
	alive "$B"
	[ "$(reg_lines)" = "$(rec "$B" - job s2 "$S2" "$TB" b)" ]
}

@test "-t, -p and -i select, and selectors are AND-ed" {
	start_sleep; A=$P TA=$TOK
	start_sleep; B=$P TB=$TOK
	start_sleep; C=$P TC=$TOK
	start_sleep; E=$P TE=$TOK
	{ header; rec "$A" - web s1 "$S1" "$TA" a
	  rec "$B" - db s1 "$S1" "$TB" b
	  rec "$C" - web s2 "$S1" "$TC" c
	  rec "$E" - db s2 "$S1" "$TE" e; } >"$REG"

	run prreap -t web -s s1
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$A" - web s1 "$S1" "$TA" a)" ]
	gone "$A"; alive "$B"; alive "$C"; alive "$E"

	run prreap -p "$B"
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$B" - db s1 "$S1" "$TB" b)" ]
	gone "$B"; alive "$C"; alive "$E"

	run prreap -i c -t db	# c is of type web: nothing
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	alive "$C"

	run prreap -i c
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$C" - web s2 "$S1" "$TC" c)" ]
	gone "$C"; alive "$E"
	[ "$(reg_lines)" = "$(rec "$E" - db s2 "$S1" "$TE" e)" ]
}

@test "nothing selected: exit 0, no output, nothing signalled" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	cp "$REG" "$T/before"
	run --separate-stderr prreap -s nope
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	alive "$P"
	[ "$(reg_lines)" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
}

@test "an empty stdin and no selector: exit 0, nothing done" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	run prreap </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	alive "$P"
	[ "$(reg_lines)" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
}

@test "no selector and a terminal on stdin: refused, exit 2, the selectors named (-O too), nothing signalled" {
	command -v script >/dev/null || skip "no script(1) to give it a terminal"
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	run script -qec "prreap" /dev/null
	[ "$status" -eq 2 ]
	[ "$(printf '%s' "$output" | tr -d '\r')" = "prreap: no selector, and stdin is a terminal: give -s, -t, -p, -i or -O, or pipe record lines in (-h for usage)" ]
	alive "$P"
	[ "$(reg_lines)" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
}

@test "a dead record is forgotten and printed, exit 0" {
	dead_pid
	start_sleep
	{ header; rec "$D" - job s1 "$S1" 1 dead
	  rec "$P" - job s2 "$S1" "$TOK" other; } >"$REG"
	run prreap -s s1
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$D" - job s1 "$S1" 1 dead)" ]
	alive "$P"
	[ "$(reg_lines)" = "$(rec "$P" - job s2 "$S1" "$TOK" other)" ]
}

@test "-r names the registry" {
	start_sleep
	unset PRREG_FILE
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$T/other"
	run prreap -r "$T/other" -i a
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
	ended "$P"; [ "$ST" -eq 143 ]
	[ "$(grep -v '^#' "$T/other" || true)" = "" ]
}

# --- stdin mode ----------------------------------------------------------

@test "stdin: prlist ... | prreap stops exactly what prlist printed" {
	start_sleep; A=$P TA=$TOK
	start_sleep; B=$P TB=$TOK
	start_sleep; C=$P TC=$TOK
	{ header; rec "$A" - job s1 "$S1" "$TA" a
	  rec "$B" - job s2 "$S2" "$TB" b
	  rec "$C" - job s1 "$S3" "$TC" c; } >"$REG"
	run --separate-stderr sh -c 'prlist -s s1 | prreap'
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$A" - job s1 "$S1" "$TA" a
	    rec "$C" - job s1 "$S3" "$TC" c)" ]
	[ "$stderr" = "" ]
	ended "$A"; [ "$ST" -eq 143 ]
	ended "$C"; [ "$ST" -eq 143 ]
	alive "$B"
	[ "$(reg_lines)" = "$(rec "$B" - job s2 "$S2" "$TB" b)" ]
}

@test "stdin: a line whose id is gone from the registry is skipped, its process untouched" {
	start_sleep; A=$P TA=$TOK
	start_sleep; B=$P TB=$TOK
	{ header; rec "$A" - job s1 "$S1" "$TA" a; } >"$REG"
	{ rec "$B" - job s1 "$S1" "$TB" b
	  rec "$A" - job s1 "$S1" "$TA" a; } >"$T/in"
	run prreap <"$T/in"
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$A" - job s1 "$S1" "$TA" a)" ]
	gone "$A"
	alive "$B"
	[ "$(reg_lines)" = "" ]
}

@test "stdin: a line is matched by id and pid: another pid under the id is skipped" {
	start_sleep; A=$P TA=$TOK
	start_sleep; B=$P TB=$TOK
	{ header; rec "$A" - job s1 "$S1" "$TA" a; } >"$REG"
	rec "$B" - job s1 "$S1" "$TB" a >"$T/in"
	run prreap <"$T/in"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	alive "$A"
	alive "$B"
	[ "$(reg_lines)" = "$(rec "$A" - job s1 "$S1" "$TA" a)" ]
}

@test "stdin: a line is matched by id, pid and token: the same id and pid with another token (a later start) is skipped, kept" {
	start_sleep
	# The old line: its process ended, a new one got its pid and its id.
	old=$(rec "$P" - job s1 "$S1" pidfs:1 a)
	{ header; rec "$P" - job s1 "$S2" "$TOK" a; } >"$REG"
	cp "$REG" "$T/before"
	run -0 --separate-stderr prreap -S KILL -v <<<"$old"
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	alive "$P"
	cmp "$REG" "$T/before"
	run -0 --separate-stderr prreap -n <<<"$old"
	[ "$output" = "" ]
	# The line of the start that is there now is picked.
	run -0 --separate-stderr prreap <<<"$(rec "$P" - job s1 "$S2" "$TOK" a)"
	[ "$output" = "$(rec "$P" - job s1 "$S2" "$TOK" a)" ]
	ended "$P"; [ "$ST" -eq 143 ]
}

@test "stdin: comments and blank lines are skipped, a repeated line counts once" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	{ echo '# from prlist'; echo
	  rec "$P" - job s1 "$S1" "$TOK" a
	  rec "$P" - job s1 "$S1" "$TOK" a; } >"$T/in"
	run prreap <"$T/in"
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
	ended "$P"; [ "$ST" -eq 143 ]
}

@test "stdin: a malformed line: exit 2, message, nothing signalled, registry unchanged" {
	start_sleep; A=$P TA=$TOK
	start_sleep; B=$P TB=$TOK
	{ header; rec "$A" - job s1 "$S1" "$TA" a
	  rec "$B" - job s1 "$S1" "$TB" b; } >"$REG"
	cp "$REG" "$T/before"
	{ rec "$A" - job s1 "$S1" "$TA" a
	  printf '%s\t%s\n' "$B" 'not a record'; } >"$T/in"
	run --separate-stderr prreap <"$T/in"
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "prreap: stdin:2: malformed record line; nothing signalled" ]
	alive "$A"
	alive "$B"
	cmp "$REG" "$T/before"
}

# --- signals and waiting -------------------------------------------------

@test "a process that ignores TERM is killed after -T, and counts as gone" {
	start_stubborn
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	t0=$(date +%s%N)
	run prreap -T 1 -i a
	el=$(ms_since "$t0")
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
	[ "$el" -ge 1000 ]
	ended "$P"; [ "$ST" -eq 137 ]
	[ "$(reg_lines)" = "" ]
}

@test "-T takes fractions of a second" {
	start_stubborn
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	t0=$(date +%s%N)
	run prreap -T 0.3 -i a
	el=$(ms_since "$t0")
	[ "$status" -eq 0 ]
	[ "$el" -ge 300 ]
	ended "$P"; [ "$ST" -eq 137 ]
}

@test "a group: TERM reaches the leader's child too" {
	start_group
	{ header; rec "$G" "$G" job s1 "$S1" "$GTOK" g; } >"$REG"
	run --separate-stderr prreap -i g
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$G" "$G" job s1 "$S1" "$GTOK" g)" ]
	[ "$stderr" = "" ]
	gone "$GC"
	[ "$GP" = "$G" ]
	ended "$G"; [ "$ST" -eq 143 ]
	[ "$(reg_lines)" = "" ]
}

@test "a group: a straggler that ignores TERM is killed after its leader has exited" {
	start_group sh -c 'trap "" TERM; exec sleep 1000'
	{ header; rec "$G" "$G" job s1 "$S1" "$GTOK" g; } >"$REG"
	t0=$(date +%s%N)
	run prreap -T 0.5 -i g
	el=$(ms_since "$t0")
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$G" "$G" job s1 "$S1" "$GTOK" g)" ]
	[ "$el" -ge 500 ]
	gone "$GC"
	[ "$GP" = "$G" ]
	ended "$G"; [ "$ST" -eq 143 ]	# the leader went at once
	[ "$(reg_lines)" = "" ]
}

@test "a group recorded through a member (pgid is not its pid): the whole group is stopped" {
	# The member recorded, M, is a leaf: were it signalled alone, its
	# parent GC and the leader G would live on.
	start_group sh -c 'sleep 1000 & exec sleep 1000'
	M=$(ps -o pid= --ppid "$GC" | tr -d ' ')
	track "$M"
	mtok=$(prpidcheck -T "$M")
	{ header; rec "$M" "$G" job s1 "$S1" "$mtok" m; } >"$REG"
	run --separate-stderr prreap -i m
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$M" "$G" job s1 "$S1" "$mtok" m)" ]
	[ "$stderr" = "" ]
	gone "$M"
	gone "$GC"
	[ "$GP" = "$G" ]
	ended "$G"; [ "$ST" -eq 143 ]	# TERM, not the later KILL
}

@test "-S 0 sends nothing first: a process that ends on its own within -T is gone" {
	sleep 1 </dev/null >/dev/null 2>&1 3>&- &
	P=$!
	track "$P"
	TOK=$(prpidcheck -T "$P")
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	run prreap -S 0 -T 30 -i a
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
	ended "$P"; [ "$ST" -eq 0 ]	# never signalled
}

@test "-S 0 -T 0.2: a plain sleep ends by SIGKILL, not TERM" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	t0=$(date +%s%N)
	run prreap -S 0 -T 0.2 -i a
	el=$(ms_since "$t0")
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
	[ "$el" -ge 200 ]
	ended "$P"; [ "$ST" -eq 137 ]
}

@test "-K is the wait after SIGKILL" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	run prreap -S 0 -T 0 -K 5 -i a
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
	ended "$P"; [ "$ST" -eq 137 ]
	[ "$(reg_lines)" = "" ]
}

@test "-S takes names in any case, with or without SIG, and numbers" {
	for spec in TERM:143 SIGTERM:143 HUP:129 SIGHUP:129 KILL:137 USR1:138 \
	    term:143 sigterm:143 Term:143 SigHup:129 usr2:140 \
	    1:129 9:137 15:143; do
		start_sleep
		{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
		run prreap -S "${spec%:*}" -i a
		[ "$status" -eq 0 ]
		[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
		ended "$P"; [ "$ST" -eq "${spec#*:}" ]
	done
}

# --- what is never signalled ---------------------------------------------

@test "a live process recorded with another token is left alone, its record dropped" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" 1 a; } >"$REG"
	run --separate-stderr prreap -S KILL -T 0.2 -i a
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$P" - job s1 "$S1" 1 a)" ]
	alive "$P"
	[ "$(reg_lines)" = "" ]
}

@test "a zombie's record is dropped at once, its parent untouched" {
	start_zombie
	{ header; rec "$Z" - job s1 "$S1" - z; } >"$REG"
	run --separate-stderr prreap -i z
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$Z" - job s1 "$S1" - z)" ]
	[ "$stderr" = "" ]
	alive "$ZP"
	[ "$(reg_lines)" = "" ]
}

@test "a record of another boot is forgotten without a signal" {
	if noprocfs; then
		skip "no boot id without procfs: every header names boot '-'"
	fi
	start_sleep
	{ header 00000000-0000-0000-0000-000000000000
	  rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	run prreap -i a
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
	alive "$P"
	[ "$(reg_lines)" = "" ]
}

@test "a record of prreap's own process group is refused: exit 1, kept, nothing killed" {
	start_sleep
	G=$(ps -o pgid= $$ | tr -d ' ')
	# prreap, run below, must be in this group too, or the record would
	# not be its own group's: make sure of that before it runs.
	run sh -c 'ps -o pgid= $$'
	[ "$(echo "$output" | tr -d ' ')" = "$G" ]
	{ header; rec "$P" "$G" job s1 "$S1" "$TOK" own; } >"$REG"
	run --separate-stderr prreap -T 0.2 -i own
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "prreap: own: refusing to signal: it is this process's own process group" ]
	alive "$P"
	[ "$(reg_lines)" = "$(rec "$P" "$G" job s1 "$S1" "$TOK" own)" ]
}

@test "records of pid 1 or process group 1 are refused: exit 1, kept" {
	start_sleep
	{ header; rec 1 - job s1 "$S1" - init
	  rec "$P" 1 job s1 "$S1" "$TOK" pg1; } >"$REG"
	run --separate-stderr prreap -T 0.2 -s s1
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "prreap: init: refusing to signal: pid or process group 0 or 1
prreap: pg1: refusing to signal: pid or process group 0 or 1" ]
	alive "$P"
	[ "$(reg_lines)" = "$(rec 1 - job s1 "$S1" - init
	    rec "$P" 1 job s1 "$S1" "$TOK" pg1)" ]
}

@test "a refused record does not keep the others from being stopped" {
	start_sleep; A=$P TA=$TOK
	start_sleep; B=$P TB=$TOK
	{ header; rec "$A" 1 job s1 "$S1" "$TA" a
	  rec "$B" - job s1 "$S1" "$TB" b; } >"$REG"
	run --separate-stderr prreap -T 0.2 -s s1
	[ "$status" -eq 1 ]
	[ "$output" = "$(rec "$B" - job s1 "$S1" "$TB" b)" ]
	[ "$stderr" = "prreap: a: refusing to signal: pid or process group 0 or 1" ]
	alive "$A"
	ended "$B"; [ "$ST" -eq 143 ]
	[ "$(reg_lines)" = "$(rec "$A" 1 job s1 "$S1" "$TA" a)" ]
}

@test "a process that has left the group its record names is not signalled: a message, exit 1, kept" {
	# The child leaves group G for a session of its own (setsid(1) does
	# not fork: the child does not lead a group); its record still says G.
	start_group setsid sleep 1000
	[ "$(ps -o pgid= -p "$GC" | tr -d ' ')" = "$GC" ]
	tok=$(prpidcheck -T "$GC")
	{ header; rec "$GC" "$G" job s1 "$S1" "$tok" moved; } >"$REG"
	run --separate-stderr prreap -T 0.2 -K 0.2 -i moved
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "prreap: moved: not signalled: pid $GC has left process group $G" ]
	alive "$GC"
	alive "$G"
	[ "$(reg_lines)" = "$(rec "$GC" "$G" job s1 "$S1" "$tok" moved)" ]
}

# Left out: a process that survives SIGKILL (its record must stay, exit 1).
# Only a process stuck in uninterruptible sleep does, and making one on
# purpose (a FUSE server that never answers, a hung NFS mount) is neither
# portable nor deterministic here.

# --- -n ------------------------------------------------------------------

@test "-n prints what it would signal and changes nothing" {
	start_sleep; A=$P TA=$TOK
	start_sleep; B=$P TB=$TOK
	dead_pid
	{ header; rec "$A" - job s1 "$S1" "$TA" a
	  rec "$D" - job s1 "$S2" 1 dead
	  rec "$B" - job s2 "$S3" "$TB" b; } >"$REG"
	cp "$REG" "$T/before"
	run --separate-stderr prreap -n -s s1
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$A" - job s1 "$S1" "$TA" a)" ]
	[ "$stderr" = "" ]
	alive "$A"
	alive "$B"
	cmp "$REG" "$T/before"
}

@test "-n leaves out, with a message, what it would refuse" {
	start_sleep; A=$P TA=$TOK
	start_sleep; B=$P TB=$TOK
	{ header; rec "$A" 1 job s1 "$S1" "$TA" a
	  rec "$B" - job s1 "$S1" "$TB" b; } >"$REG"
	cp "$REG" "$T/before"
	run --separate-stderr prreap -n -s s1
	[ "$status" -eq 1 ]
	[ "$output" = "$(rec "$B" - job s1 "$S1" "$TB" b)" ]
	[ "$stderr" = "prreap: a: refusing to signal: pid or process group 0 or 1" ]
	alive "$A"
	alive "$B"
	cmp "$REG" "$T/before"
}

@test "-n reads stdin like a real run" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	cp "$REG" "$T/before"
	run sh -c 'prlist | prreap -n'
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
	alive "$P"
	cmp "$REG" "$T/before"
}

# --- usage ---------------------------------------------------------------

@test "an invalid signal is a usage error: exit 2, nothing signalled" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	cp "$REG" "$T/before"
	for sig in FOO 99 -1 65 '' TERM2 SIGSIGTERM ' 15'; do
		run --separate-stderr prreap -S "$sig" -i a
		[ "$status" -eq 2 ]
		[ "$output" = "" ]
		[[ $stderr == "prreap: -S: invalid signal '$sig': "* ]]
	done
	alive "$P"
	cmp "$REG" "$T/before"
}

@test "invalid -T and -K seconds are usage errors: exit 2" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	for opt in -T -K; do
		for v in abc 1e3 0x10 -1 ' 5' '5 ' '' . 1.2.3 1000000001; do
			run --separate-stderr prreap "$opt" "$v" -i a
			[ "$status" -eq 2 ]
			[ "$output" = "" ]
			[[ $stderr == "prreap: $opt: invalid seconds '$v': "* ]]
		done
	done
	alive "$P"
	[ "$(reg_lines)" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
}

@test "an unknown option is a usage error: exit 2, one line on stderr" {
	run --separate-stderr prreap -Z
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "prreap: -Z: unknown option (-h for usage)" ]
}

@test "an operand is a usage error: exit 2" {
	run --separate-stderr prreap -s s1 extra
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "prreap: 'extra': unexpected operand (-h for usage)" ]
}

@test "-h prints usage on stdout, exit 0" {
	run --separate-stderr prreap -h
	[ "$status" -eq 0 ]
	[ "$output" = "usage: prreap [-r FILE] [-s SESSION] [-t TYPE] [-p PID] [-i ID] [-O]
              [-R SCHEDULE | [-S SIG] [-T SECS] [-K SECS]] [-n] [-v]" ]
	[ "$stderr" = "" ]
}

@test "-v: a dead record is said forgotten without a signal; with -n, that it would be, and it stays" {
	dead_pid
	{ header; rec "$D" - job s1 "$S1" 1 d; } >"$REG"
	before=$(fstate "$REG")
	run --separate-stderr prreap -n -v -i d
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "prreap: d: dead, would be forgotten without a signal" ]
	[ "$(fstate "$REG")" = "$before" ]
	run --separate-stderr prreap -v -i d
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$D" - job s1 "$S1" 1 d)" ]
	[ "$stderr" = "prreap: d: dead, forgotten without a signal" ]
	[ "$(reg_lines)" = "" ]
}
