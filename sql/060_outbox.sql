-- 060_outbox: typed once, delivered to every department system
-- (一次录入、多端共享). docs/sync.md is the contract.
--
--   core.sync_target   the department systems (name, kind, departments),
--                      loaded from config/targets.d by `counterdesk sync
--                      load`; connection strings stay in the files.
--   core.outbox        every event, Debezium's outbox layout (id,
--                      aggregatetype, aggregateid, type, payload) plus the
--                      target and the delivery result. Insert-only but for
--                      the one update when an event is delivered or dead.
--   core.outbox_pending  the events still to deliver: small and hot, so
--                      that claiming stays fast whatever the history holds.
--
-- The accepting transaction writes the rows: an AFTER INSERT trigger on
-- core.case_visit for the acceptance visit (inserted by api.case_submit
-- after the case and its materials, so the payload can name them; the
-- case row's own trigger would fire before the materials exist).
--
-- The worker (counterdesk-sync) logs in as a member of cd_sync: it claims
-- with a lease (api.sync_claim), delivers outside any transaction here, and
-- reports (api.sync_report). Claims and reports write no audit row.

DO $roles$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'cd_sync') THEN
		CREATE ROLE cd_sync NOLOGIN;
	END IF;
END
$roles$;
GRANT USAGE ON SCHEMA api TO cd_sync;

SET ROLE cd_owner;

CREATE TABLE core.sync_target (
	name        text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]{0,31}$'),
	kind        text NOT NULL CHECK (kind IN ('postgres', 'spool', 'external')),
	departments text[] NOT NULL CHECK (cardinality(departments) > 0),
	active      boolean NOT NULL DEFAULT true,
	loaded_at   timestamptz NOT NULL DEFAULT now(),
	loaded_by   text NOT NULL DEFAULT session_user
);
COMMENT ON TABLE core.sync_target IS 'Department systems that receive case data; the rest of each target (DSN, statement, directory) stays in its file.';

CREATE TABLE core.outbox (
	id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	seq           bigint GENERATED ALWAYS AS IDENTITY,
	aggregatetype text NOT NULL,
	aggregateid   text NOT NULL,
	type          text NOT NULL,
	payload       jsonb NOT NULL,
	target        text NOT NULL REFERENCES core.sync_target (name),
	case_id       uuid,
	created_at    timestamptz NOT NULL DEFAULT now(),
	status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'dead', 'external')),
	attempts      int NOT NULL DEFAULT 0,
	last_error    text
);
COMMENT ON TABLE core.outbox IS 'Every event for a department system (Debezium outbox layout: id, aggregatetype, aggregateid, type, payload). Written once; only parking as dead (and a retry) changes a row. Deliveries are in core.outbox_delivery.';
CREATE INDEX outbox_case_idx ON core.outbox (case_id);
CREATE INDEX outbox_dead_idx ON core.outbox (target, seq) WHERE status = 'dead';

-- Deliveries: a narrow insert per event, so that delivering never
-- rewrites the wide outbox row.
CREATE TABLE core.outbox_delivery (
	id           uuid PRIMARY KEY REFERENCES core.outbox (id),
	target       text NOT NULL,
	delivered_at timestamptz NOT NULL DEFAULT now(),
	delivered_by text NOT NULL,
	attempts     int NOT NULL
);
COMMENT ON TABLE core.outbox_delivery IS 'When and by which worker each event was delivered, and after how many attempts.';
CREATE INDEX outbox_delivery_target_idx ON core.outbox_delivery (target, delivered_at);

CREATE TABLE core.outbox_pending (
	id              uuid PRIMARY KEY REFERENCES core.outbox (id),
	seq             bigint NOT NULL,
	target          text NOT NULL,
	next_attempt_at timestamptz NOT NULL DEFAULT now(),
	lease_until     timestamptz,
	leased_by       text,
	attempts        int NOT NULL DEFAULT 0,
	last_error      text,
	last_attempt_at timestamptz
) WITH (fillfactor = 50);
COMMENT ON TABLE core.outbox_pending IS 'Events not yet delivered (the claimable set). A lease changes only unindexed columns, so it is a HOT update.';
CREATE INDEX outbox_pending_due_idx ON core.outbox_pending (next_attempt_at, seq);

-- Each event with where its delivery stands: pending, delivered, dead or
-- external (for people and tests; the worker never reads it).
CREATE VIEW core.outbox_state AS
	SELECT o.id, o.seq, o.aggregatetype, o.aggregateid, o.type, o.payload, o.target, o.case_id, o.created_at,
	       CASE WHEN d.id IS NOT NULL THEN 'delivered' ELSE o.status END AS status,
	       coalesce(d.attempts, p.attempts, o.attempts) AS attempts,
	       coalesce(p.last_error, o.last_error) AS last_error,
	       d.delivered_at, d.delivered_by
	FROM core.outbox o
	LEFT JOIN core.outbox_delivery d ON d.id = o.id
	LEFT JOIN core.outbox_pending p ON p.id = o.id;

-- ---------------------------------------------------------------------------
-- Writing events

-- The elements of a JSON array of strings; empty for anything else.
CREATE FUNCTION core.json_texts(p jsonb) RETURNS text[]
	LANGUAGE sql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT CASE WHEN jsonb_typeof(p) = 'array'
		    THEN ARRAY(SELECT jsonb_array_elements_text(p)) ELSE '{}'::text[] END
$$;

-- One event for one target. A target of kind external (Debezium) gets the
-- outbox row only; the others also a pending row and a notification.
CREATE FUNCTION core.outbox_write(p_target core.sync_target, p_aggregatetype text, p_aggregateid text,
				  p_type text, p_case uuid, p_payload jsonb) RETURNS uuid
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_id uuid;
	v_seq bigint;
BEGIN
	INSERT INTO core.outbox (aggregatetype, aggregateid, type, payload, target, case_id, status)
	VALUES (p_aggregatetype, p_aggregateid, p_type, p_payload, p_target.name, p_case,
		CASE WHEN p_target.kind = 'external' THEN 'external' ELSE 'pending' END)
	RETURNING id, seq INTO v_id, v_seq;
	IF p_target.kind <> 'external' THEN
		INSERT INTO core.outbox_pending (id, seq, target) VALUES (v_id, v_seq, p_target.name);
		-- Identical notifications of one transaction are folded into one.
		PERFORM pg_notify('counterdesk_sync', '');
	END IF;
	RETURN v_id;
END
$$;

-- The departments a case's data goes to: the item's departments and every
-- send_to of its fields and materials.
CREATE FUNCTION core.item_departments(p_def jsonb) RETURNS text[]
	LANGUAGE sql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT ARRAY(SELECT DISTINCT d FROM (
		SELECT unnest(core.json_texts(p_def -> 'departments')) AS d
		UNION ALL
		SELECT unnest(core.json_texts(f -> 'send_to'))
		FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p_def -> 'fields') = 'array'
					       THEN p_def -> 'fields' ELSE '[]' END) f
		UNION ALL
		SELECT unnest(core.json_texts(m -> 'send_to'))
		FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p_def -> 'materials') = 'array'
					       THEN p_def -> 'materials' ELSE '[]' END) m) x
		ORDER BY d)
$$;

-- The targets that receive a case's events: active, and sharing a
-- department with the item.
CREATE FUNCTION core.case_targets(p_case uuid) RETURNS SETOF core.sync_target
	LANGUAGE sql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT t.* FROM core.case c
	JOIN core.service_item i ON i.code = c.item_code AND i.version = c.item_version
	JOIN core.sync_target t ON t.active AND t.departments && core.item_departments(i.definition)
	WHERE c.id = p_case
	ORDER BY t.name
$$;

-- The case.accepted payload for one target (docs/sync.md): only the fields
-- and materials whose send_to meets the target's departments; personal
-- values sealed, with the associated data that binds each cipher.
CREATE FUNCTION core.outbox_case_payload(p_case uuid, p_target core.sync_target) RETURNS jsonb
	LANGUAGE sql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT jsonb_build_object(
		'event', 'case.accepted', 'case_id', c.id, 'case_no', c.case_no, 'centre', c.centre_code,
		'item', c.item_code, 'item_version', c.item_version, 'item_name', i.name_zh,
		'status', c.status, 'accepted_at', c.accepted_at, 'promised_date', c.promised_date,
		'commitment_due', c.commitment_due,
		'departments', to_jsonb(ARRAY(SELECT d FROM unnest(p_target.departments) d
					      WHERE d = ANY (core.item_departments(i.definition)) ORDER BY d)),
		'applicant', jsonb_strip_nulls(jsonb_build_object(
			'id', a.id, 'kind', a.kind, 'name', a.name, 'id_mask', a.id_mask, 'uscc', a.uscc,
			'id_no', CASE WHEN a.id_cipher IS NULL THEN NULL ELSE jsonb_build_object(
				'cipher', a.id_cipher, 'ad', 'applicant/id_no/' || a.id) END)),
		'fields', coalesce((
			SELECT jsonb_object_agg(f ->> 'key', c.fields -> (f ->> 'key'))
			FROM jsonb_array_elements(i.definition -> 'fields') f
			WHERE c.fields ? (f ->> 'key') AND core.json_texts(f -> 'send_to') && p_target.departments), '{}'),
		'personal', coalesce((
			SELECT jsonb_object_agg(f ->> 'key', jsonb_build_object(
				'cipher', c.personal -> (f ->> 'key') ->> 'cipher',
				'mask', c.personal -> (f ->> 'key') ->> 'mask',
				'ad', 'case/field:' || (f ->> 'key') || '/' || c.id))
			FROM jsonb_array_elements(i.definition -> 'fields') f
			WHERE c.personal ? (f ->> 'key') AND core.json_texts(f -> 'send_to') && p_target.departments), '{}'),
		'materials', coalesce((
			SELECT jsonb_agg(jsonb_build_object('code', m.code, 'name_zh', m.name_zh, 'status', m.status)
					 ORDER BY m.position)
			FROM core.case_material m
			JOIN jsonb_array_elements(i.definition -> 'materials') d ON d ->> 'code' = m.code
			WHERE m.case_id = c.id AND core.json_texts(d -> 'send_to') && p_target.departments), '[]'))
	FROM core.case c
	JOIN core.service_item i ON i.code = c.item_code AND i.version = c.item_version
	JOIN core.applicant a ON a.id = c.applicant_id
	WHERE c.id = p_case
$$;

CREATE FUNCTION core.outbox_on_acceptance() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	t core.sync_target;
	v_no text;
BEGIN
	SELECT c.case_no INTO v_no FROM core.case c WHERE c.id = NEW.case_id;
	FOR t IN SELECT * FROM core.case_targets(NEW.case_id) LOOP
		PERFORM core.outbox_write(t, 'case', v_no, 'case.accepted', NEW.case_id,
					  core.outbox_case_payload(NEW.case_id, t));
	END LOOP;
	RETURN NULL;
END
$$;

CREATE TRIGGER case_visit_outbox AFTER INSERT ON core.case_visit
	FOR EACH ROW WHEN (NEW.kind = 'acceptance') EXECUTE FUNCTION core.outbox_on_acceptance();

-- ---------------------------------------------------------------------------
-- Who may act as the worker: a member of cd_sync (or the set-up superuser).

CREATE FUNCTION core.require_sync() RETURNS void
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	IF core.is_setup_session() OR pg_has_role(session_user, 'cd_sync', 'MEMBER') THEN
		RETURN;
	END IF;
	RAISE EXCEPTION 'Only the sync worker may do this' USING ERRCODE = '42501', DETAIL = session_user;
END
$$;

-- ---------------------------------------------------------------------------
-- Targets

CREATE FUNCTION api.sync_targets_load(p_op uuid, p_targets jsonb)
	RETURNS TABLE (name text, kind text, departments text[], active boolean)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	t jsonb;
	i int := 0;
	v_names text[] := '{}';
	v_deps text[];
	v_bad text;
BEGIN
	PERFORM core.require_role('admin');
	IF NOT core.op_begin(p_op, 'api.sync_targets_load') THEN
		RETURN QUERY SELECT s.name, s.kind, s.departments, s.active FROM core.sync_target s ORDER BY s.name;
		RETURN;
	END IF;
	IF jsonb_typeof(p_targets) IS DISTINCT FROM 'array' THEN
		PERFORM core.malformed('p_targets');
	END IF;
	FOR t IN SELECT e FROM jsonb_array_elements(p_targets) e LOOP
		v_deps := core.json_texts(t -> 'departments');
		IF jsonb_typeof(t) <> 'object' OR coalesce(t ->> 'name', '') !~ '^[a-z][a-z0-9_]{0,31}$'
		   OR t ->> 'name' = ANY (v_names) THEN
			v_bad := format('[%s].name', i);
		ELSIF t ->> 'kind' IS NULL OR t ->> 'kind' NOT IN ('postgres', 'spool', 'external') THEN
			v_bad := format('[%s].kind', i);
		ELSIF cardinality(v_deps) = 0
		      OR EXISTS (SELECT 1 FROM unnest(v_deps) d
				 WHERE NOT EXISTS (SELECT 1 FROM core.department x WHERE x.code = d)) THEN
			v_bad := format('[%s].departments', i);
		END IF;
		IF v_bad IS NOT NULL THEN
			RAISE EXCEPTION 'Invalid sync target' USING ERRCODE = '22023', DETAIL = v_bad;
		END IF;
		INSERT INTO core.sync_target AS s (name, kind, departments, active)
		VALUES (t ->> 'name', t ->> 'kind', v_deps, true)
		ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, departments = EXCLUDED.departments,
			active = true, loaded_at = now(), loaded_by = session_user;
		v_names := v_names || (t ->> 'name');
		i := i + 1;
	END LOOP;
	UPDATE core.sync_target s SET active = false, loaded_at = now(), loaded_by = session_user
	WHERE s.active AND NOT s.name = ANY (v_names);
	PERFORM core.audit_write('sync_targets_load', 'sync',
		jsonb_build_object('targets', to_jsonb(v_names)));
	RETURN QUERY SELECT s.name, s.kind, s.departments, s.active FROM core.sync_target s ORDER BY s.name;
END
$$;

-- ---------------------------------------------------------------------------
-- The worker's side

-- Claims up to p_limit due events of p_targets for p_lease_seconds. One
-- statement: the row locks end with it; the lease is what keeps another
-- worker off until the report (or until it expires after a crash).
-- vals[k] is the member of the payload that path p_paths[k] ('a.b') names,
-- as text (a string as is, anything else as JSON): the server picks the
-- targets' parameters out, so the worker never parses a payload.
CREATE FUNCTION api.sync_claim(p_worker text, p_targets text[], p_limit int, p_lease_seconds int,
			       p_paths text[] DEFAULT '{}')
	RETURNS TABLE (id uuid, target text, type text, aggregatetype text, aggregateid text,
		       created_at timestamptz, attempts int, payload jsonb, vals text[])
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
	-- Compiling a plan for a batch costs more than running it.
	SET jit = off
AS $$
#variable_conflict use_column
BEGIN
	PERFORM core.require_sync();
	RETURN QUERY
	WITH c AS (
		SELECT p.id FROM core.outbox_pending p
		WHERE p.next_attempt_at <= now() AND p.target = ANY (p_targets)
		  AND (p.lease_until IS NULL OR p.lease_until < now())
		ORDER BY p.next_attempt_at, p.seq
		LIMIT least(greatest(coalesce(p_limit, 100), 1), 10000)
		FOR UPDATE SKIP LOCKED
	), l AS (
		UPDATE core.outbox_pending p
		SET lease_until = now() + make_interval(secs => greatest(coalesce(p_lease_seconds, 60), 1)),
		    leased_by = p_worker
		FROM c WHERE p.id = c.id
		RETURNING p.id, p.target, p.attempts, p.seq
	)
	SELECT o.id, o.target, o.type, o.aggregatetype, o.aggregateid, o.created_at, l.attempts, o.payload,
	       ARRAY(SELECT o.payload #>> string_to_array(x.path, '.')
		     FROM unnest(coalesce(p_paths, '{}')) WITH ORDINALITY AS x(path, n) ORDER BY x.n)
	FROM l JOIN core.outbox o ON o.id = l.id
	ORDER BY l.seq;
END
$$;

-- What became of a claimed batch. p_done: delivered. p_failed with, per
-- event, the error, the delay before the next attempt (NULL: dead), and
-- whether the attempt counts (the target refused that event) or not (the
-- target could not be reached: the event waits, its attempts unchanged).
CREATE FUNCTION api.sync_report(p_worker text, p_done uuid[], p_failed uuid[], p_errors text[],
				p_retry_in float8[], p_counted boolean[])
	RETURNS TABLE (delivered int, failed int, dead int)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
	-- Compiling a plan for a batch costs more than running it.
	SET jit = off
AS $$
#variable_conflict use_column
DECLARE
	v_done int := 0;
	v_failed int := 0;
	v_dead int := 0;
BEGIN
	PERFORM core.require_sync();
	IF cardinality(p_done) > 0 THEN
		-- A second report of the same event (its lease had expired) finds
		-- no pending row and records nothing.
		WITH d AS (DELETE FROM core.outbox_pending p WHERE p.id = ANY (p_done)
			   RETURNING p.id, p.target, p.attempts)
		INSERT INTO core.outbox_delivery (id, target, delivered_by, attempts)
		SELECT d.id, d.target, p_worker, d.attempts + 1 FROM d;
		GET DIAGNOSTICS v_done = ROW_COUNT;
	END IF;
	IF cardinality(p_failed) > 0 THEN
		WITH f AS (
			SELECT * FROM unnest(p_failed, p_errors, p_retry_in, p_counted) AS f(id, error, retry_in, counted)
		), gone AS (
			DELETE FROM core.outbox_pending p USING f
			WHERE p.id = f.id AND f.counted AND f.retry_in IS NULL
			RETURNING p.id, p.attempts, f.error
		), dead AS (
			UPDATE core.outbox o SET status = 'dead', attempts = gone.attempts + 1,
				last_error = left(gone.error, 2000)
			FROM gone WHERE o.id = gone.id AND o.status = 'pending'
			RETURNING o.id
		), upd AS (
			UPDATE core.outbox_pending p SET
				attempts = p.attempts + CASE WHEN f.counted THEN 1 ELSE 0 END,
				last_error = left(f.error, 2000), last_attempt_at = now(),
				next_attempt_at = now() + make_interval(secs => greatest(coalesce(f.retry_in, 1), 0)),
				lease_until = NULL, leased_by = NULL
			FROM f WHERE p.id = f.id AND NOT (f.counted AND f.retry_in IS NULL)
			RETURNING p.id
		)
		SELECT (SELECT count(*) FROM upd)::int, (SELECT count(*) FROM dead)::int INTO v_failed, v_dead;
	END IF;
	IF v_done + v_failed + v_dead > 0 THEN
		PERFORM pg_notify('counterdesk_sync_status', '');
	END IF;
	RETURN QUERY SELECT v_done, v_failed, v_dead;
END
$$;

-- Seconds until the next pending event of these targets is due (0 when one
-- is due now), NULL when there is none: how long an idle worker may sleep.
CREATE FUNCTION api.sync_next_due(p_targets text[]) RETURNS float8
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	PERFORM core.require_sync();
	RETURN (SELECT greatest(extract(epoch FROM min(greatest(p.next_attempt_at, coalesce(p.lease_until, p.next_attempt_at))) - now()), 0)::float8
		FROM core.outbox_pending p WHERE p.target = ANY (p_targets));
END
$$;

-- ---------------------------------------------------------------------------
-- Watching and retrying

CREATE FUNCTION api.sync_status()
	RETURNS TABLE (target text, backlog int, oldest_pending_seconds int, delivered_today int,
		       failing int, dead int, last_error text)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_midnight timestamptz := core.today()::timestamp AT TIME ZONE core.setting_text('time_zone', 'Asia/Shanghai');
BEGIN
	IF NOT pg_has_role(session_user, 'cd_sync', 'MEMBER') THEN
		PERFORM core.require_role('supervisor', 'admin');
	END IF;
	RETURN QUERY
	SELECT t.name,
	       coalesce(p.backlog, 0), p.oldest, coalesce(dl.n, 0), coalesce(p.failing, 0),
	       coalesce(dd.n, 0), coalesce(p.last_error, dd.last_error)
	FROM core.sync_target t
	LEFT JOIN LATERAL (
		SELECT count(*)::int AS backlog,
		       extract(epoch FROM now() - min(o.created_at))::int AS oldest,
		       count(*) FILTER (WHERE x.last_error IS NOT NULL)::int AS failing,
		       (array_agg(x.last_error ORDER BY x.last_attempt_at DESC)
			FILTER (WHERE x.last_error IS NOT NULL))[1] AS last_error
		FROM core.outbox_pending x JOIN core.outbox o ON o.id = x.id
		WHERE x.target = t.name) p ON true
	LEFT JOIN LATERAL (
		SELECT count(*)::int AS n FROM core.outbox_delivery d
		WHERE d.target = t.name AND d.delivered_at >= v_midnight) dl ON true
	LEFT JOIN LATERAL (
		SELECT count(*)::int AS n, (array_agg(o.last_error ORDER BY o.seq DESC))[1] AS last_error
		FROM core.outbox o WHERE o.target = t.name AND o.status = 'dead') dd ON true
	WHERE t.active OR p.backlog > 0 OR dd.n > 0
	ORDER BY t.name;
END
$$;

-- Failing (pending with an error) and dead events, dead first, newest first.
CREATE FUNCTION api.sync_problems(p_target text DEFAULT NULL, p_limit int DEFAULT 100)
	RETURNS TABLE (id uuid, target text, type text, aggregateid text, status text, attempts int,
		       last_error text, created_at timestamptz, next_attempt_at timestamptz)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM core.require_role('supervisor', 'admin');
	RETURN QUERY
	SELECT * FROM (
		(SELECT o.id, o.target, o.type, o.aggregateid, o.status, o.attempts, o.last_error,
			o.created_at, NULL::timestamptz
		 FROM core.outbox o
		 WHERE o.status = 'dead' AND (p_target IS NULL OR o.target = p_target)
		 ORDER BY o.seq DESC LIMIT least(greatest(coalesce(p_limit, 100), 1), 500))
		UNION ALL
		(SELECT o.id, o.target, o.type, o.aggregateid, 'failing', x.attempts, x.last_error,
			o.created_at, x.next_attempt_at
		 FROM core.outbox_pending x JOIN core.outbox o ON o.id = x.id
		 WHERE x.last_error IS NOT NULL AND (p_target IS NULL OR x.target = p_target)
		 ORDER BY x.seq DESC LIMIT least(greatest(coalesce(p_limit, 100), 1), 500))) r
	ORDER BY r.status = 'failing', r.created_at DESC
	LIMIT least(greatest(coalesce(p_limit, 100), 1), 500);
END
$$;

-- Back to pending, due now, attempts from 0: one event (p_id), or every
-- dead and failing event of p_target. Returns how many.
CREATE FUNCTION api.sync_retry(p_op uuid, p_id uuid, p_target text) RETURNS int
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_status text;
	v_n int := 0;
	v_m int := 0;
BEGIN
	PERFORM core.require_role('supervisor', 'admin');
	IF NOT core.op_begin(p_op, 'api.sync_retry') THEN
		RETURN (SELECT (a.detail ->> 'events')::int FROM core.audit a
			WHERE a.action = 'sync_retry' AND a.detail ->> 'op' = p_op::text LIMIT 1);
	END IF;
	IF p_id IS NOT NULL THEN
		SELECT CASE WHEN EXISTS (SELECT 1 FROM core.outbox_delivery d WHERE d.id = o.id)
			    THEN 'delivered' ELSE o.status END
		INTO v_status FROM core.outbox o WHERE o.id = p_id FOR UPDATE;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'No such outbox event' USING ERRCODE = 'P0002', DETAIL = p_id::text;
		END IF;
		IF v_status IN ('delivered', 'external') THEN
			RAISE EXCEPTION 'That event was already delivered' USING ERRCODE = '22023', DETAIL = p_id::text;
		END IF;
	ELSIF p_target IS NULL OR NOT EXISTS (SELECT 1 FROM core.sync_target t WHERE t.name = p_target) THEN
		RAISE EXCEPTION 'Unknown sync target' USING ERRCODE = '22023', DETAIL = coalesce(p_target, '');
	END IF;
	-- Dead events come back into the pending set ...
	WITH d AS (
		UPDATE core.outbox o SET status = 'pending', attempts = 0
		WHERE o.status = 'dead' AND (o.id = p_id OR (p_id IS NULL AND o.target = p_target))
		RETURNING o.id, o.seq, o.target, o.last_error
	)
	INSERT INTO core.outbox_pending (id, seq, target, last_error)
	SELECT d.id, d.seq, d.target, d.last_error FROM d;
	GET DIAGNOSTICS v_n = ROW_COUNT;
	-- ... and failing ones are due at once.
	UPDATE core.outbox_pending p SET next_attempt_at = now(), attempts = 0
	WHERE p.last_error IS NOT NULL AND (p.lease_until IS NULL OR p.lease_until < now())
	  AND (p.id = p_id OR (p_id IS NULL AND p.target = p_target))
	  AND p.next_attempt_at > now();
	GET DIAGNOSTICS v_m = ROW_COUNT;
	IF v_n + v_m > 0 THEN
		PERFORM pg_notify('counterdesk_sync', '');
	END IF;
	PERFORM core.audit_write('sync_retry', 'sync:' || coalesce(p_id::text, p_target),
		jsonb_build_object('op', p_op, 'events', v_n + v_m));
	RETURN v_n + v_m;
END
$$;

-- Per target, where a case's data went (the case screen).
CREATE FUNCTION api.case_deliveries(p_case_no text)
	RETURNS TABLE (target text, departments text[], events int, delivered int, dead int,
		       last_delivered_at timestamptz, last_error text)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_case uuid;
BEGIN
	PERFORM core.require_role('clerk', 'supervisor');
	SELECT c.id INTO v_case FROM core.case c WHERE c.case_no = btrim(p_case_no);
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such case' USING ERRCODE = 'P0002', DETAIL = coalesce(p_case_no, '');
	END IF;
	RETURN QUERY
	SELECT o.target, t.departments, count(*)::int,
	       count(*) FILTER (WHERE d.id IS NOT NULL OR o.status = 'external')::int,
	       count(*) FILTER (WHERE o.status = 'dead')::int,
	       max(d.delivered_at),
	       (array_agg(coalesce(p.last_error, o.last_error) ORDER BY o.seq DESC)
		FILTER (WHERE coalesce(p.last_error, o.last_error) IS NOT NULL))[1]
	FROM core.outbox o
	JOIN core.sync_target t ON t.name = o.target
	LEFT JOIN core.outbox_pending p ON p.id = o.id
	LEFT JOIN core.outbox_delivery d ON d.id = o.id
	WHERE o.case_id = v_case
	GROUP BY o.target, t.departments
	ORDER BY o.target;
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.sync_targets_load(uuid, jsonb) TO cd_admin;
GRANT EXECUTE ON FUNCTION api.sync_claim(text, text[], int, int, text[]) TO cd_sync;
GRANT EXECUTE ON FUNCTION api.sync_report(text, uuid[], uuid[], text[], float8[], boolean[]) TO cd_sync;
GRANT EXECUTE ON FUNCTION api.sync_next_due(text[]) TO cd_sync;
GRANT EXECUTE ON FUNCTION api.sync_status() TO cd_supervisor, cd_admin, cd_sync;
GRANT EXECUTE ON FUNCTION api.sync_problems(text, int) TO cd_supervisor, cd_admin;
GRANT EXECUTE ON FUNCTION api.sync_retry(uuid, uuid, text) TO cd_supervisor, cd_admin;
GRANT EXECUTE ON FUNCTION api.case_deliveries(text) TO cd_clerk, cd_supervisor;

RESET ROLE;
