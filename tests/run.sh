#!/bin/sh
# Runs every test suite against the cluster that scripts/check.sh set up and
# counts TAP lines: "ok N" passed, "not ok N" failed. A suite that exits
# non-zero without reporting a failure counts as one failure, so a crash
# can never pass silently. Prints one line per suite, then the total.
set -u
top=${COUNTERDESK_TOP:?run through make check}
logdir="${COUNTERDESK_TMP:-/tmp}/logs"
mkdir -p "$logdir"
total_pass=0
total_fail=0
failed_suites=""

run_suite() { # name command...
	name=$1
	shift
	log="$logdir/$(echo "$name" | tr '/ ' '__').log"
	"$@" >"$log" 2>&1
	rc=$?
	pass=$(grep -c '^ok ' "$log")
	fail=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		fail=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
		fail=1
		echo "not ok - $name ran no test" >>"$log"
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	printf '%-40s %4d passed, %d failed\n' "$name" "$pass" "$fail"
	if [ "$fail" -ne 0 ]; then
		failed_suites="$failed_suites $log"
		grep -E '^(not ok|#)' "$log" | head -40 | sed 's/^/    /'
	fi
}

# Unit tests, plain and under AddressSanitizer + UndefinedBehaviorSanitizer.
for t in "$top"/build/tests/test_*; do
	[ -x "$t" ] || continue
	run_suite "unit/$(basename "$t")" env CMOCKA_MESSAGE_OUTPUT=TAP "$t"
done
for t in "$top"/build/asan/tests/test_*; do
	[ -x "$t" ] || continue
	run_suite "asan/$(basename "$t")" env CMOCKA_MESSAGE_OUTPUT=TAP \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$t"
done

# SQL tests (pgTAP) as the cluster superuser; each file rolls itself back.
psql -X -q -U postgres -d counterdesk -c 'CREATE EXTENSION IF NOT EXISTS pgtap' >/dev/null 2>&1
for f in "$top"/tests/db/*.sql; do
	[ -f "$f" ] || continue
	run_suite "db/$(basename "$f")" psql -X -q -At -U postgres -v ON_ERROR_STOP=1 -d counterdesk -f "$f"
done

# Shell suites: database, command line, terminal end to end, fuzzing.
for dir in db cli e2e fuzz; do
	for f in "$top"/tests/$dir/*.sh; do
		[ -f "$f" ] || continue
		run_suite "$dir/$(basename "$f")" bash "$f"
	done
done

echo
[ -z "$failed_suites" ] || echo "Logs of failing suites:$failed_suites"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
