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

# ticks PID: PID's start time in clock ticks, the older token form.
ticks() {
	sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20
}

# forger [ticks]: root's record r (a sleep), then a process of uid 65534,
# in a session of its own made after r's start (so the marker's session
# rule of prreg(5) does not already exclude it), that carries r's marker
# as root read it; r's own process ends.  With ticks, r is recorded by
# hand with a token of the older form (a start time), and its marker is
# of that form.  Sets P, FG (the forger) and REC.
forger() {
	need_forge
	if [ "${1-}" = ticks ]; then
		mkfifo "$T/m"
		setsid sh -c 'read -r m <"$1"; PRREG_MARK="$m" exec sleep 1000' \
		    sh "$T/m" </dev/null >/dev/null 2>&1 3>&- &
		P=$!
		{ header; rec "$P" "$P" proc - "$S1" "$(ticks "$P")" r; } >"$REG"
		echo "$P:$(ticks "$P")" >"$T/m"
		until_true eval '[ -n "$(marker_of "$P")" ]'
	else
		# Bare (-b): the rule of markers is tested, with no keeper.
		prspawn -b -i r -o /dev/null -- sleep 1000
		P=$(prlist -i r -o pid)
	fi
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

# not_its: the forger is none of r's, to every tool.
not_its() {
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

@test "root's record and a forger of uid 65534 with its marker: not live to prlist, -m or prwait; prreap forgets it and never signals the forger" {
	forger
	not_its
}

@test "the same, the record's token and marker of the older form (a start time)" {
	forger ticks
	not_its
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
	nobody env PRREG_FILE="$NB/reg" prspawn -b -i r -o /dev/null -- sleep 1000
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

# dropped: once the worker has noted its pid (W) and dropped to uid
# 65534, the record's process (P) is let go, and ends.
dropped() {
	until_true test -s "$T/w"
	W=$(cat "$T/w")
	track "$W"
	until_true eval '[ "$(ps -o uid= -p "$W" | tr -d " ")" = 65534 ]'
	touch "$T/go"
	until_true gone "$P"
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
	prspawn -p -o /dev/null -- sh -c "$cmd"' until [ -e "$1/go" ]; do sleep 0.01; done' sh "$T" >"$T/rec"
	REC=$(cat "$T/rec")
	P=$(field 1 "$REC")
	track -g "$P"
	dropped
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

# orphaned: the worker, in the record's session, outlived its parent.
orphaned() {
	until_true eval '[ "$(ps -o ppid= -p "$W" | tr -d " ")" != "$P" ]'
	[ "$(ps -o sid= -p "$W" | tr -d ' ')" = "$P" ]
	[ "$(ps -o pgid= -p "$W" | tr -d ' ')" = "$W" ]
	held
}

@test "a worker that dropped to another uid, left in the record's session when its parent ended: live, and prreap stops it" {
	worker session
	orphaned
}

@test "the same, the record's token of the older form (a start time)" {
	need_forge
	np=$(helper newpgrp) || skip "no C compiler for the test's helper"
	mkfifo "$T/m"
	# The record's process, by hand: it takes on the marker of its
	# start, as the older form says it, and starts the worker.
	setsid sh -c 'read -r m <"$1/m"; export PRREG_MARK="$m"
	    "$2" setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	    sleep 1000 & echo $! >"$1/w"
	    until [ -e "$1/go" ]; do sleep 0.01; done' sh "$T" "$np" \
	    </dev/null >/dev/null 2>&1 3>&- &
	P=$!
	track "$P"
	ticks=$(ticks "$P")
	{ header; rec "$P" "$P" job s1 "$S1" "$ticks" r; } >"$REG"
	REC=$(reg_lines)
	echo "$P:$ticks" >"$T/m"
	dropped
	orphaned
}
