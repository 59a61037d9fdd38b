-- The floor of take next (sql/052_take_next_floor.sql): inserts into the
-- ready set lower it, core.ready_floor_raise raises it to the lowest ready
-- row, a take starts its scan there, a released task more urgent than the
-- floor is taken first again, and staff cannot touch it. The races are in
-- tests/db/test_routing_race.sh. Everything is rolled back.
--
-- The test item zz_floor has one step at 民政 (MZ); the department's other
-- ready rows are parked (deleted inside this transaction) so that only the
-- test's tasks are there.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(17);

\ir lib/error_of.sql

SELECT count(*) FROM api.forms_load(gen_random_uuid(), $json$
{"code": "zz_floor", "version": 1, "name_zh": "起点测试", "name_en": "Floor test",
 "applicant": "person", "promised_days": 10, "count_acceptance_day": false,
 "departments": ["MZ"], "groups": [],
 "steps": [{"number": 1, "dept": "MZ", "group": 1, "days": 2, "name_zh": "民政审核", "name_en": "Civil affairs"}],
 "fields": [], "materials": []}
$json$::jsonb) \g /dev/null

DELETE FROM core.task_ready WHERE dept_code = 'MZ';
DELETE FROM core.ready_floor WHERE dept_code = 'MZ';

CREATE TEMP TABLE k (n int PRIMARY KEY, task_id bigint);
GRANT ALL ON k TO PUBLIC;
SET SESSION AUTHORIZATION clerk1;
SELECT count(*) FROM generate_series(1, 4) n, LATERAL api.case_submit(
	('00000000-0000-4000-8700-' || lpad(n::text, 12, '0'))::uuid,
	('00000000-0000-4000-8701-' || lpad(n::text, 12, '0'))::uuid, 'zz_floor', NULL,
	jsonb_build_object('id', ('00000000-0000-4000-8702-' || lpad(n::text, 12, '0'))::uuid,
			   'kind', 'person', 'name', '李娜' || n,
			   'id_no', jsonb_build_object('cipher', 'v1:' || md5(n::text),
						       'mask', '330702********' || lpad(n::text, 4, '0'),
						       'blind', left(md5(n::text), 8))),
	'{}', '{}', '{}', NULL, NULL) \g /dev/null
RESET SESSION AUTHORIZATION;
-- Their due times 1..4 hours apart, most urgent first (as if accepted on
-- different days), written straight into both tables.
INSERT INTO k SELECT row_number() OVER (ORDER BY t.id), t.id FROM core.task t WHERE t.item_code = 'zz_floor';
UPDATE core.task t SET due_at = now() + make_interval(hours => k.n) FROM k WHERE t.id = k.task_id;
UPDATE core.task_ready r SET due_at = t.due_at FROM core.task t WHERE t.id = r.task_id AND t.item_code = 'zz_floor';
CREATE FUNCTION pg_temp.t(p_n int) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT task_id FROM k WHERE n = p_n $$;
CREATE FUNCTION pg_temp.floor_is() RETURNS bigint LANGUAGE sql STABLE AS $$
	SELECT task_id FROM core.ready_floor WHERE dept_code = 'MZ' $$;

SELECT is((SELECT count(*)::int FROM core.task_ready WHERE dept_code = 'MZ'), 4, 'four tasks of 民政 are ready');
SELECT is(pg_temp.floor_is(), NULL, 'no floor yet: a take scans the whole department');

-- ------------------------------------------------------------------ raising
SELECT core.ready_floor_raise('MZ', '-infinity', 0) \g /dev/null
SELECT is(pg_temp.floor_is(), pg_temp.t(1), 'raising puts the floor at the most urgent ready row');
DELETE FROM core.task_ready WHERE task_id = pg_temp.t(1);
SELECT core.ready_floor_raise('MZ', '-infinity', 0) \g /dev/null
SELECT is(pg_temp.floor_is(), pg_temp.t(2), '... and, once that row is gone, at the next one');

-- ------------------------------------------------------------------ an insert below lowers it
INSERT INTO core.task_ready (task_id, dept_code, due_at)
SELECT id, dept_code, due_at FROM core.task WHERE id = pg_temp.t(1);
SELECT is(pg_temp.floor_is(), pg_temp.t(1), 'a row put back more urgent than the floor lowers the floor to it');
DELETE FROM core.task_ready WHERE task_id = pg_temp.t(4);
INSERT INTO core.task_ready (task_id, dept_code, due_at)
SELECT id, dept_code, due_at FROM core.task WHERE id = pg_temp.t(4);
SELECT is(pg_temp.floor_is(), pg_temp.t(1), 'a row put back less urgent than the floor leaves it where it is');

-- ------------------------------------------------------------------ a take starts at the floor
-- Shown with a floor set above the head by hand (never so in use): the take
-- does not see what is below it.
UPDATE core.ready_floor SET (due_at, task_id) = (SELECT due_at, id FROM core.task WHERE id = pg_temp.t(3)) WHERE dept_code = 'MZ';
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT is((SELECT id FROM api.task_take_next(gen_random_uuid())), pg_temp.t(3), 'a take starts its scan at the floor');
RESET SESSION AUTHORIZATION;
UPDATE core.ready_floor SET (due_at, task_id) = ('-infinity', 0) WHERE dept_code = 'MZ';

-- ------------------------------------------------------------------ release below the floor
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT is((SELECT id FROM api.task_take_next(gen_random_uuid())), pg_temp.t(1), 'take next: the most urgent');
RESET SESSION AUTHORIZATION;
SELECT core.ready_floor_raise('MZ', '-infinity', 0) \g /dev/null
SELECT is(pg_temp.floor_is(), pg_temp.t(2), 'the floor is raised past the taken task');
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT count(*) FROM api.task_release(gen_random_uuid(), pg_temp.t(1)) \g /dev/null
SELECT is((SELECT id FROM api.task_take_next(gen_random_uuid())), pg_temp.t(1),
	'a released task, more urgent than the floor, is the next one taken again');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ a load with the trigger off
-- (a restore with triggers off) leaves a row below the floor: it is taken
-- once nothing is left above it, and the floor that hid it is forgotten.
DELETE FROM core.ready_floor WHERE dept_code = 'MZ';
SELECT core.ready_floor_raise('MZ', '-infinity', 0) \g /dev/null
ALTER TABLE core.task_ready DISABLE TRIGGER task_ready_floor;
INSERT INTO core.task_ready (task_id, dept_code, due_at) SELECT id, dept_code, due_at FROM core.task WHERE id = pg_temp.t(1);
ALTER TABLE core.task_ready ENABLE TRIGGER task_ready_floor;
SELECT is(pg_temp.floor_is(), pg_temp.t(2), 'a row loaded with the trigger off is below the floor');
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT is((SELECT id FROM api.task_take_next(gen_random_uuid())), pg_temp.t(2), 'take next takes what is above the floor');
SELECT is((SELECT id FROM api.task_take_next(gen_random_uuid())), pg_temp.t(4), '... all of it');
SELECT is((SELECT id FROM api.task_take_next(gen_random_uuid())), pg_temp.t(1), '... then the row below it');
RESET SESSION AUTHORIZATION;
SELECT is(pg_temp.floor_is(), NULL, '... and forgets the floor that hid it');

-- ------------------------------------------------------------------ staff cannot touch it
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT is(pg_temp.error_of($$SELECT * FROM core.ready_floor$$), '42501 permission denied for schema core',
	'a reviewer cannot read the floors');
SELECT is(pg_temp.error_of($$SELECT core.ready_floor_raise('MZ', 'infinity', 0)$$), '42501 permission denied for schema core',
	'... nor raise one');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
