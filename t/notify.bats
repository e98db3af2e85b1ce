#!/usr/bin/env bats
# prspawn -N notify (SPEC 6): readiness the systemd way.  The command gets
# NOTIFY_SOCKET; READY=1 from one of the record's processes is ready;
# anything else, and anything from another process, is ignored.
#
# t/helpers/sdnotify.c sends a datagram to $NOTIFY_SOCKET as sd_notify(3)
# does, then execs the rest of its arguments, so that the sender lives on.

load helper
bats_require_minimum_version 1.5.0

need_sdnotify() {
	SDN=$(helper sdnotify) || skip "no C compiler for t/helpers/sdnotify.c"
}

# socket_of PID: the NOTIFY_SOCKET in PID's environment.
socket_of() {
	tr '\0' '\n' <"/proc/$1/environ" | sed -n 's/^NOTIFY_SOCKET=//p'
}

need_titled() {
	TITLED=$(helper titled) || skip "no C compiler for t/helpers/titled.c"
}

# kept ID: the record ID has a keeper (K, tracked) that is its, by token.
kept() {
	K=$(prlist -i "$1" -o keeper | cut -d: -f1)
	[ "$K" != - ] || { echo "no keeper: $(prlist -i "$1")" >&2; return 1; }
	track "$K"
	[ "$(prlist -i "$1" -o keeper)" = "$K:$(prpidcheck -T "$K")" ]
}

# reaped_none ID PID...: prreap -i ID stops the record, and none of the
# PIDs (the daemon's) nor its keeper survives it.
reaped_none() {
	local id=$1 p
	shift
	run -0 --separate-stderr prreap -i "$id"
	[ "$stderr" = "" ]
	for p in "$@"; do gone "$p"; done
	until_true gone "$K"
	[ "$(reg_lines)" = "" ]
}

# waiting N [SECS [OPT...]]: in the background, S, prspawn -i j -W SECS
# (60) -N N OPT... -- sleep 1000, its stderr in $T/err, until it is
# recorded: P the command, K its keeper, each tracked.  The registry is
# emptied first.
waiting() {
	local n=$1 secs=${2:-60}
	shift $(($# < 2 ? $# : 2))
	: >"$REG"
	prspawn -i j -W "$secs" -N "$n" "$@" -o /dev/null -- sleep 1000 \
	    </dev/null >/dev/null 2>"$T/err" &
	S=$!
	track "$S"
	until_true eval '[ -n "$(reg_lines)" ]'
	P=$(field 1)
	track -g "$P"
	track "$P"
	kept j
}

@test "-N notify: READY=1 after the command's work: prspawn returns only then, 0, recorded; the socket is gone" {
	need_sdnotify
	run --separate-stderr prspawn -p -i j -N notify -o "$T/out" -- sh -c \
	    'sleep 0.2; touch "$1"; exec "$2" READY=1 sleep 1000' sh "$T/done" "$SDN"
	P=$(field 1)
	track -g "$P"
	track "$P"
	[ "$status" -eq 0 ]
	[ -e "$T/done" ]
	[ "$output" = "$(reg_lines)" ]
	[ "$stderr" = "" ]
	until_true eval '[ "$(ps -o comm= -p "$P")" = sleep ]'
	sock=$(socket_of "$P")
	[[ $sock == /*/prreg-notify.*/notify ]]
	[ ! -e "$sock" ]
	[ ! -e "${sock%/notify}" ]
}

@test "-N notify: other messages are ignored; READY=1 among other lines counts; a descendant that left the group may say it" {
	need_sdnotify
	run --separate-stderr prspawn -i j -N notify -o "$T/out" -- sh -c '
	    "$2" "STATUS=loading\nREADY=0"
	    "$2" "READY=10"
	    "$2" "XREADY=1"
	    touch "$1"
	    setsid sh -c '\''echo $$ >"$2"
	        exec "$1" "STATUS=up\nREADY=1\nMAINPID=1" sleep 1000'\'' sh "$2" "$3" &
	    exec sleep 1000' sh "$T/done" "$SDN" "$T/bg"
	P=$(field 1)
	track -g "$P"
	track "$P"
	track "$(cat "$T/bg")"
	[ "$status" -eq 0 ]
	[ -e "$T/done" ]
	[ "$stderr" = "" ]
}

@test "-N notify: a command that exits before READY=1: exit 1, forgotten" {
	need_sdnotify
	run --separate-stderr prspawn -i j -N notify -o "$T/out" -- sh -c '"$1" STATUS=x; exit 3' sh "$SDN"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: j: exited (status 3) before it was ready; forgotten" ]
	[ "$(reg_lines)" = "" ]
}

@test "-N notify: READY=1 from a process that is not the record's never counts" {
	need_sdnotify
	prspawn -i j -W 3 -N notify -- sleep 1000 </dev/null >/dev/null \
	    2>"$T/err" &
	S=$!
	until_true eval '[ -n "$(reg_lines)" ]'
	P=$(field 1)
	track -g "$P"
	track "$P"
	until_true eval '[ -n "$(socket_of "$P")" ]'
	# This shell's child is a stranger to the record; its datagram is
	# delivered (sendto succeeds) and ignored.
	NOTIFY_SOCKET=$(socket_of "$P") "$SDN" READY=1
	ended "$S"
	[ "$ST" -eq 4 ]
	[ "$(cat "$T/err")" = "prspawn: j: not ready after 3.000 s (-W); stopped and forgotten" ]
	until_true gone "$P"
	[ "$(reg_lines)" = "" ]
}

@test "-N notify: prspawn killed by TERM or HUP while it waits removes the socket and its directory, and ends by that signal" {
	for sig in TERM HUP; do
		waiting notify
		until_true eval '[ -n "$(socket_of "$P")" ]'
		sock=$(socket_of "$P")
		until_true test -S "$sock"
		kill -"$sig" "$S"
		ended "$S"
		[ "$ST" -eq $((128 + $(kill -l "$sig"))) ]
		[ "$(cat "$T/err")" = "" ]
		[ ! -e "$sock" ]
		[ ! -e "${sock%/notify}" ]
		kill -KILL "$P"
		# Its keeper writes the end: not into the next round's registry.
		until_true gone "$K"
	done
}

@test "-N notify and -N FD exclude each other; -N wants 3 to 63 or notify" {
	run --separate-stderr prspawn -N notify -N 3 -- true
	[ "$status" -eq 2 ]
	[ "$stderr" = "prspawn: -N FD and -N notify: exclude each other (-h for usage)" ]
	run --separate-stderr prspawn -N notifyx -- true
	[ "$status" -eq 2 ]
	[ "$stderr" = "prspawn: -N: invalid value 'notifyx': want a descriptor 3 to 63, or notify" ]
}

# --- -N under the keeper (SPEC 5.1, 6) ---------------------------------------

@test "-N FD: a daemon that double-forks, calls setsid and writes its title is held by its keeper: keeper= in its record, prreap leaves none" {
	need_procfs
	need_titled
	run --separate-stderr prspawn -p -i d -N 3 -o /dev/null -- sh -c \
	    '"$1" "$2"; until [ -s "$2" ]; do sleep 0.01; done; echo >&3' \
	    sh "$TITLED" "$T/d.pid"
	P=$(field 1)
	track -g "$P"
	D=$(head -n 1 "$T/d.pid")
	track "$D"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$(reg_lines)" ]
	kept d
	! grep -qz '^PRREG_MARK=' "/proc/$D/environ" || false
	reaped_none d "$D"
}

@test "-N notify: a daemon that double-forks, calls setsid and writes its title, made ready by a setsid process after its starter exited: held by its keeper, prreap leaves none" {
	need_procfs
	need_titled
	need_sdnotify
	run --separate-stderr prspawn -p -i d -N notify -o /dev/null -- sh -c '
	    "$1" "$2"; until [ -s "$2" ]; do sleep 0.01; done
	    setsid "$3" READY=1 sleep 1000 </dev/null >/dev/null 2>&1 &
	    echo $! >"$4"' sh "$TITLED" "$T/d.pid" "$SDN" "$T/s.pid"
	P=$(field 1)
	track -g "$P"
	D=$(head -n 1 "$T/d.pid")
	track "$D"
	S=$(cat "$T/s.pid")
	track "$S"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$(reg_lines)" ]
	kept d
	reaped_none d "$D" "$S"
}

@test "-N FD and -N notify: a double-forking, setsid, title-writing daemon that is not ready within -W: stopped whole through its keeper, exit 4, forgotten" {
	need_procfs
	need_titled
	for n in 3 notify; do
		: >"$REG"
		rm -f "$T/d.pid"
		run --separate-stderr prspawn -i d -W 3 -N "$n" -o /dev/null -- \
		    "$TITLED" "$T/d.pid"
		D=$(cat "$T/d.pid" 2>/dev/null) && track "$D"
		[ "$status" -eq 4 ]
		[ "$output" = "" ]
		[ "$stderr" = "prspawn: d: not ready after 3.000 s (-W); stopped and forgotten" ]
		[ -n "$D" ]
		gone "$D"
		[ "$(reg_lines)" = "" ]
	done
}

# kfds: what the keeper K holds but its stdio (/dev/null) and its signals'
# pipe, one a line.
kfds() {
	local f
	for f in /proc/"$K"/fd/*; do readlink "$f"; done |
	    grep -v -e '^/dev/null$' -e '^pipe:'
}

@test "-N FD and -N notify: once the command is ready the keeper lets go of prspawn's socket: it holds nothing of prspawn's" {
	need_procfs
	need_sdnotify
	for n in 3 notify; do
		: >"$REG"
		if [ "$n" = 3 ]; then ready=(sh -c 'echo >&3; exec sleep 1000')
		else ready=("$SDN" READY=1 sleep 1000); fi
		run -0 prspawn -i j -N "$n" -o /dev/null -- "${ready[@]}"
		P=$(field 1)
		track -g "$P"
		track "$P"
		kept j
		until_true eval '[ -z "$(kfds)" ]'
		kill -KILL "$P"
		until_true gone "$K"
	done
}

@test "-N FD and -N notify: exited before ready means all the record's processes are gone: the last one's status is said, exit 1, forgotten" {
	need_sdnotify
	for n in 3 notify; do
		: >"$REG"
		run --separate-stderr prspawn -i j -N "$n" -o /dev/null -- sh -c \
		    '(sleep 0.2; "$1" STATUS=x; exit 5) & exit 0' sh "$SDN"
		[ "$status" -eq 1 ]
		[ "$output" = "" ]
		[ "$stderr" = "prspawn: j: exited (status 5) before it was ready; forgotten" ]
		[ "$(reg_lines)" = "" ]
	done
}

@test "-N notify under the keeper: READY=1 from a stranger that carries the command's marker never counts: only the keeper's descendants are the record's" {
	need_procfs
	need_sdnotify
	waiting notify 2
	until_true eval '[ -n "$(socket_of "$P")" ]'
	mark=$(tr '\0' '\n' <"/proc/$P/environ" | sed -n 's/^PRREG_MARK=//p')
	[ -n "$mark" ]
	PRREG_MARK=$mark NOTIFY_SOCKET=$(socket_of "$P") "$SDN" READY=1 sleep 1000 &
	F=$!
	track "$F"
	ended "$S"
	[ "$ST" -eq 4 ]
	[ "$(cat "$T/err")" = "prspawn: j: not ready after 2.000 s (-W); stopped and forgotten" ]
	gone "$P"
	alive "$F"
	[ "$(reg_lines)" = "" ]
}

# killed_while_waiting PID MESSAGE: SIGKILL to PID while prspawn (S, of
# waiting) waits for ready: S ends, exit 1, MESSAGE on stderr; the
# command (P) is gone, and its record.
killed_while_waiting() {
	kill -KILL "$1"
	ended "$S"
	[ "$ST" -eq 1 ]
	[ "$(cat "$T/err")" = "$2" ]
	gone "$P"
	[ "$(reg_lines)" = "" ]
}

@test "-N FD and -N notify: the keeper killed while prspawn waits: prspawn ends, exit 1, with a message; what the group holds is stopped and forgotten" {
	for n in 3 notify; do
		waiting "$n"
		killed_while_waiting "$K" "prspawn: j: its keeper (pid $K) ended with status 137 before it was ready; stopped and forgotten"
	done
}

@test "-N FD and -N notify with -L: the owner killed while prspawn waits for ready: its keeper stops the record; prspawn says how it ended, exit 1, forgotten" {
	for n in 3 notify; do
		start_sleep
		O=$P
		waiting "$n" 60 -L -O "$O"
		killed_while_waiting "$O" "prspawn: j: exited (status 143) before it was ready; forgotten"
	done
}

@test "-N notify: redis-server --supervised systemd, under its keeper: prspawn returns once it answers PING; prreap leaves none" {
	command -v redis-server >/dev/null || skip "no redis-server (apt-get install redis-server)"
	command -v redis-cli >/dev/null || skip "no redis-cli (apt-get install redis-tools)"
	port=$((20000 + RANDOM % 20000))
	# Supervised, redis stays in the foreground even with --daemonize yes,
	# and writes its title over its environment: the keeper holds it.
	run --separate-stderr prspawn -i redis -W 30 -N notify -o "$T/redis.log" -- \
	    redis-server --supervised systemd --port "$port" --bind 127.0.0.1 \
	    --daemonize yes --dir "$T" --save ''
	P=$(field 1)
	track -g "$P"
	track "$P"
	[ "$status" -eq 0 ] || { cat "$T/redis.log"; false; }
	[ "$stderr" = "" ]
	[ "$(redis-cli -p "$port" ping)" = PONG ]
	kept redis
	[ "$(ps -o ppid= -p "$P" | tr -d ' ')" = "$K" ]
	reaped_none redis "$P"
}

@test "-N FD and -N notify with -b: bare as before: no keeper; the command's own exit is the one said" {
	need_sdnotify
	for n in 3 notify; do
		: >"$REG"
		run --separate-stderr prspawn -b -i j -N "$n" -o /dev/null -- sh -c \
		    '(sleep 0.2; "$1" STATUS=x; exit 5) & exit 4' sh "$SDN"
		[ "$status" -eq 1 ]
		[ "$output" = "" ]
		[ "$stderr" = "prspawn: j: exited (status 4) before it was ready; forgotten" ]
		[ "$(reg_lines)" = "" ]
		if [ "$n" = 3 ]; then ready=(sh -c 'echo >&3; exec sleep 1000')
		else ready=("$SDN" READY=1 sleep 1000); fi
		run --separate-stderr prspawn -b -p -i b -N "$n" -o /dev/null -- \
		    "${ready[@]}"
		P=$(field 1)
		track -g "$P"
		track "$P"
		[ "$status" -eq 0 ]
		[ "$stderr" = "" ]
		[ "$(prlist -i b -o keeper)" = - ]
		kill -KILL "$P"
	done
}

# held_child: C, the third generation under W (strace), once there is one.
held_child() {
	local p=$W i
	for i in 1 2 3; do
		p=$(pgrep -P "$p") && [ -n "$p" ] || return 1
	done
	C=$p
}

@test "-N notify: TERM to the command's child, held before its exec, ends that child, not its keeper: exit 1, said, the command never runs, nothing left" {
	need_strace_inject
	# The keeper starts the command with vfork(2): a handler of -N
	# notify's that ran in that child would signal the keeper (musl's
	# raise()) and let the command be executed.  strace says whether it
	# ever was.
	strace -f -qq -o "$T/trace" -e trace=fchdir,execve \
	    -e inject=fchdir:delay_enter=3000000 \
	    prspawn -N notify -d / -i held -o /dev/null -- \
	    sh -c 'touch "$1"' sh "$T/ran" </dev/null >"$T/out" 2>"$T/err" 3>&- &
	W=$!
	# strace's child is prspawn; its child, the keeper; the keeper's,
	# the one held in fchdir(2).
	until_true held_child
	track "$C"
	kill -TERM "$C"
	st=0
	wait "$W" || st=$?
	[ "$st" -eq 1 ]
	[ "$(cat "$T/err")" = "prspawn: held: exited (status 143) before it was ready; forgotten" ]
	[ ! -s "$T/out" ]
	[ "$(grep -c 'execve("[^"]*", \["sh", "-c"' "$T/trace")" -eq 0 ]
	[ ! -e "$T/ran" ]
	[ "$(reg_lines)" = "" ]
}
