#!/usr/bin/env bats
# completion/prreg.bash - bash completion of the six tools: the options of
# each from its own -h usage, and the ids, sessions and types of the
# registry that -r (or $PRREG_FILE) names, asked of the prlist under test.
# Each case sources the file in a new bash, sets COMP_WORDS and COMP_CWORD
# as bash does at a TAB, calls the function, and prints COMPREPLY.
#
# The records name pids no kernel hands out (above any pid_max), so nothing
# here can find or signal a process.

load helper
bats_require_minimum_version 1.5.0

comp=$BATS_TEST_DIRNAME/../completion/prreg.bash
D1=2147483647
D2=2147483646
D3=2147483645
AT=2026-01-01T00:00:00.000Z

# complete WORD...: COMPREPLY, one per line, for the line WORD... with the
# TAB at its last word, by the function `complete -p` names for the tool.
complete_line() {
	command -v bash >/dev/null || skip "bash is not installed"
	bash --norc --noprofile -c '
		source "$0" || exit 9
		f=$(complete -p "$1") || exit 8
		f=${f#*-F }; f=${f%% *}
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		"$f" "$1" "${@: -1}" "${@: -2:1}"
		printf "%s\n" "${COMPREPLY[@]}"' "$comp" "$@"
}

# Two sessions, two types, three ids in $REG; one other session in $T/other.
registries() {
	{
		rec "$D1" "$D1" web S1 "$AT" - a1
		rec "$D2" "$D2" db S2 "$AT" - a2
		rec "$D3" "$D3" web S1 "$AT" - b1
	} >"$REG"
	rec "$D1" "$D1" cron S9 "$AT" - z9 >"$T/other"
}

@test "every tool's name loads the one completion function" {
	command -v bash >/dev/null || skip "bash is not installed"
	run -0 bash --norc --noprofile -c 'source "$0" &&
	    complete -p prspawn prlist prreap prprune prpidcheck prwait' "$comp"
	[ "${lines[*]}" = "complete -F _prreg prspawn complete -F _prreg prlist complete -F _prreg prreap complete -F _prreg prprune complete -F _prreg prpidcheck complete -F _prreg prwait" ]
}

@test "prreap -<TAB>: the options of its usage, then -h" {
	run -0 complete_line prreap -
	[ "$output" = "$(printf '%s\n' -r -s -t -p -i -O -R -S -T -K -n -v -h)" ]
}

@test "prreap -<TAB> at a prefix: only the options that start with it" {
	run -0 complete_line prreap -T
	[ "$output" = -T ]
}

@test "prlist -s <TAB>: the registry's two sessions, once each" {
	registries
	run -0 complete_line prlist -s ''
	[ "$output" = "$(printf '%s\n' S1 S2)" ]
}

@test "prlist -t <TAB>: the registry's types" {
	registries
	run -0 complete_line prlist -t ''
	[ "$output" = "$(printf '%s\n' db web)" ]
}

@test "prreap -i a<TAB>: the ids that start with a" {
	registries
	run -0 complete_line prreap -i a
	[ "$output" = "$(printf '%s\n' a1 a2)" ]
}

@test "prreap -nvi <TAB>: -i at the end of a cluster takes the next word" {
	registries
	run -0 complete_line prreap -nvi ''
	[ "$output" = "$(printf '%s\n' a1 a2 b1)" ]
}

@test "-r FILE, -rFILE and the last -r name the registry asked, not \$PRREG_FILE" {
	registries
	run -0 complete_line prwait -r "$T/other" -s ''
	[ "$output" = S9 ]
	run -0 complete_line prprune -r"$T/other" -i ''
	[ "$output" = z9 ]
	run -0 complete_line prlist -r "$T/other" -r "$REG" -s ''
	[ "$output" = "$(printf '%s\n' S1 S2)" ]
}

@test "a registry that does not exist completes nothing" {
	run -0 complete_line prlist -r "$T/none" -s ''
	[ "$output" = "" ]
}

@test "prspawn -i <TAB> offers no id: it names a new record" {
	registries
	run -0 complete_line prspawn -i ''
	[ "$output" = "" ]
}

@test "prspawn -s S1 -r FILE then <TAB>: files, the registry path itself" {
	: >"$T/regfile"
	run -0 complete_line prspawn -s S1 -r "$T/regf"
	[ "$output" = "$T/regfile" ]
}

@test "prreap -S TE<TAB>: signal names without SIG" {
	run -0 complete_line prreap -S TE
	[ "$output" = TERM ]
}
