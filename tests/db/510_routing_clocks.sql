-- Working-time clocks of the back office (sql/050_routing.sql): adding and
-- counting working minutes across nights, weekends, public holidays and the
-- make-up working days (调休), the two clocks of a task with their yellow
-- marks, the lights at chosen times, and the working hours as settings.
-- The 2026 calendar is loaded inside this transaction (as in
-- tests/db/130_cases.sql); the centre's zone is Asia/Shanghai, so every
-- time below is written with +08. Everything is rolled back.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(37);

SELECT api.calendar_load(gen_random_uuid(), 2026, d) FROM (SELECT jsonb_agg(jsonb_build_object(
		'date', to_char(g.d, 'YYYY-MM-DD'), 'working', (r ->> 2)::boolean, 'name', 'x') ORDER BY g.d) AS d
	FROM jsonb_array_elements('[["2026-01-01","2026-01-03",false],["2026-01-04","2026-01-04",true],
		["2026-02-14","2026-02-14",true],["2026-02-15","2026-02-23",false],["2026-02-28","2026-02-28",true],
		["2026-04-04","2026-04-06",false],["2026-05-01","2026-05-05",false],["2026-05-09","2026-05-09",true],
		["2026-06-19","2026-06-21",false],["2026-09-20","2026-09-20",true],["2026-09-25","2026-09-27",false],
		["2026-10-01","2026-10-07",false],["2026-10-10","2026-10-10",true]]'::jsonb) r
	CROSS JOIN LATERAL generate_series((r ->> 0)::date, (r ->> 1)::date, interval '1 day') AS g(d)) s \g /dev/null
DELETE FROM core.setting WHERE key IN ('work_start', 'work_end', 'sign_for_hours', 'time_zone');
-- The year after is not loaded here, whatever config/holidays holds.
DELETE FROM core.calendar_day WHERE year = 2027;
DELETE FROM core.calendar_year WHERE year = 2027;

CREATE FUNCTION pg_temp.add(p_from text, p_minutes int) RETURNS text LANGUAGE sql AS $$
	SELECT to_char(core.add_working_minutes(p_from::timestamptz, p_minutes) AT TIME ZONE 'Asia/Shanghai',
		       'YYYY-MM-DD Dy HH24:MI') $$;
\ir lib/error_of.sql

-- ------------------------------------------------------------------ adding working time
SELECT is(pg_temp.add('2026-03-02 10:00+08', 120), '2026-03-02 Mon 12:00', 'inside one working day');
SELECT is(pg_temp.add('2026-03-02 16:00+08', 60), '2026-03-02 Mon 17:00',
	'a deadline at the end of the day is 17:00, not the next morning');
SELECT is(pg_temp.add('2026-03-02 16:00+08', 120), '2026-03-03 Tue 10:00', 'the night does not count');
SELECT is(pg_temp.add('2026-03-02 07:30+08', 60), '2026-03-02 Mon 10:00', 'before work, counting starts at 09:00');
SELECT is(pg_temp.add('2026-03-02 18:00+08', 60), '2026-03-03 Tue 10:00', 'after work, counting starts the next morning');
SELECT is(pg_temp.add('2026-03-06 16:00+08', 120), '2026-03-09 Mon 10:00',
	'sign-for started Friday 16:00 with 2 hours: due Monday 10:00');
SELECT is(pg_temp.add('2026-03-07 11:00+08', 30), '2026-03-09 Mon 09:30', 'started on a Saturday: from Monday 09:00');
SELECT is(pg_temp.add('2026-09-30 16:00+08', 120), '2026-10-08 Thu 10:00',
	'国庆: Wednesday 09-30 16:00 plus 2 hours is Thursday 10-08 10:00 (10-01..10-07 off)');
SELECT is(pg_temp.add('2026-10-09 16:00+08', 180), '2026-10-10 Sat 11:00',
	'调休: Saturday 10-10 is a working day');
SELECT is(pg_temp.add('2026-09-18 16:00+08', 120), '2026-09-20 Sun 10:00',
	'调休: Sunday 09-20 is a working day, Saturday 09-19 is not');
SELECT is(pg_temp.add('2026-09-24 10:00+08', 5 * 480), '2026-10-09 Fri 10:00',
	'5 working days from Thursday 09-24: 中秋 (09-25..27) and 国庆 (10-01..07) skipped');
SELECT is(pg_temp.add('2026-02-13 16:00+08', 120), '2026-02-14 Sat 10:00', '春节调休: Saturday 02-14 works');
SELECT is(pg_temp.add('2026-02-14 16:00+08', 120), '2026-02-24 Tue 10:00', '... and then 春节 02-15..02-23 is off');
SELECT is(pg_temp.add('2026-03-02 10:00+08', 0), '2026-03-02 Mon 10:00', 'zero minutes inside working time: the same instant');
SELECT is(pg_temp.error_of($$SELECT core.add_working_minutes('2099-03-03 10:00+08', 60)$$),
	'22023 No working-day calendar for that year', 'a year without a calendar is an error, never a guess');
SELECT is(pg_temp.error_of($$SELECT core.add_working_minutes('2026-12-31 16:00+08', 120)$$),
	'22023 No working-day calendar for that year', 'counting into a year without a calendar is an error too');

-- ------------------------------------------------------------------ counting working time
SELECT is(core.working_minutes('2026-09-30 16:00+08', '2026-10-08 10:00+08'), 120,
	'working minutes across 国庆: one hour before, one after');
SELECT is(core.working_minutes('2026-03-06 16:00+08', '2026-03-09 10:00+08'), 120, 'across a weekend');
SELECT is(core.working_minutes('2026-03-02 12:00+08', '2026-03-02 11:00+08'), 0, 'nothing when the end comes first');
SELECT is(core.working_minutes('2026-03-02 20:00+08', '2026-03-03 08:00+08'), 0, 'a night is no working time');
SELECT is(core.working_minutes('2026-03-02 09:00+08', '2026-03-13 17:00+08'), 10 * 480, 'two working weeks');
SELECT is(core.working_minutes('2026-03-02 10:00+08', core.add_working_minutes('2026-03-02 10:00+08', 2400)), 2400,
	'counting undoes adding');

-- ------------------------------------------------------------------ the clocks of a task
SELECT is((SELECT to_char(sign_due_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI') || ' '
		  || to_char(sign_yellow_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI') || ' '
		  || to_char(due_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI') || ' '
		  || to_char(yellow_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI')
	   FROM core.task_clocks('2026-03-06 16:00+08', 2)),
	'03-09 10:00 03-09 09:36 03-10 16:00 03-10 12:48',
	'a 2-day step started Friday 16:00: sign-for Monday 10:00 (yellow 09:36), done by Tuesday 16:00 (yellow 12:48, 80 %)');
SELECT is((SELECT to_char(due_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI') FROM core.task_clocks('2026-09-30 10:00+08', 2)),
	'10-09 10:00', 'a 2-day step started 09-30 10:00 is due 10-09 10:00, after 国庆');
SELECT is((SELECT to_char(due_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI') FROM core.task_clocks('2026-03-02 10:00+08', 0)),
	'03-02 17:00', 'a step of 0 days is due by the end of the working day');
INSERT INTO core.setting (key, value) VALUES ('sign_for_hours', '4');
SELECT is((SELECT to_char(sign_due_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI') FROM core.task_clocks('2026-03-06 16:00+08', 1)),
	'03-09 12:00', 'sign_for_hours is a setting');
INSERT INTO core.setting (key, value) VALUES ('work_start', '08:30'), ('work_end', '17:30');
SELECT is(pg_temp.add('2026-03-06 17:00+08', 60), '2026-03-09 Mon 09:00', 'the working hours are settings (08:30-17:30)');
SELECT is((SELECT to_char(due_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI') FROM core.task_clocks('2026-03-02 08:30+08', 1)),
	'03-02 17:30', 'a working day is as long as the working hours');
UPDATE core.setting SET value = '18:00' WHERE key = 'work_start';
SELECT is(pg_temp.add('2026-03-02 16:00+08', 120), '2026-03-03 Tue 10:00', 'nonsensical hours fall back to 09:00-17:00');
DELETE FROM core.setting WHERE key IN ('work_start', 'work_end', 'sign_for_hours');

-- ------------------------------------------------------------------ lights at chosen times
SELECT is(core.task_light('open', '2026-03-10 16:00+08', '2026-03-10 12:48+08', '2026-03-10 12:47+08'), 'green',
	'green before the 80 % mark');
SELECT is(core.task_light('claimed', '2026-03-10 16:00+08', '2026-03-10 12:48+08', '2026-03-10 12:48+08'), 'yellow',
	'yellow from the 80 % mark');
SELECT is(core.task_light('claimed', '2026-03-10 16:00+08', '2026-03-10 12:48+08', '2026-03-10 16:00+08'), 'red',
	'red at the deadline');
SELECT is(core.task_light('returned', '2026-03-10 16:00+08', '2026-03-10 12:48+08', '2026-03-11 16:00+08'), 'paused',
	'a returned task is paused, never red');
SELECT is(core.task_light('approved', '2026-03-10 16:00+08', '2026-03-10 12:48+08', '2026-03-11 16:00+08'), 'done',
	'a finished task is done');
SELECT is(core.task_sign_light('open', NULL, '2026-03-09 10:00+08', '2026-03-09 09:36+08', '2026-03-09 09:40+08'), 'yellow',
	'the sign-for light turns yellow at 80 % of its 2 hours');
SELECT is(core.task_sign_light('open', '2026-03-09 09:50+08', '2026-03-09 10:00+08', '2026-03-09 09:36+08',
			       '2026-03-09 11:00+08'), 'done', 'once signed for, the sign-for clock is done');
SELECT is(core.task_sign_light('open', NULL, '2026-03-09 10:00+08', '2026-03-09 09:36+08', '2026-03-09 10:00+08'), 'red',
	'not signed for by the sign-for deadline: red');

SELECT * FROM finish();
ROLLBACK;
