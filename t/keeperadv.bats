#!/usr/bin/env bats
# keeperadv.bats - the keeper (SPEC 5.1) against an adversary: killed at
# each point of its life, a full disk, few descriptors, its pid reused, a
# fork loop racing the stop.  Whatever happens, nothing runs unrecorded,
# nothing that is not ours is signalled, and no test leaves a process.

load helper
bats_require_minimum_version 1.5.0

# own NAME: a copy of sleep(1) at $T/NAME, a program only this test runs,
# so that its processes can be told by their command line; its path.
own() {
	cp "$(command -v sleep)" "$T/own-$1"
	echo "$T/own-$1"
}

# running PATH: the live processes (not zombies) running PATH; each is
# tracked for teardown (PATH is this test's own).
running() {
	local p
	for p in $(ps -eo pid=,stat=,args= |
	    awk -v p="$1" '$2 !~ /^Z/ && $3 == p { print $1 }'); do
		track "$p"
		echo "$p"
	done
}

teardown() {
	local f
	# What runs a program of this test's own is this test's.
	for f in "$T"/own-*; do
		[ -e "$f" ] && running "$f" >/dev/null
	done
	prreg_teardown
}

# --- the keeper killed ----------------------------------------------------------

@test "the keeper killed once it forked the command, before its report: prspawn says so, and nothing runs unrecorded" {
	need_strace_inject
	S=$(own s1)
	# SIGKILL at the keeper's report (its one sendto); -b execve lets
	# the command go untraced.
	run -3 --separate-stderr strace -f -b execve -qq -o /dev/null \
	    -e trace=sendto -e inject=sendto:signal=SIGKILL \
	    prspawn -i x -o /dev/null -- "$S" 1000 </dev/null 3>&-
	[ "$(running "$S")" = "" ]
	[ "$stderr" = "prspawn: the keeper was killed by signal 9 before the command was recorded; what it started is killed" ]
	[ "$(reg_lines)" = "" ]
}

# --- without pidfds (the no-procfs build) ---------------------------------------

@test "prreap of a daemon that left its group under its keeper: none left, also where there are no pidfds (TERM to the keeper)" {
	H=$(helper titled) || skip "no C compiler for the test's helper"
	prspawn -p -i t -o /dev/null -- "$H" "$T/d.pid" </dev/null >"$T/rec" 3>&-
	track -g "$(cut -f 1 "$T/rec")"
	K=$(prlist -i t -o keeper | cut -d: -f1)
	track "$K"
	until_true test -s "$T/d.pid"
	D=$(cat "$T/d.pid")
	track "$D"
	[ "$(ps -o ppid= -p "$D" | tr -d ' ')" = "$K" ]
	run -0 --separate-stderr sh -c 'prlist -i t | prreap'
	gone "$D"
	[ "$output" = "$(cat "$T/rec")" ]
	[ "$stderr" = "" ]
	[ "$(reg_lines)" = "" ]
}

@test "prreap of a record whose keeper is stopped (SIGSTOP): its command gone, the record forgotten, prreap ends" {
	prspawn -p -i s -o /dev/null -- sleep 1000 </dev/null >"$T/rec" 3>&-
	P=$(cut -f 1 "$T/rec")
	track -g "$P"
	K=$(prlist -i s -o keeper | cut -d: -f1)
	track "$K"
	kill -STOP "$K"
	# The bound is for a regression only (prreap waiting for ever).
	run -0 --separate-stderr timeout 60 sh -c 'prlist -i s | prreap'
	[ "$output" = "$(cat "$T/rec")" ]
	[ "$stderr" = "" ]
	gone "$P"
	[ "$(reg_lines)" = "" ]
}
