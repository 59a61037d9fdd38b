#!/bin/bash
# Taking the next task with 16 reviewers at once, sustained, against
# pgbench's single-row UPDATE on the same cluster in the same run (machines
# here are noisy: compare the ratio, not the figures). Then checks that no
# task was claimed twice.
#
# Each of the 16 pgbench clients is a reviewer of 民政 (MZ) logged in as
# reviewer.mz. Two runs: taking only (one api.task_take_next per
# transaction; the reviewer keeps what it takes) for BENCH_SECONDS (default
# 60), with the rate of the first and of the last 10 seconds compared
# (pgbench --progress), so a queue that decays as dead rows pile up shows;
# then take next + approve (api.task_decide, which writes the audit row:
# two transactions per script run) for BENCH_DECIDE_SECONDS (default 15).
# The ready set holds BENCH_OPEN (default 400,000) open tasks over a
# history of BENCH_HISTORY (default 200,000) finished ones, one case each.
# The baseline is one UPDATE of a random pgbench_accounts row per
# transaction, 16 clients, BENCH_BASE_SECONDS (default 15). All with
# prepared statements. Afterwards: every take is one claimed event, no task
# claimed twice, every approval recorded.
#
# Two more figures put the ratio in its place (docs/routing.md, "Take next:
# where the time goes"): pgbench's built-in simple-update transaction (-N:
# one single-row UPDATE with the SELECT and the history INSERT around it,
# as pgbench ships it), and the one write no take can leave out, the claim
# itself: one UPDATE of a random open task row setting what a take sets,
# as the superuser, plain SQL (no function, no row-level security, no
# queue), and a take's four writes in one SQL function; both run after the
# checks.
#
# Runs against the cluster of `make bench` (scripts/check.sh --bench) in a
# database of its own, cd_taskbench; run by hand it makes a throwaway
# cluster first:   tests/bench/take_next.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
open_tasks=${BENCH_OPEN:-400000}
history=${BENCH_HISTORY:-200000}
seconds=${BENCH_SECONDS:-60}
decide_seconds=${BENCH_DECIDE_SECONDS:-15}
base_seconds=${BENCH_BASE_SECONDS:-15}
db=cd_taskbench

. "$top/tests/bench/lib.sh"
bench_cleanup_extra() {
	psql -X -q -U postgres -d postgres -c "ALTER SYSTEM RESET autovacuum_naptime" -c "SELECT pg_reload_conf()" >/dev/null 2>&1
}
bench_start taskbench

bench_pgbench

# ---------------------------------------------------------------- a database of its own
bench_database
"$bin" --config "$tmp/bench.ini" -U postgres calendar load >/dev/null || exit 1
"$pgbench" -i -q -s 1 -U postgres "$db" >"$tmp/init.log" 2>&1 || { cat "$tmp/init.log"; exit 1; }

# One case accepted through api.case_submit gives the applicant; the bench's
# cases are copies of it, written straight into the tables (triggers off:
# the clocks are set here) as a year of work would have left them.
echo "== $open_tasks open tasks over $history finished ones"
su_psql -d "$db" >/dev/null <<SQL || exit 1
$(bench_seed_sql zz_bench_task 派单基准 "Routing bench")
SET session_replication_role = replica;
CREATE TEMP TABLE src AS SELECT * FROM core.case LIMIT 1;
INSERT INTO core.case (id, op_id, case_no, centre_code, item_code, item_version, applicant_id, applicant_name,
		       applicant_id_mask, outcome, status, accepted_on, accepted_at, promised_date, accepted_by,
		       completed_on, completed_at)
SELECT ('00000000-0000-4000-9000-' || lpad(g::text, 12, '0'))::uuid, gen_random_uuid(),
       '999999-20000101-' || lpad(g::text, 7, '0'), s.centre_code, s.item_code, s.item_version, s.applicant_id,
       s.applicant_name, s.applicant_id_mask, 'accepted',
       CASE WHEN g <= $history THEN 'handed_over' ELSE 'accepted' END, s.accepted_on,
       now() - make_interval(mins => g % 500000), s.promised_date, 'clerk1',
       CASE WHEN g <= $history THEN s.accepted_on END, CASE WHEN g <= $history THEN now() END
FROM src s, generate_series(1, $history + $open_tasks) g;
INSERT INTO core.task (case_id, case_no, item_code, item_name_zh, applicant_name, applicant_id_mask, step, step_group, days, step_name_zh, step_name_en, dept_code,
		       status, created_at, started_at, sign_due_at, sign_yellow_at, signed_at, due_at, yellow_at,
		       decided_at, decided_by, decision, on_time)
SELECT ('00000000-0000-4000-9000-' || lpad(g::text, 12, '0'))::uuid, '999999-20000101-' || lpad(g::text, 7, '0'),
       'zz_bench_task', '派单基准', '基准' || g, '330702********0001', 1, 1, 5, '民政审核', 'Civil affairs', 'MZ',
       CASE WHEN g <= $history THEN 'approved' ELSE 'open' END,
       now() - interval '1 day', now() - interval '1 day', now() + interval '1 hour', now(),
       CASE WHEN g <= $history THEN now() END,
       now() + make_interval(secs => (g::bigint * 7919) % 864000), now() + make_interval(secs => (g::bigint * 7919) % 600000),
       CASE WHEN g <= $history THEN now() END, CASE WHEN g <= $history THEN 'reviewer.mz' END,
       CASE WHEN g <= $history THEN 'approve' END, CASE WHEN g <= $history THEN true END
FROM generate_series(1, $history + $open_tasks) g;
INSERT INTO core.task_ready (task_id, dept_code, due_at)
SELECT t.id, t.dept_code, t.due_at FROM core.task t WHERE t.status = 'open' ON CONFLICT DO NOTHING;
INSERT INTO core.case_dept (case_id, dept_code) SELECT c.id, 'MZ' FROM core.case c ON CONFLICT DO NOTHING;
RESET session_replication_role;
VACUUM ANALYZE core.case;
VACUUM ANALYZE core.task;
VACUUM ANALYZE core.task_ready;
VACUUM ANALYZE core.case_dept;
SQL

cat >"$tmp/take.pgb" <<'PGB'
SELECT id FROM api.task_take_next(gen_random_uuid());
PGB
cat >"$tmp/decide.pgb" <<'PGB'
SELECT id AS tid FROM api.task_take_next(gen_random_uuid()) \gset
SELECT task_status FROM api.task_decide(gen_random_uuid(), :tid, 'approve', NULL);
PGB
cat >"$tmp/update.pgb" <<'PGB'
\set aid random(1, 100000)
\set delta random(-5000, 5000)
UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
PGB

tps_of() { sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$1"; }
# The rate of progress line N (1 = first), or of the last line when N is 0.
progress_of() {
	grep '^progress: ' "$1" | { if [ "$2" = 0 ]; then tail -1; else sed -n "${2}p"; fi; } |
		sed -n 's/^progress: [0-9.]* s, \([0-9.]*\) tps.*/\1/p'
}

# Taking deletes the head of the ready set's index again and again; how
# soon vacuum clears the dead entries there decides whether taking stays
# as fast at the end as at the start. A centre sets autovacuum_naptime low
# (docs/routing.md); so does this run (BENCH_NAPTIME, default 5s; the
# server's default is 1min).
naptime=${BENCH_NAPTIME:-5s}
su_psql -d postgres -c "ALTER SYSTEM SET autovacuum_naptime = '$naptime'" -c "SELECT pg_reload_conf()" >/dev/null || exit 1

echo "== baseline: pgbench single-row UPDATE, 16 clients, ${base_seconds}s"
"$pgbench" -n -M prepared -U postgres -c 16 -j 2 -T "$base_seconds" -f "$tmp/update.pgb" "$db" \
	>"$tmp/update.out" 2>&1 || { tail -20 "$tmp/update.out"; exit 1; }
echo "== 16 reviewers taking next, ${seconds}s"
PGPASSWORD=reviewer.mz-demo "$pgbench" -n -M prepared -U reviewer.mz -c 16 -j 2 -T "$seconds" -P 10 \
	-f "$tmp/take.pgb" "$db" >"$tmp/take.out" 2>&1 || { tail -20 "$tmp/take.out"; exit 1; }
grep -q "number of failed transactions: 0" "$tmp/take.out" ||
	{ echo "bench: some takes failed"; tail -20 "$tmp/take.out"; exit 1; }
echo "== 16 reviewers taking next and approving, ${decide_seconds}s"
PGPASSWORD=reviewer.mz-demo "$pgbench" -n -M prepared -U reviewer.mz -c 16 -j 2 -T "$decide_seconds" \
	-f "$tmp/decide.pgb" "$db" >"$tmp/decide.out" 2>&1 || { tail -20 "$tmp/decide.out"; exit 1; }
grep -q "number of failed transactions: 0" "$tmp/decide.out" ||
	{ echo "bench: some decisions failed"; tail -20 "$tmp/decide.out"; exit 1; }

echo "== pgbench's built-in simple-update, 16 clients, ${base_seconds}s"
"$pgbench" -n -M prepared -U postgres -c 16 -j 2 -T "$base_seconds" -b simple-update "$db" \
	>"$tmp/simple.out" 2>&1 || { tail -20 "$tmp/simple.out"; exit 1; }

take=$(tps_of "$tmp/take.out")
decide=$(tps_of "$tmp/decide.out")
update=$(tps_of "$tmp/update.out")
first=$(progress_of "$tmp/take.out" 1)
last=$(progress_of "$tmp/take.out" 0)
taken=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$tmp/take.out")
decided=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$tmp/decide.out")

# ---------------------------------------------------------------- no double claims
double=$(su_psql -d "$db" -c "SELECT count(*) FROM (SELECT task_id FROM core.case_event WHERE kind = 'claimed'
	GROUP BY task_id HAVING count(*) > 1) x")
claimed=$(su_psql -d "$db" -c "SELECT count(*) FROM core.case_event WHERE kind = 'claimed'")
approved=$(su_psql -d "$db" -c "SELECT count(*) FROM core.task WHERE status = 'approved' AND decided_at > now() - interval '1 hour'
	AND decided_by = 'reviewer.mz' AND id IN (SELECT task_id FROM core.case_event WHERE kind = 'approved')")
left=$(su_psql -d "$db" -c "SELECT count(*) FROM core.task_ready")

# ---------------------------------------------------------------- the claim alone
echo "== the claim's UPDATE alone (superuser, plain SQL), 16 clients, ${base_seconds}s"
range=$(su_psql -d "$db" -c "SELECT min(id) || ' ' || max(id) FROM core.task WHERE status IN ('open', 'claimed')")
cat >"$tmp/claim.pgb" <<PGB
\\set id random(${range% *}, ${range#* })
UPDATE core.task SET status = 'claimed', claimed_by = 'reviewer.mz', claimed_at = now(),
	claim_expires_at = now() + interval '30 minutes', signed_at = coalesce(signed_at, now())
WHERE id = :id AND decided_at IS NULL;
PGB
"$pgbench" -n -M prepared -U postgres -c 16 -j 2 -T "$base_seconds" -f "$tmp/claim.pgb" "$db" \
	>"$tmp/claim.out" 2>&1 || { tail -20 "$tmp/claim.out"; exit 1; }
# The four writes of a take (operation id, ready row, task, timeline event)
# in one SQL function, one round trip, random tasks: no queue head, no
# row-level security, no PL/pgSQL.
echo "== a take's four writes (superuser, one SQL function), 16 clients, ${base_seconds}s"
su_psql -d "$db" >/dev/null <<'SQL' || exit 1
CREATE FUNCTION public.bench_four_writes(p_id bigint) RETURNS void LANGUAGE sql AS $f$
	INSERT INTO core.operation (op_id, fn, actor) VALUES (gen_random_uuid(), 'bench', 'reviewer.mz');
	DELETE FROM core.task_ready WHERE task_id = p_id;
	UPDATE core.task SET status = 'claimed', claimed_by = 'reviewer.mz', claimed_at = now(),
		claim_expires_at = now() + interval '30 minutes', signed_at = coalesce(signed_at, now())
	WHERE id = p_id AND decided_at IS NULL;
	INSERT INTO core.case_event (case_id, kind, task_id, dept_code)
	SELECT t.case_id, 'claimed', t.id, t.dept_code FROM core.task t WHERE t.id = p_id;
$f$;
SQL
cat >"$tmp/four.pgb" <<PGB
\\set id random(${range% *}, ${range#* })
SELECT public.bench_four_writes(:id);
PGB
"$pgbench" -n -M prepared -U postgres -c 16 -j 2 -T "$base_seconds" -f "$tmp/four.pgb" "$db" \
	>"$tmp/four.out" 2>&1 || { tail -20 "$tmp/four.out"; exit 1; }
simple=$(tps_of "$tmp/simple.out")
claim=$(tps_of "$tmp/claim.out")
four=$(tps_of "$tmp/four.out")

printf '\n%-58s %12s\n' "figure (16 clients)" "per second"
printf '%-58s %12.0f\n' "routing: take next, ${seconds}s, $open_tasks open" "$take"
printf '%-58s %12.0f\n' "  first 10 s" "$first"
printf '%-58s %12.0f\n' "  last 10 s" "$last"
printf '%-58s %12.0f\n' "routing: take next + approve (audited), ${decide_seconds}s" "$decide"
printf '%-58s %12.0f\n' "baseline: pgbench single-row UPDATE, ${base_seconds}s" "$update"
printf '%-58s %12.0f\n' "pgbench built-in simple-update (-N), ${base_seconds}s" "$simple"
printf '%-58s %12.0f\n' "the claim's UPDATE alone, plain SQL, ${base_seconds}s" "$claim"
printf '%-58s %12.0f\n' "a take's four writes, one SQL function, ${base_seconds}s" "$four"
printf '%-58s %12s\n' "ratio takes / updates (goal >= 0.5)" "$(awk -v a="$take" -v b="$update" 'BEGIN {printf "%.2f", a / b}')"
printf '%-58s %12s\n' "ratio takes / simple-update" "$(awk -v a="$take" -v b="$simple" 'BEGIN {printf "%.2f", a / b}')"
printf '%-58s %12s\n' "ratio claim UPDATE alone / updates" "$(awk -v a="$claim" -v b="$update" 'BEGIN {printf "%.2f", a / b}')"
printf '%-58s %12s\n' "ratio four writes / updates (a take's ceiling)" "$(awk -v a="$four" -v b="$update" 'BEGIN {printf "%.2f", a / b}')"
printf '%-58s %12s\n' "ratio take+approve / updates" "$(awk -v a="$decide" -v b="$update" 'BEGIN {printf "%.2f", a / b}')"
printf '%-58s %12s\n' "ratio last / first 10 s of taking" "$(awk -v a="$last" -v b="$first" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a (run >= 20 s)"; else printf "%.2f", a / b }')"
printf '%-58s %12s\n' "takes / claims recorded" "$((taken + decided)) / $claimed"
printf '%-58s %12s\n' "approvals made / recorded" "$decided / $approved"
printf '%-58s %12s\n' "tasks claimed more than once" "$double"
printf '%-58s %12s\n' "open tasks left in the ready set" "$left"
printf '%-58s %12s\n' "autovacuum_naptime during the run" "$naptime"
echo "taking, every 10 s:"
grep '^progress: ' "$tmp/take.out" | sed 's/^/  /'
[ "$double" = 0 ] && [ "$claimed" = "$((taken + decided))" ] && [ "$approved" = "$decided" ]
