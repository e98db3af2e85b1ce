#!/usr/bin/env bats
# The registry file, prreg(5): where it is, its lines, its header and boot
# id, malformed lines and their quarantine, and the files a tool refuses to
# trust.  prlist is the reader and prprune the writer that show it.
#
# Dead records name pids no kernel hands out (above any pid_max), so
# nothing here can ever signal, or even find, a stranger.

load helper
bats_require_minimum_version 1.5.0

D1=2147483647
D2=2147483646
D3=2147483645
OTHERBOOT=00000000-0000-0000-0000-000000000000

# skip_noprocfs: the boot id is `-` there, so no header names another boot.
skip_noprocfs() {
	if noprocfs; then skip "no boot id in the no-procfs build"; fi
}

# --- location ------------------------------------------------------------

@test "location: -r FILE beats \$PRREG_FILE" {
	rec "$D1" - job s1 "$S1" - from-env >"$REG"
	rec "$D1" - job s1 "$S1" - from-r >"$T/r"
	run -0 --separate-stderr prlist -o id -r "$T/r"
	[ "$output" = from-r ]
	[ "$stderr" = "" ]
}

@test "location: \$PRREG_FILE beats \$XDG_RUNTIME_DIR" {
	mkdir -m 700 "$T/xdg" "$T/xdg/prreg"
	rec "$D1" - job s1 "$S1" - from-xdg >"$T/xdg/prreg/registry"
	rec "$D1" - job s1 "$S1" - from-env >"$REG"
	XDG_RUNTIME_DIR=$T/xdg run -0 --separate-stderr prlist -o id
	[ "$output" = from-env ]
	[ "$stderr" = "" ]
}

@test "location: \$XDG_RUNTIME_DIR/prreg/registry when PRREG_FILE is unset or empty" {
	mkdir -m 700 "$T/xdg" "$T/xdg/prreg"
	rec "$D1" - job s1 "$S1" - from-xdg >"$T/xdg/prreg/registry"
	unset PRREG_FILE
	export XDG_RUNTIME_DIR=$T/xdg
	run -0 --separate-stderr prlist -o id
	[ "$output" = from-xdg ]
	[ "$stderr" = "" ]
	PRREG_FILE= run -0 --separate-stderr prlist -o id
	[ "$output" = from-xdg ]
}

@test "location: a reader creates nothing, not even the missing default directory" {
	unset PRREG_FILE
	export XDG_RUNTIME_DIR=$T/xdg
	run -1 --separate-stderr prlist
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	[ ! -e "$T/xdg" ]
	mkdir -m 700 "$T/xdg"
	run -1 --separate-stderr prlist
	[ ! -e "$T/xdg/prreg" ]
	run -0 --separate-stderr prprune -n
	[ "$output" = "" ]
	[ ! -e "$T/xdg/prreg" ]
}

@test "location: a writer creates the missing default directory mode 0700" {
	unset PRREG_FILE
	export XDG_RUNTIME_DIR=$T/xdg
	umask 022
	run -0 --separate-stderr prprune
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	[ "$(stat -c %a "$T/xdg")" = 700 ]
	[ "$(stat -c %a "$T/xdg/prreg")" = 700 ]
	# It is the registry's directory: a record put there is read.
	rec "$D1" - job s1 "$S1" - a >"$T/xdg/prreg/registry"
	run -0 prprune
	[ "$output" = "$(rec "$D1" - job s1 "$S1" - a)" ]
	[ "$(stat -c %a "$T/xdg/prreg/registry")" = 600 ]
}

@test "location: root's default is /run/prreg/registry, its directory made 0700 by a writer" {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	has_mountns || skip "no mount namespace here (unshare -m): /run is left alone"
	line=$(rec "$D1" - job s1 "$S1" - a)
	# A tmpfs on /run, in a namespace of its own: the real /run is untouched.
	run -0 --separate-stderr unshare -m sh -c '
	    mount -t tmpfs tmpfs /run || exit 99
	    unset PRREG_FILE XDG_RUNTIME_DIR
	    prlist; echo "prlist $?"
	    [ ! -e /run/prreg ] || echo "prlist made /run/prreg"
	    prprune; echo "prprune $?"
	    stat -c "%a %u" /run/prreg
	    printf "%s\n" "$1" >/run/prreg/registry
	    prlist; echo "prlist $?"
	    XDG_RUNTIME_DIR= prlist -o id; echo "empty XDG_RUNTIME_DIR $?"' sh "$line"
	[ "$stderr" = "" ]
	[ "$output" = "prlist 1
prprune 0
700 0
$line
prlist 0
a
empty XDG_RUNTIME_DIR 0" ]
}

@test "location: another user's default is /tmp/prreg-UID/registry; one made by a third user is refused" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to become nobody"
	has_mountns || skip "no mount namespace here (unshare -m): /tmp is left alone"
	command -v setpriv >/dev/null || skip "no setpriv"
	case $bindir in /tmp/*) skip "the binaries are under /tmp" ;; esac
	setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	    test -x "$bindir/prlist" || skip "nobody cannot run $bindir/prlist"
	line=$(rec "$D1" - job s1 "$S1" - a)
	run --separate-stderr unshare -m sh -c '
	    mount -t tmpfs tmpfs /tmp || exit 99
	    unset PRREG_FILE XDG_RUNTIME_DIR
	    nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
	    nobody prprune; echo "prprune $?"
	    stat -c "%a %u" /tmp/prreg-65534
	    printf "%s\n" "$1" >/tmp/prreg-65534/registry
	    chown 65534 /tmp/prreg-65534/registry
	    nobody prlist; echo "prlist $?"
	    rm -r /tmp/prreg-65534
	    mkdir -m 700 /tmp/prreg-65534
	    chown 4242 /tmp/prreg-65534
	    nobody prlist; echo "prlist $?"' sh "$line"
	[ "$status" -eq 0 ]
	[ "$output" = "prprune 0
700 65534
$line
prlist 0
prlist 3" ]
	[ "$stderr" = "prlist: /tmp/prreg-65534: unsafe directory: owned by uid 4242, not 65534 or root" ]
}

@test "location: a bare name given to -r is in the current directory, shown as ./NAME" {
	{ header; echo bad; rec "$D1" - job s1 "$S1" - a; } >"$T/reg"
	cd "$T"
	run -0 --separate-stderr prlist -r reg
	[ "$output" = "$(rec "$D1" - job s1 "$S1" - a)" ]
	[ "$stderr" = "prlist: ./reg:2: malformed record, skipped" ]
}

@test "location: an empty -r is invalid input" {
	run -2 --separate-stderr prlist -r ''
	[ "$output" = "" ]
	[ "$stderr" = "prlist: -r: invalid registry path" ]
	run -2 --separate-stderr prprune -r ''
	[ "$output" = "" ]
	[ "$stderr" = "prprune: -r: invalid registry path" ]
}

# --- lines ---------------------------------------------------------------

@test "lines: a missing registry reads as empty" {
	run -1 --separate-stderr prlist
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	run -0 --separate-stderr prprune
	[ "$output" = "" ]
	[ "$stderr" = "" ]
}

@test "lines: comments and blank lines are ignored; the last line needs no LF" {
	{ header; echo '# a comment'; echo; rec "$D1" - job s1 "$S1" - a
	  echo; echo '#'; printf '%s' "$(rec "$D2" - job s1 "$S2" - b)"; } >"$REG"
	run -0 --separate-stderr prlist
	[ "$output" = "$(rec "$D1" - job s1 "$S1" - a
	    rec "$D2" - job s1 "$S2" - b)" ]
	[ "$stderr" = "" ]
}

@test "lines: a writer puts the header first and keeps no other comment or blank line" {
	start_sleep
	{ echo '# a comment'; echo; rec "$P" - job s1 "$S1" "$TOK" a
	  echo; echo '# another'; printf '%s' "$(rec "$D1" - job s1 "$S2" - b)"
	} >"$REG"
	run -0 --separate-stderr prprune
	[ "$output" = "$(rec "$D1" - job s1 "$S2" - b)" ]
	[ "$stderr" = "" ]
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$T/want"
	cmp "$REG" "$T/want"
}

@test "lines: a WORD of 255 bytes is a record, one of 256 is malformed" {
	w255=$(printf 'w%.0s' $(seq 255))
	{ header; rec "$D1" - "$w255" "$w255" "$S1" - "$w255"
	  rec "$D2" - job "${w255}x" "$S1" - b; } >"$REG"
	run -0 --separate-stderr prlist
	[ "$output" = "$(rec "$D1" - "$w255" "$w255" "$S1" - "$w255")" ]
	[ "$stderr" = "prlist: $REG:3: malformed record, skipped" ]
}

@test "lines: every malformed form is skipped by a reader, with FILE:LINE on stderr" {
	t65=$(printf 't%.0s' $(seq 65))
	w256=$(printf 'w%.0s' $(seq 256))
	{ header
	  rec "$D1" - job s1 "$S1" - good1
	  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$D2" - job s1 "$S1" -	# 6 fields
	  rec "$D2" - job s1 "$S1" - x | sed 's/$/\tmore/'		# 8 fields
	  rec 0 - job s1 "$S1" - pid0
	  rec 0123 - job s1 "$S1" - leadingzero
	  rec +5 - job s1 "$S1" - sign
	  rec 2147483648 - job s1 "$S1" - toobig
	  rec "$D2" 0 job s1 "$S1" - pgid0
	  rec "$D2" x job s1 "$S1" - pgidx
	  rec "$D2" - '' s1 "$S1" - emptytype
	  rec "$D2" - 'a b' s1 "$S1" - spaceintype
	  rec "$D2" - job 'sé' "$S1" - nonascii
	  rec "$D2" - job s1 2024-13-01T10:00:00.000Z - month13
	  rec "$D2" - job s1 2024-05-01T10:00:00Z - noms
	  rec "$D2" - job s1 2024-05-01T10:00:00.000 - noZ
	  rec "$D2" - job s1 "$S1" "$t65" longtoken
	  rec "$D2" - job s1 "$S1" 'a b' spacetoken
	  rec "$D2" - job s1 "$S1" - "$w256"
	  rec "$D2" - job s1 "$S1" - ''
	  printf ' %s' "$(rec "$D2" - job s1 "$S1" - leadingspace)"; echo
	  rec "$D2" - job s1 "$S1" - trailingtab | sed 's/$/\t/'
	  echo '   '
	  echo ' # not a comment'
	  rec "$D3" - job s1 "$S1" - good2; } >"$REG"
	run -0 --separate-stderr prlist
	[ "$output" = "$(rec "$D1" - job s1 "$S1" - good1
	    rec "$D3" - job s1 "$S1" - good2)" ]
	want=
	for n in $(seq 3 24); do
		want="$want${want:+$'\n'}prlist: $REG:$n: malformed record, skipped"
	done
	[ "$stderr" = "$want" ]
}

@test "lines: a start time is its form byte by byte, each field in its range" {
	# Each byte of a good stamp made wrong in turn: a separator for the
	# byte around it ('/' and ':' lie on either side of the digits), a
	# digit for the separator's place; then each field at its edges.
	good=2024-05-01T10:00:00.000Z
	{ header
	  for i in $(seq 0 23); do
		c=${good:i:1}
		case $c in
		[0-9]) bad="/ :" ;;
		*) bad="0 ," ;;
		esac
		for b in $bad; do
			rec "$D2" - job s1 "${good:0:i}$b${good:i+1}" - "b$i"
		done
	  done
	  for s in 2024-00-01T10:00:00.000Z 2024-13-01T10:00:00.000Z \
	      2024-05-00T10:00:00.000Z 2024-05-32T10:00:00.000Z \
	      2024-05-01T24:00:00.000Z 2024-05-01T10:60:00.000Z \
	      2024-05-01T10:00:61.000Z; do
		rec "$D2" - job s1 "$s" - "r$s"
	  done
	  rec "$D1" - job s1 0000-01-01T00:00:00.000Z - low
	  rec "$D3" - job s1 9999-12-31T23:59:60.999Z - high; } >"$REG"
	run -0 --separate-stderr prlist -o id,started
	[ "$output" = "low	0000-01-01T00:00:00.000Z
high	9999-12-31T23:59:60.999Z" ]
	[ "$(printf '%s\n' "$stderr" | grep -c 'malformed record, skipped$')" = 55 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" = 55 ]
}

@test "lines: a file of blank lines takes memory for the records its size can hold, not for each line" {
	grep -qa __asan_init "$(command -v prlist)" &&
	    skip "built with ASan, which reserves more address space than the limit"
	# 20 MB of LFs and one record: 48 bytes of record table a line was
	# 960 MB; a record line is at least 37 bytes, so 26 MB now.
	{ header; head -c 20000000 /dev/zero | tr '\0' '\n'
	  rec "$D1" - job s1 "$S1" - last; } >"$REG"
	run --separate-stderr bash -c 'ulimit -v 200000 && exec prlist'
	[ "$status" -eq 0 ]
	[ "$output" = "$(rec "$D1" - job s1 "$S1" - last)" ]
	[ "$stderr" = "" ]
}

@test "lines: a writer moves malformed lines verbatim to FILE.corrupt, keeps the records" {
	start_sleep
	{ header
	  rec "$P" - job s1 "$S1" "$TOK" a
	  echo 'not a record'
	  rec 0 - job s1 "$S1" - pid0
	  rec "$D1" - job s1 "$S2" - b; } >"$REG"
	run -0 --separate-stderr prprune
	[ "$output" = "$(rec "$D1" - job s1 "$S2" - b)" ]
	[ "$stderr" = "prprune: $REG:3: malformed record, moved to $REG.corrupt
prprune: $REG:4: malformed record, moved to $REG.corrupt" ]
	{ echo 'not a record'; rec 0 - job s1 "$S1" - pid0; } >"$T/want"
	cmp "$REG.corrupt" "$T/want"
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$T/want"
	cmp "$REG" "$T/want"
	[ "$(stat -c %a "$REG.corrupt")" = 600 ]

	# Quarantined once: the next writer finds nothing to say.
	run -0 --separate-stderr prprune
	[ "$output" = "" ]
	[ "$stderr" = "" ]

	# FILE.corrupt is appended to, never replaced.
	echo 'again bad' >>"$REG"
	run -0 --separate-stderr prprune
	[ "$stderr" = "prprune: $REG:3: malformed record, moved to $REG.corrupt" ]
	{ echo 'not a record'; rec 0 - job s1 "$S1" - pid0
	  echo 'again bad'; } >"$T/want"
	cmp "$REG.corrupt" "$T/want"
}

@test "lines: a CRLF line is malformed and quarantined with its CR" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" a
	  rec "$D1" - job s1 "$S1" - crlf | sed 's/$/\r/'; } >"$REG"
	run -0 --separate-stderr prlist
	[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
	[ "$stderr" = "prlist: $REG:3: malformed record, skipped" ]
	run -0 --separate-stderr prprune
	[ "$output" = "" ]
	[ "$stderr" = "prprune: $REG:3: malformed record, moved to $REG.corrupt" ]
	rec "$D1" - job s1 "$S1" - crlf | sed 's/$/\r/' >"$T/want"
	cmp "$REG.corrupt" "$T/want"
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$T/want"
	cmp "$REG" "$T/want"
}

@test "lines: a NUL byte makes a line malformed; it is quarantined byte for byte" {
	start_sleep
	{ header; rec "$P" - job s1 "$S1" "$TOK" a
	  printf '%s\t-\tjob\ts\0x\t%s\t-\tnul\n' "$D1" "$S1"
	  rec "$D2" - job s1 "$S2" - b; } >"$REG"
	run -0 --separate-stderr prlist
	[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a
	    rec "$D2" - job s1 "$S2" - b)" ]
	[ "$stderr" = "prlist: $REG:3: malformed record, skipped" ]
	run -0 --separate-stderr prprune
	[ "$output" = "$(rec "$D2" - job s1 "$S2" - b)" ]
	[ "$stderr" = "prprune: $REG:3: malformed record, moved to $REG.corrupt" ]
	printf '%s\t-\tjob\ts\0x\t%s\t-\tnul\n' "$D1" "$S1" >"$T/want"
	cmp "$REG.corrupt" "$T/want"
	{ header; rec "$P" - job s1 "$S1" "$TOK" a; } >"$T/want"
	cmp "$REG" "$T/want"
}

@test "lines: of two records with one id the first stays, the later is quarantined" {
	start_sleep; A=$P TA=$TOK
	start_sleep; B=$P TB=$TOK
	{ header; rec "$A" - job s1 "$S1" "$TA" same
	  rec "$D1" - job s1 "$S1" - other
	  rec "$B" - job s2 "$S2" "$TB" same; } >"$REG"
	run -0 --separate-stderr prlist
	[ "$output" = "$(rec "$A" - job s1 "$S1" "$TA" same
	    rec "$D1" - job s1 "$S1" - other)" ]
	[ "$stderr" = "prlist: $REG:4: duplicate id, skipped" ]
	run -0 --separate-stderr prprune
	[ "$output" = "$(rec "$D1" - job s1 "$S1" - other)" ]
	[ "$stderr" = "prprune: $REG:4: duplicate id, moved to $REG.corrupt" ]
	rec "$B" - job s2 "$S2" "$TB" same >"$T/want"
	cmp "$REG.corrupt" "$T/want"
	{ header; rec "$A" - job s1 "$S1" "$TA" same; } >"$T/want"
	cmp "$REG" "$T/want"
}

# --- header and boot id ----------------------------------------------------

@test "boot: a writer's header names this boot (- in the no-procfs build)" {
	{ rec "$D1" - job s1 "$S1" - a; } >"$REG"
	run -0 prprune
	[ "$(cat "$REG")" = "#prreg 1 boot=$(bootid)" ]
	if noprocfs; then
		[ "$(head -1 "$REG")" = "#prreg 1 boot=-" ]
	else
		[ "$(head -1 "$REG")" = "#prreg 1 boot=$(cat /proc/sys/kernel/random/boot_id)" ]
	fi
}

@test "boot: a header that names another boot makes every record dead" {
	skip_noprocfs
	start_sleep
	{ header "$OTHERBOOT"; rec "$P" - job s1 "$S1" "$TOK" a
	  rec "$D1" - job s1 "$S2" - b; } >"$REG"
	run -0 --separate-stderr prlist -d
	[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a
	    rec "$D1" - job s1 "$S2" - b)" ]
	[ "$stderr" = "" ]
	run -1 --separate-stderr prlist -l
	[ "$output" = "" ]
	[ "$stderr" = "" ]
}

@test "boot: a header of this boot, of boot -, or none leaves live records live" {
	start_sleep
	for h in "$(header)" '#prreg 1 boot=-' '# no header'; do
		{ echo "$h"; rec "$P" - job s1 "$S1" "$TOK" a
		  rec "$D1" - job s1 "$S2" - b; } >"$REG"
		run -0 --separate-stderr prlist -l
		[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
		[ "$stderr" = "" ]
	done
}

@test "boot: a header on any line but the first is a comment" {
	skip_noprocfs
	start_sleep
	{ echo '# first'; header "$OTHERBOOT"; rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	run -0 --separate-stderr prlist -l
	[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
}

@test "boot: a writer that only removes keeps another boot's header" {
	skip_noprocfs
	start_sleep
	{ header "$OTHERBOOT"; rec "$P" - job s1 "$S1" "$TOK" a
	  rec "$D1" - job s2 "$S2" - b; } >"$REG"
	run -0 --separate-stderr prprune -s s2
	[ "$output" = "$(rec "$D1" - job s2 "$S2" - b)" ]
	{ header "$OTHERBOOT"; rec "$P" - job s1 "$S1" "$TOK" a; } >"$T/want"
	cmp "$REG" "$T/want"
	run -0 prprune
	[ "$output" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
	[ "$(cat "$REG")" = "#prreg 1 boot=$OTHERBOOT" ]
	kill -0 "$P"
}

@test "boot: a writer that adds a record drops another boot's records and names this boot" {
	skip_noprocfs
	start_sleep
	{ header "$OTHERBOOT"; rec "$D1" - job s1 "$S1" - old; } >"$REG"
	run -0 --separate-stderr prspawn -p -i new -A "$P"
	[ "$stderr" = "" ]
	[ "$(cat "$REG")" = "$(header)
$output" ]
	[ "$(cut -f1,7 <<<"$output")" = "$P	new" ]
}

# --- files that are not trusted ---------------------------------------------

@test "unsafe: a registry that is a symbolic link is refused, its target untouched" {
	rec "$D1" - job s1 "$S1" - a >"$T/target"
	ln -s "$T/target" "$REG"
	before=$(fstate "$T/target")
	run -3 --separate-stderr prlist
	[ "$output" = "" ]
	[ "$stderr" = "prlist: $REG: unsafe file: a symbolic link" ]
	run -3 --separate-stderr prprune
	[ "$output" = "" ]
	[ "$stderr" = "prprune: $REG: unsafe file: a symbolic link" ]
	[ "$(fstate "$T/target")" = "$before" ]
	ln -sf "$T/nowhere" "$REG"
	run -3 --separate-stderr prlist
	[ "$stderr" = "prlist: $REG: unsafe file: a symbolic link" ]
}

# A registry path given with -r or $PRREG_FILE that is no file is invalid
# input (exit 2, below); a default location's registry that is none is an
# unsafe file (exit 3).
default_reg() {
	unset PRREG_FILE
	export XDG_RUNTIME_DIR=$T/xdg
	mkdir -p -m 700 "$T/xdg/prreg"
	REG=$T/xdg/prreg/registry
}

@test "unsafe: a registry that is a FIFO is refused, without waiting for a writer" {
	default_reg
	mkfifo -m 600 "$REG"
	run -3 --separate-stderr timeout 60 prlist
	[ "$output" = "" ]
	[ "$stderr" = "prlist: $REG: unsafe file: not a regular file" ]
	run -3 --separate-stderr timeout 60 prprune
	[ "$output" = "" ]
	[ "$stderr" = "prprune: $REG: unsafe file: not a regular file" ]
}

@test "unsafe: a registry that is a directory is refused" {
	default_reg
	mkdir -m 700 "$REG"
	run -3 --separate-stderr prlist
	[ "$output" = "" ]
	[ "$stderr" = "prlist: $REG: unsafe file: not a regular file" ]
	run -3 --separate-stderr prprune
	[ "$stderr" = "prprune: $REG: unsafe file: not a regular file" ]
}

# every_tool_refuses WHAT PATH WHY: each of the six tools, given PATH as its
# registry (WHAT: -r or PRREG_FILE), exits 2 with one line, makes no
# FILE.lock, and prspawn starts nothing.
every_tool_refuses() {
	local what=$1 path=$2 why=$3 t lock=${2%/}.lock locks
	locks=$(ls -A "$(dirname "$lock")" | grep -c '\.lock$' || true)
	for t in "prspawn -- touch $T/started" prlist "prreap -s x" prprune \
	    "prpidcheck $$" "prwait -s x"; do
		if [ "$what" = -r ]; then
			set -- $t
			run -2 --separate-stderr env -u PRREG_FILE "$1" -r "$path" "${@:2}"
		else
			run -2 --separate-stderr env PRREG_FILE="$path" $t
		fi
		[ "$output" = "" ]
		[ "$stderr" = "${t%% *}: $what: $path: not a registry file: $why" ]
	done
	[ ! -e "$T/started" ]
	[ "$(ls -A "$(dirname "$lock")" | grep -c '\.lock$' || true)" = "$locks" ]
	[ ! -e "$path/.lock" ]
}

@test "location: a registry path that ends in / or names a directory, a device or a FIFO is invalid input, for every tool" {
	mkdir -m 700 "$T/dir"
	every_tool_refuses -r "$T/dir/" "ends in /"
	every_tool_refuses -r "$T/none/" "ends in /"
	every_tool_refuses -r "$T/dir" "a directory"
	every_tool_refuses -r "$T" "a directory"
	every_tool_refuses PRREG_FILE "$T/dir/" "ends in /"
	mkfifo -m 600 "$T/fifo"
	every_tool_refuses -r "$T/fifo" "a FIFO"
	every_tool_refuses PRREG_FILE "$T/fifo" "a FIFO"
	[ -e /dev/null.lock ] && skip "/dev/null.lock exists on this machine"
	every_tool_refuses PRREG_FILE /dev/null "a device"
	every_tool_refuses -r /dev/null "a device"
	[ ! -e /dev/null.lock ]
	[ "$(ls -A "$T/dir")" = "" ]
	# Refused before prspawn makes anything else: -o's file.
	run -2 --separate-stderr prspawn -o "$T/out.log" -r "$T/dir/" -- true
	[ "$stderr" = "prspawn: -r: $T/dir/: not a registry file: ends in /" ]
	[ ! -e "$T/out.log" ]
}

@test "unsafe: a registry owned by another user is refused" {
	rec "$D1" - job s1 "$S1" - a >"$REG"
	chown nobody "$REG"
	uid=$(id -u nobody)
	run -3 --separate-stderr prlist
	[ "$output" = "" ]
	[ "$stderr" = "prlist: $REG: unsafe file: owned by uid $uid, not $(id -u)" ]
	run -3 --separate-stderr prprune
	[ "$output" = "" ]
	[ "$stderr" = "prprune: $REG: unsafe file: owned by uid $uid, not $(id -u)" ]
	[ "$(cat "$REG")" = "$(rec "$D1" - job s1 "$S1" - a)" ]
}

@test "unsafe: a registry writable by group (0620) or others (0602) is refused; 0644 will do" {
	rec "$D1" - job s1 "$S1" - a >"$REG"
	for m in 0620 0602 0660 0666; do
		chmod "$m" "$REG"
		run -3 --separate-stderr prlist
		[ "$output" = "" ]
		[ "$stderr" = "prlist: $REG: unsafe file: writable by group or others (mode $m)" ]
		run -3 --separate-stderr prprune
		[ "$output" = "" ]
		[ "$stderr" = "prprune: $REG: unsafe file: writable by group or others (mode $m)" ]
	done
	chmod 0644 "$REG"
	run -0 --separate-stderr prlist
	[ "$output" = "$(rec "$D1" - job s1 "$S1" - a)" ]
	[ "$stderr" = "" ]
}

@test "unsafe: a writer refuses a lock file that is a link, a FIFO, another's or 0666; a reader ignores it" {
	start_sleep
	rec "$P" - job s1 "$S1" "$TOK" a >"$REG"
	: >"$T/target"
	ln -s "$T/target" "$REG.lock"
	run -3 --separate-stderr prprune
	[ "$output" = "" ]
	[ "$stderr" = "prprune: $REG.lock: unsafe file: a symbolic link" ]
	run -0 prlist
	rm "$REG.lock"
	mkfifo -m 600 "$REG.lock"
	run -3 --separate-stderr timeout 60 prprune
	[ "$stderr" = "prprune: $REG.lock: unsafe file: not a regular file" ]
	rm "$REG.lock"
	: >"$REG.lock"
	chown nobody "$REG.lock"
	run -3 --separate-stderr prprune
	[ "$stderr" = "prprune: $REG.lock: unsafe file: owned by uid $(id -u nobody), not $(id -u)" ]
	chown 0 "$REG.lock"
	chmod 666 "$REG.lock"
	run -3 --separate-stderr prprune
	[ "$stderr" = "prprune: $REG.lock: unsafe file: writable by group or others (mode 0666)" ]
	[ "$(cat "$REG")" = "$(rec "$P" - job s1 "$S1" "$TOK" a)" ]
}

@test "unsafe: a writer refuses an unsafe FILE.corrupt and then keeps the bad line in FILE" {
	{ header; echo 'bad line'; rec "$D1" - job s1 "$S1" - a; } >"$REG"
	cp "$REG" "$T/before"
	: >"$T/target"
	ln -s "$T/target" "$REG.corrupt"
	run -3 --separate-stderr prprune
	[ "$output" = "" ]
	[ "$(tail -1 <<<"$stderr")" = "prprune: $REG.corrupt: unsafe file: a symbolic link" ]
	cmp "$REG" "$T/before"
	[ ! -s "$T/target" ]
	rm "$REG.corrupt"
	mkfifo -m 600 "$REG.corrupt"
	run -3 --separate-stderr timeout 60 prprune
	[ "$(tail -1 <<<"$stderr")" = "prprune: $REG.corrupt: unsafe file: not a regular file" ]
	rm "$REG.corrupt"
	: >"$REG.corrupt"
	chmod 622 "$REG.corrupt"
	run -3 --separate-stderr prprune
	[ "$(tail -1 <<<"$stderr")" = "prprune: $REG.corrupt: unsafe file: writable by group or others (mode 0622)" ]
	cmp "$REG" "$T/before"
	[ ! -s "$REG.corrupt" ]
}

@test "unsafe: a directory writable by group or others is refused unless sticky" {
	mkdir "$T/d"
	R=$T/d/registry
	rec "$D1" - job s1 "$S1" - a >"$R"
	for m in 0777 0770 0707; do
		chmod "$m" "$T/d"
		run -3 --separate-stderr prlist -r "$R"
		[ "$output" = "" ]
		[ "$stderr" = "prlist: $T/d: unsafe directory: writable by group or others (mode $m)" ]
		run -3 --separate-stderr prprune -r "$R"
		[ "$output" = "" ]
		[ "$stderr" = "prprune: $T/d: unsafe directory: writable by group or others (mode $m)" ]
	done
	chmod 1777 "$T/d"
	run -0 --separate-stderr prlist -r "$R"
	[ "$output" = "$(rec "$D1" - job s1 "$S1" - a)" ]
	[ "$stderr" = "" ]
	run -0 --separate-stderr prprune -r "$R"
	[ "$output" = "$(rec "$D1" - job s1 "$S1" - a)" ]
	[ "$stderr" = "" ]
}

@test "unsafe: a directory owned by another user (not root) is refused" {
	mkdir -m 700 "$T/d"
	R=$T/d/registry
	rec "$D1" - job s1 "$S1" - a >"$R"
	chown nobody "$T/d"
	run -3 --separate-stderr prlist -r "$R"
	[ "$output" = "" ]
	[ "$stderr" = "prlist: $T/d: unsafe directory: owned by uid $(id -u nobody), not $(id -u) or root" ]
	run -3 --separate-stderr prprune -r "$R"
	[ "$stderr" = "prprune: $T/d: unsafe directory: owned by uid $(id -u nobody), not $(id -u) or root" ]
}

# --- writing -------------------------------------------------------------

@test "write: the new registry replaces the old by rename, mode 0600, no temp file left" {
	start_sleep
	umask 022
	{ header; rec "$P" - job s1 "$S1" "$TOK" a
	  rec "$D1" - job s1 "$S2" - b; } >"$REG"
	ino=$(stat -c %i "$REG")
	run -0 prprune
	[ "$(stat -c %i "$REG")" != "$ino" ]
	[ "$(stat -c %a "$REG")" = 600 ]
	[ "$(stat -c %a "$REG.lock")" = 600 ]
	[ "$(cd "$T" && ls -A | grep registry | tr '\n' ' ')" = "registry registry.lock " ]
}

@test "write: nothing to change leaves the file as it was, not rewritten" {
	start_sleep
	{ header; echo '# kept, since nothing is written'
	  rec "$P" - job s1 "$S1" "$TOK" a; } >"$REG"
	touch -d '2020-01-01 00:00:00' "$REG"
	before=$(fstate "$REG")
	run -0 --separate-stderr prprune
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	[ "$(fstate "$REG")" = "$before" ]
}

@test "write: a writer removes a temp file over 60 s old with a warning, a fresh one stays" {
	{ header; rec "$D1" - job s1 "$S1" - a; } >"$REG"
	echo partial >"$REG.tmp.AbC123"
	touch -d '-2 min' "$REG.tmp.AbC123"
	echo partial >"$REG.tmp.XyZ789"
	echo other >"$REG.tmp.short"
	touch -d '-2 min' "$REG.tmp.short"
	run -0 --separate-stderr prprune
	[ "$output" = "$(rec "$D1" - job s1 "$S1" - a)" ]
	[ "$stderr" = "prprune: $REG.tmp.AbC123: removed stale temporary file" ]
	[ ! -e "$REG.tmp.AbC123" ]
	[ -e "$REG.tmp.XyZ789" ]
	[ -e "$REG.tmp.short" ]
}

@test "write: a writer waits for the lock that another holds" {
	command -v python3 >/dev/null || skip "no python3 to hold an fcntl lock"
	{ header; rec "$D1" - job s1 "$S1" - a; } >"$REG"
	(umask 077; : >"$REG.lock")
	mkfifo "$T/release"
	# Holds an fcntl lock on FILE.lock until its stdin ends.
	python3 -c 'import fcntl, sys
f = open(sys.argv[1], "r+")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
sys.stdin.read()' "$REG.lock" "$T/locked" <"$T/release" 3>&- &
	H=$!
	track "$H"
	exec 4>"$T/release"
	while [ ! -e "$T/locked" ]; do sleep 0.01; done
	prprune >"$T/out" 2>&1 </dev/null 3>&- 4>&- &
	W=$!
	track "$W"
	# However long it is given, it must not get past the lock.
	sleep 0.3
	kill -0 "$W"
	[ "$(reg_lines)" = "$(rec "$D1" - job s1 "$S1" - a)" ]
	exec 4>&-
	wait "$H"
	wait "$W"
	[ "$(cat "$T/out")" = "$(rec "$D1" - job s1 "$S1" - a)" ]
	[ "$(cat "$REG")" = "$(header)" ]
}

@test "write: a wait for the lock is bounded (prspawn -W, else 10 s): exit 3, the holder and the time said, nothing done" {
	hl=$(helper holdlock) || skip "no C compiler for the test's helper"
	start_sleep
	prspawn -A "$P" -i base
	before=$(fstate "$REG")
	# The holder stands for a writer stopped (SIGSTOP) with the lock.
	"$hl" "$REG.lock" "$T/go" >"$T/locked" 3>&- &
	H=$!
	track "$H"
	until_true test -s "$T/locked"
	# The 10 s waits run side by side; SIGALRM ignored or blocked by the
	# caller does not make the wait endless.
	prreap -i base >"$T/reap.out" 2>"$T/reap.err" </dev/null 3>&- &
	R=$!
	sh -c 'trap "" ALRM; exec prprune -a -i base' \
	    >"$T/prune.out" 2>"$T/prune.err" </dev/null 3>&- &
	N=$!
	if command -v python3 >/dev/null; then
		python3 -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
os.execvp(sys.argv[1], sys.argv[1:])' prprune -i base \
		    >"$T/blocked.out" 2>"$T/blocked.err" </dev/null 3>&- &
		B=$!
	fi
	run -3 --separate-stderr prspawn -W 1.5 -i new -- touch "$T/started"
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: $REG.lock: held by pid $H for 1.5 s; giving up" ]
	run -3 --separate-stderr prspawn -m 1 -W 1 -- touch "$T/started"
	[ "$stderr" = "prspawn: $REG.lock: held by pid $H for 1 s; giving up" ]
	# The time as it was given, to the nanosecond, not rounded.
	run -3 --separate-stderr prspawn -W 1.0000025 -- touch "$T/started"
	[ "$stderr" = "prspawn: $REG.lock: held by pid $H for 1.0000025 s; giving up" ]
	# -W 0 waits for the lock all the same, 1 s at least.
	run -3 --separate-stderr prspawn -W 0 -- touch "$T/started"
	[ "$stderr" = "prspawn: $REG.lock: held by pid $H for 1 s; giving up" ]
	ended "$R"
	[ "$ST" -eq 3 ]
	[ ! -s "$T/reap.out" ]
	[ "$(cat "$T/reap.err")" = "prreap: $REG.lock: held by pid $H for 10 s; giving up" ]
	ended "$N"
	[ "$ST" -eq 3 ]
	[ ! -s "$T/prune.out" ]
	[ "$(cat "$T/prune.err")" = "prprune: $REG.lock: held by pid $H for 10 s; giving up" ]
	if [ -n "${B:-}" ]; then
		ended "$B"
		[ "$ST" -eq 3 ]
		[ "$(cat "$T/blocked.err")" = "prprune: $REG.lock: held by pid $H for 10 s; giving up" ]
	fi
	# Nothing started, nothing signalled, nothing written.
	[ ! -e "$T/started" ]
	alive "$P"
	[ "$(fstate "$REG")" = "$before" ]
	touch "$T/go"
	ended "$H"
	# Once the lock is free, it is taken.
	run -0 --separate-stderr prspawn -A "$P" -i new
	[ "$(prlist -o id | tr '\n' ' ')" = "base new " ]
}

@test "write: concurrent writers lose no update" {
	{ header; for i in $(seq 30); do rec "$D1" - job s1 "$S1" - "r$i"; done
	  rec "$D1" - job s1 "$S2" - last; } >"$REG"
	for i in $(seq 30); do
		prprune -i "r$i" >"$T/out$i" 2>&1 </dev/null 3>&- &
		track "$!"
	done
	wait
	for i in $(seq 30); do
		[ "$(cat "$T/out$i")" = "$(rec "$D1" - job s1 "$S1" - "r$i")" ]
	done
	[ "$(cat "$REG")" = "$(header; rec "$D1" - job s1 "$S2" - last)" ]
}

# --- attributes (KEY=VALUE after the seven fields) ---------------------------

@test "attributes: a writer keeps those it does not know, verbatim; a record without any stays 7 fields" {
	a=$(rec "$D1" - job s1 "$S1" 1 a | tr -d '\n')
	{ header; printf '%s\tfuture=x,y\tcolor=blue\n' "$a"
	  rec "$D2" - job s1 "$S2" 1 b
	  rec 2147483645 - keep s1 "$S3" 1 c; } >"$REG"
	run -0 --separate-stderr prprune -t job -i b
	[ "$output" = "$(rec "$D2" - job s1 "$S2" 1 b)" ]
	[ "$(reg_lines)" = "$a${TAB}future=x,y${TAB}color=blue
$(rec 2147483645 - keep s1 "$S3" 1 c)" ]
	[ "$(reg_lines | tail -n 1 | awk -F '\t' '{ print NF }')" -eq 7 ]
}

@test "attributes: a value is any printable non-blank bytes (a PID:TOKEN), and a line holds up to 16, each kept in its place" {
	a=$(rec "$D1" - job s1 "$S1" 1 a | tr -d '\n')
	attrs='owner=12:t#(1)'
	for k in b c d e f g h i j k l m n o p; do attrs="$attrs${TAB}$k=$k"; done
	{ header; printf '%s\t%s\n' "$a" "$attrs"
	  rec "$D2" - job s1 "$S2" 1 b; } >"$REG"
	run -0 --separate-stderr prlist -i a -o owner,p,b,nothing
	[ "$output" = "12:t#(1)${TAB}p${TAB}b${TAB}-" ]
	[ "$stderr" = "" ]
	run -0 --separate-stderr prprune -i b
	[ "$stderr" = "" ]
	[ "$(reg_lines)" = "$a${TAB}$attrs" ]
	[ ! -e "$REG.corrupt" ]
}

@test "attributes: a 17th makes the line malformed" {
	a=$(rec "$D1" - job s1 "$S1" 1 a | tr -d '\n')
	attrs=a=a
	for k in b c d e f g h i j k l m n o p q; do attrs="$attrs${TAB}$k=$k"; done
	{ header; printf '%s\t%s\n' "$a" "$attrs"; } >"$REG"
	run -1 --separate-stderr prlist
	[ "$output" = "" ]
	[ "$stderr" = "prlist: $REG:2: malformed record, skipped" ]
}

@test "attributes: a malformed one makes the line malformed, quarantined whole" {
	i=0
	{ header
	  for bad in 'Key=v' 'k=' '=v' 'k=v w' 'k' 'k=v	k=w' 'abcdefghijklmnopq=v' \
	      'k=v	' 'k=é'; do
		i=$((i + 1))
		printf '%s\t%s\n' "$(rec "$D1" - job s1 "$S1" 1 "a$i" | tr -d '\n')" "$bad"
	  done
	  rec "$D2" - job s1 "$S2" 1 b; } >"$REG"
	sed -n '2,10p' "$REG" >"$T/bad"
	run -0 --separate-stderr prprune -i nothing
	[ "$(reg_lines)" = "$(rec "$D2" - job s1 "$S2" 1 b)" ]
	cmp "$REG.corrupt" "$T/bad"
	[ "$stderr" = "$(for l in 2 3 4 5 6 7 8 9 10; do
	    echo "prprune: $REG:$l: malformed record, moved to $REG.corrupt"; done)" ]
}
