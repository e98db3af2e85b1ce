#!/usr/bin/env bats
# contain.bats - nothing that prspawn started escapes prreap (issue 13):
# the escape matrix.  Each pattern is a command that leaves processes
# behind the way real programs do; each writes the pid of every process
# it leaves to $F, and the test counts how many of them are still alive
# (not zombies) once prreap (or prspawn -w itself) is done.  For each of
# four mechanisms:
#   default  the keeper (a subreaper: its descendants), the process group,
#            and the PRREG_MARK marker in the environment
#   -b       bare, no keeper: the group and the marker
#   -c       a cgroup v2 of the record's own
#   -w       prspawn in the foreground: a subreaper that stops what is left
# Goal: none survives, but for an env-clearing setsid child started bare
# (-b), which only the keeper, -c and -w hold.  Every pid left is killed
# by teardown.

load helper
load helpers/forker
bats_require_minimum_version 1.5.0

# What a pattern left is the test's, whether or not the test got as far
# as counting it.
teardown() {
	local p
	for p in $(cat "${F:-/dev/null}" 2>/dev/null); do
		track "$p"
	done
	prreg_teardown
}

# pattern NAME: the pattern's script, in $T/pat.sh; each process it
# leaves runs $T/rec.sh, which notes its pid in $F and sleeps.
pattern() {
	np=$(helper newpgrp) || skip "no C compiler for the test's helper"
	printf '%s\n' 'echo $$ >>"$F"; exec sleep 1000' >"$T/rec.sh"
	r=$T/rec.sh
	# A leader that exits does so once what it leaves has noted its pid.
	x='until [ -s "$F" ]; do sleep 0.01; done; exit 0'
	case $1 in
	leader-exits)	# the leader exits; its child stays in the group
		echo "sh '$r' & $x" ;;
	double-fork)	# a daemon: fork, setsid, fork; the parents exit
		echo "( setsid sh -c 'sh \"\$1\" & exit 0' sh '$r' & ); $x" ;;
	setpgid)	# a child that moves to a group of its own
		echo "'$np' sh '$r' & wait" ;;
	nohup)		# nohup'd, left behind by its parent
		echo "nohup sh '$r' >/dev/null 2>&1 & $x" ;;
	new-session)	# a child started in a session of its own
		echo "setsid sh '$r' & wait" ;;
	fifty)		# fifty children
		echo "for i in \$(seq 50); do sh '$r' & done; wait" ;;
	env-cleared)	# setsid, and an environment cleared of the marker
		echo "env -i F=\"\$F\" setsid sh '$r' & $x" ;;
	esac >"$T/pat.sh"
}

# expect PATTERN MECHANISM: how many survive, in $WANT.  Built without
# procfs there is no marker, no pidfd and no subreaper's child to find:
# only the group holds, while its leader lives or is our zombie (-w), and
# what outlives a leader reaped by PID 1 is left to when that happens;
# a keeper (default) stops what it holds itself, sent TERM by prreap.
expect() {
	WANT=0
	[ "$1" = env-cleared ] && [ "$2" = -b ] && WANT=1
	noprocfs || return 0
	case $1:$2 in
	fifty:*|leader-exits:-w|nohup:-w) WANT=0 ;;
	setpgid:default|new-session:default|double-fork:default) WANT=0 ;;
	env-cleared:default) WANT=0 ;;
	setpgid:*|new-session:*|double-fork:*|env-cleared:*) WANT=1 ;;
	*) skip "the no-procfs build holds only the group, and whether this one's leader is still a zombie is PID 1's to say" ;;
	esac
}

# want PATTERN: how many processes it leaves behind.
want() {
	[ "$1" = fifty ] && echo 50 || echo 1
}

# survivors: how many of the pids in $F are alive; each is tracked.
survivors() {
	local p n=0
	for p in $(cat "$F"); do
		track "$p"
		alive "$p" && n=$((n + 1))
	done
	echo "$n"
}

# left N: wait (for setting up) until the pattern has noted N pids.
left() {
	until_true sh -c 'test "$(wc -l <"$1")" -ge "$2"' sh "$F" "$1"
}

# matrix PATTERN MECHANISM: start it, let it leave its processes, stop
# it, and set S to the survivors, ST to prreap's status.
matrix() {
	export F=$T/left
	: >"$F"
	pattern "$1"
	case $2 in
	default|-c|-b)
		prspawn ${2#default} -s m -o /dev/null -p -- sh "$T/pat.sh" >"$T/rec"
		track -g "$(field 1 "$(cat "$T/rec")")"
		left "$(want "$1")"
		ST=0
		prlist -s m | prreap -T 5 >"$T/reaped" || ST=$?
		;;
	-w)
		prspawn -w -s m -o /dev/null -- sh "$T/pat.sh" &
		W=$!
		track "$W"
		left "$(want "$1")"
		# What the command left while it runs, prreap stops; what its
		# exit left, prspawn -w stops itself.
		ST=0
		until_true test -s "$REG"
		prlist -s m | prreap -T 5 >"$T/reaped" || ST=$?
		wait "$W" || true
		;;
	esac
	S=$(survivors)
}

# --- default: the group and the marker ----------------------------------------

@test "default: a leader that exits leaves its child in the group: none survives" {
	expect leader-exits default
	matrix leader-exits default
	[ "$S" -eq "$WANT" ]
	[ "$ST" -eq 0 ]
	[ "$(cat "$T/reaped")" = "$(cat "$T/rec")" ]
	[ "$(reg_lines)" = "" ]
}

@test "default: a double-forked daemon in a session of its own: none survives" {
	expect double-fork default
	matrix double-fork default
	[ "$S" -eq "$WANT" ]
	[ "$ST" -eq 0 ]
	[ "$(cat "$T/reaped")" = "$(cat "$T/rec")" ]
}

@test "default: a child that moved to a group of its own: none survives" {
	expect setpgid default
	matrix setpgid default
	[ "$S" -eq "$WANT" ]
	[ "$ST" -eq 0 ]
}

@test "default: a nohup'd child left behind: none survives" {
	expect nohup default
	matrix nohup default
	[ "$S" -eq "$WANT" ]
	[ "$ST" -eq 0 ]
}

@test "default: a child in a new session: none survives" {
	expect new-session default
	matrix new-session default
	[ "$S" -eq "$WANT" ]
	[ "$ST" -eq 0 ]
}

@test "default: fifty children: none survives" {
	expect fifty default
	matrix fifty default
	[ "$S" -eq "$WANT" ]
	[ "$ST" -eq 0 ]
}

@test "default: a setsid child that cleared its environment is held by the keeper: none survives" {
	expect env-cleared default
	matrix env-cleared default
	[ "$S" -eq "$WANT" ]
	[ "$ST" -eq 0 ]
}

@test "-b: a setsid child that cleared its environment escapes (prreg(5) says so): 1 survives" {
	expect env-cleared -b
	matrix env-cleared -b
	[ "$S" -eq "$WANT" ]
	# prreap cannot see it: to prreap the record is gone.
	[ "$ST" -eq 0 ]
}

# --- -c: a cgroup of its own ------------------------------------------------------

@test "-c: a leader that exits leaves its child: none survives, the cgroup is removed" {
	need_cgroup
	matrix leader-exits -c
	[ "$S" -eq 0 ]
	[ "$ST" -eq 0 ]
	cg=$(printf '%s\n' "$(cat "$T/rec")" | sed -n 's/.*	cgroup=\([^	]*\).*/\1/p')
	[ -n "$cg" ]
	[ ! -e "$cg" ]
}

@test "-c: a double-forked daemon: none survives" {
	need_cgroup
	matrix double-fork -c
	[ "$S" -eq 0 ]
	[ "$ST" -eq 0 ]
}

@test "-c: a child that moved to a group of its own: none survives" {
	need_cgroup
	matrix setpgid -c
	[ "$S" -eq 0 ]
	[ "$ST" -eq 0 ]
}

@test "-c: a nohup'd child: none survives" {
	need_cgroup
	matrix nohup -c
	[ "$S" -eq 0 ]
	[ "$ST" -eq 0 ]
}

@test "-c: a child in a new session: none survives" {
	need_cgroup
	matrix new-session -c
	[ "$S" -eq 0 ]
	[ "$ST" -eq 0 ]
}

@test "-c: fifty children: none survives" {
	need_cgroup
	matrix fifty -c
	[ "$S" -eq 0 ]
	[ "$ST" -eq 0 ]
}

@test "-c: a setsid child that cleared its environment cannot leave the cgroup: none survives" {
	need_cgroup
	matrix env-cleared -c
	[ "$S" -eq 0 ]
	[ "$ST" -eq 0 ]
}

# --- -w: in the foreground, a subreaper ------------------------------------------

@test "-w: a leader that exits leaves its child: none survives" {
	expect leader-exits -w
	matrix leader-exits -w
	[ "$S" -eq "$WANT" ]
	[ "$ST" -eq 0 ]
	[ "$(reg_lines)" = "" ]
}

@test "-w: a double-forked daemon: none survives" {
	expect double-fork -w
	matrix double-fork -w
	[ "$S" -eq "$WANT" ]
	[ "$ST" -eq 0 ]
}

@test "-w: a child that moved to a group of its own: none survives" {
	expect setpgid -w
	matrix setpgid -w
	[ "$S" -eq "$WANT" ]
	[ "$ST" -eq 0 ]
}

@test "-w: a nohup'd child: none survives" {
	expect nohup -w
	matrix nohup -w
	[ "$S" -eq "$WANT" ]
	[ "$ST" -eq 0 ]
}

@test "-w: a child in a new session: none survives" {
	expect new-session -w
	matrix new-session -w
	[ "$S" -eq "$WANT" ]
	[ "$ST" -eq 0 ]
}

@test "-w: fifty children: none survives" {
	expect fifty -w
	matrix fifty -w
	[ "$S" -eq "$WANT" ]
	[ "$ST" -eq 0 ]
}

@test "-w: a setsid child that cleared its environment is an orphan of the subreaper: none survives" {
	expect env-cleared -w
	matrix env-cleared -w
	[ "$S" -eq "$WANT" ]
}

# --- the record of a leader that exited -----------------------------------------

@test "a leader that exited while its group's members run: the record is live to prlist, prprune and -m" {
	noprocfs && skip "the no-procfs build has no marker to prove the members its own once the leader is reaped"
	prspawn -t job -m 1 -p -o /dev/null -- sh -c 'sleep 1000 & echo $! >"$1/child"' sh "$T" >"$T/rec"
	P=$(field 1 "$(cat "$T/rec")")
	track -g "$P"
	until_true test -s "$T/child"
	C=$(cat "$T/child")
	track "$C"
	until_true gone "$P"
	run -0 prlist -l -o id,state
	[ "$output" = "job:-:$P${TAB}live" ]
	run -0 prprune
	[ "$output" = "" ]
	run -4 --separate-stderr prspawn -t job -m 1 -W 0 -- true
	[ "$stderr" = "prspawn: -m: no slot: 1 live of type job, max 1, after 0.000 s; nothing started" ]
	run -0 prreap -t job
	[ "$output" = "$(cat "$T/rec")" ]
	until_true gone "$C"
}

# --- the marker: looked for only in the sessions that can hold it ---------------

# ticks PID: PID's start time in clock ticks, the older token form.
ticks() {
	sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20
}

# as_ticks: the registry's record r with its token in the older form.
as_ticks() {
	local line
	line=$(reg_lines | awk -F '\t' -v OFS='\t' -v t="$(ticks "$P")" \
	    '$7 == "r" { $6 = t } { print }')
	{ header; echo "$line"; } >"$REG"
}

# forged FORM: a process that started before record r, in a session of
# its own, takes on r's marker (with r's token in FORM); r's leader ends.
forged() {
	noprocfs && skip "the no-procfs build knows no markers"
	mkfifo "$T/m"
	setsid sh -c 'read -r m <"$1"; exec env PRREG_MARK="$m" sleep 1000' \
	    sh "$T/m" </dev/null >/dev/null 2>&1 3>&- &
	O=$!
	track "$O"
	# Started in a later clock tick than O: a start time counts 10 ms
	# ticks, and one of the same tick is not proven later.
	until_true eval '[ "$(cut -d " " -f 22 /proc/self/stat)" -gt \
	    "$(ticks "$O")" ]'
	prspawn -b -i r -o /dev/null -- sleep 1000
	P=$(prlist -i r -o pid)
	track -g "$P"
	[ "$1" = ticks ] && as_ticks
	echo "$P:$(prlist -i r -o token)" >"$T/m"
	until_true grep -qz "^PRREG_MARK=$P:" "/proc/$O/environ"
	rec=$(reg_lines)
	kill "$P"
	# Its leader a zombie, or reaped (by PID 1, late, here): not live.
	until_true gone "$P"
	run -0 prlist -o id,state
	[ "$output" = "r${TAB}zombie" ] || [ "$output" = "r${TAB}dead" ]
	run -0 --separate-stderr prreap -i r
	[ "$output" = "$rec" ]
	[ "$stderr" = "" ]
	alive "$O"
	[ "$(reg_lines)" = "" ]
}

@test "a process older than a record that takes on its marker is none of the record's: dead to prlist, never signalled by prreap" {
	forged pidfs
}

@test "the same, the record's token of the older form (a start time)" {
	forged ticks
}

@test "a process in a session made outside our PID namespace that takes on a record's marker is none of the record's" {
	noprocfs && skip "the no-procfs build knows no markers"
	need_pidns
	# In the namespace, this sh's session (made outside) is session 0.
	run -0 --separate-stderr unshare -fp --mount-proc --kill-child sh -c '
	    prspawn -i r -o /dev/null -- sleep 1000 || exit 11
	    P=$(prlist -i r -o pid)
	    PRREG_MARK="$P:$(prlist -i r -o token)" sleep 1000 & F=$!
	    until grep -qz "^PRREG_MARK=$P:" "/proc/$F/environ"; do
		sleep 0.01; done
	    kill "$P"
	    # sh, PID 1 here, reaps the orphan in its next wait: zombie or gone
	    until ! kill -0 "$P" 2>/dev/null ||
		[ "$(ps -o stat= -p "$P")" = Z ]; do sleep 0.01; done
	    echo "sid $(ps -o sid= -p "$F" | tr -d " ")"
	    prlist -o id,state
	    kill "$F"'
	[ "$output" = "sid 0
r${TAB}zombie" ] || [ "$output" = "sid 0
r${TAB}dead" ]
}

@test "a marker in a session made after the record's start, its maker alive: live, and prreap stops it (a start-time token)" {
	noprocfs && skip "the no-procfs build knows no markers"
	mkfifo "$T/m"
	setsid sh -c 'read -r m <"$1"; export PRREG_MARK="$m"
	    setsid sleep 1000 </dev/null & echo $! >"$2"; exit 0' \
	    sh "$T/m" "$T/child" </dev/null >/dev/null 2>&1 3>&- &
	P=$!
	track "$P"
	{ header; rec "$P" "$P" job s1 "$S1" "$(ticks "$P")" r; } >"$REG"
	rec=$(reg_lines)
	echo "$P:$(ticks "$P")" >"$T/m"
	until_true test -s "$T/child"
	C=$(cat "$T/child")
	track "$C"
	until_true gone "$P"
	[ "$(ps -o sid= -p "$C" | tr -d ' ')" = "$C" ]
	run -0 prlist -o id,state
	[ "$output" = "r${TAB}live" ]
	run -0 --separate-stderr prreap -i r
	[ "$output" = "$rec" ]
	[ "$stderr" = "" ]
	gone "$C"
}

# --- -w as PID 1 ------------------------------------------------------------------

@test "-w as PID 1 of a PID namespace: orphans are collected, and TERM reaches a setsid daemon before the end" {
	need_pidns
	noprocfs && skip "the no-procfs build has no subreaper's children to find"
	cat >"$T/init" <<-'EOF'
	# twenty orphans that end at once, a daemon that cleans up on TERM
	for i in $(seq 20); do sh -c 'sh -c "exit 0" &'; done
	setsid sh -c 'trap "echo term >\"$1/got\"; exit 0" TERM
	    while :; do sleep 0.05; done' sh "$1" &
	echo ready >"$1/ready"
	exec sleep 1000
	EOF
	unshare -fp --mount-proc prspawn -w -o /dev/null -- sh "$T/init" "$T" &
	U=$!
	track "$U"
	until_true test -s "$T/ready"
	I=$(ps -o pid= --ppid "$U" | tr -d ' ')
	[ "$(ps -o comm= -p "$I")" = prspawn ]
	# No zombie piles up under PID 1.
	until_true sh -c "! ps -o stat= --ppid $I | grep -q '^Z'"
	kill -TERM "$I"
	wait "$U" || true
	[ "$(cat "$T/got")" = term ]
}

# --- cgroups: what is ours, and when it goes -----------------------------------------

@test "-c: prprune keeps the record while its cgroup holds a process, then forgets it and removes the cgroup" {
	need_cgroup
	prspawn -c -p -o /dev/null -- sh -c '(setsid sh -c "echo \$\$ >\"$1/d\"; exec sleep 1000" &)' sh "$T" >"$T/rec"
	cg=$(sed -n 's/.*	cgroup=\([^	]*\).*/\1/p' "$T/rec")
	until_true test -s "$T/d"
	D=$(cat "$T/d")
	track "$D"
	until_true gone "$(field 1 "$(cat "$T/rec")")"
	run -0 prprune
	[ "$output" = "" ]
	[ -d "$cg" ]
	kill "$D"
	until_true sh -c "grep -q 'populated 0' '$cg/cgroup.events'"
	run -0 prprune
	# Its keeper may have written its end (exit=, ended=) by then.
	[ "$(no_end "$output")" = "$(cat "$T/rec")" ]
	[ ! -e "$cg" ]
}

# cgroot: the cgroup2 mount point, in $CGROOT.
cgroot() {
	CGROOT=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
}

@test "-c: a member moved out of the cgroup that ignores TERM gets KILL: none survives, the record is forgotten, the cgroup removed" {
	need_cgroup
	cgroot
	prspawn -c -p -o /dev/null -- sh -c '(trap "" TERM; exec sleep 1000) & echo $! >"$1/c"; wait' sh "$T" >"$T/rec"
	cg=$(sed -n 's/.*	cgroup=\([^	]*\).*/\1/p' "$T/rec")
	track -g "$(field 1 "$(cat "$T/rec")")"
	until_true test -s "$T/c"
	C=$(cat "$T/c")
	track "$C"
	# Out of the cgroup (root may move it), still in the group, marked.
	echo "$C" >"$CGROOT/cgroup.procs"
	[ "$(sed -n 's/^0:://p' "/proc/$C/cgroup")" = / ]
	run -0 --separate-stderr prreap -T 0.2 -K 5 -i "$(field 7 "$(cat "$T/rec")")"
	[ "$output" = "$(cat "$T/rec")" ]
	[ "$stderr" = "" ]
	gone "$C"
	[ ! -e "$cg" ]
	[ "$(reg_lines)" = "" ]
}

# nested: the command, in its cgroup CG (its first argument), makes
# CG/sub, and in it a process in a session of its own, without the marker
# (only the cgroup holds it), that writes "term" to $T/got on TERM.
nested() {
	cat >"$T/nest.sh" <<-'EOF'
	cg=$1$(sed -n 's/^0:://p' /proc/self/cgroup)
	mkdir "$cg/sub"
	env -i T="$2" setsid sh -c 'echo $$ >"$1/sub/cgroup.procs"
	    trap "echo term >\"\$T/got\"; exit 0" TERM
	    sleep 1000 & echo $$ >"$T/c"; wait' sh "$cg" </dev/null &
	exec sleep 1000
	EOF
}

@test "-c: a process in a cgroup below the record's gets TERM and is counted; the cgroups are removed bottom up" {
	need_cgroup
	cgroot
	nested
	prspawn -c -p -o /dev/null -- sh "$T/nest.sh" "$CGROOT" "$T" >"$T/rec"
	cg=$(sed -n 's/.*	cgroup=\([^	]*\).*/\1/p' "$T/rec")
	track -g "$(field 1 "$(cat "$T/rec")")"
	until_true test -s "$T/c"
	C=$(cat "$T/c")
	track "$C"
	printf '%s\n' "$cg/sub" "$cg" >>"$T/rmdirs"
	until_true eval '[ "$(wc -l <"$cg/sub/cgroup.procs")" -eq 2 ]'
	id=$(field 7 "$(cat "$T/rec")")
	run -0 --separate-stderr prreap -v -T 5 -i "$id"
	[ "$output" = "$(cat "$T/rec")" ]
	[[ $stderr =~ ^prreap:\ $id:\ TERM\ sent\ to\ 3\ processes\;\ gone\ after\ [0-9]+\ ms$ ]]
	[ "$(cat "$T/got")" = term ]
	[ ! -e "$cg" ]
	[ "$(reg_lines)" = "" ]
}

@test "-c: a cgroup below the record's that cannot be removed: prreap and prprune say so and keep the record; once it can be, it goes" {
	need_cgroup
	has_mountns || skip "no mount namespace here (unshare -m)"
	cgroot
	# Bare: the record is compared whole, with no end written into it.
	prspawn -b -c -p -o /dev/null -- sh -c 'mkdir "$1$(sed -n "s/^0:://p" /proc/self/cgroup)/sub" && echo made >"$2/made" && exec sleep 1000' sh "$CGROOT" "$T" >"$T/rec"
	cg=$(sed -n 's/.*	cgroup=\([^	]*\).*/\1/p' "$T/rec")
	track -g "$(field 1 "$(cat "$T/rec")")"
	printf '%s\n' "$cg/sub" "$cg" >>"$T/rmdirs"
	until_true test -s "$T/made"
	id=$(field 7 "$(cat "$T/rec")")
	# In a mount namespace of its own, a file system mounted on the
	# cgroup below the record's: rmdir(2) of it says EBUSY there.
	run -0 --separate-stderr unshare -m sh -c 'mount -t tmpfs prreg-test "$1/sub" || exit 9
	    prreap -i "$2"; echo "prreap $?"
	    prprune; echo "prprune $?"' sh "$cg" "$id"
	[ "$output" = "prreap 1
prprune 0" ]
	[ "$(as_glibc "$stderr")" = "prreap: $id: record kept: $cg/sub: cannot remove: Device or resource busy
prprune: $id: record kept: $cg/sub: cannot remove: Device or resource busy" ]
	[ "$(reg_lines)" = "$(cat "$T/rec")" ]
	[ -d "$cg/sub" ]
	run -0 --separate-stderr prprune
	[ "$output" = "$(cat "$T/rec")" ]
	[ "$stderr" = "" ]
	[ ! -e "$cg" ]
}

@test "a cgroup a record names but prspawn did not make is never acted on" {
	need_cgroup
	root=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	other=$root/prreg/notours-$$
	mkdir "$other"
	echo "$other" >>"$T/rmdirs"
	start_sleep
	echo "$P" >"$other/cgroup.procs"
	dead_pid
	{ header; printf '%s\tcgroup=%s\n' "$(rec "$D" "$D" job s1 "$S1" 1 a | tr -d '\n')" "$other"; } >"$REG"
	run -0 --separate-stderr prreap -S KILL -i a
	[ "$(field 7 "$output")" = a ]
	alive "$P"
	[ -d "$other" ]
	# Out of it again, so that teardown can remove it.
	echo "$P" >"$root/cgroup.procs"
}

@test "-c with no cgroup to make one in: exit 3 (2 for a bad PRREG_CGROUP), a message, nothing started" {
	if noprocfs; then
		run -3 --separate-stderr prspawn -c -- touch "$T/ran"
		[ "$stderr" = "prspawn: -c: no cgroup v2 on this system" ]
		[ ! -e "$T/ran" ]
		return
	fi
	run -3 --separate-stderr env PRREG_CGROUP=/tmp prspawn -c -- touch "$T/ran"
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: -c: /tmp: not a cgroup v2 directory" ]
	run -2 --separate-stderr env PRREG_CGROUP=relative prspawn -c -- touch "$T/ran"
	[ "$stderr" = "prspawn: PRREG_CGROUP: want the absolute path of a cgroup v2 directory" ]
	[ ! -e "$T/ran" ]
	[ ! -e "$REG" ]
}

@test "-c: a record that cannot be written: nothing started, no cgroup left; one that fails after the start: none survives, the cgroup removed" {
	need_cgroup
	root=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	export PRREG_CGROUP=$root/prreg/failed-$$
	mkdir "$PRREG_CGROUP"
	echo "$PRREG_CGROUP" >>"$T/rmdirs"
	{ header; echo 'bad line'; } >"$REG"
	ln -s "$T/target" "$REG.corrupt"
	st=0
	prspawn -c -- sh "$FORKER" "$T" \
	    </dev/null >"$T/out" 2>"$T/err" 3>&- || st=$?
	[ "$st" -eq 3 ]
	[ "$(cat "$T/err")" = "prspawn: $REG.corrupt: unsafe file: a symbolic link" ]
	[ ! -e "$T/ran" ]
	[ -z "$(find "$PRREG_CGROUP" -mindepth 1 -type d)" ]

	# The rename fails (EIO), with prspawn held there until the daemon runs.
	need_strace_inject
	rm -f "$REG" "$REG.corrupt"
	failed_after_start -c
	[ "$ST" -eq 3 ]
	[ "$(as_glibc <"$T/err")" = "prspawn: $REG: cannot replace: Input/output error" ]
	gone "$(cat "$T/ran")"
	gone "$(cat "$T/kid")"
	[ -z "$(find "$PRREG_CGROUP" -mindepth 1 -type d)" ]
	[ -z "$(reg_lines)" ]
}
