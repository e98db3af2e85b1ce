#!/bin/sh
# t/fuzz/run.sh - `make fuzz`: for each harness named, replay its committed
# corpus (seeds and regressions), then fuzz it for $FUZZ_SECS seconds on a
# scratch copy of that corpus, so the committed one never grows.  One line
# per harness a script can read, and a summary:
#   fuzz: NAME: EXECS execs in SECS s, N crashes
#   fuzz: ok: H harnesses          or      fuzz: FAIL: N crashes
# A crashing input is kept in build/fuzz/crashes/NAME/.
set -u
dir=${FUZZ_DIR:-build/fuzz}
secs=${FUZZ_SECS:-60}
corpus=t/fuzz/corpus
total=0

for name in "$@"; do
	bin=$dir/fuzz_$name
	scratch=$dir/scratch/$name
	crashdir=$dir/crashes/$name
	log=$dir/$name.log
	rm -rf "$scratch" "$crashdir"
	mkdir -p "$scratch" "$crashdir"
	cp "$corpus/$name"/* "$scratch"/

	# Replay: every committed input, a past crash among them, must pass.
	if ! "$bin" "$corpus/$name"/* >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		echo "fuzz: $name: replay of $corpus/$name failed, 1 crashes"
		total=$((total + 1))
		continue
	fi

	start=$(date +%s)
	"$bin" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
	    -artifact_prefix="$crashdir/" "$scratch" >>"$log" 2>&1
	rc=$?
	took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
	[ -n "$took" ] || took=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	crashes=$(find "$crashdir" -type f | wc -l)
	[ "$rc" -eq 0 ] || [ "$crashes" -gt 0 ] || crashes=1
	if [ "$crashes" -gt 0 ]; then
		tail -n 30 "$log" >&2
		for f in "$crashdir"/*; do
			[ -f "$f" ] && echo "fuzz: $name: crashing input: $f" >&2
		done
	fi
	echo "fuzz: $name: ${execs:-0} execs in $took s, $crashes crashes"
	total=$((total + crashes))
done

if [ "$total" -gt 0 ]; then
	echo "fuzz: FAIL: $total crashes"
	exit 1
fi
echo "fuzz: ok: $# harnesses"
