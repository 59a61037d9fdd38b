-- 082_dashboard_sync: the sync targets on the supervisor's dashboard and
-- in the reports (issue 8 over sql/060_outbox.sql). Parts merged by
-- api.dashboard and api.report (sql/080, core.dash_parts).
--
-- Dashboard: {"sync": [{"target", "backlog", "oldest_pending_seconds",
-- "delivered_today", "failing", "dead", "last_error"}]}, api.sync_status
-- as it is (the pending set is small; today's deliveries are an index
-- range of core.outbox_delivery).
-- Report: {"sync": [{"target", "delivered", "failed", "pending_failing"}]}:
-- events delivered in the period (core.outbox_delivery by target and time),
-- events of the period parked after failing (dead), and pending ones
-- failing now.

SET ROLE cd_owner;

CREATE FUNCTION core.dash_part_sync() RETURNS jsonb
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	RETURN jsonb_build_object('sync', (
		SELECT coalesce(jsonb_agg(to_jsonb(s) ORDER BY s.target), '[]') FROM api.sync_status() s));
END
$$;

CREATE FUNCTION core.report_part_sync(p_from date, p_to date) RETURNS jsonb
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	t0 timestamptz := p_from::timestamp AT TIME ZONE core.hall_tz();
	t1 timestamptz := (p_to + 1)::timestamp AT TIME ZONE core.hall_tz();
BEGIN
	RETURN jsonb_build_object('sync', (
		SELECT coalesce(jsonb_agg(jsonb_build_object(
			'target', t.name,
			'delivered', (SELECT count(*) FROM core.outbox_delivery d WHERE d.target = t.name
				      AND d.delivered_at >= t0 AND d.delivered_at < t1),
			'failed', (SELECT count(*) FROM core.outbox o WHERE o.target = t.name AND o.status = 'dead'
				   AND o.created_at >= t0 AND o.created_at < t1),
			'pending_failing', (SELECT count(*) FROM core.outbox_pending x
					    WHERE x.target = t.name AND x.last_error IS NOT NULL))
			ORDER BY t.name), '[]')
		FROM core.sync_target t));
END
$$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;

RESET ROLE;
