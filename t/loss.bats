#!/usr/bin/env bats
# loss.bats - nothing lost, nothing left behind (issue 12): every fault an
# adversarial test found that lost an acknowledged record, removed a live
# one, left a command running unrecorded or leaked a file, tried again: a
# lock file removed under the writers, a pid reused while prreap waits, a
# full disk, a file size limit, a failure just after the fork, a process
# whose main thread has exited, a stopped process.

load helper
bats_require_minimum_version 1.5.0

# --- 1. FILE.lock removed while writers run -----------------------------------

@test "a lock file removed again and again while writers run loses no acknowledged record" {
	start_sleep
	: >"$T/stop"
	rm "$T/stop"
	( while [ ! -e "$T/stop" ]; do rm -f "$REG.lock"; done ) &
	track "$!"
	for w in 1 2 3 4; do
		( for j in $(seq 40); do
			prspawn -A "$P" -i "w$w-$j" 2>>"$T/err.$w" && echo "w$w-$j"
		  done >"$T/ack.$w" ) &
		ws="${ws:-} $!"
	done
	wait $ws
	touch "$T/stop"
	sort "$T"/ack.* >"$T/acked"
	prlist -o id | sort >"$T/present"
	# Every acknowledged record is there, and nothing that was not.
	diff "$T/acked" "$T/present"
	# A writer that saw its lock replaced said so and wrote nothing.
	run grep -hv "replaced by another writer while locked (was $REG.lock removed?); nothing written" "$T"/err.*
	[ "$output" = "" ]
	[ "$(wc -l <"$T/acked")" -gt 0 ]
}

# held WHEN CMD [ARG...]: CMD in the background, its output in $T/out and
# $T/err, its pid in W, with its first renameat2 (the exchange that puts
# its file in FILE's place) held back 3 s by strace: WHEN is enter
# (before the exchange), exit (after it) or both.
held() {
	local how=
	case $1 in
	enter | both) how=delay_enter=3000000: ;;
	esac
	case $1 in
	exit | both) how=${how}delay_exit=3000000: ;;
	esac
	shift
	strace -qq -o /dev/null -e trace=renameat2 \
	    -e inject=renameat2:${how}when=1 \
	    "$@" </dev/null >"$T/out" 2>"$T/err" 3>&- &
	W=$!
}

# lock_gone: once the held writer has written its temporary file (it is
# at its exchange), FILE.lock is removed, as a /tmp cleaner would.
lock_gone() {
	until_true compgen -G "$REG.tmp.*"
	rm "$REG.lock"
}

# no_temp: no temporary file is left beside FILE.
no_temp() {
	[ "$(compgen -G "$REG.tmp.*" || true)" = "" ]
}

@test "a writer whose rename displaces another's file keeps that file's records, and what it removed stays removed" {
	need_strace_inject
	start_sleep
	L=$P
	start_sleep
	B=$P
	prspawn -A "$L" -i gone
	# prprune -a's exchange of its file for FILE is held back 3 s; in the
	# meantime FILE.lock is removed, and another writer takes a new lock
	# and writes FILE: prprune's exchange puts that file aside.
	held enter prprune -a -i gone
	lock_gone
	prspawn -A "$B" -i kept
	ended "$W"
	[ "$ST" -eq 0 ]
	[ "$(cut -f 7 "$T/out")" = gone ]
	[ ! -s "$T/err" ]
	# The other writer's record is there; the one prprune removed is not.
	[ "$(prlist -o id)" = kept ]
	no_temp
}

@test "a writer whose rename displaces another's file that took its id fails, and leaves that file's records in place" {
	need_strace_inject
	start_sleep
	A=$P
	start_sleep
	B=$P
	# A's exchange is held back; B, under a new lock, records the same id
	# and is told so; A's exchange then puts B's file aside.
	held enter prspawn -A "$A" -i same
	lock_gone
	run -0 prspawn -A "$B" -i same
	ended "$W"
	[ "$ST" -eq 3 ]
	[ ! -s "$T/out" ]
	[ "$(cat "$T/err")" = "prspawn: $REG: same: taken meanwhile by another writer's live record" ]
	# What B was told is written is there; A's record is not.
	[ "$(prlist -o id,pid)" = "same${TAB}$B" ]
	no_temp
}

@test "a writer whose change is in FILE when it sees its lock replaced does not make it again over the next writer's" {
	need_strace_inject
	start_sleep
	prspawn -A "$P" -i base		# FILE is there: A's rename exchanges
	start_sleep
	# A's exchange is done, A held back after it; FILE.lock is removed,
	# and B, under a new lock, removes A's record and says so.
	held exit prspawn -A "$P" -i x
	until_true eval '[ "$(prlist -o id 2>/dev/null | sort | tr "\n" " ")" = "base x " ]'
	rm "$REG.lock"
	run -0 prprune -a -i x
	[ "$(cut -f 7 <<<"$output")" = x ]
	ended "$W"
	[ "$ST" -eq 0 ]
	[ ! -s "$T/err" ]
	# What B removed stays removed.
	[ "$(prlist -o id)" = base ]
	no_temp
}

@test "a writer whose write fails after its rename put another's file aside puts that file back" {
	need_strace_inject
	start_sleep
	A=$P
	start_sleep
	B=$P
	# A FILE just under 8 KiB: A's record fits under ulimit -f 8, A's with
	# B's (an id of 255 bytes) does not.
	{ header
	  for i in $(seq 154); do
		rec $((4000000 + i)) - job s "$S1" - "$(printf 'dead%03d' "$i")"
	  done; } >"$REG"
	big=$(printf 'b%.0s' $(seq 255))
	held enter bash -c 'ulimit -f 8; exec prspawn -A "$1" -i a' sh "$A"
	lock_gone
	run -0 prspawn -A "$B" -i "$big"
	ended "$W"
	[ "$ST" -eq 3 ]
	[ "$(cat "$T/err")" = "prspawn: $REG: cannot write: File too large" ]
	# What B was told is written is there; A's record is not; no file left.
	[ "$(prlist -o id | grep -v '^dead')" = "$big" ]
	no_temp
}

@test "of a file put aside, what its writer changed is kept, not the records a third writer removed since" {
	need_strace_inject
	start_sleep
	prspawn -A "$P" -i z
	start_sleep
	A=$P
	start_sleep
	B=$P
	# A's exchange is held back before and after: B writes under a new
	# lock before it (A puts B's file aside), C after it (C reads A's
	# file, removes z and says so).
	held both prspawn -A "$A" -i x
	lock_gone
	prspawn -A "$B" -i y
	until_true eval '[ "$(prlist -o id 2>/dev/null | sort | tr "\n" " ")" = "x z " ]'
	run -0 prprune -a -i z
	[ "$(cut -f 7 <<<"$output")" = z ]
	ended "$W"
	[ "$ST" -eq 0 ]
	[ ! -s "$T/err" ]
	[ "$(prlist -o id | sort | tr '\n' ' ')" = "x y " ]
	no_temp
}

# --- 2. prreap forgets a record only of the process it waited for -----------

@test "a pid reused while prreap waits, and recorded under the same default id, keeps its record" {
	need_pidns
	noprocfs && skip "the no-procfs build's token is ps's start time, to the second: a limit prreg(5) states"
	run -0 --separate-stderr unshare -fp --mount-proc sh -c '
	    sleep 1000 & A=$!
	    prspawn -A "$A" || exit 10		# id proc:-:A
	    (trap "" TERM; exec sleep 1000) & X=$!
	    prspawn -A "$X" -i x || exit 11
	    prreap -T 2 -s - >"$1/reaped" & R=$!
	    wait "$A"				# A died of TERM: collected
	    echo $((A - 1)) >/proc/sys/kernel/ns_last_pid
	    sleep 1000 & B=$!
	    [ "$B" = "$A" ] || exit 12
	    prspawn -A "$B" || exit 13		# the same id, proc:-:A
	    prlist -i "proc:-:$A" -o token >"$1/btoken"
	    wait "$R"; echo "prreap $?"
	    [ "$(prlist -o id,token)" = "proc:-:$A	$(cat "$1/btoken")" ] &&
		echo "the new record is kept"
	    kill -0 "$B" && echo "B alive"
	    kill "$B"' sh "$T"
	[ "$output" = "prreap 0
the new record is kept
B alive" ]
	# A's record went when B took its id (A was dead by then): what prreap
	# removed, and says, is x's alone.
	[ "$(cut -f 7 "$T/reaped")" = x ]
}

# --- 3. a full disk -----------------------------------------------------------

@test "a full disk: a failed write leaves no temp file, moves no line, says nothing moved; the next one moves it once" {
	need_root
	has_mountns || skip "no mount namespaces here"
	run -0 --separate-stderr unshare -m sh -c '
	    d=$1/small; mkdir -m 700 "$d"
	    mount -t tmpfs -o size=64k,mode=700 tmpfs "$d" || exit 10
	    r=$d/registry
	    { echo "#prreg 1 boot=-"; echo "a bad line"
	      printf "2147483647\t-\tjob\t-\t2024-05-01T10:00:00.000Z\t1\tdead\n"
	    } >"$r"
	    chmod 600 "$r"; : >"$r.lock"; chmod 600 "$r.lock"
	    cp "$r" "$1/before"
	    dd if=/dev/zero of="$d/fill" bs=4k 2>/dev/null
	    for i in 1 2 3 4 5; do
		prprune -r "$r" >>"$1/out" 2>>"$1/err"; echo "prprune $?"
	    done
	    ls "$d"
	    cmp "$r" "$1/before" && echo "registry as it was"
	    rm "$d/fill"
	    prprune -r "$r" >>"$1/out2" 2>>"$1/err2"; echo "prprune $?"
	    cat "$r.corrupt"
	    ls "$d"' sh "$T"
	[ "$output" = "prprune 3
prprune 3
prprune 3
prprune 3
prprune 3
fill
registry
registry.lock
registry as it was
prprune 0
a bad line
registry
registry.corrupt
registry.lock" ]
	want="prprune: $T/small/registry: cannot write: No space left on device"
	[ "$(sort -u "$T/err")" = "$want" ]
	[ ! -s "$T/out" ]
	[ "$(cat "$T/err2")" = "prprune: $T/small/registry:2: malformed record, moved to $T/small/registry.corrupt" ]
	[ "$(cat "$T/out2")" = "$(rec 2147483647 - job - "$S1" 1 dead)" ]
}

# --- 4. a file size limit (SIGXFSZ) ---------------------------------------------

@test "a file size limit: prspawn says why, exits 3, and its command is not left running unrecorded" {
	{ header
	  for i in $(seq 400); do rec $((2147483000 - i)) - job - "$S1" 1 "dead$i"; done
	} >"$REG"
	cp "$REG" "$T/before"
	run -3 --separate-stderr bash -c 'ulimit -f 8
	    exec prspawn -- sh -c "echo \$\$ >\"$1/cmd\"; exec sleep 1000"' \
	    sh "$T"
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: $REG: cannot write: File too large" ]
	cmp "$REG" "$T/before"
	[ "$(ls "$T" | grep -c 'registry\.tmp\.')" -eq 0 ]
	if [ -s "$T/cmd" ]; then
		track "$(cat "$T/cmd")"
		until_true gone "$(cat "$T/cmd")"
	fi
}

# --- 5. a failure just after the fork -------------------------------------------

@test "a registry read that fails just after the fork stops the command at once, before it runs" {
	command -v strace >/dev/null || skip "no strace"
	strace -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	{ header; rec 2147483647 - job - "$S1" 1 dead; } >"$REG"
	# Nothing decides the start (no -i, -m, -C, -x): prspawn starts the
	# command, then reads the registry; that read fails (strace -P only
	# traces calls on the registry; the child is not traced).
	run -3 --separate-stderr strace -qq -o /dev/null -P "$REG" \
	    -e trace=read -e inject=read:error=EIO \
	    prspawn -- sh -c "sleep 1; echo ran >\"$T/ran\""
	[ "$output" = "" ]
	# strerror(EIO) as glibc and musl (make static) say it.
	case $stderr in
	"prspawn: $REG: cannot read: Input/output error") ;;
	"prspawn: $REG: cannot read: I/O error") ;;
	*) false ;;
	esac
	sleep 2
	[ ! -e "$T/ran" ]
	[ "$(reg_lines)" = "$(rec 2147483647 - job - "$S1" 1 dead)" ]
}

# --- 6. a process whose main thread has exited -------------------------------------

@test "a process whose main thread called pthread_exit is live: it holds its slot and prreap stops it" {
	mt=$(helper mtleader) || skip "no C compiler for the test's helper"
	prspawn -t mt -m 1 -p -o "$T/mtout" -- "$mt" >"$T/rec"
	P=$(field 1 "$(cat "$T/rec")")
	track "$P"
	until_true test -s "$T/mtout"
	until_true sh -c "ps -o stat= -p $P | grep -q '^Z'"
	run -0 --separate-stderr prpidcheck -v "$P"
	[ "$output" = "$P live" ]
	run -0 --separate-stderr prlist -t mt -o pid,state
	[ "$output" = "$P${TAB}live" ]
	run -4 --separate-stderr prspawn -t mt -m 1 -W 0 -- true
	[ "$stderr" = "prspawn: -m: no slot: 1 live of type mt, max 1, after 0.000 s; nothing started" ]
	run -0 --separate-stderr prreap -t mt
	[ "$output" = "$(cat "$T/rec")" ]
	until_true gone "$P"
}

# --- 7. a stopped process -----------------------------------------------------------

@test "a stopped process gets CONT after TERM: it ends by TERM, and its clean-up runs" {
	sh -c 'trap "echo cleaned >\"$1/clean\"; exit 0" TERM
	    echo $$ >"$1/pid"; while :; do sleep 0.1; done' sh "$T" \
	    </dev/null >/dev/null 2>&1 3>&- &
	P=$!
	track "$P"
	until_true test -s "$T/pid"
	TOK=$(prpidcheck -T "$P")
	{ header; rec "$P" - job s1 "$S1" "$TOK" stopped; } >"$REG"
	kill -STOP "$P"
	until_true sh -c "ps -o stat= -p $P | grep -q '^T'"
	# Without CONT it would take TERM only once KILLed, after -T.
	run -0 --separate-stderr prreap -T 30 -i stopped
	[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" stopped)" ]
	[ "$stderr" = "" ]
	ended "$P"; [ "$ST" -eq 0 ]		# its trap's exit, not 137
	[ "$(cat "$T/clean")" = cleaned ]
}
