#!/usr/bin/env bats
# keeper.bats - the keeper of SPEC 5.1 and the exits of 5.3: by default a
# small subreaper parent per started command holds whatever the command
# starts (double fork, setsid, a title written over the environment,
# non-dumpable, a fork loop), keeps its record live while any of it
# lives, forwards signals, stops the record on TERM, and writes the
# record's exit when all is gone.  Each daemon helper writes its pid to a
# file; the test tracks what is alive of it.

load helper
bats_require_minimum_version 1.5.0

teardown() {
	rm -f "$T/gens"		# a fork loop ends once its file is gone
	prreg_teardown
}

# as_nobody CMD...: CMD as uid 65534, with the registry in $NB, its own.
as_nobody() {
	nobody env HOME="$NB" PRREG_FILE="$NB/registry" "$@"
}

# keeper_of [ID]: the keeper's pid of record ID (default: the last one).
keeper_of() {
	prlist ${1:+-i "$1"} -o keeper | tail -n 1 | cut -d: -f1
}

# start ID ARG...: prspawn -p -i ID ARG..., its line in $T/rec; P the
# command's pid, K its keeper's.  Both are tracked.
start() {
	local id=$1
	shift
	prspawn -p -i "$id" -o /dev/null "$@" </dev/null >"$T/rec" 3>&-
	P=$(cut -f 1 "$T/rec")
	K=$(prlist -i "$id" -o keeper | cut -d: -f1)
	track -g "$P"
	[ "$K" != - ] && track "$K"
	# A daemon's pid is tracked first (daemon_pid), then this is asked.
	[ -n "${DAEMON:-}" ] || has_keeper
}

# has_keeper: each test here is of a keeper: there must be one.
has_keeper() {
	[ -n "$K" ] && [ "$K" != - ] && { [ -d "/proc/$K" ] || noprocfs; }
}

# daemon_pid FILE: wait for a daemon helper's pid file; its pid, tracked.
daemon_pid() {
	until_true test -s "$1"
	D=$(head -n 1 "$1")
	track "$D"
	[ -z "${DAEMON:-}" ] || has_keeper
}

need_helper() {
	H=$(helper "$1") || skip "no C compiler for the test's helper"
}

# --- where the keeper stands -------------------------------------------------

@test "the command's parent is its keeper, in a session of its own; the command leads its own session and group" {
	start k -- sleep 1000
	[ -n "$K" ]
	[ "$(ps -o ppid= -p "$P" | tr -d ' ')" = "$K" ]
	[ "$(ps -o pgid=,sid= -p "$P" | tr -s ' ' | sed 's/^ //')" = "$P $P" ]
	[ "$(ps -o sid= -p "$K" | tr -d ' ')" = "$K" ]
	[ "$(prlist -i k -o keeper)" = "$K:$(prpidcheck -T "$K")" ]
}

@test "-b starts bare: no keeper, the record as before" {
	prspawn -b -p -i b -o /dev/null -- sleep 1000 </dev/null >"$T/rec" 3>&-
	P=$(cut -f 1 "$T/rec")
	track -g "$P"
	[[ $(cat "$T/rec") != *keeper=* ]]
	[ "$(prlist -i b -o keeper)" = - ]
}

@test "the keeper holds no descriptor of the registry, its lock or its directory" {
	noprocfs && skip "reads /proc/PID/fd"
	start k -- sleep 1000
	run ls -l "/proc/$K/fd"
	[ "$(grep -cF "$T" <<<"$output")" -eq 0 ]
	# Its stdio is /dev/null; besides, only its own pipe (the signals').
	[ "$(for f in /proc/"$K"/fd/*; do readlink "$f"; done |
	    grep -v -e '^/dev/null$' -e '^pipe:' | wc -l)" -eq 0 ]
}

@test "the keeper holds no directory of the caller's: its working directory is /, and a relative -r still gets its end" {
	noprocfs && skip "reads /proc/PID/cwd"
	mkdir "$T/d"
	cd "$T/d"
	prspawn -r reg -i c -o /dev/null -- sh -c 'sleep 0.3; exit 5' </dev/null 3>&-
	K=$(prlist -r reg -i c -o keeper | cut -d: -f1)
	track "$K"
	[ "$(readlink "/proc/$K/cwd")" = / ]
	cd /
	until_true gone "$K"
	[ "$(prlist -r "$T/d/reg" -i c -o exit)" = 5 ]
}

@test "a keeper costs at most 256 KiB of private dirty memory (smaps_rollup)" {
	noprocfs && skip "reads /proc/PID/smaps_rollup"
	[ -r /proc/self/smaps_rollup ] || skip "no smaps_rollup here"
	! grep -qa __asan_init "$(command -v prspawn)" ||
	    skip "built with ASan, whose shadow memory is the keeper's too"
	# A binary just built is still dirty in the page cache, and counted.
	sync "$(command -v prspawn)" 2>/dev/null || sync
	start k -- sleep 1000
	kb=$(awk '$1 == "Private_Dirty:" { print $2 }' "/proc/$K/smaps_rollup")
	echo "# keeper: Private_Dirty $kb kB" >&3
	[ "$kb" -le 256 ]
}

# --- what escaped prreap before: each held by the keeper ----------------------

@test "a daemon that writes its title over its environment: live while it runs, none left by prreap" {
	need_procfs
	need_helper titled
	DAEMON=1 start t -- "$H" "$T/d.pid"
	daemon_pid "$T/d.pid"
	! grep -qz '^PRREG_MARK=' "/proc/$D/environ" || false
	run -0 prlist -l -i t -o id,state
	[ "$output" = "t${TAB}live" ]
	run -0 --separate-stderr sh -c 'prlist -i t | prreap'
	[ "$output" = "$(cat "$T/rec")" ]
	[ "$stderr" = "" ]
	gone "$D"
	until_true gone "$K"
	[ "$(reg_lines)" = "" ]
}

@test "a non-dumpable daemon (as ssh-agent), run by a user who cannot read its environment: live while it runs, none left by prreap" {
	need_procfs
	need_helper nodump
	need_nobody
	cp "$H" "$NB/nodump"
	as_nobody prspawn -p -i n -o /dev/null -- "$NB/nodump" "$NB/d.pid" \
	    </dev/null >"$T/rec" 3>&-
	P=$(cut -f 1 "$T/rec")
	track -g "$P"
	daemon_pid "$NB/d.pid"
	run -0 as_nobody prlist -l -i n -o id,state
	[ "$output" = "n${TAB}live" ]
	run -0 --separate-stderr as_nobody sh -c 'prlist -i n | prreap'
	[ "$output" = "$(cat "$T/rec")" ]
	gone "$D"
}

# forkloop_left: how many of the fork loop's processes ($T/gens) are still
# alive; each is tracked, for teardown.
forkloop_left() {
	local p left=0
	for p in $(sort -u "$T/gens"); do
		if alive "$p" && [ "$(ps -o comm= -p "$p")" = "${H##*/}" ]; then
			track "$p"
			left=$((left + 1))
		fi
	done
	echo "$left"
}

@test "a fork loop that calls setsid every millisecond and ignores TERM: prreap leaves none" {
	need_procfs
	need_helper forkloop
	start f -- "$H" "$T/gens"
	until_true eval '[ "$(wc -l <"$T/gens")" -ge 20 ]'
	run -0 prlist -l -i f -o id
	[ "$output" = f ]
	run -0 --separate-stderr sh -c 'prlist -i f | prreap -T 0.2'
	[ "$output" = "$(cat "$T/rec")" ]
	[ "$(forkloop_left)" -eq 0 ]
}

@test "TERM to the keeper of a fork loop that ignores TERM: none left, its end written" {
	need_procfs
	need_helper forkloop
	start f -- "$H" "$T/gens"
	until_true eval '[ "$(wc -l <"$T/gens")" -ge 20 ]'
	kill -TERM "$K"
	until_true gone "$K"
	[ "$(forkloop_left)" -eq 0 ]
	[ "$(prlist -i f -o exit)" = 137 ]
}

@test "a child that a second thread started (as a JVM's are), in a session of its own, gets the first signal: prreap finds it down that thread's list" {
	need_procfs
	need_helper thrfork
	# The process ignores TERM; its thread's child, a shell out of its
	# group, says which signal it got.
	start j -- "$H" "$T/c.pid" setsid sh -c \
	    'trap "echo TERM >$0; exit 0" TERM; sleep 1000 & wait' "$T/got"
	daemon_pid "$T/c.pid"
	until_true eval '[ -n "$(ps -o pid= --ppid "$D")" ]'
	S=$(ps -o pid= --ppid "$D" | tr -d ' ')
	track "$S"
	[ "$(ps -o sid= -p "$D" | tr -d ' ')" = "$D" ]
	run --separate-stderr prreap -v -T 0.5 -i j
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$T/rec")" ]
	[[ $stderr =~ ^"prreap: j: TERM sent to 3 processes; KILL after "[0-9]+" ms; gone after "[0-9]+" ms"$ ]]
	[ "$(cat "$T/got")" = TERM ]
	gone "$D"
	gone "$S"
	gone "$P"
}

@test "a command with more children than one read of the kernel's list holds (1000): prreap finds and signals every one" {
	need_procfs
	# procfs gives a children list a page at a time: one not read
	# whole is looked for in the scan instead, never cut.
	start w -- sh -c '
	    i=0; while [ $i -lt 1000 ]; do sleep 1000 & i=$((i + 1)); done
	    exec sleep 1000'
	until_true eval '[ "$(ps -o pid= --ppid "$P" | wc -l)" -eq 1000 ]'
	run --separate-stderr prreap -v -i w
	printf 'prreap: exit %s, said: %s\n' "$status" "$stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$T/rec")" ]
	[[ $stderr =~ ^"prreap: w: TERM sent to 1001 processes; gone after "[0-9]+" ms"$ ]]
	[ "$(ps -o stat= -g "$P" | grep -vc '^Z')" -eq 0 ]
}

# --- signals to the keeper ------------------------------------------------------

@test "TERM to the keeper stops its record, writes exit=143 and ended=, and ends it" {
	start t -- sleep 1000
	kill -TERM "$K"
	until_true gone "$K"
	gone "$P"
	run -0 prlist -i t -o exit
	[ "$output" = 143 ]
	[[ $(prlist -i t -o ended) =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$ ]]
	run -0 prlist -d -o id
	[ "$output" = t ]
}

@test "TERM to the keeper stops the record by its own schedule (-R INT/5/KILL/1)" {
	need_int
	cat >"$T/int.sh" <<'SH'
trap 'echo int >>"$1"; exit 0' INT
trap '' TERM
echo $$ >"$1.pid"
while :; do sleep 0.05; done
SH
	start r -R INT/5/KILL/1 -- sh "$T/int.sh" "$T/got"
	until_true test -s "$T/got.pid"
	kill -TERM "$K"
	until_true gone "$K"
	[ "$(cat "$T/got")" = int ]
	[ "$(prlist -i r -o exit)" = 0 ]
}

@test "INT to the keeper stops what the command left too: a double-forked daemon" {
	need_procfs
	need_helper titled
	DAEMON=1 start i -- "$H" "$T/d.pid"
	daemon_pid "$T/d.pid"
	kill -INT "$K"
	until_true gone "$K"
	gone "$D"
	[ "$(prlist -i i -o exit)" = 143 ]
}

@test "HUP to the keeper reaches the command's group while the command runs" {
	cat >"$T/hup.sh" <<'SH'
trap 'echo hup >>"$1"' HUP
echo $$ >"$1.pid"
while :; do sleep 0.05; done
SH
	start h -- sh "$T/hup.sh" "$T/got"
	until_true test -s "$T/got.pid"
	kill -HUP "$K"
	until_true test -s "$T/got"
	[ "$(cat "$T/got")" = hup ]
	alive "$K"
	[ "$(prlist -l -i h -o id)" = h ]
}

@test "HUP to the keeper, once the command exited, reaches the daemon reparented to it (a master)" {
	need_procfs
	cat >"$T/master.sh" <<'SH'
trap 'echo hup >>"$1"' HUP
echo $$ >"$1.pid"
while :; do sleep 0.05; done
SH
	DAEMON=1 start m -- sh -c 'setsid sh "$1" "$2" </dev/null >/dev/null 2>&1 & exit 0' sh "$T/master.sh" "$T/got"
	daemon_pid "$T/got.pid"
	until_true gone "$P"
	until_true eval '[ "$(ps -o ppid= -p "$D" | tr -d " ")" = "$K" ]'
	kill -HUP "$K"
	until_true test -s "$T/got"
	[ "$(cat "$T/got")" = hup ]
	[ "$(prlist -l -i m -o id)" = m ]
	prlist -i m | prreap >/dev/null
	gone "$D"
}

# --- exits (SPEC 5.3) ----------------------------------------------------------

@test "exit N is written as exit=N; prwait -e exits with it" {
	start e -- sh -c 'sleep 0.2; exit 7'
	run -7 --separate-stderr prwait -e -i e
	[ "$(no_end "$output")" = "$(cat "$T/rec")" ]
	[[ $output == *"${TAB}exit=7${TAB}ended="* ]]
	[ "$(prlist -i e -o exit)" = 7 ]
}

@test "death by signal N is written as 128+N: kill -9 is exit=137" {
	start s -- sleep 1000
	kill -KILL "$P"
	run -137 prwait -e -i s
	[ "$(prlist -i s -o exit)" = 137 ]
}

@test "a command that exits and leaves a process: the exit is the last one the keeper reaped" {
	start l -- sh -c '(sleep 0.3; exit 5) & exit 0'
	run -5 prwait -e -i l
	[ "$(prlist -i l -o exit)" = 5 ]
}

@test "prreap tells the keeper it forgets the record: the keeper removes it at its end, no exit is written; prwait -e says so, exit 3" {
	noprocfs && skip "prreap tells a keeper through a pidfd: none here"
	start f -- sleep 1000
	prwait -e -i f >"$T/out" 2>"$T/err" 3>&- &
	W=$!
	track "$W"
	until_true eval 'case $(ps -o stat= -p "$W") in S*) true ;; *) false ;; esac'
	run -0 --separate-stderr prreap -i f
	[ "$output" = "$(cat "$T/rec")" ]
	[ "$stderr" = "" ]
	[ "$(prlist -i f)" = "" ]
	gone "$K"
	ended "$W"
	[ "$ST" -eq 3 ]
	[ "$(cat "$T/out")" = "$(cat "$T/rec")" ]
	[ "$(cat "$T/err")" = "prwait: f: forgotten as it ended, with no exit (stopped by prreap or prspawn -x, or prprune -a)" ]
}

@test "the keeper's word is CONT queued with one value: told so, it removes its record at its end; any other CONT is forwarded, and its exit written" {
	q=$(helper sigq) || skip "no C compiler"
	start told -- sleep 1000
	"$q" "$K" "$(kill -l CONT)" $((0x50525247))
	kill -TERM "$P"
	until_true gone "$K"
	[ "$(prlist -i told)" = "" ]
	start other -- sleep 1000
	"$q" "$K" "$(kill -l CONT)" 7
	kill -TERM "$P"
	run -143 prwait -e -i other
	[ "$(prlist -i other -o exit)" = 143 ]
}

@test "a record whose keeper wrote its exit is dead: a process that carries its marker from elsewhere does not make it live" {
	noprocfs && skip "the no-procfs build knows no markers"
	start x -- sh -c 'exit 3'
	run -3 prwait -e -i x
	# A session of its own, made after the record's start: one that may
	# hold the marker.
	setsid env PRREG_MARK="$P:$(field 6 "$(cat "$T/rec")")" sleep 1000 \
	    </dev/null >/dev/null 2>&1 &
	S=$!
	track "$S"
	until_true eval '[ "$(cat /proc/$S/comm 2>/dev/null)" = sleep ]'
	run prlist -i x -o state
	[ "$output" = dead ]
	run -0 --separate-stderr prreap -v -i x
	[ "$(no_end "$output")" = "$(cat "$T/rec")" ]
	[ "$stderr" = "prreap: x: dead, forgotten without a signal" ]
	[ "$(prlist -i x)" = "" ]
	alive "$S"
}

@test "prwait -e: more or fewer than one record selected is exit 2 before any wait" {
	start a -s x -- sleep 1000
	start b -s x -- sleep 1000
	run -2 --separate-stderr prwait -e -s x
	[ "$stderr" = "prwait: -e: 2 records selected; it waits for exactly one" ]
	run -2 --separate-stderr prwait -e -s none
	[ "$stderr" = "prwait: -e: 0 records selected; it waits for exactly one" ]
}

@test "-c -l mem: a process its memory limit killed is said by oom=1, written with the exit" {
	noprocfs && skip "the no-procfs build stands for a system without cgroups"
	need_root
	run --separate-stderr prspawn -c -l mem=16M -i oom -o /dev/null -- sh -c \
	    'head -c 200000000 /dev/zero | tail -c 1 >/dev/null; exit 3'
	[ "$status" -eq 0 ] || skip "no cgroup with a memory controller here: $stderr"
	track -g "$(prlist -i oom -o pid)"
	run -3 prwait -e -i oom
	[ "$(prlist -i oom -o exit,oom)" = "3${TAB}1" ]
	prprune -i oom >/dev/null
}

@test "a keeper SIGKILLed: the record has no exit, its group still holds it; prwait -e says so, exit 3" {
	start k -- sleep 1000
	kill -KILL "$K"
	until_true gone "$K"
	run -0 prlist -l -i k -o id,exit
	[ "$output" = "k${TAB}-" ]
	kill "$P"
	run -3 --separate-stderr prwait -e -i k
	[ "$stderr" = "prwait: k: ended without an exit (no keeper, or its keeper was killed)" ]
}

@test "a keeper writes only into its own record: one prprune -a removed is not written back" {
	start x -- sleep 1000
	run -0 prprune -a -i x
	kill "$P"
	until_true gone "$K"
	[ "$(reg_lines)" = "" ]
}

@test "a keeper writes only into its own record: a new record of its id is left as it is" {
	start x -- sleep 1000
	prprune -a -i x >/dev/null
	prspawn -b -i x -o /dev/null -- sleep 1000 </dev/null 3>&-
	Q=$(prlist -i x -o pid)
	track -g "$Q"
	line=$(reg_lines)
	kill "$P"
	until_true gone "$K"
	[ "$(reg_lines)" = "$line" ]
}

# --- lifelines (SPEC 5.2) ---------------------------------------------------------

# owned ID [-L]: a shell, the owner, runs prspawn [-L] -i ID -- sleep 1000
# and then waits; O is the owner, P the command, K its keeper.
owned() {
	sh -c 'prspawn $2 -i "$1" -o /dev/null -- sleep 1000 </dev/null 3>&-
	    echo started >"$3"; exec sleep 1000' sh "$@" "$T/o" &
	O=$!
	track "$O"
	until_true test -s "$T/o"
	P=$(prlist -i "$1" -o pid)
	K=$(prlist -i "$1" -o keeper | cut -d: -f1)
	track -g "$P"
	track "$K"
	[ "$(prlist -i "$1" -o owner | cut -d: -f1)" = "$O" ]
}

@test "-L: the owner SIGKILLed, the keeper stops the record and writes its end: nothing survives" {
	owned l -L
	kill -KILL "$O"
	until_true gone "$K"
	gone "$P"
	[ "$(prlist -i l -o exit)" = 143 ]
}

@test "without -L, a record outlives its owner" {
	owned n ""
	kill -KILL "$O"
	until_true gone "$O"
	alive "$P"
	alive "$K"
	[ "$(prlist -l -i n -o id)" = n ]
}

# --- pid files (SPEC 5.4) -------------------------------------------------------

@test "-P names the keeper: PID TOKEN of it; TERM to that pid stops the record" {
	start p -P "$T/app.pid" -- sleep 1000
	printf '%s %s\n' "$K" "$(prpidcheck -T "$K")" | cmp - "$T/app.pid"
	prpidcheck -f "$T/app.pid"
	kill -TERM "$(cut -d ' ' -f 1 "$T/app.pid")"
	until_true gone "$P"
	until_true eval '! prpidcheck -f "$T/app.pid"'
	run -1 prpidcheck -f "$T/app.pid"
}

@test "prreap returns once the keeper -P names has ended, not only its command: prpidcheck -f then says not running" {
	need_strace_inject
	start p -P "$T/app.pid" -- sleep 1000
	# The keeper's exit, once its command is gone, held 200 ms: a prreap
	# that returned at its command's end leaves prpidcheck -f "running".
	strace -o /dev/null -p "$K" -e trace=exit_group \
	    -e inject=exit_group:delay_enter=200000 2>"$T/strace" &
	S=$!
	track "$S"
	until_true grep -q attached "$T/strace"
	run -0 --separate-stderr prreap -i p
	[ "$output" = "$(cat "$T/rec")" ]
	run -1 prpidcheck -f "$T/app.pid"
	[ "$output" = "" ]
	wait "$S"
}

@test "-F writes the keeper's pid in the plain form" {
	start f -F "$T/app.pid" -- sleep 1000
	[ "$(cat "$T/app.pid")" = "$K" ]
	prpidcheck -f "$T/app.pid"
}

@test "-w -F: the plain pid file names the command while it runs, and is removed at the end" {
	# It is written once the command is recorded: the command waits.
	run -0 --separate-stderr prspawn -w -F "$T/app.pid" -- sh -c \
	    'until [ -s "$1" ]; do sleep 0.01; done; cat "$1"; echo $$' sh "$T/app.pid"
	[ "${lines[0]}" = "${lines[1]}" ]
	[ ! -e "$T/app.pid" ]
}

@test "-P and -F exclude each other: exit 2, nothing started" {
	run -2 --separate-stderr prspawn -P "$T/a" -F "$T/b" -- touch "$T/started"
	[ "$stderr" = "prspawn: -P and -F: exclude each other, and are given once (-h for usage)" ]
	[ ! -e "$T/started" ]
}

# --- -w: the keeper in the foreground --------------------------------------------

@test "-w: a command that exits and leaves processes is said so, in one line, before they are stopped" {
	run --separate-stderr prspawn -w -i w -- sh -c 'sleep 1000 & echo $! >>"$1"; sleep 1000 & echo $! >>"$1"; exit 3' sh "$T/left"
	[ "$status" -eq 3 ]
	[ "$stderr" = "prspawn: w: sh exited with status 3 and left 2 processes; stopping them" ]
	for p in $(cat "$T/left"); do
		track "$p"
		gone "$p"
	done
	[ "$(reg_lines)" = "" ]
}

@test "-w: a command that leaves nothing is not said" {
	run --separate-stderr prspawn -w -i w -- sh -c 'exit 4'
	[ "$status" -eq 4 ]
	[ "$stderr" = "" ]
}
