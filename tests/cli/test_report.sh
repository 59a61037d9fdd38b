# counterdesk report: two weeks of synthetic history (tests/bench/gen_year.sql)
# in a past period, the report in its three formats, and several figures
# recomputed here from the raw rows (medians and 90th percentiles by
# linear interpolation in perl, counts with psql). Removes what it made.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
. "$COUNTERDESK_TOP/tests/lib/cli.sh"
export LANG=C.UTF-8 LANGUAGE=
bin="$COUNTERDESK_BIN"
top="$COUNTERDESK_TOP"
as() { login=$1; shift; PGPASSWORD="$login-demo" "$bin" -U "$login" "$@"; }
# csv METRIC SECTION KEY: the value of one line of the CSV report
csv() { awk -F, -v s="$2" -v k="$3" -v m="$1" '$1 == s && $2 == k && $3 == m { print $4 }' "$d/r.csv"; }
# pct P: percentile P (0..1) of the numbers on stdin, interpolated as percentile_cont, rounded
pct() { sort -n | perl -e 'my @v = map { chomp; $_ } <STDIN>; exit unless @v; my $p = $ARGV[0] * $#v;
	my $lo = int($p); my $hi = $lo < $#v ? $lo + 1 : $lo; my $x = $v[$lo] + ($p - $lo) * ($v[$hi] - $v[$lo]);
	printf "%d\n", $x + 0.5;' "$1"; }
d=$(mktemp -d "$COUNTERDESK_TMP/report.XXXXXX")
from=2025-06-02
to=2025-06-13

cleanup() {
	su_psql >/dev/null <<'SQL'
SELECT to_regclass('core.task') IS NOT NULL AS has_tasks \gset
\if :has_tasks
DELETE FROM core.task_ready WHERE task_id IN (SELECT t.id FROM core.task t JOIN core.case c ON c.id = t.case_id
					     WHERE c.accepted_by = 'bench-gen');
DELETE FROM core.task WHERE case_id IN (SELECT id FROM core.case WHERE accepted_by = 'bench-gen');
DELETE FROM core.case_dept WHERE case_id IN (SELECT id FROM core.case WHERE accepted_by = 'bench-gen');
DELETE FROM core.case_event WHERE case_id IN (SELECT id FROM core.case WHERE accepted_by = 'bench-gen');
\endif
DELETE FROM core.rating_followup WHERE rating_id IN (SELECT id FROM core.rating WHERE rated_by = 'bench-gen');
DELETE FROM core.rating WHERE rated_by = 'bench-gen';
DELETE FROM core.ticket WHERE issued_by = 'bench-gen';
DELETE FROM core.dash_hourly WHERE day IN (SELECT day FROM core.hall_day WHERE closed_by = 'bench-gen');
DELETE FROM core.dash_day WHERE day IN (SELECT day FROM core.hall_day WHERE closed_by = 'bench-gen');
DELETE FROM core.hall_day WHERE closed_by = 'bench-gen';
DELETE FROM core.case WHERE accepted_by = 'bench-gen';
DELETE FROM core.applicant WHERE created_by = 'bench-gen';
SQL
	rm -rf "$d"
}
trap cleanup EXIT
cleanup 2>/dev/null
mkdir -p "$d"

su_psql -v end_day=$to -v days=14 -v per_day=80 -v cases_per_day=25 -v seed=0.17 -f "$top/tests/bench/gen_year.sql" >/dev/null
is "$(su_psql -c "SELECT count(*) FROM core.ticket WHERE issued_by = 'bench-gen' AND day BETWEEN '$from' AND '$to'")" 800 \
	'10 working days of 80 tickets generated'

as super1 report range --from $from --to $to --format csv >"$d/r.csv"
is "$?" 0 'report range --format csv'
is "$(head -1 "$d/r.csv")" "section,key,metric,value" 'CSV header'
is "$(csv from period '')..$(csv to period '')" "$from..$to" 'the period'

for c in A B C; do
	su_psql -c "SELECT wait_seconds FROM core.ticket WHERE day BETWEEN '$from' AND '$to' AND category = '$c' AND wait_seconds IS NOT NULL" >"$d/w.$c"
	is "$(csv wait_median tickets $c)" "$(pct 0.5 <"$d/w.$c")" "category $c: median wait recomputed from the raw rows"
	is "$(csv wait_p90 tickets $c)" "$(pct 0.9 <"$d/w.$c")" "category $c: 90th percentile recomputed"
	is "$(csv issued tickets $c)/$(csv served tickets $c)/$(csv no_show tickets $c)" \
	   "$(su_psql -c "SELECT count(*) || '/' || count(*) FILTER (WHERE status = 'done') || '/' || count(*) FILTER (WHERE status = 'no_show')
			FROM core.ticket WHERE day BETWEEN '$from' AND '$to' AND category = '$c'")" \
	   "category $c: issued, served, no-shows"
done

raw_cases="FROM core.case WHERE accepted_on BETWEEN '$from' AND '$to'"
is "$(csv accepted cases '')" "$(su_psql -c "SELECT count(*) $raw_cases")" 'cases accepted'
is "$(csv one_visit cases '')" "$(su_psql -c "SELECT count(*) $raw_cases AND visits = 1")" 'cases done with one visit'
is "$(printf '%.4f' "$(csv one_visit_share cases '')")" "$(su_psql -c "SELECT round(count(*) FILTER (WHERE visits = 1)::numeric / count(*), 4) $raw_cases")" \
	'the share of 最多跑一次'
is "$(csv on_commitment cases '')/$(csv commitment_met_in_time cases '')/$(csv commitment_met_late cases '')" \
   "$(su_psql -c "SELECT count(*) || '/' || count(*) FILTER (WHERE commitment_met_at::date <= commitment_due)
		  || '/' || count(*) FILTER (WHERE commitment_met_at::date > commitment_due)
		  $raw_cases AND outcome = 'accepted_on_commitment'")" \
	'容缺: accepted, made good in time, late'
item=$(su_psql -c "SELECT item_code $raw_cases GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
is "$(csv accepted items "$item")" "$(su_psql -c "SELECT count(*) $raw_cases AND item_code = '$item'")" "cases of item $item"

raw_r="FROM core.rating WHERE rated_at >= '$from'::timestamp AT TIME ZONE 'Asia/Shanghai' AND rated_at < '$to'::date + 1 AND NOT void"
is "$(for l in 1 2 3 4 5; do printf '%s ' "$(csv levels.$l ratings '')"; done)" \
   "$(for l in 1 2 3 4 5; do printf '%s ' "$(su_psql -c "SELECT count(*) $raw_r AND level = $l")"; done)" 'ratings per level'
is "$(csv followups.closed ratings '')" \
   "$(su_psql -c "SELECT count(*) FROM core.rating_followup f JOIN core.rating r ON r.id = f.rating_id
		  WHERE r.rated_by = 'bench-gen' AND r.rated_at::date BETWEEN '$from' AND '$to' AND f.rectified_at IS NOT NULL")" \
	'bad ratings whose follow-up is closed'

# With routing: on-time completion per department and item, returns for
# correction, cases completed by the promised date.
if [ "$(su_psql -c "SELECT to_regclass('core.task') IS NOT NULL")" = t ]; then
	t0="'$from'::timestamp AT TIME ZONE 'Asia/Shanghai'"
	t1="('$to'::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'"
	pair=$(su_psql -c "SELECT dept_code || '/' || item_code FROM core.task WHERE decided_at >= $t0 AND decided_at < $t1
			   AND decision IN ('approve', 'reject') GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
	is "$(csv decided on_time "$pair")/$(csv on_time on_time "$pair")" \
	   "$(su_psql -c "SELECT count(*) || '/' || count(*) FILTER (WHERE on_time) FROM core.task
			  WHERE decided_at >= $t0 AND decided_at < $t1 AND decision IN ('approve', 'reject')
			    AND dept_code || '/' || item_code = '$pair'")" "tasks of $pair decided, and on time"
	dept=$(su_psql -c "SELECT dept_code FROM core.case_event WHERE kind = 'returned' AND at >= $t0 AND at < $t1
			   GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
	is "$(csv returned returns "$dept")" \
	   "$(su_psql -c "SELECT count(*) FROM core.case_event WHERE kind = 'returned' AND at >= $t0 AND at < $t1
			  AND dept_code = '$dept'")" "returns for correction of $dept"
	is "$(csv completed cases_completed '')/$(csv by_promised_date cases_completed '')" \
	   "$(su_psql -c "SELECT count(*) || '/' || count(*) FILTER (WHERE completed_on <= promised_date) FROM core.case
			  WHERE completed_on BETWEEN '$from' AND '$to'")" 'cases completed, and by the promised date'
fi

# JSON and text carry the same figures.
as super1 --json report range --from $from --to $to >"$d/r.json"
is "$(perl -MJSON::PP -0777 -ne 'my $r = decode_json($_); print $r->{cases}{accepted}' "$d/r.json")" "$(csv accepted cases '')" \
	'--json: the same number of cases'
as super1 report range --from $from --to $to --format text >"$d/r.txt"
like "$(cat "$d/r.txt")" "Accepted: $(csv accepted cases '');" 'text: the cases line'
like "$(cat "$d/r.txt")" "A 综合受理 +$(csv issued tickets A) " 'text: the tickets of A'

# daily, weekly and monthly periods.
is "$(as super1 report weekly --date 2025-06-11 --format csv | awk -F, '$1 == "period" { printf "%s=%s ", $3, $4 }')" \
	"to=2025-06-15 from=2025-06-09 " 'weekly: Monday to Sunday of the week'
is "$(as super1 report monthly --date 2024-02-29 --format csv | awk -F, '$1 == "period" { printf "%s=%s ", $3, $4 }')" \
	"to=2024-02-29 from=2024-02-01 " 'monthly: the first to the last day of the month (a leap February)'
is "$(as super1 report monthly --date 2025-12-31 --format csv | awk -F, '$1 == "period" { printf "%s=%s ", $3, $4 }')" \
	"to=2025-12-31 from=2025-12-01 " 'monthly: December ends the year'
as super1 report monthly --date 2025-02-30 >/dev/null 2>&1
is "$?" 2 'monthly: a date that does not exist is a usage error'
is "$(as super1 report daily --date 2025-06-11 --format csv | awk -F, '$1 == "tickets" && $2 == "A" && $3 == "issued" { print $4 }')" \
   "$(su_psql -c "SELECT count(*) FROM core.ticket WHERE day = '2025-06-11' AND category = 'A'")" 'daily: the tickets of one day'

# Refusals and usage.
as clerk1 report daily >/dev/null 2>&1
is "$?" 77 'a clerk may not read the report (the database refuses)'
as super1 report range --from $from >/dev/null 2>&1
is "$?" 2 'range needs --to'
as super1 report range --from 2024-01-01 --to 2025-06-01 >/dev/null 2>"$d/err"
is "$?" 1 'more than 366 days is refused'
as super1 report daily --format xml >/dev/null 2>&1
is "$?" 2 'an unknown format is a usage error'

done_testing
