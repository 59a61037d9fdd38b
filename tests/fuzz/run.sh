#!/bin/sh
# Runs every libFuzzer target (build/fuzz/fuzz_*) from its seed corpus
# (tests/fuzz/corpus/<target>/) for a bounded time, one TAP line each: a
# crash, a leak, a sanitizer report or a failed property is "not ok", and the
# input that caused it is kept under $COUNTERDESK_TMP/fuzz/ and printed.
#   run.sh [SECONDS]   default $COUNTERDESK_FUZZ_SECONDS or 3 (make check); make fuzz passes 60
# New inputs the fuzzer finds go to a scratch corpus, never into the tree.
set -u
top=${COUNTERDESK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/lib/tap.sh"
secs=${1:-${COUNTERDESK_FUZZ_SECONDS:-3}}
work="${COUNTERDESK_TMP:-/tmp}/fuzz"
mkdir -p "$work"
found=0
for bin in "$top"/build/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=${bin##*/fuzz_}
	seeds="$top/tests/fuzz/corpus/$name"
	scratch="$work/$name.corpus"
	found=1
	rm -rf "$scratch"
	mkdir -p "$scratch"
	log="$work/$name.log"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -max_len=8192 \
		-artifact_prefix="$work/$name-" -print_final_stats=1 "$scratch" "$seeds" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	ok "$rc" "fuzz $name: ${runs:-?} runs in ${secs}s, no crash, leak or sanitizer report"
	if [ "$rc" -ne 0 ]; then
		grep -E 'ERROR|SUMMARY|==[0-9]+==|runtime error|Test unit written|#[0-9]+ ' "$log" | head -20 | sed 's/^/# /'
	fi
done
[ "$found" = 1 ]; ok $? "the fuzz targets are built (make fuzz-targets)"
done_testing
