#!/bin/sh
# scripts/demo.sh - `make demo`: the tools at work on a scratch registry.
#
# Each step is said in one line ("# ..."), then its command is shown
# ("$ ...") and run, with its output and, when not 0, its exit status.
# Output is the same from run to run except record lines (pids, times,
# tokens) and prreap's milliseconds.  It ends with an empty registry and
# checks that nothing it started still runs; the EXIT trap stops, by the
# registry (prreap) and then by pid and token, whatever a failed run left,
# and removes the scratch directory.
#
# PRREG_DEMO_PIDS=FILE: also write there "PID TOKEN" of each process it
# started, for a test to check them without signalling anything.
set -u
bin=${PRREG_BIN:-$(cd "$(dirname "$0")/../bin" && pwd)}
PATH=$bin:$PATH
T=$(mktemp -d "${TMPDIR:-/tmp}/prreg-demo.XXXXXX") || exit 3
chmod 700 "$T"
unset XDG_RUNTIME_DIR
PRREG_FILE=$T/registry
export PRREG_FILE
started=$T/started	# "PID TOKEN" of each process started
: >"$started"
status=0
job=

cleanup() {
	cd /
	# Our own child, not waited for yet: its pid is still its own.
	[ -z "$job" ] || kill -KILL "$job" 2>/dev/null
	# What is recorded, too: an interrupt may come before keep.
	prlist -s demo -o pid,token 2>/dev/null | tr '\t' ' ' >>"$started"
	sort -u -o "$started" "$started"
	# What a failed run left recorded: stopped as prreap does, by
	# pidfd and token, never a stranger.
	prreap -s demo -S KILL -T 1 </dev/null >/dev/null 2>&1
	# Anything still live by its own token: it, and its group when it
	# leads one (a group's id is its leader's pid), are ours.
	while read -r pid tok; do
		prpidcheck -t "$tok" "$pid" 2>/dev/null || continue
		kill -KILL -- "-$pid" 2>/dev/null
		kill -KILL "$pid" 2>/dev/null
	done <"$started"
	if [ -n "${PRREG_DEMO_PIDS:-}" ]; then
		cp "$started" "$PRREG_DEMO_PIDS"
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 2' HUP INT TERM

# say LINE: what the next step does, in plain English.
say() {
	printf '\n# %s\n' "$1"
}

# run 'COMMAND LINE': show it, run it, show its status unless 0.
run() {
	printf '$ %s\n' "$1"
	eval "$1" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] || echo "(exit $rc)"
}

# keep ID: remember the pid and token of the process recorded as ID.
keep() {
	prlist -i "$1" -o pid,token | tr '\t' ' ' >>"$started"
}

# until_true CMD...: wait (at most 5 s) until CMD holds.
until_true() {
	n=0
	until "$@"; do
		n=$((n + 1))
		[ "$n" -lt 500 ] || { echo "demo: never true: $*" >&2; exit 1; }
		sleep 0.01
	done
}

# stubborn_ready: it has reached `sleep`, so TERM is ignored by now.
stubborn_ready() {
	[ "$(ps -o comm= -p "$(prlist -i stubborn -o pid)")" = sleep ]
}

cd "$T" || exit 3
echo "prreg demo: a scratch registry in a temporary directory (PRREG_FILE)."

say "Record a job this shell runs already (-A); it ends, its record stays."
run 'sleep 1000 & job=$!'
run 'prspawn -s demo -t job -i job -A $job'
keep job
run 'kill $job; wait $job 2>/dev/null; echo "job ended, status $?"'
job=

say "Start two workers in session demo; -p prints the record of each."
run "prspawn -s demo -t worker -i worker-1 -C 2 -p -- sleep 1000"
keep worker-1
run "prspawn -s demo -t worker -i worker-2 -C 2 -p -- sleep 1000"
keep worker-2

say "A third worker is refused: -C 2 allows at most 2 live workers."
run "prspawn -s demo -t worker -i worker-3 -C 2 -p -- sleep 1000"

say "Start a process that ignores TERM, to be stopped by KILL later."
run "prspawn -s demo -t stubborn -i stubborn -- sh -c 'trap \"\" TERM; exec sleep 1000'"
keep stubborn
until_true stubborn_ready

say "Start a daemon that also writes a pid file (-P)."
run "prspawn -s demo -t daemon -i daemon -P daemon.pid -- sleep 1000"
keep daemon

say "The records side by side: the state column tells live from dead."
run "prlist -H -o id,type,state"

say "prpidcheck reads the pid file: exit 0, the daemon runs."
run "prpidcheck -f daemon.pid && echo 'daemon.pid: running'"

say "prprune forgets the dead record, and prints it; the live stay."
run "prprune"
run "prlist -H -o id,state"

say "prreap -v stops the stubborn one: TERM is ignored, KILL after -T 0.2 s."
run "prreap -v -i stubborn -T 0.2"

say "Stop the rest of session demo: prlist selects, prreap stops and forgets."
run "prlist -s demo | prreap -T 2"

say "The daemon is gone: prpidcheck on its pid file exits 1."
run "prpidcheck -f daemon.pid || echo 'daemon.pid: not running'"

say "The registry is empty: prlist prints nothing, and exits 1."
run "prlist"

say "Nothing the demo started still runs (prpidcheck, by pid and token)."
n=0
while read -r pid tok; do
	n=$((n + 1))
	if prpidcheck -t "$tok" "$pid" 2>/dev/null; then
		echo "still running: $pid"
		status=1
	fi
done <"$started"
[ "$status" -ne 0 ] || echo "$n processes started, none left running."
exit "$status"
