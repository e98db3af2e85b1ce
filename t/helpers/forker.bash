# t/helpers/forker.bash - load with `load helpers/forker` (after helper):
# a command that starts a daemon at once, and a prspawn of it whose record
# fails after the start.

FORKER=$BATS_TEST_DIRNAME/helpers/forker.sh

# failed_after_start OPTS...: prspawn OPTS... of forker.sh, whose rename of
# the new registry fails (EIO, strace), with prspawn held stopped there
# until the daemon runs.  Sets ST; tracks $T/ran and $T/kid, the pids of
# the command and of its daemon.
failed_after_start() {
	local tracer p
	rm -f "$T/ran" "$T/kid"
	strace -qq -o /dev/null -e trace=/^rename \
	    -e inject=/^rename:error=EIO:signal=SIGSTOP:when=1 \
	    prspawn "$@" -- sh "$FORKER" "$T" </dev/null >"$T/out" \
	    2>"$T/err" 3>&- &
	tracer=$!
	until_true test -s "$T/kid"
	track "$(cat "$T/ran")"
	track "$(cat "$T/kid")"
	p=$(ps -o pid= --ppid "$tracer" | tr -d ' ')
	until_true eval '[ "$(ps -o stat= -p "$p" | cut -c1)" = t ]'
	kill -CONT "$p"
	ended "$tracer"
}
