-- 051_routing_api: the api functions of the back office (docs/routing.md):
-- the reviewer's queue, taking and claiming, deciding, reassigning, the
-- clerk's side (correction received, handover) and the case timeline. The
-- tables, clocks and policies are in 050_routing.sql.
--
-- Replays: a retried operation id changes nothing and answers from what the
-- first call recorded (the events carry the operation id).
--
-- Audit: 'task_decide' (object task:<id>; detail case, decision,
-- department, to), 'task_reassign' (object task:<id>), 'case_correction'
-- and 'case_handover' (object case:<case_no>). Taking, claiming, releasing
-- and notes are recorded in the timeline only, so that taking the next task
-- never queues behind the audit chain's head.

SET ROLE cd_owner;

-- ---------------------------------------------------------------------------
-- Internal helpers

-- Idle claims of department p_dept (past claim_expires_at at p_at) go back
-- to the ready set, each with a claim_expired event. Rows another
-- transaction holds are left for it. Returns how many.
CREATE FUNCTION core.task_expire_claims(p_dept text, p_at timestamptz) RETURNS int
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	n int;
BEGIN
	WITH x AS (
		SELECT t.id, t.claimed_by FROM core.task t
		WHERE t.dept_code = p_dept AND t.status = 'claimed' AND t.claim_expires_at <= p_at
		FOR UPDATE SKIP LOCKED
	), u AS (
		UPDATE core.task t SET status = 'open', claimed_by = NULL, claimed_at = NULL,
			claim_expires_at = NULL
		FROM x WHERE t.id = x.id
		RETURNING t.id, t.case_id, t.dept_code, t.due_at, x.claimed_by AS was
	), r AS (
		INSERT INTO core.task_ready (task_id, dept_code, due_at)
		SELECT u.id, u.dept_code, u.due_at FROM u
	), e AS (
		INSERT INTO core.case_event (case_id, kind, task_id, dept_code, note, detail)
		SELECT u.case_id, 'claim_expired', u.id, u.dept_code, u.was, jsonb_build_object('held_by', u.was)
		FROM u
	)
	SELECT count(*)::int INTO n FROM u;
	RETURN n;
END
$$;

-- Marks task p_id (already out of the ready set and locked by the caller)
-- claimed by the caller.
CREATE FUNCTION core.task_mark_claimed(p_id bigint, p_op uuid) RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	WITH u AS (
		UPDATE core.task t SET status = 'claimed', claimed_by = session_user, claimed_at = now(),
			claim_expires_at = now() + core.claim_idle(),
			signed_at = coalesce(t.signed_at, now())
		WHERE t.id = p_id
		RETURNING t.case_id, t.dept_code
	)
	INSERT INTO core.case_event (case_id, kind, task_id, dept_code, op_id)
	SELECT u.case_id, 'claimed', p_id, u.dept_code, p_op FROM u;
END
$$;

-- The reason of a decision, trimmed; required unless p_optional.
CREATE FUNCTION core.task_reason(p_reason text, p_optional boolean) RETURNS text
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v text := nullif(btrim(p_reason), '');
BEGIN
	IF v IS NULL AND NOT p_optional THEN
		RAISE EXCEPTION 'A reason is required' USING ERRCODE = '22023', DETAIL = 'reason';
	END IF;
	IF char_length(v) > 2000 THEN
		RAISE EXCEPTION 'Text too long for the field' USING ERRCODE = '22023', DETAIL = 'reason';
	END IF;
	RETURN v;
END
$$;

-- A task the caller may read, or 'Unknown task'.
CREATE FUNCTION core.task_find(p_id bigint) RETURNS core.task
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	t core.task;
BEGIN
	SELECT x.* INTO t FROM core.task x WHERE x.id = p_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'Unknown task' USING ERRCODE = 'P0002', DETAIL = coalesce(p_id::text, '');
	END IF;
	RETURN t;
END
$$;

-- The task of an operation that was already done (a replay).
CREATE FUNCTION core.task_of_op(p_op uuid) RETURNS bigint
	LANGUAGE sql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT e.task_id FROM core.case_event e
	WHERE e.op_id = p_op AND e.task_id IS NOT NULL AND e.actor = session_user
	ORDER BY e.id LIMIT 1
$$;

-- ---------------------------------------------------------------------------
-- The queue. The reading functions run with jit = off: the row-level
-- security sub-plans make the planner's estimates of a queue query large
-- enough to trigger JIT compilation (a quarter of a second) for a query
-- that reads a few hundred rows.

CREATE FUNCTION api.task_list(p_dept text, p_status text, p_item text, p_overdue boolean,
			      p_mine boolean, p_after_due timestamptz, p_after_id bigint, p_limit int)
	RETURNS SETOF api.task_row
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
	SET jit = off
AS $$
DECLARE
	me core.staff;
	v_dept text;
	v_limit int := least(greatest(coalesce(p_limit, 50), 1), 500);
	v_due timestamptz := coalesce(p_after_due, '-infinity');
	v_id bigint := coalesce(p_after_id, 0);
	v_ids bigint[];
BEGIN
	PERFORM core.require_role('reviewer', 'supervisor');
	me := core.actor();
	IF p_status IS NOT NULL AND p_status NOT IN ('open', 'claimed', 'returned', 'unclaimed') THEN
		RAISE EXCEPTION 'Unknown task status' USING ERRCODE = '22023', DETAIL = p_status;
	END IF;
	IF me.role = 'reviewer' THEN
		v_dept := me.dept_code;
	ELSE
		v_dept := nullif(btrim(upper(p_dept)), '');
	END IF;
	IF p_after_due IS NULL THEN
		v_id := 0;
	END IF;
	IF v_dept IS NOT NULL THEN
		SELECT array_agg(x.id ORDER BY x.due_at, x.id) INTO v_ids FROM (
			SELECT t.id, t.due_at FROM core.task t
			WHERE t.dept_code = v_dept AND t.status IN ('open', 'claimed', 'returned')
			  AND (t.due_at, t.id) > (v_due, v_id)
			  AND (p_status IS NULL OR CASE p_status
				WHEN 'unclaimed' THEN t.status = 'open' OR (t.status = 'claimed' AND t.claim_expires_at <= now())
				WHEN 'claimed' THEN t.status = 'claimed' AND t.claim_expires_at > now()
				WHEN 'open' THEN t.status = 'open' OR (t.status = 'claimed' AND t.claim_expires_at <= now())
				ELSE t.status = p_status END)
			  AND (p_item IS NULL OR t.item_code = p_item)
			  AND (NOT coalesce(p_overdue, false) OR (t.status <> 'returned' AND t.due_at <= now()))
			  AND (NOT coalesce(p_mine, false) OR (t.claimed_by = session_user AND t.claim_expires_at > now()))
			ORDER BY t.due_at, t.id
			LIMIT v_limit) x;
	ELSE
		SELECT array_agg(x.id ORDER BY x.due_at, x.id) INTO v_ids FROM (
			SELECT t.id, t.due_at FROM core.task t
			WHERE t.status IN ('open', 'claimed', 'returned')
			  AND (t.due_at, t.id) > (v_due, v_id)
			  AND (p_status IS NULL OR CASE p_status
				WHEN 'unclaimed' THEN t.status = 'open' OR (t.status = 'claimed' AND t.claim_expires_at <= now())
				WHEN 'claimed' THEN t.status = 'claimed' AND t.claim_expires_at > now()
				WHEN 'open' THEN t.status = 'open' OR (t.status = 'claimed' AND t.claim_expires_at <= now())
				ELSE t.status = p_status END)
			  AND (p_item IS NULL OR t.item_code = p_item)
			  AND (NOT coalesce(p_overdue, false) OR (t.status <> 'returned' AND t.due_at <= now()))
			  AND (NOT coalesce(p_mine, false) OR (t.claimed_by = session_user AND t.claim_expires_at > now()))
			ORDER BY t.due_at, t.id
			LIMIT v_limit) x;
	END IF;
	RETURN QUERY SELECT * FROM core.task_rows(coalesce(v_ids, '{}'));
END
$$;

CREATE FUNCTION api.task_get(p_task_id bigint) RETURNS SETOF api.task_row
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
	SET jit = off
AS $$
DECLARE
	me core.staff;
	t core.task;
BEGIN
	PERFORM core.require_role('reviewer', 'supervisor');
	me := core.actor();
	t := core.task_find(p_task_id);
	IF me.role = 'reviewer' AND t.dept_code IS DISTINCT FROM me.dept_code THEN
		RAISE EXCEPTION 'Unknown task' USING ERRCODE = 'P0002', DETAIL = p_task_id::text;
	END IF;
	RETURN QUERY SELECT * FROM core.task_rows(ARRAY[t.id]);
END
$$;

-- Counts for the queue header and the dashboard: one scan of the partial
-- index of unfinished tasks per department (index only: its INCLUDE
-- columns hold what is counted), never the finished tasks. Supervisors get
-- every department with unfinished tasks or reviewers.
CREATE FUNCTION api.task_dept_summary()
	RETURNS TABLE (dept_code text, dept_name text, open int, claimed int, returned int,
		       yellow int, red int, unclaimed_late int)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
	SET jit = off
AS $$
#variable_conflict use_column
DECLARE
	me core.staff;
BEGIN
	PERFORM core.require_role('reviewer', 'supervisor');
	me := core.actor();
	RETURN QUERY
	SELECT d.code, d.name, n.open, n.claimed, n.returned, n.yellow, n.red, n.unclaimed_late
	FROM core.department d
	CROSS JOIN LATERAL (
		SELECT count(*)::int AS total,
		       count(*) FILTER (WHERE t.status = 'open' OR (t.status = 'claimed' AND t.claim_expires_at <= now()))::int AS open,
		       count(*) FILTER (WHERE t.status = 'claimed' AND t.claim_expires_at > now())::int AS claimed,
		       count(*) FILTER (WHERE t.status = 'returned')::int AS returned,
		       count(*) FILTER (WHERE t.status <> 'returned' AND now() >= t.yellow_at AND now() < t.due_at)::int AS yellow,
		       count(*) FILTER (WHERE t.status <> 'returned' AND now() >= t.due_at)::int AS red,
		       count(*) FILTER (WHERE t.status = 'open' AND t.signed_at IS NULL AND now() >= t.sign_due_at)::int AS unclaimed_late
		FROM core.task t
		WHERE t.dept_code = d.code AND t.status IN ('open', 'claimed', 'returned')
	) n
	WHERE (me.role = 'reviewer' AND d.code = me.dept_code)
	   OR (me.role <> 'reviewer' AND (n.total > 0
					  OR EXISTS (SELECT 1 FROM core.staff s WHERE s.dept_code = d.code AND s.role = 'reviewer')))
	ORDER BY d.code;
END
$$;

-- Supervisors: red tasks of every department, and tasks nobody took up
-- within the sign-for clock; soonest deadline first.
CREATE FUNCTION api.task_overdue(p_limit int) RETURNS SETOF api.task_row
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
	SET jit = off
AS $$
DECLARE
	v_limit int := least(greatest(coalesce(p_limit, 100), 1), 500);
	v_ids bigint[];
BEGIN
	PERFORM core.require_role('supervisor');
	SELECT array_agg(x.id ORDER BY x.due_at, x.id) INTO v_ids FROM (
		SELECT u.id, u.due_at FROM (
			(SELECT t.id, t.due_at FROM core.task t
			 WHERE t.status IN ('open', 'claimed', 'returned') AND t.status <> 'returned'
			   AND t.due_at <= now()
			 ORDER BY t.due_at, t.id LIMIT v_limit)
			UNION
			(SELECT t.id, t.due_at FROM core.task t
			 WHERE t.status = 'open' AND t.signed_at IS NULL AND t.sign_due_at <= now()
			 ORDER BY t.due_at, t.id LIMIT v_limit)) u
		ORDER BY u.due_at, u.id LIMIT v_limit) x;
	RETURN QUERY SELECT * FROM core.task_rows(coalesce(v_ids, '{}'));
END
$$;

-- ---------------------------------------------------------------------------
-- Taking and claiming

-- The most urgent unclaimed task of the caller's department (no row when
-- there is none). Lean on purpose: one staff look-up, the operation id, a
-- look for idle claims, one DELETE ... RETURNING from the ready set, one
-- UPDATE, one event, one notification; no audit row.
CREATE FUNCTION api.task_take_next(p_op uuid) RETURNS SETOF api.task_row
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER ROWS 1
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_dept text;
	v_id bigint;
BEGIN
	-- core.reviewer_dept(), written out: this is the hot path.
	SELECT s.dept_code INTO v_dept FROM core.staff s
	WHERE s.login = session_user AND s.active AND s.role = 'reviewer';
	IF v_dept IS NULL THEN
		v_dept := core.reviewer_dept();  -- raises the right refusal
	END IF;
	IF NOT core.op_begin(p_op, 'api.task_take_next') THEN
		RETURN QUERY SELECT * FROM core.task_rows(ARRAY[core.task_of_op(p_op)]);
		RETURN;
	END IF;
	-- Idle claims go back first (one probe of a small partial index).
	IF EXISTS (SELECT 1 FROM core.task t
		   WHERE t.dept_code = v_dept AND t.status = 'claimed' AND t.claim_expires_at <= now()) THEN
		PERFORM core.task_expire_claims(v_dept, now());
	END IF;
	DELETE FROM core.task_ready r
	WHERE r.task_id = (SELECT x.task_id FROM core.task_ready x
			   WHERE x.dept_code = v_dept
			   ORDER BY x.due_at, x.task_id
			   LIMIT 1 FOR UPDATE SKIP LOCKED)
	RETURNING r.task_id INTO v_id;
	IF v_id IS NULL THEN
		RETURN;
	END IF;
	WITH u AS (
		UPDATE core.task t SET status = 'claimed', claimed_by = session_user, claimed_at = now(),
			claim_expires_at = now() + core.claim_idle(), signed_at = coalesce(t.signed_at, now())
		WHERE t.id = v_id
		RETURNING t.case_id
	)
	INSERT INTO core.case_event (case_id, kind, task_id, dept_code, op_id)
	SELECT u.case_id, 'claimed', v_id, v_dept, p_op FROM u;
	PERFORM core.task_notify_claim(v_dept);
	RETURN QUERY SELECT o.* FROM core.task_out o WHERE o.id = v_id;
END
$$;

-- A specific task of the caller's department. An idle claim of another
-- reviewer is taken over; one's own claim is renewed.
CREATE FUNCTION api.task_claim(p_op uuid, p_task_id bigint) RETURNS SETOF api.task_row
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_dept text := core.reviewer_dept();
	v_id bigint;
	t core.task;
BEGIN
	IF NOT core.op_begin(p_op, 'api.task_claim') THEN
		RETURN QUERY SELECT * FROM core.task_rows(ARRAY[coalesce(core.task_of_op(p_op), p_task_id)]);
		RETURN;
	END IF;
	-- Lock order: the ready row, then the task.
	DELETE FROM core.task_ready r WHERE r.task_id = p_task_id AND r.dept_code = v_dept
	RETURNING r.task_id INTO v_id;
	SELECT x.* INTO t FROM core.task x WHERE x.id = p_task_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'Unknown task' USING ERRCODE = 'P0002', DETAIL = coalesce(p_task_id::text, '');
	END IF;
	IF v_id IS NULL THEN
		IF t.dept_code IS DISTINCT FROM v_dept THEN
			RAISE EXCEPTION 'You do not have the rights for this operation'
				USING ERRCODE = '42501', DETAIL = 'task ' || p_task_id::text || ' is in ' || t.dept_code;
		ELSIF t.status IN ('approved', 'rejected', 'cancelled') THEN
			RAISE EXCEPTION 'The task is already decided' USING ERRCODE = '55000', DETAIL = t.status;
		ELSIF t.status IN ('waiting', 'returned') THEN
			RAISE EXCEPTION 'The task is not open' USING ERRCODE = '55000', DETAIL = t.status;
		ELSIF t.status = 'claimed' AND t.claimed_by <> session_user AND t.claim_expires_at > now() THEN
			RAISE EXCEPTION 'Another reviewer holds this task'
				USING ERRCODE = '55P03', DETAIL = t.claimed_by;
		ELSIF t.status = 'claimed' AND t.claimed_by <> session_user THEN
			PERFORM core.case_event_add(t.case_id, 'claim_expired', t.id, t.dept_code, t.claimed_by,
				jsonb_build_object('held_by', t.claimed_by), NULL);
		ELSIF t.status = 'open' THEN
			-- Open again since the DELETE above looked (an idle claim
			-- put back by a take next that committed meanwhile). Its
			-- ready row is ours unless another take next holds it:
			-- never wait for that one (it waits for this task row).
			DELETE FROM core.task_ready r
			WHERE r.task_id = (SELECT x.task_id FROM core.task_ready x WHERE x.task_id = t.id
					   FOR UPDATE SKIP LOCKED)
			RETURNING r.task_id INTO v_id;
			IF v_id IS NULL THEN
				RAISE EXCEPTION 'Another reviewer holds this task'
					USING ERRCODE = '55P03', DETAIL = 'being taken';
			END IF;
		END IF;
	END IF;
	PERFORM core.task_mark_claimed(t.id, p_op);
	PERFORM core.task_notify_claim(v_dept);
	RETURN QUERY SELECT * FROM core.task_rows(ARRAY[t.id]);
END
$$;

-- The holder gives the task back to the ready set.
CREATE FUNCTION api.task_release(p_op uuid, p_task_id bigint) RETURNS SETOF api.task_row
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_dept text := core.reviewer_dept();
	t core.task;
BEGIN
	IF NOT core.op_begin(p_op, 'api.task_release') THEN
		RETURN QUERY SELECT * FROM core.task_rows(ARRAY[p_task_id]);
		RETURN;
	END IF;
	SELECT x.* INTO t FROM core.task x WHERE x.id = p_task_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'Unknown task' USING ERRCODE = 'P0002', DETAIL = coalesce(p_task_id::text, '');
	END IF;
	IF t.status IN ('approved', 'rejected', 'cancelled') THEN
		RAISE EXCEPTION 'The task is already decided' USING ERRCODE = '55000', DETAIL = t.status;
	END IF;
	IF t.status <> 'claimed' OR t.claimed_by <> session_user THEN
		RAISE EXCEPTION 'You do not hold this task' USING ERRCODE = '42501', DETAIL = p_task_id::text;
	END IF;
	UPDATE core.task x SET status = 'open', claimed_by = NULL, claimed_at = NULL, claim_expires_at = NULL
	WHERE x.id = t.id;
	INSERT INTO core.task_ready (task_id, dept_code, due_at) VALUES (t.id, t.dept_code, t.due_at);
	PERFORM core.case_event_add(t.case_id, 'released', t.id, t.dept_code, NULL, '{}', p_op);
	PERFORM core.task_notify(ARRAY[v_dept, t.dept_code]);
	RETURN QUERY SELECT * FROM core.task_rows(ARRAY[t.id]);
END
$$;

-- ---------------------------------------------------------------------------
-- Deciding

CREATE FUNCTION api.task_decide(p_op uuid, p_task_id bigint, p_decision text, p_reason text,
				p_to_dept text DEFAULT NULL)
	RETURNS TABLE (task_status text, case_status text, started int)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_dept text := core.reviewer_dept();
	v_decision text := lower(btrim(p_decision));
	v_reason text;
	v_to text;
	v_case_id uuid;
	c core.case;
	t core.task;
	v_next int;
	v_ids bigint[];
	v_depts text[] := '{}';
	v_started int := 0;
	v_case_status text;
	v_kind text;
	v_h record;
	k record;
BEGIN
	IF NOT core.op_begin(p_op, 'api.task_decide') THEN
		RETURN QUERY
		SELECT x.status, k2.status,
		       (SELECT count(*)::int FROM core.case_event s WHERE s.op_id = p_op AND s.kind = 'task_started')
		FROM core.case_event e JOIN core.task x ON x.id = e.task_id JOIN core.case k2 ON k2.id = x.case_id
		WHERE e.op_id = p_op AND e.actor = session_user
		  AND e.kind IN ('approved', 'returned', 'rejected', 'transferred', 'note')
		ORDER BY e.id LIMIT 1;
		RETURN;
	END IF;
	IF v_decision IS NULL OR v_decision NOT IN ('approve', 'return', 'reject', 'transfer', 'note') THEN
		RAISE EXCEPTION 'Unknown decision' USING ERRCODE = '22023', DETAIL = coalesce(p_decision, '');
	END IF;
	v_reason := core.task_reason(p_reason, v_decision = 'approve');

	-- Lock order: the case, then the task.
	SELECT x.case_id INTO v_case_id FROM core.task x WHERE x.id = p_task_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'Unknown task' USING ERRCODE = 'P0002', DETAIL = coalesce(p_task_id::text, '');
	END IF;
	SELECT k3.* INTO c FROM core.case k3 WHERE k3.id = v_case_id FOR UPDATE;
	SELECT x.* INTO t FROM core.task x WHERE x.id = p_task_id FOR UPDATE;
	IF t.status IN ('approved', 'rejected', 'cancelled') THEN
		RAISE EXCEPTION 'The task is already decided' USING ERRCODE = '55000', DETAIL = t.status;
	END IF;
	IF t.status <> 'claimed' OR t.claimed_by <> session_user THEN
		RAISE EXCEPTION 'You do not hold this task' USING ERRCODE = '42501', DETAIL = p_task_id::text;
	END IF;
	IF v_decision = 'transfer' THEN
		v_to := upper(btrim(p_to_dept));
		IF v_to IS NULL OR NOT EXISTS (SELECT 1 FROM core.department d WHERE d.code = v_to) THEN
			RAISE EXCEPTION 'Unknown department' USING ERRCODE = '22023', DETAIL = coalesce(p_to_dept, '');
		END IF;
		IF v_to = t.dept_code THEN
			RAISE EXCEPTION 'The task is already in that department' USING ERRCODE = '22023', DETAIL = v_to;
		END IF;
	END IF;
	v_case_status := c.status;

	IF v_decision = 'note' THEN
		UPDATE core.task x SET claim_expires_at = now() + core.claim_idle()
		WHERE x.id = t.id;
		PERFORM core.case_event_add(c.id, 'note', t.id, t.dept_code, v_reason, '{}', p_op);
		RETURN QUERY SELECT 'claimed'::text, v_case_status, 0;
		RETURN;
	END IF;

	IF v_decision = 'approve' THEN
		UPDATE core.task x SET status = 'approved', claimed_by = NULL, claimed_at = NULL, claim_expires_at = NULL,
			decided_at = now(), decided_by = session_user, decision = 'approve', reason = v_reason,
			on_time = now() <= x.due_at
		WHERE x.id = t.id;
		v_kind := 'approved';
		PERFORM core.case_event_add(c.id, v_kind, t.id, t.dept_code, v_reason, '{}', p_op);
		-- The group is done when none of its tasks is unfinished; then the
		-- next group starts, or the case is complete.
		IF NOT EXISTS (SELECT 1 FROM core.task x WHERE x.case_id = c.id AND x.step_group = t.step_group
			       AND x.status IN ('open', 'claimed', 'returned', 'waiting')) THEN
			SELECT min(x.step_group) INTO v_next FROM core.task x
			WHERE x.case_id = c.id AND x.status = 'waiting';
			IF v_next IS NOT NULL THEN
				SELECT array_agg(x.id) INTO v_ids FROM core.task x
				WHERE x.case_id = c.id AND x.status = 'waiting' AND x.step_group = v_next;
				v_depts := core.task_start(v_ids, now(), p_op);
				v_started := cardinality(v_ids);
			ELSIF NOT EXISTS (SELECT 1 FROM core.task x WHERE x.case_id = c.id AND x.status <> 'approved') THEN
				UPDATE core.case k3 SET status = 'complete', completed_on = core.today(), completed_at = now()
				WHERE k3.id = c.id;
				v_case_status := 'complete';
				PERFORM core.case_event_add(c.id, 'completed', NULL, t.dept_code, NULL,
					jsonb_build_object('promised_date', c.promised_date, 'completed_on', core.today()), p_op);
			END IF;
		END IF;
	ELSIF v_decision = 'return' THEN
		UPDATE core.task x SET status = 'returned', claimed_by = NULL, claimed_at = NULL, claim_expires_at = NULL,
			paused_at = now(), returned_note = v_reason
		WHERE x.id = t.id;
		v_kind := 'returned';
		IF c.status IN ('accepted', 'accepted_on_commitment') THEN
			UPDATE core.case k3 SET status = 'in_correction' WHERE k3.id = c.id;
			v_case_status := 'in_correction';
		END IF;
	ELSIF v_decision = 'reject' THEN
		UPDATE core.task x SET status = 'rejected', claimed_by = NULL, claimed_at = NULL, claim_expires_at = NULL,
			paused_at = NULL, decided_at = now(), decided_by = session_user, decision = 'reject',
			reason = v_reason, on_time = now() <= x.due_at
		WHERE x.id = t.id;
		v_kind := 'rejected';
		PERFORM core.case_event_add(c.id, v_kind, t.id, t.dept_code, v_reason, '{}', p_op);
		-- Every other unfinished task of the case is cancelled (ready rows
		-- first: the lock order).
		DELETE FROM core.task_ready r USING core.task x
		WHERE r.task_id = x.id AND x.case_id = c.id AND x.id <> t.id;
		WITH u AS (
			UPDATE core.task x SET status = 'cancelled', claimed_by = NULL, claimed_at = NULL,
				claim_expires_at = NULL, paused_at = NULL, decided_at = now(),
				decided_by = session_user, decision = 'cancel'
			WHERE x.case_id = c.id AND x.id <> t.id
			  AND x.status IN ('open', 'claimed', 'returned', 'waiting')
			RETURNING x.id, x.dept_code
		), e AS (
			INSERT INTO core.case_event (case_id, kind, task_id, dept_code, note, op_id)
			SELECT c.id, 'cancelled', u.id, u.dept_code, NULL, p_op FROM u ORDER BY u.id
		)
		SELECT coalesce(array_agg(u.dept_code), '{}') INTO v_depts FROM u;
		UPDATE core.case k3 SET status = 'rejected', completed_on = core.today(), completed_at = now()
		WHERE k3.id = c.id;
		v_case_status := 'rejected';
	ELSE
		-- transfer: same task and completion clock, a fresh sign-for
		-- clock in the receiving department.
		SELECT * INTO k FROM core.task_clocks(now(), 0);
		UPDATE core.task x SET status = 'open', dept_code = v_to, claimed_by = NULL, claimed_at = NULL,
			claim_expires_at = NULL, signed_at = NULL, sign_due_at = k.sign_due_at,
			sign_yellow_at = k.sign_yellow_at
		WHERE x.id = t.id;
		INSERT INTO core.task_ready (task_id, dept_code, due_at) VALUES (t.id, v_to, t.due_at);
		v_kind := 'transferred';
		v_depts := ARRAY[v_to];
	END IF;

	IF v_decision IN ('return', 'transfer') THEN
		PERFORM core.case_event_add(c.id, v_kind, t.id, t.dept_code, v_reason,
			jsonb_strip_nulls(jsonb_build_object('to', v_to)), p_op);
	END IF;
	IF v_decision = 'reject' THEN
		PERFORM core.case_event_add(c.id, 'case_rejected', NULL, t.dept_code, v_reason, '{}', p_op);
	END IF;
	-- Other departments' queues changed (a started group, cancelled steps,
	-- a transfer): always notify. Only one's own: as for a claim.
	IF cardinality(v_depts) > 0 THEN
		PERFORM core.task_notify(v_depts || t.dept_code);
	ELSE
		PERFORM core.task_notify_claim(t.dept_code);
	END IF;
	PERFORM core.audit_write('task_decide', 'task:' || t.id::text,
		jsonb_strip_nulls(jsonb_build_object('case', c.case_no, 'decision', v_decision,
						     'department', t.dept_code, 'to', v_to, 'reason', v_reason)));
	RETURN QUERY SELECT (SELECT x.status FROM core.task x WHERE x.id = t.id), v_case_status, v_started;
END
$$;

-- Supervisors: the task to a reviewer (claimed by them) or to a department
-- (open there with a fresh sign-for clock).
CREATE FUNCTION api.task_reassign(p_op uuid, p_task_id bigint, p_login text, p_dept text, p_reason text)
	RETURNS SETOF api.task_row
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_reason text;
	v_login text := nullif(btrim(p_login), '');
	v_dept text := nullif(upper(btrim(p_dept)), '');
	who core.staff;
	t core.task;
	k record;
	v_ready boolean;
BEGIN
	PERFORM core.require_role('supervisor');
	IF NOT core.op_begin(p_op, 'api.task_reassign') THEN
		RETURN QUERY SELECT * FROM core.task_rows(ARRAY[p_task_id]);
		RETURN;
	END IF;
	v_reason := core.task_reason(p_reason, false);
	IF v_login IS NULL AND v_dept IS NULL THEN
		RAISE EXCEPTION 'Unknown department' USING ERRCODE = '22023', DETAIL = '';
	END IF;
	IF v_dept IS NOT NULL AND NOT EXISTS (SELECT 1 FROM core.department d WHERE d.code = v_dept) THEN
		RAISE EXCEPTION 'Unknown department' USING ERRCODE = '22023', DETAIL = p_dept;
	END IF;
	-- Lock order: the ready row, then the task.
	DELETE FROM core.task_ready r WHERE r.task_id = p_task_id RETURNING true INTO v_ready;
	SELECT x.* INTO t FROM core.task x WHERE x.id = p_task_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'Unknown task' USING ERRCODE = 'P0002', DETAIL = coalesce(p_task_id::text, '');
	END IF;
	IF t.status IN ('approved', 'rejected', 'cancelled') THEN
		RAISE EXCEPTION 'The task is already decided' USING ERRCODE = '55000', DETAIL = t.status;
	END IF;
	IF v_login IS NOT NULL THEN
		SELECT s.* INTO who FROM core.staff s WHERE s.login = v_login AND s.active AND s.role = 'reviewer';
		IF NOT FOUND OR who.dept_code IS DISTINCT FROM coalesce(v_dept, t.dept_code) THEN
			RAISE EXCEPTION 'The reviewer does not work in that department'
				USING ERRCODE = '22023', DETAIL = v_login || ' / ' || coalesce(v_dept, t.dept_code);
		END IF;
		IF t.status NOT IN ('open', 'claimed') THEN
			RAISE EXCEPTION 'The task is not open' USING ERRCODE = '55000', DETAIL = t.status;
		END IF;
	ELSIF v_dept = t.dept_code THEN
		RAISE EXCEPTION 'The task is already in that department' USING ERRCODE = '22023', DETAIL = v_dept;
	END IF;
	v_dept := coalesce(v_dept, t.dept_code);

	IF v_dept <> t.dept_code AND t.status IN ('open', 'claimed') THEN
		-- A new department takes it up within its own sign-for clock.
		SELECT * INTO k FROM core.task_clocks(now(), 0);
		UPDATE core.task x SET dept_code = v_dept, signed_at = NULL, sign_due_at = k.sign_due_at,
			sign_yellow_at = k.sign_yellow_at
		WHERE x.id = t.id;
	ELSIF v_dept <> t.dept_code THEN
		UPDATE core.task x SET dept_code = v_dept WHERE x.id = t.id;
	END IF;
	IF v_login IS NOT NULL THEN
		UPDATE core.task x SET status = 'claimed', claimed_by = v_login, claimed_at = now(),
			claim_expires_at = now() + core.claim_idle(),
			signed_at = coalesce(x.signed_at, now())
		WHERE x.id = t.id;
	ELSIF t.status IN ('open', 'claimed') THEN
		UPDATE core.task x SET status = 'open', claimed_by = NULL, claimed_at = NULL, claim_expires_at = NULL
		WHERE x.id = t.id;
		INSERT INTO core.task_ready (task_id, dept_code, due_at) VALUES (t.id, v_dept, t.due_at);
	END IF;
	PERFORM core.case_event_add(t.case_id, 'reassigned', t.id, t.dept_code, v_reason,
		jsonb_strip_nulls(jsonb_build_object('to_login', v_login, 'to_dept', v_dept,
						     'from_login', t.claimed_by, 'from_dept', t.dept_code)), p_op);
	PERFORM core.task_notify(ARRAY[t.dept_code, v_dept]);
	PERFORM core.audit_write('task_reassign', 'task:' || t.id::text,
		jsonb_strip_nulls(jsonb_build_object('case', t.case_no, 'department', t.dept_code, 'to_dept', v_dept,
						     'to_login', v_login, 'reason', v_reason)));
	RETURN QUERY SELECT * FROM core.task_rows(ARRAY[t.id]);
END
$$;

-- ---------------------------------------------------------------------------
-- The case: timeline, tasks, the clerk's side

-- A case the caller may read (clerks and supervisors every case, reviewers
-- those their department works on), or 'No such case'.
CREATE FUNCTION core.case_visible(p_case_no text) RETURNS core.case
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	c core.case;
BEGIN
	SELECT k.* INTO c FROM core.case k WHERE k.case_no = btrim(p_case_no);
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such case' USING ERRCODE = 'P0002', DETAIL = coalesce(p_case_no, '');
	END IF;
	RETURN c;
END
$$;

CREATE FUNCTION api.case_timeline(p_case_no text)
	RETURNS TABLE (at timestamptz, dept_code text, dept_name text, actor text, actor_name text,
		       kind text, task_id bigint, note text)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
	SET jit = off
AS $$
#variable_conflict use_column
DECLARE
	c core.case;
BEGIN
	PERFORM core.require_role('clerk', 'supervisor', 'reviewer');
	c := core.case_visible(p_case_no);
	RETURN QUERY
	SELECT e.at, e.dept_code, d.name, e.actor, s.full_name, e.kind, e.task_id, e.note
	FROM core.case_event e
	LEFT JOIN core.department d ON d.code = e.dept_code
	LEFT JOIN core.staff s ON s.login = e.actor
	WHERE e.case_id = c.id
	ORDER BY e.at, e.id;
END
$$;

CREATE FUNCTION api.case_tasks(p_case_no text) RETURNS SETOF api.task_row
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
	SET jit = off
AS $$
DECLARE
	c core.case;
BEGIN
	PERFORM core.require_role('clerk', 'supervisor', 'reviewer');
	c := core.case_visible(p_case_no);
	RETURN QUERY SELECT * FROM core.task_rows(ARRAY(SELECT t.id FROM core.task t
							 WHERE t.case_id = c.id ORDER BY t.step));
END
$$;

-- The applicant brought what was asked (补正): every returned task of the
-- case resumes with its clocks moved on by the pause.
CREATE FUNCTION api.case_correction_received(p_op uuid, p_case_no text, p_note text)
	RETURNS TABLE (resumed int, visits int)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	me core.staff;
	c core.case;
	v_note text;
	v_now timestamptz := now();
	v_n int;
	v_depts text[];
BEGIN
	PERFORM core.require_role('clerk');
	me := core.actor();
	IF NOT core.op_begin(p_op, 'api.case_correction_received') THEN
		RETURN QUERY
		SELECT (SELECT count(*)::int FROM core.case_event e WHERE e.op_id = p_op AND e.kind = 'correction_received'),
		       k.visits
		FROM core.case k JOIN core.case_visit v ON v.case_id = k.id WHERE v.op_id = p_op;
		RETURN;
	END IF;
	v_note := core.task_reason(p_note, true);
	SELECT k.* INTO c FROM core.case k WHERE k.case_no = btrim(p_case_no) FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such case' USING ERRCODE = 'P0002', DETAIL = coalesce(p_case_no, '');
	END IF;
	WITH x AS (
		SELECT t.id, t.paused_at, t.due_at, t.yellow_at FROM core.task t
		WHERE t.case_id = c.id AND t.status = 'returned'
		FOR UPDATE
	), p AS (
		INSERT INTO core.task_pause (task_id, paused_at, resumed_at, working_minutes, note)
		SELECT x.id, x.paused_at, v_now, core.working_minutes(x.paused_at, v_now), v_note FROM x
	), u AS (
		UPDATE core.task t SET status = 'open', paused_at = NULL,
			due_at = core.add_working_time(v_now, core.working_time(x.paused_at, x.due_at)),
			yellow_at = core.add_working_time(v_now, core.working_time(x.paused_at, x.yellow_at))
		FROM x WHERE t.id = x.id
		RETURNING t.id, t.dept_code, t.due_at, t.case_id
	), r AS (
		INSERT INTO core.task_ready (task_id, dept_code, due_at)
		SELECT u.id, u.dept_code, u.due_at FROM u
	), e AS (
		INSERT INTO core.case_event (case_id, kind, task_id, dept_code, note, detail, op_id)
		SELECT u.case_id, 'correction_received', u.id, me.dept_code, v_note,
		       jsonb_build_object('due_at', u.due_at, 'task_dept', u.dept_code), p_op
		FROM u
	)
	SELECT count(*)::int, array_agg(u.dept_code) INTO v_n, v_depts FROM u;
	IF v_n = 0 THEN
		RAISE EXCEPTION 'No task of the case waits for correction'
			USING ERRCODE = '55000', DETAIL = c.case_no;
	END IF;
	UPDATE core.case k SET visits = k.visits + 1,
		status = CASE WHEN k.status <> 'in_correction' THEN k.status
			      WHEN k.outcome = 'accepted_on_commitment' AND k.commitment_met_at IS NULL
				   AND EXISTS (SELECT 1 FROM core.case_material m
					       WHERE m.case_id = k.id AND m.status = 'missing')
			      THEN 'accepted_on_commitment' ELSE 'accepted' END
	WHERE k.id = c.id;
	INSERT INTO core.case_visit (case_id, n, kind, window_no, op_id)
	VALUES (c.id, c.visits + 1, 'correction', me.window_no, p_op);
	PERFORM core.task_notify(v_depts);
	PERFORM core.audit_write('case_correction', 'case:' || c.case_no,
		jsonb_build_object('resumed', v_n, 'visits', c.visits + 1, 'note', v_note));
	RETURN QUERY SELECT v_n, c.visits + 1;
END
$$;

-- The window gives the result (approval or refusal) to the applicant.
CREATE FUNCTION api.case_handover(p_op uuid, p_case_no text)
	RETURNS TABLE (status text, completed_on date, promised_date date, on_time boolean)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	me core.staff;
	c core.case;
BEGIN
	PERFORM core.require_role('clerk');
	me := core.actor();
	IF NOT core.op_begin(p_op, 'api.case_handover') THEN
		RETURN QUERY
		SELECT k.status, k.completed_on, k.promised_date, k.completed_on <= k.promised_date
		FROM core.case k JOIN core.case_event e ON e.case_id = k.id
		WHERE e.op_id = p_op AND e.kind = 'handed_over';
		RETURN;
	END IF;
	SELECT k.* INTO c FROM core.case k WHERE k.case_no = btrim(p_case_no) FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such case' USING ERRCODE = 'P0002', DETAIL = coalesce(p_case_no, '');
	END IF;
	IF c.status NOT IN ('complete', 'rejected') THEN
		RAISE EXCEPTION 'The case is not finished yet' USING ERRCODE = '55000', DETAIL = c.status;
	END IF;
	UPDATE core.case k SET status = 'handed_over', handed_over_at = now(), handed_over_by = session_user
	WHERE k.id = c.id;
	PERFORM core.case_event_add(c.id, 'handed_over', NULL, me.dept_code, NULL,
		jsonb_build_object('result', c.status, 'completed_on', c.completed_on,
				   'promised_date', c.promised_date), p_op);
	PERFORM core.audit_write('case_handover', 'case:' || c.case_no,
		jsonb_build_object('result', c.status, 'completed_on', c.completed_on,
				   'promised_date', c.promised_date,
				   'on_time', c.completed_on <= c.promised_date));
	RETURN QUERY SELECT 'handed_over'::text, c.completed_on, c.promised_date, c.completed_on <= c.promised_date;
END
$$;

-- ---------------------------------------------------------------------------
-- Reading a case (015, 040) also answers a reviewer for a case their
-- department works on: same signatures, same answers to clerks and
-- supervisors; row-level security decides which cases a reviewer sees.

CREATE OR REPLACE FUNCTION api.case_get(p_case_no text)
	RETURNS TABLE (case_no text, item text, item_version int, item_name_zh text, status text,
		       applicant_name text, applicant_id_mask text, accepted_at timestamptz,
		       accepted_by text, window_no int, promised_date date, commitment_due date,
		       visits int, fields jsonb, personal_masks jsonb, materials jsonb, proxy jsonb)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM core.require_role('clerk', 'supervisor', 'reviewer');
	RETURN QUERY
	SELECT c.case_no, c.item_code, c.item_version, i.name_zh, c.status, c.applicant_name,
	       c.applicant_id_mask, c.accepted_at, c.accepted_by, c.window_no, c.promised_date,
	       c.commitment_due, c.visits, c.fields,
	       coalesce((SELECT jsonb_object_agg(p.key, p.value ->> 'mask') FROM jsonb_each(c.personal) p), '{}'),
	       coalesce((SELECT jsonb_agg(jsonb_build_object('code', m.code, 'name_zh', m.name_zh,
							     'name_en', m.name_en, 'key', m.is_key,
							     'status', m.status, 'supplied_at', m.supplied_at)
					  ORDER BY m.position)
			 FROM core.case_material m WHERE m.case_id = c.id), '[]'),
	       CASE WHEN c.proxy IS NULL THEN NULL
		    ELSE jsonb_strip_nulls(jsonb_build_object(
			'name', c.proxy ->> 'name', 'relation', c.proxy ->> 'relation',
			'id_mask', c.proxy -> 'id_no' ->> 'mask', 'phone_mask', c.proxy -> 'phone' ->> 'mask',
			'authorisation', c.proxy ->> 'authorisation')) END
	FROM core.case c
	JOIN core.service_item i ON i.code = c.item_code AND i.version = c.item_version
	WHERE c.case_no = btrim(p_case_no);
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such case' USING ERRCODE = 'P0002', DETAIL = coalesce(p_case_no, '');
	END IF;
END
$$;

CREATE OR REPLACE FUNCTION api.case_verifications(p_case_no text)
	RETURNS TABLE (material text, register text, at timestamptz, clerk text, outcome text,
		       differing jsonb, detail text, paper_exempt boolean, resolution text,
		       resolution_reason text, resolved_by text)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	c core.case;
BEGIN
	PERFORM core.require_role('clerk', 'supervisor', 'reviewer');
	c := core.case_by_no(p_case_no, false);
	RETURN QUERY
	SELECT DISTINCT ON (cm.position) v.material, v.register, v.at, v.clerk, v.outcome,
	       to_jsonb(v.differing), v.detail, cm.paper_exempt, v.resolution, v.resolution_reason, v.resolved_by
	FROM core.verification v
	JOIN core.case_material cm ON cm.case_id = v.case_id AND cm.code = v.material
	WHERE v.case_id = c.id
	ORDER BY cm.position, v.id DESC;
END
$$;

CREATE OR REPLACE FUNCTION api.case_audit(p_case_no text)
	RETURNS TABLE (id bigint, at timestamptz, actor text, action text, object text, detail jsonb)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	c core.case;
BEGIN
	PERFORM core.require_role('clerk', 'supervisor', 'reviewer');
	c := core.case_by_no(p_case_no, false);
	RETURN QUERY
	SELECT a.id, a.at, a.actor, a.action, a.object, a.detail
	FROM core.audit a
	WHERE a.object = 'case:' || c.case_no
	   OR a.object IN (SELECT 'task:' || t.id::text FROM core.task t WHERE t.case_id = c.id)
	ORDER BY a.id;
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.task_list(text, text, text, boolean, boolean, timestamptz, bigint, int)
	TO cd_reviewer, cd_supervisor;
GRANT EXECUTE ON FUNCTION api.task_get(bigint) TO cd_reviewer, cd_supervisor;
GRANT EXECUTE ON FUNCTION api.task_dept_summary() TO cd_reviewer, cd_supervisor;
GRANT EXECUTE ON FUNCTION api.task_overdue(int) TO cd_supervisor;
GRANT EXECUTE ON FUNCTION api.task_take_next(uuid) TO cd_reviewer;
GRANT EXECUTE ON FUNCTION api.task_claim(uuid, bigint) TO cd_reviewer;
GRANT EXECUTE ON FUNCTION api.task_release(uuid, bigint) TO cd_reviewer;
GRANT EXECUTE ON FUNCTION api.task_decide(uuid, bigint, text, text, text) TO cd_reviewer;
GRANT EXECUTE ON FUNCTION api.task_reassign(uuid, bigint, text, text, text) TO cd_supervisor;
GRANT EXECUTE ON FUNCTION api.case_timeline(text) TO cd_clerk, cd_supervisor, cd_reviewer;
GRANT EXECUTE ON FUNCTION api.case_tasks(text) TO cd_clerk, cd_supervisor, cd_reviewer;
GRANT EXECUTE ON FUNCTION api.case_correction_received(uuid, text, text) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.case_handover(uuid, text) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.case_get(text) TO cd_clerk, cd_supervisor, cd_reviewer;
GRANT EXECUTE ON FUNCTION api.case_verifications(text) TO cd_clerk, cd_supervisor, cd_reviewer;
GRANT EXECUTE ON FUNCTION api.case_audit(text) TO cd_clerk, cd_supervisor, cd_reviewer;

RESET ROLE;
