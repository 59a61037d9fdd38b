-- The green channel (sql/031_green.sql): an assisted session from a green
-- ticket with a proxy (a son with a power of attorney) ending in a home
-- visit, its follow-up on the helper's and the supervisor's lists until
-- closed, a walk-in without consent, the refusals, the report, and that
-- only helpers log sessions (42501 for everyone else, from the database).
-- "Today" is fixed by replacing core.today(); everything is rolled back.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(52);

\ir lib/error_of_detail.sql
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pg_temp TO PUBLIC;

CREATE OR REPLACE FUNCTION core.today() RETURNS date
	LANGUAGE sql STABLE SET search_path = pg_catalog, core, pg_temp
AS $$ SELECT date '2026-03-02' $$;

DELETE FROM core.ticket_ready;
UPDATE core.hall_window SET current_ticket = NULL, paused = false, paused_at = NULL, priority_streak = 0;
SELECT api.hall_load(gen_random_uuid(), '{
  "rules": {"priority_cap": 3, "ordinary_wait_minutes": 20, "recall_limit": 2, "closing_time": "17:00",
            "at_closing": "close", "close_reason": "闭厅", "green_category": "G"},
  "ratings": {"callback_working_days": 1, "rectify_working_days": 15},
  "categories": [{"code": "A", "name": "综合受理"}, {"code": "G", "name": "绿色通道"}],
  "windows": [{"window": 1, "categories": ["A"]}, {"window": 9, "categories": ["G"]}]}') \g /dev/null

-- A second helper, to see that one helper's list is not another's.
CREATE ROLE cd_test_helper2 IN ROLE cd_helper;
INSERT INTO core.staff (login, full_name, role, dept_code, window_no)
VALUES ('cd_test_helper2', '孙悦', 'helper', 'ZHCK', 9);

-- Fixtures: ids and a sealed identity number as the client makes them.
CREATE TEMP TABLE fx (k text PRIMARY KEY, v text);
INSERT INTO fx VALUES ('s1', gen_random_uuid()::text), ('s2', gen_random_uuid()::text),
		      ('s3', gen_random_uuid()::text), ('op1', gen_random_uuid()::text),
		      ('sealed', '{"cipher": "v1:bm90LXJlYWxseS1hLWNpcGhlcnRleHQ=", "mask": "110105********002X", "blind": "1a2b3c4d"}');
GRANT SELECT ON fx TO PUBLIC;

-- A green ticket, called at the green window.
SELECT number FROM api.ticket_issue(gen_random_uuid(), 'A', true, NULL) \g /dev/null
SET SESSION AUTHORIZATION green1;
SELECT is((SELECT number FROM api.window_call(gen_random_uuid(), 9)), 'G001', 'the helper calls G001 at window 9');

-- ------------------------------------------------------------------ refusals
SELECT is(pg_temp.error_of($$SELECT * FROM api.green_start(gen_random_uuid(), gen_random_uuid(), NULL, NULL,
	'80+', ARRAY['vision'], NULL, '张大爷', NULL, NULL, NULL, NULL, 'helper', false)$$),
	'22023 Without the visitor''s consent no name or identity number is recorded | ',
	'without consent no name is stored');
SELECT is(pg_temp.error_of($$SELECT * FROM api.green_start(gen_random_uuid(), gen_random_uuid(), NULL, NULL,
	'80+', ARRAY['vision'], NULL, NULL, NULL, '李明', '子女', NULL, 'proxy', true)$$),
	'22023 A proxy needs a relationship and an authorisation material | ',
	'a proxy needs an authorisation material');
SELECT is(pg_temp.error_of($$SELECT * FROM api.green_start(gen_random_uuid(), gen_random_uuid(), NULL, NULL,
	'80+', ARRAY['vision'], NULL, NULL, NULL, NULL, NULL, NULL, 'proxy', true)$$),
	'22023 Typed by the proxy, but no proxy is recorded | ', 'typed by a proxy needs a proxy');
SELECT is(pg_temp.error_of($$SELECT * FROM api.green_start(gen_random_uuid(), gen_random_uuid(), NULL, NULL,
	'80+', ARRAY['vision', 'telepathy'], NULL, NULL, NULL, NULL, NULL, NULL, 'helper', true)$$),
	'22023 Unknown need | telepathy,vision', 'an unknown need');
SELECT is(pg_temp.error_of($$SELECT * FROM api.green_start(gen_random_uuid(), gen_random_uuid(), NULL, NULL,
	'80+', ARRAY['other'], ' ', NULL, NULL, NULL, NULL, NULL, 'helper', true)$$),
	'22023 Describe the other need | ', '"other" needs a description');
SELECT is(pg_temp.error_of($$SELECT * FROM api.green_start(gen_random_uuid(), gen_random_uuid(), NULL, NULL,
	'90+', ARRAY['vision'], NULL, NULL, NULL, NULL, NULL, NULL, 'helper', true)$$),
	'22023 Unknown age band | 90+', 'an unknown age band');
SELECT is(pg_temp.error_of($$SELECT * FROM api.green_start(gen_random_uuid(), gen_random_uuid(), NULL, NULL,
	'80+', ARRAY['vision'], NULL, '张大爷', '"110105194912310021"', NULL, NULL, NULL, 'helper', true)$$),
	'22023 An identity number must be sealed by the client | ', 'an identity number in clear is refused');
RESET SESSION AUTHORIZATION;
SELECT number FROM api.ticket_issue(gen_random_uuid(), 'A', false, NULL) \g /dev/null
SET SESSION AUTHORIZATION green1;
SELECT is(pg_temp.error_of($$SELECT * FROM api.green_start(gen_random_uuid(), gen_random_uuid(), 'A001', NULL,
	'80+', ARRAY['vision'], NULL, NULL, NULL, NULL, NULL, NULL, 'helper', true)$$),
	'22023 Only a green-channel ticket starts an assisted session | A001', 'an ordinary ticket does not');

-- ------------------------------------------------------------------ a session with a proxy
SELECT results_eq($$SELECT session_no > 0, ticket FROM api.green_start((SELECT v::uuid FROM fx WHERE k = 'op1'),
	(SELECT v::uuid FROM fx WHERE k = 's1'), 'g001', NULL, '80+', ARRAY['mobility', 'Vision', 'digital'],
	NULL, '张大爷', (SELECT v::jsonb FROM fx WHERE k = 'sealed'), '张明', '子女', '授权委托书', 'proxy', true)$$,
	$$VALUES (true, 'G001'::text)$$, 'the helper starts a session from G001 with the son as proxy');
SELECT results_eq($$SELECT session_no > 0, ticket FROM api.green_start((SELECT v::uuid FROM fx WHERE k = 'op1'),
	(SELECT v::uuid FROM fx WHERE k = 's1'), 'g001', NULL, '80+', ARRAY['mobility', 'Vision', 'digital'],
	NULL, '张大爷', (SELECT v::jsonb FROM fx WHERE k = 'sealed'), '张明', '子女', '授权委托书', 'proxy', true)$$,
	$$VALUES (true, 'G001'::text)$$, 'the same operation again changes nothing');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::int FROM core.green_session WHERE id = (SELECT v::uuid FROM fx WHERE k = 's1')), 1,
	'one session');
SELECT results_eq($$SELECT window_no, age_band, needs, visitor_name, visitor_id ->> 'mask', proxy_name,
		   proxy_relation, proxy_authorisation, typed_by, consent, helper
		   FROM core.green_session WHERE id = (SELECT v::uuid FROM fx WHERE k = 's1')$$,
	$$VALUES (9, '80+'::text, ARRAY['digital', 'mobility', 'vision'], '张大爷'::text, '110105********002X'::text,
		  '张明'::text, '子女'::text, '授权委托书'::text, 'proxy'::text, true, 'green1'::text)$$,
	'the session records window, age band, needs, the masked number, the proxy, who typed, consent');
SELECT ok(EXISTS (SELECT 1 FROM core.audit a JOIN core.green_session g ON a.object = 'green:' || g.session_no
		  WHERE g.id = (SELECT v::uuid FROM fx WHERE k = 's1') AND a.action = 'green_start'
		    AND a.detail ->> 'consent' = 'true' AND NOT a.detail ? 'name'),
	'green_start is audited, without the visitor''s name');
SET SESSION AUTHORIZATION green1;
SELECT is(pg_temp.error_of($$SELECT * FROM api.green_start(gen_random_uuid(), gen_random_uuid(), 'G001', NULL,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'helper', true)$$),
	'23505 An assisted session already exists for this ticket | G001', 'one session per ticket');

-- ------------------------------------------------------------------ ending it
CREATE TEMP TABLE sess AS SELECT session_no FROM api.green_sessions(true, NULL, NULL);
GRANT SELECT ON sess TO PUBLIC;
SELECT is((SELECT count(*)::int FROM sess), 1, 'the helper''s open sessions list it');
SELECT is(pg_temp.error_of($$SELECT * FROM api.green_end(gen_random_uuid(), (SELECT session_no FROM sess),
	'home_visit', NULL, '  ', NULL, '2026-03-05')$$),
	'22023 Record what was done: a case number or a note | ', 'what was done is required');
SELECT is(pg_temp.error_of($$SELECT * FROM api.green_end(gen_random_uuid(), (SELECT session_no FROM sess),
	'home_visit', NULL, '上门核验', NULL, NULL)$$),
	'22023 A home visit needs a date from today on | ', 'a home visit needs a date');
SELECT is(pg_temp.error_of($$SELECT * FROM api.green_end(gen_random_uuid(), (SELECT session_no FROM sess),
	'home_visit', NULL, '上门核验', NULL, '2026-03-01')$$),
	'22023 A home visit needs a date from today on | 2026-03-01', 'not a date in the past');
SELECT is(pg_temp.error_of($$SELECT * FROM api.green_end(gen_random_uuid(), (SELECT session_no FROM sess),
	'done', NULL, '已办结', NULL, '2026-03-05')$$),
	'22023 A visit date goes with the outcome home_visit | 2026-03-05', 'a visit date only with a home visit');
SELECT is(pg_temp.error_of($$SELECT * FROM api.green_end(gen_random_uuid(), (SELECT session_no FROM sess),
	'done', ARRAY['not-a-case'], NULL, NULL, NULL)$$),
	'22023 Invalid case number | not-a-case', 'a case number is checked');
SELECT is(pg_temp.error_of($$SELECT * FROM api.green_end(gen_random_uuid(), (SELECT session_no FROM sess),
	'finished', NULL, 'x', NULL, NULL)$$),
	'22023 The outcome must be done, referred or home_visit | finished', 'an unknown outcome');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION cd_test_helper2;
SELECT is(pg_temp.error_of($$SELECT * FROM api.green_end(gen_random_uuid(), (SELECT session_no FROM sess),
	'done', NULL, 'x', NULL, NULL)$$),
	'42501 Only the helper who started the session can end it | green1', 'another helper cannot end it');
SELECT is((SELECT count(*)::int FROM api.green_sessions(false, NULL, NULL)), 0,
	'another helper does not see it');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION green1;
SELECT results_eq($$SELECT session_no = (SELECT session_no FROM sess), followup_id IS NOT NULL
		   FROM api.green_end(gen_random_uuid(), (SELECT session_no FROM sess), 'home_visit', NULL,
			'老人行动不便，子女代办部分材料；需上门采集签名', NULL, '2026-03-05')$$,
	$$VALUES (true, true)$$, 'ending with home_visit opens a follow-up');
SELECT is(pg_temp.error_of($$SELECT * FROM api.green_end(gen_random_uuid(), (SELECT session_no FROM sess),
	'done', NULL, 'x', NULL, NULL)$$),
	'22023 This assisted session has already ended | ' || (SELECT session_no FROM sess), 'a session ends once');
SELECT results_eq($$SELECT visit_date, helper, visitor_name, overdue FROM api.green_followups(true)$$,
	$$VALUES ('2026-03-05'::date, 'green1'::text, '张大爷'::text, false)$$,
	'the follow-up is on the helper''s list');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION super1;
SELECT is((SELECT count(*)::int FROM api.green_followups(true)), 1, '... and on the supervisor''s list');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION cd_test_helper2;
SELECT is((SELECT count(*)::int FROM api.green_followups(true)), 0, '... not on another helper''s list');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ a walk-in without consent, referred
SET SESSION AUTHORIZATION green1;
CREATE TEMP TABLE s2 AS SELECT session_no FROM api.green_start(gen_random_uuid(),
	(SELECT v::uuid FROM fx WHERE k = 's2'), NULL, NULL,
	'70-79', ARRAY['hearing', 'language'], NULL, NULL, NULL, NULL, NULL, NULL, 'helper', false);
SELECT is((SELECT count(*)::int FROM s2), 1, 'a walk-in without consent: no name, only the needs');
SELECT isnt_empty($$SELECT * FROM api.green_end(gen_random_uuid(), (SELECT session_no FROM s2),
	'referred', NULL, '需残联评定，已告知材料', 'cl', NULL)$$, 'referred to 残联');
RESET SESSION AUTHORIZATION;
SELECT results_eq($$SELECT visitor_name, visitor_id, consent, outcome, referred_to FROM core.green_session
		    WHERE id = (SELECT v::uuid FROM fx WHERE k = 's2')$$,
	$$VALUES (NULL::text, NULL::jsonb, false, 'referred'::text, 'CL'::text)$$, 'stored without personal data');
-- Durations: pretend the first session took 30 minutes and the second 10.
UPDATE core.green_session SET started_at = ended_at - interval '30 minutes'
WHERE id = (SELECT v::uuid FROM fx WHERE k = 's1');
UPDATE core.green_session SET started_at = ended_at - interval '10 minutes'
WHERE id = (SELECT v::uuid FROM fx WHERE k = 's2');

-- ------------------------------------------------------------------ the report
SET SESSION AUTHORIZATION super1;
CREATE TEMP TABLE rep AS SELECT api.green_report(
	((SELECT min(started_at) FROM api.green_sessions(false, NULL, NULL)) AT TIME ZONE 'Asia/Shanghai')::date,
	((SELECT max(started_at) FROM api.green_sessions(false, NULL, NULL)) AT TIME ZONE 'Asia/Shanghai')::date) AS r;
RESET SESSION AUTHORIZATION;
SELECT is((SELECT (r ->> 'sessions')::int FROM rep), 2, 'report: two sessions');
SELECT is((SELECT r -> 'duration_minutes' FROM rep), '{"p90": 28.0, "median": 20.0}'::jsonb,
	'report: duration median 20 minutes, 90th percentile 28');
SELECT is((SELECT r -> 'needs' FROM rep),
	'{"vision": 1, "hearing": 1, "mobility": 1, "cognitive": 0, "language": 1, "digital": 1, "other": 0}'::jsonb,
	'report: needs');
SELECT is((SELECT r -> 'outcomes' FROM rep), '{"done": 0, "referred": 1, "home_visit": 1, "open": 0}'::jsonb,
	'report: outcomes');
SELECT is((SELECT (r ->> 'with_proxy')::int FROM rep), 1, 'report: one with a proxy');
SELECT is((SELECT r -> 'followups' FROM rep), '{"open": 1, "overdue": 0}'::jsonb, 'report: one follow-up open');
SELECT is(pg_temp.error_of($$SELECT api.green_report('2026-01-01', '2027-06-01')$$),
	'22023 A report covers 1 to 366 days | 2026-01-01..2027-06-01', 'a report covers at most 366 days');

-- Overdue after the visit date.
CREATE OR REPLACE FUNCTION core.today() RETURNS date
	LANGUAGE sql STABLE SET search_path = pg_catalog, core, pg_temp
AS $$ SELECT date '2026-03-06' $$;
SET SESSION AUTHORIZATION super1;
SELECT is((SELECT overdue FROM api.green_followups(true)), true, 'past the visit date it is overdue');
SELECT is((SELECT api.green_report(NULL, NULL) -> 'followups'), '{"open": 1, "overdue": 1}'::jsonb,
	'the report counts it overdue');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ closing the follow-up
CREATE TEMP TABLE fu AS SELECT id FROM core.green_followup;
GRANT SELECT ON fu TO PUBLIC;
SET SESSION AUTHORIZATION cd_test_helper2;
SELECT is(pg_temp.error_of($$SELECT api.green_close_followup(gen_random_uuid(), (SELECT id FROM fu), 'x')$$),
	'42501 Only the helper of the session or a supervisor can close this follow-up | green1',
	'another helper cannot close it');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION clerk1;
SELECT throws_ok($$SELECT api.green_close_followup(gen_random_uuid(), 1, 'x')$$, '42501', NULL,
	'a clerk cannot close a home visit');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION green1;
SELECT is(pg_temp.error_of($$SELECT api.green_close_followup(gen_random_uuid(), (SELECT id FROM fu), ' ')$$),
	'22023 A note on what was done is required | ', 'closing needs a note');
SELECT lives_ok($$SELECT api.green_close_followup(gen_random_uuid(), (SELECT id FROM fu), '已上门采集签名，材料齐全')$$,
	'the helper closes the home visit');
SELECT is((SELECT count(*)::int FROM api.green_followups(true)), 0, 'it leaves the open list');
SELECT is(pg_temp.error_of($$SELECT api.green_close_followup(gen_random_uuid(), (SELECT id FROM fu), 'again')$$),
	'22023 This follow-up is already closed | ' || (SELECT id FROM fu), 'a follow-up closes once');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ only helpers log sessions
SET SESSION AUTHORIZATION clerk1;
SELECT throws_ok($$SELECT * FROM api.green_start(gen_random_uuid(), gen_random_uuid(), NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL, NULL, NULL, 'helper', false)$$, '42501', NULL, 'a clerk cannot log a session');
SELECT throws_ok($$SELECT * FROM core.green_session$$, '42501', NULL, 'a clerk cannot read the sessions');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION super1;
SELECT throws_ok($$SELECT * FROM api.green_start(gen_random_uuid(), gen_random_uuid(), NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL, NULL, NULL, 'helper', false)$$, '42501', NULL, 'a supervisor cannot log a session');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION kiosk1;
SELECT throws_ok($$SELECT * FROM api.green_end(gen_random_uuid(), 1, 'done', NULL, 'x', NULL, NULL)$$,
	'42501', NULL, 'the kiosk cannot end a session');
RESET SESSION AUTHORIZATION;
-- Defence in depth: with EXECUTE granted by mistake, the function refuses.
GRANT EXECUTE ON FUNCTION api.green_start(uuid, uuid, text, int, text, text[], text, text, jsonb,
					  text, text, text, text, boolean) TO cd_clerk;
SET SESSION AUTHORIZATION clerk1;
SELECT throws_ok($$SELECT * FROM api.green_start(gen_random_uuid(), gen_random_uuid(), NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL, NULL, NULL, 'helper', false)$$, '42501',
	'You do not have the rights for this operation', 'api.green_start refuses a clerk by itself too');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
