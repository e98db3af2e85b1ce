#!/usr/bin/env bats
# Every tool's face to a user: -h and its man page's SYNOPSIS name the same
# options; -h fits in 80 columns; every error is one line "prog: what: why"
# on stderr, with the contract's status (2 usage, 3 registry), and nothing
# on stdout.  The tools are those of $PRREG_BIN that have a man page
# (man/NAME.1), so a new tool is held to this once its page is there.
#
# Nothing here starts a process of its own but the tools, and none of the
# invocations below gets as far as starting or signalling anything.

load helper
bats_require_minimum_version 1.5.0

MAN=$BATS_TEST_DIRNAME/../man
KNOWN="prspawn prlist prreap prprune prpidcheck prwait"
WANTWORD='want 1 to 255 of A-Z a-z 0-9 . _ : @ % + = , / -'
WANTPID='want 1 to 2147483647'
WANTSECS='want a decimal like 5 or 0.5, at most 1000000000'

# tools: each tool of $PRREG_BIN with a man page, one a line.
tools() {
	local m t
	for m in "$MAN"/*.1; do
		t=${m##*/}
		t=${t%.1}
		[ -x "$bindir/$t" ] && echo "$t"
	done
}

# usage_opts TOOL: the option letters its -h shows, one a line, sorted;
# -h itself is left out (the usage is what it prints).
usage_opts() {
	"$1" -h | grep -oE '(^|[[ |])-[A-Za-z]+' | sed 's/^[[ |]*-//' |
	    fold -w 1 | grep -v '^h$' | sort -u
}

# man_opts TOOL: the option letters of `Fl` in its page's SYNOPSIS, one a
# line, sorted, -h left out.  `Fl` takes words until the next macro:
# `Fl an` is -a -n, `Op Fl l | d` and `Op Fl l | Fl d` are -l and -d, and
# `Fl -` (--) is no letter.
man_opts() {
	man_fl "$1" | grep -v '^h$' | sort -u
}

man_fl() {
	awk '
	/^\.Sh / { syn = $2 == "SYNOPSIS"; next }
	syn {
		line = $0
		sub(/^\./, "", line)
		n = split(line, w, /[ \t]+/)
		fl = 0
		for (i = 1; i <= n; i++) {
			if (w[i] ~ /^[A-Z][a-z][a-z]?$/) {
				fl = w[i] == "Fl"
				continue
			}
			if (fl && w[i] ~ /^[A-Za-z0-9]+$/)
				for (j = 1; j <= length(w[i]); j++)
					print substr(w[i], j, 1)
		}
	}' "$MAN/$1.1"
}

# bad STATUS WANT TOOL ARG...: TOOL ARG... (stdin /dev/null) ends with
# STATUS, prints nothing on stdout and one line on stderr of the form
# "TOOL: what: why"; when WANT is not empty, that line is WANT.  What is
# wrong is added to $T/wrong, so that a test says all of it at once.
bad() {
	local st=$1 want=$2 tool=$3 what
	shift 2
	what="$*"
	# 127 is also bash's "not found": say it is wanted (BW01).
	if [ "$st" -eq 127 ]; then
		run -127 --separate-stderr "$@" </dev/null
	else
		run --separate-stderr "$@" </dev/null
	fi
	{
		[ "$status" -eq "$st" ] ||
		    echo "$what: exit $status, want $st"
		[ -z "$output" ] ||
		    echo "$what: stdout: $output"
		[ "${#stderr_lines[@]}" -eq 1 ] ||
		    echo "$what: ${#stderr_lines[@]} lines on stderr: $stderr"
		[[ "$stderr" =~ ^$tool:\ [^:]+:\ .+ ]] ||
		    echo "$what: not 'prog: what: why': $stderr"
		[ -z "$want" ] || [ "$stderr" = "$want" ] ||
		    echo "$what: says: $stderr${nl}want: $want"
	} >>"$T/wrong"
}
nl=$'\n'

# all_right: nothing was added to $T/wrong.
all_right() {
	if [ -s "$T/wrong" ]; then
		cat "$T/wrong"
		return 1
	fi
}

# --- which tools -------------------------------------------------------------

@test "the six known tools are built and each has a man page" {
	local t
	for t in $KNOWN; do
		[ -x "$bindir/$t" ] || { echo "no $bindir/$t"; false; }
		[ -f "$MAN/$t.1" ] || { echo "no man/$t.1"; false; }
	done
	[ "$(tools | sort | tr '\n' ' ')" != "" ]
	for t in $KNOWN; do tools | grep -qx "$t"; done
}

# --- -h ----------------------------------------------------------------------

@test "-h: usage on stdout, exit 0, nothing on stderr, lines under 80 columns" {
	local t
	: >"$T/wrong"
	for t in $(tools); do
		run --separate-stderr "$t" -h
		{
			[ "$status" -eq 0 ] || echo "$t -h: exit $status"
			[ -z "$stderr" ] || echo "$t -h: stderr: $stderr"
			[[ "$output" == "usage: $t "* ]] ||
			    echo "$t -h: not 'usage: $t ...': ${lines[0]}"
			printf '%s\n' "$output" | awk -v t="$t" '
			    length($0) >= 80 || /\t/ {
				print t " -h: line " NR ", " length($0) \
				    " columns: " $0 }'
		} >>"$T/wrong"
	done
	all_right
}

@test "-h and the man page's SYNOPSIS name the same options" {
	local t
	: >"$T/wrong"
	for t in $(tools); do
		usage_opts "$t" >"$T/h"
		man_opts "$t" >"$T/m"
		comm -23 "$T/h" "$T/m" | sed "s/^/$t: in -h, not in $t(1) SYNOPSIS: -/" >>"$T/wrong"
		comm -13 "$T/h" "$T/m" | sed "s/^/$t: in $t(1) SYNOPSIS, not in -h: -/" >>"$T/wrong"
		# The page says how to get the usage, among its options.
		grep -qx '\.It Fl h' "$MAN/$t.1" ||
		    echo "$t: $t(1) does not list -h" >>"$T/wrong"
	done
	all_right
}

@test "the SYNOPSIS parser: Fl an, Op Fl l | d, Op Fl a | Fl d, Fl -, Ar" {
	MAN=$T
	cat >"$T/x.1" <<-'EOF'
	.Dd x
	.Sh NAME
	.Nm x
	.Sh SYNOPSIS
	.Nm
	.Op Fl an
	.Op Fl l | d
	.Op Fl b | Fl c
	.Op Fl r Ar file
	.Op Fl o Ar field Ns Op , Ns Ar field ...
	.Op Fl -
	.Ar command
	.Nm
	.Fl h
	.Sh DESCRIPTION
	.Fl z
	EOF
	run man_opts x
	[ "$output" = "$(printf '%s\n' a b c d l n o r)" ]
}

# --- errors: prog: what: why ---------------------------------------------

@test "every tool: an unknown option, a missing argument, a long option" {
	local t
	: >"$T/wrong"
	for t in $(tools); do
		bad 2 "$t: -Z: unknown option (-h for usage)" "$t" -Z
		bad 2 "$t: -r: option requires an argument (-h for usage)" \
		    "$t" -r
		bad 2 "$t: --help: unknown option: options are one letter (-h for usage)" \
		    "$t" --help
		# prpidcheck ignores -r; prspawn wants a COMMAND first.
		case $t in
		prpidcheck) ;;
		prspawn) bad 2 "$t: -r: invalid registry path" \
		    "$t" -r '' -- true ;;
		*) bad 2 "$t: -r: invalid registry path" "$t" -r '' -s x ;;
		esac
	done
	all_right
}

@test "prlist: each error is one line, prog: what: why, with its status" {
	: >"$T/wrong"
	bad 2 "prlist: -p: invalid pid '0': $WANTPID" prlist -p 0
	bad 2 "prlist: -p: invalid pid 'abc': $WANTPID" prlist -p abc
	bad 2 "prlist: -s: invalid value 'a b': $WANTWORD" prlist -s 'a b'
	bad 2 "prlist: -i: invalid value 'a\\x09b': $WANTWORD" prlist -i $'a\tb'
	bad 2 "prlist: -t: invalid value '': $WANTWORD" prlist -t ''
	bad 2 "prlist: -o: unknown field 'PID': want pid, pgid, type, session, started, token, id, state or an attribute's key (a-z)" \
	    prlist -o PID
	bad 2 "prlist: -l and -d: exclude each other (-h for usage)" \
	    prlist -l -d
	bad 2 "prlist: 'extra': unexpected operand (-h for usage)" \
	    prlist extra
	bad 2 "prlist: -r: $T: not a registry file: a directory" prlist -r "$T"
	all_right
	# A reader: a registry whose directory is missing reads as empty
	# (prreg(5)), no record, exit 1, nothing said.
	run -1 --separate-stderr prlist -r /nonexistent/dir/reg
	[ "$output" = "" ]
	[ "$stderr" = "" ]
}

@test "prprune: each error is one line, prog: what: why, with its status" {
	: >"$T/wrong"
	bad 2 "prprune: -p: invalid pid '0': $WANTPID" prprune -p 0
	bad 2 "prprune: -p: invalid pid '12x': $WANTPID" prprune -p 12x
	bad 2 "prprune: -s: invalid value 'a b': $WANTWORD" prprune -s 'a b'
	bad 2 "prprune: -t: invalid value 'x;y': $WANTWORD" prprune -t 'x;y'
	bad 2 "prprune: 'extra': unexpected operand (-h for usage)" \
	    prprune -a extra
	bad 3 "prprune: /nonexistent/dir: cannot open the registry's directory: No such file or directory" \
	    prprune -r /nonexistent/dir/reg
	bad 2 "prprune: -r: $T: not a registry file: a directory" prprune -r "$T"
	all_right
}

@test "prreap: each error is one line, prog: what: why, with its status" {
	: >"$T/wrong"
	bad 2 "prreap: -p: invalid pid '0': $WANTPID" prreap -p 0
	bad 2 "prreap: -T: invalid seconds 'abc': $WANTSECS" prreap -s x -T abc
	bad 2 "prreap: -K: invalid seconds '-1': $WANTSECS" prreap -s x -K -1
	bad 2 "prreap: -S: invalid signal 'BOGUS': want a name like TERM or a number" \
	    prreap -s x -S BOGUS
	bad 2 "prreap: -s: invalid value 'a b': $WANTWORD" prreap -s 'a b'
	bad 2 "prreap: 'extra': unexpected operand (-h for usage)" \
	    prreap -s x extra
	bad 3 "prreap: /nonexistent/dir: cannot open the registry's directory: No such file or directory" \
	    prreap -r /nonexistent/dir/reg -s x
	bad 2 "prreap: -r: $T: not a registry file: a directory" prreap -r "$T" -s x
	all_right
	# A line on stdin that is no record: nothing signalled, exit 2.
	run -2 --separate-stderr prreap <<<"not a record"
	[ "$output" = "" ]
	[ "$stderr" = "prreap: stdin:1: malformed record line; nothing signalled" ]
}

@test "prspawn: each error is one line, prog: what: why, with its status" {
	: >"$T/wrong"
	bad 2 "prspawn: no COMMAND: want -- COMMAND [ARG...] (-h for usage)" \
	    prspawn -s x
	bad 2 "prspawn: no COMMAND: want -- COMMAND [ARG...] (-h for usage)" \
	    prspawn -s x --
	bad 2 "prspawn: -m: invalid number '0': want 1 to 100000" \
	    prspawn -m 0 -- true
	bad 2 "prspawn: -C: invalid number 'x': want 1 to 100000" \
	    prspawn -C x -- true
	bad 2 "prspawn: -W: invalid seconds 'abc': $WANTSECS" \
	    prspawn -W abc -- true
	bad 2 "prspawn: -A: invalid pid '0': $WANTPID" prspawn -A 0
	bad 2 "prspawn: -s: invalid value 'a b': $WANTWORD" \
	    prspawn -s 'a b' -- true
	bad 2 "prspawn: -u: invalid variable name '1A': want a letter or _, then letters, digits or _" \
	    prspawn -u 1A -- true
	bad 2 "prspawn: -P: empty path" prspawn -P '' -- true
	# The form only: the words are the owner's to choose.
	bad 2 "" prspawn -A 1 -- true
	bad 2 "" prspawn -A 1 -x
	bad 3 "prspawn: /nonexistent/dir: cannot open the registry's directory: No such file or directory" \
	    prspawn -r /nonexistent/dir/reg -- true
	bad 2 "prspawn: -r: $T: not a registry file: a directory" \
	    prspawn -r "$T" -- true
	bad 127 "prspawn: $T/nosuch: cannot execute: No such file or directory" \
	    prspawn -- "$T/nosuch"
	all_right
	[ ! -s "$REG" ] || [ "$(reg_lines)" = "" ]
}

@test "prpidcheck: each error is one line, prog: what: why, with its status" {
	: >"$T/wrong"
	printf 'junk\n' >"$T/bad.pid"
	bad 2 "prpidcheck: no PID: want PID operands, -f PIDFILE or -T PID (-h for usage)" \
	    prpidcheck
	bad 2 "prpidcheck: no PID: want PID operands, -f PIDFILE or -T PID (-h for usage)" \
	    prpidcheck -v
	bad 2 "prpidcheck: '0': invalid pid: $WANTPID" prpidcheck 0
	bad 2 "prpidcheck: 'abc': invalid pid: $WANTPID" prpidcheck 1 abc
	bad 2 "prpidcheck: -T: invalid pid 'abc': $WANTPID" prpidcheck -T abc
	bad 2 "prpidcheck: -t: invalid token ' ': want 1 to 64 printable non-blank bytes" \
	    prpidcheck -t ' ' 1
	bad 2 "prpidcheck: PID operands and -f: exclude each other (-h for usage)" \
	    prpidcheck -f "$T/bad.pid" 1
	bad 2 "prpidcheck: PID operands and -T: exclude each other (-h for usage)" \
	    prpidcheck -T 1 1
	bad 2 "prpidcheck: -f and -T: exclude each other (-h for usage)" \
	    prpidcheck -f "$T/bad.pid" -T 1
	bad 2 "prpidcheck: -t and -f exclude each other: a token is compared with PID operands (-h for usage)" \
	    prpidcheck -t 5 -f "$T/bad.pid"
	bad 2 "prpidcheck: -v and -T exclude each other: -T prints a token, not a verdict (-h for usage)" \
	    prpidcheck -v -T 1
	bad 2 "prpidcheck: $T/bad.pid: malformed pid file: want PID or PID TOKEN on the first line" \
	    prpidcheck -f "$T/bad.pid"
	all_right
	# -r is taken, as by every tool, and ignored: no registry is read.
	run -0 --separate-stderr prpidcheck -r /nonexistent/dir/reg $$
	[ "$output" = "" ]
	[ "$stderr" = "" ]
}
