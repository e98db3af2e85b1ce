#!/bin/sh
# scripts/demo.sh - `make demo`: the tools at work on a scratch registry.
# Each command is shown ("$ ...") before it runs, and a status other than
# 0 after it.  What is started here is killed at the end, by its own
# process group, and the scratch directory removed.
set -u
bin=${PRREG_BIN:-$(cd "$(dirname "$0")/../bin" && pwd)}
PATH=$bin:$PATH
T=$(mktemp -d /tmp/prreg-demo.XXXXXX) || exit 3
chmod 700 "$T"
unset XDG_RUNTIME_DIR
PRREG_FILE=$T/registry
export PRREG_FILE
pgids=

cleanup() {
	for g in $pgids; do kill -KILL -- "-$g" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 2' HUP INT TERM

# run 'COMMAND LINE': show it, run it, show its status unless 0.
run() {
	printf '\n$ %s\n' "$1"
	eval "$1" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] || echo "(exit $rc)"
}

# The process groups the registry names: all of them were started here.
remember() {
	pgids=$(prlist -o pgid 2>/dev/null)
}

echo "registry: PRREG_FILE=$PRREG_FILE"

# Three workers, at most three live at once; a fourth is refused by -C.
for n in 1 2 3; do
	run "prspawn -s 42 -t worker -m 3 -p -- sh -c 'while sleep 1; do :; done'"
	remember
done
run "prspawn -s 42 -t worker -C 3 -- sleep 30"
remember

run "prlist"
run "prlist -l -o pid,id"

# Stop session 42, TERM first, to the whole group of each worker.
if [ -x "$bin/prreap" ]; then
	run "prlist -s 42 | prreap"
else
	printf '\n$ prlist -s 42 | prreap\n(prreap is not built yet)\n'
fi
run "prlist"
