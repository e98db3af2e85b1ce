# forker.sh DIR: a command that starts a daemon at once.  It notes its own
# pid in DIR/ran, starts a child in a session of its own (setsid: out of
# its group) that notes its pid in DIR/kid, waits for that, and sleeps.
echo $$ >"$1/ran"
setsid sh -c 'echo $$ >"$1/kid.tmp" && mv "$1/kid.tmp" "$1/kid" &&
    exec sleep 1000' sh "$1" </dev/null >/dev/null 2>&1 &
while [ ! -e "$1/kid" ]; do sleep 0.01; done
exec sleep 1000
