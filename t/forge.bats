#!/usr/bin/env bats
# forge.bats - a marker carried by a process of another uid (issue 21.3).
# The marker (PRREG_MARK=PID:TOKEN) can be read from a record's process
# by its own uid and by root, and both its parts are public, so anyone
# can put it into an environment of their own.  A carrier whose real uid
# is not the registry's owner is one of the record's processes only when
# the record's own processes provably started it: it, or a process it
# descends from, is in the session the record's command made, or it
# descends from a carrier of the owner's uid.  Otherwise it neither keeps
# the record live nor is ever signalled through it (prreg(5)).

load helper
bats_require_minimum_version 1.5.0

need_forge() {
	noprocfs && skip "the no-procfs build knows no markers"
	need_root
	command -v setpriv >/dev/null || skip "no setpriv"
}

# marker_of PID: the PRREG_MARK PID carries, read as root.
marker_of() {
	tr '\0' '\n' <"/proc/$1/environ" | sed -n 's/^PRREG_MARK=//p'
}

# forger: root's record r (a sleep), then a process of uid 65534, in a
# session of its own made after r's start (so the marker's session rule
# of prreg(5) does not already exclude it), that carries r's marker as
# root read it; r's own process ends.  Sets P, FG (the forger) and REC.
forger() {
	need_forge
	prspawn -i r -o /dev/null -- sleep 1000
	P=$(prlist -i r -o pid)
	track -g "$P"
	M=$(marker_of "$P")
	[ -n "$M" ]
	setsid setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	    env PRREG_MARK="$M" sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	FG=$!
	track "$FG"
	until_true eval '[ "$(marker_of "$FG")" = "$M" ]'
	[ "$(ps -o uid= -p "$FG" | tr -d ' ')" = 65534 ]
	REC=$(reg_lines)
	kill "$P"
	until_true gone "$P"
}

@test "root's record and a forger of uid 65534 with its marker: not live to prlist, -m or prwait; prreap forgets it and never signals the forger" {
	forger
	run -0 prlist -o id,state
	[ "$output" = "r${TAB}zombie" ] || [ "$output" = "r${TAB}dead" ]
	run -1 prlist -l
	[ "$output" = "" ]
	run -0 --separate-stderr prwait -T 5 -i r
	[ "$output" = "$REC" ]
	[ "$stderr" = "" ]
	run -0 --separate-stderr prspawn -m 1 -W 0 -i r2 -o /dev/null -- true
	[ "$stderr" = "" ]
	run -0 --separate-stderr prreap -i r
	[ "$output" = "$REC" ]
	[ "$stderr" = "" ]
	alive "$FG"
	[ "$(reg_lines | cut -f 7)" = r2 ]
}

@test "root's record and a forger of uid 65534 with its marker: prprune forgets the ended record" {
	forger
	run -0 --separate-stderr prprune
	[ "$output" = "$REC" ]
	[ "$stderr" = "" ]
	alive "$FG"
	[ "$(reg_lines)" = "" ]
}

@test "a user's record and a forger of another uid with its marker: dead to prlist, prreap forgets it and signals nothing" {
	need_forge
	need_nobody
	cd "$NB"
	nobody env PRREG_FILE="$NB/reg" prspawn -i r -o /dev/null -- sleep 1000
	P=$(nobody env PRREG_FILE="$NB/reg" prlist -i r -o pid)
	track -g "$P"
	M=$(marker_of "$P")
	setsid setpriv --reuid=65533 --regid=65533 --clear-groups -- \
	    env PRREG_MARK="$M" sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	FG=$!
	track "$FG"
	until_true eval '[ "$(marker_of "$FG")" = "$M" ]'
	REC=$(grep -v '^#' "$NB/reg")
	kill "$P"
	until_true gone "$P"
	run -0 nobody env PRREG_FILE="$NB/reg" prlist -o id,state
	[ "$output" = "r${TAB}zombie" ] || [ "$output" = "r${TAB}dead" ]
	run -0 --separate-stderr nobody env PRREG_FILE="$NB/reg" prreap -i r
	[ "$output" = "$REC" ]
	[ "$stderr" = "" ]
	alive "$FG"
}

# worker HOW: a record whose command starts a worker that drops to uid
# 65534, and then ends.  HOW is parent (the worker's parent, a root
# process of a session of its own that carries the marker, lives on) or
# session (the worker, orphaned, in a process group of its own, is left
# in the record's session).  Sets P, W (the worker), REC.
worker() {
	need_forge
	np=$(helper newpgrp) || skip "no C compiler for the test's helper"
	drop="'$np' setpriv --reuid=65534 --regid=65534 --clear-groups -- sleep 1000"
	case $1 in
	parent)	cmd="setsid sh -c '$drop & echo \$! >\"\$1/w\"; wait' sh \"\$1\" &" ;;
	session) cmd="$drop & echo \$! >\"\$1/w\";" ;;
	esac
	prspawn -p -o /dev/null -- sh -c "$cmd"' until [ -s "$1/w" ]; do sleep 0.01; done' sh "$T" >"$T/rec"
	REC=$(cat "$T/rec")
	P=$(field 1 "$REC")
	track -g "$P"
	until_true test -s "$T/w"
	W=$(cat "$T/w")
	track "$W"
	until_true eval '[ "$(ps -o uid= -p "$W" | tr -d " ")" = 65534 ]'
	until_true gone "$P"
}

# held: the worker keeps the record live, and prreap stops it.
held() {
	run -0 prlist -o state
	[ "$output" = live ]
	run -0 --separate-stderr prreap -T 5 -i "$(field 7 "$REC")"
	[ "$output" = "$REC" ]
	[ "$stderr" = "" ]
	gone "$W"
}

@test "a worker that dropped to another uid, started by a root process of the record in a session of its own: live, and prreap stops it" {
	worker parent
	[ "$(ps -o sid= -p "$W" | tr -d ' ')" != "$P" ]
	held
}

@test "a worker that dropped to another uid, left in the record's session when its parent ended: live, and prreap stops it" {
	worker session
	until_true eval '[ "$(ps -o ppid= -p "$W" | tr -d " ")" != "$P" ]'
	[ "$(ps -o sid= -p "$W" | tr -d ' ')" = "$P" ]
	[ "$(ps -o pgid= -p "$W" | tr -d ' ')" = "$W" ]
	held
}
