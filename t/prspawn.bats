#!/usr/bin/env bats
# prspawn: start a command in its own session and process group, record it.
#
# A command that outlives its test is started through `spawn`, which keeps
# bats' descriptors from it, and its group is tracked for teardown at once.
# Nothing here signals a process the test did not start.

load helper
load helpers/forker

PRSPAWN_USAGE='usage: prspawn [-r FILE] [-s SESSION] [-t TYPE] [-i ID] [-m MAX] [-W SECS]
               [-C CAP] [-x] [-c] [-l LIMITS] [-R SCHEDULE] [-u NAME]... [-E]
               [-o FILE] [-d DIR] [-N FD | -N notify] [-P PIDFILE | -F PIDFILE]
               [-p] [-b | -w] [-O PID] [-L] [--] COMMAND [ARG...]
       prspawn [-r FILE] [-s SESSION] [-t TYPE] [-i ID] [-R SCHEDULE] [-O PID]
               [-p] -A PID'
bats_require_minimum_version 1.5.0

STAMP='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$'
S1=2024-05-01T10:00:00.000Z

# track_spawned: track the group of every record prspawn started (pgid is
# its pid); records a test wrote by hand name pids of other groups.
track_spawned() {
	local pid pgid
	while IFS=$TAB read -r pid pgid _; do
		[ "$pid" = "$pgid" ] && [ "$pid" -gt 1 ] &&
		    ! grep -qx "$pid" "$T/pgids" && track -g "$pid"
	done < <(reg_lines)
	return 0
}

# spawn ARG...: prspawn ARG... with files, not bats' pipes, as its (and so
# the command's) stdout and stderr.  Sets ST, OUT, ERR, and P to the pid
# of the newest record.
spawn() {
	ST=0
	prspawn "$@" </dev/null >"$T/out" 2>"$T/err" 3>&- || ST=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
	track_spawned
	P=$(reg_lines | tail -n 1 | cut -f 1)
}

has_records() {
	[ -n "$(reg_lines)" ]
}


# --- starting and recording ---------------------------------------------

@test "the command leads a new session and group: pgid and sid are its pid" {
	spawn -- sleep 1000
	[ "$ST" -eq 0 ]
	[ "$(ps -o pgid=,sid= -p "$P" | tr -s ' ' | sed 's/^ //')" = "$P $P" ]
	[ "$(ps -o comm= -p "$P")" = sleep ]
}

@test "the record: pid, pgid, type, session, started, token, id TYPE:SESSION:PID" {
	before=$(date -u +%Y-%m-%dT%H:%M:%S)
	TZ=XYZ-14 spawn -s 42 -t agent -- sleep 1000
	after=$(date -u +%Y-%m-%dT%H:%M:%S)
	[ "$ST" -eq 0 ]
	[ "$OUT" = "" ]
	[ "$ERR" = "" ]
	[ "$(reg_lines | wc -l)" -eq 1 ]
	line=$(reg_lines)
	[ "$(field 1 "$line")" = "$P" ]
	[ "$(field 2 "$line")" = "$P" ]
	[ "$(field 3 "$line")" = agent ]
	[ "$(field 4 "$line")" = 42 ]
	[[ $(field 5 "$line") =~ $STAMP ]]
	# UTC, whatever TZ says: between the clock read before and after.
	started=$(field 5 "$line")
	[[ ! ${started:0:19} < $before && ! ${started:0:19} > $after ]]
	[ "$(field 6 "$line")" = "$(prpidcheck -T "$P")" ]
	[ "$(field 7 "$line")" = "agent:42:$P" ]
	[ "$(head -n 1 "$REG")" = "$(header)" ]
}

@test "defaults: type proc, session -, id proc:-:PID; -i sets the id" {
	spawn -- sleep 1000
	[ "$(reg_lines | cut -f 3,4,7)" = "proc${TAB}-${TAB}proc:-:$P" ]
	spawn -i web.1 -- sleep 1000
	[ "$(field 7)" = web.1 ]
	[ "$(field 1)" = "$P" ]
}

@test "-p prints the new record exactly as the registry holds it" {
	spawn -p -s 42 -t agent -- sleep 1000
	[ "$ST" -eq 0 ]
	[ "$OUT" = "$(reg_lines)" ]
	[ "$(printf '%s\n' "$OUT" | cut -f 1)" = "$P" ]
}

@test "a command that exits at once is recorded once executed, with its token" {
	spawn -b -p -- true
	[ "$ST" -eq 0 ]
	[ "$OUT" = "$(reg_lines)" ]
	[ "$(field 6)" != - ]
}

@test "a command that exits at once, with its keeper: recorded, then its end written into the record" {
	spawn -p -- true
	[ "$ST" -eq 0 ]
	[ "$(field 6)" != - ]
	until_true eval '[ "$(prlist -o exit)" = 0 ]'
	[ "$(reg_lines | no_end)" = "$OUT" ]
}

@test "-r names the registry" {
	unset PRREG_FILE
	spawn -r "$T/other" -p -- sleep 1000
	[ "$ST" -eq 0 ]
	[ ! -e "$REG" ]
	[ "$(grep -v '^#' "$T/other")" = "$OUT" ]
	track -g "$(printf '%s\n' "$OUT" | cut -f 1)"
}

@test "the command is looked up on PATH" {
	mkdir "$T/bin"
	printf '#!/bin/sh\necho "mine $*"\n' >"$T/bin/mycmd"
	chmod 755 "$T/bin/mycmd"
	PATH=$T/bin:$PATH run --separate-stderr prspawn -w -- mycmd a b
	[ "$status" -eq 0 ]
	[ "$output" = "mine a b" ]
	[ "$stderr" = "" ]
}

# --- exec failures --------------------------------------------------------

@test "a command not found: exit 127, the reason, no record" {
	run -127 --separate-stderr prspawn -p -- nosuchcmd
	[ "$status" -eq 127 ]
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: nosuchcmd: cannot execute: No such file or directory" ]
	! has_records || false
	run -127 --separate-stderr prspawn -- "$T/nowhere/cmd"
	[ "$status" -eq 127 ]
	[ "$stderr" = "prspawn: $T/nowhere/cmd: cannot execute: No such file or directory" ]
	! has_records || false
}

@test "a command that is not executable: exit 126, the reason, no record" {
	mkdir "$T/bin"
	printf '#!/bin/sh\ntouch "$0.ran"\n' >"$T/bin/noexec"
	chmod 644 "$T/bin/noexec"
	run --separate-stderr prspawn -p -- "$T/bin/noexec"
	[ "$status" -eq 126 ]
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: $T/bin/noexec: cannot execute: Permission denied" ]
	PATH=$T/bin:$PATH run --separate-stderr prspawn -- noexec
	[ "$status" -eq 126 ]
	[ "$stderr" = "prspawn: noexec: cannot execute: Permission denied" ]
	run --separate-stderr prspawn -- "$T/bin"
	[ "$status" -eq 126 ]
	[ "$stderr" = "prspawn: $T/bin: cannot execute: Permission denied" ]
	! has_records || false
	[ ! -e "$T/bin/noexec.ran" ]
}

@test "a failed exec leaves no record and no pid file beside the others" {
	spawn -i keep -- sleep 1000
	before=$(reg_lines)
	run -127 prspawn -P "$T/pid" -- nosuchcmd
	[ "$status" -eq 127 ]
	[ "$(reg_lines)" = "$before" ]
	[ ! -e "$T/pid" ]
}

# --- caller's stdio and environment --------------------------------------

@test "the caller's stdin, stdout and stderr are the command's" {
	run --separate-stderr bash -c 'echo hello | prspawn -w -- sh -c "cat; echo err >&2"'
	[ "$status" -eq 0 ]
	[ "$output" = hello ]
	[ "$stderr" = err ]
}

@test "the caller's environment is the command's" {
	FOO=bar run prspawn -w -- sh -c 'echo "$FOO"'
	[ "$status" -eq 0 ]
	[ "$output" = bar ]
}

@test "-u removes a variable from the command's environment, repeatably" {
	export FOO=bar BAR=keep
	run prspawn -u FOO -w -- sh -c 'echo ${FOO-unset} ${BAR-unset}'
	[ "$status" -eq 0 ]
	[ "$output" = "unset keep" ]
	prspawn -u FOO -u BAR -- sh -c 'echo ${FOO-unset} ${BAR-unset} >"$1.tmp"; mv "$1.tmp" "$1"' sh "$T/file" </dev/null >/dev/null 2>&1 3>&-
	until_true test -e "$T/file"
	[ "$(cat "$T/file")" = "unset unset" ]
	run prspawn -u NOT_SET_ANYWHERE -w -- sh -c 'echo ${BAR}'
	[ "$output" = keep ]
}

@test "the command's environment, with a keeper, -b and -w: the caller's in its order, less -u's, then one marker, of its own start (a caller's is replaced; without procfs, left)" {
	for mode in "" -b -w; do
		rm -f "$T/env"
		line=$(env -i PATH="$PATH" PRREG_FILE="$REG" A=1 FOO=2 \
		    PRREG_MARK=1:stale B=3 prspawn $mode -p -i "e$mode" -u FOO \
		    -o "$T/env" -- env </dev/null 3>&-)
		P=$(cut -f 1 <<<"$line")
		track "$P"
		[ "$mode" = -w ] || prwait -i "e$mode"
		want="PATH=$PATH"$'\n'"PRREG_FILE=$REG"$'\nA=1\nB=3'
		# Built without procfs, no marker: the caller's is left.
		noprocfs && want="PATH=$PATH"$'\n'"PRREG_FILE=$REG"$'\nA=1\nPRREG_MARK=1:stale\nB=3'
		noprocfs || want=$want$'\n'"PRREG_MARK=$P:$(cut -f 6 <<<"$line")"
		[ "$(cat "$T/env")" = "$want" ]
	done
}

@test "-u: an invalid variable name is a usage error: exit 2, nothing started" {
	for v in 1A A=B '' A-B 'A B' $'A\tB'; do
		run --separate-stderr prspawn -u "$v" -- touch "$T/f"
		[ "$status" -eq 2 ]
		[ "$output" = "" ]
		[[ $stderr == "prspawn: -u: invalid variable name '"* ]]
	done
	run --separate-stderr prspawn -u 1A -- touch "$T/f"
	[ "$stderr" = "prspawn: -u: invalid variable name '1A': want a letter or _, then letters, digits or _" ]
	[ ! -e "$T/f" ]
	[ ! -e "$REG" ]
}

@test "-E drops empty arguments, and a -- option just before one" {
	run prspawn -E -w -- sh -c 'printf "[%s]" "$@"' sh --model "" --job 7 "" x -- ""
	[ "$status" -eq 0 ]
	[ "$output" = "[--job][7][x]" ]
	run prspawn -E -w -- sh -c 'printf "[%s]" "$@"' sh -m "" "" --a "" "" --b
	[ "$output" = "[-m][--b]" ]
}

@test "without -E, empty arguments are passed on" {
	run prspawn -w -- sh -c 'printf "[%s]" "$@"' sh --model "" x
	[ "$status" -eq 0 ]
	[ "$output" = "[--model][][x]" ]
}

@test "options end at the first operand: prspawn -w sh -c 'exit 4' passes -c to sh" {
	run prspawn -w sh -c 'exit 4'
	[ "$status" -eq 4 ]
	run prspawn -w -- sh -c 'exit 5'
	[ "$status" -eq 5 ]
}

# --- -P -----------------------------------------------------------------

@test "-P writes the pid file atomically as PID TOKEN and a newline" {
	spawn -b -P "$T/app.pid" -- sleep 1000
	[ "$ST" -eq 0 ]
	printf '%s %s\n' "$P" "$(prpidcheck -T "$P")" | cmp - "$T/app.pid"
	[ "$(ls "$T" | grep -c '^app\.pid')" -eq 1 ]
	prpidcheck -f "$T/app.pid"
}

@test "-P: a pid file that cannot be written: exit 3, the command runs on, recorded" {
	spawn -P "$T/nodir/app.pid" -- sleep 1000
	[ "$ST" -eq 3 ]
	[[ $ERR == "prspawn: $T/nodir/app.pid.tmp."*": cannot create: No such file or directory" ]]
	[ "$(reg_lines | wc -l)" -eq 1 ]
	alive "$P"
	run --separate-stderr prspawn -P "" -- touch "$T/started"
	[ "$status" -eq 2 ]
	[ "$stderr" = "prspawn: -P: empty path" ]
	[ ! -e "$T/started" ]
}

@test "-P replaces a symbolic link planted at its path with its own file; the link's target is untouched" {
	echo keep >"$T/target"
	ln -s "$T/target" "$T/app.pid"
	spawn -b -P "$T/app.pid" -- sleep 1000
	[ "$ST" -eq 0 ]
	[ ! -L "$T/app.pid" ]
	printf '%s %s\n' "$P" "$(prpidcheck -T "$P")" | cmp - "$T/app.pid"
	[ "$(cat "$T/target")" = keep ]
}

# --- -o: the output file ----------------------------------------------------

@test "-o appends to a file of ours, makes a missing one 0600, and -o /dev/null works" {
	cd "$T"
	echo before >log
	run -0 prspawn -w -o log -- sh -c 'echo out; echo err >&2'
	[ "$output" = "" ]
	[ "$(cat log)" = "$(printf 'before\nout\nerr')" ]
	run -0 prspawn -w -o new.log -- echo new
	[ "$(stat -c %a new.log)" = 600 ]
	[ "$(cat new.log)" = new ]
	run -0 prspawn -w -o /dev/null -- echo gone
	[ "$output" = "" ]
}

# what_o FILE: prspawn -o FILE of a command that would leave a mark; sets
# ST and ERR, and says whether the command ran ($T/ran).
what_o() {
	ST=0
	timeout 60 prspawn -o "$1" -- sh -c 'echo $$ >"$1/ran"' sh "$T" \
	    </dev/null >"$T/out" 2>"$T/err" 3>&- || ST=$?
	ERR=$(cat "$T/err")
	[ ! -s "$T/ran" ] || track "$(cat "$T/ran")"
	[ ! -s "$T/out" ]
	[ ! -e "$T/ran" ]
	! has_records || false
}

@test "-o refuses a symbolic link, a FIFO, a directory: exit 3, a message, nothing started, the target untouched" {
	cd "$T"
	echo keep >target
	ln -s "$T/target" link
	what_o link
	[ "$ST" -eq 3 ]
	[ "$ERR" = "prspawn: -o: link: unsafe file: a symbolic link" ]
	[ "$(cat target)" = keep ]
	ln -s "$T/none" dangling
	what_o dangling
	[ "$ST" -eq 3 ]
	[ "$ERR" = "prspawn: -o: dangling: unsafe file: a symbolic link" ]
	[ ! -e none ]
	# A FIFO never blocks prspawn, with or without a reader.
	mkfifo fifo
	what_o fifo
	[ "$ST" -eq 3 ]
	[ "$ERR" = "prspawn: -o: fifo: unsafe file: not a regular file" ]
	sleep 1000 <>fifo 3>&- &
	track $!
	what_o fifo
	[ "$ST" -eq 3 ]
	[ "$ERR" = "prspawn: -o: fifo: unsafe file: not a regular file" ]
	mkdir dir
	what_o dir
	[ "$ST" -eq 3 ]
	[ "$ERR" = "prspawn: -o: dir: unsafe file: not a regular file" ]
}

@test "-o in a sticky directory refuses another user's file or link: exit 3, a message, nothing started" {
	need_root
	cd "$T"
	mkdir pub
	chmod 1777 pub
	echo keep >target
	echo theirs >pub/other.log
	chown 65534 pub/other.log
	ln -s "$T/target" pub/link.log
	chown -h 65534 pub/link.log
	what_o pub/other.log
	[ "$ST" -eq 3 ]
	[ "$ERR" = "prspawn: -o: pub/other.log: unsafe file: owned by uid 65534, not 0, in a sticky directory" ]
	[ "$(cat pub/other.log)" = theirs ]
	what_o pub/link.log
	[ "$ST" -eq 3 ]
	[ "$ERR" = "prspawn: -o: pub/link.log: unsafe file: a symbolic link" ]
	[ "$(cat target)" = keep ]
	# Outside a sticky directory, another user's file is root's to write.
	chown 65534 target
	run -0 prspawn -w -o target -- echo more
	[ "$(cat target)" = "$(printf 'keep\nmore')" ]
}

# --- descriptors: few, closed, none of ours given away -----------------------

# bare [-n LIMIT] CMD...: CMD with no descriptor but 0, 1 and 2 (bats keeps
# some of its own open), and with -n a descriptor limit, soft and hard.
# In the background (`bare CMD &`) CMD is exec'd: $! is CMD's pid.
BARE='for f in /proc/$$/fd/*; do n=${f##*/}
	[ "$n" -gt 2 ] && eval "exec $n>&-"; done
	[ -z "$1" ] || ulimit -n "$1" || exit 99
	shift; exec "$@"'
bare() {
	local lim=
	[ "$1" = -n ] && lim=$2 && shift 2
	[ "$BASHPID" = "$$" ] || exec bash -c "$BARE" bash "$lim" "$@"
	bash -c "$BARE" bash "$lim" "$@"
}

@test "the command gets no descriptor of prspawn's: default, -N, -o, -c, -w, -d, -m, -x" {
	fdls=$(helper fdls) || skip "no C compiler for t/helpers/fdls.c"
	cgopt=-c
	[ "$(id -u)" -eq 0 ] && [ -n "$(awk '$9 == "cgroup2" { print 1; exit }' \
	    /proc/self/mountinfo)" ] && ! noprocfs || cgopt=
	i=0
	for opts in "" "-N 3" "-N 7" "-o $T/log" "$cgopt" "-w" "-w -N 5" \
	    "-d /" "-m 50" "-x -t x" "-N 4 -o $T/log -d /"; do
		i=$((i + 1))
		rm -f "$T/log" "$T/err"
		r= want="0 1 2"
		if [[ $opts =~ -N\ ([0-9]+) ]]; then
			r="-r ${BASH_REMATCH[1]}" want="0 1 2 ${BASH_REMATCH[1]}"
		fi
		# fdls says what it got on stderr (with -o: in its file).
		out=$T/err
		[[ $opts == *-o* ]] && out=$T/log
		bare prspawn -i "f$i" $opts -- "$fdls" $r </dev/null \
		    >"$T/out" 2>"$T/err" &
		track $!
		until_true prlist -i "f$i"
		track -g "$(prlist -i "f$i" -o pid)"
		until_true test -s "$out"
		[ "$(cat "$out")" = "$want" ]
	done
	# The caller's stdio closed: ours land on 0, 1, 2, and move away.
	for opts in "-N 3 -o $T/log" "-o $T/log -d /" "-N 4 -o $T/log -c"; do
		[[ $opts == *-c && -z $cgopt ]] && continue
		i=$((i + 1))
		rm -f "$T/log"
		r=${opts#-N } r=${r%% *}
		[[ $opts == -N* ]] || r=
		bare prspawn -i "f$i" $opts -- "$fdls" ${r:+-r "$r"} <&- >&- 2>&-
		until_true prlist -i "f$i"
		track -g "$(prlist -i "f$i" -o pid)"
		until_true test -s "$T/log"
		[ "$(cat "$T/log")" = "0 1 2${r:+ $r}" ]
	done
}

@test "under a descriptor limit of 8 (soft and hard) prspawn starts and records a command; -N under 10" {
	fdls=$(helper fdls) || skip "no C compiler for t/helpers/fdls.c"
	header >"$REG"
	bare -n 8 prspawn -p -i low -- "$fdls" </dev/null >"$T/out" 2>"$T/err"
	track_spawned
	P=$(prlist -i low -o pid)
	[ "$(cat "$T/out")" = "$(prlist -i low)" ]
	until_true test -s "$T/err"
	[ "$(cat "$T/err")" = "0 1 2" ]
	alive "$P"
	bare -n 10 prspawn -p -i lown -N 3 -- "$fdls" -r 3 </dev/null >"$T/out" \
	    2>"$T/err"
	track_spawned
	[ "$(cat "$T/out")" = "$(prlist -i lown)" ]
	[ "$(cat "$T/err")" = "0 1 2 3" ]
	alive "$(prlist -i lown -o pid)"
	# -m holds the registry's watch till the command runs: within 8 too.
	for opts in "-m 5" "-b -m 5" "-m 5 -x -t mx"; do
		id=m$((++n))
		bare -n 8 prspawn -p -i "$id" $opts -- sleep 1000 </dev/null \
		    >"$T/out" 2>"$T/err"
		track_spawned
		[ "$(cat "$T/out")" = "$(prlist -i "$id")" ]
		[ ! -s "$T/err" ]
		alive "$(prlist -i "$id" -o pid)"
	done
}

@test "under a descriptor limit of 7, a writer moves a malformed line to FILE.corrupt: FILE as it read it is let go of for it" {
	printf '#prreg 1 boot=x\ngarbage line\n' >"$REG"
	chmod 600 "$REG"
	run -0 --separate-stderr bare -n 7 prprune
	[ "$output" = "" ]
	[ "$stderr" = "prprune: $REG:2: malformed record, moved to $REG.corrupt" ]
	[ "$(grep -c '^garbage line$' "$REG.corrupt")" -eq 1 ]
	[ "$(grep -c garbage "$REG")" -eq 0 ]
}

@test "under a descriptor limit of 8, -x stops the others and moves a malformed line to FILE.corrupt as it writes" {
	start_sleep
	prspawn -A "$P" -t x -i old	# no keeper: -x itself writes the line out
	printf 'junk line\n' >>"$REG"
	bare -n 8 prspawn -p -x -t x -i new -- sleep 1000 </dev/null \
	    >"$T/out" 2>"$T/err"
	track_spawned
	[ "$(cat "$T/out")" = "$(prlist -i new)" ]
	[ "$(cat "$T/err")" = "prspawn: $REG:3: malformed record, moved to $REG.corrupt" ]
	[ "$(cat "$REG.corrupt")" = "junk line" ]
	until_true gone "$P"
	[ "$(prlist -o id)" = new ]
}

@test "under a descriptor limit too low to work: exit 3, a message, nothing started" {
	header >"$REG"
	# LeakSanitizer's check at exit needs descriptors of its own
	# (make check SANITIZE=1): without them it fails the run, exit 1.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	for opts in "" "-N 3" "-m 2" "-w"; do
		st=0
		bare -n 5 prspawn $opts -- touch "$T/ran" </dev/null >"$T/out" \
		    2>"$T/err" || st=$?
		[ "$st" -eq 3 ]
		[ ! -s "$T/out" ]
		as_glibc <"$T/err" | grep -q "^prspawn: .*: Too many open files\$"
		[ "$(wc -l <"$T/err")" -eq 1 ]
		[ ! -e "$T/ran" ]
		[ "$(cat "$REG")" = "$(header)" ]
	done
}

@test "-p with stdout closed: the command runs and stays recorded; exit 3 says the print failed" {
	st=0
	prspawn -p -i shut -- sleep 1000 </dev/null 2>"$T/err" >&- 3>&- || st=$?
	track_spawned
	[ "$st" -eq 3 ]
	[ "$(cat "$T/err")" = "prspawn: stdout: Bad file descriptor" ]
	[ "$(reg_lines | wc -l)" -eq 1 ]
	alive "$(prlist -i shut -o pid)"
}

@test "-o in a directory writable by others, not sticky, refuses another user's file: exit 3, a message, nothing started" {
	need_root
	cd "$T"
	mkdir pub grp
	chmod 0777 pub
	chmod 0770 grp
	echo theirs >pub/other.log
	chown 65534 pub/other.log
	echo theirs >grp/other.log
	chown 65534 grp/other.log
	what_o pub/other.log
	[ "$ST" -eq 3 ]
	[ "$ERR" = "prspawn: -o: pub/other.log: unsafe file: owned by uid 65534, not 0, in a shared directory" ]
	[ "$(cat pub/other.log)" = theirs ]
	what_o grp/other.log
	[ "$ST" -eq 3 ]
	[ "$ERR" = "prspawn: -o: grp/other.log: unsafe file: owned by uid 65534, not 0, in a shared directory" ]
	[ "$(cat grp/other.log)" = theirs ]
	# Its own file there is written.
	run -0 prspawn -w -o pub/mine.log -- echo more
	[ "$(cat pub/mine.log)" = more ]
}

# --- -m, -W, -C -----------------------------------------------------------

@test "-m: 10 concurrent prspawn -m 3 never have more than 3 live, and all 10 run" {
	for i in $(seq 10); do
		( st=0; prspawn -m 3 -W 20 -- sleep 1 || st=$?
		  echo "$st" >"$T/st.$i" ) </dev/null >/dev/null 2>>"$T/errs" 3>&- &
		track "$!"
	done
	max=0 done=0
	# Sample until every caller is done (counted first: the registry read
	# after it holds all 10 records) and no command lives.
	for j in $(seq 20000); do
		done=$(find "$T" -name 'st.*' | wc -l)
		n=$(prlist -l 2>/dev/null | wc -l)
		[ "$n" -gt "$max" ] && max=$n
		track_spawned
		[ "$done" -eq 10 ] && [ "$n" -eq 0 ] && break
	done
	[ "$done" -eq 10 ]
	[ "$max" -le 3 ]
	[ "$max" -ge 1 ]
	[ "$(cat "$T"/st.* | sort -u)" = 0 ]
	[ ! -s "$T/errs" ]
	[ "$(reg_lines | wc -l)" -eq 10 ]
	[ "$(reg_lines | cut -f 1 | sort -u | wc -l)" -eq 10 ]
}

@test "-m waits for a slot and takes it once one is freed" {
	# Bare: a keeper would write its end, last in the file.
	spawn -b -t job -- sleep 0.5
	spawn -t job -m 1 -W 60 -p -- sleep 1000
	[ "$ST" -eq 0 ]
	[ "$(reg_lines | wc -l)" -eq 2 ]
	[ "$OUT" = "$(reg_lines | tail -n 1)" ]
	[ "$(prlist -l -t job -o pid)" = "$P" ]
}

@test "-m counts only live records of its type: dead, zombie and other types take no slot" {
	dead_pid() { true </dev/null >/dev/null 2>&1 3>&- & D=$!; wait "$D"; }
	dead_pid
	start_zombie
	start_sleep
	{ header; rec "$D" - job - "$S1" 1 dead
	  rec "$Z" - job - "$S1" - zombie
	  rec "$P" - other - "$S1" "$TOK" other; } >"$REG"
	spawn -t job -m 1 -W 0 -- sleep 1000
	[ "$ST" -eq 0 ]
	[ "$ERR" = "" ]
}

@test "-W: no slot within SECS: exit 4, a message, nothing started" {
	spawn -t job -- sleep 1000
	before=$(reg_lines)
	run --separate-stderr prspawn -t job -m 1 -W 0.2 -- touch "$T/started"
	[ "$status" -eq 4 ]
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: -m: no slot: 1 live of type job, max 1, after 0.200 s; nothing started" ]
	[ ! -e "$T/started" ]
	[ "$(reg_lines)" = "$before" ]
	run prspawn -t job -m 1 -W 0 -- touch "$T/started"
	[ "$status" -eq 4 ]
	[ ! -e "$T/started" ]
}

@test "waiting for a slot does not hold the registry's lock" {
	spawn -t job -- sleep 1000
	prspawn -t job -m 1 -W 1000 -- sleep 1 </dev/null >/dev/null 2>&1 3>&- &
	W=$!
	track "$W"
	sleep 0.5	# let it find no slot (if not, this proves less)
	start_sleep
	run prspawn -t other -i adopted -A "$P"
	[ "$status" -eq 0 ]
	# Had the waiter held the lock, it would have given up first.
	alive "$W"
	[ "$(prlist -i adopted -o pid)" = "$P" ]
	kill "$W"
	wait "$W" || true
}

@test "-C: CAP live of the type refuse at once with exit 4, nothing started" {
	spawn -t job -- sleep 1000
	spawn -t job -- sleep 1000
	before=$(reg_lines)
	run --separate-stderr prspawn -t job -C 2 -- touch "$T/started"
	[ "$status" -eq 4 ]
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: -C: 2 live of type job, cap 2; nothing started" ]
	[ ! -e "$T/started" ]
	[ "$(reg_lines)" = "$before" ]
	spawn -t other -C 1 -- sleep 1000
	[ "$ST" -eq 0 ]
	spawn -t job -C 3 -- sleep 1000
	[ "$ST" -eq 0 ]
	[ "$(prlist -l -t job | wc -l)" -eq 3 ]
}

# --- -x -------------------------------------------------------------------

@test "-x stops the live process of the same session and type, and replaces its record" {
	spawn -s s1 -t agent -- sleep 1000; A=$P
	spawn -s s1 -t other -- sleep 1000; B=$P
	spawn -s s2 -t agent -- sleep 1000; C=$P
	spawn -x -s s1 -t agent -p -- sleep 1000; N=$P
	[ "$ST" -eq 0 ]
	[ "$N" != "$A" ]
	gone "$A"
	alive "$N"; alive "$B"; alive "$C"
	[ "$(prlist -s s1 -t agent)" = "$OUT" ]
	[ "$(reg_lines | cut -f 1 | sort)" = "$(printf '%s\n' "$B" "$C" "$N" | sort)" ]
}

@test "-x stops the whole group of the earlier process" {
	spawn -s s1 -t agent -- sh -c 'sleep 1000 & echo $! >"$1"; wait' sh "$T/child"
	A=$P
	until_true test -s "$T/child"
	AC=$(cat "$T/child")
	track "$AC"
	spawn -x -s s1 -t agent -- sleep 1000
	[ "$ST" -eq 0 ]
	gone "$A"
	gone "$AC"
	[ "$(reg_lines | wc -l)" -eq 1 ]
}

@test "-x with nothing live of its kind just starts" {
	spawn -x -s s1 -t agent -- sleep 1000
	[ "$ST" -eq 0 ]
	[ "$(reg_lines | wc -l)" -eq 1 ]
}

@test "-x: a process it may not signal is left alone: exit 1, nothing started" {
	start_sleep
	G=$(ps -o pgid= -p "$P" | tr -d ' ')
	{ header; rec "$P" "$G" agent s1 "$S1" "$TOK" mine; } >"$REG"
	run --separate-stderr prspawn -x -s s1 -t agent -- touch "$T/started"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: mine: refusing to signal: it is this process's own process group
prspawn: -x: 1 of type agent in session s1 not stopped; nothing started" ]
	alive "$P"
	[ ! -e "$T/started" ]
	[ "$(reg_lines)" = "$(rec "$P" "$G" agent s1 "$S1" "$TOK" mine)" ]
}

# --- -w -------------------------------------------------------------------

@test "-w passes TERM on to the command and exits 143 when it dies of it" {
	prspawn -w -- sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	W=$!
	track "$W"
	until_true has_records
	track_spawned
	P=$(field 1)
	kill -TERM "$W"
	ended "$W"
	[ "$ST" -eq 143 ]
	gone "$P"
	! has_records || false
}

@test "-w forwards HUP, INT, QUIT, USR1, USR2 and TERM to the command's group" {
	ulimit -c 0	# QUIT: no core file
	for sig in HUP INT QUIT USR1 USR2 TERM; do
		rm -f "$T/got" "$T/ready"
		# From a background job INT and QUIT come ignored, and under
		# nohup HUP (a shell cannot trap what it was given ignored).
		perl -e '$SIG{$_} = "DEFAULT" for qw(HUP INT QUIT USR1 USR2 TERM);
		    exec @ARGV or die' \
		    prspawn -w -- sh -c 'trap "echo $1 >\"$2\"; exit 0" "$1"
		    : >"$2.ready"; while :; do sleep 0.05; done' sh "$sig" "$T/got" \
		    </dev/null >/dev/null 2>&1 3>&- &
		W=$!
		track "$W"
		until_true test -e "$T/got.ready"
		track_spawned
		rm -f "$T/got.ready"
		kill -"$sig" "$W"
		ended "$W"
		[ "$ST" -eq 0 ]
		[ "$(cat "$T/got")" = "$sig" ]
	done
	! has_records || false
}

@test "-w exits with the command's status; its record and pid file are removed after" {
	# The command waits for prspawn to write the pid file (the record is
	# in the registry by then), and looks at both.
	run prspawn -w -P "$T/pid" -- sh -c 'i=0
	    while [ ! -s "$1/pid" ] && [ $i -lt 1000 ]; do
		    i=$((i + 1)); sleep 0.01; done
	    prlist -o pid,id >"$1/during"; cat "$1/pid" >"$1/seen"; exit 4' sh "$T"
	[ "$status" -eq 4 ]
	P=$(cut -f 1 "$T/during")
	[ "$(cat "$T/during")" = "$P${TAB}proc:-:$P" ]
	[ "$(cut -d ' ' -f 1 "$T/seen")" = "$P" ]
	[ ! -e "$T/pid" ]
	! has_records || false
}

@test "-w: a command killed by signal N gives 128+N" {
	run prspawn -w -- sh -c 'kill -USR1 $$'
	[ "$status" -eq 138 ]
	! has_records || false
}

@test "-w -p prints the record too (the command may print first)" {
	run prspawn -w -p -- sh -c 'echo "from $$"'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	l=$(printf '%s\n' "${lines[@]}" | grep -v '^from ')
	P=$(field 1 "$l")
	# Its owner is the shell that ran it (t/owner.bats tests who that is).
	[[ $(field 8 "$l") =~ ^owner=[1-9][0-9]*:[!-~]+$ ]]
	[ "$l" = "$(rec "$P" "$P" proc - "$(field 5 "$l")" "$(field 6 "$l")" "proc:-:$P" | tr -d '\n')$TAB$(field 8 "$l")" ]
	[[ $(field 5 "$l") =~ $STAMP ]]
	[ "$(printf '%s\n' "${lines[@]}" | grep '^from ')" = "from $P" ]
}

@test "-w leaves a pid file that is no longer its own" {
	# Once prspawn has written it, the command writes another pid in it.
	run prspawn -w -P "$T/pid" -- sh -c 'i=0
	    while ! grep -q "^$$ " "$1" 2>/dev/null && [ $i -lt 1000 ]; do
		    i=$((i + 1)); sleep 0.01; done
	    echo "1 x" >"$1"' sh "$T/pid"
	[ "$status" -eq 0 ]
	[ "$(cat "$T/pid")" = "1 x" ]
	! has_records || false
}

# --- nothing left running unrecorded -------------------------------------

@test "an unsafe registry is refused before the command starts: exit 3, nothing run" {
	: >"$T/target"
	ln -s "$T/target" "$REG"
	run --separate-stderr prspawn -- touch "$T/started"
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: $REG: unsafe file: a symbolic link" ]
	[ ! -e "$T/started" ]
	[ ! -s "$T/target" ]
}

@test "a record that cannot be written is found out before the start: exit 3, nothing run" {
	# A bad line to quarantine, and FILE.corrupt unsafe: the write would
	# fail; it is tried under the lock before the command starts.  The
	# command would start a daemon at once (fork, setsid).
	{ header; echo 'bad line'; } >"$REG"
	ln -s "$T/target" "$REG.corrupt"
	for opts in "" "-w" "-i one" "-m 5" "-x"; do
		# Not through `run`: a command left running would hold its pipe.
		st=0
		prspawn $opts -- sh "$FORKER" "$T" \
		    </dev/null >"$T/out" 2>"$T/err" 3>&- || st=$?
		for f in ran kid; do
			[ ! -s "$T/$f" ] || track "$(cat "$T/$f")"
		done
		[ "$st" -eq 3 ]
		[ ! -s "$T/out" ]
		[ "$(cat "$T/err")" = "prspawn: $REG.corrupt: unsafe file: a symbolic link" ]
		[ ! -e "$T/ran" ]
		[ ! -e "$T/kid" ]
		[ "$(cat "$REG")" = "$(header; echo 'bad line')" ]
	done
}

@test "an unsafe FILE.corrupt with no line to move there refuses nothing" {
	header >"$REG"
	ln -s "$T/target" "$REG.corrupt"
	spawn -- sleep 1000
	[ "$ST" -eq 0 ]
	[ "$ERR" = "" ]
	[ "$(reg_lines | wc -l)" -eq 1 ]
}

@test "a registry name too long for its temporary file: exit 3, a message, nothing run" {
	# FILE.lock (253 bytes) can be made; FILE.tmp.XXXXXX (259) cannot.
	name=$(printf 'r%.0s' $(seq 248))
	for opts in "" "-m 5"; do
		run --separate-stderr prspawn -r "$T/$name" $opts -- \
		    touch "$T/ran"
		[ "$status" -eq 3 ]
		[ "$output" = "" ]
		[ "$(as_glibc "$stderr")" = "prspawn: $T/$name.tmp.XXXXXX: cannot create: File name too long" ]
		[ ! -e "$T/ran" ]
		[ ! -e "$T/$name" ]
	done
}

@test "a record write that fails after the start stops what the command started: group, marker" {
	need_strace_inject
	# prspawn's rename of the new registry fails (EIO), and strace holds
	# prspawn stopped there until the command's daemon (its own session)
	# runs: what was never recorded is stopped as prreap stops a record.
	for opts in "" "-w" "-i one"; do
		failed_after_start $opts
		[ "$ST" -eq 3 ]
		[ ! -s "$T/out" ]
		[ "$(as_glibc <"$T/err")" = "prspawn: $REG: cannot replace: Input/output error" ]
		gone "$(cat "$T/ran")"
		# The daemon left the group: what holds it is its marker,
		# which the no-procfs build cannot read (prreg(5)).
		noprocfs || gone "$(cat "$T/kid")"
		! has_records || false
	done
}

@test "a TERM between the start and the record is held off: the command is recorded first" {
	need_strace_inject
	# prspawn's first write(2), of the new registry to its temporary file,
	# is held back 2 s by strace; prspawn gets TERM meanwhile, which,
	# were it let in, would end prspawn before its rename.
	strace -qq -o /dev/null -e trace=write \
	    -e inject=write:delay_enter=2000000:when=1 \
	    prspawn -- sleep 1000 </dev/null >"$T/out" 2>"$T/err" 3>&- &
	tracer=$!
	until_true compgen -G "$REG.tmp.*"
	p=$(ps -o pid= --ppid "$tracer" | tr -d ' ')
	[ -n "$p" ]
	kill -TERM "$p"
	ended "$tracer"
	track_spawned
	# Recorded, then ended by the TERM (or done before it came: 0).
	[ "$ST" -eq 143 ] || [ "$ST" -eq 0 ]
	[ "$(reg_lines | wc -l)" -eq 1 ]
	c=$(reg_lines | cut -f 1)
	alive "$c"
	[ "$(ps -o args= -p "$c")" = "sleep 1000" ]
	[ ! -s "$T/out" ]
	[ ! -s "$T/err" ]
}

# --- ids -----------------------------------------------------------------

@test "an id a live record holds is refused: exit 1, a message, nothing started" {
	spawn -i job7 -- sleep 1000
	before=$(reg_lines)
	run --separate-stderr prspawn -i job7 -- touch "$T/started"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: job7: id held by a live process" ]
	[ ! -e "$T/started" ]
	[ "$(reg_lines)" = "$before" ]
}

@test "an id a dead record holds is replaced: one record, the new one" {
	true </dev/null >/dev/null 2>&1 3>&- &
	D=$!
	wait "$D"
	{ header; rec "$D" - job - "$S1" 1 job7; } >"$REG"
	spawn -i job7 -p -- sleep 1000
	[ "$ST" -eq 0 ]
	[ "$(reg_lines)" = "$OUT" ]
	[ "$(field 1)" != "$D" ]
	[ "$(field 7)" = job7 ]
}

@test "a default id longer than 255 bytes is a usage error: give -i" {
	long=$(printf 'a%.0s' $(seq 130))
	run --separate-stderr prspawn -t "$long" -s "$long" -- touch "$T/started"
	[ "$status" -eq 2 ]
	[ "$stderr" = "prspawn: -t, -s: the id TYPE:SESSION:PID would be longer than 255 bytes; give -i" ]
	[ ! -e "$T/started" ]
	spawn -t "$long" -s "$long" -i short -- sleep 1000
	[ "$ST" -eq 0 ]
	[ "$(field 7)" = short ]
}

# --- -A -------------------------------------------------------------------

@test "-A records a running process that leads its group with its pgid; -p prints it" {
	setsid sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	P=$!
	track "$P"
	until_true eval '[ "$(ps -o pgid= -p "$P" | tr -d " ")" = "$P" ]'
	TOK=$(prpidcheck -T "$P")
	run --separate-stderr prspawn -A "$P" -t adopted -s 7 -p
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$(reg_lines)" ]
	[ "$(reg_lines | cut -f 1-4,6,7)" = "$P${TAB}$P${TAB}adopted${TAB}7${TAB}$TOK${TAB}adopted:7:$P" ]
	[[ $(field 5) =~ $STAMP ]]
	alive "$P"
}

@test "-A of a process that does not lead its group records pgid -: its group is not its own" {
	# A background job of this shell is in the shell's group (no job
	# control): a record naming that group would make prreap kill the
	# script and every bystander in it.
	start_sleep
	G=$(ps -o pgid= -p "$P" | tr -d ' ')
	[ "$G" != "$P" ]
	run -0 --separate-stderr prspawn -A "$P" -i bg -p
	line=$output
	[ "$(field 2 "$line")" = "-" ]
	run -0 --separate-stderr prreap -i bg
	[ "$output" = "$line" ]
	[ "$stderr" = "" ]
	ended "$P"; [ "$ST" -eq 143 ]
	# The shell that started it, in group G, is untouched: we are here.
	kill -0 "$$"
}

@test "-A records the process's own start time, not the time it was recorded" {
	start_sleep
	sleep 1.2
	before=$(date -u +%Y-%m-%dT%H:%M:%S)
	run -0 --separate-stderr prspawn -A "$P" -i old -p
	started=$(field 5 "$output")
	[[ $started =~ $STAMP ]]
	# Over a second before the -A, and the second ps says it started.
	[[ ${started:0:19} < $before ]]
	want=$(TZ=UTC0 date -d "$(LC_ALL=C TZ=UTC0 ps -o lstart= -p "$P")" +%Y-%m-%dT%H:%M:%S)
	# ps counts from a boot time in whole seconds: a second apart at most.
	delta=$(( $(date -d "${started:0:19}Z" +%s) - $(date -d "${want}Z" +%s) ))
	[ "$delta" -ge -1 ] && [ "$delta" -le 1 ]
}

@test "-A on a dead or zombie pid: exit 1, a message, no record" {
	true </dev/null >/dev/null 2>&1 3>&- &
	D=$!
	wait "$D"
	run --separate-stderr prspawn -A "$D"
	[ "$status" -eq 1 ]
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: -A: $D: not a live process (dead)" ]
	start_zombie
	run --separate-stderr prspawn -A "$Z"
	[ "$status" -eq 1 ]
	[ "$stderr" = "prspawn: -A: $Z: not a live process (zombie)" ]
	! has_records || false
}

@test "-A refuses PID 1, a kernel thread and prspawn itself: exit 2, a message, no record" {
	run -2 --separate-stderr prspawn -A 1
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: -A: 1: not a process to record: PID 1 (init)" ]
	# prspawn exec'd in the caller's place: -A names prspawn's own pid.
	run -2 --separate-stderr bash -c 'exec prspawn -A $$'
	[[ $stderr =~ ^"prspawn: -A: "[0-9]+": not a process to record: prspawn itself"$ ]]
	! has_records || false
	# Kernel threads: kthreadd (no parent) and one of its children.
	[ "$(ps -o ppid=,comm= -p 2 | tr -s ' ')" = " 0 kthreadd" ] ||
	    skip "no kthreadd at pid 2 here (a PID namespace?)"
	k=$(ps -eo pid=,ppid= | awk '$2 == 2 { print $1; exit }')
	for p in 2 $k; do
		run -2 --separate-stderr prspawn -A "$p"
		[ "$stderr" = "prspawn: -A: $p: not a process to record: a kernel thread" ]
	done
	! has_records || false
}

@test "-A of the caller itself, a script that records itself, is taken" {
	run -0 --separate-stderr sh -c 'prspawn -p -i me -A $$ && echo "$$"'
	[ "$(field 7 "${lines[0]}")" = me ]
	[ "$(field 1 "${lines[0]}")" = "${lines[1]}" ]
}

@test "-A excludes COMMAND, -m, -W, -C, -x, -u, -E, -P, -w and -N: exit 2" {
	start_sleep
	for o in "-m 2" "-W 1" "-C 2" -x "-u FOO" -E "-P $T/pid" -w "-N 3"; do
		run --separate-stderr prspawn $o -A "$P"
		[ "$status" -eq 2 ]
		[ "$stderr" = "prspawn: -A and ${o%% *}: exclude each other (-h for usage)" ]
	done
	run --separate-stderr prspawn -A "$P" -- sleep 1000
	[ "$status" -eq 2 ]
	[ "$stderr" = "prspawn: -A: takes no COMMAND: it records a running PID (-h for usage)" ]
	[ ! -e "$REG" ]
	[ ! -e "$T/pid" ]
}

@test "-A: an id a live record holds is refused, a dead one's replaced" {
	start_sleep
	prspawn -A "$P" -i a
	run --separate-stderr prspawn -A "$P" -i a
	[ "$status" -eq 1 ]
	[ "$stderr" = "prspawn: a: id held by a live process" ]
	true </dev/null >/dev/null 2>&1 3>&- &
	D=$!
	wait "$D"
	{ header; rec "$D" - proc - "$S1" 1 b; } >"$REG"
	run prspawn -A "$P" -i b -p
	[ "$status" -eq 0 ]
	[ "$(reg_lines)" = "$output" ]
	[ "$(field 1)" = "$P" ]
}

# --- usage ---------------------------------------------------------------

@test "no COMMAND is a usage error: exit 2" {
	run --separate-stderr prspawn
	[ "$status" -eq 2 ]
	[ "$stderr" = "prspawn: no COMMAND: want -- COMMAND [ARG...] (-h for usage)" ]
	run --separate-stderr prspawn -s 1 --
	[ "$status" -eq 2 ]
	[ "$stderr" = "prspawn: no COMMAND: want -- COMMAND [ARG...] (-h for usage)" ]
	[ ! -e "$REG" ]
}

@test "invalid values are usage errors naming the option: exit 2, nothing started" {
	while read -r o v want; do
		run --separate-stderr prspawn "$o" "$v" -- touch "$T/started"
		[ "$status" -eq 2 ]
		[ "$output" = "" ]
		[[ $stderr == "prspawn: $o: $want '$v': "* ]]
	done <<-EOF
	-m 0 invalid number
	-m 100001 invalid number
	-m -1 invalid number
	-m 1x invalid number
	-C 0 invalid number
	-C abc invalid number
	-W -1 invalid seconds
	-W 1e3 invalid seconds
	-W abc invalid seconds
	-A 0 invalid pid
	-A -5 invalid pid
	-A abc invalid pid
	-A 2147483648 invalid pid
	-s a|b invalid value
	-t a;b invalid value
	EOF
	for o in -s -t -i; do
		run --separate-stderr prspawn "$o" "a b" -- touch "$T/started"
		[ "$status" -eq 2 ]
		[[ $stderr == "prspawn: $o: invalid value 'a b': "* ]]
		run --separate-stderr prspawn "$o" "" -- touch "$T/started"
		[ "$status" -eq 2 ]
	done
	[ ! -e "$T/started" ]
	[ ! -e "$REG" ]
}

@test "an unknown option or a missing value is a usage error: exit 2, one line" {
	run --separate-stderr prspawn -Z -- true
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[ "$stderr" = "prspawn: -Z: unknown option (-h for usage)" ]
	run --separate-stderr prspawn -m
	[ "$status" -eq 2 ]
	[ "$stderr" = "prspawn: -m: option requires an argument (-h for usage)" ]
}

@test "-h prints usage on stdout, exit 0" {
	run --separate-stderr prspawn -h
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$PRSPAWN_USAGE" ]
	# Each line fits a terminal of 80 columns.
	[ "$(printf '%s\n' "$output" | awk 'length > 79' | wc -l)" -eq 0 ]
}
