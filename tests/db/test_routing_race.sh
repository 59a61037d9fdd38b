# Races in routing (sql/050_routing.sql, sql/051_routing_api.sql), with many
# psql clients at once, each logged in as a reviewer with its password:
#   - 32 clients taking next from 600 open tasks: every task taken exactly
#     once, by the client that got it, nothing taken twice, nothing left;
#   - every one of those claims idle: 32 clients take next again and each
#     idle claim is taken over exactly once (one claim_expired event each);
#   - two reviewers claiming the same task at the same moment: one wins, the
#     other is told 'Another reviewer holds this task' (55P03);
#   - the holder deciding the same task twice at the same moment: one
#     decision, the other 'The task is already decided' (55000), one audit
#     row;
#   - the last two parallel steps of a case approved at the same moment:
#     the next group starts exactly once.
# The test's cases (item zz_race, numbers 999999-20000101-NNNN) are removed
# at the end, so the queues are as before.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
. "$COUNTERDESK_TOP/tests/lib/cli.sh"
export LANG=C.UTF-8 LANGUAGE=
d=$(mktemp -d "$COUNTERDESK_TMP/race.XXXXXX")
as_psql() { # as_psql LOGIN psql-args...   (password <login>-demo)
	login=$1; shift
	PGPASSWORD="$login-demo" psql -X -q -At -U "$login" -d counterdesk "$@"
}
ntasks=600
clients=32

cleanup() {
	su_psql >/dev/null <<'SQL'
-- Open MZ tasks of other tests go back to the ready set (see "parked").
DO $p$ BEGIN
	IF to_regclass('public.zz_race_parked') IS NOT NULL THEN
		INSERT INTO core.task_ready SELECT * FROM public.zz_race_parked ON CONFLICT DO NOTHING;
		DROP TABLE public.zz_race_parked;
	END IF;
END $p$;
CREATE TEMP TABLE gone AS SELECT c.id FROM core.case c WHERE c.item_code IN ('zz_race', 'zz_race2');
DELETE FROM core.case_event e USING gone WHERE e.case_id = gone.id;
DELETE FROM core.task_ready r USING core.task t, gone WHERE r.task_id = t.id AND t.case_id = gone.id;
DELETE FROM core.task_pause p USING core.task t, gone WHERE p.task_id = t.id AND t.case_id = gone.id;
DELETE FROM core.task t USING gone WHERE t.case_id = gone.id;
DELETE FROM core.case_dept x USING gone WHERE x.case_id = gone.id;
DELETE FROM core.case_visit x USING gone WHERE x.case_id = gone.id;
DELETE FROM core.case_material x USING gone WHERE x.case_id = gone.id;
DELETE FROM core.case c USING gone WHERE c.id = gone.id;
DELETE FROM core.service_item WHERE code IN ('zz_race', 'zz_race2');
SQL
	rm -rf "$d"
}
trap cleanup EXIT
cleanup
mkdir -p "$d"

# ---------------------------------------------------------------- set-up
# Open MZ tasks that earlier suites left are parked for the duration, so that
# the clients take only this test's tasks.
su_psql >/dev/null <<'SQL'
CREATE TABLE public.zz_race_parked AS SELECT * FROM core.task_ready WHERE dept_code = 'MZ';
DELETE FROM core.task_ready WHERE dept_code = 'MZ';
SQL
# One accepted case through api.case_submit (the applicant), then the rest
# as copies inserted straight into core.case: the AFTER INSERT trigger makes
# each one's task, exactly as for a submitted case.
su_psql >/dev/null <<SQL || { echo "not ok - set-up failed"; exit 1; }
SELECT count(*) FROM api.forms_load(gen_random_uuid(), \$json\$
{"code": "zz_race", "version": 1, "name_zh": "并发测试", "name_en": "Race test",
 "applicant": "person", "promised_days": 10, "count_acceptance_day": false,
 "departments": ["MZ"], "groups": [],
 "steps": [{"number": 1, "dept": "MZ", "group": 1, "days": 2, "name_zh": "民政审核", "name_en": "Civil affairs"}],
 "fields": [], "materials": []}
\$json\$::jsonb);
SELECT count(*) FROM api.forms_load(gen_random_uuid(), \$json\$
{"code": "zz_race2", "version": 1, "name_zh": "并发测试二", "name_en": "Race test 2",
 "applicant": "person", "promised_days": 10, "count_acceptance_day": false,
 "departments": ["MZ", "RS"], "groups": [],
 "steps": [{"number": 1, "dept": "MZ", "group": 1, "days": 2, "name_zh": "民政", "name_en": "MZ"},
	   {"number": 2, "dept": "MZ", "group": 1, "days": 2, "name_zh": "民政二", "name_en": "MZ 2"},
	   {"number": 3, "dept": "RS", "group": 2, "days": 2, "name_zh": "人社", "name_en": "RS"}],
 "fields": [], "materials": []}
\$json\$::jsonb);
SET SESSION AUTHORIZATION clerk1;
SELECT count(*) FROM api.case_submit(gen_random_uuid(), gen_random_uuid(), 'zz_race', NULL,
	jsonb_build_object('id', gen_random_uuid(), 'kind', 'person', 'name', '并发',
			   'id_no', jsonb_build_object('cipher', 'v1:' || md5('race'), 'mask', '330702********0099',
						       'blind', left(md5('race'), 8))),
	'{}', '{}', '{}', NULL, NULL);
RESET SESSION AUTHORIZATION;
INSERT INTO core.case (id, op_id, case_no, centre_code, item_code, item_version, applicant_id, applicant_name,
		       applicant_id_mask, outcome, status, accepted_on, promised_date, accepted_by)
SELECT gen_random_uuid(), gen_random_uuid(), '999999-20000101-' || lpad(g::text, 4, '0'), c.centre_code,
       CASE WHEN g > $ntasks THEN 'zz_race2' ELSE 'zz_race' END, 1, c.applicant_id, c.applicant_name,
       c.applicant_id_mask, 'accepted', 'accepted', c.accepted_on, c.promised_date, 'clerk1'
FROM core.case c, generate_series(1, $ntasks + 20) g
WHERE c.item_code = 'zz_race';
SQL
# The submitted one and the copies: $ntasks + 1 tasks of zz_race.
total=$(su_psql -c "SELECT count(*) FROM core.task_ready r JOIN core.task t ON t.id = r.task_id WHERE t.item_code = 'zz_race'")
is "$total" "$((ntasks + 1))" "set-up: $((ntasks + 1)) open tasks of the test item are in the ready set"
# Two steps of each zz_race2 case are in MZ too: what the clients may take.
takeable=$(su_psql -c "SELECT count(*) FROM core.task_ready WHERE dept_code = 'MZ'")

# ---------------------------------------------------------------- 32 clients take next
# Each client: 40 take-next calls, each its own transaction (autocommit),
# printing the id it got (nothing when nothing was left).
for i in $(seq 1 40); do echo "SELECT id FROM api.task_take_next(gen_random_uuid());"; done >"$d/take.sql"
round() { # round NAME
	for c in $(seq 1 $clients); do
		login=reviewer.mz
		[ $((c % 2)) = 0 ] && login=reviewer.mz2
		( as_psql "$login" -v ON_ERROR_STOP=1 -f "$d/take.sql" >"$d/$1.$c.$login" 2>"$d/$1.$c.err"; echo $? >"$d/$1.$c.rc" ) &
	done
	wait
}
round r1
rcs=$(cat "$d"/r1.*.rc | sort -u | tr '\n' ' ')
is "$rcs" "0 " "32 clients took next at once, none failed"
got=$(cat "$d"/r1.*.reviewer.* | grep -c .)
uniq=$(cat "$d"/r1.*.reviewer.* | grep . | sort -u | wc -l)
is "$got" "$takeable" "every takeable task was handed out ($takeable)"
is "$uniq" "$got" "no task was handed out twice"
left=$(su_psql -c "SELECT count(*) FROM core.task_ready WHERE dept_code = 'MZ'")
is "$left" 0 "the ready set of the department is empty"
# Who got what agrees with the tasks.
for f in "$d"/r1.*.reviewer.*; do
	login=reviewer.${f##*.reviewer.}
	grep . "$f" | sed "s/\$/,$login/"
done >"$d/r1.csv"
su_psql -c "CREATE TEMP TABLE r1 (id bigint, login text)" -c "\\copy r1 FROM '$d/r1.csv' CSV" \
	-c "SELECT count(*) FROM r1 JOIN core.task t ON t.id = r1.id WHERE t.status = 'claimed' AND t.claimed_by = r1.login" >"$d/agree" 2>&1
is "$(tail -1 "$d/agree")" "$takeable" "each task is claimed by the reviewer whose client got it"
twice=$(su_psql -c "SELECT count(*) FROM (SELECT task_id FROM core.case_event e JOIN core.task t ON t.id = e.task_id
	WHERE e.kind = 'claimed' AND t.dept_code = 'MZ' GROUP BY task_id HAVING count(*) > 1) x")
is "$twice" 0 "one claimed event per task"

# ---------------------------------------------------------------- idle claims, taken over once
su_psql -c "UPDATE core.task SET claim_expires_at = now() - interval '1 minute' WHERE status = 'claimed' AND dept_code = 'MZ' AND item_code IN ('zz_race', 'zz_race2')" >/dev/null
round r2
rcs=$(cat "$d"/r2.*.rc | sort -u | tr '\n' ' ')
is "$rcs" "0 " "32 clients took next again, none failed"
got=$(cat "$d"/r2.*.reviewer.* | grep -c .)
uniq=$(cat "$d"/r2.*.reviewer.* | grep . | sort -u | wc -l)
is "$got:$uniq" "$takeable:$takeable" "each idle claim was taken over exactly once"
expired=$(su_psql -c "SELECT count(*), count(DISTINCT task_id) FROM core.case_event e JOIN core.task t ON t.id = e.task_id
	WHERE e.kind = 'claim_expired' AND t.item_code IN ('zz_race', 'zz_race2')")
is "$expired" "$takeable|$takeable" "one claim_expired event per task"

# ---------------------------------------------------------------- claim racing claim
# 20 tasks released to the ready set; for each, reviewer.mz and reviewer.mz2
# claim it at the same moment.
ids=$(su_psql -c "SELECT id FROM core.task WHERE item_code = 'zz_race' AND status = 'claimed' ORDER BY id LIMIT 20")
for id in $ids; do
	holder=$(su_psql -c "SELECT claimed_by FROM core.task WHERE id = $id")
	PGPASSWORD="$holder-demo" psql -X -q -At -U "$holder" -d counterdesk \
		-c "SELECT 1 FROM api.task_release(gen_random_uuid(), $id)" >/dev/null
done
for id in $ids; do
	for login in reviewer.mz reviewer.mz2; do
		( as_psql "$login" -c "SELECT claimed_by FROM api.task_claim(gen_random_uuid(), $id)" >"$d/claim.$id.$login" 2>&1 ) &
	done
done
wait
wins=0; refusals=0
for id in $ids; do
	w=$(cat "$d/claim.$id.reviewer.mz" "$d/claim.$id.reviewer.mz2" | grep -c '^reviewer\.mz2\?$')
	r=$(cat "$d/claim.$id.reviewer.mz" "$d/claim.$id.reviewer.mz2" | grep -c 'Another reviewer holds this task')
	[ "$w" = 1 ] && wins=$((wins + 1))
	[ "$r" = 1 ] && refusals=$((refusals + 1))
done
is "$wins:$refusals" "20:20" "20 claims raced by two reviewers: one wins each, the other is told another reviewer holds it"
holders=$(su_psql -c "SELECT count(*) FROM core.task WHERE id IN ($(echo $ids | tr ' ' ',')) AND status = 'claimed'
	AND claimed_by IN ('reviewer.mz', 'reviewer.mz2')")
is "$holders" 20 "each of those tasks is held by its winner"

# ---------------------------------------------------------------- deciding twice at once
for id in $ids; do
	holder=$(su_psql -c "SELECT claimed_by FROM core.task WHERE id = $id")
	for n in 1 2; do
		( as_psql "$holder" -c "SELECT task_status FROM api.task_decide(gen_random_uuid(), $id, 'approve', NULL)" \
			>"$d/decide.$id.$n" 2>&1 ) &
	done
done
wait
ones=0
for id in $ids; do
	a=$(cat "$d/decide.$id.1" "$d/decide.$id.2" | grep -c '^approved$')
	b=$(cat "$d/decide.$id.1" "$d/decide.$id.2" | grep -c 'The task is already decided')
	[ "$a:$b" = "1:1" ] && ones=$((ones + 1))
done
is "$ones" 20 "20 tasks approved twice at once: one approval each, the other told it is already decided"
audits=$(su_psql -c "SELECT count(*) FROM core.audit WHERE action = 'task_decide' AND object IN (
	SELECT 'task:' || id FROM core.task WHERE id IN ($(echo $ids | tr ' ' ',')))")
is "$audits" 20 "one audit row per decision"
complete=$(su_psql -c "SELECT count(*) FROM core.case c JOIN core.task t ON t.case_id = c.id
	WHERE t.id IN ($(echo $ids | tr ' ' ',')) AND c.status = 'complete'")
is "$complete" 20 "their cases are complete"

# ---------------------------------------------------------------- the last two parallel steps at once
# zz_race2: two MZ steps in group 1, then RS. Each case's two MZ tasks are
# held by reviewer.mz and reviewer.mz2 and approved at the same moment.
su_psql >/dev/null <<'SQL'
UPDATE core.task t SET claimed_by = CASE WHEN t.step = 1 THEN 'reviewer.mz' ELSE 'reviewer.mz2' END,
	claim_expires_at = now() + interval '1 hour'
WHERE t.item_code = 'zz_race2' AND t.status = 'claimed';
SQL
pairs=$(su_psql -c "SELECT string_agg(t.id::text, ':' ORDER BY t.step) FROM core.task t
	WHERE t.item_code = 'zz_race2' AND t.dept_code = 'MZ' AND t.status = 'claimed' GROUP BY t.case_id HAVING count(*) = 2")
npairs=$(echo "$pairs" | grep -c .)
is "$npairs" 20 "20 cases with two parallel steps held by two reviewers"
for p in $pairs; do
	a=${p%%:*}; b=${p##*:}
	( as_psql reviewer.mz -c "SELECT started FROM api.task_decide(gen_random_uuid(), $a, 'approve', NULL)" >"$d/par.$a" 2>&1 ) &
	( as_psql reviewer.mz2 -c "SELECT started FROM api.task_decide(gen_random_uuid(), $b, 'approve', NULL)" >"$d/par.$b" 2>&1 ) &
done
wait
started=$(su_psql -c "SELECT count(*), count(DISTINCT t.case_id) FROM core.task t
	WHERE t.item_code = 'zz_race2' AND t.dept_code = 'RS' AND t.status = 'open'")
is "$started" "$npairs|$npairs" "$npairs cases whose two parallel steps were approved at once: the next step started once each"
events=$(su_psql -c "SELECT count(*) FROM core.case_event e JOIN core.task t ON t.id = e.task_id
	WHERE t.item_code = 'zz_race2' AND t.dept_code = 'RS' AND e.kind = 'task_started'")
is "$events" "$npairs" "one task_started event each"
sumstarted=$(cat "$d"/par.* | awk '/^[0-9]+$/ { s += $1 } END { print s + 0 }')
is "$sumstarted" "$npairs" "exactly one of each pair of approvals reports the started step"

# ---------------------------------------------------------------- the floor under releases
# Take next starts at its department's floor (sql/052_take_next_floor.sql).
# The zz_race tasks still held go back to the ready set; then 16 clients
# each take next and release what they took, 25 times, all at once: every
# release puts back a row more urgent than the floor the other takes are
# raising meanwhile. Afterwards no ready row is below its department's
# floor, and one reviewer taking next until nothing is left gets every row,
# most urgent first.
su_psql >/dev/null <<'SQL'
INSERT INTO core.task_ready (task_id, dept_code, due_at)
SELECT t.id, t.dept_code, t.due_at FROM core.task t
WHERE t.item_code = 'zz_race' AND t.status = 'claimed' ORDER BY t.id;
UPDATE core.task SET status = 'open', claimed_by = NULL, claimed_at = NULL, claim_expires_at = NULL
WHERE item_code = 'zz_race' AND status = 'claimed';
SQL
ready=$(su_psql -c "SELECT count(*) FROM core.task_ready WHERE dept_code = 'MZ'")
for i in $(seq 1 25); do
	echo "SELECT count(*) FROM api.task_release(gen_random_uuid(), (SELECT id FROM api.task_take_next(gen_random_uuid())));"
done >"$d/churn.sql"
for c in $(seq 1 16); do
	login=reviewer.mz
	[ $((c % 2)) = 0 ] && login=reviewer.mz2
	( as_psql "$login" -v ON_ERROR_STOP=1 -f "$d/churn.sql" >/dev/null 2>"$d/churn.$c.err"; echo $? >"$d/churn.$c.rc" ) &
done
wait
rcs=$(cat "$d"/churn.*.rc | sort -u | tr '\n' ' ')
is "$rcs" "0 " "16 clients took and released 25 times each at once, none failed"
below=$(su_psql -c "SELECT count(*) FROM core.task_ready r JOIN core.ready_floor f ON f.dept_code = r.dept_code
	WHERE (r.due_at, r.task_id) < (f.due_at, f.task_id)")
is "$below" 0 "no ready row is below its department's floor"
# (Whether a floor row exists now depends on the run: a take raises it
# only while no insert is in flight, and here every transaction inserts.)
expect=$(su_psql -c "SELECT string_agg(task_id::text, ' ' ORDER BY due_at, task_id) FROM core.task_ready WHERE dept_code = 'MZ'")
for i in $(seq 1 $((ready + 1))); do echo "SELECT id FROM api.task_take_next(gen_random_uuid());"; done >"$d/drain.sql"
drained=$(as_psql reviewer.mz -v ON_ERROR_STOP=1 -f "$d/drain.sql" | grep . | tr '\n' ' ' | sed 's/ $//')
is "$(echo "$drained" | wc -w)" "$ready" "taking next until nothing is left hands out all $ready ready tasks"
is "$drained" "$expect" "... one by one, most urgent first"

done_testing
