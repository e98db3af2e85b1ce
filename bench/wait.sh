# bench/wait.sh - sourced by bench/bench.sh: waiting, liveness at the
# /proc floor, and containment (issue 14, SPEC 4.2-4.3).  Uses bench.sh's
# measure, fixture, $T, $R, $LIVE, $LTOK and $pids; sets M[...] and the
# WAIT_* figures that bench.sh prints.

# MANY live sleeps of our own, a record each (reg.many); their pids for the
# floor under prlist -l: a C loop that reads each /proc/PID/stat
# (bench/statloop.c).  They also make the process table as big as the
# marker scan is measured at.
MANY=${BENCH_MANY:-1000}
: >"$T/many.pids"
for ((i = 0; i < MANY; i++)); do
	sleep 100000 </dev/null >/dev/null 2>&1 &
	echo $! >>"$T/many.pids"
	pids="$pids $!"
done
disown -a
{ head -n 1 "$T/reg.0"
  while read -r p; do
	printf '%s\t-\tbench\t-\t2026-01-01T00:00:00.000Z\t%s\tmany:%s\n' \
	    "$p" "$(prpidcheck -T "$p" || echo -)" "$p"
  done <"$T/many.pids"; } >"$T/reg.many"
STATLOOP=
if ${CC:-cc} -O2 -o "$T/statloop" "$(dirname "$0")/statloop.c" \
    2>"$T/statloop.err"; then
	STATLOOP=$T/statloop
	measure statloop "" "$STATLOOP" "$T/many.pids"
	measure statloop0 "" "$STATLOOP" /dev/null
else
	echo "bench: bench/statloop.c did not build; no floor for -l:" >&2
	cat "$T/statloop.err" >&2
fi
measure list.many "" prlist -r "$T/reg.many"
measure listl.many "" prlist -r "$T/reg.many" -l

# The marker scan: a record whose leader is dead makes prlist look at
# every process for its marker; one whose leader lives needs no look.
# (-d of the dead one and -l of the live one: each lists its record and
# exits 0, as hyperfine wants.)  The dead one's process started after
# the others, ended, and was waited for, as a job's does.
sleep 100000 </dev/null >/dev/null 2>&1 &
DP=$!
DTOK=$(prpidcheck -T "$DP")
kill "$DP"
wait "$DP" 2>/dev/null
{ head -n 1 "$T/reg.0"
  printf '%s\t%s\tbench\t-\t%s\t%s\tdead\n' "$DP" "$DP" \
      2026-01-01T00:00:00.000Z "$DTOK"
} >"$T/reg.dead1"
{ head -n 1 "$T/reg.0"
  printf '%s\t-\tbench\t-\t%s\t%s\tlive\n' "$LIVE" 2026-01-01T00:00:00.000Z \
      "$LTOK"; } >"$T/reg.live1"
measure scan.dead1 "" prlist -r "$T/reg.dead1" -d
measure scan.live1 "" prlist -r "$T/reg.live1" -l
NPROC=$(ls -d /proc/[0-9]* 2>/dev/null | wc -l)

# A record of 50 members: in its process group, and (-c, where cgroup2 is
# writable) in a cgroup of its own.
printf '%s\n' 'rm -f "$1"' \
    'prspawn -r "$1" -s m $2 -- sh -c '\''i=0; while [ $i -lt 50 ]; do sleep 100000 & i=$((i + 1)); done; wait'\'' </dev/null >/dev/null 2>&1 || exit 1' \
    'p=$(prlist -r "$1" -o pid)' \
    'until [ "$(ps -o pid= -g "$p" | wc -l)" -ge 51 ]; do sleep 0.001; done' \
    >"$T/members.sh"
measure reapgrp50 "sh $T/members.sh $R" prreap -r "$R" -s m
CG=
if prspawn -r "$T/probe" -s p -c -- true </dev/null >/dev/null 2>&1; then
	CG=1
	prreap -r "$T/probe" -s p >/dev/null 2>&1
	measure reapcg50 "sh $T/members.sh $R -c" prreap -r "$R" -s m
fi

# Forty waiters for two slots: each `prspawn -t job -m 2` of a sleep, on a
# registry of 2000 records (1000 live, of another type); their CPU time,
# user+sys of the shell's children (bash's `times`), against forty `flock`
# waiters on two lock files running the same sleeps: the kernel's own
# waiting.  Once each: each takes WAITERS/2 x WSECS seconds.
WAITERS=${BENCH_WAITERS:-40}
WSECS=${BENCH_WAIT_SECS:-2}
fixture 2000 0 >"$T/reg.2000"
waiters() {	# REG HOW: the children's CPU seconds
	local i
	cp "$T/reg.2000" "$1"
	bash -c '
	for ((i = 0; i < $2; i++)); do
		if [ "$4" = flock ]; then
			flock "$1.slot$((i % 2))" sleep "$3" &
		else
			prspawn -r "$1" -t job -m 2 -W 100000 -- sleep "$3" &
		fi
	done </dev/null >/dev/null 2>&1
	wait
	times >"$1.times"' bash "$1" "$WAITERS" "$WSECS" "$2"
	# The second line: the children, user then system, as 0m1.234s.
	awk 'NR == 2 { gsub(/[ms]/, " "); printf "%.3f\n",
	    $1 * 60 + $2 + $3 * 60 + $4 }' "$1.times"
}
WAIT_CPU=$(waiters "$R" prspawn)
WAIT_FLOCK=$(waiters "$R" flock)

# The wake: from a slot's holder exiting to the next command's start, 20
# times, against the same two commands run one after the other by a shell.
wake() {	# REG HOW: the median, ms
	local i n stamp='printf "%s\n" "$EPOCHREALTIME" >>"$0"'
	rm -f "$1.end" "$1.start"
	for ((i = 1; i <= 20; i++)); do
		rm -f "$1"
		if [ "$2" = prspawn ]; then
			prspawn -r "$1" -t lat -- bash -c "sleep 0.05; $stamp" \
			    "$1.end"
			prspawn -r "$1" -t lat -m 1 -W 10 -- bash -c "$stamp" \
			    "$1.start" || break
			until n=$(wc -l <"$1.start" 2>/dev/null) &&
			    [ "$n" -eq $i ]; do sleep 0.01; done
		else
			bash -c "sleep 0.05; $stamp" "$1.end"
			bash -c "$stamp" "$1.start"
		fi
	done </dev/null >/dev/null 2>&1
	paste "$1.end" "$1.start" | awk '{ print ($2 - $1) * 1000 }' |
	    sort -g | awk '{ v[NR] = $1 } END { printf "%.3f\n", (v[10] + v[11]) / 2 }'
	rm -f "$1.end" "$1.start"
}
WAKE=$(wake "$R" prspawn)
WAKE0=$(wake "$R" shell)
