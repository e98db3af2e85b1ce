#!/usr/bin/env bats
# loss.bats - nothing lost, nothing left behind (issue 12): every fault an
# adversarial test found that lost an acknowledged record, removed a live
# one, left a command running unrecorded or leaked a file, tried again: a
# lock file removed under the writers (issue 20: refused, not merged), a
# pid reused while prreap waits, a
# full disk, a file size limit, a failure just after the fork, a process
# whose main thread has exited, a stopped process.

load helper
bats_require_minimum_version 1.5.0

# --- 1. FILE.lock removed while writers run ---------------------------------
# FILE.lock is never removed by the tools; removing it while writers run is
# outside the contract (prreg(5), "Writing").  What the two checks still
# catch: a lock file removed while a writer waits for it loses nothing; one
# removed while a writer writes makes that writer write nothing (exit 3).
# And one removed just after a writer's last check: its publish swaps FILE
# (renameat2(2)) only if FILE is still the file it read, else puts it back.

# held_on CALL WHEN CMD [ARG...]: CMD in the background, its output in
# $T/out and $T/err, its pid in W, held back 3 s by strace at its first
# CALL (WHEN: delay_enter, before it; delay_exit, after it); what strace
# saw of CALL in $T/strace.
held_on() {
	local call=$1 when=$2
	shift 2
	strace -qq -o "$T/strace" -e trace="$call" \
	    -e inject="$call:$when=3000000:when=1" \
	    "$@" </dev/null >"$T/out" 2>"$T/err" 3>&- &
	W=$!
}

# held CMD [ARG...]: held after its first write(2): the new content is in
# its temporary file, its last look at FILE.lock and its rename still to
# come.
held() {
	held_on write delay_exit "$@"
}

# newcomer ID: a writer under the new FILE.lock records P as ID, silently;
# FILE as it wrote it in AFTER.
newcomer() {
	run -0 --separate-stderr prspawn -A "$P" -i "$1"
	[ "$stderr" = "" ]
	after=$(fstate "$REG")
}

# refused: the held writer W ends with exit 3, and prints nothing on stdout.
refused() {
	ended "$W"
	[ "$ST" -eq 3 ]
	[ ! -s "$T/out" ]
}

# lock_gone: once the held writer has written its temporary file, FILE.lock
# is removed, as a /tmp cleaner would.
lock_gone() {
	until_true eval '[ -s "$(compgen -G "$REG.tmp.*" | head -n 1)" ]'
	rm "$REG.lock"
}

# no_temp: no temporary file is left beside FILE.
no_temp() {
	[ "$(compgen -G "$REG.tmp.*" || true)" = "" ]
}

@test "a writer whose FILE.lock is removed while it writes writes nothing, says so, exits 3, and leaves FILE as it was" {
	need_strace_inject
	start_sleep
	prspawn -A "$P" -i base
	before=$(fstate "$REG")
	held prspawn -A "$P" -i a
	lock_gone
	refused
	[ "$(cat "$T/err")" = "prspawn: $REG.lock: removed while we held it; nothing written" ]
	[ "$(fstate "$REG")" = "$before" ]
	no_temp
	[ ! -e "$REG.lock" ]		# not made again by the refused writer
	[ "$(prlist -o id)" = base ]
}

@test "a writer whose FILE.lock is removed while it writes does not undo what a newcomer under a new lock wrote" {
	need_strace_inject
	start_sleep
	prspawn -A "$P" -i base
	held prprune -a -i base
	lock_gone
	# A newcomer makes a new FILE.lock, takes it, and writes.
	newcomer b
	refused
	[ "$(cat "$T/err")" = "prprune: $REG.lock: removed while we held it; nothing written" ]
	# What the newcomer wrote stays, byte for byte; prprune removed nothing.
	[ "$(fstate "$REG")" = "$after" ]
	[ "$(prlist -o id | sort | tr '\n' ' ')" = "b base " ]
	no_temp
}

# held_publish CMD [ARG...]: held as it enters renameat2(2), its publish:
# its last look at FILE.lock is done.  Returns once it is there.
held_publish() {
	held_on renameat2 delay_enter "$@"
	until_true grep -q '^renameat2(' "$T/strace"
}

# replaced_said CMD: what a writer held at its publish says when FILE is
# not the file it read any more.
replaced_said() {
	[ "$(cat "$T/err")" = "$1: $REG: replaced by another writer while we held $REG.lock; nothing written" ]
}

@test "a writer held between its last look at FILE.lock and its rename, while a newcomer under a new lock writes: its swap finds another FILE, puts it back, exit 3" {
	need_strace_inject
	start_sleep
	prspawn -A "$P" -i base
	held_publish prspawn -A "$P" -i a
	rm "$REG.lock"
	newcomer b
	refused
	replaced_said prspawn
	# The newcomer's FILE is back, the very file, byte for byte.
	[ "$(fstate "$REG")" = "$after" ]
	[ "$(prlist -o id | sort | tr '\n' ' ')" = "b base " ]
	no_temp
}

@test "a writer held at its publish that let go of FILE as read (-i) is not fooled by its inode number, reused by a later writer's FILE" {
	need_strace_inject
	start_sleep
	prspawn -A "$P" -i base
	held_publish prspawn -i a -- sleep 1000
	rm "$REG.lock"
	# The newcomer frees the file a read, whose inode number ext4 gives
	# to the next file made: the next writer's.  (No other file may be
	# made in between: no run here.)
	prspawn -A "$P" -i b
	prspawn -A "$P" -i c
	after=$(fstate "$REG")
	refused
	replaced_said prspawn
	[ "$(fstate "$REG")" = "$after" ]
	[ "$(prlist -o id | sort | tr '\n' ' ')" = "b base c " ]
	no_temp
}

@test "a first writer held at its rename while a newcomer makes FILE: it does not replace it (RENAME_NOREPLACE), exit 3" {
	need_strace_inject
	start_sleep
	held_publish prspawn -A "$P" -i a
	grep -q 'RENAME_NOREPLACE' "$T/strace"
	rm "$REG.lock"
	newcomer b
	refused
	replaced_said prspawn
	[ "$(fstate "$REG")" = "$after" ]
	[ "$(prlist -o id)" = b ]
	no_temp
}

@test "FILE removed while a writer holds the lock: the writer does not make it again from what it read, exit 3" {
	need_strace_inject
	start_sleep
	prspawn -A "$P" -i base
	held_publish prprune -a -i base
	rm "$REG"
	refused
	replaced_said prprune
	[ ! -e "$REG" ]
	no_temp
}

@test "where renameat2(2) cannot swap (ENOSYS, EINVAL, EPERM, EXDEV), a writer renames as POSIX has it: written, exit 0" {
	need_strace_inject
	start_sleep
	for e in ENOSYS EINVAL EPERM EXDEV; do
		run -0 --separate-stderr strace -qq -o "$T/strace" \
		    -e trace=renameat2 -e inject=renameat2:error=$e:when=1 \
		    prspawn -A "$P" -i "n$e"
		[ "$stderr" = "" ]
		# It asked, and was refused.
		grep -q "^renameat2(.* = -1 $e .*(INJECTED)\$" "$T/strace"
	done
	[ "$(prlist -o id | tr '\n' ' ')" = "nENOSYS nEINVAL nEPERM nEXDEV " ]
	no_temp
}

@test "a writer whose FILE.lock is removed while it waits for it takes the new one: nothing lost" {
	need_strace_inject
	hl=$(helper holdlock) || skip "no C compiler for the test's helper"
	start_sleep
	"$hl" "$REG.lock" "$T/go" >"$T/locked" 3>&- &
	track "$!"
	H=$!
	until_true test -s "$T/locked"
	prspawn -A "$P" -i w 2>"$T/werr" 3>&- &
	WW=$!
	# W has opened the lock file: it waits for the lock.
	until_true eval '[ "$(find "/proc/$WW/fd" -lname "$REG.lock" | wc -l)" -gt 0 ]'
	rm "$REG.lock"
	# A newcomer takes a new FILE.lock and is held, with FILE read, while
	# the old lock is let go: W is granted the old one, which is FILE.lock
	# no more; it must take the new one (and wait for it), not write.
	held prspawn -A "$P" -i x
	until_true eval '[ -s "$(compgen -G "$REG.tmp.*" | head -n 1)" ]'
	touch "$T/go"
	ended "$H"
	ended "$W"
	[ "$ST" -eq 0 ]
	[ ! -s "$T/err" ]
	ended "$WW"
	[ "$ST" -eq 0 ]
	[ ! -s "$T/werr" ]
	[ "$(prlist -o id | sort | tr '\n' ' ')" = "w x " ]
	no_temp
}

# stale_reader: W, prspawn -A P -i w, has read FILE (without the lock, to
# hold the lock shorter) and waits for the lock, which holdlock holds (its
# pid in H; it lets go once $T/go exists): a writer under that lock.
stale_reader() {
	hl=$(helper holdlock) || skip "no C compiler for the test's helper"
	start_sleep
	prspawn -A "$P" -i base
	"$hl" "$REG.lock" "$T/go" >"$T/locked" 3>&- &
	H=$!
	track "$H"
	until_true test -s "$T/locked"
	prspawn -A "$P" -i w 2>"$T/werr" 3>&- &
	W=$!
	# W opens FILE.lock once it has read FILE.
	until_true eval '[ "$(find "/proc/$W/fd" -lname "$REG.lock" | wc -l)" -gt 0 ]'
}

# stale_done: the lock let go, W writes: its record and the other's.
stale_done() {
	touch "$T/go"
	ended "$H"
	ended "$W"
	[ "$ST" -eq 0 ]
	[ ! -s "$T/werr" ]
	[ "$(prlist -o id | sort | tr '\n' ' ')" = "b base w " ]
	no_temp
}

@test "a writer that read FILE before the lock, replaced (renamed over) meanwhile by another writer, reads it again under the lock: nothing lost" {
	stale_reader
	# Another writer, under the lock, renames a new FILE in: with b.
	cp "$REG" "$T/other"
	PRREG_FILE=$T/other prspawn -A "$P" -i b
	mv "$T/other" "$REG"
	stale_done
}

@test "a writer that read FILE before the lock, edited in place meanwhile, reads it again under the lock: nothing lost" {
	stale_reader
	# An edit in place (the same inode), as a human's with an editor that
	# writes over the file: a line of b appended.
	ino=$(stat -c %i "$REG")
	sed -n 's/\tbase\t/\tb\t/p' "$REG" >>"$REG"
	[ "$(stat -c %i "$REG")" = "$ino" ]
	stale_done
}

@test "FILE.lock removed between two writers: the next one makes it again, and nothing is lost" {
	start_sleep
	run -0 --separate-stderr prspawn -A "$P" -i a
	rm "$REG.lock"
	run -0 --separate-stderr prspawn -A "$P" -i b
	[ "$stderr" = "" ]
	[ "$(stat -c %a "$REG.lock")" = 600 ]
	[ "$(prlist -o id | sort | tr '\n' ' ')" = "a b " ]
}

@test "FILE.lock removed each time a writer has locked it: the retries are bounded too (-W), exit 3 said, nothing done" {
	need_strace_inject	# and LeakSanitizer off: it cannot work traced
	cd "$(dirname "$REG")"
	# Every look at FILE.lock by name finds none, as if it were removed
	# (and made again by the writer) each time, over and over.
	run --separate-stderr timeout 60 strace -qq -o /dev/null \
	    -P "$(basename "$REG").lock" -e trace=newfstatat,fstatat64,stat,lstat \
	    -e inject=newfstatat,fstatat64,stat,lstat:error=ENOENT \
	    prspawn -W 1 -- sh -c 'echo $$ >"$1/ran"' sh "$T"
	[ "$status" -eq 3 ]
	[ "$stderr" = "prspawn: $REG.lock: removed or replaced each time it was locked, for 1 s; giving up" ]
	[ ! -e "$T/ran" ]
	! has_records || false
	no_temp
}

# lock_unsure N CMD [ARG...]: CMD run (bats' run), its Nth look at
# FILE.lock by name failing with EIO: the lock cannot be told ours or not.
lock_unsure() {
	local n=$1
	shift
	cd "$(dirname "$REG")"
	# Not there as strace starts: -P then traces the calls that name it,
	# not those on a descriptor of it (the writer makes it again).
	rm -f "$REG.lock"
	run --separate-stderr strace -qq -o /dev/null \
	    -P "$(basename "$REG").lock" -e trace=newfstatat,fstatat64,stat,lstat \
	    -e inject=newfstatat,fstatat64,stat,lstat:error=EIO:when="$n" "$@"
	stderr=$(as_glibc "$stderr")
}

@test "FILE.lock that cannot be looked at once locked (EIO, not ENOENT): the writer gives up at once, says so, exit 3, nothing done" {
	need_strace_inject
	lock_unsure 1 prspawn -- sh -c 'echo $$ >"$1/ran"' sh "$T"
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: $REG.lock: cannot check the lock: Input/output error; nothing written" ]
	[ ! -e "$T/ran" ]
	! has_records || false
	no_temp
}

@test "FILE.lock that cannot be looked at just before the rename (EIO, not ENOENT): nothing written, said, exit 3, FILE as it was" {
	need_strace_inject
	start_sleep
	prspawn -A "$P" -i base
	before=$(fstate "$REG")
	lock_unsure 2 prspawn -A "$P" -i a
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: $REG.lock: cannot check the lock: Input/output error; nothing written" ]
	[ "$(fstate "$REG")" = "$before" ]
	no_temp
	[ "$(prlist -o id)" = base ]
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
	    prreap -T 600 -s - >"$1/reaped" & R=$!
	    wait "$A"				# A died of TERM: collected
	    echo $((A - 1)) >/proc/sys/kernel/ns_last_pid
	    sleep 1000 & B=$!
	    [ "$B" = "$A" ] || exit 12
	    prspawn -A "$B" || exit 13		# the same id, proc:-:A
	    prlist -i "proc:-:$A" -o token >"$1/btoken"
	    kill -KILL "$X"			# only now may prreap end
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

@test "a full disk: prreap and prspawn -x refuse before they signal anything (exit 3, said), the process and its record stay" {
	need_root
	has_mountns || skip "no mount namespaces here"
	sh -c 'echo $$ >"$1/pid"; exec sleep 1000' sh "$T" \
	    </dev/null >/dev/null 2>&1 3>&- &
	P=$!
	track "$P"
	until_true test -s "$T/pid"
	run -0 --separate-stderr unshare -m sh -c '
	    d=$1/small; mkdir -m 700 "$d"
	    mount -t tmpfs -o size=64k,mode=700 tmpfs "$d" || exit 10
	    r=$d/registry
	    prspawn -r "$r" -A "$2" -t T -s S -i x >/dev/null || exit 11
	    cp "$r" "$1/before"
	    dd if=/dev/zero of="$d/fill" bs=4k 2>/dev/null
	    alive() { ps -o stat= -p "$1" | grep -qv "^Z" && echo "$1 alive"; }
	    prspawn -r "$r" -x -t T -s S -i x -- touch "$1/ran" \
		>>"$1/out" 2>>"$1/err"; echo "prspawn $?"; alive "$2"
	    prreap -r "$r" -i x >>"$1/out" 2>>"$1/err"; echo "prreap $?"
	    alive "$2"
	    ls "$d"
	    cmp "$r" "$1/before" && echo "registry as it was"
	    umount "$d" && rmdir "$d"' sh "$T" "$P"
	[ "$output" = "prspawn 3
$P alive
prreap 3
$P alive
fill
registry
registry.lock
registry as it was" ]
	[ "$(cat "$T/err")" = "prspawn: $T/small/registry: cannot write: No space left on device
prreap: $T/small/registry: cannot write: No space left on device" ]
	[ ! -s "$T/out" ]
	[ ! -e "$T/ran" ]
	[ ! -e "$T/small" ]
	alive "$P"
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
	    -e trace=read,pread64 -e inject=read,pread64:error=EIO \
	    prspawn -- sh -c "sleep 1; echo ran >\"$T/ran\""
	[ "$output" = "" ]
	[ "$(as_glibc "$stderr")" = "prspawn: $REG: cannot read: Input/output error" ]
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
