-- Who may do what in routing (sql/050_routing.sql, sql/051_routing_api.sql):
-- EXECUTE granted to exactly the intended groups, forced row-level
-- security, and the refusals a reviewer, a clerk or anyone else gets when
-- calling the functions from psql (SET SESSION AUTHORIZATION is what a
-- login as that staff member gives). Everything is rolled back.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(33);

\ir lib/error_of.sql

SELECT set_eq(
	$$SELECT p.oid::regprocedure::text, a.grantee::regrole::text
	  FROM pg_proc p, aclexplode(p.proacl) a
	  WHERE p.pronamespace = 'api'::regnamespace AND a.privilege_type = 'EXECUTE'
	    AND a.grantee <> p.proowner
	    AND (p.proname LIKE 'task\_%' OR p.proname IN ('case_timeline', 'case_tasks', 'case_correction_received',
							    'case_handover', 'case_get', 'case_verifications', 'case_audit'))$$,
	$$VALUES ('api.task_list(text,text,text,boolean,boolean,timestamp with time zone,bigint,integer)', 'cd_reviewer'),
		 ('api.task_list(text,text,text,boolean,boolean,timestamp with time zone,bigint,integer)', 'cd_supervisor'),
		 ('api.task_get(bigint)', 'cd_reviewer'),
		 ('api.task_get(bigint)', 'cd_supervisor'),
		 ('api.task_dept_summary()', 'cd_reviewer'),
		 ('api.task_dept_summary()', 'cd_supervisor'),
		 ('api.task_overdue(integer)', 'cd_supervisor'),
		 ('api.task_take_next(uuid)', 'cd_reviewer'),
		 ('api.task_claim(uuid,bigint)', 'cd_reviewer'),
		 ('api.task_release(uuid,bigint)', 'cd_reviewer'),
		 ('api.task_decide(uuid,bigint,text,text,text)', 'cd_reviewer'),
		 ('api.task_reassign(uuid,bigint,text,text,text)', 'cd_supervisor'),
		 ('api.case_timeline(text)', 'cd_clerk'),
		 ('api.case_timeline(text)', 'cd_supervisor'),
		 ('api.case_timeline(text)', 'cd_reviewer'),
		 ('api.case_tasks(text)', 'cd_clerk'),
		 ('api.case_tasks(text)', 'cd_supervisor'),
		 ('api.case_tasks(text)', 'cd_reviewer'),
		 ('api.case_correction_received(uuid,text,text)', 'cd_clerk'),
		 ('api.case_handover(uuid,text)', 'cd_clerk'),
		 ('api.case_get(text)', 'cd_clerk'),
		 ('api.case_get(text)', 'cd_supervisor'),
		 ('api.case_get(text)', 'cd_reviewer'),
		 ('api.case_verifications(text)', 'cd_clerk'),
		 ('api.case_verifications(text)', 'cd_supervisor'),
		 ('api.case_verifications(text)', 'cd_reviewer'),
		 ('api.case_audit(text)', 'cd_clerk'),
		 ('api.case_audit(text)', 'cd_supervisor'),
		 ('api.case_audit(text)', 'cd_reviewer')$$,
	'EXECUTE on the routing functions is granted to exactly the intended groups');
SELECT is((SELECT string_agg(c.relname || ':' || c.relrowsecurity || ':' || c.relforcerowsecurity, ' ' ORDER BY c.relname)
	   FROM pg_class c WHERE c.oid IN ('core.task'::regclass, 'core.task_ready'::regclass,
					   'core.task_pause'::regclass, 'core.case_event'::regclass,
					   'core.case_dept'::regclass)),
	'case_dept:true:true case_event:true:true task:true:true task_pause:true:true task_ready:true:true',
	'the routing tables have forced row-level security');
SELECT is_empty(
	$$SELECT r FROM unnest(ARRAY['cd_staff','cd_clerk','cd_helper','cd_reviewer','cd_supervisor','cd_admin','cd_kiosk']) r
	  WHERE has_function_privilege(r, 'core.add_working_minutes(timestamptz,integer)', 'EXECUTE')
	     OR has_function_privilege(r, 'core.task_start(bigint[],timestamptz,uuid)', 'EXECUTE')
	     OR has_table_privilege(r, 'core.task', 'SELECT')
	     OR has_table_privilege(r, 'core.task_ready', 'DELETE')$$,
	'no staff group may call the core helpers or touch the tables');

SELECT count(*) FROM api.forms_load(gen_random_uuid(), $json$
{"code": "zz_route_rights", "version": 1, "name_zh": "权限测试", "name_en": "Rights test",
 "applicant": "person", "promised_days": 10, "count_acceptance_day": false,
 "departments": ["MZ", "RS"], "groups": [],
 "steps": [{"number": 1, "dept": "MZ", "group": 1, "days": 2, "name_zh": "民政审核", "name_en": "Civil affairs"},
	   {"number": 2, "dept": "RS", "group": 2, "days": 3, "name_zh": "人社审核", "name_en": "Pensions"}],
 "fields": [], "materials": []}
$json$::jsonb) \g /dev/null
CREATE TEMP TABLE k (case_no text, mz bigint, rs bigint);
GRANT ALL ON k TO PUBLIC;
SET SESSION AUTHORIZATION clerk1;
INSERT INTO k (case_no) SELECT case_no FROM api.case_submit(gen_random_uuid(), gen_random_uuid(), 'zz_route_rights', NULL,
	jsonb_build_object('id', gen_random_uuid(), 'kind', 'person', 'name', '李四',
			   'id_no', jsonb_build_object('cipher', 'v1:' || md5('42'), 'mask', '330702********0042', 'blind', 'abcdef12')),
	'{}', '{}', '{}', NULL, NULL);
RESET SESSION AUTHORIZATION;
UPDATE k SET mz = (SELECT id FROM core.task t WHERE t.case_no = k.case_no AND dept_code = 'MZ'),
	     rs = (SELECT id FROM core.task t WHERE t.case_no = k.case_no AND dept_code = 'RS');

-- ------------------------------------------------------------------ straight at the tables
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT throws_ok($$SELECT * FROM core.task$$, '42501', NULL, 'a reviewer cannot read core.task directly');
SELECT throws_ok($$DELETE FROM core.task_ready$$, '42501', NULL, 'nor empty the ready set');
SELECT throws_ok($$SELECT core.add_working_minutes(now(), 1)$$, '42501', NULL, 'nor call the core helpers');
SELECT throws_ok($$INSERT INTO core.case_event (case_id, kind) SELECT gen_random_uuid(), 'note'$$, '42501', NULL,
	'nor write the timeline');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ a reviewer of another department
SET SESSION AUTHORIZATION "reviewer.yb";
SELECT is(pg_temp.error_of($$SELECT api.task_get((SELECT mz FROM k))$$), 'P0002 Unknown task',
	'a reviewer does not get another department''s task');
SELECT is(pg_temp.error_of($$SELECT api.task_claim(gen_random_uuid(), (SELECT mz FROM k))$$), 'P0002 Unknown task',
	'nor claim it (a case their department has no step in is invisible)');
SELECT is((SELECT count(*)::int FROM api.task_take_next(gen_random_uuid())), 0, 'take next never crosses departments');
SELECT is((SELECT count(*)::int FROM api.task_list('MZ', NULL, NULL, NULL, NULL, NULL, NULL, 500) WHERE dept_code <> 'YB'), 0,
	'asking for another department''s queue gives one''s own');
SELECT is(pg_temp.error_of($$SELECT api.case_timeline((SELECT case_no FROM k))$$), 'P0002 No such case',
	'the timeline of a case without a step in one''s department: no such case');
SELECT is(pg_temp.error_of($$SELECT api.case_get((SELECT case_no FROM k))$$), 'P0002 No such case', '... nor the case');
SELECT is(pg_temp.error_of($$SELECT api.case_tasks((SELECT case_no FROM k))$$), 'P0002 No such case', '... nor its tasks');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION "reviewer.rs";
SELECT is(pg_temp.error_of($$SELECT api.task_claim(gen_random_uuid(), (SELECT mz FROM k))$$),
	'42501 You do not have the rights for this operation',
	'a reviewer whose department has a later step sees the 民政 step but cannot claim it');
SELECT is(pg_temp.error_of($$SELECT api.task_claim(gen_random_uuid(), (SELECT rs FROM k))$$), '55000 The task is not open',
	'their own step waits for group 1');
SELECT is((SELECT string_agg(dept_code || ':' || status, ' ' ORDER BY step) FROM api.case_tasks((SELECT case_no FROM k))),
	'MZ:open RS:waiting', 'they read every step of a case their department works on');
SELECT is((SELECT string_agg(kind, ' ') FROM api.case_timeline((SELECT case_no FROM k))), 'accepted task_started',
	'... and its timeline');
SELECT is((SELECT applicant_id_mask FROM api.case_get((SELECT case_no FROM k))), '330702********0042',
	'... and the case, masked');
SELECT ok((SELECT count(*) FROM api.case_audit((SELECT case_no FROM k))) > 0, '... and its audit rows');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ clerks, supervisors, others
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT is((SELECT id FROM api.task_claim(gen_random_uuid(), (SELECT mz FROM k))), (SELECT mz FROM k), '民政 claims its step');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION clerk1;
SELECT is(pg_temp.error_of($$SELECT api.task_decide(gen_random_uuid(), (SELECT mz FROM k), 'approve', NULL)$$),
	'42501 permission denied for function task_decide', 'a clerk cannot decide');
SELECT is(pg_temp.error_of($$SELECT api.task_list(NULL, NULL, NULL, NULL, NULL, NULL, NULL, 10)$$),
	'42501 permission denied for function task_list', 'a clerk has no queue');
SELECT is((SELECT string_agg(kind, ' ') FROM api.case_timeline((SELECT case_no FROM k))), 'accepted task_started claimed',
	'a clerk reads the timeline of any case');
SELECT is((SELECT string_agg(status, ' ' ORDER BY step) FROM api.case_tasks((SELECT case_no FROM k))), 'claimed waiting',
	'... and its tasks');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION super1;
SELECT is(pg_temp.error_of($$SELECT api.task_decide(gen_random_uuid(), (SELECT mz FROM k), 'approve', NULL)$$),
	'42501 permission denied for function task_decide', 'a supervisor does not decide (reassigns instead)');
SELECT is(pg_temp.error_of($$SELECT api.task_take_next(gen_random_uuid())$$),
	'42501 permission denied for function task_take_next', 'nor takes tasks');
SELECT is((SELECT claimed_by FROM api.task_get((SELECT mz FROM k))), 'reviewer.mz', 'a supervisor reads any task');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION kiosk1;
SELECT is(pg_temp.error_of($$SELECT api.case_timeline((SELECT case_no FROM k))$$),
	'42501 permission denied for function case_timeline', 'the kiosk reads no timeline');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION admin1;
SELECT is(pg_temp.error_of($$SELECT api.task_get((SELECT mz FROM k))$$),
	'42501 permission denied for function task_get', 'an admin reads no tasks');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ a reviewer who has left
-- Granted EXECUTE through the group, but no longer active staff.
UPDATE core.staff SET active = false, disabled_at = now() WHERE login = 'reviewer.mz2';
SET SESSION AUTHORIZATION "reviewer.mz2";
SELECT is(pg_temp.error_of($$SELECT api.task_take_next(gen_random_uuid())$$),
	'42501 You are not an active staff member', 'a disabled reviewer takes nothing');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT is(pg_temp.error_of($$SELECT api.task_decide(gen_random_uuid(), (SELECT mz FROM k), 'approve', NULL)$$), 'no error',
	'the holder decides');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT status FROM core.task WHERE id = (SELECT rs FROM k)), 'open', 'which starts the 人社 step');

SELECT * FROM finish();
ROLLBACK;
