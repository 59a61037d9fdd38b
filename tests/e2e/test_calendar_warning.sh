#!/bin/bash
# The home screen warns everyone, in Chinese, when the holidays of a year
# that deadlines will reach within two months are not loaded (cases whose
# promise runs into it are refused until an administrator loads it), and
# says nothing once the year is there. The year is "loaded" for the second
# half by a core.calendar_year row of no days, removed at the end.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=../lib/tmux.sh
. "$here/../lib/tmux.sh"

zh_setup "the missing-calendar warning" calgap 80 24
gap=$(sql counterdesk "SELECT min(y) FROM generate_series(extract(year FROM core.today())::int,
	extract(year FROM core.today() + 62)::int) y WHERE NOT EXISTS (SELECT 1 FROM core.calendar_year c WHERE c.year = y)")
added=""
remove_year() { [ -z "$added" ] || sql counterdesk "DELETE FROM core.calendar_year WHERE year = $added" >/dev/null; }
trap 'remove_year; zh_cleanup' EXIT

if [ -n "$gap" ]; then
	start first
	login_clerk
	check "the clerk is warned that $gap is not loaded" wait_for "${gap}年的节假日安排尚未载入" 5
	check "... and what follows from it" wait_for "的办件将无法受理"
	keys F10
	is "$(wait_exit 5)" 0 "F10 quits"
	sql counterdesk "INSERT INTO core.calendar_year (year) VALUES ($gap)" >/dev/null
	added=$gap
else
	ok 0 "the clerk is warned of a missing year # SKIP every year of the next two months is loaded"
fi
start second
login_clerk
wait_for "叫号" >/dev/null
check "with the year loaded, no warning" wait_gone "节假日安排尚未载入" 3
keys F10
is "$(wait_exit 5)" 0 "F10 quits"
done_testing
