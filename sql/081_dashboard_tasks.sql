-- 081_dashboard_tasks: routing's tasks on the supervisor's dashboard and in
-- the reports (issue 8 over sql/050-051). Parts merged by api.dashboard
-- and api.report (sql/080, core.dash_parts).
--
-- Dashboard: {"departments": api.task_dept_summary()} (counts over the
-- unfinished tasks only: routing's indexes, no scan of finished ones), the
-- most urgent first (red, late to sign for, yellow, most work): a short
-- screen shows those.
-- Report:
--   "on_time": per department and item, the tasks decided in the period
--     (approved or rejected; decided_at in the period) and how many were
--     decided by their deadline (core.task.on_time);
--   "returns": per department, the returns for correction (补正) in the
--     period (case events 'returned');
--   "cases_completed": cases finished in the period and how many by the
--     promised date.
-- Indexes for those period ranges: tasks by decision time, case events by
-- kind and time, cases by completion date.

SET ROLE cd_owner;

CREATE INDEX task_decided_idx ON core.task (decided_at) WHERE decided_at IS NOT NULL;
CREATE INDEX case_event_kind_at_idx ON core.case_event (kind, at);
CREATE INDEX case_completed_idx ON core.case (completed_on) WHERE completed_on IS NOT NULL;

CREATE FUNCTION core.dash_part_departments() RETURNS jsonb
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	RETURN jsonb_build_object('departments', (
		SELECT coalesce(jsonb_agg(to_jsonb(d) ORDER BY d.red DESC, d.unclaimed_late DESC, d.yellow DESC,
					  d.open + d.claimed + d.returned DESC, d.dept_code), '[]')
		FROM api.task_dept_summary() d));
END
$$;

CREATE FUNCTION core.report_part_tasks(p_from date, p_to date) RETURNS jsonb
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	t0 timestamptz := p_from::timestamp AT TIME ZONE core.hall_tz();
	t1 timestamptz := (p_to + 1)::timestamp AT TIME ZONE core.hall_tz();
BEGIN
	RETURN jsonb_build_object(
		'on_time', (
			SELECT coalesce(jsonb_agg(jsonb_build_object(
				'dept_code', x.dept_code, 'item', x.item_code, 'decided', x.decided, 'on_time', x.on_time,
				'rate', round(x.on_time::numeric / nullif(x.decided, 0), 4)) ORDER BY x.dept_code, x.item_code), '[]')
			FROM (SELECT t.dept_code, t.item_code, count(*) AS decided,
				     count(*) FILTER (WHERE t.on_time) AS on_time
			      FROM core.task t
			      WHERE t.decided_at >= t0 AND t.decided_at < t1 AND t.decision IN ('approve', 'reject')
			      GROUP BY 1, 2) x),
		'returns', (
			SELECT coalesce(jsonb_agg(jsonb_build_object('dept_code', e.dept_code, 'returned', e.n)
				ORDER BY e.dept_code), '[]')
			FROM (SELECT coalesce(ev.dept_code, '') AS dept_code, count(*) AS n FROM core.case_event ev
			      WHERE ev.kind = 'returned' AND ev.at >= t0 AND ev.at < t1 GROUP BY 1) e),
		'cases_completed', (
			SELECT jsonb_build_object('completed', count(*),
				'by_promised_date', count(*) FILTER (WHERE c.completed_on <= c.promised_date))
			FROM core.case c WHERE c.completed_on BETWEEN p_from AND p_to));
END
$$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;

RESET ROLE;
