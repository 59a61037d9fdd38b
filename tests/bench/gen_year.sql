-- Synthetic history for the dashboard and the reports: tickets, ratings
-- with their follow-ups, applicants and cases, generated in bulk with SQL
-- (no api call per row). Run with psql as the cluster superuser:
--
--   psql -v days=365 -v per_day=3830 -v cases_per_day=1150 -f tests/bench/gen_year.sql
--
-- Variables (defaults): end_day (yesterday: the last day generated), days
-- (365: calendar days back from end_day; Saturdays and Sundays stay
-- closed), per_day (3830 tickets a working day: ~1,000,000 over the 261
-- working days of a year), cases_per_day (1150: ~300,000), seed (0.42).
-- Every generated row is marked 'bench-gen' (issued_by, accepted_by,
-- created_by, rated_by; with routing, tasks of those cases and events by
-- actor), so tests/cli/test_report.sh can remove them again.
-- The hall configuration of config/hall.ini must be loaded (categories
-- A B C G, windows 1-9); days are rolled up for the dashboard at the end.
\set ON_ERROR_STOP on
\if :{?end_day}
\else
\set end_day ''
\endif
\if :{?days}
\else
\set days 365
\endif
\if :{?per_day}
\else
\set per_day 3830
\endif
\if :{?cases_per_day}
\else
\set cases_per_day 1150
\endif
\if :{?seed}
\else
\set seed 0.42
\endif

SELECT setseed(:seed) \g /dev/null
SET synchronous_commit = off;
-- With routing (sql/050): tasks are generated below in bulk, with their
-- history, instead of by the trigger that starts them now, one case at a
-- time.
SELECT to_regclass('core.task') IS NOT NULL AS has_tasks \gset
-- With sync (sql/061): the history's events are not sent again to the
-- department systems (no outbox rows for them).
SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'case_event_outbox') AS has_outbox \gset
BEGIN;
\if :has_tasks
ALTER TABLE core.case DISABLE TRIGGER case_route;
\endif
\if :has_outbox
ALTER TABLE core.case_event DISABLE TRIGGER case_event_outbox;
\endif
CREATE TEMP TABLE gen_days ON COMMIT DROP AS
SELECT d::date AS day
FROM generate_series(coalesce(nullif(:'end_day', '')::date, core.today() - 1) - (:days - 1),
		     coalesce(nullif(:'end_day', '')::date, core.today() - 1), interval '1 day') d
WHERE extract(isodow FROM d) < 6
  AND NOT EXISTS (SELECT 1 FROM core.hall_day h WHERE h.day = d::date);

-- Tickets: arrivals over 09:00-17:00 with a morning peak; categories
-- A 50 %, B 25 %, C 15 %, green 10 % (of category A); waiting times about
-- exponential (mean ~9 minutes), service 4-16 minutes; 92 % served, 5 %
-- no-shows, 3 % closed at the end of the day.
CREATE TEMP TABLE gen_t ON COMMIT DROP AS
SELECT g.day, g.cat, g.green, g.issued_at, g.u,
       CASE WHEN g.u < 0.92 THEN 'done' WHEN g.u < 0.97 THEN 'no_show' ELSE 'closed' END AS status,
       (-ln(1 - random() * 0.999) * 540)::int AS wait,
       (240 + random() * 720)::int AS service
FROM (
	SELECT d.day,
	       CASE WHEN r < 0.5 THEN 'A' WHEN r < 0.75 THEN 'B' WHEN r < 0.9 THEN 'C' ELSE 'A' END AS cat,
	       r >= 0.9 AS green,
	       (d.day::timestamp + interval '9 hours'
		+ make_interval(secs => CASE WHEN random() < 0.55 THEN random() * 3 * 3600
					     ELSE random() * 8 * 3600 END)) AT TIME ZONE core.hall_tz() AS issued_at,
	       random() AS u
	FROM gen_days d, generate_series(1, :per_day) n, LATERAL (SELECT random() + 0 * n AS r) x
) g;

INSERT INTO core.ticket (op_id, day, prefix, seq, number, category, green, status, issued_at, issued_by,
			 arrived_at, first_called_at, called_at, called_by, window_no, finished_at,
			 closed_reason, wait_seconds, service_seconds)
SELECT gen_random_uuid(), s.day, s.prefix, s.seq, core.ticket_number(s.prefix, s.seq), s.cat, s.green, s.status,
       s.issued_at, 'bench-gen', s.issued_at,
       CASE WHEN s.status <> 'closed' THEN s.issued_at + make_interval(secs => s.wait) END,
       CASE WHEN s.status <> 'closed' THEN s.issued_at + make_interval(secs => s.wait) END,
       CASE WHEN s.status <> 'closed' THEN 'clerk1' END,
       CASE WHEN s.status <> 'closed' THEN s.win END,
       CASE WHEN s.status = 'done' THEN s.issued_at + make_interval(secs => s.wait + s.service)
	    WHEN s.status = 'no_show' THEN s.issued_at + make_interval(secs => s.wait + 120)
	    ELSE (s.day + 1)::timestamp AT TIME ZONE core.hall_tz() END,
       CASE WHEN s.status = 'closed' THEN 'The day ended before the ticket was called' END,
       CASE WHEN s.status <> 'closed' THEN s.wait END,
       CASE WHEN s.status = 'done' THEN s.service ELSE 0 END
FROM (
	SELECT t.*, CASE WHEN t.green THEN 'G' ELSE t.cat END AS prefix,
	       row_number() OVER (PARTITION BY t.day, CASE WHEN t.green THEN 'G' ELSE t.cat END ORDER BY t.issued_at)::int AS seq,
	       CASE WHEN t.green THEN 9
		    WHEN t.cat = 'A' THEN (ARRAY[1, 2, 3, 8])[1 + floor(t.u * 1000)::int % 4]
		    WHEN t.cat = 'B' THEN (ARRAY[3, 4, 5, 8])[1 + floor(t.u * 1000)::int % 4]
		    ELSE (ARRAY[6, 7, 8])[1 + floor(t.u * 1000)::int % 3] END AS win
	FROM gen_t t
) s;

INSERT INTO core.hall_day (day, opened_at, closed_at, closed_by, reason, early, n_closed, n_carried)
SELECT d.day, (d.day::timestamp + interval '9 hours') AT TIME ZONE core.hall_tz(),
       (d.day::timestamp + interval '17 hours') AT TIME ZONE core.hall_tz(), 'bench-gen', 'generated', false,
       (SELECT count(*) FROM gen_t t WHERE t.day = d.day AND t.status = 'closed'), 0
FROM gen_days d ORDER BY d.day;

-- Ratings: two served tickets in five are rated; levels 1 70 %, 2 20 %,
-- 3 6 %, 4 3 %, 5 1 %. Bad ones have a follow-up: most called back and
-- rectified in time, some late, a few still open.
CREATE TEMP TABLE gen_r ON COMMIT DROP AS
SELECT t.id AS ticket_id, t.window_no, t.finished_at,
       CASE WHEN r < 0.70 THEN 1 WHEN r < 0.90 THEN 2 WHEN r < 0.96 THEN 3 WHEN r < 0.99 THEN 4 ELSE 5 END AS level
FROM core.ticket t, LATERAL (SELECT random() + 0 * t.service_seconds AS r, random() + 0 * t.wait_seconds AS pick) x
WHERE t.issued_by = 'bench-gen' AND t.status = 'done' AND t.day IN (SELECT day FROM gen_days) AND x.pick < 0.4;

INSERT INTO core.rating (op_id, ticket_id, window_no, served_by, level, reason, rated_at, rated_by)
SELECT gen_random_uuid(), r.ticket_id, r.window_no, 'clerk1', r.level,
       CASE WHEN r.level >= 4 THEN '等候时间太长' END, r.finished_at + interval '20 seconds', 'bench-gen'
FROM gen_r r;

INSERT INTO core.rating_followup (rating_id, opened_at, callback_due, rectify_due, due_basis,
				  called_back_at, called_back_by, callback_note, rectified_at, rectified_by, rectify_note)
SELECT x.id, x.rated_at, x.rated_at + interval '1 day', x.rated_at + interval '21 days', 'weekdays',
       CASE WHEN x.u < 0.95 THEN x.rated_at + make_interval(hours => CASE WHEN x.u < 0.85 THEN 4 ELSE 40 END) END,
       CASE WHEN x.u < 0.95 THEN 'super1' END, CASE WHEN x.u < 0.95 THEN '已回访' END,
       CASE WHEN x.u < 0.90 THEN x.rated_at + interval '10 days' END,
       CASE WHEN x.u < 0.90 THEN 'super1' END, CASE WHEN x.u < 0.90 THEN '已整改' END
FROM (SELECT k.id, k.rated_at, random() + 0 * k.id AS u FROM core.rating k
      WHERE k.rated_by = 'bench-gen' AND k.level >= 4 AND k.ticket_id IN (SELECT ticket_id FROM gen_r)) x;

-- Applicants and cases: one enterprise applicant per case (no personal
-- data to seal), items at random, visits 1 (80 %), 2 or 3; one case in
-- eight accepted on commitment (容缺), most made good in time.
CREATE TEMP TABLE gen_c ON COMMIT DROP AS
SELECT gen_random_uuid() AS applicant_id, d.day, n,
       (d.day::timestamp + interval '9 hours' + make_interval(secs => random() * 8 * 3600)) AT TIME ZONE core.hall_tz() AS at,
       random() AS u, random() AS v, random() AS w
FROM gen_days d, generate_series(1, :cases_per_day) n;

INSERT INTO core.applicant (id, kind, name, uscc, created_by, updated_by)
SELECT c.applicant_id, 'enterprise', '生成企业' || row_number() OVER (),
       'BG' || lpad((row_number() OVER ())::text, 16, '0'), 'bench-gen', 'bench-gen'
FROM gen_c c;

INSERT INTO core.case (id, op_id, case_no, centre_code, item_code, item_version, applicant_id, applicant_name,
		       outcome, status, accepted_on, accepted_at, accepted_by, promised_date,
		       commitment_due, commitment_met_at, visits)
SELECT gen_random_uuid(), gen_random_uuid(),
       core.setting_text('region', '330702') || '-' || to_char(c.day, 'YYYYMMDD') || '-9' || lpad(c.n::text, 5, '0'),
       core.setting_text('centre_code', '330702001'), i.code, i.version, c.applicant_id,
       '生成企业', CASE WHEN c.v < 0.125 THEN 'accepted_on_commitment' ELSE 'accepted' END,
       'accepted', c.day, c.at, 'bench-gen', c.day + 20,
       CASE WHEN c.v < 0.125 THEN c.day + 7 END,
       CASE WHEN c.v < 0.125 AND c.w < 0.8 THEN c.at + interval '3 days'
	    WHEN c.v < 0.125 AND c.w < 0.9 THEN c.at + interval '10 days' END,
       CASE WHEN c.u < 0.8 THEN 1 WHEN c.u < 0.95 THEN 2 ELSE 3 END
FROM gen_c c
CROSS JOIN LATERAL (SELECT s.code, s.version FROM core.service_item s
		    ORDER BY s.code OFFSET floor(c.u * 997)::int % (SELECT count(*) FROM core.service_item) LIMIT 1) i;

\if :has_tasks
ALTER TABLE core.case ENABLE TRIGGER case_route;
-- Tasks: one per step of the item, all started when the case was
-- accepted (calendar days for the clocks: close enough for history).
-- Cases older than a week are finished: steps decided within their
-- time nine times in ten, a few rejected; one task in twenty was returned
-- for correction once. Younger cases' tasks are still open (about a
-- third claimed, some returned), in the ready set when open.
CREATE TEMP TABLE gen_task ON COMMIT DROP AS
SELECT k.id AS case_id, k.case_no, k.item_code, k.accepted_at,
       coalesce((st.s ->> 'number')::int, (st.s ->> 'n')::int, st.o::int) AS step,
       coalesce((st.s ->> 'group')::int, 1) AS grp,
       greatest(coalesce((st.s ->> 'days')::int, 0), 1) AS days,
       st.s ->> 'dept' AS dept, st.s ->> 'name_zh' AS name_zh, st.s ->> 'name_en' AS name_en,
       k.accepted_on < core.today() - 7 AS done, random() AS u, random() AS v
FROM core.case k
JOIN core.service_item i ON i.code = k.item_code AND i.version = k.item_version
CROSS JOIN LATERAL jsonb_array_elements(coalesce(i.definition -> 'steps', '[]')) WITH ORDINALITY AS st(s, o)
WHERE k.accepted_by = 'bench-gen' AND k.accepted_on IN (SELECT day FROM gen_days);

INSERT INTO core.task (case_id, case_no, item_code, step, step_group, days, step_name_zh, step_name_en, dept_code,
		       status, claimed_by, claimed_at, claim_expires_at, created_at, started_at, sign_due_at,
		       sign_yellow_at, signed_at, due_at, yellow_at, paused_at, returned_note, decided_at, decided_by,
		       decision, reason, on_time)
SELECT g.case_id, g.case_no, g.item_code, g.step, g.grp, g.days, g.name_zh, g.name_en, g.dept,
       x.status,
       CASE WHEN x.status = 'claimed' THEN 'bench-gen' END,
       CASE WHEN x.status = 'claimed' THEN now() - interval '1 hour' END,
       CASE WHEN x.status = 'claimed' THEN now() + interval '1 hour' END,
       g.accepted_at, g.accepted_at, g.accepted_at + interval '2 hours', g.accepted_at + interval '96 minutes',
       CASE WHEN g.done OR x.status <> 'open' THEN g.accepted_at + make_interval(mins => (g.u * 150)::int) END,
       g.accepted_at + make_interval(days => g.days), g.accepted_at + make_interval(days => g.days) * 0.8,
       CASE WHEN x.status = 'returned' THEN g.accepted_at + interval '1 day' END,
       CASE WHEN x.status = 'returned' THEN '请补正材料' END,
       x.decided_at, CASE WHEN g.done THEN 'bench-gen' END,
       CASE WHEN g.done THEN CASE WHEN g.v < 0.01 THEN 'reject' ELSE 'approve' END END,
       CASE WHEN g.done AND g.v < 0.01 THEN '不符合条件' END,
       CASE WHEN g.done THEN x.decided_at <= g.accepted_at + make_interval(days => g.days) END
FROM gen_task g
CROSS JOIN LATERAL (SELECT
	CASE WHEN g.done THEN CASE WHEN g.v < 0.01 THEN 'rejected' ELSE 'approved' END
	     WHEN g.u < 0.30 THEN 'claimed' WHEN g.u < 0.35 THEN 'returned' ELSE 'open' END AS status,
	CASE WHEN g.done THEN g.accepted_at + make_interval(days => g.days) * (CASE WHEN g.u < 0.9 THEN 0.2 + g.v * 0.75
									ELSE 1.05 + g.v END) END AS decided_at) x;

INSERT INTO core.task_ready (task_id, dept_code, due_at)
SELECT t.id, t.dept_code, t.due_at FROM core.task t
WHERE t.status = 'open' AND t.case_id IN (SELECT case_id FROM gen_task WHERE NOT done);

INSERT INTO core.case_dept (case_id, dept_code)
SELECT DISTINCT g.case_id, g.dept FROM gen_task g ON CONFLICT DO NOTHING;

INSERT INTO core.case_event (case_id, at, dept_code, actor, kind, task_id, note)
SELECT t.case_id, t.started_at + interval '1 day', t.dept_code, 'bench-gen', 'returned', t.id, '请补正材料'
FROM core.task t JOIN gen_task g ON g.case_id = t.case_id AND g.step = t.step
WHERE t.status = 'returned' OR (g.done AND g.u >= 0.45 AND g.u < 0.50);

UPDATE core.case c
SET status = CASE WHEN d.rejected THEN 'rejected' ELSE 'complete' END,
    completed_at = d.last, completed_on = (d.last AT TIME ZONE core.hall_tz())::date
FROM (SELECT t.case_id, max(t.decided_at) AS last, bool_or(t.status = 'rejected') AS rejected
      FROM core.task t WHERE t.case_id IN (SELECT case_id FROM gen_task WHERE done)
      GROUP BY t.case_id) d
WHERE c.id = d.case_id;
\endif
\if :has_outbox
ALTER TABLE core.case_event ENABLE TRIGGER case_event_outbox;
\endif
COMMIT;

SELECT core.dash_rollup_before(core.today()) AS days_rolled_up;
ANALYZE core.ticket;
ANALYZE core.case;
ANALYZE core.rating;
\if :has_tasks
ANALYZE core.task;
ANALYZE core.case_event;
\endif
