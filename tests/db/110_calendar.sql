-- The working-day calendar in SQL (sql/012_calendar.sql): weekends, the
-- 2026 Spring Festival, make-up working days (调休) on a Saturday and a
-- Sunday, a year boundary, counting the start day or not, a missing year;
-- api.calendar_load and api.working_date.
-- The 2025 and 2026 days are loaded here (as in DOMAIN.md), whatever the
-- cluster holds; everything is rolled back.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(37);

\ir lib/error_of_detail.sql

-- Days that differ from Monday-Friday, from [first, last, name, working] ranges.
CREATE FUNCTION pg_temp.days(p jsonb) RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_agg(jsonb_build_object('date', to_char(g.d, 'YYYY-MM-DD'),
					    'working', (r ->> 3)::boolean, 'name', r ->> 2) ORDER BY g.d)
	FROM jsonb_array_elements(p) r
	CROSS JOIN LATERAL generate_series((r ->> 0)::date, (r ->> 1)::date, interval '1 day') AS g(d)
$$;

SELECT is(api.calendar_load('00000000-0000-4000-8000-00000000c025', 2025, pg_temp.days('[["2025-01-01","2025-01-01","元旦",false],
	["2025-01-26","2025-01-26","春节调休",true],
	["2025-01-28","2025-02-04","春节",false],
	["2025-02-08","2025-02-08","春节调休",true],
	["2025-04-04","2025-04-06","清明节",false],
	["2025-04-27","2025-04-27","劳动节调休",true],
	["2025-05-01","2025-05-05","劳动节",false],
	["2025-05-31","2025-06-02","端午节",false],
	["2025-09-28","2025-09-28","国庆节调休",true],
	["2025-10-01","2025-10-08","国庆节、中秋节",false],
	["2025-10-11","2025-10-11","国庆节调休",true]]')), 33, 'calendar_load stores 2025 (33 days)');
SELECT is(api.calendar_load('00000000-0000-4000-8000-00000000c026', 2026, pg_temp.days('[["2026-01-01","2026-01-03","元旦",false],
	["2026-01-04","2026-01-04","元旦调休",true],
	["2026-02-14","2026-02-14","春节调休",true],
	["2026-02-15","2026-02-23","春节",false],
	["2026-02-28","2026-02-28","春节调休",true],
	["2026-04-04","2026-04-06","清明节",false],
	["2026-05-01","2026-05-05","劳动节",false],
	["2026-05-09","2026-05-09","劳动节调休",true],
	["2026-06-19","2026-06-21","端午节",false],
	["2026-09-20","2026-09-20","国庆节调休",true],
	["2026-09-25","2026-09-27","中秋节",false],
	["2026-10-01","2026-10-07","国庆节",false],
	["2026-10-10","2026-10-10","国庆节调休",true]]')), 39, 'calendar_load stores 2026 (39 days)');

-- Weekends
SELECT is(core.add_working_days('2026-03-06', 1, false), '2026-03-09'::date, 'Friday + 1 = Monday');
SELECT is(core.add_working_days('2026-03-07', 1, false), '2026-03-09'::date, 'Saturday + 1 = Monday');
SELECT is(core.add_working_days('2026-03-02', 10, false), '2026-03-16'::date, 'ten working days span two weekends');
SELECT is(core.add_working_days('2026-03-06', 0, false), '2026-03-06'::date, 'zero days is the start');
-- Spring Festival 2026 (Feb 15-23 off, Sat Feb 14 and Sat Feb 28 working)
SELECT is(core.add_working_days('2026-02-12', 5, false), '2026-02-26'::date,
	'Thu Feb 12 + 5: Fri 13, Sat 14 (调休), then Feb 24, 25, 26');
SELECT is(core.add_working_days('2026-02-12', 5, true), '2026-02-25'::date,
	'... counting the day of acceptance: Feb 25');
SELECT is(core.add_working_days('2026-02-13', 1, false), '2026-02-14'::date, 'the 调休 Saturday Feb 14 is a working day');
SELECT is(core.add_working_days('2026-02-14', 1, false), '2026-02-24'::date, 'nine days off after it');
SELECT is(core.add_working_days('2026-02-27', 1, false), '2026-02-28'::date, 'Sat Feb 28 is a working day');
SELECT is(core.add_working_days('2026-02-28', 1, false), '2026-03-02'::date, 'Sun Mar 1 is not');
SELECT is(core.add_working_days('2026-09-18', 1, false), '2026-09-20'::date, 'Sun Sep 20 (国庆调休) is a working day');
SELECT is(core.add_working_days('2026-09-30', 1, false), '2026-10-08'::date, 'National Day: Oct 1-7 off');
SELECT is(core.add_working_days('2026-10-09', 1, false), '2026-10-10'::date, 'Sat Oct 10 is a working day');
-- Counting the start day
SELECT is(core.add_working_days('2026-03-02', 1, true), '2026-03-02'::date, 'count_start: a working start is day 1');
SELECT is(core.add_working_days('2026-03-02', 1, false), '2026-03-03'::date, 'without count_start: the next day');
SELECT is(core.add_working_days('2026-02-15', 1, true), '2026-02-24'::date, 'count_start: a holiday start never counts');
SELECT is(core.add_working_days('2026-03-07', 2, true), '2026-03-10'::date, 'count_start: a Saturday start never counts');
-- Year boundary
SELECT is(core.add_working_days('2025-12-31', 1, false), '2026-01-04'::date,
	'Dec 31 2025 + 1: Jan 1-3 off, Sun Jan 4 (调休) works');
SELECT is(core.add_working_days('2025-12-31', 2, true), '2026-01-04'::date, '... with the start counted');
SELECT is(core.add_working_days('2025-12-26', 5, false), '2026-01-05'::date, 'across the year end');
-- A year not loaded
SELECT is(pg_temp.error_of($$SELECT core.add_working_days('2099-06-01', 1, false)$$),
	'22023 No working-day calendar for that year | 2099', 'counting in a year not loaded is refused, naming it');
SELECT is(api.calendar_load('00000000-0000-4000-8000-00000000c098', 2098, '[{"date":"2098-12-31","working":false,"name":"x"}]'),
	1, 'a test year 2098 with one day');
SELECT is(pg_temp.error_of($$SELECT core.add_working_days('2098-12-29', 3, false)$$),
	'22023 No working-day calendar for that year | 2099', 'walking into a year not loaded is refused, naming that year');
SELECT is(core.add_working_days('2099-06-01', 0, false), '2099-06-01'::date, 'zero days needs no calendar');
SELECT is(pg_temp.error_of($$SELECT core.add_working_days('2026-03-02', -1, false)$$),
	'22023 The number of working days cannot be negative | -1', 'a negative count is refused');

-- calendar_load replaces a year whole, and checks what it is given
SELECT is(api.calendar_load('00000000-0000-4000-8000-00000000c099', 2098, '[]'), 0, 'reloading 2098 with no days');
SELECT is((SELECT count(*)::int FROM core.calendar_day WHERE year = 2098), 0, '... replaces the old days');
SELECT is(api.calendar_load('00000000-0000-4000-8000-00000000c099', 2098, '[{"date":"2098-01-01","working":false}]'),
	0, 'a retried operation id changes nothing');
SELECT is(pg_temp.error_of($$SELECT api.calendar_load(gen_random_uuid(), 2098, '[{"date":"2097-12-31","working":false}]')$$),
	'22023 A calendar day is outside its year | 2097-12-31', 'a day of another year is refused');
SELECT is(pg_temp.error_of($$SELECT api.calendar_load(gen_random_uuid(), 2098,
	'[{"date":"2098-05-01","working":false},{"date":"2098-05-01","working":false}]')$$),
	'22023 A calendar day is listed twice | 2098-05-01', 'a day listed twice is refused');
SELECT is(pg_temp.error_of($$SELECT api.calendar_load(gen_random_uuid(), 2098, '[{"date":"2098-02-30","working":false}]')$$),
	'22023 Invalid calendar day | 2098-02-30', 'a date that does not exist is refused');

-- Who may
SET SESSION AUTHORIZATION clerk1;
SELECT is(api.working_date('2026-02-12', 5, false), '2026-02-26'::date, 'a clerk uses api.working_date');
SELECT is(api.working_date(NULL, 0, false), (now() AT TIME ZONE 'Asia/Shanghai')::date,
	'NULL start is the server''s today');
SELECT throws_ok($$SELECT api.calendar_load(gen_random_uuid(), 2098, '[]')$$, '42501', NULL,
	'a clerk cannot load a calendar');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION admin1;
SELECT is(api.calendar_load(gen_random_uuid(), 2098, '[{"date":"2098-01-01","working":false}]'), 1,
	'an admin loads a calendar');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
