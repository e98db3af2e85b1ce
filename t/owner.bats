#!/usr/bin/env bats
# Owners and lifelines (SPEC 5.2): every record prspawn writes names its
# owner, owner=PID:TOKEN (the process that ran prspawn, or -O PID); the
# selector -O of prlist, prreap, prprune and prwait picks the records whose
# owner is dead; and a prspawn -L that waits for a slot gives up when its
# owner dies.
#
# Owners here are sleeps and shells of our own; records of hand-written
# lines name pids no kernel hands out (above any pid_max).

load helper
bats_require_minimum_version 1.5.0

D1=2147483647
D2=2147483646
D3=2147483645

# waiting PID: PID sleeps in poll(), as prspawn does waiting for a slot
# (with or without pidfds: its backoff sleeps there too).
waiting() {
	grep -q poll "/proc/$1/wchan" 2>/dev/null
}

@test "owner: the process that ran prspawn, with its start token; prlist -o owner shows it" {
	run -0 --separate-stderr sh -c 'prspawn -s S -i a -- sleep 1000 \
	    </dev/null >/dev/null 2>&1 3>&- && echo "$$:$(prpidcheck -T $$)"'
	track -g "$(field 1)"
	[ "$stderr" = "" ]
	own=$output
	# Its attributes: owner= and its keeper's keeper=.
	[[ $(reg_lines) == *"${TAB}owner=$own"* ]]
	[[ $(reg_lines) == *"${TAB}keeper="* ]]
	[ "$(reg_lines | awk -F '\t' '{ print NF }')" -eq 9 ]
	run -0 --separate-stderr prlist -i a -o id,owner
	[ "$output" = "a${TAB}$own" ]
}

@test "owner: -O PID names it, for a start and for -A" {
	start_sleep
	prspawn -O "$P" -i a -- sleep 1000 </dev/null >/dev/null 2>&1 3>&-
	track -g "$(field 1)"
	[ "$(prlist -i a -o owner)" = "$P:$TOK" ]
	O=$P OTOK=$TOK
	start_sleep
	prspawn -O "$O" -i b -A "$P"
	[ "$(prlist -i b -o pid,owner)" = "$P${TAB}$O:$OTOK" ]
}

@test "owner: -O of a PID that is not live is exit 1, nothing started; 0, negative or not a number is exit 2" {
	dead_pid
	run -1 --separate-stderr prspawn -O "$D" -i a -- touch "$T/f"
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: -O: $D: not a live process (dead); nothing started" ]
	start_zombie
	run -1 --separate-stderr prspawn -O "$Z" -i a -- touch "$T/f"
	[ "$stderr" = "prspawn: -O: $Z: not a live process (zombie); nothing started" ]
	for bad in 0 -1 x 2147483648; do
		run -2 --separate-stderr prspawn -O "$bad" -i a -- touch "$T/f"
		[ "$stderr" = "prspawn: -O: invalid pid '$bad': want 1 to 2147483647" ]
	done
	[ ! -e "$T/f" ]
	[ "$(reg_lines)" = "" ]
}

@test "-O selects the records whose owner is dead: ended, or its PID reused; not a live owner's, nor one without owner=" {
	start_sleep
	dead_pid
	{ header
	  printf '%s\towner=%s\n' "$(rec "$D1" - job S "$S1" - live | tr -d '\n')" "$P:$TOK"
	  printf '%s\towner=%s\n' "$(rec "$D2" - job S "$S2" - ended | tr -d '\n')" "$D:$TOK"
	  printf '%s\towner=%s\n' "$(rec "$D3" - job S "$S3" - reused | tr -d '\n')" "$P:${TOK}0"
	  rec "$D1" - job S "$S3" - none; } >"$REG"
	run -0 --separate-stderr prlist -O -o id
	[ "$output" = "ended
reused" ]
	[ "$stderr" = "" ]
	run -0 --separate-stderr prlist -O -s S -i reused -o owner
	[ "$output" = "$P:${TOK}0" ]
	run -1 --separate-stderr prlist -O -i live
	[ "$output" = "" ]
	run -0 --separate-stderr prprune -n -a -O
	[ "$output" = "$(grep -e '	ended	' -e '	reused	' "$REG")" ]
	run -0 --separate-stderr prwait -O -T 5
	[ "$output" = "$(grep -e '	ended	' -e '	reused	' "$REG")" ]
	run -0 --separate-stderr prprune -O
	[ "$(reg_lines | cut -f 7)" = "live
none" ]
}

@test "two owners share a session, one is SIGKILLed: prlist -s S -O | prreap stops only what it started" {
	# Each owner is a shell that starts two records, then waits.
	for o in a b; do
		sh -c 'prspawn -s S -i "$1"1 -- sleep 1000 &&
		    prspawn -s S -i "$1"2 -- sleep 1000 && exec sleep 1000' \
		    sh "$o" </dev/null >/dev/null 2>&1 3>&- &
		eval "O$o=\$!"
		track "$!"
	done
	until_true eval '[ "$(reg_lines | wc -l)" -eq 4 ]'
	for p in $(prlist -o pgid); do track -g "$p"; done
	[ "$(prlist -i a1 -o owner | cut -d: -f1)" = "$Oa" ]
	[ "$(prlist -i b2 -o owner | cut -d: -f1)" = "$Ob" ]
	dead=$(prlist -i a1; prlist -i a2)
	run -1 --separate-stderr prlist -s S -O
	kill -KILL "$Oa"
	ended "$Oa"
	run -0 --separate-stderr sh -c 'prlist -s S -O | prreap -T 5'
	[ "$output" = "$dead" ]
	[ "$stderr" = "" ]
	[ "$(prlist -l -o id)" = "b1
b2" ]
	for p in $(printf '%s\n' "$dead" | cut -f 1); do gone "$p"; done
}

@test "-L: an owner killed while its prspawn waits for a slot: nothing is started or recorded once the slot frees, and prspawn ends" {
	prspawn -t T -i holder -- sleep 1000 </dev/null >/dev/null 2>&1 3>&-
	H=$(field 1)
	track -g "$H"
	sh -c 'prspawn -L -t T -m 1 -W 60 -i late -- touch "$1" & echo $! >"$1.pid"
	    wait' sh "$T/f" </dev/null >/dev/null 2>&1 3>&- &
	O=$!
	track "$O"
	until_true test -s "$T/f.pid"
	SP=$(cat "$T/f.pid")
	track "$SP"
	until_true waiting "$SP"
	kill -KILL "$O"
	ended "$O"
	kill -KILL -- "-$H"
	until_true gone "$SP"
	[ ! -e "$T/f" ]
	[ "$(reg_lines | cut -f 7)" = holder ]
}

@test "-L: the owner's death wakes the waiting prspawn at once: exit 4, a message, nothing started" {
	prspawn -t T -i holder -- sleep 1000 </dev/null >/dev/null 2>&1 3>&-
	track -g "$(field 1)"
	start_sleep
	prspawn -L -O "$P" -t T -m 1 -W 600 -i late -- touch "$T/f" \
	    </dev/null >/dev/null 2>"$T/err" 3>&- &
	SP=$!
	track "$SP"
	until_true waiting "$SP"
	kill -KILL "$P"
	until_true gone "$SP"
	ended "$SP"
	[ "$ST" -eq 4 ]
	[ "$(cat "$T/err")" = "prspawn: -L: owner $P died while waiting for a slot; nothing started" ]
	[ ! -e "$T/f" ]
	[ "$(reg_lines | cut -f 7)" = holder ]
	alive "$(field 1)"
}

@test "-L: refused with -A (exit 2): an adopted process has no start to give up" {
	start_sleep
	run -2 --separate-stderr prspawn -L -A "$P"
	[ "$stderr" = "prspawn: -A and -L: exclude each other (-h for usage)" ]
	[ "$(reg_lines)" = "" ]
}
