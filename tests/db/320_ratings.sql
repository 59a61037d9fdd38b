-- Ratings (sql/032_ratings.sql): the kiosk rates the service last finished
-- at a window, once; a bad rating goes through its whole follow-up (call
-- back within 1 working day, rectify within 15, the one follow-up rating);
-- appeals; deadlines counted on the working-day calendar (the Spring
-- Festival of 2026) or, with no calendar loaded, Monday to Friday; and the
-- rights: only the kiosk rates, only supervisors work the follow-ups.
-- "Today" is Thursday 2026-02-12 (core.today() replaced in this
-- transaction); everything is rolled back.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(56);

\ir lib/error_of_detail.sql
-- One visitor served at window 1 by whoever the session is: issue, call, finish.
CREATE FUNCTION pg_temp.serve() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	n text;
BEGIN
	PERFORM api.ticket_issue(gen_random_uuid(), 'A', false, NULL);
	SELECT number INTO n FROM api.window_call(gen_random_uuid(), 1);
	PERFORM api.window_finish(gen_random_uuid(), 1, NULL);
	RETURN n;
END
$$;
CREATE FUNCTION pg_temp.rate(p_level int, p_reason text) RETURNS bigint LANGUAGE sql AS $$
	SELECT rating_id FROM api.rating_add(gen_random_uuid(), 1, p_level, p_reason)
$$;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pg_temp TO PUBLIC;

CREATE OR REPLACE FUNCTION core.today() RETURNS date
	LANGUAGE sql STABLE SET search_path = pg_catalog, core, pg_temp
AS $$ SELECT date '2026-02-12' $$;
-- The 2026 calendar (元旦, 春节 with its make-up Saturdays, ...).
SELECT api.calendar_load(gen_random_uuid(), 2026, d) FROM (SELECT jsonb_agg(jsonb_build_object(
		'date', to_char(g.d, 'YYYY-MM-DD'), 'working', (r ->> 2)::boolean, 'name', 'x') ORDER BY g.d) AS d
	FROM jsonb_array_elements('[["2026-01-01","2026-01-03",false],["2026-01-04","2026-01-04",true],
		["2026-02-14","2026-02-14",true],["2026-02-15","2026-02-23",false],["2026-02-28","2026-02-28",true],
		["2026-04-04","2026-04-06",false],["2026-05-01","2026-05-05",false],["2026-05-09","2026-05-09",true],
		["2026-06-19","2026-06-21",false],["2026-09-20","2026-09-20",true],["2026-09-25","2026-09-27",false],
		["2026-10-01","2026-10-07",false],["2026-10-10","2026-10-10",true]]'::jsonb) r
	CROSS JOIN LATERAL generate_series((r ->> 0)::date, (r ->> 1)::date, interval '1 day') AS g(d)) s \g /dev/null

DELETE FROM core.ticket_ready;
UPDATE core.hall_window SET current_ticket = NULL, paused = false, paused_at = NULL, priority_streak = 0;
SELECT api.hall_load(gen_random_uuid(), '{
  "rules": {"priority_cap": 3, "ordinary_wait_minutes": 20, "recall_limit": 2, "closing_time": "17:00",
            "at_closing": "close", "close_reason": "闭厅", "green_category": "G"},
  "ratings": {"callback_working_days": 1, "rectify_working_days": 15},
  "categories": [{"code": "A", "name": "综合受理"}, {"code": "G", "name": "绿色通道"}],
  "windows": [{"window": 1, "categories": ["A"]}, {"window": 2, "categories": ["A"]},
              {"window": 9, "categories": ["G"]}]}') \g /dev/null

CREATE TEMP TABLE r (k text PRIMARY KEY, id bigint);
CREATE TEMP TABLE op (id uuid);
INSERT INTO op VALUES (gen_random_uuid());
GRANT ALL ON r, op TO PUBLIC;

-- ------------------------------------------------------------------ rating a service
SET SESSION AUTHORIZATION clerk1;
SELECT is(pg_temp.serve(), 'A001', 'clerk1 serves A001 at window 1');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION kiosk1;
SELECT results_eq($$SELECT window_no, number, category_name, served_by, served_by_name FROM api.rating_pending(1)$$,
	$$VALUES (1, 'A001'::text, '综合受理'::text, 'clerk1'::text, '王芳'::text)$$,
	'the pad of window 1 shows the service just finished');
SELECT is(pg_temp.error_of($$SELECT pg_temp.rate(4, '  ')$$),
	'22023 A reason is required for a bad rating | ', '不满意 needs a reason');
SELECT is(pg_temp.error_of($$SELECT pg_temp.rate(6, NULL)$$),
	'22023 A rating is a level from 1 to 5 | 6', 'levels are 1 to 5');
SELECT is(pg_temp.error_of($$SELECT * FROM api.rating_add(gen_random_uuid(), 2, 1, NULL)$$),
	'P0002 No finished service at this window is waiting for a rating | 2', 'nothing to rate at window 2');
SELECT results_eq($$SELECT number, level, followup, callback_due, rectify_due, due_basis
		    FROM api.rating_add((SELECT id FROM op), 1, 5, '等了很久，态度冷淡')$$,
	$$VALUES ('A001'::text, 5, true, '2026-02-14 00:00+08'::timestamptz, '2026-03-12 00:00+08'::timestamptz,
		  'calendar'::text)$$,
	'非常不满意 opens a follow-up: call back by the end of Fri 2026-02-13, rectify by the end of 2026-03-11 (15 working days around the Spring Festival)');
INSERT INTO r SELECT 'bad', rating_id FROM api.rating_add((SELECT id FROM op), 1, 5, '等了很久，态度冷淡');
SELECT is((SELECT count(*)::int FROM r), 1, 'the same operation again answers the same rating');
SELECT is(pg_temp.error_of($$SELECT pg_temp.rate(1, NULL)$$),
	'P0002 No finished service at this window is waiting for a rating | 1', 'one rating per service');
SELECT is_empty($$SELECT * FROM api.rating_pending(1)$$, 'the pad has nothing more to rate');
RESET SESSION AUTHORIZATION;
SELECT results_eq($$SELECT served_by, level::int, reason, rated_by FROM core.rating WHERE id = (SELECT id FROM r WHERE k = 'bad')$$,
	$$VALUES ('clerk1'::text, 5, '等了很久，态度冷淡'::text, 'kiosk1'::text)$$,
	'the rating names the clerk who served and the kiosk that rated');

-- ------------------------------------------------------------------ only the kiosk rates
SET SESSION AUTHORIZATION clerk1;
SELECT pg_temp.serve() \g /dev/null
SELECT throws_ok($$SELECT pg_temp.rate(1, NULL)$$, '42501', NULL, 'a clerk cannot rate (own work or any)');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION super1;
SELECT throws_ok($$SELECT pg_temp.rate(1, NULL)$$, '42501', NULL, 'a supervisor cannot rate');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION green1;
SELECT throws_ok($$SELECT pg_temp.rate(1, NULL)$$, '42501', NULL, 'a helper cannot rate');
RESET SESSION AUTHORIZATION;
GRANT EXECUTE ON FUNCTION api.rating_add(uuid, int, int, text) TO cd_clerk;
SET SESSION AUTHORIZATION clerk1;
SELECT throws_ok($$SELECT pg_temp.rate(1, NULL)$$, '42501', 'You do not have the rights for this operation',
	'with EXECUTE granted by mistake, api.rating_add still refuses a clerk');
RESET SESSION AUTHORIZATION;
REVOKE EXECUTE ON FUNCTION api.rating_add(uuid, int, int, text) FROM cd_clerk;
SET SESSION AUTHORIZATION kiosk1;
SELECT results_eq($$SELECT level, followup, callback_due FROM api.rating_add(gen_random_uuid(), 1, 1, NULL)$$,
	$$VALUES (1, false, NULL::timestamptz)$$, '非常满意: no follow-up');
RESET SESSION AUTHORIZATION;
INSERT INTO r SELECT 'good', max(id) FROM core.rating;

-- ------------------------------------------------------------------ the supervisor's list
SET SESSION AUTHORIZATION super1;
SELECT results_eq($$SELECT rating_id, number, level, state, served_by, served_by_name, reason, due_basis, appeal,
		   overdue = (now() > callback_due) FROM api.rating_followups(true)$$,
	$$SELECT (SELECT id FROM r WHERE k = 'bad'), 'A001'::text, 5, 'callback'::text, 'clerk1'::text, '王芳'::text,
		 '等了很久，态度冷淡'::text, 'calendar'::text, NULL::text, true$$,
	'the open follow-up is on the supervisor''s list, waiting for the call back');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION clerk1;
SELECT throws_ok($$SELECT * FROM api.rating_followups(true)$$, '42501', NULL, 'a clerk cannot read the list');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ only supervisors close follow-ups
SET SESSION AUTHORIZATION clerk1;
SELECT throws_ok($$SELECT api.rating_callback(gen_random_uuid(), (SELECT id FROM r WHERE k = 'bad'), '已回访')$$,
	'42501', NULL, 'a clerk cannot record the call back');
SELECT throws_ok($$SELECT api.rating_rectify(gen_random_uuid(), (SELECT id FROM r WHERE k = 'bad'), '已整改')$$,
	'42501', NULL, 'a clerk cannot close the follow-up');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION green1;
SELECT throws_ok($$SELECT api.rating_rectify(gen_random_uuid(), (SELECT id FROM r WHERE k = 'bad'), '已整改')$$,
	'42501', NULL, 'a helper cannot close the follow-up');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION kiosk1;
SELECT throws_ok($$SELECT api.rating_callback(gen_random_uuid(), (SELECT id FROM r WHERE k = 'bad'), '已回访')$$,
	'42501', NULL, 'the kiosk cannot record the call back');
SELECT is(pg_temp.error_of($$SELECT api.rating_followup_rate(gen_random_uuid(), (SELECT id FROM r WHERE k = 'bad'), 2, NULL)$$),
	'22023 The visitor has not been called back yet | ' || (SELECT id FROM r WHERE k = 'bad'),
	'no follow-up rating before the call back');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ the whole follow-up
SET SESSION AUTHORIZATION super1;
SELECT is(pg_temp.error_of($$SELECT api.rating_rectify(gen_random_uuid(), (SELECT id FROM r WHERE k = 'bad'), '已整改')$$),
	'22023 Call the visitor back first | ' || (SELECT id FROM r WHERE k = 'bad'), 'rectification comes after the call back');
SELECT is(pg_temp.error_of($$SELECT api.rating_callback(gen_random_uuid(), (SELECT id FROM r WHERE k = 'bad'), ' ')$$),
	'22023 A note on what was done is required | ', 'the call back needs a note');
SELECT lives_ok($$SELECT api.rating_callback(gen_random_uuid(), (SELECT id FROM r WHERE k = 'bad'),
	'已电话回访：高峰期等候过长，已致歉')$$, 'the supervisor records the call back');
SELECT is(pg_temp.error_of($$SELECT api.rating_callback(gen_random_uuid(), (SELECT id FROM r WHERE k = 'bad'), 'again')$$),
	'22023 The visitor was already called back | ' || (SELECT id FROM r WHERE k = 'bad'), 'called back once');
SELECT is((SELECT state FROM api.rating_followups(true)), 'rectify', 'now waiting for rectification');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION kiosk1;
SELECT is(pg_temp.error_of($$SELECT api.rating_followup_rate(gen_random_uuid(), (SELECT id FROM r WHERE k = 'bad'), 5, '')$$),
	'22023 A reason is required for a bad rating | ', 'a bad follow-up rating needs a reason too');
SELECT lives_ok($$SELECT api.rating_followup_rate(gen_random_uuid(), (SELECT id FROM r WHERE k = 'bad'), 2, NULL)$$,
	'the visitor gives the one follow-up rating: 满意');
SELECT is(pg_temp.error_of($$SELECT api.rating_followup_rate(gen_random_uuid(), (SELECT id FROM r WHERE k = 'bad'), 1, NULL)$$),
	'23505 A follow-up rating was already given | ' || (SELECT id FROM r WHERE k = 'bad'), 'only one follow-up rating');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION super1;
SELECT lives_ok($$SELECT api.rating_rectify(gen_random_uuid(), (SELECT id FROM r WHERE k = 'bad'),
	'增开高峰时段窗口，窗口人员服务礼仪培训')$$, 'the supervisor records the rectification');
SELECT is_empty($$SELECT * FROM api.rating_followups(true)$$, 'the follow-up is closed: off the open list');
SELECT results_eq($$SELECT state, followup_level, callback_note, rectify_note FROM api.rating_followups(false)$$,
	$$VALUES ('closed'::text, 2, '已电话回访：高峰期等候过长，已致歉'::text, '增开高峰时段窗口，窗口人员服务礼仪培训'::text)$$,
	'the whole list keeps it, with what was done at each step and the follow-up rating');
SELECT is(pg_temp.error_of($$SELECT api.rating_rectify(gen_random_uuid(), (SELECT id FROM r WHERE k = 'bad'), 'x')$$),
	'22023 This follow-up is already closed | ' || (SELECT id FROM r WHERE k = 'bad'), 'closed once');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT array_agg(action ORDER BY id)::text[] FROM core.audit
	   WHERE object = 'rating:' || (SELECT id FROM r WHERE k = 'bad')),
	ARRAY['rating_callback', 'rating_rectify'], 'call back and rectification are audited');

-- ------------------------------------------------------------------ appeals
SET SESSION AUTHORIZATION clerk1;
SELECT is(pg_temp.error_of($$SELECT api.rating_appeal(gen_random_uuid(), (SELECT id FROM r WHERE k = 'good'), '误评')$$),
	'22023 Only a bad rating can be appealed | ' || (SELECT id FROM r WHERE k = 'good'), 'a good rating is not appealed');
SELECT pg_temp.serve() \g /dev/null
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION kiosk1;
INSERT INTO r VALUES ('appealed', pg_temp.rate(4, '无理由'));
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION clerk1;
SELECT is(pg_temp.error_of($$SELECT api.rating_appeal(gen_random_uuid(), (SELECT id FROM r WHERE k = 'appealed'), ' ')$$),
	'22023 A reason is required for an appeal | ', 'an appeal needs a reason');
SELECT lives_ok($$SELECT api.rating_appeal(gen_random_uuid(), (SELECT id FROM r WHERE k = 'appealed'),
	'监控显示办理全程仅5分钟，评价人并非本窗口办事群众')$$, 'the centre appeals the rating');
SELECT is(pg_temp.error_of($$SELECT api.rating_appeal(gen_random_uuid(), (SELECT id FROM r WHERE k = 'appealed'), 'again')$$),
	'23505 This rating has already been appealed | ' || (SELECT id FROM r WHERE k = 'appealed'), 'one appeal per rating');
SELECT throws_ok($$SELECT api.rating_decide_appeal(gen_random_uuid(), (SELECT id FROM r WHERE k = 'appealed'), true, 'x')$$,
	'42501', NULL, 'a clerk cannot decide an appeal');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION kiosk1;
SELECT throws_ok($$SELECT api.rating_appeal(gen_random_uuid(), (SELECT id FROM r WHERE k = 'appealed'), 'x')$$,
	'42501', NULL, 'the kiosk cannot appeal');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION super1;
SELECT is((SELECT appeal FROM api.rating_followups(true) WHERE rating_id = (SELECT id FROM r WHERE k = 'appealed')),
	'pending', 'the list shows the appeal pending');
SELECT is(pg_temp.error_of($$SELECT api.rating_decide_appeal(gen_random_uuid(), (SELECT id FROM r WHERE k = 'appealed'), true, '')$$),
	'22023 A reason is required for the decision | ', 'a decision needs a reason');
SELECT lives_ok($$SELECT api.rating_decide_appeal(gen_random_uuid(), (SELECT id FROM r WHERE k = 'appealed'), true,
	'核实监控，评价人非办事群众，申诉成立')$$, 'the supervisor accepts the appeal');
SELECT is(pg_temp.error_of($$SELECT api.rating_decide_appeal(gen_random_uuid(), (SELECT id FROM r WHERE k = 'appealed'), false, 'x')$$),
	'22023 This appeal has already been decided | accepted', 'decided once');
SELECT is(pg_temp.error_of($$SELECT api.rating_callback(gen_random_uuid(), (SELECT id FROM r WHERE k = 'appealed'), 'x')$$),
	'22023 This follow-up was cancelled by an accepted appeal | ' || (SELECT id FROM r WHERE k = 'appealed'),
	'its follow-up is cancelled');
SELECT is_empty($$SELECT * FROM api.rating_followups(true) WHERE rating_id = (SELECT id FROM r WHERE k = 'appealed')$$,
	'and off the open list');
SELECT is((SELECT void FROM api.rating_list(NULL, NULL) WHERE rating_id = (SELECT id FROM r WHERE k = 'appealed')), true,
	'the rating no longer counts');
RESET SESSION AUTHORIZATION;
SELECT ok((SELECT decided_by = 'super1' AND appealed_by = 'clerk1' FROM core.rating_appeal
	   WHERE rating_id = (SELECT id FROM r WHERE k = 'appealed')), 'who appealed and who decided are kept');
-- A supervisor never decides their own appeal.
SET SESSION AUTHORIZATION clerk1;
SELECT pg_temp.serve() \g /dev/null
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION kiosk1;
INSERT INTO r VALUES ('own', pg_temp.rate(5, '不满意'));
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION super1;
SELECT lives_ok($$SELECT api.rating_appeal(gen_random_uuid(), (SELECT id FROM r WHERE k = 'own'), '恶意差评')$$,
	'a supervisor may appeal');
SELECT is(pg_temp.error_of($$SELECT api.rating_decide_appeal(gen_random_uuid(), (SELECT id FROM r WHERE k = 'own'), true, '成立')$$),
	'42501 You cannot decide your own appeal | ', '... but not decide their own appeal');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ no calendar: Monday to Friday
DELETE FROM core.calendar_day WHERE year = 2026;
DELETE FROM core.calendar_year WHERE year = 2026;
SET SESSION AUTHORIZATION clerk1;
SELECT pg_temp.serve() \g /dev/null
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION kiosk1;
SELECT results_eq($$SELECT callback_due, rectify_due, due_basis FROM api.rating_add(gen_random_uuid(), 1, 4, '材料退回两次')$$,
	$$VALUES ('2026-02-14 00:00+08'::timestamptz, '2026-03-06 00:00+08'::timestamptz, 'weekdays'::text)$$,
	'without a calendar the rating is still taken; 15 weekdays (to Thu 2026-03-05) and the list says so');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION super1;
SELECT is((SELECT count(*)::int FROM api.rating_list(NULL, NULL)), 5, 'five ratings today');
SELECT is((SELECT count(*)::int FROM api.rating_followups(true)), 2,
	'two follow-ups open (the appealed one is cancelled, the first closed)');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::int FROM core.rating_followup), 4, 'four bad ratings opened four follow-ups');
SELECT ok(NOT EXISTS (SELECT 1 FROM core.rating r JOIN core.rating_followup f ON f.rating_id = r.id WHERE r.level < 4),
	'no good rating has a follow-up');

SELECT * FROM finish();
ROLLBACK;
