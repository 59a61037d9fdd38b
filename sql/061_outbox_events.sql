-- 061_outbox_events: what a department must learn after the acceptance
-- (docs/sync.md): a decision, a correction, a completion. Each timeline
-- event of these kinds (core.case_event, sql/050_routing.sql) writes, in
-- the transaction that records it, one outbox row per target of the case
-- (the same targets as its acceptance: core.case_targets), type
-- case.<kind>, payload {"event", "case_id", "case_no", "kind", "dept",
-- "at", "note", "status"}: the decision's department, its reason, and
-- where the case as a whole now stands.

SET ROLE cd_owner;

CREATE FUNCTION core.outbox_on_case_event() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	t core.sync_target;
	c core.case;
BEGIN
	SELECT * INTO c FROM core.case WHERE id = NEW.case_id;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	FOR t IN SELECT * FROM core.case_targets(NEW.case_id) LOOP
		PERFORM core.outbox_write(t, 'case', c.case_no, 'case.' || NEW.kind, NEW.case_id,
			jsonb_build_object('event', 'case.' || NEW.kind, 'case_id', c.id, 'case_no', c.case_no,
					   'kind', NEW.kind, 'dept', NEW.dept_code, 'at', NEW.at,
					   'note', NEW.note, 'status', c.status));
	END LOOP;
	RETURN NULL;
END
$$;

CREATE TRIGGER case_event_outbox AFTER INSERT ON core.case_event
	FOR EACH ROW
	WHEN (NEW.kind IN ('approved', 'returned', 'correction_received', 'rejected', 'completed',
			   'case_rejected', 'handed_over'))
	EXECUTE FUNCTION core.outbox_on_case_event();

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;

RESET ROLE;
