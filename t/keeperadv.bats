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
	[ -z "${LOOP:-}" ] || loop_kill
	rm -f "$T/gens"		# a fork loop ends once its file is gone
	# What runs a program of this test's own is this test's.
	for f in "$T"/own-*; do
		[ -e "$f" ] && running "$f" >/dev/null
	done
	prreg_teardown
}

# loop_kill: every process of the fork loop, STOPped (it forks no more),
# then KILLed, until none is left: each child of its keeper $K (the
# kernel's list of them, which no fork outruns) while $K is still that
# keeper (its token, $KT); then the keeper, with no child left, ends.
# Fails, saying so, if some are still left.
loop_kill() {
	local i ps
	for i in $(seq 1000); do
		prpidcheck -t "$KT" "$K" >/dev/null 2>&1 || return 0
		ps=$(cat /proc/"$K"/task/*/children 2>/dev/null)
		if [ -z "$ps" ]; then
			UNTIL_SECS=60 until_true gone "$K" && return 0
			break
		fi
		kill -STOP $ps 2>/dev/null || true
		kill -KILL $ps 2>/dev/null || true
	done
	echo "# the fork loop or its keeper $K is still there: $ps" >&3
	return 1
}

# loop_start [WHY]: record f, a fork loop (a copy of t/helpers/forkloop of
# the test's own, $LOOP) under its keeper $K (token $KT), once it has
# forked 20 generations; skips where the teardown (loop_kill) cannot
# see the keeper's children (WHY says for what else they are needed).
loop_start() {
	H=$(helper forkloop) || skip "no C compiler for the test's helper"
	[ -r /proc/1/task/1/children ] ||
	    skip "no /proc/PID/task/TID/children here${1:-}"
	LOOP=$T/own-forkloop
	cp "$H" "$LOOP"
	prspawn -p -i f -o /dev/null -- "$LOOP" "$T/gens" </dev/null >"$T/rec" 3>&-
	track -g "$(cut -f 1 "$T/rec")"
	K=$(prlist -i f -o keeper | cut -d: -f1)
	KT=$(prlist -i f -o keeper | cut -d: -f2-)
	until_true eval '[ "$(wc -l <"$T/gens")" -ge 20 ]'
}

# loop_over: the fork loop is over: the last generation it wrote is gone,
# and it has written none since (each writes its pid before it forks).
loop_over() {
	local n p
	n=$(wc -l <"$T/gens")
	p=$(tail -n 1 "$T/gens")
	gone "$p" && [ "$(wc -l <"$T/gens")" -eq "$n" ]
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

# --- a fork loop racing the stop ---------------------------------------------------

@test "a fork loop raced by two stops at once (prreap -S KILL, TERM to its keeper): none left, the keeper ends" {
	loop_start ", for the test's own teardown"
	prlist -i f | prreap -S KILL >"$T/out" 2>"$T/err" &
	R=$!
	kill -TERM "$K"
	ended "$R"
	printf 'prreap: exit %s; out: %s; err: %s\n' "$ST" "$(cat "$T/out")" \
	    "$(cat "$T/err")"
	[ "$ST" -eq 0 ]
	# Either stop may end it: when the keeper's did first (its look
	# missed the loop, then its KILL to each child caught it), its end
	# is in the line prreap picked, and forgot.
	[[ "$(cat "$T/out")" =~ ^"$(cat "$T/rec")"($'\t'exit=137$'\t'ended=[0-9T:.Z-]+)?$ ]]
	[ "$(cat "$T/err")" = "" ]
	# A subreaper, the keeper ends only once none of the loop is left.
	until_true gone "$K"
	loop_over
	[ "$(reg_lines)" = "" ]
}

# --- few descriptors --------------------------------------------------------------

# few_keeper: record u, a sleep (its pid in P) started under ulimit -n 8,
# and its keeper (K), which has as few descriptors.
few_keeper() {
	few 8 prspawn -p -i u -o /dev/null -- sleep 1000 </dev/null >"$T/rec"
	P=$(cut -f 1 "$T/rec")
	track -g "$P"
	K=$(prlist -i u -o keeper | cut -d: -f1)
	track "$K"
}

@test "a keeper under ulimit -n 8, stopped by TERM, still writes its end: its stop's look at /proc holds no descriptor after" {
	noprocfs && skip "the no-procfs build asks ps(1) for start tokens, which needs more descriptors"
	few_keeper
	kill -TERM "$K"
	until_true gone "$K"
	gone "$P"
	[ "$(prlist -i u -o exit)" = 143 ]
}

@test "a keeper under ulimit -n 8 whose end finds a malformed line moves it to FILE.corrupt and writes its end" {
	noprocfs && skip "the no-procfs build asks ps(1) for start tokens, which needs more descriptors"
	few_keeper
	printf 'junk line\n' >>"$REG"
	kill -TERM "$P"
	until_true gone "$K"
	[ "$(prlist -i u -o exit)" = 143 ]
	[ "$(cat "$REG.corrupt")" = "junk line" ]
	[ "$(grep -c 'junk' "$REG")" -eq 0 ]
}

@test "prreap of a fork loop under its live keeper: gone only once the keeper has no live child (a look at every process misses the loop)" {
	loop_start
	run -0 --separate-stderr sh -c 'prlist -i f | prreap -T 0.2'
	[ "$output" = "$(cat "$T/rec")" ]
	[ "$stderr" = "" ]
	# A subreaper, the keeper ends once it has no child left; a loop
	# prreap missed keeps it (ps(1) cannot tell: the loop outruns it).
	until_true gone "$K"
	loop_over
	[ "$(reg_lines)" = "" ]
}

# --- the keeper's pid reused --------------------------------------------------------

@test "a keeper killed and its pid taken by a stranger, at once (same second) or a second later: prreap signals nothing of the stranger's, and takes the keeper for gone" {
	need_pidns
	# As PID 1 of a namespace of its own, so that the keeper's pid can be
	# handed on at once (ns_last_pid); all in it ends with it.  A second
	# later, the stranger's start token differs (to the second, in the
	# no-procfs build): the keeper's pid is another's, and it is gone.
	cat >"$T/reuse.sh" <<'SH'
export PRREG_FILE=$1/reg
rm -f "$PRREG_FILE"
prspawn -i a -o /dev/null -- sleep 1000 </dev/null
K=$(prlist -i a -o keeper | cut -d: -f1)
kill -KILL "$K"
while [ -d "/proc/$K" ]; do sleep 0.01; done
sleep "$2"
echo $((K - 1)) >/proc/sys/kernel/ns_last_pid
sleep 1000 &
S=$!
[ "$S" = "$K" ] || { echo "no reuse"; exit 0; }
prlist -i a | prreap >/dev/null
echo "prreap: $?"
case $(ps -o stat= -p "$S") in ''|Z*) echo "stranger: killed" ;; *) echo "stranger: alive" ;; esac
SH
	for later in 0 1.1; do
		run -0 unshare -fp --mount-proc bash "$T/reuse.sh" "$T" \
		    "$later" </dev/null 3>&-
		[ "$output" != "no reuse" ] ||
		    skip "the keeper's pid went to another process first"
		[ "$output" = "prreap: 0"$'\n'"stranger: alive" ]
	done
}

# --- what the keeper signals --------------------------------------------------------

@test "the keeper signals only its own unreaped children: never the ps(1) it ran and reaped for a look (the no-procfs build's)" {
	command -v strace >/dev/null || skip "no strace"
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	# The command leaves a child to the keeper, then HUP to the keeper is
	# forwarded to each of its children, found by a look.
	prspawn -p -i m -o /dev/null -- sh -c 'setsid sleep 1000 </dev/null >/dev/null 2>&1 & echo $! >"$1"; exit 0' sh "$T/c" </dev/null >"$T/rec" 3>&-
	K=$(prlist -i m -o keeper | cut -d: -f1)
	track "$K"
	until_true test -s "$T/c"
	C=$(cat "$T/c")
	track "$C"
	until_true eval '[ "$(ps -o ppid= -p "$C" | tr -d " ")" = "$K" ]'
	strace -qq -o "$T/st" -e trace=kill,wait4,waitid -p "$K" &
	S=$!
	track "$S"
	until_true eval '[ "$(grep TracerPid "/proc/$K/status" | cut -f 2)" = "$S" ]'
	kill -HUP "$K"
	until_true gone "$C"
	# The keeper, with no child left, writes its end and ends: so does
	# strace.
	until_true gone "$K"
	ended "$S"
	# Every pid signalled is one not reaped (wait4 returned it) before.
	awk '/wait4\(/ && $NF ~ /^[0-9]+$/ { reaped[$NF] = 1 }
	    /^kill\(/ { p = $1; sub(/^kill\(/, "", p); sub(/,$/, "", p)
	    if (p in reaped) { print "signalled after reaped: " p; bad = 1 } }
	    END { exit bad }' "$T/st"
	grep -q "^kill($C, SIGHUP)" "$T/st"
}
