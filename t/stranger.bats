#!/usr/bin/env bats
# stranger.bats - never a stranger, under attack (issue 11): each way an
# adversarial test made prreg signal a process it does not own, or record
# one it cannot prove, tried again.  Namespaces (unshare), another uid
# (setpriv) and a seccomp filter (t/helpers/nopidfd.c, a kernel without
# pidfds) stand for the hostile machine; each test skips with the reason
# where this one cannot.

load helper
bats_require_minimum_version 1.5.0

# noproc CMD...: CMD in a mount namespace of its own where /proc is not
# mounted (the rest of the machine keeps its /proc).

need_noproc() {
	need_root
	need_proc_for_sanitizers
	noprocfs && skip "the no-procfs build does not read /proc anyway"
	noproc true 2>/dev/null || skip "cannot unmount /proc in a mount namespace"
}

# old_token PID: the start-time token (field 22 of /proc/PID/stat).
old_token() {
	sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20
}

has_pidfs() {
	h=$(helper pidfs_ino) && "$h" $$ >/dev/null
}

# --- 1. no /proc ---------------------------------------------------------

@test "no /proc: a start-time token cannot be checked: prpidcheck says unknown, exit 3, never live" {
	need_noproc
	start_sleep
	old=$(old_token "$P")
	run -3 --separate-stderr noproc prpidcheck -v -t "$old" "$P"
	[ "$output" = "$P unknown" ]
	[ "$stderr" = "prpidcheck: $P: cannot tell whether it is live: its state or start token cannot be read (is /proc mounted?)" ]
	# A wrong one (a reused pid) is not called live either.
	run -3 --separate-stderr noproc prpidcheck -v -t "$((old + 1))" "$P"
	[ "$output" = "$P unknown" ]
	# A dead pid is dead, /proc or not.
	dead_pid
	run -1 --separate-stderr noproc prpidcheck -v -t "$old" "$D"
	[ "$output" = "$D dead" ]
}

@test "no /proc: an exact pidfs token is still checked, through a pidfd" {
	need_noproc
	has_pidfs || skip "no pidfs here (Linux 6.9+)"
	start_sleep
	run -0 --separate-stderr noproc prpidcheck -v -t "$TOK" "$P"
	[ "$output" = "$P live" ]
	run -1 --separate-stderr noproc prpidcheck -v -t pidfs:1 "$P"
	[ "$output" = "$P reused" ]
	start_zombie
	run -1 --separate-stderr noproc prpidcheck -v "$Z"
	[ "$output" = "$Z zombie" ]
}

@test "no /proc: prreap never signals a record whose token it cannot read: a message, exit 1, kept" {
	need_noproc
	start_sleep
	old=$(old_token "$P")
	{ header; rec "$P" - job s1 "$S1" "$old" mine
	  rec "$P" - job s1 "$S1" "$((old + 1))" stranger; } >"$REG"
	cp "$REG" "$T/before"
	run -1 --separate-stderr noproc prreap -S KILL -T 0.1 -K 0.1 -s s1
	[ "$output" = "" ]
	[ "$stderr" = "prreap: mine: not signalled: cannot read the start token of pid $P (is /proc mounted?)
prreap: stranger: not signalled: cannot read the start token of pid $P (is /proc mounted?)" ]
	alive "$P"
	cmp "$REG" "$T/before"
	# prprune keeps both: neither is proven dead.
	run -0 --separate-stderr noproc prprune
	[ "$output" = "" ]
	cmp "$REG" "$T/before"
}

@test "no /proc: prspawn records the exact pidfs token, never -, and prreap can stop what it recorded" {
	need_noproc
	has_pidfs || skip "no pidfs here (Linux 6.9+)"
	run -0 --separate-stderr noproc prspawn -i d -p -o /dev/null -- sleep 1000
	line=$output
	P=$(field 1 "$line")
	track "$P"
	[[ $(field 6 "$line") =~ ^pidfs:[0-9]+$ ]]
	[ "$(field 6 "$line")" = "$(token_of "$P")" ]
	run -0 --separate-stderr noproc prreap -i d
	[ "$output" = "$line" ]
	[ "$stderr" = "" ]
	until_true gone "$P"
}

@test "no /proc and no pidfds: prspawn starts nothing it could not prove (exit 3); the liveness of a pid is unknown" {
	need_noproc
	nop=$(helper nopidfd) || skip "no C compiler for the test's helper"
	run -3 --separate-stderr noproc "$nop" prspawn -- touch "$T/ran"
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: touch: cannot read its start token for its marker (is /proc mounted?): No such file or directory" ]
	[ ! -e "$T/ran" ]
	[ "$(reg_lines)" = "" ]
	# Nor is any pid called live: a zombie cannot be told from the living.
	start_zombie
	run -3 --separate-stderr noproc "$nop" prpidcheck -v "$Z"
	[ "$output" = "$Z unknown" ]
	start_sleep
	{ header; rec "$P" - job s1 "$S1" - dash; } >"$REG"
	run -1 --separate-stderr noproc "$nop" prreap -T 0.1 -K 0.1 -i dash
	[ "$stderr" = "prreap: dash: not signalled: cannot read the start token of pid $P (is /proc mounted?)" ]
	alive "$P"
}

# --- 2. a PID reused within the same clock tick ----------------------------

@test "a stranger that gets the recorded pid in the same clock tick is told apart by the exact token, never signalled" {
	need_pidns
	noprocfs && skip "the no-procfs build's token is ps's start time, to the second: a limit prreg(5) states"
	has_pidfs || skip "no pidfs here (Linux 6.9+): start-time tokens are 10 ms apart"
	sp=$(helper samepid) || skip "no C compiler for the test's helper"
	# samepid (PID 1 of the namespace) has prspawn record A, collects it,
	# and starts a stranger with A's pid and A's start time (ns_last_pid).
	run --separate-stderr unshare -fp --mount-proc "$sp"
	[ "$status" -ne 77 ] ||
	    skip "no stranger started within A's clock tick in 1000 tries (a loaded machine)"
	[ "$status" -eq 0 ]
	[ "$output" = "tie: same pid, same start time
prreap: 0
stranger: alive" ]
	[ "$stderr" = "" ]
	[ "$(reg_lines)" = "" ]
}

# --- 3. -A of a process in a script's group: see t/prspawn.bats ------------

@test "-A in a script: a record of its background job never names the script's group" {
	cat >"$T/script" <<-'EOF'
	sleep 1000 </dev/null >/dev/null 2>&1 &
	echo $! >"$1/job"
	prspawn -A $! -i job
	sleep 1000 </dev/null >/dev/null 2>&1 &
	echo $! >"$1/bystander"
	prreap -i job >/dev/null
	echo "script lived, prreap $?"
	EOF
	setsid sh "$T/script" "$T" >"$T/out" 2>&1 </dev/null 3>&- &
	S=$!
	track "$S"
	wait "$S" || true
	[ "$(cat "$T/out")" = "script lived, prreap 0" ]
	track "$(cat "$T/bystander")"
	alive "$(cat "$T/bystander")"
	gone "$(cat "$T/job")"
}

# --- 4. -A and the wait for the lock ---------------------------------------

@test "-A: a process that ends while prspawn waits for the lock is not recorded, and its pid's next holder is safe" {
	need_pidns
	noprocfs && skip "the no-procfs build's token is ps's start time, to the second: a limit prreg(5) states"
	hl=$(helper holdlock) || skip "no C compiler for the test's helper"
	run -0 --separate-stderr unshare -fp --mount-proc sh -c '
	    hl=$2; reg=$PRREG_FILE
	    sleep 1000 & A=$!
	    "$hl" "$reg.lock" "$1/go" >"$1/locked" &
	    H=$!
	    while [ ! -s "$1/locked" ]; do sleep 0.01; done
	    prspawn -A "$A" -i a 2>"$1/err" & W=$!
	    sleep 0.2		# prspawn is waiting for the lock
	    kill "$A"; wait "$A"
	    echo $((A - 1)) >/proc/sys/kernel/ns_last_pid
	    sleep 1000 & S=$!
	    [ "$S" = "$A" ] || exit 11
	    touch "$1/go"; wait "$H"
	    wait "$W"; echo "prspawn $?"
	    [ "$(cat "$1/err")" = "prspawn: -A: $A: not a live process (reused)" ] &&
		echo "said: reused"
	    prreap -i a; echo "prreap $?"
	    kill -0 "$S" && echo "stranger alive"
	    kill "$S"' sh "$T" "$hl"
	[ "$output" = "prspawn 1
said: reused
prreap 0
stranger alive" ]
	[ "$(reg_lines)" = "" ]
}

# --- 5. the registry's directory through a symbolic link --------------------

@test "a default directory that another user made a symbolic link is refused, for every tool" {
	need_nobody
	dir=/tmp/prreg-65534
	[ ! -e "$dir" ] || skip "$dir exists on this machine"
	echo "$dir" >>"$T/rmdirs"
	ln -s "$NB" "$dir"
	chown -h 4242 "$dir"
	unset PRREG_FILE
	for tool in "prlist" "prprune" "prspawn -- true" "prreap -s x"; do
		run -3 --separate-stderr nobody env -u PRREG_FILE $tool
		[ "$output" = "" ]
		[ "$stderr" = "${tool%% *}: $dir: unsafe directory: a symbolic link" ]
	done
	[ ! -e "$NB/registry" ]
}

@test "a registry directory that is a symbolic link is refused, even our own" {
	mkdir -m 700 "$T/real"
	ln -s "$T/real" "$T/link"
	run -3 --separate-stderr prspawn -r "$T/link/registry" -- touch "$T/ran"
	[ "$stderr" = "prspawn: $T/link: unsafe directory: a symbolic link" ]
	[ ! -e "$T/ran" ]
	[ ! -e "$T/real/registry" ]
	run -3 --separate-stderr prlist -r "$T/link/registry"
	[ "$stderr" = "prlist: $T/link: unsafe directory: a symbolic link" ]
}

# --- 6. everything that can refuse, before anything is signalled --------------

@test "prreap with an unsafe lock file: exit 3 before any signal, the process alive, its record kept" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	cp "$REG" "$T/before"
	: >"$REG.lock"
	chmod 666 "$REG.lock"
	run -3 --separate-stderr prreap -i a
	[ "$output" = "" ]
	[ "$stderr" = "prreap: $REG.lock: unsafe file: writable by group or others (mode 0666)" ]
	alive "$P"
	cmp "$REG" "$T/before"
	rm "$REG.lock"
	ln -s /nowhere "$REG.lock"
	run -3 --separate-stderr prreap -i a
	[ "$stderr" = "prreap: $REG.lock: unsafe file: a symbolic link" ]
	alive "$P"
}

@test "prreap on a registry it cannot rewrite (a read-only mount): exit 3 before any signal" {
	need_root
	has_mountns || skip "no mount namespaces here"
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	: >"$REG.lock"
	chmod 600 "$REG.lock"
	cp "$REG" "$T/before"
	run -3 --separate-stderr unshare -m sh -c \
	    'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" &&
	    exec prreap -i a' sh "$T"
	[ "$output" = "" ]
	[ "$stderr" = "prreap: $REG.lock: cannot open: Read-only file system" ]
	alive "$P"
	cmp "$REG" "$T/before"
}

# --- 7. a process we may not signal ----------------------------------------

@test "a recorded process of another user: said at once, one line, no waiting for -T, exit 1, kept" {
	need_nobody
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" root; } >"$NB/registry"
	chown 65534 "$NB/registry"
	chmod 600 "$NB/registry"
	# Were it to wait -T and -K, timeout would end it first (124).
	run -1 --separate-stderr timeout 120 setpriv --reuid=65534 \
	    --regid=65534 --clear-groups -- prreap -r "$NB/registry" -T 600 \
	    -K 600 -i root
	[ "$output" = "" ]
	[ "$stderr" = "prreap: root: cannot signal pid $P: Operation not permitted" ]
	alive "$P"
	[ "$(grep -v '^#' "$NB/registry")" = "$(rec "$P" - job s1 "$S1" "$TOK" root)" ]
}

# --- 8. hidepid --------------------------------------------------------------

@test "hidepid: a pid /proc hides and kill() says is another user's holds no slot of ours, and is never signalled" {
	need_nobody
	has_mountns || skip "no mount namespaces here"
	noprocfs && skip "the no-procfs build reads ps, not a /proc of hidepid"
	# Root's process took the pid a dead worker of nobody's had.
	start_sleep
	old=$(old_token "$P")
	reg=$NB/registry
	{ header; rec "$P" - w - "$S1" "$((old + 1))" old
	  rec "$P" - w - "$S1" pidfs:1 exact; } >"$reg"
	chown 65534 "$reg"
	chmod 600 "$reg"
	run -0 --separate-stderr unshare -m sh -c '
	    mount -t proc -o hidepid=2 proc /proc || exit 10
	    nb() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
	    nb test -e "/proc/$1" && exit 11
	    nb prpidcheck -v -t "$2" "$1"; echo "prpidcheck $?"
	    nb prlist -r "$3" -o id,state
	    nb prspawn -r "$3" -t w -s new -m 1 -W 0 -- true; echo "prspawn $?"
	    nb prreap -r "$3" -S KILL -t w -s -; echo "prreap $?"' \
	    sh "$P" "$((old + 1))" "$reg"
	[ "$output" = "$P reused
prpidcheck 1
old	reused
exact	reused
prspawn 0
$(rec "$P" - w - "$S1" "$((old + 1))" old)
$(rec "$P" - w - "$S1" pidfs:1 exact)
prreap 0" ]
	alive "$P"
}

# --- 9. a stranger's zombie --------------------------------------------------

# other_start PID: a start-time token that is not PID's (a process that
# held PID before it): the form of kernels before 6.9 and of the
# no-procfs build, whatever this kernel gives.
other_start() {
	if noprocfs; then echo 20000101T000000; else echo $(($(old_token "$1") + 1)); fi
}

@test "a stranger's zombie holding the recorded pid is reused, not zombie: its group is none of the record's" {
	start_zombie_leader
	tok=$(other_start "$L")
	{ header; rec "$L" "$L" job s1 "$S1" "$tok" z; } >"$REG"
	run -1 --separate-stderr prpidcheck -v -t "$tok" "$L"
	[ "$output" = "$L reused" ]
	[ "$stderr" = "" ]
	# So too on the path of a kernel without pidfds.
	if nop=$(helper nopidfd); then
		run -1 --separate-stderr "$nop" prpidcheck -v -t "$tok" "$L"
		[ "$output" = "$L reused" ]
		run -0 --separate-stderr "$nop" prlist -o id,state
		[ "$output" = "z${TAB}reused" ]
	fi
	run -0 --separate-stderr prlist -o id,state
	[ "$output" = "z${TAB}reused" ]
	run -1 --separate-stderr prlist -l
	[ "$output" = "" ]
	# prreap forgets it unsignalled: the stranger's child lives on.
	run -0 --separate-stderr prreap -v -S KILL -T 1 -i z
	[ "$output" = "$(rec "$L" "$L" job s1 "$S1" "$tok" z)" ]
	[ "$stderr" = "prreap: z: reused, forgotten without a signal" ]
	alive "$M"
	[ "$(reg_lines)" = "" ]
}

@test "our own zombie leader still lends its group: a start-time token equal to the zombie's is ours" {
	start_zombie_leader
	if noprocfs; then tok=$(token_of "$L"); else tok=$(old_token "$L"); fi
	{ header; rec "$L" "$L" job s1 "$S1" "$tok" z; } >"$REG"
	run -1 --separate-stderr prpidcheck -v -t "$tok" "$L"
	[ "$output" = "$L zombie" ]
	run -0 --separate-stderr prlist -o id,state
	[ "$output" = "z${TAB}live" ]
	run -0 --separate-stderr prreap -S KILL -T 1 -i z
	[ "$output" = "$(rec "$L" "$L" job s1 "$S1" "$tok" z)" ]
	until_true gone "$M"
}
