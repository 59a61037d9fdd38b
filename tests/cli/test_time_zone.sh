# Times are shown in the centre's time zone whatever the terminal's
# (sql/053_time_zone.sql, src/timezone.c): the database reports the
# centre's zone when a client connects and the client follows it. A
# terminal in New York, one in UTC and one with no TZ at all read the same
# time for the same ticket, the one the centre's clock showed. The test's
# tickets are closed at the end.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
. "$COUNTERDESK_TOP/tests/lib/cli.sh"
export LANG=C.UTF-8 LANGUAGE=
bin="$COUNTERDESK_BIN"
kiosk() { PGPASSWORD=kiosk1-demo "$bin" -U kiosk1 "$@"; }
cleanup() {
	su_psql >/dev/null <<'SQL'
SELECT api.window_noshow(gen_random_uuid(), window_no) FROM core.hall_window WHERE current_ticket IS NOT NULL;
SELECT core.hall_sweep(core.today() + 1, true, 'close', 'test_time_zone.sh', gen_random_uuid());
SQL
}
trap cleanup EXIT

tz=$(su_psql -c "SELECT core.setting_text('time_zone', 'Asia/Shanghai')")
is "$tz" "Asia/Shanghai" "the centre's time zone is Asia/Shanghai"
shown=$(PGPASSWORD=kiosk1-demo psql -X -At -U kiosk1 -d counterdesk -c "SHOW TimeZone")
is "$shown" "$tz" "a staff connection starts in the centre's time zone"

for term in America/New_York UTC ""; do
	if [ -n "$term" ]; then
		out=$(TZ=$term kiosk --json ticket issue --category A)
	else
		out=$(env -u TZ PGPASSWORD=kiosk1-demo "$bin" -U kiosk1 --json ticket issue --category A)
	fi
	no=$(jfield "$out" number)
	day=$(jfield "$out" day)
	want=$(su_psql -c "SELECT to_char(to_timestamp(extract(epoch FROM issued_at)::bigint) AT TIME ZONE '$tz',
		'YYYY-MM-DD\"T\"HH24:MI:SS')
		|| '+08:00' FROM core.ticket WHERE number = '$no' AND day = '$day'")
	is "$(jfield "$out" issued_at)" "$want" "terminal in ${term:-no zone}: the ticket's time is the centre's ($want)"
done

out=$(TZ=America/New_York kiosk ticket issue --category A)
no=$(printf '%s\n' "$out" | sed -n 's/^Ticket \([A-Z][0-9]*\) .*/\1/p' | head -1)
# (the client rounds to the second, as it reads the time)
want=$(su_psql -c "SELECT to_char(to_timestamp(extract(epoch FROM issued_at)::bigint) AT TIME ZONE '$tz', 'HH24:MI')
	FROM core.ticket WHERE number = '$no' AND day = core.today()")
like "$out" "Time: $want" "the text a terminal in New York prints shows the centre's clock ($want)"

done_testing
