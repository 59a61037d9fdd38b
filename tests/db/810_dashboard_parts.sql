-- The dashboard's and the report's parts from routing and sync (sql/081,
-- 082): the snapshot carries every department's task counts and every
-- sync target's state as routing's and sync's own functions give them; the
-- report's task and delivery figures agree with the raw rows; supervisors
-- only.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(9);

SELECT is((SELECT count(*)::int FROM core.dash_parts('dash_part_')), 2, 'two parts join the snapshot');
SET SESSION AUTHORIZATION super1;
CREATE TEMP TABLE d AS SELECT api.dashboard() AS j;
SELECT set_eq($$SELECT x ->> 'dept_code' AS c, (x ->> 'open')::int AS o, (x ->> 'red')::int AS r, (x ->> 'unclaimed_late')::int AS u
		FROM d, jsonb_array_elements(j -> 'departments') x$$,
	$$SELECT dept_code, open, red, unclaimed_late FROM api.task_dept_summary()$$,
	'the departments are routing''s summary');
SELECT is((SELECT (j -> 'departments' -> 0 ->> 'red')::int FROM d),
	(SELECT max(red) FROM api.task_dept_summary()), 'the department with the most red tasks comes first');
SELECT set_eq($$SELECT x ->> 'target' AS t, (x ->> 'backlog')::int AS b, (x ->> 'dead')::int AS d FROM d, jsonb_array_elements(j -> 'sync') x$$,
	$$SELECT target, backlog, dead FROM api.sync_status()$$, 'the sync targets are sync''s status');
RESET SESSION AUTHORIZATION;
CREATE TEMP TABLE p AS SELECT core.today() - 30 AS f, core.today() AS t;
GRANT SELECT ON p TO PUBLIC;
SET SESSION AUTHORIZATION super1;
CREATE TEMP TABLE r AS SELECT api.report(p.f, p.t) AS j FROM p;
RESET SESSION AUTHORIZATION;

SELECT set_eq($$SELECT x ->> 'target' AS t, (x ->> 'delivered')::int AS n FROM r, jsonb_array_elements(j -> 'sync') x$$,
	$$SELECT t.name, (SELECT count(*)::int FROM core.outbox_delivery o WHERE o.target = t.name
			  AND o.delivered_at >= (core.today() - 30)::timestamp AT TIME ZONE core.hall_tz())
	  FROM core.sync_target t$$, 'delivered per target in the period, from the raw rows');
SELECT set_eq($$SELECT x ->> 'dept_code' AS c, x ->> 'item' AS i, (x ->> 'decided')::int AS n, (x ->> 'on_time')::int AS o
		FROM r, jsonb_array_elements(j -> 'on_time') x$$,
	$$SELECT dept_code, item_code, count(*)::int AS n, count(*) FILTER (WHERE on_time)::int AS o FROM core.task
	  WHERE decided_at >= (core.today() - 30)::timestamp AT TIME ZONE core.hall_tz()
	    AND decision IN ('approve', 'reject') GROUP BY 1, 2$$,
	'tasks decided on time per department and item, from the raw rows');
SELECT ok((SELECT j ? 'returns' AND j ? 'cases_completed' FROM r), 'returns and completed cases are reported');

SET SESSION AUTHORIZATION clerk1;
SELECT throws_ok($$SELECT api.dashboard()$$, '42501', NULL, 'a clerk cannot read the dashboard');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT throws_ok($$SELECT api.report(NULL, NULL)$$, '42501', NULL, 'a reviewer cannot read the report');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
