#!/usr/bin/env bats
# review.bats - an adversary's review of the changes merged on 2026-12-05:
# the suite's own snprintf/sscanf, list_sort() and opt_next() against the
# libc they replace, the keeper's end status, the subreaper prspawn.

load helper

# fmtdiff: t/helpers/fmtdiff.c built against the libprreg.a of the
# binaries under test (next to $bindir); its path.
fmtdiff() {
	local lib=$bindir/../lib
	[ -f "$lib/libprreg.a" ] || return 1
	${CC:-cc} -O2 -I"$BATS_TEST_DIRNAME/../lib" -o "$T/fmtdiff" \
	    "$BATS_TEST_DIRNAME/helpers/fmtdiff.c" "$lib/libprreg.a" || return 1
	echo "$T/fmtdiff"
}

@test "fmt_snprintf, fmt_sscanf, list_sort and opt_next give libc's results" {
	d=$(fmtdiff) || skip "no libprreg.a next to $bindir, or no compiler"
	run "$d"
	[ "$output" = "0 differ" ]
	[ "$status" -eq 0 ]
}
