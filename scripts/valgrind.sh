#!/bin/sh
# scripts/valgrind.sh - `make valgrind`: every tool under valgrind's memcheck
# on a registry of 10000 records: a few live ones (sleeps started here),
# thousands of dead ones (PIDs no system gives, or a token no process has),
# and a few malformed lines.  One line per run a script can read, and a
# summary:
#   valgrind: NAME: N errors
#   valgrind: ok: R runs, 0 errors      or      valgrind: FAIL: ...
# A run with a memory error or a definite or indirect leak fails; its
# valgrind log goes to stderr.  Every sleep started here is killed by its
# own pid at the end.
set -u
bin=${PRREG_BIN:-$(cd "$(dirname "$0")/../bin" && pwd)}
PATH=$bin:$PATH
NREC=${NREC:-10000}
T=$(mktemp -d /tmp/prreg-valgrind.XXXXXX)
chmod 700 "$T"
unset PRREG_FILE XDG_RUNTIME_DIR
REG=$T/registry
runs=0
errors=0
fails=
pids=

cleanup() {
	for p in $pids; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 2' HUP INT TERM

command -v valgrind >/dev/null || {
	echo "valgrind: valgrind not found (Debian: apt-get install valgrind)" >&2
	exit 2
}
for t in prlist prprune prpidcheck prreap prwait; do
	[ -x "$bin/$t" ] || { echo "valgrind: $bin/$t: not built" >&2; exit 2; }
done

# vg NAME WANT TOOL [ARG...]: run TOOL under memcheck, stdin from $IN.
# WANT is the exit status the run should have (a different one is said,
# since the run then did not do what it was meant to, but is no error).
IN=/dev/null
vg() {
	name=$1 want=$2
	shift 2
	rm -f "$T"/vg.*.log
	valgrind --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect --trace-children=no \
	    --log-file="$T/vg.%p.log" "$@" <"$IN" >"$T/out" 2>"$T/err"
	rc=$?
	# A summary per process valgrind ran (a fork that failed to exec too).
	n=$(cat "$T"/vg.*.log 2>/dev/null |
	    sed -n 's/.*ERROR SUMMARY: \([0-9]*\) error.*/\1/p' |
	    awk '{ s += $1 } END { print NR ? s : -1 }')
	runs=$((runs + 1))
	if [ "$n" -lt 0 ]; then
		echo "valgrind: $name: did not run: $(head -n 1 "$T/err")" >&2
		n=1
	fi
	if [ "$rc" -eq 99 ] || [ "$n" -gt 0 ]; then
		[ "$n" -gt 0 ] || n=1
		cat "$T"/vg.*.log >&2
		errors=$((errors + n))
		fails="$fails $name"
	fi
	[ "$rc" -eq 99 ] || [ "$rc" -eq "$want" ] ||
		echo "valgrind: $name: note: exit $rc, expected $want;" \
		    "stderr: $(head -n 1 "$T/err")" >&2
	echo "valgrind: $name: $n errors"
}

sleeper() {
	sleep 100000 </dev/null >/dev/null 2>&1 &
	S=$!
	pids="$pids $S"
	STOK=$(prpidcheck -T "$S") || STOK=-
}

# --- the registry: live, dead, reused and malformed ---------------------
boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null) || boot=-
[ "$(prpidcheck -T $$ | tr -d 0-9)" != T ] || boot=-	# no-procfs build
live=
{
	echo "#prreg 1 boot=$boot"
	# Live: three in session "live", two in "stdin", one with no token.
	for s in live live live stdin stdin; do
		sleeper
		live="$live $S"
		printf '%s\t-\tagent\t%s\t2026-01-01T00:00:00.000Z\t%s\t%s\n' \
		    "$S" "$s" "$STOK" "agent:$s:$S"
	done
	sleeper
	live="$live $S"
	printf '%s\t-\tproc\t-\t2026-01-01T00:00:01.000Z\t-\tnotoken\n' "$S"
	# A stranger's PID: a live process, but another token (dead, reused).
	printf '%s\t%s\tproc\t-\t2026-01-01T00:00:02.000Z\t1\treused\n' "$S" "$S"
	# Malformed: dropped by the first writer, into registry.corrupt.
	printf 'not a record\n'
	printf '12\t-\tproc\t-\t2026-01-01T00:00:03.000Z\t-\n'
	printf '12\t-\tproc\t-\t2026-01-01T00:00:03.000Z\t-\tnotoken\n'
	# Dead: PIDs above any pid_max, with a token or without.
	awk -v n="$((NREC - 7))" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "%d\t%s\t%s\ts%d\t2026-%02d-%02dT%02d:%02d:%02d.%03dZ" \
			    "\t%s\tdead%d\n", i % 2 ? 2000000000 + i : 5000000 + i,
			    i % 3 ? "-" : 2000000000 + i, i % 5 ? "agent" : "worker",
			    i % 50, i % 12 + 1, i % 28 + 1, i % 24, i % 60,
			    (i * 7) % 60, i % 1000, i % 2 ? "-" : "1", i
	}'
} >"$REG"
chmod 600 "$REG"
set -- $live
live1=$1
sleeper
unrecorded=$S
echo "$live1 $(prpidcheck -T "$live1")" >"$T/pidfile"

# --- the runs -----------------------------------------------------------
vg prlist 0 prlist -r "$REG"
vg "prlist -l" 0 prlist -r "$REG" -l
vg "prlist -o" 0 prlist -r "$REG" -d -o pid,id,token,started
vg "prprune -n" 0 prprune -r "$REG" -n
vg prpidcheck 0 prpidcheck -v $live
vg "prpidcheck -f" 0 prpidcheck -f "$T/pidfile"
vg "prpidcheck -T" 0 prpidcheck -T "$live1"
vg "prreap -n" 0 prreap -r "$REG" -n -t agent
# prwait: what it would wait for, a wait that runs out on the live, and
# one for thousands of dead records (and the stdin path) that ends at once.
vg "prwait -n" 0 prwait -r "$REG" -n -t agent
vg "prwait -T" 1 prwait -r "$REG" -s live -T 0.2
vg "prwait (dead)" 0 prwait -r "$REG" -t worker
prlist -r "$REG" -d -s s1 >"$T/in" 2>/dev/null
IN=$T/in vg "prwait (stdin)" 0 prwait -r "$REG"
IN=/dev/null
vg prreap 0 prreap -r "$REG" -s live -T 5
prlist -r "$REG" -s stdin >"$T/in" 2>/dev/null
IN=$T/in vg "prreap (stdin)" 0 prreap -r "$REG" -T 5
IN=/dev/null
vg prprune 0 prprune -r "$REG"
if [ -x "$bin/prspawn" ]; then
	vg "prspawn -A" 0 prspawn -r "$REG" -t adopted -A "$unrecorded"
	vg "prspawn --" 0 prspawn -r "$REG" -t spawned -- true
fi

if [ "$errors" -gt 0 ]; then
	echo "valgrind: FAIL: $errors errors in$fails"
	exit 1
fi
echo "valgrind: ok: $runs runs, 0 errors"
