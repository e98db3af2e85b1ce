#!/usr/bin/env bats
# prlist: show records, oldest first; select, live or dead, fields; never
# write.  The registry's own rules (location, lines, unsafe files) are in
# format.bats.
#
# Dead records name pids no kernel hands out (above any pid_max); live ones
# are sleeps of our own.  prlist signals nothing, and nothing here does.

load helper
bats_require_minimum_version 1.5.0

D1=2147483647
D2=2147483646
D3=2147483645
USAGE='usage: prlist [-r FILE] [-s SESSION] [-t TYPE] [-p PID] [-i ID] [-O] [-l | -d]
              [-o FIELD[,FIELD...]] [-H]'
WANTWORD='want 1 to 255 of A-Z a-z 0-9 . _ : @ % + = , / -'

# --- usage -----------------------------------------------------------------

@test "-h prints the usage on stdout and exits 0" {
	run -0 --separate-stderr prlist -h
	[ "$output" = "$USAGE" ]
	[ "$stderr" = "" ]
	run -0 --separate-stderr prlist -s s1 -h
	[ "$output" = "$USAGE" ]
}

@test "an unknown option: one line on stderr, exit 2, nothing on stdout" {
	rec "$D1" - job s1 "$S1" - a >"$REG"
	run -2 --separate-stderr prlist -Z
	[ "$output" = "" ]
	[ "$stderr" = "prlist: -Z: unknown option (-h for usage)" ]
	run -2 --separate-stderr prlist -d -a
	[ "$output" = "" ]
	[ "$stderr" = "prlist: -a: unknown option (-h for usage)" ]
}

@test "an unknown option that is no printable byte is shown escaped, on one line" {
	run -2 --separate-stderr prlist $'-\n'
	[ "$output" = "" ]
	[ "$stderr" = 'prlist: -\x0a: unknown option (-h for usage)' ]
}

@test "an option without its argument: one line on stderr, exit 2" {
	for o in r s t p i o; do
		run -2 --separate-stderr prlist -"$o"
		[ "$output" = "" ]
		[ "$stderr" = "prlist: -$o: option requires an argument (-h for usage)" ]
	done
}

@test "an operand is refused, also after --, shown on one line" {
	rec "$D1" - job s1 "$S1" - a >"$REG"
	run -2 --separate-stderr prlist x
	[ "$output" = "" ]
	[ "$stderr" = "prlist: 'x': unexpected operand (-h for usage)" ]
	run -2 --separate-stderr prlist -d -- -l
	[ "$output" = "" ]
	[ "$stderr" = "prlist: '-l': unexpected operand (-h for usage)" ]
	# The first operand ends the options: -d is an operand too.
	run -2 --separate-stderr prlist x -d
	[ "$stderr" = "prlist: 'x': unexpected operand (-h for usage)" ]
	run -2 --separate-stderr prlist $'a\nb'
	[ "$stderr" = "prlist: 'a\\x0ab': unexpected operand (-h for usage)" ]
}

@test "-s, -t, -i refuse a tab, space, newline, control byte, non-ASCII, empty or 256 bytes" {
	rec "$D1" - job s1 "$S1" - a >"$REG"
	w256=$(printf 'w%.0s' $(seq 256))
	w64=$(printf 'w%.0s' $(seq 64))
	# Each bad value, then how the message shows it.
	set -- $'a\tb' 'a\x09b' 'a b' 'a b' $'a\nb' 'a\x0ab' $'a\001b' 'a\x01b' \
	    'sé' 's\xc3\xa9' '' '' "$w256" "$w64..." 'a;b' 'a;b' 'a*' 'a*'
	for o in s t i; do
		for ((k = 1; k < $#; k += 2)); do
			v=${!k} j=$((k + 1))
			run -2 --separate-stderr prlist -"$o" "$v"
			[ "$output" = "" ]
			[ "$stderr" = "prlist: -$o: invalid value '${!j}': $WANTWORD" ]
		done
	done
}

@test "-s, -t, -i take a WORD of 255 bytes, and every byte a WORD may hold" {
	w255=$(printf 'w%.0s' $(seq 255))
	all='AZaz09._:@%+=,/-'
	{ header; rec "$D1" - "$w255" "$w255" "$S1" - "$w255"
	  rec "$D2" - "$all" "$all" "$S2" - "$all"; } >"$REG"
	run -0 --separate-stderr prlist -s "$w255" -t "$w255" -i "$w255"
	[ "$output" = "$(rec "$D1" - "$w255" "$w255" "$S1" - "$w255")" ]
	[ "$stderr" = "" ]
	run -0 --separate-stderr prlist -s "$all" -t "$all" -i "$all"
	[ "$output" = "$(rec "$D2" - "$all" "$all" "$S2" - "$all")" ]
}

@test "-p refuses what is not a pid of 1 to 2147483647" {
	rec "$D1" - job s1 "$S1" - a >"$REG"
	for v in 0 -1 abc 2147483648 99999999999 0x10 1e3 ' 5' 05 -0 ''; do
		run -2 --separate-stderr prlist -p "$v"
		[ "$output" = "" ]
		[ "$stderr" = "prlist: -p: invalid pid '$v': want 1 to 2147483647" ]
	done
}

# --- what is printed ---------------------------------------------------------

@test "prints the records as registry lines, no header, oldest started first, ties in file order" {
	{ header
	  rec "$D1" - job s1 "$S3" - latest
	  rec "$D1" - job s1 "$S1" - first-of-S1
	  rec "$D2" 12 job s1 "$S2" tok tie-1
	  rec "$D2" - job s1 "$S1" - second-of-S1
	  rec "$D3" - job s1 "$S2" - tie-2; } >"$REG"
	run -0 --separate-stderr prlist
	[ "$output" = "$(rec "$D1" - job s1 "$S1" - first-of-S1
	    rec "$D2" - job s1 "$S1" - second-of-S1
	    rec "$D2" 12 job s1 "$S2" tok tie-1
	    rec "$D3" - job s1 "$S2" - tie-2
	    rec "$D1" - job s1 "$S3" - latest)" ]
	[ "$stderr" = "" ]
}

@test "many records of one start time keep their file order" {
	{ header
	  for i in $(seq 200 -1 1); do
		rec "$D1" - job s1 "$([ $((i % 3)) = 0 ] && echo "$S2" || echo "$S1")" - "r$i"
	  done; } >"$REG"
	run -0 prlist -o id
	[ "$output" = "$(for i in $(seq 200 -1 1); do [ $((i % 3)) = 0 ] || echo "r$i"; done
	    for i in $(seq 200 -1 1); do [ $((i % 3)) != 0 ] || echo "r$i"; done)" ]
}

@test "nothing matched: exit 1, nothing printed (also an empty registry)" {
	run -1 --separate-stderr prlist
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	header >"$REG"
	run -1 --separate-stderr prlist
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	rec "$D1" - job s1 "$S1" - a >>"$REG"
	run -1 --separate-stderr prlist -s s2
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run -1 --separate-stderr prlist -l
	[ "$output" = "" ]
}

@test "-s, -t, -p and -i select, and are AND-ed" {
	{ header
	  rec "$D1" - web s1 "$S1" - a
	  rec "$D2" - db s1 "$S1" - b
	  rec "$D1" - web s2 "$S2" - c
	  rec "$D3" - db s2 "$S3" - d; } >"$REG"
	run -0 prlist -s s1
	[ "$output" = "$(rec "$D1" - web s1 "$S1" - a; rec "$D2" - db s1 "$S1" - b)" ]
	run -0 prlist -t web
	[ "$output" = "$(rec "$D1" - web s1 "$S1" - a; rec "$D1" - web s2 "$S2" - c)" ]
	run -0 prlist -p "$D1"
	[ "$output" = "$(rec "$D1" - web s1 "$S1" - a; rec "$D1" - web s2 "$S2" - c)" ]
	run -0 prlist -i d
	[ "$output" = "$(rec "$D3" - db s2 "$S3" - d)" ]
	run -0 prlist -t web -s s2
	[ "$output" = "$(rec "$D1" - web s2 "$S2" - c)" ]
	run -0 prlist -p "$D1" -s s1 -t web -i a
	[ "$output" = "$(rec "$D1" - web s1 "$S1" - a)" ]
	run -1 prlist -p "$D2" -t web
	[ "$output" = "" ]
	run -1 prlist -i a -s s2
	[ "$output" = "" ]
}

@test "-s - selects the records with no session" {
	{ header; rec "$D1" - job - "$S1" - a; rec "$D2" - job s1 "$S1" - b; } >"$REG"
	run -0 prlist -s -
	[ "$output" = "$(rec "$D1" - job - "$S1" - a)" ]
}

# --- live and dead -------------------------------------------------------------

@test "-l prints the live records, -d the dead ones" {
	start_sleep
	{ header
	  rec "$D1" - job s1 "$S1" - dead
	  rec "$P" - job s1 "$S2" "$TOK" live
	  rec "$P" - job s1 "$S3" - live-no-token; } >"$REG"
	run -0 --separate-stderr prlist -l
	[ "$output" = "$(rec "$P" - job s1 "$S2" "$TOK" live
	    rec "$P" - job s1 "$S3" - live-no-token)" ]
	[ "$stderr" = "" ]
	run -0 --separate-stderr prlist -d
	[ "$output" = "$(rec "$D1" - job s1 "$S1" - dead)" ]
	[ "$stderr" = "" ]
	run -0 prlist -l -l
	run -1 prlist -d -s nope
	[ "$output" = "" ]
}

@test "-l and -d together are a usage error" {
	rec "$D1" - job s1 "$S1" - a >"$REG"
	run -2 --separate-stderr prlist -l -d
	[ "$output" = "" ]
	[ "$stderr" = "prlist: -l and -d: exclude each other (-h for usage)" ]
	run -2 --separate-stderr prlist -d -s s1 -l
	[ "$output" = "" ]
	[ "$stderr" = "prlist: -l and -d: exclude each other (-h for usage)" ]
}

@test "a zombie is dead: -d shows it, -l does not" {
	start_zombie
	{ header; rec "$Z" - job s1 "$S1" - zombie; } >"$REG"
	run -0 --separate-stderr prlist -d
	[ "$output" = "$(rec "$Z" - job s1 "$S1" - zombie)" ]
	[ "$stderr" = "" ]
	run -1 prlist -l
	[ "$output" = "" ]
}

@test "a zombie leader whose group has a live member is live; once the member ends, a zombie" {
	start_zombie_leader
	TOKL=$(token_of "$L")
	{ header; rec "$L" "$L" job s1 "$S1" "$TOKL" z; } >"$REG"
	run -0 prlist -o id,state
	[ "$output" = "z${TAB}live" ]
	kill "$M"
	until_true gone "$M"
	run -0 prlist -o id,state
	[ "$output" = "z${TAB}zombie" ]
}

@test "a live pid with another token is reused: dead to -d, and left alone" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" 1 reused; } >"$REG"
	run -0 --separate-stderr prlist -d
	[ "$output" = "$(rec "$P" - job s1 "$S1" 1 reused)" ]
	[ "$stderr" = "" ]
	run -1 prlist -l
	[ "$output" = "" ]
	alive "$P"
}

# --- fields ------------------------------------------------------------------

@test "-o prints the named fields, tab-separated, in the order given" {
	{ header; rec "$D1" 42 web s1 "$S1" tok a; rec "$D2" - db s2 "$S2" - b; } >"$REG"
	run -0 --separate-stderr prlist -o id
	[ "$output" = "a
b" ]
	[ "$stderr" = "" ]
	run -0 prlist -o id,pid
	[ "$output" = "a	$D1
b	$D2" ]
	run -0 prlist -o token,started,session,type,pgid,pid,id -s s1
	[ "$output" = "tok	$S1	s1	web	42	$D1	a" ]
	run -0 prlist -o pid,pgid,type,session,started,token,id -t db
	[ "$output" = "$(rec "$D2" - db s2 "$S2" - b)" ]
	run -0 prlist -o pid,pid -i b
	[ "$output" = "$D2	$D2" ]
	# The last -o counts.
	run -0 prlist -o pid -o id -i b
	[ "$output" = b ]
}

@test "-o refuses a field name that is no field, state or attribute key, or is empty" {
	rec "$D1" - job s1 "$S1" - a >"$REG"
	want="want pid, pgid, type, session, started, token, id, state or an attribute's key (a-z)"
	for v in foo.x PID pid,Foo 'pid,,id' pid, ,id '' 'i d' 'abcdefghijklmnopq'; do
		run -2 --separate-stderr prlist -o "$v"
		[ "$output" = "" ]
		case $v in
		foo.x) bad=foo.x ;;
		pid,Foo) bad=Foo ;;
		PID) bad=PID ;;
		'i d') bad='i d' ;;
		abc*) bad=$v ;;
		*) bad= ;;
		esac
		[ "$stderr" = "prlist: -o: unknown field '$bad': $want" ]
	done
	run -2 --separate-stderr prlist -o $'pid,a\nb'
	[ "$stderr" = "prlist: -o: unknown field 'a\\x0ab': $want" ]
}

# --- never writes --------------------------------------------------------------

@test "prlist creates and changes nothing: no lock, no temp file, no FILE.corrupt" {
	start_sleep
	mkdir -m 700 "$T/d"
	export PRREG_FILE=$T/d/registry REG=$T/d/registry
	{ header; echo 'bad line'; rec "$P" - job s1 "$S1" "$TOK" a
	  rec "$D1" - job s1 "$S2" - b; } >"$REG"
	touch -d '2020-01-01 00:00:00' "$REG"
	before=$(fstate "$REG"; ls -A "$T/d")
	run -0 --separate-stderr prlist
	[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a
	    rec "$D1" - job s1 "$S2" - b)" ]
	[ "$stderr" = "prlist: $REG:2: malformed record, skipped" ]
	run -0 prlist -l
	run -0 prlist -d
	[ "$(fstate "$REG"; ls -A "$T/d")" = "$before" ]
}

@test "prlist reads a read-only registry in a read-only directory" {
	start_sleep
	mkdir -m 700 "$T/ro"
	R=$T/ro/registry
	{ header; rec "$P" - job s1 "$S1" "$TOK" a
	  rec "$D1" - job s1 "$S2" - b; } >"$R"
	chmod 400 "$R"
	touch -d '2020-01-01 00:00:00' "$R"
	before=$(fstate "$R"; ls -A "$T/ro")
	if has_mountns; then
		# A read-only bind mount, in a namespace of its own.
		script='mount --bind "$1" "$1" &&
		    mount -o remount,bind,ro "$1" || exit 99
		    ! touch "$1/probe" 2>/dev/null || exit 98
		    prlist -r "$1/registry"; echo "all $?"
		    prlist -r "$1/registry" -l; echo "live $?"
		    prlist -r "$1/registry" -d -o id; echo "dead $?"'
		run -0 --separate-stderr unshare -m sh -c "$script" sh "$T/ro"
	else
		# Root writes there anyway: what shows is that nothing changed.
		chmod 555 "$T/ro"
		run -0 --separate-stderr sh -c '
		    prlist -r "$1/registry"; echo "all $?"
		    prlist -r "$1/registry" -l; echo "live $?"
		    prlist -r "$1/registry" -d -o id; echo "dead $?"' sh "$T/ro"
	fi
	[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a
	    rec "$D1" - job s1 "$S2" - b)
all 0
$(rec "$P" - job s1 "$S1" "$TOK" a)
live 0
b
dead 0" ]
	[ "$stderr" = "" ]
	[ "$(fstate "$R"; ls -A "$T/ro")" = "$before" ]
}

@test "what cannot be written to stdout is an error: exit 3, with a message" {
	[ -w /dev/full ] || skip "no /dev/full"
	{ header; rec "$D1" - job s1 "$S1" - a; } >"$REG"
	run -3 --separate-stderr sh -c 'prlist >/dev/full'
	[ "$output" = "" ]
	[ "$stderr" = "prlist: stdout: No space left on device" ]
}

# --- -o state, attributes, -H ------------------------------------------------

@test "-o state: live, dead, zombie or reused, as prpidcheck -v says them" {
	start_sleep
	start_zombie
	{ header; rec "$P" - job s1 "$S1" "$TOK" live
	  rec "$D1" - job s1 "$S2" 1 dead
	  rec "$Z" - job s1 "$S3" - zombie
	  rec "$P" - job s2 "$S3" 1 reused; } >"$REG"
	run -0 --separate-stderr prlist -o id,state
	[ "$output" = "live${TAB}live
dead${TAB}dead
zombie${TAB}zombie
reused${TAB}reused" ]
	[ "$stderr" = "" ]
	[ "$(prpidcheck -v -t "$TOK" "$P")" = "$P live" ]
}

@test "-o takes an attribute's key: its value, or - where a record has none" {
	{ header; printf '%s\tcolor=red\tzone=a/b\n' "$(rec "$D1" - job s1 "$S1" 1 a | tr -d '\n')"
	  rec "$D2" - job s1 "$S2" 1 b; } >"$REG"
	run -0 --separate-stderr prlist -o id,zone,color,cgroup
	[ "$output" = "a${TAB}a/b${TAB}red${TAB}-
b${TAB}-${TAB}-${TAB}-" ]
	[ "$stderr" = "" ]
	# The whole line keeps them, in their order.
	run -0 prlist -i a
	[ "$output" = "$(rec "$D1" - job s1 "$S1" 1 a | tr -d '\n')${TAB}color=red${TAB}zone=a/b" ]
}

@test "-H: a header line and columns lined up for a terminal; without it a pipe gets TABs" {
	{ header; rec "$D1" - job s1 "$S1" 1 a
	  rec "$D2" 7 longtype - "$S2" 22 b; } >"$REG"
	run -0 --separate-stderr prlist -H
	[ "$output" = "PID         PGID  TYPE      SESSION  STARTED                   TOKEN  ID
$D1  -     job       s1       $S1  1      a
$D2  7     longtype  -        $S2  22     b" ]
	run -0 prlist -H -o id,state
	[ "$output" = "ID  STATE
a   dead
b   dead" ]
	run -0 prlist -o id,state
	[ "$output" = "a${TAB}dead
b${TAB}dead" ]
}
