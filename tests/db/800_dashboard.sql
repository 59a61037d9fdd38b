-- The supervisor's dashboard (sql/080): its figures against the raw rows,
-- the history rolled up per day, the forecast's queueing model, temporary
-- windows, escalation, the report's rights, and refusals to other roles.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(39);

\ir lib/error_of.sql

-- A clean hall: nobody waiting, no window busy, the hall.ini of the repository.
SELECT api.window_noshow(gen_random_uuid(), window_no) FROM core.hall_window WHERE current_ticket IS NOT NULL \g /dev/null
DELETE FROM core.ticket_ready;
UPDATE core.hall_window SET paused = false, paused_at = NULL;
DELETE FROM core.hall_day WHERE day = core.today();

-- ------------------------------------------------------------------ history
-- Eight past weeks of the same weekday, plus other days, straight into the
-- tables (as tests/bench/gen_year.sql does at scale).
CREATE TEMP TABLE hist AS
SELECT (core.today() - 7 * w) AS day, h AS hour, c AS category, (w + h + ascii(c)) % 5 + 1 AS n
FROM generate_series(1, 8) w, generate_series(9, 16) h, unnest(ARRAY['A', 'B']) c;
INSERT INTO core.ticket (op_id, day, prefix, seq, number, category, green, status, issued_at, arrived_at,
			 first_called_at, called_at, window_no, finished_at, wait_seconds, service_seconds)
SELECT gen_random_uuid(), x.day, x.category, s.seq, core.ticket_number(x.category, s.seq), x.category, false, 'done',
       t, t, t + interval '5 minutes', t + interval '5 minutes', 1, t + interval '15 minutes', 300, 600
FROM (SELECT h.*, row_number() OVER (PARTITION BY h.day, h.category ORDER BY h.hour) AS k FROM hist h) x,
     generate_series(1, x.n) i,
     LATERAL (SELECT ((x.day::timestamp + make_interval(hours => x.hour, mins => i)) AT TIME ZONE core.hall_tz()) AS t) tt,
     LATERAL (SELECT (x.k * 10 + i)::int AS seq) s;
INSERT INTO core.hall_day (day) SELECT DISTINCT day FROM hist ORDER BY 1;

SELECT is((SELECT count(*)::int FROM core.dash_day WHERE day IN (SELECT day FROM hist)), 7,
	'opening a day rolls up the days before it (the trigger on core.hall_day)');
SELECT is(core.dash_rollup_before(core.today()), 1, 'the last day is rolled up by the next one');
SELECT results_eq($$SELECT day, category, hour::int, arrivals FROM core.dash_hourly
		   WHERE day IN (SELECT day FROM hist) ORDER BY 1, 2, 3$$,
	$$SELECT t.day, t.category, extract(hour FROM t.issued_at AT TIME ZONE core.hall_tz())::int, count(*)::int
	  FROM core.ticket t WHERE t.day IN (SELECT day FROM hist) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3$$,
	'the rolled-up arrivals per day, category and hour are the raw tickets counted');

-- ------------------------------------------------------------------ today
SET SESSION AUTHORIZATION kiosk1;
SELECT number FROM api.ticket_issue(gen_random_uuid(), 'A', false, NULL) \g /dev/null
SELECT number FROM api.ticket_issue(gen_random_uuid(), 'A', false, NULL) \g /dev/null
SELECT number FROM api.ticket_issue(gen_random_uuid(), 'A', true, NULL) \g /dev/null
SELECT number FROM api.ticket_issue(gen_random_uuid(), 'B', false, NULL) \g /dev/null
SELECT number FROM api.ticket_issue(gen_random_uuid(), 'C', false, NULL) \g /dev/null
RESET SESSION AUTHORIZATION;
-- Let the tickets have waited a little.
UPDATE core.ticket SET issued_at = issued_at - interval '12 minutes', arrived_at = arrived_at - interval '12 minutes'
WHERE day = core.today() AND category IN ('A', 'C');
UPDATE core.ticket_ready SET arrived_at = arrived_at - interval '12 minutes' WHERE category IN ('A', 'C');
SET SESSION AUTHORIZATION clerk1;
SELECT number FROM api.window_call(gen_random_uuid(), 1) \g /dev/null
SELECT number FROM api.window_finish(gen_random_uuid(), 1, NULL) \g /dev/null
SELECT number FROM api.window_call(gen_random_uuid(), 1) \g /dev/null
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION clerk2;
SELECT * FROM api.window_pause(gen_random_uuid(), 2, true) \g /dev/null
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION super1;
CREATE TEMP TABLE d AS SELECT api.dashboard(20) AS j;
RESET SESSION AUTHORIZATION;

SELECT results_eq($$SELECT c ->> 'code', (c ->> 'waiting')::int, (c ->> 'issued')::int, (c ->> 'served')::int
		   FROM d, jsonb_array_elements(j -> 'categories') c ORDER BY 1$$,
	$$SELECT k.code, (SELECT count(*)::int FROM core.ticket_ready r WHERE r.category = k.code),
		 (SELECT count(*)::int FROM core.ticket t WHERE t.day = core.today() AND t.category = k.code),
		 (SELECT count(*)::int FROM core.ticket t WHERE t.day = core.today() AND t.category = k.code AND t.status = 'done')
	  FROM core.hall_category k WHERE k.active ORDER BY 1$$,
	'per category: waiting, issued and served today are the raw rows counted');
SELECT is((SELECT (c ->> 'longest_wait')::int BETWEEN 715 AND 735 FROM d, jsonb_array_elements(j -> 'categories') c
	   WHERE c ->> 'code' = 'C'), true, 'the longest wait of C is its one ticket''s twelve minutes');
SELECT is((SELECT (c ->> 'avg_wait')::int FROM d, jsonb_array_elements(j -> 'categories') c WHERE c ->> 'code' = 'A'),
	(SELECT round(avg(wait_seconds))::int FROM core.ticket WHERE day = core.today() AND category = 'A'),
	'the average wait of A today is that of its called tickets');
SELECT results_eq($$SELECT (w ->> 'window')::int, w ->> 'state', w ->> 'number', (w ->> 'served')::int, w ->> 'staff_name'
		   FROM d, jsonb_array_elements(j -> 'windows') w WHERE (w ->> 'window')::int IN (1, 2) ORDER BY 1$$,
	$$VALUES (1, 'serving'::text,
		  (SELECT t.number FROM core.hall_window w JOIN core.ticket t ON t.id = w.current_ticket WHERE w.window_no = 1),
		  1, '王芳'::text),
		 (2, 'paused', NULL, 0, NULL)$$,
	'per window: state, ticket called, served today and who');
SELECT is((SELECT jsonb_array_length(j -> 'windows') FROM d), (SELECT count(*)::int FROM core.hall_window WHERE active),
	'every open window is on the board');
SELECT is((SELECT sum((a ->> 'today')::int)::int FROM d, jsonb_array_elements(j -> 'arrivals') a),
	(SELECT count(*)::int FROM core.ticket WHERE day = core.today()), 'arrivals per hour today add up to today''s tickets');
SELECT results_eq($$SELECT (a ->> 'hour')::int, (a ->> 'usual')::numeric FROM d, jsonb_array_elements(j -> 'arrivals') a
		   WHERE (a ->> 'hour')::int BETWEEN 9 AND 16 ORDER BY 1$$,
	$$SELECT extract(hour FROM t.issued_at AT TIME ZONE core.hall_tz())::int, round(count(*) / 8.0, 1)
	  FROM core.ticket t WHERE t.day IN (SELECT day FROM hist) GROUP BY 1 ORDER BY 1$$,
	'the usual arrivals per hour are the mean of the same weekday over eight weeks, from the raw tickets');
SELECT is((SELECT (j ->> 'history_days')::int FROM d), 8, 'eight weeks of history');
SELECT is((SELECT (j ->> 'service_seconds')::int FROM d), 600, 'the mean service time of those weeks');
SELECT is((SELECT (j ->> 'target_minutes')::int FROM d), 20, 'the target asked for');
SELECT is((SELECT sum((w ->> 'called')::int)::int FROM d, jsonb_array_elements(j -> 'waits') w),
	(SELECT count(*)::int FROM core.ticket WHERE day = core.today() AND wait_seconds IS NOT NULL),
	'the distribution of waiting times counts every ticket called today');
SELECT is((SELECT sum((w ->> 'waiting')::int)::int FROM d, jsonb_array_elements(j -> 'waits') w),
	(SELECT count(*)::int FROM core.ticket_ready), '... and every ticket waiting now');
SELECT is((SELECT (w ->> 'waiting')::int FROM d, jsonb_array_elements(j -> 'waits') w WHERE (w ->> 'upto')::int = 15),
	(SELECT count(*)::int FROM core.ticket_ready WHERE now() - arrived_at >= interval '10 minutes'
							AND now() - arrived_at < interval '15 minutes'),
	'those waiting 10 to 15 minutes are in the 15-minute bar');
SELECT is((SELECT jsonb_array_length(j -> 'forecast') FROM d), least(4, 24 - (SELECT (j ->> 'hour')::int FROM d)),
	'the forecast covers the next hours');
SELECT ok((SELECT bool_and((f ->> 'windows')::int = core.windows_needed((f ->> 'arrivals')::float8, 600, 1200))
	   FROM d, jsonb_array_elements(j -> 'forecast') f), 'each forecast hour suggests the windows of the model');

-- ------------------------------------------------------------------ the model
SELECT is(round(core.erlang_c_wait(720, 10, 3)::numeric, 3), round((4.0 / 9 * 10 / 1)::numeric, 3),
	'M/M/3 with 2 erlangs: P(wait) 4/9, mean wait 4/9 x 10 s / (3 - 2)');
SELECT is(core.erlang_c_wait(720, 10, 2), NULL, 'load equal to the windows: the queue grows without bound');
SELECT is(core.windows_needed(30, 600, 900), 6, '30 visitors an hour of 10 minutes each (5 erlangs), waits within 15 minutes: 6 windows (M/M/6 mean wait 352 s)');
SELECT is(core.windows_needed(0, 600, 900), 0, 'nobody expected: no window');

-- ------------------------------------------------------------------ ratings and green
SELECT is((SELECT j -> 'ratings' -> 'levels' FROM d),
	(SELECT jsonb_agg((SELECT count(*) FROM core.rating r WHERE r.rated_at >= core.today()::timestamp AT TIME ZONE core.hall_tz()
			   AND NOT r.void AND r.level = l) ORDER BY l) FROM generate_series(1, 5) l),
	'today''s ratings by level');
SELECT is((SELECT (j -> 'ratings' ->> 'followups_open')::int FROM d),
	(SELECT count(*)::int FROM core.rating_followup WHERE rectified_at IS NULL AND cancelled_at IS NULL),
	'bad ratings awaiting their follow-up');
SELECT is((SELECT (j -> 'green' ->> 'followups_overdue')::int FROM d),
	(SELECT count(*)::int FROM core.green_followup WHERE closed_at IS NULL AND visit_date < core.today()),
	'home visits overdue');

-- ------------------------------------------------------------------ temporary windows
SET SESSION AUTHORIZATION super1;
SELECT results_eq($$SELECT window_no, categories, was FROM api.temp_window_open(gen_random_uuid(), 4, ARRAY['a', 'C'], '午间B类排队过长')$$,
	$$VALUES (4, ARRAY['A', 'C'], ARRAY['B'])$$, 'window 4 serves A and C for a while');
SELECT results_eq($$SELECT window_no, categories FROM api.temp_window_open(gen_random_uuid(), 12, ARRAY['B'], '临时加开')$$,
	$$VALUES (12, ARRAY['B'])$$, 'window 12, not in hall.ini, opens for B');
SELECT is((SELECT (w ->> 'temporary')::boolean FROM jsonb_array_elements(api.dashboard() -> 'windows') w
	   WHERE (w ->> 'window')::int = 12), true, 'the board shows it as temporary');
SELECT is(pg_temp.error_of($$SELECT api.temp_window_open(gen_random_uuid(), 4, ARRAY['B'], 'again')$$),
	'22023 This window is already open for a while: close it first', 'one temporary change at a time');
SELECT is(pg_temp.error_of($$SELECT api.temp_window_open(gen_random_uuid(), 5, ARRAY['B'], '  ')$$),
	'22023 A reason is required', 'a reason is required');
SELECT results_eq($$SELECT window_no, categories, open FROM api.temp_window_close(gen_random_uuid(), 4, '恢复')$$,
	$$VALUES (4, ARRAY['B'], true)$$, 'closing restores what window 4 served');
SELECT results_eq($$SELECT window_no, open FROM api.temp_window_close(gen_random_uuid(), 12, '高峰已过')$$,
	$$VALUES (12, false)$$, 'closing window 12 closes it again');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::int FROM core.audit WHERE action IN ('window_open_temp', 'window_close_temp')
	   AND at >= now() - interval '1 minute'), 4, 'each change is audited');

-- ------------------------------------------------------------------ escalation
INSERT INTO core.applicant (id, kind, name, uscc) VALUES ('00000000-0000-0000-0000-0000000000e1', 'enterprise', '测试企业', 'EE0000000000000001');
INSERT INTO core.case (id, op_id, case_no, centre_code, item_code, item_version, applicant_id, applicant_name, outcome,
		       status, accepted_on, promised_date)
SELECT gen_random_uuid(), gen_random_uuid(), '330702-20260101-9999', '330702001', s.code, s.version,
       '00000000-0000-0000-0000-0000000000e1', '测试企业', 'accepted', 'accepted', core.today(), core.today() + 10
FROM core.service_item s ORDER BY s.code LIMIT 1;
SET SESSION AUTHORIZATION super1;
SELECT results_eq($$SELECT case_no, escalations FROM api.case_escalate(gen_random_uuid(), ' 330702-20260101-9999 ', '超期未办，督办')$$,
	$$VALUES ('330702-20260101-9999'::text, 1)$$, 'a supervisor escalates a case with a reason');
SELECT is(pg_temp.error_of($$SELECT api.case_escalate(gen_random_uuid(), '330702-20260101-0000', '督办')$$),
	'P0002 No such case', 'an unknown case is refused');
SELECT is((api.dashboard() -> 'escalations' ->> 'today')::int, 1, 'the board counts today''s escalations');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ refusals
SET SESSION AUTHORIZATION clerk1;
SELECT is(pg_temp.error_of($$SELECT api.dashboard()$$), '42501 permission denied for function dashboard',
	'a clerk cannot read the dashboard');
SELECT is(pg_temp.error_of($$SELECT api.temp_window_open(gen_random_uuid(), 4, ARRAY['A'], 'x')$$),
	'42501 permission denied for function temp_window_open', 'a clerk cannot open a temporary window');
RESET SESSION AUTHORIZATION;
GRANT EXECUTE ON FUNCTION api.dashboard(int), api.report(date, date), api.case_escalate(uuid, text, text) TO cd_reviewer;
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT is(pg_temp.error_of($$SELECT api.dashboard()$$) || ' / ' || pg_temp.error_of($$SELECT api.report(NULL, NULL)$$)
	  || ' / ' || pg_temp.error_of($$SELECT api.case_escalate(gen_random_uuid(), 'x', 'y')$$),
	'42501 You do not have the rights for this operation / 42501 You do not have the rights for this operation / 42501 You do not have the rights for this operation',
	'with EXECUTE granted by mistake, the functions still refuse a reviewer');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
