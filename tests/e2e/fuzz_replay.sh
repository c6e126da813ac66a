#!/usr/bin/env bash
# The fuzz harnesses (fuzz/) replay their corpora without libFuzzer: every
# input must run through without a crash or a broken property (and, in a
# build with --enable-asan, without a memory error). make fuzz runs them
# under libFuzzer.
. "$top_srcdir/tests/lib.sh"

for h in fuzz_head fuzz_sfv fuzz_signature fuzz_json fuzz_conf fuzz_keyfile \
	fuzz_csvread fuzz_xlsxread; do
	corpus="$top_srcdir/fuzz/corpus/$h"
	want=$(find "$corpus" -maxdepth 1 -type f ! -name '.*' | wc -l)
	out=$("$top_builddir/fuzz/${h}_replay" "$corpus" 2>"$T_DIR/$h.err")
	status=$?
	is "$h replays its $want corpus inputs" "$status $out" \
		"0 replayed $want inputs"
	[ "$status" -eq 0 ] || sed 's/^/# /' "$T_DIR/$h.err"
	[ "$want" -ge 12 ]
	is "... a dozen inputs or more in fuzz/corpus/$h" "$?" 0
done
