#!/usr/bin/env bats
# unknown.bats - what cannot be read is unknown, never gone (SPEC 4.5,
# issue 21.1): a read of a process that fails for want of descriptors
# keeps the record and says so; no tool needs a descriptor per process.
# `ulimit -n N` sets the hard limit too: the tools raise their soft limit
# to the hard one as they start, so a low soft limit alone is no test.

load helper
bats_require_minimum_version 1.5.0

# members N [TERM]: prspawn -i g records a leader (a sleep) with N sleeps
# in its process group; with TERM they ignore SIGTERM (the leader does
# not).  Waits until all N+1 run.  Sets G (the group) and LINE (the
# record).
members() {
	local n=$1 trap=
	[ "${2:-}" = TERM ] && trap='trap "" TERM;'
	LINE=$(prspawn -i g -p -o /dev/null -- sh -c "$trap"'
	    i=0; while [ $i -lt '"$n"' ]; do sleep 1000 & i=$((i + 1)); done
	    trap - TERM; exec sleep 1000')
	G=$(field 1 "$LINE")
	track -g "$G"
	until_true eval '[ "$(running "$G")" -eq $((n + 1)) ]'
}

# running PGID: how many processes of group PGID run (zombies left out).
running() {
	ps -o stat= -g "$1" | grep -vc '^Z' || true
}

@test "prreap under a low descriptor limit: a group of more processes than descriptors is stopped whole before its record is forgotten" {
	# 150 that ignore TERM, 128 descriptors: the KILL must reach every
	# one of them, found and watched in batches.
	members 150 TERM
	# (-K 60: 151 KILLed processes may take long to end on a busy machine)
	# (-v: what became of it is said, and shown when the test fails)
	run --separate-stderr few 128 prreap -v -T 0.5 -K 60 -i g
	printf 'prreap: exit %s, said: %s; out: %s; left: %s\n' "$status" \
	    "$stderr" "$output" "$(ps -o pid=,stat=,ppid=,args= -g "$G" | head -5)"
	[ "$status" -eq 0 ]
	[ "$output" = "$LINE" ]
	# (the no-procfs build finds no member by itself: its TERM is for
	# the keeper, which stops the group it holds)
	local told="151 processes"
	noprocfs && told="1 process"
	[[ $stderr =~ ^"prreap: g: TERM sent to $told; KILL after "[0-9]+" ms; gone after "[0-9]+" ms"$ ]]
	[ "$(running "$G")" -eq 0 ]
	[ "$(reg_lines)" = "" ]
}

@test "prreap under a low descriptor limit: a child of a member whose pidfd is not held is proven through it, and gets TERM first" {
	need_procfs
	# 24 members that ignore TERM (its keeper's child, a shell, starts
	# them), each with a child in a session of its own that says TERM
	# when it gets it.  80 descriptors hold 16 pidfds: some members are
	# not held, and their children are to be found through them, not
	# once the members' KILL has orphaned them (then KILL came first).
	# (TERM is ignored once the child runs: ignored, it would be its too,
	# and no shell can trap a signal ignored on entry.)
	cat >"$T/member.sh" <<'EOF'
setsid sh -c 'trap "echo TERM >>\"$1\"; exit 0" TERM
echo "up $$" >>"$1"; while :; do sleep 1; done' sh "$1" &
trap '' TERM
echo member >>"$1"
wait
EOF
	LINE=$(prspawn -i m -p -o /dev/null -- sh -c '
	    i=0; while [ $i -lt 24 ]; do sh "$1" "$2" & i=$((i + 1)); done
	    trap "" TERM; echo top >>"$2"; wait' sh "$T/member.sh" "$T/log")
	G=$(field 1 "$LINE")
	track -g "$G"
	until_true eval '[ "$(grep -c "^up" "$T/log" 2>/dev/null)" = 24 ] &&
	    [ "$(grep -c "^member" "$T/log")" = 24 ] && grep -q "^top" "$T/log"'
	for p in $(sed -n 's/^up //p' "$T/log"); do track -g "$p"; done
	run --separate-stderr few 80 prreap -v -T 1 -K 60 -i m
	printf 'prreap: exit %s, said: %s; out: %s; log: %s\n' "$status" \
	    "$stderr" "$output" "$(sort "$T/log" | uniq -c)"
	[ "$status" -eq 0 ]
	[ "$output" = "$LINE" ]
	[ "$(grep -c '^TERM$' "$T/log")" = 24 ]
	for p in $(sed -n 's/^up //p' "$T/log"); do gone "$p"; done
	[ "$(running "$G")" -eq 0 ]
	[ "$(reg_lines)" = "" ]
}

@test "prreap under a low descriptor limit: a chain of 100 members, each in a group of its own, deeper than its descriptors, is stopped whole" {
	need_procfs
	# 80 descriptors hold 16 pidfds: the links below are proven through
	# their parents, a few levels at a time, and the rest found as the
	# chain ends from the top.  (Proven all the way up, each failed
	# level tried again by the one above, this ran for hours: the
	# timeout is for that, not for speed.)
	ch=$(helper chain) || skip "no C compiler for the test's helper"
	LINE=$(prspawn -i c -p -o /dev/null -- "$ch" 100 "$T/log")
	G=$(field 1 "$LINE")
	track -g "$G"
	until_true grep -q '^ready' "$T/log"
	for p in $(sed -n 's/^[a-z]* //p' "$T/log"); do track -g "$p"; done
	run --separate-stderr timeout 600 bash -c '. "$0"; few 80 prreap -T 1 -K 60 -i c' \
	    "$BATS_TEST_DIRNAME/helper.bash"
	printf 'prreap: exit %s, said: %s; out: %s\n' "$status" "$stderr" "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$LINE" ]
	[ "$stderr" = "" ]
	for p in $(sed -n 's/^[a-z]* //p' "$T/log"); do gone "$p"; done
	[ "$(reg_lines)" = "" ]
}

@test "prwait with descriptors for none of its members: exit 1, says what it could not read, never 'all gone'" {
	noprocfs && skip "the no-procfs build has no marker: the group is held only while PID 1 has not reaped its leader"
	# The leader exits: 40 members of its group run on, with its marker.
	# Bare (-b): the line prwait prints at the end is the one written.
	LINE=$(prspawn -b -i w -p -o /dev/null -- sh -c '
	    i=0; while [ $i -lt 40 ]; do sleep 1000 & i=$((i + 1)); done')
	G=$(field 1 "$LINE")
	track -g "$G"
	until_true eval '[ "$(running "$G")" -eq 40 ]'
	run --separate-stderr few 6 prwait -T 5 -i w
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[[ $stderr =~ ^prwait:\ w:\ cannot\ tell\ whether\ it\ is\ gone:\ cannot\ read\ (pid\ [0-9]+|the\ process\ table):\ [A-Z].*$ ]]
	[ "$(running "$G")" -eq 40 ]
	[ "$(reg_lines)" = "$LINE" ]
	kill -KILL -- "-$G"
	until_true eval '[ "$(running "$G")" -eq 0 ]'
	run -0 --separate-stderr prwait -T 5 -i w
	[ "$output" = "$LINE" ]
}

@test "prlist and prprune -n with too few descriptors: a live daemon's record is unknown (or live), never dead" {
	# The starter exits; its child runs on in its group, with its marker.
	LINE=$(prspawn -i d -p -o /dev/null -- sh -c 'sleep 1000 & exit 0')
	G=$(field 1 "$LINE")
	track -g "$G"
	until_true eval '[ "$(running "$G")" -eq 1 ]'
	run -0 --separate-stderr few 5 prlist -o id,state
	[ "$output" = "d${TAB}unknown" ] || [ "$output" = "d${TAB}live" ]
	run -1 --separate-stderr few 5 prlist -d
	[ "$output" = "" ]
	run -0 --separate-stderr few 5 prlist -l
	[ "$output" = "$LINE" ]
	run -0 --separate-stderr few 5 prprune -n
	[ "$output" = "" ]
	[ "$(reg_lines)" = "$LINE" ]
}

@test "the tools raise their soft descriptor limit to the hard one; a command prspawn starts gets the caller's own back" {
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] && [ "$hard" -gt 200 ] || skip "hard limit $hard"
	run -0 --separate-stderr sh -c 'ulimit -Sn 200 && exec prspawn -w -- sh -c '\''
	    ulimit -Sn; grep "^Max open files" /proc/$PPID/limits | tr -s " "'\'
	[ "$output" = "200
Max open files $hard $hard files " ]
	[ "$stderr" = "" ]
}
