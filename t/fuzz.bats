#!/usr/bin/env bats
# t/fuzz.bats - regressions for what fuzzing and the sanitizers found.
# Each passes on any build; under `make check SANITIZE=1` it also shows
# that the memory error is gone.

load helper
bats_require_minimum_version 1.5.0

@test "a bad value shown in a message is cut at 64 bytes and '...', never past its buffer" {
	# 66 bytes, then one shown as \x01: once wrote 2 bytes past the buffer.
	v=$(printf 'a%.0s' $(seq 66))$'\001'b
	run -2 --separate-stderr prlist -s "$v"
	[ -z "$output" ]
	[ "$stderr" = "prlist: -s: invalid value '$(printf 'a%.0s' $(seq 64))...': want 1 to 255 of A-Z a-z 0-9 . _ : @ % + = , / -" ]
	v=$(printf 'a%.0s' $(seq 62))$'\001'b
	run -2 --separate-stderr prlist -t "$v"
	[ "$stderr" = "prlist: -t: invalid value '$(printf 'a%.0s' $(seq 62))\\x01...': want 1 to 255 of A-Z a-z 0-9 . _ : @ % + = , / -" ]
}

@test "a program name longer than a message is cut at 255 bytes" {
	long=$(printf 'x%.0s' $(seq 2000))
	run -2 --separate-stderr bash -c 'exec -a "$1" prlist -Z' sh "$long"
	[ "$stderr" = "${long:0:255}: -Z: unknown option (-h for usage)" ]
}
