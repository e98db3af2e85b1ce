#!/usr/bin/env bats
# Stop schedules (SPEC 6): prreap -R SCHEDULE in start-stop-daemon's
# --retry form, -S -T -K as the schedule SIG/T/KILL/K, and a record's own
# schedule (prspawn -R, stop=) used by a plain prreap.
#
# Each command here is one the test started with prspawn: a sh that
# writes the name of each signal it traps to $T/got, and says it is ready
# (prspawn -N 3) once its traps are set.

load helper
bats_require_minimum_version 1.5.0

# trapper [PRSPAWN-OPTION...] -- EXIT IGNORE: a recorded sh (id j) that,
# for each signal named in EXIT, writes its name to $T/got and exits; for
# each in IGNORE, writes its name and goes on.  Sets P, its pid.
trapper() {
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	cat >"$T/trap.sh" <<'EOS'
f=$1
for s in $2; do trap "echo $s >>$f; exit 0" "$s"; done
for s in $3; do trap "echo $s >>$f" "$s"; done
echo >&3
exec 3>&-
while :; do sleep 0.05; done
EOS
	prspawn -i j -N 3 "${opts[@]}" -- sh "$T/trap.sh" "$T/got" "$1" "$2" \
	    </dev/null >/dev/null 2>&1
	P=$(field 1)
	track -g "$P"
	track "$P"
}

@test "-R INT/1/KILL/1 sends INT first: the command that traps it writes so and exits" {
	need_int
	trapper -- "INT TERM" ""
	run --separate-stderr prreap -R INT/1/KILL/1 -v -i j
	[ "$status" -eq 0 ]
	[ "$(field 7 "$output")" = j ]
	[[ $stderr == "prreap: j: INT sent to "*"; gone after "*" ms" ]]
	[ "$(cat "$T/got")" = INT ]
	until_true gone "$P"
	[ "$(reg_lines)" = "" ]
}

@test "-R 1 is TERM/1/KILL/1: a command that ignores TERM gets it, then KILL after 1 s" {
	trapper -- "" "TERM INT"
	run --separate-stderr prreap -R 1 -v -i j
	[ "$status" -eq 0 ]
	[[ $stderr =~ ^"prreap: j: TERM sent to "[0-9]+" process"(es)?"; KILL after "([0-9]+)" ms; gone after" ]]
	[ "${BASH_REMATCH[2]}" -ge 1000 ]
	[ "$(sort -u "$T/got")" = TERM ]
	until_true gone "$P"
	[ "$(reg_lines)" = "" ]
}

@test "-S -T -K are the schedule SIG/T/KILL/K" {
	need_int
	trapper -- "" "TERM INT"
	run --separate-stderr prreap -S INT -T 0.2 -K 1 -v -i j
	[ "$status" -eq 0 ]
	[[ $stderr =~ ^"prreap: j: INT sent to "[0-9]+" process"(es)?"; KILL after "([0-9]+)" ms; gone after" ]]
	[ "${BASH_REMATCH[2]}" -ge 200 ]
	[ "$(sort -u "$T/got")" = INT ]
}

@test "forever repeats the rest until all is gone; without it, what survives the schedule is exit 1, kept" {
	# It ignores TERM and ends at its third USR1 (counted in the shell: a
	# command substitution that a USR1 ends would end the loop early).
	cat >"$T/count.sh" <<'EOS'
n=0
trap '' TERM
trap 'n=$((n + 1)); echo USR1 >>"$1"' USR1
echo >&3
exec 3>&-
while [ "$n" -lt 3 ]; do sleep 0.05; done
EOS
	prspawn -i j -N 3 -- sh "$T/count.sh" "$T/got" </dev/null >/dev/null 2>&1
	P=$(field 1)
	track -g "$P"
	track "$P"
	line=$(reg_lines)

	run --separate-stderr prreap -R TERM/0.1/USR1/0.1 -i j
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	[ "$(cat "$T/got")" = USR1 ]
	alive "$P"
	[ "$(reg_lines)" = "$line" ]

	run --separate-stderr prreap -R TERM/0.1/forever/USR1/0.1 -i j
	[ "$status" -eq 0 ]
	[ "$output" = "$line" ]
	[ "$stderr" = "" ]
	[ "$(cat "$T/got")" = "USR1
USR1
USR1" ]
	until_true gone "$P"
	[ "$(reg_lines)" = "" ]
}

@test "a bad schedule: exit 2, one line naming it, nothing signalled" {
	trapper -- "" "TERM INT KILL USR1 HUP"
	line=$(reg_lines)
	while IFS='|' read -r sched why; do
		run --separate-stderr prreap -R "$sched" -i j
		[ "$status" -eq 2 ] || { echo "$sched: $status"; false; }
		[ "$output" = "" ]
		[ "$stderr" = "prreap: -R: invalid schedule '$sched': $why (want items like TERM/5/KILL/1, or SECS)" ] ||
		    { echo "$stderr"; false; }
	done <<'EOS'
TERM/x|an item is neither a signal, seconds nor forever
|empty
TERM//1|an empty item
TERM/1/|an empty item
-S|an item is neither a signal, seconds nor forever
TERM/-0.5|an item is neither a signal, seconds nor forever
TERM/1/-x|an item is neither a signal, seconds nor forever
TERM/1/forever|what forever repeats must wait 0.01 seconds or more in all
forever/TERM/0|what forever repeats must wait 0.01 seconds or more in all
1/forever/1/forever/1|forever comes more than once
TERM 1|want at most 255 of A-Z a-z 0-9 . / -
EOS
	run --separate-stderr prreap -R "$(printf '1/%.0s' $(seq 70))1" -i j
	[ "$status" -eq 2 ]
	[[ $stderr == "prreap: -R: invalid schedule '1/1/1/"*"...': too many items (want items like TERM/5/KILL/1, or SECS)" ]]
	[ ! -e "$T/got" ]
	alive "$P"
	[ "$(reg_lines)" = "$line" ]
}

@test "forever over less than 0.01 s of waits in all (it would spin): exit 2 from prreap and prspawn, nothing done" {
	# Nothing selected: a schedule taken would be exit 0 at once.
	for sched in forever/TERM/0.005 TERM/forever/STOP/0.001/0.008/CONT \
	    1/forever/0.009/0; do
		why="invalid schedule '$sched': what forever repeats must wait 0.01 seconds or more in all (want items like TERM/5/KILL/1, or SECS)"
		run --separate-stderr prreap -R "$sched" -i none
		[ "$status" -eq 2 ] || { echo "$sched: $status"; false; }
		[ "$output" = "" ]
		[ "$stderr" = "prreap: -R: $why" ]
		run --separate-stderr prspawn -R "$sched" -- touch "$T/ran"
		[ "$status" -eq 2 ]
		[ "$output" = "" ]
		[ "$stderr" = "prspawn: -R: $why" ]
		[ ! -e "$T/ran" ]
	done
	[ "$(reg_lines)" = "" ]
	# 0.01 s in all, over two waits, will do.
	run --separate-stderr prreap -R TERM/forever/0.004/HUP/0.006 -i none
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
}

@test "no CONT after a signal that stops: -R STOP/0.1 leaves the process stopped, exit 1, record kept; TERM that follows is followed by CONT" {
	trapper -- "" "TERM"
	line=$(reg_lines)
	run --separate-stderr prreap -R STOP/0.1 -i j
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	until_true sh -c "ps -o stat= -p $P | grep -q '^T'"
	[ "$(reg_lines)" = "$line" ]
	[ ! -e "$T/got" ]
	# TERM, which it traps and outlives, then CONT: it runs again.
	run --separate-stderr prreap -R TERM/0.1 -i j
	[ "$status" -eq 1 ]
	until_true test -s "$T/got"
	[ "$(cat "$T/got")" = TERM ]
	until_true sh -c "ps -o stat= -p $P | grep -q '^[SR]'"
	[ "$(reg_lines)" = "$line" ]
}

@test "signals of a schedule: names in any case, with SIG or a leading -, numbers with -" {
	need_int
	for sched in -INT/1/KILL/1 sigint/1/-KILL/1 -2/1/-9/1 -SIGINT/0.5/9; do
		rm -f "$T/got"
		trapper -- "INT" "TERM"
		run --separate-stderr prreap -R "$sched" -i j
		[ "$status" -eq 0 ] || { echo "$sched: $status $stderr"; false; }
		[ "$(cat "$T/got")" = INT ]
	done
}

@test "-R with -S, -T or -K: exit 2, nothing signalled" {
	trapper -- "" "TERM INT KILL"
	run --separate-stderr prreap -R 1 -T 1 -i j
	[ "$status" -eq 2 ]
	[ "$stderr" = "prreap: -R and -T: exclude each other (-h for usage)" ]
	run --separate-stderr prreap -S INT -R 1 -i j
	[ "$status" -eq 2 ]
	[ "$stderr" = "prreap: -R and -S: exclude each other (-h for usage)" ]
	run --separate-stderr prreap -K 1 -R 1 -i j
	[ "$status" -eq 2 ]
	[ "$stderr" = "prreap: -R and -K: exclude each other (-h for usage)" ]
	[ ! -e "$T/got" ]
	alive "$P"
}

@test "a record's stop=INT/1/KILL/1: a plain prreap sends INT; -R, -S, -T or -K given stand instead" {
	need_int
	trapper -- "INT TERM" ""
	# The record as prspawn -R writes it, with the schedule kept.
	line=$(reg_lines)
	printf '%s\tstop=INT/1/KILL/1\n' "$line" >"$T/rec"
	{ header; cat "$T/rec"; } >"$REG"
	run --separate-stderr prreap -i j
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$T/rec")" ]
	[ "$stderr" = "" ]
	[ "$(cat "$T/got")" = INT ]

	rm -f "$T/got"
	trapper -- "INT TERM" ""
	printf '%s\tstop=INT/1/KILL/1\n' "$(reg_lines)" >"$T/rec"
	{ header; cat "$T/rec"; } >"$REG"
	run --separate-stderr prreap -T 1 -i j
	[ "$status" -eq 0 ]
	[ "$(cat "$T/got")" = TERM ]
}

@test "a record's stop= that is no schedule: said, and the default one stops it" {
	trapper -- "INT TERM" ""
	printf '%s\tstop=INT/x\n' "$(reg_lines)" >"$T/rec"
	{ header; cat "$T/rec"; } >"$REG"
	run --separate-stderr prreap -i j
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$T/rec")" ]
	[ "$stderr" = "prreap: j: stop=INT/x: invalid schedule (an item is neither a signal, seconds nor forever); stopped by the default one" ]
	[ "$(cat "$T/got")" = TERM ]
}

@test "prspawn -R keeps the schedule as stop=, and a plain prreap stops the record by it" {
	need_int
	trapper -R INT/1/KILL/1 -- "INT TERM" ""
	[ "$(prlist -i j -o stop)" = INT/1/KILL/1 ]
	[ "$(reg_lines | tr '\t' '\n' | grep '^stop=')" = stop=INT/1/KILL/1 ]
	run --separate-stderr prreap -i j
	[ "$status" -eq 0 ]
	[ "$(cat "$T/got")" = INT ]
	until_true gone "$P"
}

@test "prspawn -R with a bad schedule: exit 2, a message naming it, nothing started" {
	run --separate-stderr prspawn -R TERM//1 -- touch "$T/ran"
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: -R: invalid schedule 'TERM//1': an empty item (want items like TERM/5/KILL/1, or SECS)" ]
	[ ! -e "$T/ran" ]
	[ "$(reg_lines)" = "" ]
}

@test "prspawn -A -R: a running process recorded with its schedule" {
	start_sleep
	run --separate-stderr prspawn -i a -R HUP/2 -A "$P"
	[ "$status" -eq 0 ]
	[ "$(prlist -i a -o pid,stop)" = "$P${TAB}HUP/2" ]
	run --separate-stderr prreap -i a
	[ "$status" -eq 0 ]
	ended "$P"
	[ "$ST" -eq 129 ]
}

# leaver: a script for a command that leaves behind a child which writes
# the name of the signal that ends it (USR1 or TERM) to $T/got, and is
# ready once its traps are set ($T/got.ready).
leaver() {
	cat >"$T/left.sh" <<'EOS'
trap 'echo USR1 >>"$1"; exit 0' USR1
trap 'echo TERM >>"$1"; exit 0' TERM
touch "$1.ready"
while :; do sleep 0.05; done
EOS
}

@test "prspawn -w -R: what the command leaves behind is stopped by its schedule" {
	leaver
	run --separate-stderr prspawn -w -i j -R USR1/5/KILL/1 -- sh -c \
	    'sh "$1" "$2" & until [ -e "$2.ready" ]; do sleep 0.05; done' \
	    sh "$T/left.sh" "$T/got" </dev/null
	[ "$status" -eq 0 ]
	[ "$(cat "$T/got")" = USR1 ]
	[ "$(reg_lines)" = "" ]
}

@test "prspawn -x stops the record it replaces by that record's schedule" {
	leaver
	prspawn -t T -s S -R USR1/5/KILL/1 -- sh "$T/left.sh" "$T/got" \
	    </dev/null >/dev/null 2>&1
	P=$(field 1)
	track -g "$P"
	track "$P"
	until_true test -e "$T/got.ready"
	run --separate-stderr prspawn -x -t T -s S -- true
	[ "$status" -eq 0 ]
	[ "$(cat "$T/got")" = USR1 ]
	until_true gone "$P"
}

@test "the schedule's form is written once, in prspawn(1)'s Schedules section; prreap(1) -R refers to it" {
	man=$BATS_TEST_DIRNAME/../man
	[ "$(grep -c '^\.Ss Schedules$' "$man/prspawn.1")" -eq 1 ]
	[ "$(grep -c '^\.Sx Schedules No in Xr prspawn 1 :$' "$man/prreap.1")" -eq 1 ]
	# The items are told in one page only.
	[ "$(grep -c '^\.It Cm forever$' "$man/prspawn.1")" -eq 1 ]
	[ "$(grep -c '^\.It Cm forever$' "$man/prreap.1")" -eq 0 ]
}
