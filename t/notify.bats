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
		: >"$REG"
		prspawn -i j -W 60 -N notify -- sleep 1000 </dev/null \
		    >/dev/null 2>"$T/err" &
		S=$!
		track "$S"
		until_true eval '[ -n "$(reg_lines)" ]'
		P=$(field 1)
		track -g "$P"
		track "$P"
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

@test "-N notify: redis-server --supervised systemd: prspawn returns once it answers PING" {
	command -v redis-server >/dev/null || skip "no redis-server (apt-get install redis-server)"
	command -v redis-cli >/dev/null || skip "no redis-cli (apt-get install redis-tools)"
	port=$((20000 + RANDOM % 20000))
	run --separate-stderr prspawn -i redis -W 30 -N notify -o "$T/redis.log" -- \
	    redis-server --supervised systemd --port "$port" --bind 127.0.0.1 \
	    --daemonize no --dir "$T" --save ''
	P=$(field 1)
	track -g "$P"
	track "$P"
	[ "$status" -eq 0 ] || { cat "$T/redis.log"; false; }
	[ "$(redis-cli -p "$port" ping)" = PONG ]
	run prreap -i redis
	[ "$status" -eq 0 ]
	until_true gone "$P"
}
