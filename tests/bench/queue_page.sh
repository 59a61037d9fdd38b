#!/bin/bash
# The reviewer's queue with 100,000 open tasks over 1,000,000 finished ones:
# the time of one page of api.task_list (50 rows, soonest deadline first,
# with its lights), first and deep (keyset, after the 10,000th task of the
# department), filtered, and the supervisor's views, each against the
# baseline of a primary-key look-up of one task measured in the same run:
# api.task_get (the same path: login, function, row-level security, the
# same row type) and a bare SELECT by primary key. Then the plans of the
# queries inside api.task_list (auto_explain): no sequential scan of
# core.task anywhere.
#
# Each figure is the mean latency of pgbench -c 1 for BENCH_SECONDS (default
# 5) with prepared statements. Runs against the cluster of `make bench`
# (scripts/check.sh --bench) in a database of its own, cd_queuebench; run by
# hand it makes a throwaway cluster first:   tests/bench/queue_page.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
open_tasks=${BENCH_OPEN:-100000}
closed_cases=${BENCH_CLOSED_CASES:-100000}   # ten finished tasks each
seconds=${BENCH_SECONDS:-5}
db=cd_queuebench

. "$top/tests/bench/lib.sh"
bench_start queuebench

bench_pgbench

bench_database
"$bin" --config "$tmp/bench.ini" -U postgres calendar load >/dev/null || exit 1

# One case through api.case_submit gives the applicant; the others are
# copies written straight into the tables (triggers and foreign-key checks
# off), as a year of work would have left them: open tasks spread over the
# eleven departments that have steps (民政 MZ the biggest: a fifth), some
# claimed, some returned, deadlines from a week ago to two weeks ahead;
# finished cases with ten finished tasks each.
echo "== $open_tasks open tasks, $((closed_cases * 10)) finished ones"
start=$(date +%s.%N)
su_psql -d "$db" >/dev/null <<SQL || exit 1
$(bench_seed_sql zz_bench_queue 队列基准 "Queue bench")
SET session_replication_role = replica;
CREATE TEMP TABLE src AS SELECT * FROM core.case LIMIT 1;
CREATE TEMP TABLE dept (n int, code text);
INSERT INTO dept VALUES (0, 'MZ'), (1, 'MZ'), (2, 'RS'), (3, 'YB'), (4, 'GA'), (5, 'SCJG'), (6, 'WJ'),
			(7, 'SW'), (8, 'GJJ'), (9, 'CL'), (10, 'XF'), (11, 'CG');
INSERT INTO core.case (id, op_id, case_no, centre_code, item_code, item_version, applicant_id, applicant_name,
		       applicant_id_mask, outcome, status, accepted_on, accepted_at, promised_date, accepted_by,
		       completed_on)
SELECT ('00000000-0000-4000-9000-' || lpad(g::text, 12, '0'))::uuid, gen_random_uuid(),
       '999999-20000101-' || lpad(g::text, 7, '0'), s.centre_code, s.item_code, s.item_version, s.applicant_id,
       s.applicant_name || g, s.applicant_id_mask, 'accepted',
       CASE WHEN g <= $closed_cases THEN 'handed_over' ELSE 'accepted' END, s.accepted_on,
       now() - make_interval(mins => g % 500000), s.promised_date, 'clerk1',
       CASE WHEN g <= $closed_cases THEN s.accepted_on END
FROM src s, generate_series(1, $closed_cases + $open_tasks) g;
-- Finished: ten steps per case.
INSERT INTO core.task (case_id, case_no, item_code, item_name_zh, applicant_name, applicant_id_mask, step, step_group, days, step_name_zh, step_name_en, dept_code,
		       status, created_at, started_at, sign_due_at, sign_yellow_at, signed_at, due_at, yellow_at,
		       decided_at, decided_by, decision, on_time)
SELECT ('00000000-0000-4000-9000-' || lpad(g::text, 12, '0'))::uuid, '999999-20000101-' || lpad(g::text, 7, '0'),
       'zz_bench_queue', '队列基准', '基准' || g, '330702********0001', st, st, 2, '审核', 'Review', d.code,
       CASE WHEN st = 10 AND g % 7 = 0 THEN 'rejected' ELSE 'approved' END,
       now() - interval '200 days', now() - interval '200 days', now() - interval '199 days',
       now() - interval '199 days', now() - interval '199 days', now() - interval '190 days',
       now() - interval '192 days', now() - interval '195 days', 'reviewer.mz',
       CASE WHEN st = 10 AND g % 7 = 0 THEN 'reject' ELSE 'approve' END, true
FROM generate_series(1, $closed_cases) g, generate_series(1, 10) st, dept d
WHERE d.n = (g + st) % 12;
-- Open: one task per case.
INSERT INTO core.task (case_id, case_no, item_code, item_name_zh, applicant_name, applicant_id_mask, step, step_group, days, step_name_zh, step_name_en, dept_code,
		       status, claimed_by, claimed_at, claim_expires_at, created_at, started_at, sign_due_at,
		       sign_yellow_at, signed_at, due_at, yellow_at, paused_at, returned_note)
SELECT ('00000000-0000-4000-9000-' || lpad(g::text, 12, '0'))::uuid, '999999-20000101-' || lpad(g::text, 7, '0'),
       'zz_bench_queue', '队列基准', '基准' || g, '330702********0001', 1, 1, 5, '民政审核', 'Civil affairs', d.code,
       CASE g % 10 WHEN 0 THEN 'claimed' WHEN 1 THEN 'returned' ELSE 'open' END,
       CASE WHEN g % 10 = 0 THEN 'reviewer.mz' END, CASE WHEN g % 10 = 0 THEN now() END,
       CASE WHEN g % 10 = 0 THEN now() + interval '30 minutes' END,
       now() - interval '3 days', now() - interval '3 days', now() - interval '2 days', now() - interval '2 days',
       CASE WHEN g % 10 IN (0, 1) THEN now() - interval '2 days' END,
       now() + make_interval(secs => (g::bigint * 7919) % 1814400 - 604800),
       now() + make_interval(secs => (g::bigint * 7919) % 1814400 - 604800 - 86400),
       CASE WHEN g % 10 = 1 THEN now() - interval '1 day' END, CASE WHEN g % 10 = 1 THEN '请补充材料' END
FROM generate_series($closed_cases + 1, $closed_cases + $open_tasks) g, dept d
WHERE d.n = g % 12;
INSERT INTO core.task_ready (task_id, dept_code, due_at)
SELECT t.id, t.dept_code, t.due_at FROM core.task t WHERE t.status = 'open' ON CONFLICT DO NOTHING;
INSERT INTO core.case_dept (case_id, dept_code)
SELECT DISTINCT t.case_id, t.dept_code FROM core.task t ON CONFLICT DO NOTHING;
RESET session_replication_role;
VACUUM ANALYZE core.case;
VACUUM ANALYZE core.task;
VACUUM ANALYZE core.task_ready;
VACUUM ANALYZE core.case_dept;
SQL
end=$(date +%s.%N)
counts=$(su_psql -d "$db" -c "SELECT count(*) FILTER (WHERE status IN ('open', 'claimed', 'returned')) || ' open, '
	|| count(*) FILTER (WHERE status NOT IN ('open', 'claimed', 'returned', 'waiting')) || ' finished, '
	|| count(*) FILTER (WHERE status IN ('open', 'claimed', 'returned') AND dept_code = 'MZ') || ' open in MZ'
	FROM core.task")
echo "== generated in $(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}') s: $counts"

# The keyset of the 50,000th open task of MZ (a deep page).
IFS='|' read -r deep_due deep_id < <(su_psql -d "$db" -c "SELECT due_at, id FROM core.task
	WHERE dept_code = 'MZ' AND status IN ('open', 'claimed', 'returned') ORDER BY due_at, id OFFSET 9999 LIMIT 1")
some_id=$(su_psql -d "$db" -c "SELECT id FROM core.task WHERE dept_code = 'MZ' AND status = 'open' LIMIT 1")
maxid=$(su_psql -d "$db" -c "SELECT max(id) FROM core.task")

# mean latency (ms) of one SQL statement as LOGIN, pgbench -c 1
lat() { # lat NAME LOGIN SQL
	printf '%s\n' "$3" >"$tmp/$1.pgb"
	if [ "$2" = postgres ]; then
		"$pgbench" -n -M prepared -U postgres -c 1 -T "$seconds" -f "$tmp/$1.pgb" "$db" >"$tmp/$1.out" 2>&1
	else
		PGPASSWORD="$2-demo" "$pgbench" -n -M prepared -U "$2" -c 1 -T "$seconds" -f "$tmp/$1.pgb" "$db" >"$tmp/$1.out" 2>&1
	fi || { tail -5 "$tmp/$1.out"; exit 1; }
	sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' "$tmp/$1.out"
}
echo "== timing (pgbench, 1 client, ${seconds}s each)"
first=$(lat first reviewer.mz "SELECT * FROM api.task_list(NULL, NULL, NULL, NULL, NULL, NULL, NULL, 50);")
deep=$(lat deep reviewer.mz "SELECT * FROM api.task_list(NULL, NULL, NULL, NULL, NULL, '$deep_due', $deep_id, 50);")
overdue=$(lat overdue reviewer.mz "SELECT * FROM api.task_list(NULL, NULL, NULL, true, NULL, NULL, NULL, 50);")
unclaimed=$(lat unclaimed reviewer.mz "SELECT * FROM api.task_list(NULL, 'unclaimed', NULL, NULL, NULL, NULL, NULL, 50);")
mine=$(lat mine reviewer.mz "SELECT * FROM api.task_list(NULL, NULL, NULL, NULL, true, NULL, NULL, 50);")
super=$(lat super super1 "SELECT * FROM api.task_list(NULL, NULL, NULL, NULL, NULL, NULL, NULL, 50);")
summary=$(lat summary reviewer.mz "SELECT * FROM api.task_dept_summary();")
ssummary=$(lat ssummary super1 "SELECT * FROM api.task_dept_summary();")
get=$(lat get reviewer.mz "SELECT * FROM api.task_get($some_id);")
pk=$(lat pk postgres "\\set id random(1, $maxid)
SELECT * FROM core.task WHERE id = :id;")

# ---------------------------------------------------------------- the plans
# auto_explain shows the statements run inside the functions.
plans() { # plans LOGIN SQL
	su_psql -d "$db" 2>&1 <<SQL
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_analyze = on;
SET auto_explain.log_timing = off;
SET auto_explain.log_level = notice;
SET client_min_messages = notice;
SET SESSION AUTHORIZATION "$1";
$2
SQL
}
{
	plans reviewer.mz "SELECT count(*) FROM api.task_list(NULL, NULL, NULL, NULL, NULL, NULL, NULL, 50);"
	plans reviewer.mz "SELECT count(*) FROM api.task_list(NULL, NULL, NULL, NULL, NULL, '$deep_due', $deep_id, 50);"
	plans reviewer.mz "SELECT count(*) FROM api.task_list(NULL, NULL, NULL, true, NULL, NULL, NULL, 50);"
	plans super1 "SELECT count(*) FROM api.task_list(NULL, NULL, NULL, NULL, NULL, NULL, NULL, 50);"
	plans super1 "SELECT count(*) FROM api.task_dept_summary();"
} >"$tmp/plans.txt"
seqscans=$(grep -c 'Seq Scan on task\b' "$tmp/plans.txt")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'; }
printf '\n%-58s %10s %8s %8s\n' "figure (mean of ${seconds}s, 1 client)" "ms" "/ get" "/ pk"
for row in "first page of the queue (MZ, 50 rows):$first" "page after the 10,000th task:$deep" \
	   "overdue only:$overdue" "unclaimed only:$unclaimed" "mine only:$mine" \
	   "supervisor, every department:$super" "department summary (reviewer):$summary" \
	   "department summary (supervisor, all):$ssummary"; do
	printf '%-58s %10s %8s %8s\n' "${row%%:*}" "${row##*:}" "$(ratio "${row##*:}" "$get")" "$(ratio "${row##*:}" "$pk")"
done
printf '%-58s %10s %8s %8s\n' "baseline: api.task_get (one task by primary key)" "$get" "1.0" "$(ratio "$get" "$pk")"
printf '%-58s %10s %8s %8s\n' "baseline: SELECT by primary key (superuser)" "$pk" "" "1.0"
printf '%-58s %10s\n' "sequential scans of core.task in the plans" "$seqscans"
echo "plan of the first page (inside api.task_list):"
awk '/Query Text: SELECT array_agg/ {p = 1} p && /^NOTICE/ && n++ {exit} p' "$tmp/plans.txt" | head -30 | sed 's/^/  /'
[ "$seqscans" = 0 ]
