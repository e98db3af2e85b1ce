# t/helper.bash - shared by every test file: load it with `load helper`.
#
# Each test gets its own registry ($REG, exported as PRREG_FILE) in its own
# temporary directory ($T).  Processes a test starts are remembered in $T/pids
# (and groups in $T/pgids) and killed by teardown, by their own pid only.

bindir=${PRREG_BIN:-$BATS_TEST_DIRNAME/../bin}
PATH=$bindir:$PATH

setup() {
	T=$BATS_TEST_TMPDIR
	chmod 700 "$T"
	REG=$T/registry
	unset XDG_RUNTIME_DIR PRREG_FILE
	export PRREG_FILE=$REG
	: >"$T/pids"
	: >"$T/pgids"
}

teardown() {
	prreg_teardown
}

prreg_teardown() {
	local p
	for p in $(cat "$T/pgids" 2>/dev/null); do
		kill -KILL -- "-$p" 2>/dev/null || true
	done
	for p in $(cat "$T/pids" 2>/dev/null); do
		kill -KILL "$p" 2>/dev/null || true
	done
	kill_keepers "$REG"
	[ -z "${NB:-}" ] || kill_keepers "$NB/registry"
	# Collect the children killed above, so that the shell does not
	# report each one as "Killed" in the test output.
	{ wait; jobs; } >/dev/null 2>&1 || true
	# The cgroups of prspawn -c records left by a failed test: what is in
	# them the test started; each is killed by its pid, then the cgroup
	# goes once it is empty.
	# (A registry that is a FIFO or a link, in a test of those, is not read.)
	[ -f "$REG" ] && [ ! -L "$REG" ] &&
	for cg in $(sed -n 's/.*	cgroup=\([^	]*\).*/\1/p' "$REG" 2>/dev/null); do
		[ -d "$cg" ] || continue
		for p in $(cat "$cg/cgroup.procs" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null || true
		done
		for p in $(seq 100); do
			rmdir "$cg" 2>/dev/null && break
			sleep 0.01
		done
	done
	# Directories a test made outside $T (a cgroup is removed by rmdir).
	for p in $(cat "$T/rmdirs" 2>/dev/null); do
		rmdir "$p" 2>/dev/null || rm -rf "$p"
	done
}

# Remember a pid (or, with -g, a process group) for teardown.
track() {
	if [ "$1" = -g ]; then echo "$2" >>"$T/pgids"; else echo "$1" >>"$T/pids"; fi
}

# The no-procfs build asks ps(1); some facts (boot id) differ there.
noprocfs() {
	[ "$(prpidcheck -T $$ 2>/dev/null | tr -d 0-9)" = T ]
}

# need_procfs: skip in the no-procfs build, which finds no descendant of a
# keeper through a pidfd (it holds the group, as prreg(5) says).
need_procfs() {
	noprocfs && skip "the no-procfs build finds no descendant through a pidfd: it holds the group, as prreg(5) says"
	return 0
}

# need_int: skip where the suite was started with SIGINT ignored (a
# background job of a script, `make check &`): every command it starts
# inherits that, and no sh can trap a signal ignored on entry (POSIX), so
# the INT of a schedule cannot be seen.  prspawn passes dispositions on
# as exec does (prspawn(1)).
need_int() {
	local ign
	ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/self/status 2>/dev/null)
	if [ -n "$ign" ] && (( 0x$ign & 2 )); then
		skip "SIGINT is ignored here (started in the background): no command can trap it"
	fi
	return 0
}

bootid() {
	if noprocfs; then echo -; else cat /proc/sys/kernel/random/boot_id; fi
}

# header [BOOTID]: the header line writers put first.
header() {
	printf '#prreg 1 boot=%s\n' "${1:-$(bootid)}"
}

# rec PID PGID TYPE SESSION STARTED TOKEN ID: one registry line.
rec() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"
}

# start_sleep: a `sleep` of our own, detached from bats' descriptors.
# Sets P to its pid and TOK to its start token.
start_sleep() {
	sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
	P=$!
	track "$P"
	TOK=$(prpidcheck -T "$P")
}

# start_zombie: a child whose parent never waits for it.  Sets Z (the
# zombie) and ZP (its parent, a sleep), and waits until Z is a zombie.
# Z ends only once ZP has exec'd sleep (a shell may reap a child that ends
# before its exec, and there would be no zombie), or when ZP is gone.  Z is
# not tracked: once reaped, its pid may be another's.
start_zombie() {
	cat >"$T/zchild" <<'EOS'
echo $$ >"$1.tmp" && mv "$1.tmp" "$1"
while [ ! -e "$1.go" ]; do
	case $(ps -o stat= -p "$2") in ''|Z*) exit ;; esac
	sleep 0.01
done
EOS
	sh -c 'sh "$1" "$2" $$ & exec sleep 1000' sh "$T/zchild" "$T/zpid" \
	    </dev/null >/dev/null 2>&1 3>&- &
	ZP=$!
	track "$ZP"
	while [ ! -s "$T/zpid" ]; do sleep 0.01; done
	Z=$(cat "$T/zpid")
	while [ "$(ps -o comm= -p "$ZP")" != sleep ]; do sleep 0.01; done
	touch "$T/zpid.go"
	while [ "$(ps -o stat= -p "$Z" | cut -c1)" != Z ]; do sleep 0.01; done
}

# start_zombie_leader: L, a zombie that leads a session and group, whose
# member M (a sleep) lives on in group L; L's parent, exec'd into sleep,
# never collects it.  Sets L and M.
start_zombie_leader() {
	mkfifo "$T/go"
	sh -c 'setsid sh -c "sleep 1000 & echo \$! >\"\$1/m\"; read x <\"\$1/go\"" sh "$1" &
	    echo $! >"$1/l"; exec sleep 1000' sh "$T" </dev/null >/dev/null 2>&1 3>&- &
	track "$!"
	until_true test -s "$T/m"
	L=$(cat "$T/l") M=$(cat "$T/m")
	track "$M"
	until_true eval '[ "$(ps -o comm= -p "$!")" = sleep ]'
	echo >"$T/go"
	until_true eval '[ "$(ps -o stat= -p "$L" | cut -c 1)" = Z ]'
}

# reg_lines: the records of $REG, without the header or comments.
reg_lines() {
	grep -v '^#' "$REG" || true
}

# fstate FILE: its inode, mtime, size and bytes, to show it was left alone.
fstate() {
	stat -c '%i %y %s' "$1" && od -c "$1"
}

# has_mountns: mounts can be made in a namespace of their own here
# (unshare -m), where they never reach the rest of the machine.
has_mountns() {
	unshare -m true 2>/dev/null
}

# Start times for hand-written records, in order.
S1=2024-05-01T10:00:00.000Z
S2=2024-05-01T10:00:01.000Z
S3=2024-05-01T10:00:02.000Z

# alive PID: it exists and is not a zombie.
alive() {
	local st
	st=$(ps -o stat= -p "$1") || return 1
	case $st in Z*) return 1 ;; esac
}

# gone PID: dead, or a zombie (PID 1 reaps orphans late; zombies count as
# gone).
gone() {
	! alive "$1"
}

# as_glibc [TEXT]: TEXT (else stdin) with strerror's words as glibc says
# them where musl (make static) says them otherwise, so that a message can
# be compared with one expectation.
as_glibc() {
	# (at a line's end, or before the "; ..." that follows some)
	if [ $# -gt 0 ]; then printf '%s\n' "$1"; else cat; fi | sed \
	    -e 's/: I\/O error\($\|;\)/: Input\/output error\1/' \
	    -e 's/: Resource busy\($\|;\)/: Device or resource busy\1/' \
	    -e 's/: Filename too long\($\|;\)/: File name too long\1/' \
	    -e 's/: No file descriptors available\($\|;\)/: Too many open files\1/'
}

# ended PID: how our child PID ended, in $ST, as the shell says (128+N
# for signal N).  Not in $(...): a subshell cannot wait for our children.
ended() {
	ST=0
	wait "$1" || ST=$?
}

# until_true CMD...: wait (at most UNTIL_SECS, default 10 s, for setting
# up) until CMD holds.
until_true() {
	local i
	for i in $(seq $((${UNTIL_SECS:-10} * 100))); do
		"$@" && return 0
		sleep 0.01
	done
	echo "never true: $*" >&2
	return 1
}

# helper NAME: the test helper t/helpers/NAME.c, built once per run with
# ${CC:-cc}; prints its path.  Fails (so a test can skip) without a compiler.
helper() {
	local bin=$BATS_RUN_TMPDIR/helper-$1
	if [ ! -x "$bin" ]; then
		${CC:-cc} -O2 -o "$bin.$$" "$BATS_TEST_DIRNAME/helpers/$1.c" \
		    -lpthread 2>/dev/null && mv "$bin.$$" "$bin" || return 1
	fi
	echo "$bin"
}

# token_of PID: the start token prreg gives PID, worked out here: pidfs:INO
# where the kernel has pidfs, else field 22 of /proc/PID/stat, else (the
# no-procfs build) ps's start time.
token_of() {
	local h ino
	if noprocfs; then
		TZ=UTC0 date -d "$(LC_ALL=C TZ=UTC0 ps -o lstart= -p "$1")" +%Y%m%dT%H%M%S
		return
	fi
	h=$(helper pidfs_ino) || return 1
	if ino=$("$h" "$1"); then
		echo "pidfs:$ino"
	else
		[ $? -eq 2 ] && sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20
	fi
}

# few N CMD...: CMD with the descriptor limit N (soft and hard), and only
# stdin, stdout and stderr open (bats keeps others open).
few() {
	bash -c 'for fd in /proc/$$/fd/*; do fd=${fd##*/}
	    [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
	    ulimit -n "$0" && exec "$@"' "$@"
}

# need_strace_inject: strace here, and able to delay a call (-e inject);
# LeakSanitizer off (make check SANITIZE=1), as it cannot work under ptrace.
need_strace_inject() {
	command -v strace >/dev/null || skip "no strace"
	strace -o /dev/null -e inject=write:delay_enter=1 true 2>/dev/null ||
	    skip "strace cannot delay a call here"
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
}

# need_root: the test makes namespaces, mounts or another uid's files.
need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (namespaces, mounts, setpriv)"
}

# need_cgroup: root, and a cgroup2 where prspawn -c can make its cgroups
# (prreg/ under the first cgroup2 mount); else the test skips, saying why.
need_cgroup() {
	noprocfs && skip "the no-procfs build stands for a system without cgroups"
	need_root
	local root
	root=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	[ -n "$root" ] || skip "no writable cgroup2 (none mounted)"
	mkdir -p "$root/prreg" 2>/dev/null && [ -w "$root/prreg" ] ||
	    skip "no writable cgroup2 ($root)"
}

# need_pidns: unshare -fp --mount-proc works here (root, PID namespaces).
need_pidns() {
	need_root
	unshare -fp --mount-proc true 2>/dev/null ||
	    skip "no PID namespace here (unshare -fp --mount-proc)"
}

# nobody CMD...: CMD as uid and gid 65534, no supplementary groups.
nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
}

# need_nobody: a directory of uid 65534 for its registry, in $NB, where
# that uid can reach it (the test's own directory is 0700); teardown
# removes it.
need_nobody() {
	need_root
	command -v setpriv >/dev/null || skip "no setpriv"
	NB=$(mktemp -d /tmp/prreg-nobody.XXXXXX)
	echo "$NB" >>"$T/rmdirs"
	chown 65534:65534 "$NB"
}

# dead_pid: a pid that was a child of ours and has ended.  Sets D.
dead_pid() {
	true </dev/null >/dev/null 2>&1 3>&- &
	D=$!
	wait "$D"
}

# field N [LINE]: field N of LINE (default: the registry's last record).
field() {
	printf '%s\n' "${2:-$(reg_lines | tail -n 1)}" | cut -f "$1"
}

# A TAB, for expected output.
TAB=$'\t'

# no_end [LINE...]: record lines (default: stdin) without the end a keeper
# writes into them (exit=, ended=, oom=), for a test to compare the rest.
no_end() {
	if [ $# -gt 0 ]; then printf '%s\n' "$@"; else cat; fi |
	    sed 's/\t\(exit\|ended\|oom\)=[^\t]*//g'
}

# kill_keepers FILE: the keepers of the records left in registry FILE
# (SPEC 5.1), each one a test's prspawn forked, killed by its pid once its
# token says it is still that process; what it held is the test's to kill.
kill_keepers() {
	local k
	[ -f "$1" ] && [ ! -L "$1" ] || return 0
	for k in $(sed -n 's/.*	keeper=\([^	]*\).*/\1/p' "$1" 2>/dev/null); do
		prpidcheck -t "${k#*:}" "${k%%:*}" >/dev/null 2>&1 &&
		    kill -KILL "${k%%:*}" 2>/dev/null || true
	done
}

# noproc CMD...: CMD in a mount namespace of its own where /proc is not
# mounted.
noproc() {
	unshare -m sh -c 'umount -l /proc && exec "$@"' sh "$@"
}

# need_proc_for_sanitizers: skip where the tools are built with ASan
# (make check SANITIZE=1): it reads its options from /proc/self/environ
# and its leak check needs /proc, so without /proc it fails every tool.
need_proc_for_sanitizers() {
	if grep -qa __asan_init "$bindir/prpidcheck"; then
		skip "built with ASan, which cannot run without /proc"
	fi
}
