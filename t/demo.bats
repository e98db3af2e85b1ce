#!/usr/bin/env bats
# make demo (scripts/demo.sh): each step said in one line, then its command
# and output; it ends with an empty registry, nothing it started left
# running, and its scratch directory gone, also when it is interrupted.
#
# The demo writes "PID TOKEN" of each process it starts to
# $PRREG_DEMO_PIDS; they are checked by prpidcheck, which signals nothing.
# It runs once for the file (setup_file); the tests read what it did.

load helper
bats_require_minimum_version 1.5.0

DEMO=$BATS_TEST_DIRNAME/../scripts/demo.sh

# demo_run DIR: the demo, with its scratch directory made under DIR/tmp,
# its output in DIR/out and DIR/err, its status in DIR/rc.
demo_run() {
	mkdir -p "$1/tmp"
	rc=0
	TMPDIR=$1/tmp PRREG_DEMO_PIDS=$1/pids PRREG_BIN=$bindir \
	    sh "$DEMO" </dev/null >"$1/out" 2>"$1/err" || rc=$?
	echo "$rc" >"$1/rc"
}

# stop_left DIR: what a failed demo left running, by pid, only while its
# token says it is still the process the demo started.
stop_left() {
	local pid tok
	[ -f "$1/pids" ] || return 0
	while read -r pid tok; do
		if prpidcheck -t "$tok" "$pid" 2>/dev/null; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done <"$1/pids"
}

setup_file() {
	export D=$BATS_FILE_TMPDIR/demo
	mkdir -p "$D"
	demo_run "$D"
}

teardown_file() {
	stop_left "$BATS_FILE_TMPDIR/demo"
}

teardown() {
	stop_left "$T/int"
	prreg_teardown
}

@test "the demo exits 0 and writes nothing on stderr" {
	cat "$D/out"
	[ "$(cat "$D/rc")" = 0 ]
	[ "$(cat "$D/err")" = "" ]
}

@test "each step is said in one line, then its command is shown, in order" {
	run grep -E '^(# |\$ )' "$D/out"
	cat "$D/out"
	[ "$output" = "$(cat <<'EOF'
# Record a job this shell runs already (-A); it ends, its record stays.
$ sleep 1000 & job=$!
$ prspawn -s demo -t job -i job -A $job
$ kill $job; wait $job 2>/dev/null; echo "job ended, status $?"
# Start two workers in session demo; -p prints the record of each.
$ prspawn -s demo -t worker -i worker-1 -C 2 -p -- sleep 1000
$ prspawn -s demo -t worker -i worker-2 -C 2 -p -- sleep 1000
# A third worker is refused: -C 2 allows at most 2 live workers.
$ prspawn -s demo -t worker -i worker-3 -C 2 -p -- sleep 1000
# Start a process that ignores TERM, to be stopped by KILL later.
$ prspawn -s demo -t stubborn -i stubborn -- sh -c 'trap "" TERM; exec sleep 1000'
# Start a daemon that also writes a pid file (-P).
$ prspawn -s demo -t daemon -i daemon -P daemon.pid -- sleep 1000
# The records side by side: the state column tells live from dead.
$ prlist -H -o id,type,state
# prpidcheck reads the pid file: exit 0, the daemon runs.
$ prpidcheck -f daemon.pid && echo 'daemon.pid: running'
# prprune forgets the dead record, and prints it; the live stay.
$ prprune
$ prlist -H -o id,state
# prreap -v stops the stubborn one: TERM is ignored, KILL after -T 0.2 s.
$ prreap -v -i stubborn -T 0.2
# Stop the rest of session demo: prlist selects, prreap stops and forgets.
$ prlist -s demo | prreap -T 2
# The daemon is gone: prpidcheck on its pid file exits 1.
$ prpidcheck -f daemon.pid || echo 'daemon.pid: not running'
# The registry is empty: prlist prints nothing, and exits 1.
$ prlist
# Nothing the demo started still runs (prpidcheck, by pid and token).
EOF
)" ]
}

@test "the cap (-C) refuses the third worker with its message, exit 4" {
	run grep -A 2 -F -x '$ prspawn -s demo -t worker -i worker-3 -C 2 -p -- sleep 1000' "$D/out"
	[ "$output" = '$ prspawn -s demo -t worker -i worker-3 -C 2 -p -- sleep 1000
prspawn: -C: 2 live of type worker, cap 2; nothing started
(exit 4)' ]
}

@test "a live and a dead record are shown side by side, by state" {
	run grep -A 6 -F -x '$ prlist -H -o id,type,state' "$D/out"
	[ "$output" = '$ prlist -H -o id,type,state
ID        TYPE      STATE
job       job       dead
worker-1  worker    live
worker-2  worker    live
stubborn  stubborn  live
daemon    daemon    live' ]
}

@test "prpidcheck on the pid file: running, then not running" {
	grep -q -x 'daemon.pid: running' "$D/out"
	grep -q -x 'daemon.pid: not running' "$D/out"
	[ "$(grep -n -x 'daemon.pid: running' "$D/out" | cut -d: -f1)" -lt \
	    "$(grep -n -x 'daemon.pid: not running' "$D/out" | cut -d: -f1)" ]
}

@test "prprune forgets the dead record only; the live stay" {
	run grep -A 6 -F -x '$ prprune' "$D/out"
	[ "${lines[0]}" = '$ prprune' ]
	[ "$(printf '%s\n' "${lines[1]}" | cut -f 3,4,7)" = "job${TAB}demo${TAB}job" ]
	[ "${lines[2]}" = '$ prlist -H -o id,state' ]
	[ "${lines[3]}" = 'ID        STATE' ]
	[ "${lines[4]}" = 'worker-1  live' ]
	[ "${lines[5]}" = 'worker-2  live' ]
	[ "${lines[6]}" = 'stubborn  live' ]
}

@test "prreap -v says TERM was ignored and KILL sent to the stubborn one" {
	run grep -A 2 -F -x '$ prreap -v -i stubborn -T 0.2' "$D/out"
	[[ "${lines[1]}" =~ ^prreap:\ stubborn:\ TERM\ sent\ to\ 1\ process\;\ KILL\ after\ [0-9]+\ ms\;\ gone\ after\ [0-9]+\ ms$ ]]
	[ "$(printf '%s\n' "${lines[2]}" | cut -f 3,7)" = "stubborn${TAB}stubborn" ]
}

@test "the demo ends with an empty registry: prlist prints nothing, exit 1" {
	run grep -A 1 -F -x '$ prlist' "$D/out"
	[ "$output" = '$ prlist
(exit 1)' ]
	[ "$(tail -n 1 "$D/out")" = "5 processes started, none left running." ]
}

@test "nothing the demo started is still running, and its scratch dir is gone" {
	[ "$(wc -l <"$D/pids")" -eq 5 ]
	while read -r pid tok; do
		run -1 --separate-stderr prpidcheck -t "$tok" "$pid"
	done <"$D/pids"
	run ls -A "$D/tmp"
	[ "$output" = "" ]
}

@test "an interrupted demo stops what it started and removes its scratch dir" {
	local d=$T/int pid tok n
	mkdir -p "$d/tmp"
	TMPDIR=$d/tmp PRREG_DEMO_PIDS=$d/pids PRREG_BIN=$bindir \
	    sh "$DEMO" </dev/null >"$d/out" 2>"$d/err" &
	pid=$!
	track "$pid"
	# Once the first worker runs: the demo stops at the next step.
	until_true grep -q '	worker-1	' "$d/out"
	kill -TERM "$pid"
	ended "$pid"
	[ "$ST" -eq 2 ]
	! grep -q 'none left running' "$d/out" || false
	n=0
	while read -r pid tok; do
		n=$((n + 1))
		run -1 --separate-stderr prpidcheck -t "$tok" "$pid"
	done <"$d/pids"
	[ "$n" -ge 1 ]
	run ls -A "$d/tmp"
	[ "$output" = "" ]
}
