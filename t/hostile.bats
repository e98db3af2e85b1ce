#!/usr/bin/env bats
# Hostile input: what a careless or malicious writer of the registry, or of a
# command line, may hand the tools.  Each test checks the exact exit status
# and message, and that no record is lost: the other records are still
# there, and a malformed line ends verbatim in FILE.corrupt once a writer ran.
#
# Covered elsewhere, not repeated here (format.bats): a registry, lock or
# corrupt file that is a symbolic link, a FIFO, a directory, another user's,
# or group/world-writable; NUL bytes in a line; CRLF line ends; a pid of 0,
# 2147483648 or with a leading zero; a pgid of 0; a duplicate id; a WORD of
# 256 bytes in a record.  The per-tool option tests (prlist.bats, prprune.bats,
# prreap.bats, prspawn.bats, prpidcheck.bats) hold parts of the option tables
# below; here every tool meets the same table.
#
# Dead records name pids no kernel hands out (above any pid_max); live ones
# are sleeps of our own, killed by teardown by their pid.

load helper
bats_require_minimum_version 1.5.0

D1=2147483647
D2=2147483646
S1=2024-05-01T10:00:00.000Z
S2=2024-05-01T10:00:01.000Z
WANTWORD='want 1 to 255 of A-Z a-z 0-9 . _ : @ % + = , / -'
WANTPID='want 1 to 2147483647'
WANTSECS='want a decimal like 5 or 0.5, at most 1000000000'
WANTNUM='want 1 to 100000'

# expect2 MSG CMD...: CMD exits 2, prints nothing on stdout and exactly the
# one line MSG on stderr.
expect2() {
	local msg=$1
	shift
	run -2 --separate-stderr "$@"
	[ "$output" = "" ] || { echo "stdout of $*: $output"; return 1; }
	[ "$stderr" = "$msg" ] || { echo "stderr of $*: $stderr"; echo "want: $msg"; return 1; }
}

# --- the registry's lines ----------------------------------------------------

@test "a 1 MiB line: skipped by a reader, quarantined verbatim by a writer, the others kept" {
	start_sleep
	big=$(head -c 1048576 /dev/zero | tr '\0' x)
	# Once a line of one byte, once a would-be record whose id is 1 MiB,
	# once as the last line without its LF.
	for form in plain id nolf; do
		case $form in
		plain) line=$big ;;
		id) line=$(rec "$D2" - job s1 "$S1" - "${big:0:1048576-60}") ;;
		nolf) line=$big ;;
		esac
		rm -f "$REG" "$REG.corrupt"
		{ header; rec "$P" - job s1 "$S1" "$TOK" a
		  printf '%s\n' "$line"
		  rec "$D1" - job s1 "$S2" - b
		  if [ $form = nolf ]; then printf '%s' "$line"; fi; } >"$REG"
		if [ $form = nolf ]; then n=4; w="prlist: $REG:3: malformed record, skipped
prlist: $REG:5: malformed record, skipped"; else n=3; w="prlist: $REG:3: malformed record, skipped"; fi
		run -0 --separate-stderr prlist
		[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a
		    rec "$D1" - job s1 "$S2" - b)" ]
		[ "$stderr" = "$w" ]
		run -0 --separate-stderr prprune
		[ "$output" = "$(rec "$D1" - job s1 "$S2" - b)" ]
		[ "$stderr" = "$(sed "s|skipped|moved to $REG.corrupt|; s|^prlist|prprune|" <<<"$w")" ]
		{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$T/want"
		cmp "$REG" "$T/want"
		{ printf '%s\n' "$line"; if [ $form = nolf ]; then printf '%s\n' "$line"; fi; } >"$T/want"
		cmp "$REG.corrupt" "$T/want"
	done
	[ "$(stat -c %s "$REG.corrupt")" = $((2 * 1048577)) ]
}

@test "7 fields but pid 0, 2147483648, 0123, or pgid 0: quarantined verbatim, the others kept" {
	# format.bats shows a reader skips them; here a writer moves them.
	start_sleep
	bad() {
		rec 0 - job s1 "$S1" - pid0
		rec 2147483648 - job s1 "$S1" - pid2p31
		rec 0123 - job s1 "$S1" - leadingzero
		rec "$D2" 0 job s1 "$S1" - pgid0
		rec "$D2" 00 job s1 "$S1" - pgid00
	}
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; bad
	  rec "$D1" - job s1 "$S2" - b; } >"$REG"
	run -0 --separate-stderr prprune
	[ "$output" = "$(rec "$D1" - job s1 "$S2" - b)" ]
	want=
	for n in 3 4 5 6 7; do
		want="$want${want:+$'\n'}prprune: $REG:$n: malformed record, moved to $REG.corrupt"
	done
	[ "$stderr" = "$want" ]
	bad | cmp - "$REG.corrupt"
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } | cmp - "$REG"
}

@test "a header with garbage is a comment: the records are read, live ones stay live" {
	start_sleep
	b=$(bootid)
	# None of these names a boot: each is only a comment.
	for h in '#prreg 1 boot=' "#prreg 1 boot=$b junk" \
	    '#prreg 1 boot=00000000-0000-0000-0000-000000000000 junk' \
	    '#prreg 1  boot=00000000-0000-0000-0000-000000000000' \
	    '#prreg 2 boot=00000000-0000-0000-0000-000000000000' \
	    $'#prreg 1 boot=00000000-0000-0000-0000-000000000000\r' \
	    '#prreg xyz' '#prreg' '#prreg 1' '#prreg 1 boot' '#prregx 1 boot=x' \
	    '#prreg 1 boot=junk' '#prreg 1 boot=-x' '#prreg 1 boot=--' \
	    '#prreg 1 boot=00000000-0000-0000-0000-00000000000' \
	    '#prreg 1 boot=0000000g-0000-0000-0000-000000000000'; do
		{ printf '%s\n' "$h"
		  rec "$P" "$P" job s1 "$S1" "$TOK" a
		  rec "$D1" - job s1 "$S2" - b; } >"$REG"
		run -0 --separate-stderr prlist -l
		[ "$output" = "$(rec "$P" "$P" job s1 "$S1" "$TOK" a)" ] || { echo "header: $h"; false; }
		[ "$stderr" = "" ]
		run -0 --separate-stderr prlist -d
		[ "$output" = "$(rec "$D1" - job s1 "$S2" - b)" ]
		# A writer keeps the live record and puts its own header first.
		run -0 --separate-stderr prprune
		[ "$output" = "$(rec "$D1" - job s1 "$S2" - b)" ]
		[ "$stderr" = "" ]
		{ header; rec "$P" "$P" job s1 "$S1" "$TOK" a; } >"$T/want"
		cmp "$REG" "$T/want"
		[ ! -e "$REG.corrupt" ]
	done
}

@test "an empty file: prlist 1 and silent, prprune 0 and silent, the file left alone" {
	: >"$REG"
	chmod 600 "$REG"
	fstate "$REG" >"$T/before"
	run -1 --separate-stderr prlist
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	for a in -n '' -a; do
		run -0 --separate-stderr prprune $a
		[ "$output" = "" ]
		[ "$stderr" = "" ]
	done
	run -0 --separate-stderr prreap -s s1
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	fstate "$REG" | cmp - "$T/before"
	[ ! -e "$REG.corrupt" ]
}

@test "100 000 records: all listed, all shown by prprune -n, all kept by a writer" {
	N=100000
	header >"$REG"
	awk -v n=$N -v d=$D1 -v s=$S1 'BEGIN {
		for (i = 0; i < n; i++)
			printf "%d\t-\tjob\ts%d\t%s\t-\tr%d\n", d - i, i % 7, s, i
	}' >>"$REG"
	grep -v '^#' "$REG" >"$T/recs"
	[ "$(wc -l <"$T/recs")" = $N ]
	cp "$REG" "$T/before"
	run -0 --separate-stderr prlist
	[ "$stderr" = "" ]
	printf '%s\n' "$output" | cmp - "$T/recs"
	run -0 --separate-stderr prlist -d -o id
	[ "${#lines[@]}" = $N ]
	run -0 --separate-stderr prprune -n
	[ "$stderr" = "" ]
	printf '%s\n' "$output" | cmp - "$T/recs"
	cmp "$REG" "$T/before"
	# A writer that adds one record keeps the 100 000.
	start_sleep
	run -0 --separate-stderr prspawn -p -i new -A "$P"
	[ "$stderr" = "" ]
	new=$output
	{ cat "$T/before"; printf '%s\n' "$new"; } | cmp - "$REG"
	# One that removes one keeps the other 99 999.
	run -0 --separate-stderr prprune -a -i r5
	[ "$output" = "$(rec $((D1 - 5)) - job s5 "$S1" - r5)" ]
	[ "$(reg_lines | wc -l)" = $N ]
	# And all the dead go at once, the live one stays.
	run -0 --separate-stderr prprune
	[ "$stderr" = "" ]
	[ "${#lines[@]}" = $((N - 1)) ]
	{ header; printf '%s\n' "$new"; } | cmp - "$REG"
}

# --- option values -------------------------------------------------------------

@test "-s -t -i of prlist, prprune, prreap, prspawn refuse a tab, newline, é, 256 bytes; nothing changed or started" {
	start_sleep
	{ header; rec "$P" "$P" job s1 "$S1" "$TOK" a
	  rec "$D1" - job s1 "$S2" - b; } >"$REG"
	fstate "$REG" >"$T/before"
	w256=$(printf 'w%.0s' $(seq 256))
	w64=$(printf 'w%.0s' $(seq 64))
	# Each bad value, then how the message shows it.
	set -- $'a\tb' 'a\x09b' $'a\nb' 'a\x0ab' 'é' '\xc3\xa9' "$w256" "$w64..."
	for tool in prlist prprune prreap prspawn; do
		for o in s t i; do
			for ((k = 1; k < $#; k += 2)); do
				j=$((k + 1))
				msg="$tool: -$o: invalid value '${!j}': $WANTWORD"
				if [ $tool = prspawn ]; then
					expect2 "$msg" prspawn -"$o" "${!k}" -- touch "$T/started"
				else
					expect2 "$msg" $tool -"$o" "${!k}"
				fi
			done
		done
	done
	fstate "$REG" | cmp - "$T/before"
	[ ! -e "$T/started" ]
	[ ! -e "$REG.corrupt" ]
	prpidcheck -t "$TOK" "$P"
}

@test "-s -t -i of prlist, prprune, prreap, prspawn take 255 bytes" {
	w255=$(printf 'w%.0s' $(seq 255))
	{ header; rec "$D1" - job s1 "$S1" - b; } >"$REG"
	run -1 --separate-stderr prlist -s "$w255" -t "$w255" -i "$w255"
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	for tool in prprune prreap; do
		run -0 --separate-stderr $tool -s "$w255" -t "$w255" -i "$w255"
		[ "$output" = "" ]
		[ "$stderr" = "" ]
	done
	[ "$(reg_lines)" = "$(rec "$D1" - job s1 "$S1" - b)" ]
	# The default id TYPE:SESSION:PID of two 255-byte words would not be a WORD.
	expect2 "prspawn: -t, -s: the id TYPE:SESSION:PID would be longer than 255 bytes; give -i" \
	    prspawn -s "$w255" -t "$w255" -- touch "$T/started"
	[ ! -e "$T/started" ]
	# Not under `run`: the sleep would hold its stdout open.
	me=$BASHPID
	own=$me:$(prpidcheck -T "$me")
	prspawn -p -s "$w255" -t "$w255" -i "$w255" -- sleep 1000 \
	    </dev/null >"$T/out" 2>"$T/err" 3>&-
	p=$(cut -f 1 "$T/out")
	track "$p"
	track -g "$p"
	[ ! -s "$T/err" ]
	[[ $(cat "$T/out") == "$p	$p	$w255	$w255	"*"	$w255	keeper="*"	owner=$own" ]]
	run -0 --separate-stderr prlist -o id -s "$w255" -t "$w255" -i "$w255"
	[ "$output" = "$w255" ]
	[ "$(reg_lines | wc -l)" = 2 ]
}

@test "numbers: 1e3 0x10 ' 5' -0 99999999999999999999 and empty are refused by every numeric option" {
	start_sleep
	{ header; rec "$P" "$P" job s1 "$S1" "$TOK" a; } >"$REG"
	fstate "$REG" >"$T/before"
	for v in 1e3 0x10 ' 5' -0 99999999999999999999 ''; do
		expect2 "prlist: -p: invalid pid '$v': $WANTPID" prlist -p "$v"
		expect2 "prprune: -p: invalid pid '$v': $WANTPID" prprune -a -p "$v"
		expect2 "prreap: -p: invalid pid '$v': $WANTPID" prreap -p "$v"
		for o in T K; do
			expect2 "prreap: -$o: invalid seconds '$v': $WANTSECS" prreap -"$o" "$v" -s s1
		done
		for o in m C; do
			expect2 "prspawn: -$o: invalid number '$v': $WANTNUM" \
			    prspawn -"$o" "$v" -- touch "$T/started"
		done
		expect2 "prspawn: -W: invalid seconds '$v': $WANTSECS" \
		    prspawn -m 5 -W "$v" -- touch "$T/started"
		expect2 "prpidcheck: '$v': invalid pid: $WANTPID" prpidcheck -- "$v"
		expect2 "prpidcheck: '$v': invalid pid: $WANTPID" prpidcheck "$P" "$v"
		expect2 "prpidcheck: -T: invalid pid '$v': $WANTPID" prpidcheck -T "$v"
	done
	fstate "$REG" | cmp - "$T/before"
	[ ! -e "$T/started" ]
	prpidcheck -t "$TOK" "$P"
}
