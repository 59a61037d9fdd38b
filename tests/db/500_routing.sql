-- Routing (sql/050_routing.sql, sql/051_routing_api.sql, docs/routing.md):
-- tasks made by accepting a case, parallel and sequential steps, taking and
-- claiming, each decision (approve, return and the 补正 pause, reject,
-- transfer, note), release, reassign, idle claims, the timeline, handover,
-- lights in the queue, paging, retried operations, and bad input leaving
-- the data unchanged. Everything is rolled back.
--
-- The test item zz_route has three steps: 民政 (MZ) and 人社 (RS) in
-- parallel (group 1), then 医保 (YB) (group 2).
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(108);

\ir lib/error_of.sql

SELECT count(*) FROM api.forms_load(gen_random_uuid(), $json$
{"code": "zz_route", "version": 1, "name_zh": "流转测试", "name_en": "Routing test",
 "applicant": "person", "promised_days": 10, "count_acceptance_day": false,
 "departments": ["MZ", "RS", "YB"], "groups": [],
 "steps": [{"number": 1, "dept": "MZ", "group": 1, "days": 2, "name_zh": "民政审核", "name_en": "Civil affairs"},
	   {"number": 2, "dept": "RS", "group": 1, "days": 3, "name_zh": "人社审核", "name_en": "Pensions"},
	   {"number": 3, "dept": "YB", "group": 2, "days": 1, "name_zh": "医保变更", "name_en": "Insurance"}],
 "fields": [{"key": "name", "label_zh": "姓名", "label_en": "Name", "type": "text", "required": true, "max_length": 30,
   "prefill": null, "group": null, "send_to": ["MZ"], "when": null}],
 "materials": [{"code": "photo", "name_zh": "照片", "name_en": "Photo", "key": false,
   "check": null, "note_zh": null, "note_en": null, "send_to": ["MZ"], "when": null}]}
$json$::jsonb) \g /dev/null

-- Case p_n of zz_route (as the clerk), its number kept under p_label.
CREATE TEMP TABLE k (label text PRIMARY KEY, case_no text);
CREATE TEMP TABLE tk (label text PRIMARY KEY, id bigint);
CREATE TEMP TABLE got (label text, v text);
GRANT ALL ON k, tk, got TO PUBLIC;
CREATE FUNCTION pg_temp.accept(p_label text, p_n int, p_photo text DEFAULT 'provided') RETURNS void LANGUAGE sql AS $$
	INSERT INTO k SELECT p_label, case_no FROM api.case_submit(
		('00000000-0000-4000-8500-' || lpad(p_n::text, 12, '0'))::uuid,
		('00000000-0000-4000-8501-' || lpad(p_n::text, 12, '0'))::uuid, 'zz_route', NULL,
		jsonb_build_object('id', ('00000000-0000-4000-8502-' || lpad(p_n::text, 12, '0'))::uuid,
				   'kind', 'person', 'name', '张伟' || p_n,
				   'id_no', jsonb_build_object('cipher', 'v1:' || md5(p_n::text),
							       'mask', '330702********' || lpad(p_n::text, 4, '0'),
							       'blind', left(md5(p_n::text), 8))),
		jsonb_build_object('name', '张伟' || p_n), '{}', jsonb_build_object('photo', p_photo), NULL, NULL) $$;
-- The task ids of a case, as <label>.mz, <label>.rs, <label>.yb (superuser).
CREATE FUNCTION pg_temp.ids(p_label text) RETURNS void LANGUAGE sql AS $$
	INSERT INTO tk SELECT p_label || '.' || lower(t.dept_code), t.id
	FROM core.task t JOIN k ON k.case_no = t.case_no WHERE k.label = p_label $$;
CREATE FUNCTION pg_temp.t(p_label text) RETURNS bigint LANGUAGE sql STABLE AS $$
	SELECT id FROM tk WHERE label = p_label $$;
CREATE FUNCTION pg_temp.c(p_label text) RETURNS text LANGUAGE sql STABLE AS $$
	SELECT case_no FROM k WHERE label = p_label $$;
CREATE FUNCTION pg_temp.decide(p_task text, p_decision text, p_reason text, p_to text DEFAULT NULL)
	RETURNS text LANGUAGE sql AS $$
	SELECT task_status || ' ' || case_status || ' ' || started
	FROM api.task_decide(gen_random_uuid(), pg_temp.t(p_task), p_decision, p_reason, p_to) $$;
CREATE FUNCTION pg_temp.status(p_task text) RETURNS text LANGUAGE sql STABLE AS $$
	SELECT status || coalesce(' ' || claimed_by, '') FROM core.task WHERE id = pg_temp.t(p_task) $$;
CREATE FUNCTION pg_temp.kinds(p_label text) RETURNS text LANGUAGE sql STABLE AS $$
	SELECT string_agg(e.kind || coalesce(':' || lower(e.dept_code), ''), ' ' ORDER BY e.id)
	FROM core.case_event e JOIN core.case c ON c.id = e.case_id WHERE c.case_no = pg_temp.c(p_label) $$;

-- ------------------------------------------------------------------ accepting makes the tasks
SET SESSION AUTHORIZATION clerk1;
SELECT pg_temp.accept('a', 1);
RESET SESSION AUTHORIZATION;
SELECT pg_temp.ids('a');

SELECT is((SELECT string_agg(step || ':' || dept_code || ':' || status, ' ' ORDER BY step) FROM core.task
	   WHERE case_no = pg_temp.c('a')), '1:MZ:open 2:RS:open 3:YB:waiting',
	'accepting makes one task per step: the parallel group 1 starts, group 2 waits');
SELECT is((SELECT string_agg(r.dept_code, ' ' ORDER BY r.dept_code) FROM core.task_ready r
	   JOIN core.task t ON t.id = r.task_id WHERE t.case_no = pg_temp.c('a')), 'MZ RS',
	'only the open tasks are in the ready set');
SELECT ok((SELECT bool_and(started_at = created_at AND due_at > started_at AND yellow_at > started_at
			   AND yellow_at < due_at AND sign_yellow_at < sign_due_at AND signed_at IS NULL)
	   FROM core.task WHERE case_no = pg_temp.c('a') AND status = 'open'),
	'started tasks carry both clocks and their yellow marks, not yet signed for');
SELECT is((SELECT due_at FROM core.task WHERE id = pg_temp.t('a.mz')),
	core.add_working_minutes((SELECT started_at FROM core.task WHERE id = pg_temp.t('a.mz')), 2 * 480),
	'the completion clock is the step''s 2 working days of 8 hours');
SELECT is((SELECT sign_due_at FROM core.task WHERE id = pg_temp.t('a.mz')),
	core.add_working_minutes((SELECT started_at FROM core.task WHERE id = pg_temp.t('a.mz')), 120),
	'the sign-for clock is sign_for_hours (2) of working time');
SELECT ok((SELECT due_at IS NULL AND started_at IS NULL FROM core.task WHERE id = pg_temp.t('a.yb')),
	'a waiting task has no clock yet');
SELECT is(pg_temp.kinds('a'), 'accepted:zhck task_started:mz task_started:rs',
	'the timeline starts with the acceptance and the started tasks');
SELECT is((SELECT string_agg(dept_code, ' ' ORDER BY dept_code) FROM core.case_dept d JOIN core.case c ON c.id = d.case_id
	   WHERE c.case_no = pg_temp.c('a')), 'MZ RS YB', 'the case is known to every department with a step');

-- ------------------------------------------------------------------ taking the next task
SET SESSION AUTHORIZATION "reviewer.yb";
SELECT is((SELECT count(*)::int FROM api.task_take_next(gen_random_uuid())), 0,
	'nothing to take for 医保: its step waits for group 1');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION "reviewer.mz";
INSERT INTO got SELECT 'take1', id || ' ' || status || ' ' || claimed_by || ' ' || sign_light
FROM api.task_take_next('00000000-0000-4000-8600-000000000001');
SELECT is((SELECT v FROM got WHERE label = 'take1'), pg_temp.t('a.mz') || ' claimed reviewer.mz done',
	'take next: the 民政 task, claimed by the caller, the sign-for clock met');
SELECT is((SELECT id FROM api.task_take_next('00000000-0000-4000-8600-000000000001')), pg_temp.t('a.mz'),
	'a retried take next answers the same task');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::int FROM core.case_event WHERE task_id = pg_temp.t('a.mz') AND kind = 'claimed'), 1,
	'... and claims nothing more');
SELECT ok((SELECT signed_at IS NOT NULL AND claim_expires_at > now() FROM core.task WHERE id = pg_temp.t('a.mz')),
	'signed for, with an idle limit ahead');
SELECT ok(NOT EXISTS (SELECT 1 FROM core.task_ready WHERE task_id = pg_temp.t('a.mz')), 'a claimed task left the ready set');

-- ------------------------------------------------------------------ bad input changes nothing
SET SESSION AUTHORIZATION "reviewer.mz2";
SELECT is(pg_temp.error_of($$SELECT api.task_claim(gen_random_uuid(), pg_temp.t('a.mz'))$$),
	'55P03 Another reviewer holds this task', 'a claim of a task another reviewer holds is refused');
SELECT is(pg_temp.error_of($$SELECT pg_temp.decide('a.mz', 'approve', NULL)$$),
	'42501 You do not hold this task', 'deciding a task one does not hold is refused');
SELECT is(pg_temp.error_of($$SELECT api.task_release(gen_random_uuid(), pg_temp.t('a.mz'))$$),
	'42501 You do not hold this task', 'releasing a task one does not hold is refused');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT is(pg_temp.error_of($$SELECT pg_temp.decide('a.mz', 'frobnicate', 'x')$$),
	'22023 Unknown decision', 'an unknown decision is refused');
SELECT is(pg_temp.error_of($$SELECT pg_temp.decide('a.mz', 'reject', '  ')$$),
	'22023 A reason is required', 'rejecting without a reason is refused');
SELECT is(pg_temp.error_of($$SELECT pg_temp.decide('a.mz', 'return', NULL)$$),
	'22023 A reason is required', 'returning without saying what is needed is refused');
SELECT is(pg_temp.error_of($$SELECT pg_temp.decide('a.mz', 'transfer', '转公安', 'XX')$$),
	'22023 Unknown department', 'a transfer to an unknown department is refused');
SELECT is(pg_temp.error_of($$SELECT pg_temp.decide('a.mz', 'transfer', NULL, 'GA')$$),
	'22023 A reason is required', 'a transfer needs a reason');
SELECT is(pg_temp.error_of($$SELECT pg_temp.decide('a.mz', 'transfer', '同部门', 'MZ')$$),
	'22023 The task is already in that department', 'a transfer to the same department is refused');
SELECT is(pg_temp.error_of($$SELECT api.task_decide(gen_random_uuid(), 999999999, 'approve', NULL)$$),
	'P0002 Unknown task', 'an unknown task');
RESET SESSION AUTHORIZATION;
SELECT is(pg_temp.status('a.mz') || ' / ' || pg_temp.kinds('a'),
	'claimed reviewer.mz / accepted:zhck task_started:mz task_started:rs claimed:mz',
	'after all those refusals the task and the timeline are unchanged');

-- ------------------------------------------------------------------ note, approve, the next group
UPDATE core.task SET claim_expires_at = now() + interval '1 minute' WHERE id = pg_temp.t('a.mz');
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT is(pg_temp.decide('a.mz', 'note', '已电话核实户籍'), 'claimed accepted 0', 'a note keeps the claim');
RESET SESSION AUTHORIZATION;
SELECT ok((SELECT claim_expires_at > now() + interval '20 minutes' FROM core.task WHERE id = pg_temp.t('a.mz')),
	'... and renews it');
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT is(pg_temp.decide('a.mz', 'approve', NULL), 'approved accepted 0',
	'approving one of two parallel steps starts nothing yet');
SELECT is(pg_temp.error_of($$SELECT pg_temp.decide('a.mz', 'approve', NULL)$$),
	'55000 The task is already decided', 'deciding twice is refused');
SELECT is(pg_temp.error_of($$SELECT api.task_claim(gen_random_uuid(), pg_temp.t('a.mz'))$$),
	'55000 The task is already decided', 'a decided task cannot be claimed');
RESET SESSION AUTHORIZATION;
SELECT is(pg_temp.status('a.yb'), 'waiting', 'the next group still waits for 人社');
SET SESSION AUTHORIZATION "reviewer.rs";
SELECT is((SELECT id FROM api.task_take_next(gen_random_uuid())), pg_temp.t('a.rs'), '人社 takes its task');
SELECT is(pg_temp.decide('a.rs', 'approve', '符合条件'), 'approved accepted 1',
	'approving the last step of group 1 starts group 2 (one task)');
RESET SESSION AUTHORIZATION;
SELECT ok((SELECT status = 'open' AND started_at = now() AND due_at IS NOT NULL FROM core.task WHERE id = pg_temp.t('a.yb'))
	  AND EXISTS (SELECT 1 FROM core.task_ready WHERE task_id = pg_temp.t('a.yb')),
	'the 医保 step is open, with its clocks, in the ready set');
SET SESSION AUTHORIZATION "reviewer.yb";
SELECT is((SELECT id FROM api.task_take_next(gen_random_uuid())), pg_temp.t('a.yb'), '医保 takes it');
SELECT is(pg_temp.decide('a.yb', 'approve', NULL), 'approved complete 0',
	'approving the last step completes the case');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT completed_on FROM core.case WHERE case_no = pg_temp.c('a')), core.today(), 'completed_on is today');
SELECT is(pg_temp.kinds('a'),
	'accepted:zhck task_started:mz task_started:rs claimed:mz note:mz approved:mz claimed:rs approved:rs '
	|| 'task_started:yb claimed:yb approved:yb completed:yb',
	'the timeline records every step, in order');
SELECT is((SELECT count(*)::int FROM core.audit WHERE action = 'task_decide'
	   AND object IN ('task:' || pg_temp.t('a.mz'), 'task:' || pg_temp.t('a.rs'), 'task:' || pg_temp.t('a.yb'))), 3,
	'each approval wrote an audit row (the note did not)');
SELECT is((SELECT count(*)::int FROM core.audit WHERE object = 'task:' || pg_temp.t('a.mz') AND detail ->> 'case' = pg_temp.c('a')
	   AND detail ->> 'decision' = 'approve' AND detail ->> 'department' = 'MZ'), 1,
	'the audit row names the case, the decision and the department');
SELECT ok((SELECT bool_and(on_time) FROM core.task WHERE case_no = pg_temp.c('a')), 'each task was decided on time');

-- ------------------------------------------------------------------ handover
SET SESSION AUTHORIZATION clerk1;
INSERT INTO got SELECT 'handover', status || ' ' || completed_on || ' ' || on_time
FROM api.case_handover(gen_random_uuid(), pg_temp.c('a'));
RESET SESSION AUTHORIZATION;
SELECT is((SELECT v FROM got WHERE label = 'handover'), 'handed_over ' || core.today() || ' true',
	'the window hands over a complete case: completed on time against the promised date');
SET SESSION AUTHORIZATION clerk1;
SELECT is(pg_temp.error_of($$SELECT api.case_handover(gen_random_uuid(), pg_temp.c('a'))$$),
	'55000 The case is not finished yet', 'a case is handed over once');
SELECT pg_temp.accept('b', 2);
SELECT is(pg_temp.error_of($$SELECT api.case_handover(gen_random_uuid(), pg_temp.c('b'))$$),
	'55000 The case is not finished yet', 'an unfinished case cannot be handed over');
RESET SESSION AUTHORIZATION;
SELECT pg_temp.ids('b');

-- ------------------------------------------------------------------ return for correction (补正)
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT is((SELECT id FROM api.task_claim(gen_random_uuid(), pg_temp.t('b.mz'))), pg_temp.t('b.mz'),
	'a specific task can be claimed');
SELECT is(pg_temp.decide('b.mz', 'return', '请补充死亡医学证明原件'), 'returned in_correction 0',
	'return for correction: the case waits for the applicant');
SELECT is((SELECT light || ' ' || sign_light || ' ' || returned_note FROM api.task_get(pg_temp.t('b.mz'))),
	'paused done 请补充死亡医学证明原件', 'a returned task shows its clock paused and what is needed');
SELECT is(pg_temp.error_of($$SELECT api.task_claim(gen_random_uuid(), pg_temp.t('b.mz'))$$),
	'55000 The task is not open', 'a returned task cannot be claimed');
RESET SESSION AUTHORIZATION;
SELECT ok(NOT EXISTS (SELECT 1 FROM core.task_ready WHERE task_id = pg_temp.t('b.mz')), 'nor taken: it left the ready set');
-- Paused at Monday 2026-03-02 10:00 with 8 working hours left (due Tuesday 10:00).
UPDATE core.task SET paused_at = '2026-03-02 10:00+08', due_at = '2026-03-03 10:00+08',
	yellow_at = '2026-03-02 16:24+08'
WHERE id = pg_temp.t('b.mz');
SET SESSION AUTHORIZATION clerk1;
SELECT is(pg_temp.error_of($$SELECT api.case_correction_received(gen_random_uuid(), pg_temp.c('a'), NULL)$$),
	'55000 No task of the case waits for correction', 'no correction to receive for a case without a returned task');
SELECT is((SELECT resumed || ' ' || visits FROM api.case_correction_received(gen_random_uuid(), pg_temp.c('b'), '材料已补齐')),
	'1 2', 'the material came back: one task resumes, one more visit');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT status FROM core.task WHERE id = pg_temp.t('b.mz')) || ' '
	  || EXISTS (SELECT 1 FROM core.task_ready WHERE task_id = pg_temp.t('b.mz')), 'open true',
	'the task is open again, in the ready set');
SELECT is(core.working_minutes(now(), (SELECT due_at FROM core.task WHERE id = pg_temp.t('b.mz'))), 480,
	'the 8 working hours that were left are counted again from now');
SELECT is(core.working_minutes(now(), (SELECT yellow_at FROM core.task WHERE id = pg_temp.t('b.mz'))), 384,
	'the yellow mark likewise (6h24 were left before it)');
SELECT is((SELECT working_minutes || ' ' || note FROM core.task_pause WHERE task_id = pg_temp.t('b.mz')),
	core.working_minutes('2026-03-02 10:00+08', now()) || ' 材料已补齐', 'the pause is recorded with its working minutes');
SELECT is((SELECT status || ' ' || visits FROM core.case WHERE case_no = pg_temp.c('b')), 'accepted 2',
	'the case is back in progress');
SELECT is((SELECT kind FROM core.case_visit v JOIN core.case c ON c.id = v.case_id WHERE c.case_no = pg_temp.c('b') AND n = 2),
	'correction', 'the visit is a correction visit');

-- ------------------------------------------------------------------ reject
SET SESSION AUTHORIZATION clerk1;
SELECT pg_temp.accept('r', 3);
RESET SESSION AUTHORIZATION;
SELECT pg_temp.ids('r');
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT is((SELECT id FROM api.task_claim(gen_random_uuid(), pg_temp.t('r.mz'))), pg_temp.t('r.mz'), '民政 claims');
SELECT is(pg_temp.decide('r.mz', 'reject', '不符合殡葬补贴条件'), 'rejected rejected 0',
	'rejecting a step rejects the case');
RESET SESSION AUTHORIZATION;
SELECT is(pg_temp.status('r.rs') || ' / ' || pg_temp.status('r.yb'), 'cancelled / cancelled',
	'the other steps, open or waiting, are cancelled');
SELECT ok(NOT EXISTS (SELECT 1 FROM core.task_ready WHERE task_id IN (pg_temp.t('r.rs'), pg_temp.t('r.yb'))),
	'... and out of the ready set');
SELECT is(pg_temp.kinds('r'),
	'accepted:zhck task_started:mz task_started:rs claimed:mz rejected:mz cancelled:rs cancelled:yb case_rejected:mz',
	'the timeline shows the rejection, the cancellations and the case''s refusal');
SELECT is((SELECT reason FROM core.task WHERE id = pg_temp.t('r.mz')), '不符合殡葬补贴条件', 'the reason is kept for the notice');
SET SESSION AUTHORIZATION clerk1;
SELECT is((SELECT status FROM api.case_handover(gen_random_uuid(), pg_temp.c('r'))), 'handed_over',
	'a rejected case is handed over too');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ transfer
SET SESSION AUTHORIZATION clerk1;
SELECT pg_temp.accept('t', 4);
RESET SESSION AUTHORIZATION;
SELECT pg_temp.ids('t');
INSERT INTO got SELECT 'due.t', due_at::text FROM core.task WHERE id = pg_temp.t('t.rs');
SET SESSION AUTHORIZATION "reviewer.rs";
SELECT is((SELECT id FROM api.task_claim(gen_random_uuid(), pg_temp.t('t.rs'))), pg_temp.t('t.rs'), '人社 claims');
SELECT is(pg_temp.decide('t.rs', 'transfer', '涉及户籍，转公安', 'ga'), 'open accepted 0',
	'transfer: the task is open in the other department');
SELECT is(pg_temp.error_of($$SELECT api.task_get(pg_temp.t('t.rs'))$$), 'P0002 Unknown task',
	'the old department no longer gets the task');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT dept_code || ' ' || (due_at::text = (SELECT v FROM got WHERE label = 'due.t')) || ' '
		  || (signed_at IS NULL) || ' ' || (sign_due_at = core.add_working_minutes(now(), 120))
	   FROM core.task WHERE id = pg_temp.t('t.rs')), 'GA true true true',
	'it keeps its completion clock and gets a fresh sign-for clock');
SET SESSION AUTHORIZATION "reviewer.ga";
SELECT is((SELECT id || ' ' || dept_code FROM api.task_take_next(gen_random_uuid())), pg_temp.t('t.rs') || ' GA',
	'公安 takes it up');
SELECT is((SELECT status FROM api.case_get(pg_temp.c('t'))), 'accepted', '... and may read the case now');
RESET SESSION AUTHORIZATION;
SELECT alike(pg_temp.kinds('t'), '%claimed:rs transferred:rs claimed:ga', 'the transfer is on the timeline');

-- ------------------------------------------------------------------ release
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT is((SELECT id FROM api.task_take_next(gen_random_uuid())), pg_temp.t('b.mz'),
	'take next: the most urgent task (the resumed one is due soonest)');
SELECT is((SELECT status || coalesce(claimed_by, '-') FROM api.task_release(gen_random_uuid(), pg_temp.t('b.mz'))), 'open-',
	'the holder releases it');
RESET SESSION AUTHORIZATION;
SELECT ok(EXISTS (SELECT 1 FROM core.task_ready WHERE task_id = pg_temp.t('b.mz')), 'back in the ready set');

-- ------------------------------------------------------------------ idle claims
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT is((SELECT id FROM api.task_claim(gen_random_uuid(), pg_temp.t('b.mz'))), pg_temp.t('b.mz'), 'claimed again');
RESET SESSION AUTHORIZATION;
UPDATE core.task SET claim_expires_at = now() - interval '1 minute' WHERE id = pg_temp.t('b.mz');
SET SESSION AUTHORIZATION "reviewer.mz2";
SELECT is((SELECT status || coalesce(claimed_by, '-') FROM api.task_get(pg_temp.t('b.mz'))), 'open-',
	'an idle claim shows as open and unclaimed');
SELECT is((SELECT count(*)::int FROM api.task_list(NULL, 'unclaimed', NULL, NULL, NULL, NULL, NULL, 50)
	   WHERE id = pg_temp.t('b.mz')), 1, 'and is listed as unclaimed');
SELECT is((SELECT claimed_by FROM api.task_claim(gen_random_uuid(), pg_temp.t('b.mz'))), 'reviewer.mz2',
	'another reviewer claims a task whose claim went idle');
RESET SESSION AUTHORIZATION;
SELECT alike(pg_temp.kinds('b'), '%claimed:mz claim_expired:mz claimed:mz', 'the expiry is on the timeline');
UPDATE core.task SET claim_expires_at = now() - interval '1 minute' WHERE id = pg_temp.t('b.mz');
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT is((SELECT id || ' ' || claimed_by FROM api.task_take_next(gen_random_uuid())), pg_temp.t('b.mz') || ' reviewer.mz',
	'take next finds idle claims too');
SET SESSION AUTHORIZATION "reviewer.mz2";
SELECT is(pg_temp.error_of($$SELECT pg_temp.decide('b.mz', 'approve', NULL)$$),
	'42501 You do not hold this task', 'the reviewer whose claim went idle and was taken no longer holds it');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ reassign (supervisors)
SET SESSION AUTHORIZATION clerk1;
SELECT pg_temp.accept('s', 5);
RESET SESSION AUTHORIZATION;
SELECT pg_temp.ids('s');
SET SESSION AUTHORIZATION super1;
SELECT is(pg_temp.error_of($$SELECT api.task_reassign(gen_random_uuid(), pg_temp.t('s.mz'), 'reviewer.mz2', NULL, NULL)$$),
	'22023 A reason is required', 'a reassignment needs a reason');
SELECT is(pg_temp.error_of($$SELECT api.task_reassign(gen_random_uuid(), pg_temp.t('s.mz'), 'reviewer.rs', NULL, '忙')$$),
	'22023 The reviewer does not work in that department', 'only to a reviewer of the task''s department');
SELECT is(pg_temp.error_of($$SELECT api.task_reassign(gen_random_uuid(), pg_temp.t('s.mz'), NULL, 'QQ', '忙')$$),
	'22023 Unknown department', 'only to a known department');
SELECT is((SELECT status || ' ' || claimed_by FROM api.task_reassign(gen_random_uuid(), pg_temp.t('s.mz'), 'reviewer.mz2', NULL, '刘洋请假')),
	'claimed reviewer.mz2', 'to a reviewer: claimed by them');
SELECT is((SELECT dept_code || ' ' || status || coalesce(claimed_by, '-')
	   FROM api.task_reassign(gen_random_uuid(), pg_temp.t('s.mz'), NULL, 'CL', '涉及残疾认定')),
	'CL open-', 'to a department: open there');
SELECT is((SELECT dept_code || ' ' || status || ' ' || claimed_by
	   FROM api.task_reassign(gen_random_uuid(), pg_temp.t('s.rs'), 'reviewer.yb', 'YB', '人社系统故障')),
	'YB claimed reviewer.yb', 'to a reviewer of another department, with the department');
RESET SESSION AUTHORIZATION;
SELECT ok(EXISTS (SELECT 1 FROM core.task_ready WHERE task_id = pg_temp.t('s.mz') AND dept_code = 'CL')
	  AND NOT EXISTS (SELECT 1 FROM core.task_ready WHERE task_id = pg_temp.t('s.rs')),
	'the ready set follows: open in CL, the claimed one out');
SELECT is((SELECT count(*)::int FROM core.audit WHERE action = 'task_reassign'
	   AND object IN ('task:' || pg_temp.t('s.mz'), 'task:' || pg_temp.t('s.rs'))), 3, 'each reassignment is audited');
SELECT is((SELECT count(*)::int FROM core.case_event WHERE kind = 'reassigned'
	   AND task_id IN (pg_temp.t('s.mz'), pg_temp.t('s.rs'))), 3, '... and on the timeline');
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT is(pg_temp.error_of($$SELECT api.task_reassign(gen_random_uuid(), pg_temp.t('s.mz'), 'reviewer.mz', NULL, 'x')$$),
	'42501 permission denied for function task_reassign', 'a reviewer cannot reassign');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ the queue: lights, filters, paging
-- Task s.yb waits; a.* and r.* are finished. Set clear clocks on open ones.
UPDATE core.task SET due_at = now() - interval '1 hour', yellow_at = now() - interval '3 hours'
WHERE id = pg_temp.t('b.mz');
UPDATE core.task_ready SET due_at = now() - interval '1 hour' WHERE task_id = pg_temp.t('b.mz');
SET SESSION AUTHORIZATION clerk1;
SELECT pg_temp.accept('q1', 6);
SELECT pg_temp.accept('q2', 7);
RESET SESSION AUTHORIZATION;
SELECT pg_temp.ids('q1');
SELECT pg_temp.ids('q2');
UPDATE core.task SET due_at = now() + interval '1 hour', yellow_at = now() - interval '1 minute' WHERE id = pg_temp.t('q1.mz');
UPDATE core.task SET due_at = now() + interval '2 hours', yellow_at = now() + interval '1 hour' WHERE id = pg_temp.t('q2.mz');
UPDATE core.task_ready r SET due_at = t.due_at FROM core.task t WHERE t.id = r.task_id;
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT is((SELECT string_agg(id::text || ':' || light, ' ' ORDER BY due_at, id)
	   FROM api.task_list('RS', NULL, NULL, NULL, NULL, NULL, NULL, 50) WHERE id IN (pg_temp.t('b.mz'), pg_temp.t('q1.mz'), pg_temp.t('q2.mz'))),
	pg_temp.t('b.mz') || ':red ' || pg_temp.t('q1.mz') || ':yellow ' || pg_temp.t('q2.mz') || ':green',
	'the queue: soonest deadline first, red, yellow and green computed from the stored marks');
SELECT is((SELECT string_agg(DISTINCT dept_code, ' ') FROM api.task_list('RS', NULL, NULL, NULL, NULL, NULL, NULL, 50)), 'MZ',
	'a reviewer''s queue is their own department (p_dept is ignored)');
SELECT is((SELECT string_agg(id::text, ' ') FROM api.task_list(NULL, NULL, NULL, true, NULL, NULL, NULL, 50)),
	pg_temp.t('b.mz')::text, 'overdue: red only');
SELECT is((SELECT string_agg(id::text, ' ') FROM api.task_list(NULL, NULL, NULL, NULL, true, NULL, NULL, 50)),
	pg_temp.t('b.mz')::text, 'mine: the tasks I hold');
SELECT is((SELECT count(*)::int FROM api.task_list(NULL, NULL, 'zz_other', NULL, NULL, NULL, NULL, 50)), 0,
	'the item filter');
INSERT INTO got SELECT 'page1', string_agg(id::text, ' ' ORDER BY due_at, id)
FROM api.task_list(NULL, NULL, NULL, NULL, NULL, NULL, NULL, 2);
INSERT INTO got SELECT 'page2', string_agg(id::text, ' ' ORDER BY due_at, id)
FROM api.task_list(NULL, NULL, NULL, NULL, NULL,
		   (SELECT due_at FROM api.task_get(pg_temp.t('q1.mz'))), pg_temp.t('q1.mz'), 1);
SELECT is((SELECT v FROM got WHERE label = 'page1') || ' | ' || (SELECT v FROM got WHERE label = 'page2'),
	pg_temp.t('b.mz') || ' ' || pg_temp.t('q1.mz') || ' | ' || pg_temp.t('q2.mz'),
	'keyset paging: the next page starts after the last row of the previous one');
SELECT is(pg_temp.error_of($$SELECT api.task_list(NULL, 'finished', NULL, NULL, NULL, NULL, NULL, 2)$$),
	'22023 Unknown task status', 'an unknown status filter is refused');
SELECT is((SELECT open || ' ' || claimed || ' ' || returned || ' ' || yellow || ' ' || red FROM api.task_dept_summary()),
	'3 1 0 1 1', 'the department summary counts open, claimed, returned, yellow and red');
SELECT is((SELECT count(*)::int FROM api.task_dept_summary()), 1, 'a reviewer gets their own department''s counts');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION super1;
SELECT ok((SELECT count(DISTINCT dept_code) FROM api.task_list(NULL, NULL, NULL, NULL, NULL, NULL, NULL, 500)) > 1,
	'a supervisor''s queue covers every department');
SELECT is((SELECT string_agg(DISTINCT dept_code, ' ') FROM api.task_list('CL', NULL, NULL, NULL, NULL, NULL, NULL, 500)), 'CL',
	'... or one');
SELECT ok(pg_temp.t('b.mz') IN (SELECT id FROM api.task_overdue(50)), 'the overdue list has the red task');
RESET SESSION AUTHORIZATION;
UPDATE core.task SET sign_due_at = now() - interval '1 minute' WHERE id = pg_temp.t('q2.rs');
SET SESSION AUTHORIZATION super1;
SELECT ok(pg_temp.t('q2.rs') IN (SELECT id FROM api.task_overdue(50)),
	'... and a task nobody took up within the sign-for clock');
SELECT is((SELECT sign_light FROM api.task_get(pg_temp.t('q2.rs'))), 'red', 'its sign-for light is red');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ later visits and verifications on the timeline
SET SESSION AUTHORIZATION clerk1;
SELECT pg_temp.accept('m', 8, 'missing');
SELECT is((SELECT visits || ' ' || outstanding FROM api.case_supplement(gen_random_uuid(), pg_temp.c('m'), 'photo')), '2 0',
	'the missing photo is brought');
RESET SESSION AUTHORIZATION;
SELECT alike(pg_temp.kinds('m'), 'accepted:zhck task_started:mz task_started:rs supplemented:zhck',
	'a supplement is on the timeline');
-- (api.case_verify needs the registers: tests/db/400_verification.sql; the
-- trigger is the same for a row written here.)
INSERT INTO core.verification (op_id, case_id, material, register, fields_compared, outcome)
SELECT gen_random_uuid(), c.id, 'photo', 'population', '{id_no,name}', 'mismatched' FROM core.case c
WHERE c.case_no = pg_temp.c('m');
UPDATE core.verification v SET resolution = 'checked_by_hand', resolution_reason = '原件已核', resolved_by = 'clerk1',
	resolved_at = now()
FROM core.case c WHERE c.id = v.case_id AND c.case_no = pg_temp.c('m');
SELECT is((SELECT string_agg(kind || ':' || note, ' ' ORDER BY id) FROM core.case_event e
	   WHERE e.case_id = (SELECT id FROM core.case WHERE case_no = pg_temp.c('m')) AND kind IN ('verified', 'checked_by_hand')),
	'verified:photo: mismatched checked_by_hand:photo: 原件已核',
	'a verification and its check by hand are on the timeline');

SELECT * FROM finish();
ROLLBACK;
