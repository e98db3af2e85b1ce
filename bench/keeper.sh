# bench/keeper.sh - sourced by bench/bench.sh, after its targets: what the
# keeper (SPEC 5.1-5.3, issue 22) costs, each against its target:
#   - a keeper's private dirty memory (smaps_rollup), glibc and static
#     builds (PRREG_STATIC_BIN, default build/static/bin: `make static`);
#   - prspawn -- true with its keeper against setsid -f true, empty and at
#     10 000 records: bench.sh's spawn.N rows, which run prspawn in its
#     default mode, that is with a keeper;
#   - prreap of one keeper record: bench.sh's reap.1 (groups.sh starts
#     its sleep in default mode);
#   - a lifeline: from the owner's SIGKILL to the record's end
#     (bench/lifeline.c).
# Next to them, bare (-b) starts and reaps, for the keeper's share.  A
# figure this build cannot give (no keeper, no -L, no static build) reads
# "not measured" with the reason, never a guess.  Uses bench.sh's measure,
# row, target, ms, ratio, $T, $R, $bin and M[...].

# unmeasured NAME WHY: a target line for a figure not taken.
unmeasured() {
	echo "target: $1: not measured ($2)"
}

# keeper_mem BIN: KPID = the keeper BIN/prspawn leaves of a sleep (empty,
# with KWHY, when it leaves none), KMEM = its Private_Dirty in kB (empty,
# with KWHY, when it cannot be read).
keeper_mem() {
	local kr=$T/keeper.reg
	KPID= KMEM= KWHY=
	rm -f "$kr"
	# A binary just written is dirty in the page cache, and counted.
	sync "$1/prspawn" 2>/dev/null || sync
	if ! "$1/prspawn" -r "$kr" -s k -i kmem -- sleep 100000 \
	    </dev/null >/dev/null 2>"$T/keeper.err"; then
		KWHY="prspawn failed: $(head -n 1 "$T/keeper.err")"
		return
	fi
	KPID=$("$1/prlist" -r "$kr" -i kmem -o keeper 2>/dev/null)
	KPID=${KPID%%:*}
	[ "$KPID" != - ] || KPID=
	if [ -z "$KPID" ]; then
		KWHY="prspawn leaves no keeper"
	elif [ ! -r "/proc/$KPID/smaps_rollup" ]; then
		KWHY="no /proc/PID/smaps_rollup here"
	else
		KMEM=$(awk '$1 == "Private_Dirty:" { print $2 }' \
		    "/proc/$KPID/smaps_rollup")
		[ -n "$KMEM" ] || KWHY="no Private_Dirty in smaps_rollup"
	fi
	"$1/prreap" -r "$kr" -s k >/dev/null 2>&1
}

# mem_target BUILD BIN: the private dirty target of BIN's keeper.
mem_target() {
	local name="a keeper's private dirty memory at most 256 KiB, $1 build"
	if [ -n "${KMEMS[$1]:-}" ]; then
		target "$name" \
		    "$(awk -v k="${KMEMS[$1]}" 'BEGIN { print k <= 256 }')" \
		    "${KMEMS[$1]} KiB; $2/prspawn${KNOTE[$1]:-}"
	else
		unmeasured "$name" "${KWHYS[$1]}"
	fi
}

declare -A KMEMS KWHYS KNOTE
keeper_mem "$bin"
KMEMS[glibc]=$KMEM KWHYS[glibc]=$KWHY
KEEPER=$KPID		# the build under test leaves a keeper
KEEPER_WHY=$KWHY
TREE=$(cd "$(dirname "$0")/.." && pwd)
SBIN=${PRREG_STATIC_BIN:-$TREE/build/static/bin}
if [ -x "$SBIN/prspawn" ] && [ -x "$SBIN/prlist" ] && [ -x "$SBIN/prreap" ]
then
	keeper_mem "$SBIN"
	KMEMS[static]=$KMEM KWHYS[static]=$KWHY
	# A static build is made by hand (make static): it may be stale.
	[ -z "$(find "$TREE/bin" "$TREE/lib" -name '*.[ch]' \
	    -newer "$SBIN/prspawn" 2>/dev/null | head -n 1)" ] ||
	    KNOTE[static]=" (older than sources in $TREE)"
else
	KWHYS[static]="not built: no $SBIN/prspawn; make static"
fi

# Bare starts and reaps, for the keeper's share of spawn.N and reap.1.
if [ -n "$KEEPER" ]; then
	for n in 0 10000; do
		measure spawnb.$n "cp $T/reg.$n $R" prspawn -r "$R" -b -- true
	done
	printf '%s\n' 'rm -f "$1"' \
	    'exec prspawn -r "$1" -s g -b -- sleep 100000 </dev/null >/dev/null 2>&1' \
	    >"$T/bare.sh"
	measure reapbare "sh $T/bare.sh $R" prreap -r "$R" -s g
	# The floor under a keeper's start (floor.c -k): the write protocol,
	# nothing parsed, the command started by a middle process that says
	# when it has executed, then waits for it and writes FILE again as a
	# keeper writes the end.  What the design costs, before prspawn's code.
	if [ -n "$FLOOR" ]; then
		for n in 0 10000; do
			measure floork.$n "cp $T/reg.$n $R" "$FLOOR" -k "$R" true
		done
	fi
fi

# The lifeline: prspawn -L of a sleep (which TERM ends) from an owner,
# the owner SIGKILLed, until the record's end is written; the median of
# BENCH_LIFELINE_RUNS runs (bench/lifeline.c).  A prspawn that refuses -L
# has none.
LRUNS=${BENCH_LIFELINE_RUNS:-20}
LIFE= LWHY=
mkdir "$T/life"
if [ -z "$KEEPER" ]; then
	LWHY=$KEEPER_WHY
elif ! ${CC:-cc} -O2 -o "$T/lifeline" "$(dirname "$0")/lifeline.c" \
    2>"$T/lifeline.err"; then
	LWHY="bench/lifeline.c did not build"
	cat "$T/lifeline.err" >&2
elif ! prspawn -r "$T/life/probe" -s lp -L -- true \
    </dev/null >/dev/null 2>"$T/lifeline.err"; then
	LWHY="prspawn has no -L: $(head -n 1 "$T/lifeline.err")"
elif ! "$T/lifeline" "$LRUNS" "$T/life/registry" "$bin/prspawn" \
    sleep 100000 >"$T/lifeline.out" 2>"$T/lifeline.err"; then
	LWHY="bench/lifeline failed: $(head -n 1 "$T/lifeline.err")"
else
	read -r LIFE <"$T/lifeline.out"
fi
for f in probe:lp registry:life; do
	[ ! -f "$T/life/${f%:*}" ] || prreap -r "$T/life/${f%:*}" \
	    -s "${f#*:}" -S KILL -T 1 >/dev/null 2>&1
done

# --- rows and targets -----------------------------------------------------
echo
echo "keeper (SPEC 5.1-5.3):"
if [ -n "$KEEPER" ]; then
	for n in 0 10000; do
		row "prspawn -b -- true (bare)" $n spawnb.$n \
		    "setsid -f true" setsid
		row "prspawn -- true (keeper)" $n spawn.$n \
		    "prspawn -b" spawnb.$n
		[ -z "$FLOOR" ] || {
			row "keeper's floor (floor -k)" $n floork.$n \
			    "setsid -f true" setsid
			row "prspawn -- true (keeper)" $n spawn.$n \
			    "keeper's floor" floork.$n; }
	done
	row "prreap, 1 bare record (-b)" 1 reapbare
	row "prreap, 1 keeper record" 1 reap.1 "a bare record" reapbare
fi
mem_target glibc "$bin"
mem_target static "$SBIN"

# spawn_target N WITHIN LABEL
spawn_target() {
	local r name="prspawn -- true with its keeper within ${2}x setsid -f true, $3"
	if [ -z "$KEEPER" ]; then
		unmeasured "$name" "$KEEPER_WHY"
		return
	fi
	r=$(ratio "${M[spawn.$1]}" "${M[setsid]}")
	local fl=
	[ -z "$FLOOR" ] || fl="; the keeper's floor, nothing parsed:\
 x$(ratio "${M[floork.$1]}" "${M[setsid]}")"
	target "$name" "$(awk -v r="$r" -v w="$2" 'BEGIN { print r <= w }')" \
	    "$(ms "${M[spawn.$1]}") ms vs $(ms "${M[setsid]}") ms: x$r; bare\
 (-b): x$(ratio "${M[spawnb.$1]}" "${M[setsid]}")$fl"
}
spawn_target 0 1.5 "empty registry"
spawn_target 10000 3 "10000 records"

# The write path's target (set before keepers, for the start as it then
# was: a bare one, -b); where there is no keeper, the start as it is.
k=spawnb.10000
[ -n "$KEEPER" ] || k=spawn.10000
r=$(ratio "${M[$k]}" "${M[setsid]}")
why=
[ -z "$FLOOR" ] || why="; the write protocol alone, nothing parsed:\
 $(ms "${M[floor.10000]}") ms, x$(ratio "${M[floor.10000]}" "${M[setsid]}")"
target "prspawn -b -- true, 10000 records, within 2x setsid -f true" \
    "$(awk -v r="$r" 'BEGIN { print r <= 2 }')" \
    "$(ms "${M[$k]}") ms vs $(ms "${M[setsid]}") ms: x$r$why"

name="prreap of one keeper record: median at most 2 ms"
if [ -n "$KEEPER" ]; then
	target "$name" "$(awk -v s="${M[reap.1]}" 'BEGIN { print s <= 0.002 }')" \
	    "$(ms "${M[reap.1]}") ms; a bare record's $(ms "${M[reapbare]}") ms"
else
	unmeasured "$name" "$KEEPER_WHY"
fi

name="lifeline: an owner's SIGKILL to its record's end, median under 50 ms"
if [ -n "$LIFE" ]; then
	read -r med lo hi ended runs <<<"$LIFE"
	target "$name" "$(awk -v m="$med" -v e="$ended" -v n="$runs" \
	    'BEGIN { print m < 50 && e == n }')" \
	    "$med ms, $lo-$hi ms over $runs runs; $ended of $runs ended"
else
	unmeasured "$name" "$LWHY"
fi
