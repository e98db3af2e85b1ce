#!/usr/bin/env bats
# daemons.bats - real daemons from Debian's packages, started as a user
# starts them, in prspawn's default mode (a keeper): the record is live
# while the daemon runs, and prreap leaves none of it (SPEC 5.1, issue
# 22's table: nginx, redis-server, ssh-agent as a non-root user).  Each
# test skips, saying why, where its daemon is not installed (.ci/run
# installs nginx-light, redis-server and openssh-client).

load helper
bats_require_minimum_version 1.5.0

teardown() {
	prreg_teardown
}

# as_nobody CMD...: CMD as uid 65534, with the registry in $NB, its own.
as_nobody() {
	nobody env HOME="$NB" PRREG_FILE="$NB/registry" "$@"
}

need() {
	command -v "$1" >/dev/null || skip "$1 not installed (Debian: $2)"
	noprocfs && skip "the no-procfs build finds no descendant through a pidfd: a daemon that leaves its group escapes it, as prreg(5) says"
	return 0
}

# port: a TCP port on 127.0.0.1 that nothing listens on now.
port() {
	local p
	for p in $(shuf -i 20000-60000 -n 20); do
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
	return 1
}

# kids PID: the children of PID, one a line.
kids() {
	ps -o pid= --ppid "$1" | tr -d ' '
}

# nginx_conf: a configuration of nginx's own in $T, on 127.0.0.1:$PORT,
# with its pid file, logs and temporary files in $T, two workers.
nginx_conf() {
	PORT=$(port)
	cat >"$T/nginx.conf" <<CONF
daemon on;
worker_processes 2;
pid $T/nginx.pid;
error_log $T/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $T/body;
	proxy_temp_path $T/proxy;
	fastcgi_temp_path $T/fastcgi;
	uwsgi_temp_path $T/uwsgi;
	scgi_temp_path $T/scgi;
	server { listen 127.0.0.1:$PORT; return 200 "ok\n"; }
}
CONF
	NGINX="nginx -e $T/error.log -p $T -c $T/nginx.conf"
}

# workers: until nginx's master ($D) runs its two workers; in $W, tracked.
workers() {
	until_true eval '[ "$(kids "$D" | wc -l)" -eq 2 ]'
	W=$(kids "$D")
	for w in $W; do track "$w"; done
}

@test "nginx: master and workers keep the record live once the starter exited; prreap leaves none" {
	need nginx nginx-light
	nginx_conf
	prspawn -p -i ngx -o /dev/null -- $NGINX </dev/null >"$T/rec" 3>&-
	track -g "$(cut -f 1 "$T/rec")"
	until_true test -s "$T/nginx.pid"
	D=$(cat "$T/nginx.pid")
	track "$D"
	workers
	until_true gone "$(cut -f 1 "$T/rec")"
	run -0 prlist -l -i ngx -o id,state
	[ "$output" = "ngx${TAB}live" ]
	run -0 --separate-stderr sh -c 'prlist -i ngx | prreap'
	[ "$output" = "$(cat "$T/rec")" ]
	[ "$stderr" = "" ]
	for p in "$D" $W; do gone "$p"; done
	[ "$(reg_lines)" = "" ]
}

@test "nginx: HUP to its keeper reaches the master, which reloads (new workers)" {
	need nginx nginx-light
	nginx_conf
	prspawn -p -i ngx -o /dev/null -F "$T/keeper.pid" -- $NGINX </dev/null >"$T/rec" 3>&-
	track -g "$(cut -f 1 "$T/rec")"
	until_true test -s "$T/nginx.pid"
	D=$(cat "$T/nginx.pid")
	track "$D"
	workers
	old=$W
	until_true gone "$(cut -f 1 "$T/rec")"
	kill -HUP "$(cat "$T/keeper.pid")"
	until_true eval '[ "$(kids "$D" | sort)" != "$(printf "%s\n" $old | sort)" ] &&
	    [ "$(kids "$D" | wc -l)" -eq 2 ]'
	workers
	alive "$D"
	prlist -i ngx | prreap >/dev/null
	for p in "$D" $W; do gone "$p"; done
}

@test "nginx under -w: one line says what the starter left, then none is left" {
	need nginx nginx-light
	nginx_conf
	# The starter waits for the two workers, so that N is known, and
	# keeps the master's pid where the test reads it: nginx removes its
	# pid file once -w stops it, which may be before the test looks.
	prspawn -w -i ngx -o /dev/null -- sh -c '$1 &&
	    until [ -s "$2" ] && [ "$(ps -o pid= --ppid "$(cat "$2")" | wc -l)" -eq 2 ]
	    do sleep 0.01; done && cp "$2" "$2.seen"' sh "$NGINX" "$T/nginx.pid" \
	    </dev/null 2>"$T/err" 3>&- &
	PW=$!
	track "$PW"
	until_true test -s "$T/nginx.pid.seen"
	D=$(cat "$T/nginx.pid.seen")
	track "$D"
	ended "$PW"
	[ "$ST" -eq 0 ]
	[ "$(cat "$T/err")" = "prspawn: ngx: sh exited with status 0 and left 3 processes; stopping them" ]
	gone "$D"
	[ "$(reg_lines)" = "" ]
}

@test "redis-server --daemonize yes: live while it runs, none left by prreap" {
	need redis-server redis-server
	P=$(port)
	prspawn -p -i redis -o /dev/null -- redis-server --port "$P" \
	    --bind 127.0.0.1 --daemonize yes --dir "$T" \
	    --pidfile "$T/redis.pid" --logfile "$T/redis.log" --save '' \
	    </dev/null >"$T/rec" 3>&-
	track -g "$(cut -f 1 "$T/rec")"
	until_true test -s "$T/redis.pid"
	D=$(cat "$T/redis.pid")
	track "$D"
	until_true gone "$(cut -f 1 "$T/rec")"
	run -0 prlist -l -i redis -o id,state
	[ "$output" = "redis${TAB}live" ]
	run -0 --separate-stderr sh -c 'prlist -i redis | prreap'
	[ "$output" = "$(cat "$T/rec")" ]
	gone "$D"
}

@test "ssh-agent, started by a non-root user: live while it runs, none left by prreap" {
	need ssh-agent openssh-client
	need_nobody
	as_nobody prspawn -p -i agent -o "$NB/out" -- ssh-agent -a "$NB/agent.sock" \
	    </dev/null >"$T/rec" 3>&-
	track -g "$(cut -f 1 "$T/rec")"
	until_true grep -q 'SSH_AGENT_PID=' "$NB/out"
	D=$(sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p' "$NB/out")
	track "$D"
	until_true gone "$(cut -f 1 "$T/rec")"
	run -0 as_nobody prlist -l -i agent -o id,state
	[ "$output" = "agent${TAB}live" ]
	run -0 --separate-stderr as_nobody sh -c 'prlist -i agent | prreap'
	[ "$output" = "$(cat "$T/rec")" ]
	gone "$D"
}
