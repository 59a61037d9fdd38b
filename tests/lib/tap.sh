# Minimal TAP helpers for shell tests. Source it; call ok/is/... then done_testing.
# The runner (tests/run.sh) counts "ok" and "not ok" lines across all suites.
_tap_n=0
_tap_failed=0
_tap_emit() { # status description
	_tap_n=$((_tap_n + 1))
	if [ "$1" = 0 ]; then
		printf 'ok %d - %s\n' "$_tap_n" "$2"
	else
		printf 'not ok %d - %s\n' "$_tap_n" "$2"
		_tap_failed=$((_tap_failed + 1))
	fi
}
# ok CONDITION-EXIT-STATUS DESCRIPTION   e.g.  cmd; ok $? "cmd works"
ok() { _tap_emit "$1" "$2"; }
# is GOT EXPECTED DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then _tap_emit 0 "$3"; else
		_tap_emit 1 "$3"
		printf '#   got:      %s\n#   expected: %s\n' "$1" "$2"
	fi
}
# like GOT EXTENDED-REGEX DESCRIPTION
like() {
	if printf "%s" "$1" | grep -Eq -- "$2"; then _tap_emit 0 "$3"; else
		_tap_emit 1 "$3"
		printf '#   got: %s\n#   does not match: %s\n' "$(printf '%s' "$1" | head -c 400)" "$2"
	fi
}
diag() { printf '# %s\n' "$*"; }
done_testing() { printf '1..%d\n' "$_tap_n"; [ "$_tap_failed" -eq 0 ]; }
# has_chinese TEXT DESCRIPTION: passes when TEXT holds at least one Han character.
has_chinese() {
	if printf '%s' "$1" | perl -CS -ne 'BEGIN { $f = 1 } $f = 0 if /[\x{3400}-\x{9fff}]/; END { exit $f }'; then
		_tap_emit 0 "$2"
	else
		_tap_emit 1 "$2"
		printf '#   no Chinese in: %s\n' "$(printf '%s' "$1" | head -c 400)"
	fi
}
