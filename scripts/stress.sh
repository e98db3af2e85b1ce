#!/bin/bash
# scripts/stress.sh - `make stress`: concurrent writers, writers while
# FILE.lock is removed in a loop, writers killed at random instants, the
# slot limit under 30 callers, and one prreap of 200 process groups.  Each part ends in one line a script can read:
#   stress: NAME: ok: FIGURES      or      stress: NAME: FAIL: WHY
# Every process started here is killed by its own pid or group at the end.
set -u
bin=${PRREG_BIN:-$(cd "$(dirname "$0")/../bin" && pwd)}
PATH=$bin:$PATH
T=$(mktemp -d /tmp/prreg-stress.XXXXXX)
chmod 700 "$T"
unset PRREG_FILE XDG_RUNTIME_DIR
fails=0
pids=
pgids=

cleanup() {
	local p
	for p in $pgids; do kill -KILL -- "-$p" 2>/dev/null; done
	for p in $pids; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null	# our own children: no "Killed" notices
	rm -rf "$T"
}
trap cleanup EXIT
trap "exit 1" INT TERM HUP

ok() { echo "stress: $1: ok: ${*:2}"; }
fail() { echo "stress: $1: FAIL: ${*:2}"; fails=$((fails + 1)); }

sleeper() {
	sleep 100000 </dev/null >/dev/null 2>&1 &
	disown
	pids="$pids $!"
	S=$!
}

# parses_whole REG: prlist reads it with no warning and no quarantine.
parses_whole() {
	local err
	err=$(prlist -r "$1" 2>&1 >/dev/null)
	[ -z "$err" ] && [ ! -s "$1.corrupt" ]
}

# --- 1. concurrent writers: 8 x 100 acknowledged operations ------------
writers() {
	local reg=$T/writers w j ws=
	sleeper
	for w in 1 2 3 4 5 6 7 8; do
		(
			for j in $(seq 1 100); do
				if [ $((j % 4)) -eq 0 ]; then
					prprune -r "$reg" -a -i "w$w-$((j - 1))" \
					    >/dev/null && echo "- w$w-$((j - 1))"
				else
					prspawn -r "$reg" -t stress -i "w$w-$j" \
					    -A "$S" && echo "+ w$w-$j"
				fi
			done >"$T/acks.$w"
		) &
		ws="$ws $!"
	done
	wait $ws
	sort -u "$T"/acks.* | awk '$1 == "+" { s[$2] = 1 } $1 == "-" { delete s[$2] }
	    END { for (k in s) print k }' | sort >"$T/want"
	prlist -r "$reg" -o id 2>/dev/null | sort >"$T/have"
	local acks
	acks=$(cat "$T"/acks.* | wc -l)
	if [ "$acks" -ne 800 ]; then
		fail writers "$acks of 800 operations acknowledged"
	elif ! cmp -s "$T/want" "$T/have"; then
		fail writers "registry differs from the acknowledged operations"
	elif ! parses_whole "$reg"; then
		fail writers "registry does not parse whole"
	else
		ok writers "8 writers x 100 operations, 800 acknowledged," \
		    "$(wc -l <"$T/have") records present as expected"
	fi
}

# --- 1b. FILE.lock removed again and again while 8 writers run --------
# Outside the contract (prreg(5), "Writing"): a writer whose lock file was
# removed while it wrote must refuse cleanly (exit 3, its message, no
# temporary file).  One held up between its last check and its rename
# (preempted: 2 CPUs, 9 processes) swaps FILE in only if FILE is still the
# file it read, else puts it back and refuses: before that swap (stop 31),
# such a writer undid every record acknowledged while it was held, up to
# 10 in 340, in 1 run of 10.  Only a third writer reading in the instant
# between a swap and its swap back can lose one now: at most 1 %.
lockgone() {
	local reg=$T/lockgone w j ws= rmloop acks present refused other lost rc
	local msg="prspawn: $reg.lock: removed while we held it; nothing written"
	local msg2="prspawn: $reg: replaced by another writer while we held $reg.lock; nothing written"
	sleeper
	( while [ ! -e "$T/lockgone.stop" ]; do rm -f "$reg.lock"; done ) &
	rmloop=$!
	pids="$pids $rmloop"
	for w in 1 2 3 4 5 6 7 8; do
		(
			for j in $(seq 1 50); do
				rc=0
				prspawn -r "$reg" -t stress -i "l$w-$j" -A "$S" \
				    2>"$T/lerr.$w" || rc=$?
				case $rc in
				0) echo "+ l$w-$j" ;;
				3) if [ "$(cat "$T/lerr.$w")" = "$msg" ] ||
				      [ "$(cat "$T/lerr.$w")" = "$msg2" ]; then
					echo "refused l$w-$j"
				   else
					echo "other l$w-$j: $(cat "$T/lerr.$w")"
				   fi ;;
				*) echo "other l$w-$j: exit $rc" ;;
				esac
			done >"$T/lack.$w"
		) &
		ws="$ws $!"
	done
	wait $ws
	touch "$T/lockgone.stop"
	wait "$rmloop" 2>/dev/null
	cat "$T"/lack.* >"$T/lall"
	awk '$1 == "+" { print $2 }' "$T/lall" | sort >"$T/lwant"
	prlist -r "$reg" -o id 2>/dev/null | sort >"$T/lhave"
	acks=$(wc -l <"$T/lwant")
	present=$(wc -l <"$T/lhave")
	refused=$(grep -c '^refused ' "$T/lall")
	other=$(grep -c '^other ' "$T/lall")
	lost=$(comm -23 "$T/lwant" "$T/lhave" | wc -l)
	if [ "$other" -ne 0 ]; then
		fail lockgone "$other writers failed otherwise than refused:" \
		    "$(grep -m 1 '^other ' "$T/lall")"
	elif [ -n "$(comm -13 "$T/lwant" "$T/lhave")" ]; then
		fail lockgone "a record present that no writer was told is written"
	elif compgen -G "$reg.tmp.*" >/dev/null; then
		fail lockgone "a refused writer left a temporary file"
	elif [ $((lost * 100)) -gt "$acks" ]; then
		fail lockgone "$acks acknowledged, $present present," \
		    "$refused refused: $lost lost, more than 1 %"
	elif ! parses_whole "$reg"; then
		fail lockgone "registry does not parse whole"
	else
		ok lockgone "8 writers x 50 prspawn -A while FILE.lock was" \
		    "removed in a loop: $acks acknowledged, $present present" \
		    "($lost lost), $refused refused cleanly with a message"
	fi
}

# --- 2. crash atomicity: writers killed by SIGKILL at random -----------
crashes() {
	local reg=$T/crash k n bad=0 killed=0 tmps
	sleeper
	header=$(prspawn -r "$reg" -p -t crash -i seed -A "$S" >/dev/null &&
	    head -1 "$reg")
	{
		echo "$header"
		awk -v pid="$S" -v tok="$(prpidcheck -T "$S")" 'BEGIN {
		    for (i = 1; i <= 2000; i++)
			printf "%d\t-\tcrash\t-\t2026-01-01T00:00:00.000Z\t%s\tr%d\n",
			    pid, tok, i }'
	} >"$reg.new" && mv "$reg.new" "$reg"
	for k in $(seq 1 200); do
		prspawn -r "$reg" -t crash -i "c$k" -A "$S" 2>/dev/null &
		local p=$!
		sleep "0.00$((RANDOM % 6))"
		kill -KILL "$p" 2>/dev/null && killed=$((killed + 1))
		wait "$p" 2>/dev/null
		n=$(prlist -r "$reg" 2>"$T/err" | wc -l)
		if [ -s "$T/err" ] || { [ "$n" -ne 2000 ] && [ "$n" -ne 2001 ]; }; then
			bad=$((bad + 1))
		fi
		[ "$n" -eq 2001 ] && prprune -r "$reg" -a -i "c$k" >/dev/null
	done
	tmps=$(find "$T" -name 'crash.tmp.*' | wc -l)
	if [ "$bad" -ne 0 ]; then
		fail crashes "$bad of 200 registries were not whole"
	else
		ok crashes "200 writers on 2000 records killed at 0-5 ms" \
		    "($killed still running when killed); registry whole" \
		    "every time; $tmps stale temp files left for the next" \
		    "writer to clean after 60 s"
	fi
}

# --- 3. slot limit: 30 concurrent prspawn -m 4 -------------------------
slots() {
	local reg=$T/slots i max=0 n log=$T/slots.log callers=
	: >"$log"
	for i in $(seq 1 30); do
		prspawn -r "$reg" -t slot -m 4 -W 120 -- sh -c \
		    'echo + >>"$1"; sleep 0.2; echo - >>"$1"' sh "$log" \
		    </dev/null >/dev/null 2>&1 &
		callers="$callers $!"
	done
	# Sample the live count until every caller and command is done.
	while :; do
		n=$(prlist -r "$reg" -l -t slot 2>/dev/null | wc -l)
		[ "$n" -gt "$max" ] && max=$n
		[ "$n" -eq 0 ] && ! kill -0 $callers 2>/dev/null && break
	done
	wait $callers
	local conc ends
	conc=$(awk '$1 == "+" { c++; if (c > m) m = c } $1 == "-" { c-- }
	    END { print m + 0 }' "$log")
	ends=$(grep -c -- - "$log")
	if [ "$max" -gt 4 ] || [ "$conc" -gt 4 ]; then
		fail slots "over the limit: $max live records, $conc running"
	elif [ "$ends" -ne 30 ]; then
		fail slots "only $ends of 30 commands ran"
	else
		ok slots "30 callers of prspawn -m 4: at most $max live" \
		    "records and $conc commands running at once; all 30 ran"
	fi
}

# --- 4. reaping under load: 200 groups, each with a child --------------
reaping() {
	local reg=$T/reap i gone=0 t0 t1 g
	sleeper
	local canary=$S
	for i in $(seq 1 200); do
		prspawn -r "$reg" -t load -s big -- sh -c \
		    'sleep 100000 & exec sleep 100000' </dev/null >/dev/null 2>&1
	done
	for g in $(prlist -r "$reg" -o pgid); do pgids="$pgids $g"; done
	t0=$(date +%s%N)
	prreap -r "$reg" -s big >/dev/null
	local rc=$?
	t1=$(date +%s%N)
	for g in $(prlist -r "$reg" -o pgid 2>/dev/null); do :; done
	local left=0
	for g in $pgids; do
		if ps -o stat= -g "$g" 2>/dev/null | grep -qv '^Z'; then
			left=$((left + 1))
		fi
	done
	if [ "$rc" -ne 0 ] || [ "$left" -ne 0 ]; then
		fail reaping "prreap exit $rc, $left groups survived"
	elif ! kill -0 "$canary" 2>/dev/null; then
		fail reaping "a process outside the registry was hit"
	elif prlist -r "$reg" >/dev/null 2>&1; then
		fail reaping "records left behind"
	else
		ok reaping "200 groups of 2 stopped by one prreap in" \
		    "$(((t1 - t0) / 1000000)) ms; none survived, the canary lives"
	fi
}

writers
lockgone
crashes
slots
reaping
echo "stress: $fails failed"
[ "$fails" -eq 0 ]
