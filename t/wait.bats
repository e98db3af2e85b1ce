#!/usr/bin/env bats
# Waiting (SPEC 4.3): prspawn -m sleeps in the kernel until a slot's holder
# ends or the registry is rewritten; prspawn -N waits until the command
# says it is ready.
#
# A holder ends when the test says so: it waits for a file.  No test
# bounds how long anything takes; where something must not end, -W (or
# the command's own sleep) bounds it and the test checks what happened.

load helper
bats_require_minimum_version 1.5.0

# What a failed test left running is in the registry: stopped through it
# (token-checked), then the usual teardown.
teardown() {
	[ -f "$REG" ] && prlist | prreap -S KILL -T 2 -K 1 >/dev/null 2>&1
	prreg_teardown
}

# holder NAME [ARG...]: prspawn ARG... of a shell that ends once $T/go.NAME
# exists; its pid in H.
holder() {
	local name=$1
	shift
	prspawn "$@" -- sh -c 'while [ ! -e "$1" ]; do sleep 0.01; done' sh \
	    "$T/go.$name" </dev/null >/dev/null 2>&1 3>&-
	H=$(reg_lines | tail -n 1 | cut -f 1)
	track -g "$H"
}

# looks FILE: how often a traced prspawn opened the registry, to count.
looks() {
	grep -c "openat([0-9]*, \"registry\"," "$1" || true
}

need_strace() {
	command -v strace >/dev/null || skip "no strace here"
	# LeakSanitizer does not work under ptrace (make check SANITIZE=1).
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
}

# --- -m: waiting in the kernel ------------------------------------------

@test "-m: a waiter that finds no slot sleeps: it looks again when the holder ends, not every few ms" {
	need_strace
	noprocfs && skip "the portable path (no pidfds, no inotify) polls, by design"
	holder a -t job
	strace -e trace=openat -o "$T/trace" \
	    prspawn -t job -m 1 -W 60 -i next -- sleep 1000 \
	    </dev/null >/dev/null 2>"$T/err" 3>&- &
	W=$!
	track "$W"
	until_true grep -q '"registry"' "$T/trace"
	sleep 1		# a poller would look ~100 times in this second
	before=$(looks "$T/trace")
	touch "$T/go.a"
	ended "$W"
	[ "$ST" -eq 0 ]
	[ "$(prlist -i next -o state)" = live ]
	track -g "$(prlist -i next -o pid)"
	# Asleep for the second: one look, and one each 5 s at most (it
	# looks anyway, lest an event was missed); the end: a look or two.
	[ "$before" -le 3 ]
	[ "$(looks "$T/trace")" -le $((before + 3)) ]
}

# unlock_order TRACE: what a writer traced with strace -y did, in order,
# from its rename over FILE on: "rename" for it (or its swap), "unlock" for
# the close of FILE.lock, "free" for the close of FILE as it was read
# (deleted: by the rename, or once swapped out, as FILE.tmp.XXXXXX).
unlock_order() {
	local reg
	reg=$(realpath "$T")/registry
	awk -v reg="$reg" '
	    /^renameat2?\(/ && index($0, "\"registry\"") { r = 1; printf "rename" }
	    r && index($0, "close(") == 1 && index($0, "<" reg ".lock>") {
		printf " unlock" }
	    r && index($0, "close(") == 1 && index($0, "<" reg) &&
	    index($0, ">(deleted)") { printf " free" }
	    END { print "" }' "$1"
}

@test "-m: a writer lets go of FILE.lock before the file its rename replaced is freed: the waiter that rename wakes finds the lock free" {
	need_strace
	# A keeper's end-write (what frees a slot) ...
	strace -ff -y -e trace=renameat,renameat2,rename,close -o "$T/k" \
	    prspawn -i quick -- true </dev/null >/dev/null 2>&1 3>&-
	until_true eval '[ "$(prlist -i quick -o exit)" = 0 ]'
	keeper=$(prlist -i quick -o keeper)
	[ "$(unlock_order "$T/k.${keeper%%:*}")" = "rename unlock free" ]
	# ... and a plain writer's.
	prspawn -b -i gone -- true </dev/null >/dev/null 2>&1 3>&-
	until_true eval '[ "$(prlist -i gone -o state)" = dead ]'
	strace -y -e trace=renameat,renameat2,rename,close -o "$T/p" prprune
	[ "$(prlist -i gone)" = "" ]
	[ "$(unlock_order "$T/p")" = "rename unlock free" ]
}

@test "-m: a rewrite that forgets a holder's record wakes a waiter, while the holder still runs" {
	holder a -t job
	prspawn -t job -m 1 -W 60 -i next -- sleep 1000 \
	    </dev/null >/dev/null 2>"$T/err" 3>&- &
	W=$!
	track "$W"
	sleep 0.5	# let it find no slot (if not, this proves less)
	run prprune -a -p "$H"
	[ "$status" -eq 0 ]
	ended "$W"
	[ "$ST" -eq 0 ]
	alive "$H"
	[ "$(prlist -t job -o id,state)" = "next${TAB}live" ]
	track -g "$(prlist -i next -o pid)"
	touch "$T/go.a"
}

@test "-m: a slot held by a member whose leader has exited: the waiter waits for the member, then runs" {
	noprocfs && skip "the no-procfs build has no marker to prove the member its own once the leader is reaped"
	prspawn -t job -o /dev/null -- sh -c 'sh -c "while [ ! -e \"\$1\" ]; do
	    sleep 0.01; done" sh "$1/go.m" & echo $! >"$1/member"' sh "$T"
	L=$(reg_lines | cut -f 1)
	track -g "$L"
	until_true test -s "$T/member"
	M=$(cat "$T/member")
	track "$M"
	until_true gone "$L"
	prspawn -t job -m 1 -W 60 -i next -- sleep 1000 \
	    </dev/null >/dev/null 2>"$T/err" 3>&- &
	W=$!
	track "$W"
	sleep 0.5	# let it find no slot (if not, this proves less)
	alive "$W"
	[ "$(prlist -t job -o id)" = "job:-:$L" ]
	touch "$T/go.m"
	ended "$W"
	[ "$ST" -eq 0 ]
	[ "$(cat "$T/err")" = "" ]
	[ "$(prlist -i next -o state)" = live ]
	track -g "$(prlist -i next -o pid)"
}

@test "-m: 8 waiters for 2 slots as 4 holders end: never more than 2 live, all 8 run, none gives up" {
	noprocfs && skip "the portable path polls, and each look of each waiter runs ps(1): 8 of them starve this test's own looks (t/prspawn.bats has 10 callers of -m 3 there)"
	for i in 1 2; do holder h$i -t job; done
	for i in $(seq 8); do
		prspawn -t job -m 2 -W 120 -i w$i -- sh -c \
		    'while [ ! -e "$1" ]; do sleep 0.01; done' sh "$T/go.w$i" \
		    </dev/null >/dev/null 2>>"$T/errs" 3>&- &
		echo $! >>"$T/waiters"
		track $!
	done
	# Let the holders and then each started waiter end, one at a time.
	touch "$T/go.h1" "$T/go.h2"
	for round in $(seq 8); do
		# Room for a loaded machine: 8 waiters look at once.
		UNTIL_SECS=60 until_true eval \
		    '[ "$(prlist -t job -l -o id | grep -c "^w")" -ge 1 ]' || {
			prlist -o id,pid,state; cat "$T/errs"; false; }
		n=$(prlist -t job -l -o id | wc -l)
		[ "$n" -le 2 ]
		id=$(prlist -t job -l -o id | grep '^w' | head -n 1)
		track -g "$(prlist -i "$id" -o pid)"
		touch "$T/go.$id"
		UNTIL_SECS=60 until_true eval \
		    '[ "$(prlist -i "$id" -o state)" != live ]' || {
			prlist -o id,pid,state
			ps -o pid,pgid,stat,comm -g "$(prlist -i "$id" -o pid)"
			false; }
	done
	for w in $(cat "$T/waiters"); do ended "$w"; [ "$ST" -eq 0 ]; done
	[ ! -s "$T/errs" ]
	[ "$(prlist -t job -o id | grep -c '^w')" -eq 8 ]
}

# --- -N: readiness ------------------------------------------------------

@test "-N: a command that writes a newline on FD is ready: exit 0, recorded, running, the record printed then" {
	run --separate-stderr prspawn -p -i d -N 3 -o "$T/log" -- sh -c \
	    'sleep 0.2; echo ready >&3; exec sleep 1000'
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$(reg_lines)" ]
	P=$(prlist -i d -o pid)
	track -g "$P"
	alive "$P"
	[ "$(ps -o comm= -p "$P")" = sleep ]
}

@test "-N: what it wrote before the newline, and a newline then an exit, count as ready" {
	run --separate-stderr prspawn -i d -N 5 -- sh -c \
	    'printf "up " >&5; sleep 0.1; printf "\n" >&5; exit 7'
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(prlist -i d -o id)" = d ]
}

@test "-N: a command that exits first: exit 1, its status said, its record forgotten" {
	run --separate-stderr prspawn -i d -N 3 -- sh -c 'echo no; exit 3'
	[ "$status" -eq 1 ]
	[ "$output" = "no" ]
	[ "$stderr" = "prspawn: d: exited (status 3) before it was ready; forgotten" ]
	! grep -q . <(reg_lines) || false
	run --separate-stderr prspawn -i k -N 3 -- sh -c 'kill -KILL $$'
	[ "$status" -eq 1 ]
	[ "$stderr" = "prspawn: k: exited (status 137) before it was ready; forgotten" ]
	! grep -q . <(reg_lines) || false
}

@test "-N: a command that never says it is ready: exit 4 after -W, stopped (its group too) and forgotten" {
	run --separate-stderr prspawn -i d -N 3 -W 0.3 -p -- sh -c \
	    'sleep 1000 & echo $! >"$1"; exec sleep 1000' sh "$T/child"
	[ "$status" -eq 4 ]
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: d: not ready after 0.300 s (-W); stopped and forgotten" ]
	! grep -q . <(reg_lines) || false
	C=$(cat "$T/child")
	track "$C"
	until_true gone "$C"
}

@test "-N: a command that closes FD without a newline and runs on: exit 1, stopped and forgotten" {
	run --separate-stderr prspawn -i d -N 4 -- sh -c \
	    'echo $$ >"$1"; exec 4>&-; exec sleep 1000' sh "$T/pid"
	[ "$status" -eq 1 ]
	[ "$stderr" = "prspawn: d: closed its -N descriptor without a newline; stopped and forgotten" ]
	! grep -q . <(reg_lines) || false
	P=$(cat "$T/pid")
	track "$P"
	until_true gone "$P"
}

@test "-N with -w: ready, then stays with the command and exits with its status" {
	run --separate-stderr prspawn -w -i d -N 3 -- sh -c 'echo >&3; exit 5'
	[ "$status" -eq 5 ]
	[ "$stderr" = "" ]
	! grep -q . <(reg_lines) || false
}

@test "-N: FD must be 3 to 63; -N and -A exclude each other" {
	for fd in 0 2 64 x -1; do
		run --separate-stderr prspawn -N "$fd" -- touch "$T/started"
		[ "$status" -eq 2 ]
		[[ "$stderr" == "prspawn: -N: invalid number '$fd': want 3 to 63" ]] ||
		    [[ "$stderr" == "prspawn: -N: "* ]]
	done
	[ ! -e "$T/started" ]
	start_sleep
	run --separate-stderr prspawn -N 3 -A "$P"
	[ "$status" -eq 2 ]
	[ "$stderr" = "prspawn: -A and -N: exclude each other (-h for usage)" ]
	! grep -q . <(reg_lines) || false
}
