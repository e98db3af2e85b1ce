#!/usr/bin/env bats
# prspawn -l LIMITS (SPEC 6): mem=, pids=, cpu= as the files of the
# command's cgroup (-c), or, without one, as its RLIMIT_AS and
# RLIMIT_NPROC; the record keeps limits= as given.
#
# The cgroup tests need a writable cgroup2 whose prreg directory offers
# the memory, pids and cpu controllers; where it does not (a hybrid
# layout keeps them in cgroup v1), they skip, and what -c -l does there
# (refused, exit 3, no cgroup left) is tested instead.

load helper
bats_require_minimum_version 1.5.0

# cgroot: the cgroup2 directory prspawn -c makes cgroups in, as root.
cgroot() {
	echo "$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)/prreg"
}

# need_controllers: the cgroup2 here offers what -l needs.
need_controllers() {
	need_cgroup
	local c
	for c in memory pids cpu; do
		grep -qw "$c" "$(cgroot)/cgroup.controllers" ||
		    skip "this cgroup2 has no $c controller ($(cgroot)/cgroup.controllers: $(cat "$(cgroot)/cgroup.controllers"))"
	done
}

# ours: the cgroups prspawn made, one a line.
ours() {
	ls -d "$(cgroot)"/prreg-* 2>/dev/null || true
}

# limit PID NAME: the soft and hard limit of /proc/PID/limits's NAME line.
limit() {
	sed -n "s/^$2  *\([^ ]*\)  *\([^ ]*\) .*/\1 \2/p" "/proc/$1/limits"
}

@test "without -c, mem is the command's RLIMIT_AS, soft and hard; limits= is kept as given and prlist -o limits shows it" {
	prspawn -i j -l mem=32M -- sleep 1000 </dev/null >/dev/null 2>&1
	P=$(field 1)
	track "$P"
	[ "$(limit "$P" "Max address space")" = "33554432 33554432" ]
	# Among its attributes (its keeper's is another).
	[[ $(reg_lines) == *"${TAB}limits=mem=32M"* ]]
	run --separate-stderr prlist -i j -o id,limits
	[ "$status" -eq 0 ]
	[ "$output" = "j${TAB}mem=32M" ]
}

@test "without -c, pids is the command's RLIMIT_NPROC for a user other than root" {
	need_nobody
	nobody prspawn -r "$NB/reg" -i j -l pids=50,mem=1G -- sleep 1000 \
	    </dev/null >/dev/null 2>&1
	P=$(grep -v '^#' "$NB/reg" | cut -f1)
	track "$P"
	[ "$(limit "$P" "Max processes")" = "50 50" ]
	[ "$(limit "$P" "Max address space")" = "1073741824 1073741824" ]
	[ "$(nobody prlist -r "$NB/reg" -o limits)" = pids=50,mem=1G ]
}

@test "without -c, cpu (and pids, as root) are refused: exit 2, nothing started" {
	run --separate-stderr prspawn -l cpu=50 -- touch "$T/ran"
	[ "$status" -eq 2 ]
	[ "$stderr" = "prspawn: -l: cpu=50 needs -c: without a cgroup there is no CPU limit" ]
	[ ! -e "$T/ran" ]
	[ "$(reg_lines)" = "" ]
	if [ "$(id -u)" -eq 0 ]; then
		run --separate-stderr prspawn -l mem=1G,pids=20 -- touch "$T/ran"
		[ "$status" -eq 2 ]
		[ "$stderr" = "prspawn: -l: pids=20 needs -c as root: RLIMIT_NPROC does not bind the superuser" ]
		[ ! -e "$T/ran" ]
	fi
}

@test "bad limits: exit 2, one line naming -l and the value, nothing started" {
	local n
	n=$(nproc)
	while IFS='|' read -r lim why; do
		run --separate-stderr prspawn -l "$lim" -- touch "$T/ran"
		[ "$status" -eq 2 ] || { echo "$lim: $status"; false; }
		[ "$stderr" = "prspawn: -l: invalid limits '$lim': $why" ] ||
		    { echo "$stderr"; false; }
	done <<EOS
mem=|mem: want bytes, or a number of K, M or G (1024s), from 4K to 1048576G
mem=1X|mem: want bytes, or a number of K, M or G (1024s), from 4K to 1048576G
mem=1K|mem: want bytes, or a number of K, M or G (1024s), from 4K to 1048576G
mem=1048577G|mem: want bytes, or a number of K, M or G (1024s), from 4K to 1048576G
mem=-1M|mem: want bytes, or a number of K, M or G (1024s), from 4K to 1048576G
pids=0|pids: want 1 to 4194304
pids=4194305|pids: want 1 to 4194304
foo=1|want the keys mem, pids, cpu
cpu=0|cpu: want a percent of one CPU, 1 to $((100 * n)) (100 times $n CPUs)
cpu=100000|cpu: want a percent of one CPU, 1 to $((100 * n)) (100 times $n CPUs)
mem|want KEY=VALUE[,KEY=VALUE...]
mem=1M,|want KEY=VALUE[,KEY=VALUE...]
mem=1M,mem=2M|mem given twice
EOS
	run --separate-stderr prspawn -A $$ -l mem=1M
	[ "$status" -eq 2 ]
	[ "$stderr" = "prspawn: -A and -l: exclude each other (-h for usage)" ]
	[ ! -e "$T/ran" ]
	[ "$(reg_lines)" = "" ]
}

@test "-c -l where the cgroup2 lacks a controller: exit 3, a message, nothing started, no cgroup left" {
	need_cgroup
	grep -qw memory "$(cgroot)/cgroup.controllers" &&
	    skip "this cgroup2 has the memory controller: the limit tests run instead"
	before=$(ours)
	run --separate-stderr prspawn -c -l mem=32M -- touch "$T/ran"
	[ "$status" -eq 3 ]
	[ "$stderr" = "prspawn: -l: $(cgroot): no memory controller in this cgroup (cgroup.controllers: $(cat "$(cgroot)/cgroup.controllers" | grep . || echo none)); nothing started" ]
	[ ! -e "$T/ran" ]
	[ "$(reg_lines)" = "" ]
	[ "$(ours)" = "$before" ]
}

@test "-c -l: the cgroup's memory.max, memory.swap.max, pids.max and cpu.max hold the values" {
	need_controllers
	prspawn -c -i j -l mem=32M,pids=20,cpu=50 -- sleep 1000 \
	    </dev/null >/dev/null 2>&1
	P=$(field 1)
	track "$P"
	cg=$(prlist -i j -o cgroup)
	[ "$(cat "$cg/memory.max")" = 33554432 ]
	[ ! -e "$cg/memory.swap.max" ] || [ "$(cat "$cg/memory.swap.max")" = 0 ]
	[ "$(cat "$cg/pids.max")" = 20 ]
	[ "$(cat "$cg/cpu.max")" = "50000 100000" ]
	[ "$(prlist -i j -o limits)" = mem=32M,pids=20,cpu=50 ]
	run prreap -i j
	[ "$status" -eq 0 ]
	[ ! -e "$cg" ]
}

@test "-c -l pids=20: a fork loop never has more than 20 tasks, and prreap stops it" {
	need_controllers
	prspawn -c -i j -l pids=20 -- sh -c 'while :; do sleep 1000 & done' \
	    </dev/null >/dev/null 2>&1
	P=$(field 1)
	track "$P"
	cg=$(prlist -i j -o cgroup)
	# The limit was reached: a fork was refused.
	until_true eval '[ "$(sed -n "s/^max //p" "$cg/pids.events")" -gt 0 ]'
	[ "$(wc -l <"$cg/cgroup.threads")" -le 20 ]
	[ "$(cat "$cg/pids.current")" -le 20 ]
	run prreap -i j
	[ "$status" -eq 0 ]
	[ ! -e "$cg" ]
	[ "$(reg_lines)" = "" ]
}

@test "-c -l mem=32M: a memory hog is killed by the limit: exit=137 oom=1" {
	need_controllers
	prspawn -c -i j -l mem=32M -- tail /dev/zero </dev/null >/dev/null 2>&1
	P=$(field 1)
	track "$P"
	[ "$(prlist -i j -o keeper)" != - ] ||
	    skip "no keeper here (SPEC 5) to write the record's exit"
	run prwait -T 60 -i j
	[ "$status" -eq 0 ]
	[ "$(prlist -i j -o exit,oom)" = "137${TAB}1" ]
}
