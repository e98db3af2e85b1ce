#!/usr/bin/env bats
# prwait: wait until recorded processes are gone, signalling nothing and
# writing nothing.
#
# A process waited for here ends when the test says so: it is a shell
# that waits for a file (start_waiter), or a sleep the test kills itself,
# by its own pid.  No test bounds how long anything takes: where prwait
# must not end, -T bounds its wait and the test checks it ran out.

load helper
bats_require_minimum_version 1.5.0

# start_waiter NAME: a child of ours that ends once $T/go.NAME exists.
# Sets P and TOK.
start_waiter() {
	sh -c 'while [ ! -e "$1" ]; do sleep 0.01; done' sh "$T/go.$1" \
	    </dev/null >/dev/null 2>&1 3>&- &
	P=$!
	track "$P"
	TOK=$(prpidcheck -T "$P")
}

# waiting PID: PID sleeps (in prwait's case: in its wait).
waiting() {
	case $(ps -o stat= -p "$1") in S*) return 0 ;; esac
	return 1
}

# bg_prwait ARG...: prwait in the background, its output in $T/out and
# $T/err, stdin from $IN (default /dev/null).  Sets W.
bg_prwait() {
	prwait "$@" <"${IN:-/dev/null}" >"$T/out" 2>"$T/err" 3>&- &
	W=$!
	track "$W"
}

# has LINE...: $T/out is exactly these lines (so far).
has() {
	[ "$(cat "$T/out")" = "$(printf '%s\n' "$@")" ]
}


# unknown_token: a token prwait cannot check for a live process of ours,
# in $UT, and how to run a command so that it cannot, in $WRAP: built
# without procfs, an exact (pidfs) token; with procfs, a start-time token
# with /proc unmounted.  Skips where neither can be had.
unknown_token() {
	if noprocfs; then
		UT=pidfs:1 WRAP=
		return
	fi
	need_root
	need_proc_for_sanitizers
	noproc true 2>/dev/null || skip "cannot unmount /proc in a mount namespace"
	UT=$(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20) WRAP=noproc
}

# --- waiting -------------------------------------------------------------

@test "a process that exits while prwait waits: its record line is printed, exit 0" {
	start_waiter a
	line=$(rec "$P" - job s1 "$S1" "$TOK" a)
	{ header; echo "$line"; } >"$REG"
	bg_prwait -i a
	until_true waiting "$W"
	alive "$P"
	[ ! -s "$T/out" ]
	touch "$T/go.a"
	ended "$W"
	[ "$ST" -eq 0 ]
	[ "$(cat "$T/out")" = "$line" ]
	[ ! -s "$T/err" ]
	ended "$P"; [ "$ST" -eq 0 ]	# it ended on its own, unsignalled
}

@test "each record is printed the moment its processes end, in the order they end" {
	start_waiter a; A=$P TA=$TOK
	start_waiter b; B=$P TB=$TOK
	la=$(rec "$A" - job s1 "$S1" "$TA" a)
	lb=$(rec "$B" - job s1 "$S2" "$TB" b)
	{ header; echo "$la"; echo "$lb"; } >"$REG"
	bg_prwait -s s1
	until_true waiting "$W"
	touch "$T/go.b"
	until_true has "$lb"
	alive "$A"
	touch "$T/go.a"
	ended "$W"
	[ "$ST" -eq 0 ]
	has "$lb" "$la"
	[ ! -s "$T/err" ]
}

@test "-T runs out: exit 1, nothing printed, nothing signalled, the registry untouched" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	before=$(fstate "$REG")
	run --separate-stderr prwait -T 0.3 -i a
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	alive "$P"
	[ "$(fstate "$REG")" = "$before" ]
	[ ! -e "$REG.lock" ]		# not even the lock was taken
}

@test "-T takes fractions and prints what did end before it ran out" {
	start_sleep
	dead_pid
	{ header; rec "$P" - job s1 "$S1" "$TOK" a
	  rec "$D" - job s1 "$S2" 1 dead; } >"$REG"
	run --separate-stderr prwait -T .25 -s s1
	[ "$status" -eq 1 ]
	[ "$output" = "$(rec "$D" - job s1 "$S2" 1 dead)" ]
	[ "$stderr" = "" ]
	alive "$P"
}

@test "records already gone are printed at once: dead, reused pid, zombie, another boot" {
	dead_pid
	start_sleep		# the stranger that holds a pid recorded with another token
	start_zombie
	{ header; rec "$D" - job s1 "$S1" 1 dead
	  rec "$P" - job s1 "$S2" 1 reused
	  rec "$Z" - job s1 "$S3" - zombie; } >"$REG"
	run --separate-stderr prwait -s s1
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$D" - job s1 "$S1" 1 dead
	    rec "$P" - job s1 "$S2" 1 reused
	    rec "$Z" - job s1 "$S3" - zombie)" ]
	[ "$stderr" = "" ]
	alive "$P"
	alive "$ZP"
	if ! noprocfs; then	# the no-procfs build has no boot id
		{ header 00000000-0000-0000-0000-000000000000
		  rec "$P" - job s1 "$S1" "$TOK" old; } >"$REG"
		run --separate-stderr prwait -i old
		[ "$status" -eq 0 ]
		[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" old)" ]
		alive "$P"
	fi
}

@test "a record's attributes are printed with it, as prlist prints it" {
	dead_pid
	printf '%s\n' "$(header)" "$(rec "$D" - job s1 "$S1" 1 a)${TAB}note=x" >"$REG"
	run --separate-stderr prwait -i a
	[ "$status" -eq 0 ]
	[ "$output" = "$(prlist -i a)" ]
	[ "$output" = "$(rec "$D" - job s1 "$S1" 1 a)${TAB}note=x" ]
}

@test "nothing selected, or an empty stdin: exit 0 at once, no output" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	run --separate-stderr prwait -s nope
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run --separate-stderr prwait </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	alive "$P"
}

@test "a missing registry file is an empty registry: exit 0" {
	run --separate-stderr prwait -s s1
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	[ ! -e "$REG" ]
}

# --- containment ---------------------------------------------------------

@test "a record whose leader exited while a member of its group lives is waited for until the member ends" {
	# G leads a session and group of its own (setsid does not fork: its
	# shell's child leads no group) and starts M in it; its parent
	# never waits, so once G exits it is a zombie that still holds the
	# group's id: M is proven the record's.
	cat >"$T/lead.sh" <<'EOS'
sleep 1000 </dev/null & echo "$$ $!" >"$1.tmp" && mv "$1.tmp" "$1"
while [ ! -e "$1.go" ]; do sleep 0.01; done
EOS
	sh -c 'setsid sh "$1" "$2" & exec sleep 1000' sh "$T/lead.sh" "$T/lead" \
	    </dev/null >/dev/null 2>&1 3>&- &
	ZP=$!
	track "$ZP"
	until_true test -s "$T/lead"
	read -r G M <"$T/lead"
	track -g "$G"
	track "$M"
	[ "$(ps -o pgid= -p "$M" | tr -d ' ')" = "$G" ]
	until_true eval '[ "$(ps -o comm= -p "$ZP")" = sleep ]'
	GTOK=$(prpidcheck -T "$G")
	line=$(rec "$G" "$G" job s1 "$S1" "$GTOK" g)
	{ header; echo "$line"; } >"$REG"
	touch "$T/lead.go"
	until_true eval '[ "$(ps -o stat= -p "$G" | cut -c1)" = Z ]'

	run --separate-stderr prwait -T 0.3 -i g
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	alive "$M"

	bg_prwait -i g
	until_true waiting "$W"
	kill "$M"
	ended "$W"
	[ "$ST" -eq 0 ]
	[ "$(cat "$T/out")" = "$line" ]
	[ ! -s "$T/err" ]
}

@test "prspawn -s 42 -- job; prwait -s 42: a child the job leaves behind is waited for too" {
	noprocfs && skip "the no-procfs build has no marker to prove the child the record's once its leader is reaped"
	cat >"$T/job.sh" <<'EOS'
sh -c 'echo $$ >"$1.tmp" && mv "$1.tmp" "$1"; exec sleep 1000' sh "$1" &
until [ -s "$1" ]; do sleep 0.01; done
EOS
	prspawn -s 42 -o /dev/null -p -- sh "$T/job.sh" "$T/kid" >"$T/rec"
	L=$(field 1 "$(cat "$T/rec")")
	track -g "$L"
	until_true test -s "$T/kid"
	K=$(cat "$T/kid")
	track "$K"
	until_true gone "$L"

	run --separate-stderr prwait -T 0.3 -s 42
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	alive "$K"

	bg_prwait -s 42
	until_true waiting "$W"
	kill "$K"
	ended "$W"
	[ "$ST" -eq 0 ]
	# Printed once its keeper wrote its end: the child's TERM, last reaped.
	[ "$(no_end <"$T/out")" = "$(cat "$T/rec")" ]
	[[ $(cat "$T/out") == *"${TAB}exit=143${TAB}"* ]]
	[ ! -s "$T/err" ]
}

# --- stdin ---------------------------------------------------------------

@test "stdin: prlist ... | prwait waits for exactly what prlist printed" {
	dead_pid
	start_waiter a; A=$P TA=$TOK
	start_sleep; B=$P TB=$TOK
	ld=$(rec "$D" - job s1 "$S1" 1 dead)
	la=$(rec "$A" - job s1 "$S2" "$TA" a)
	{ header; echo "$la"; rec "$B" - job s2 "$S1" "$TB" b; echo "$ld"; } >"$REG"
	prlist -s s1 >"$T/in"
	IN=$T/in bg_prwait
	until_true has "$ld"		# the dead one at once
	alive "$A"
	touch "$T/go.a"
	ended "$W"
	[ "$ST" -eq 0 ]
	has "$ld" "$la"
	[ ! -s "$T/err" ]
	alive "$B"
}

@test "stdin: a line whose record is gone, or held by another pid, is skipped; a repeat counts once" {
	dead_pid
	start_sleep
	{ header; rec "$D" - job s1 "$S1" 1 a; } >"$REG"
	{ echo '# from prlist'; echo
	  rec "$P" - job s1 "$S1" "$TOK" a	# another pid under id a
	  rec "$P" - job s1 "$S1" "$TOK" b	# no such record
	  rec "$D" - job s1 "$S1" 1 a
	  rec "$D" - job s1 "$S1" 1 a; } >"$T/in"
	run --separate-stderr prwait <"$T/in"
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$D" - job s1 "$S1" 1 a)" ]
	[ "$stderr" = "" ]
	alive "$P"
}

@test "stdin: a line is matched by id, pid and token: the same id and pid with another token is not waited for" {
	start_sleep
	old=$(rec "$P" - job s1 "$S1" pidfs:1 a)
	{ header; rec "$P" - job s1 "$S2" "$TOK" a; } >"$REG"
	# Were it waited for, -T would run out: exit 1.
	run --separate-stderr prwait -T 1 <<<"$old"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run -0 --separate-stderr prwait -n <<<"$old"
	[ "$output" = "" ]
	alive "$P"
}

@test "stdin: a malformed line: exit 2, a message, nothing waited for" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	{ rec "$P" - job s1 "$S1" "$TOK" a; echo 'not a record'; } >"$T/in"
	run --separate-stderr prwait <"$T/in"
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "prwait: stdin:2: malformed record line; nothing waited for" ]
	alive "$P"
}

@test "no selector and a terminal on stdin: refused, exit 2" {
	command -v script >/dev/null || skip "no script(1) to give it a terminal"
	run script -qec "prwait" /dev/null
	[ "$status" -eq 2 ]
	[ "$(printf '%s' "$output" | tr -d '\r')" = "prwait: no selector, and stdin is a terminal: give -s, -t, -p, -i or -O, or pipe record lines in (-h for usage)" ]
}

# --- what cannot be waited for -------------------------------------------

@test "a record whose token cannot be checked: one line at once, the others waited for, exit 1" {
	start_sleep; U=$P
	unknown_token "$U"
	start_waiter b; B=$P TB=$TOK
	lb=$(rec "$B" - job s1 "$S2" "$TB" b)
	{ header; rec "$U" - job s1 "$S1" "$UT" u; echo "$lb"; } >"$REG"
	msg="prwait: u: not waited for: cannot read the start token of pid $U (is /proc mounted?)"
	touch "$T/go.b"
	run --separate-stderr $WRAP prwait -s s1
	[ "$status" -eq 1 ]
	[ "$output" = "$lb" ]
	[ "$stderr" = "$msg" ]
	alive "$U"
	# -n says it too, and leaves it out.
	run --separate-stderr $WRAP prwait -n -s s1
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "$msg" ]
}

@test "a record of prwait's own process group is refused (it would never end): exit 1 at once" {
	start_sleep
	G=$(ps -o pgid= $$ | tr -d ' ')
	run sh -c 'ps -o pgid= $$'
	[ "$(echo "$output" | tr -d ' ')" = "$G" ]
	{ header; rec "$P" "$G" job s1 "$S1" "$TOK" own
	  rec 1 - job s1 "$S2" - init; } >"$REG"
	run --separate-stderr prwait -s s1
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "prwait: own: refusing to wait: it is this process's own process group
prwait: init: refusing to wait: pid or process group 0 or 1" ]
	alive "$P"
}

# --- -n ------------------------------------------------------------------

@test "-n prints the records it would wait for, waits for nothing, changes nothing" {
	start_sleep; A=$P TA=$TOK
	start_sleep; B=$P TB=$TOK
	dead_pid
	{ header; rec "$A" - job s1 "$S1" "$TA" a
	  rec "$D" - job s1 "$S2" 1 dead
	  rec "$B" - job s2 "$S3" "$TB" b; } >"$REG"
	before=$(fstate "$REG")
	run --separate-stderr prwait -n -s s1
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$A" - job s1 "$S1" "$TA" a)" ]
	[ "$stderr" = "" ]
	alive "$A"
	alive "$B"
	[ "$(fstate "$REG")" = "$before" ]
	[ ! -e "$REG.lock" ]
	# Nothing left to wait for: no output, exit 0.
	run --separate-stderr prwait -n -i dead
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "-n reads stdin like a real run" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	run --separate-stderr sh -c 'prlist | prwait -n'
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
	alive "$P"
}

# --- errors and usage ----------------------------------------------------

@test "a missing registry directory: exit 3, a message" {
	run --separate-stderr prwait -r "$T/nodir/registry" -s s1
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
	[ "$stderr" = "prwait: $T/nodir: cannot open the registry's directory: No such file or directory" ]
	[ ! -e "$T/nodir" ]
}

@test "an unsafe registry: exit 3, like the other tools" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	chmod 666 "$REG"
	run --separate-stderr prwait -i a
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
	[[ $stderr == "prwait: $REG: unsafe file: writable by group or others"* ]]
}

@test "invalid -T seconds are usage errors: exit 2" {
	for v in abc 1e3 0x10 -1 ' 5' '5 ' '' . 1.2.3 1000000001; do
		run --separate-stderr prwait -T "$v" -s s1
		[ "$status" -eq 2 ]
		[ "$output" = "" ]
		[[ $stderr == "prwait: -T: invalid seconds '$v': "* ]]
	done
}

@test "bad selectors, an unknown option, a missing argument, an operand: exit 2, one line" {
	run --separate-stderr prwait -s 'a b'
	[ "$status" -eq 2 ]
	[[ $stderr == "prwait: -s: invalid value 'a b': "* ]]
	run --separate-stderr prwait -p 0
	[ "$status" -eq 2 ]
	[ "$stderr" = "prwait: -p: invalid pid '0': want 1 to 2147483647" ]
	run --separate-stderr prwait -Z
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "prwait: -Z: unknown option (-h for usage)" ]
	run --separate-stderr prwait -S TERM -s s1	# prwait signals nothing
	[ "$status" -eq 2 ]
	[ "$stderr" = "prwait: -S: unknown option (-h for usage)" ]
	run --separate-stderr prwait -T
	[ "$status" -eq 2 ]
	[ "$stderr" = "prwait: -T: option requires an argument (-h for usage)" ]
	run --separate-stderr prwait -s s1 extra
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "prwait: 'extra': unexpected operand (-h for usage)" ]
}

@test "-h prints usage on stdout, exit 0, each line under 80 columns" {
	run --separate-stderr prwait -h
	[ "$status" -eq 0 ]
	[ "$output" = "usage: prwait [-r FILE] [-s SESSION] [-t TYPE] [-p PID] [-i ID] [-O]
              [-T SECS] [-n | -e]" ]
	[ "$stderr" = "" ]
	while IFS= read -r l; do [ "${#l}" -lt 80 ]; done <<<"$output"
}
