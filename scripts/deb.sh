#!/bin/sh
# scripts/deb.sh - `make deb`: build the Debian package (debian/) in a
# scratch copy of the tree, so that the tree itself stays as git sees it;
# run lintian on it (an E: fails); unpack it with dpkg -x into a scratch
# root and check its file list: the six tools (and that each runs), every
# page of man/, the six completions, and nothing else beside the package's
# doc.  One line per check; exit 1 at the first that fails, 2 when a tool
# it needs is missing.  The .deb is copied to build/ of the tree.
#
# The copy is what git would commit now: tracked and new files that are
# not ignored (a tree that is no git checkout is copied whole, build/ out).
# The suite is not run inside the build (DEB_BUILD_OPTIONS=nocheck): CI runs
# it on its own; `dpkg-buildpackage -us -uc -b` in a copy runs it.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
tools="prspawn prlist prreap prprune prpidcheck prwait"

say() { printf 'deb: %s\n' "$*"; }
fail() { printf 'deb: %s\n' "$*" >&2; exit 1; }

for c in dpkg-buildpackage dh lintian dpkg; do
	command -v "$c" >/dev/null 2>&1 || {
		echo "deb: $c not found; install dpkg-dev debhelper lintian" \
		    "(Debian)" >&2
		exit 2
	}
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/prreg-deb.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
src=$scratch/prreg
root=$scratch/root
mkdir "$src" "$root"

# copy_tree: the files to build from, into $src.
copy_tree() {
	if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		# Not the files git lists that are gone from the tree.
		# shellcheck disable=SC2016
		(cd "$top" && git ls-files -z -c -o --exclude-standard |
		    xargs -0 sh -c 'for f; do [ -e "$f" ] || [ -L "$f" ] &&
			printf "%s\0" "$f"; done' sh |
		    tar --null -T - -cf -) | tar -C "$src" -xf -
	else
		(cd "$top" && tar --exclude=./build --exclude=./.git -cf - .) |
		    tar -C "$src" -xf -
	fi
}

copy_tree
(cd "$src" && DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" \
    dpkg-buildpackage -us -uc -b) >"$scratch/build.log" 2>&1 || {
	tail -n 30 "$scratch/build.log" >&2
	fail "dpkg-buildpackage -us -uc -b failed (the log's end is above)"
}
set -- "$scratch"/prreg_*.deb
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
	fail "no single prreg_*.deb was built"
fi
deb=$1
say "built ${deb##*/}: $(wc -c <"$deb") bytes"
mkdir -p "$top/build"
cp "$deb" "$top/build/"

# lintian on the .changes: the package and its -dbgsym, as uploaded.
lintian "$scratch"/prreg_*.changes >"$scratch/lintian" 2>&1 || true
grep -v '^running with root privileges' "$scratch/lintian" >&2 || true
errors=$(grep -c '^E: ' "$scratch/lintian" || true)
warnings=$(grep -c '^W: ' "$scratch/lintian" || true)
[ "$errors" -eq 0 ] || fail "lintian: $errors errors (above)"
say "lintian: 0 errors, $warnings warnings"

dpkg -x "$deb" "$root"

# want PATH: one file of the package, checked; kept in $scratch/want.
want() {
	echo "$1" >>"$scratch/want"
	[ -e "$root$1" ] || fail "$1: missing"
}

for t in $tools; do
	want "/usr/bin/$t"
	[ -x "$root/usr/bin/$t" ] || fail "/usr/bin/$t: not executable"
	"$root/usr/bin/$t" -h 2>&1 | grep -q "^usage: $t " ||
	    fail "/usr/bin/$t: -h prints no usage"
	say "/usr/bin/$t: ok, runs"
done
for p in "$top"/man/*.1 "$top"/man/*.5; do
	[ -e "$p" ] || continue
	page=${p##*/}
	want "/usr/share/man/man${page##*.}/$page.gz"
	gzip -dc "$root/usr/share/man/man${page##*.}/$page.gz" |
	    cmp -s - "$p" || fail "$page: not the tree's page"
	say "/usr/share/man/man${page##*.}/$page.gz: ok"
done
comp=/usr/share/bash-completion/completions
for t in $tools; do
	want "$comp/$t"
	cmp -s "$root$comp/$t" "$top/completion/prreg.bash" ||
	    fail "$comp/$t: not completion/prreg.bash"
	say "$comp/$t: ok"
done
want /usr/share/doc/prreg/copyright
want /usr/share/doc/prreg/changelog.gz

(cd "$root" && find . ! -type d | sed 's/^\.//' | LC_ALL=C sort) \
    >"$scratch/have"
LC_ALL=C sort -o "$scratch/want" "$scratch/want"
if ! cmp -s "$scratch/want" "$scratch/have"; then
	diff "$scratch/want" "$scratch/have" >&2 || true
	fail "the file list differs from what is wanted (< wanted, > found)"
fi
say "file list: $(wc -l <"$scratch/have") files, as wanted, nothing else"
