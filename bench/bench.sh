#!/bin/bash
# bench/bench.sh - `make bench`: what each tool costs, next to the floor it
# stands on, measured in the same run: prspawn against `setsid -f true`,
# prlist against `cat` of the same file, prpidcheck against the shell's
# `kill -0`.  Fixtures are built from scratch in a temporary directory.
# Prints a table of medians and ratios, peak RSS at 100 000 records, how
# the cost grows with the registry's size, and one line per target:
#   target: NAME: met (FIGURES)      or      target: NAME: MISSED (FIGURES)
#
# hyperfine where present (at least BENCH_RUNS runs, default 30, after 3
# warm-ups), else (or with BENCH_NO_HYPERFINE=1) a timing loop of its own.
# Where unshare(1) may, it runs in a PID namespace of its own, as its PID 1:
# the orphans prspawn leaves are then reaped even where the system's PID 1
# never reaps (in some containers), instead of piling up as zombies.  Every process started here is stopped
# at the end: by its own pid, or through prreap, token-checked, by group.
set -u
export LC_ALL=C
bin=${PRREG_BIN:-$(cd "$(dirname "$0")/../bin" && pwd)}
PATH=$bin:$PATH
RUNS=${BENCH_RUNS:-30}

if [ -z "${PRREG_BENCH_NS:-}" ]; then
	export PRREG_BENCH_NS=1 PRREG_BIN=$bin
	for u in "unshare" "unshare -r"; do
		$u --pid --fork --mount-proc true 2>/dev/null &&
		    exec $u --pid --fork --mount-proc --kill-child \
		    bash "$0" "$@"
	done
	PRREG_BENCH_NS=none
fi

for t in prspawn prlist prprune prreap prpidcheck prwait; do
	[ -x "$bin/$t" ] || { echo "bench: $bin/$t: not built" >&2; exit 2; }
done
T=$(mktemp -d /tmp/prreg-bench.XXXXXX)
chmod 700 "$T"
unset PRREG_FILE XDG_RUNTIME_DIR
R=$T/registry		# what a measured run works on, restored before it
pids=

cleanup() {
	local p
	for s in g v; do
		[ -f "$R" ] && prreap -r "$R" -s $s -S KILL -T 1 >/dev/null 2>&1
	done
	for p in $pids; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 2' HUP INT TERM

sleeper() {
	sleep 100000 </dev/null >/dev/null 2>&1 &
	S=$!
	disown
	pids="$pids $S"
}

# --- fixtures -------------------------------------------------------------
# reg.N: N records, every other one live (our sleep, by its token), the
# others dead (PIDs above 4194304, which Linux never gives), in start order
# as prspawn writes them; shuf.N: the same in no order, for prlist to sort.
sleeper
LIVE=$S
LTOK=$(prpidcheck -T "$LIVE") || LTOK=-
boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null) || boot=-
fixture() {
	awk -v n=$1 -v shuf=$2 -v lp=$LIVE -v lt="$LTOK" -v boot="$boot" '
	BEGIN {
		printf "#prreg 1 boot=%s\n", boot
		for (i = 0; i < n; i++) {
			s = shuf ? (i * 7919) % n : i
			if (i % 2 == 0) { p = lp; g = "-"; t = lt }
			else { p = 5000000 + i; g = p; t = 100000 + i }
			printf "%s\t%s\tbench\ts%d\t2026-01-%02dT%02d:%02d:" \
			    "%02d.%03dZ\t%s\tbench:%d\n", p, g, i % 100,
			    1 + s / 86400, s / 3600 % 24, s / 60 % 60, s % 60,
			    i % 1000, t, i
		}
	}'
}
for n in 0 10 1000 10000 100000; do
	fixture $n 0 >"$T/reg.$n"
done
fixture 10000 1 >"$T/shuf.10000"

# A zombie (its parent, a sleep, never waits) and a registry naming it.
sh -c 'sleep 0 & echo $! >"$1"; exec sleep 100000' sh "$T/zpid" \
    </dev/null >/dev/null 2>&1 &
pids="$pids $!"
disown
while [ ! -s "$T/zpid" ]; do sleep 0.01; done
Z=$(cat "$T/zpid")
while [ "$(ps -o stat= -p "$Z" | cut -c1)" != Z ]; do sleep 0.01; done
{ head -n 1 "$T/reg.0"
  printf '%s\t-\tbench\tz\t2026-01-01T00:00:00.000Z\t%s\tzombie\n' "$Z" \
      "$(prpidcheck -T "$Z" || echo -)"; } >"$T/reg.zombie"

# Preparations: N cooperative groups (sleeps) in session g; one sleep that
# ignores TERM, waited for until it is the sleep; one sleep in a registry
# of N records, by id.
cat >"$T/groups.sh" <<'EOF'
rm -f "$1"
i=0
while [ $i -lt "$2" ]; do
	prspawn -r "$1" -s g -- sleep 100000 </dev/null >/dev/null 2>&1 || exit 1
	i=$((i + 1))
done
EOF
cat >"$T/stubborn.sh" <<'EOF'
rm -f "$1"
prspawn -r "$1" -s g -- sh -c 'trap "" TERM; exec sleep 100000' \
    </dev/null >/dev/null 2>&1 || exit 1
p=$(prlist -r "$1" -o pid)
until [ "$(cat /proc/$p/comm 2>/dev/null)" = sleep ]; do sleep 0.001; done
EOF
cat >"$T/victim.sh" <<'EOF'
cp "$2" "$1"
exec prspawn -r "$1" -s v -i victim -- sleep 100000 </dev/null >/dev/null 2>&1
EOF

# --- measuring ------------------------------------------------------------
declare -A M		# key -> median, seconds
HF=$(command -v hyperfine)
[ -z "${BENCH_NO_HYPERFINE:-}" ] || HF=
if [ -n "$HF" ]; then
	how="hyperfine -N, at least $RUNS runs after 3 warm-ups, output to a pipe"
else
	how="bash's own timing loop, $RUNS runs after 3 warm-ups, output to /dev/null"
fi

# measure KEY PREPARE CMD [ARG...]: M[KEY] = the median of CMD's run time;
# PREPARE (a command line split at blanks, or "") runs before each run.
measure() {
	local key=$1 prep=$2 i t0 t1
	shift 2
	if [ -n "$HF" ]; then
		"$HF" -N --warmup 3 --min-runs "$RUNS" --output=pipe \
		    ${prep:+--prepare "$prep"} --export-csv "$T/$key.csv" \
		    "$(printf '%q ' "$@")" >"$T/$key.out" 2>&1 ||
		    { echo "bench: $key: hyperfine failed:" >&2
		      cat "$T/$key.out" >&2; exit 3; }
		M[$key]=$(awk -F, 'NR == 2 { print $(NF - 4) }' "$T/$key.csv")
		return
	fi
	for ((i = 0; i < RUNS + 3; i++)); do
		[ -z "$prep" ] || $prep </dev/null >/dev/null 2>&1
		t0=$EPOCHREALTIME
		"$@" </dev/null >/dev/null 2>&1
		t1=$EPOCHREALTIME
		[ $i -lt 3 ] || echo "$t0 $t1"
	done >"$T/$key.times"
	M[$key]=$(awk '{ print $2 - $1 }' "$T/$key.times" | sort -g |
	    awk '{ v[NR] = $1 } END { print (v[int((NR + 1) / 2)] + \
	    v[int(NR / 2) + 1]) / 2 }')
}

# rss KEY PREPARE CMD [ARG...]: RSS[KEY] = peak resident set of one run, kB.
declare -A RSS
rss() {
	local key=$1 prep=$2
	shift 2
	[ -x /usr/bin/time ] || return 0
	[ -z "$prep" ] || $prep </dev/null >/dev/null 2>&1
	/usr/bin/time -f %M -o "$T/$key.rss" "$@" </dev/null >/dev/null 2>&1
	RSS[$key]=$(tail -n 1 "$T/$key.rss")
}

echo "bench: $how; binaries in $bin" >&2
[ "$PRREG_BENCH_NS" = none ] &&
    echo "bench: note: no PID namespace (unshare refused): orphans go" \
	"to the system's PID 1" >&2
measure setsid "" setsid -f true
for n in 0 1000 10000 100000; do
	measure spawn.$n "cp $T/reg.$n $R" prspawn -r "$R" -- true
done
# The floor under prspawn: prreg(5)'s write protocol and a start, nothing
# parsed (bench/floor.c).
FLOOR=
if ${CC:-cc} -O2 -o "$T/floor" "$(dirname "$0")/floor.c" 2>"$T/floor.err"
then
	FLOOR=$T/floor
	for n in 0 10000; do
		measure floor.$n "cp $T/reg.$n $R" "$FLOOR" "$R" true
	done
else
	echo "bench: bench/floor.c did not build; no floor row:" >&2
	cat "$T/floor.err" >&2
fi
for n in 10 1000 10000 100000; do
	measure cat.$n "" cat "$T/reg.$n"
	measure list.$n "" prlist -r "$T/reg.$n"
done
measure shuf.10000 "" prlist -r "$T/shuf.10000"
for n in 1000 10000 100000; do
	measure listl.$n "" prlist -r "$T/reg.$n" -l
	measure prune.$n "cp $T/reg.$n $R" prprune -r "$R"
	measure reapin.$n "sh $T/victim.sh $R $T/reg.$n" prreap -r "$R" -i victim
done
for n in 1 10 100; do
	measure reap.$n "sh $T/groups.sh $R $n" prreap -r "$R" -s g
done
measure reapterm "sh $T/stubborn.sh $R" prreap -r "$R" -s g -T 0.5
measure reapzombie "cp $T/reg.zombie $R" prreap -r "$R" -s z
measure kill0 "" sh -c "kill -0 $LIVE"
measure pidcheck "" sh -c "prpidcheck $LIVE"
rss cat.100000 "" cat "$T/reg.100000"
rss spawn.100000 "cp $T/reg.100000 $R" prspawn -r "$R" -- true
rss list.100000 "" prlist -r "$T/reg.100000"
rss listl.100000 "" prlist -r "$T/reg.100000" -l
rss prune.100000 "cp $T/reg.100000 $R" prprune -r "$R"
rss reapin.100000 "sh $T/victim.sh $R $T/reg.100000" prreap -r "$R" -i victim

. "$(dirname "$0")/wait.sh"

# --- the table ------------------------------------------------------------
ms() { awk -v s="$1" 'BEGIN { printf "%.3f", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# row LABEL RECORDS KEY [BASELABEL BASEKEY]
row() {
	local r=- b=- bl=${4:--}
	if [ $# -gt 3 ]; then
		b=$(ms "${M[$5]}")
		r=$(ratio "${M[$3]}" "${M[$5]}")
	fi
	printf '%-30s %8s %10s   %-18s %10s %7s %9s\n' "$1" "$2" \
	    "$(ms "${M[$3]}")" "$bl" "$b" "$r" "${RSS[$3]:--}"
}

printf '%-30s %8s %10s   %-18s %10s %7s %9s\n' what records median_ms \
    baseline base_ms ratio rss_kB
for n in 0 1000 10000 100000; do
	row "prspawn -- true" $n spawn.$n "setsid -f true" setsid
done
if [ -n "$FLOOR" ]; then
	for n in 0 10000; do
		row "write protocol alone (floor)" $n floor.$n "setsid -f true" \
		    setsid
	done
	row "prspawn -- true" 10000 spawn.10000 "the floor" floor.10000
fi
for n in 10 1000 10000 100000; do
	row "prlist" $n list.$n "cat" cat.$n
done
row "prlist, start times shuffled" 10000 shuf.10000 "cat" cat.10000
for n in 1000 10000 100000; do
	row "prlist -l (half live)" $n listl.$n "cat" cat.$n
done
for n in 1000 10000 100000; do
	row "prprune (half dead)" $n prune.$n "cat" cat.$n
done
for n in 1 10 100; do
	row "prreap, $n group(s)" $n reap.$n
done
row "prreap -T 0.5, TERM ignored" 1 reapterm
row "prreap, a zombie's record" 1 reapzombie
for n in 1000 10000 100000; do
	row "prreap -i, 1 of N records" $n reapin.$n
done
if [ -n "$STATLOOP" ]; then
	row "C loop: /proc/PID/stat each" $MANY statloop
	row "prlist -l, distinct live pids" $MANY listl.many \
	    "the C loop" statloop
fi
row "prlist -d, 1 dead leader" 1 scan.dead1 "-l, 1 live leader" scan.live1
row "prreap, 50 in its group" 51 reapgrp50
[ -z "$CG" ] || row "prreap -c record, 50 members" 51 reapcg50
row "sh -c 'prpidcheck PID'" - pidcheck "sh -c 'kill -0 PID'" kill0
row "cat (100000 records)" 100000 cat.100000
[ -x /usr/bin/time ] ||
    echo "(rss: /usr/bin/time not found, peak RSS not measured)"

# --- growth and targets ---------------------------------------------------
echo
missed=0
target() {
	if [ "$2" = 1 ]; then
		echo "target: $1: met ($3)"
	else
		echo "target: $1: MISSED ($3)"
		missed=$((missed + 1))
	fi
}
# Linear: the cost of each record added between 10 000 and 100 000
# records at most twice that between 1 000 and 10 000 (caches allowed for),
# and 100 times the records no more than 100 times the time.
for k in spawn:prspawn list:prlist listl:"prlist -l" prune:prprune \
    reapin:"prreap -i"; do
	key=${k%%:*} name=${k#*:}
	a=${M[$key.1000]} b=${M[$key.10000]} c=${M[$key.100000]}
	line=$(awk -v a="$a" -v b="$b" -v c="$c" 'BEGIN {
		lo = (b - a) / 9000 * 1e6; hi = (c - b) / 90000 * 1e6
		ok = c / a <= 100 && (hi <= 2 * lo || hi < 0.05)
		printf "%d 1000 -> 100000 records (x100): time x%.1f; " \
		    "per added record %.3f us (1000 -> 10000), %.3f us " \
		    "(10000 -> 100000)", ok, c / a, lo, hi
	}')
	target "linear $name" "${line%% *}" "${line#* }"
done
# "prspawn 10000 within 2x setsid -f true", the write path's target from
# before keepers, is keeper.sh's: of a bare start (-b), as it was set.
r=$(ratio "${M[list.10000]}" "${M[cat.10000]}")
target "prlist 10000 within 4x cat" \
    "$(awk -v r="$r" 'BEGIN { print r <= 4 }')" \
    "$(ms "${M[list.10000]}") ms vs $(ms "${M[cat.10000]}") ms: x$r"
target "prreap of one cooperative group under 10 ms" \
    "$(awk -v s="${M[reap.1]}" 'BEGIN { print s < 0.010 }')" \
    "$(ms "${M[reap.1]}") ms"
echo "waiting: $WAITERS prspawn -m 2 -- sleep $WSECS on 2000 records:" \
    "$WAIT_CPU s of CPU; $WAITERS flock waiters: $WAIT_FLOCK s"
echo "wake: a holder's exit to the next command's start, median of 20:" \
    "$WAKE ms; a shell running the two in turn: $WAKE0 ms"
echo "marker scan at $NPROC processes: $(awk -v a="${M[scan.dead1]}" \
    -v b="${M[scan.live1]}" 'BEGIN { printf "%.3f", (a - b) * 1000 }') ms" \
    "(prlist -d of a dead leader's record less -l of a live one's)"
target "$WAITERS waiters under 0.5 s of CPU above flock's" \
    "$(awk -v a="$WAIT_CPU" -v b="$WAIT_FLOCK" 'BEGIN { print a - b < 0.5 }')" \
    "$WAIT_CPU s vs $WAIT_FLOCK s"
target "wake latency median under 5 ms above a shell's" \
    "$(awk -v w="$WAKE" -v s="$WAKE0" 'BEGIN { print w - s < 5 }')" \
    "$WAKE ms vs $WAKE0 ms"
if [ -n "$STATLOOP" ]; then
	line=$(awk -v l="${M[listl.many]}" -v p="${M[list.many]}" \
	    -v c="${M[statloop]}" -v c0="${M[statloop0]}" -v n="$MANY" 'BEGIN {
		a = (l - p) / n * 1e6; b = (c - c0) / n * 1e6
		printf "%d %.2f us a record vs %.2f us: x%.2f", a <= 1.5 * b,
		    a, b, a / b }')
	target "prlist -l per record within 1.5x of reading /proc/PID/stat" \
	    "${line%% *}" "${line#* }"
fi
. "$(dirname "$0")/keeper.sh"	# the keeper's costs (issue 22)
echo "bench: $missed target(s) missed"
