#!/usr/bin/env bats
# t/install.bats - make install: the six tools, the man pages and the bash
# completion land under DESTDIR/PREFIX, and what was installed runs.  It installs the binaries
# under test, those of $PRREG_BIN's build directory, without remaking them
# (make -o all); with no $PRREG_BIN, make builds the tree's own bin/ first.

load helper
bats_require_minimum_version 1.5.0

top=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
tools="prspawn prlist prreap prprune prpidcheck prwait"

# install_root: make install PREFIX=/usr DESTDIR=$ROOT.
install_root() {
	local keep=
	ROOT=$T/root
	O=$top
	if [ -n "${PRREG_BIN:-}" ]; then
		O=$(cd "$PRREG_BIN/.." && pwd)
		keep="-o all"
	fi
	make -s -C "$top" $keep install O="$O" PREFIX=/usr DESTDIR="$ROOT" \
	    >"$T/make.out" 2>&1 || { cat "$T/make.out"; false; }
}

@test "make install puts the tools under test and every page under DESTDIR/PREFIX" {
	install_root
	for t in $tools; do
		[ -x "$ROOT/usr/bin/$t" ]
		cmp "$ROOT/usr/bin/$t" "$O/bin/$t"
	done
	for p in "$top"/man/*.1 "$top"/man/*.5; do
		[ -e "$p" ] || continue
		s=${p##*.}
		cmp "$p" "$ROOT/usr/share/man/man$s/${p##*/}"
	done
}

@test "make install puts the bash completion under share/bash-completion/completions, by each tool's name" {
	install_root
	dir=$ROOT/usr/share/bash-completion/completions
	[ "$(ls "$dir" | tr '\n' ' ')" = "prlist prpidcheck prprune prreap prspawn prwait " ]
	for t in $tools; do
		cmp "$dir/$t" "$top/completion/prreg.bash"
	done
	[ ! -L "$dir/prspawn" ]
	for t in prlist prreap prprune prpidcheck prwait; do
		[ "$(readlink "$dir/$t")" = prspawn ]
	done
}

@test "the installed completion, loaded by a tool's name, completes that installed tool's options" {
	command -v bash >/dev/null || skip "bash is not installed"
	install_root
	dir=$ROOT/usr/share/bash-completion/completions
	run -0 env PATH="$ROOT/usr/bin:$PATH" bash --norc --noprofile -c '
	    source "$0/prwait" && complete -p prwait &&
	    COMP_WORDS=(prwait -) COMP_CWORD=1 && _prreg prwait - prwait &&
	    echo "${COMPREPLY[*]}"' "$dir"
	[ "$output" = "complete -F _prreg prwait
-r -s -t -p -i -O -T -n -e -h" ]
}

@test "each installed tool's -h prints its usage on stdout and exits 0" {
	install_root
	for t in $tools; do
		"$ROOT/usr/bin/$t" -h >"$T/out" 2>"$T/err"
		grep -q "^usage: $t " "$T/out"
		[ ! -s "$T/err" ]
	done
}

# render PAGE: the page as man(1) shows it, or as mandoc shows it where
# man is missing or renders nothing (Ubuntu's minimized images have a
# /usr/bin/man that only prints how to restore man-db).  Each renderer is
# first tried on a small page of our own, so that a renderer that does not
# work skips the test, while our page that does not render fails it.
# (mandoc -Tascii overstrikes bold text, "N^HN": the sed takes that off.)
render() {
	MANWIDTH=80 MANPAGER=cat PAGER=cat man -l "$1"
}
render_mandoc() {
	mandoc -Tascii "$1" | sed "s/.$(printf '\b')//g"
}
renders() {
	"$1" "$T/probe.1" 2>/dev/null | head -n 1 | grep -qF 'PROBE(1)'
}
pick_renderer() {
	printf '%s\n' '.Dd January 1, 2024' '.Dt PROBE 1' '.Os' '.Sh NAME' \
	    '.Nm probe' '.Nd a page to try the renderer on' >"$T/probe.1"
	for r in render render_mandoc; do
		renders "$r" && { RENDER=$r; return; }
	done
	if command -v man >/dev/null; then
		skip "man(1) does not render a page here (a stub?) and mandoc is missing"
	fi
	skip "man(1) is not installed (nor mandoc)"
}

@test "an installed page renders: prlist(1), or else the first one installed" {
	pick_renderer
	install_root
	page=$ROOT/usr/share/man/man1/prlist.1
	[ -e "$page" ] ||
	    page=$(ls "$ROOT"/usr/share/man/man[15]/* 2>/dev/null | head -n 1)
	[ -n "$page" ] || { echo "no page was installed"; false; }
	name=$(basename "$page")
	want=$(echo "${name%.*}" | tr a-z A-Z)"(${name##*.})"
	$RENDER "$page" >"$T/out"
	head -n 1 "$T/out" | grep -qF "$want"
	grep -q NAME "$T/out"
}
