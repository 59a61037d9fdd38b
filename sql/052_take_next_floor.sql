-- 052_take_next_floor: taking the next task without walking the dead.
--
-- Taking deletes the most urgent row of a department's ready set, again and
-- again, so the head of task_ready_order_idx fills with the entries of rows
-- already taken. Until vacuum removes them every take walked all of them
-- (the heap row of each, until some scan could mark it dead), and 16
-- reviewers taking at once spent most of their time there
-- (docs/routing.md, "Take next: where the time goes").
--
-- core.ready_floor keeps, per department, a key (due_at, task_id) that no
-- row of the department's ready set is below. A take starts its scan at
-- the floor instead of at the start of the department, so the entries of
-- what was taken before the floor are never visited again.
--
-- Why the floor is never above a ready row:
--   * every insert into the ready set lowers the floor to its own key when
--     that is lower (the statement trigger below), holding a shared advisory
--     lock on the department until it commits;
--   * a take raises the floor only while it holds that advisory lock
--     exclusively (try-lock: when an insert is in flight it does not raise
--     it this time), so every insert has either committed, and its row is
--     seen by the take's next statement, or waits for the take to commit
--     and then lowers the floor the take wrote;
--   * the take raises it to the lowest row it still sees, which includes
--     rows other takes are deleting right now (if one of them rolls back,
--     its row is still above the floor); its own deleted row is gone only if
--     it commits, and the raise commits or rolls back with it;
--   * deletes never break the rule.
-- No row means no floor (the whole department is scanned): a new
-- department, or rows loaded with triggers off. Rows loaded with triggers
-- off under an existing floor are found by the first take that sees
-- nothing above it; it forgets the floor.
--
-- Raising costs a second look at the head and a write, so a take raises
-- the floor once in 16 on average: the floor stays within a few takes of
-- the head, and the takes never queue behind one another for it.

SET ROLE cd_owner;

CREATE TABLE core.ready_floor (
	dept_code text PRIMARY KEY REFERENCES core.department (code),
	due_at    timestamptz NOT NULL,
	task_id   bigint NOT NULL
);
COMMENT ON TABLE core.ready_floor IS
	'Per department, a key (due_at, task_id) no row of core.task_ready is below: where take next starts (052).';
-- No row-level security: a department code and a time, no personal data;
-- staff have no privilege on core and reach it only through the api.

-- The advisory lock of a department's floor: shared by inserts, exclusive
-- while a take raises the floor.
CREATE FUNCTION core.ready_floor_key(p_dept text) RETURNS int
	LANGUAGE sql IMMUTABLE
	RETURN hashtext(p_dept);

CREATE FUNCTION core.ready_floor_lower() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	-- In the order of the departments, so that two inserts of several
	-- departments each cannot wait for one another.
	PERFORM pg_advisory_xact_lock_shared(7361052, core.ready_floor_key(d.dept_code))
	FROM (SELECT DISTINCT n.dept_code FROM new_ready n ORDER BY n.dept_code) d;
	UPDATE core.ready_floor f SET due_at = m.due_at, task_id = m.task_id
	FROM (SELECT DISTINCT ON (n.dept_code) n.dept_code, n.due_at, n.task_id
	      FROM new_ready n ORDER BY n.dept_code, n.due_at, n.task_id) m
	WHERE f.dept_code = m.dept_code AND (f.due_at, f.task_id) > (m.due_at, m.task_id);
	RETURN NULL;
END
$$;

CREATE TRIGGER task_ready_floor AFTER INSERT ON core.task_ready
	REFERENCING NEW TABLE AS new_ready
	FOR EACH STATEMENT EXECUTE FUNCTION core.ready_floor_lower();

-- Raises the floor of p_dept to the lowest ready row the caller still sees,
-- unless an insert of the department is in flight (see above).
CREATE FUNCTION core.ready_floor_raise(p_dept text, p_due timestamptz, p_id bigint) RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_due timestamptz;
	v_id bigint;
BEGIN
	IF NOT pg_try_advisory_xact_lock(7361052, core.ready_floor_key(p_dept)) THEN
		RETURN;
	END IF;
	SELECT r.due_at, r.task_id INTO v_due, v_id FROM core.task_ready r
	WHERE r.dept_code = p_dept AND (r.due_at, r.task_id) >= (p_due, p_id)
	ORDER BY r.due_at, r.task_id LIMIT 1;
	IF v_due IS NULL THEN
		RETURN;  -- nothing left: keep the floor (an insert lowers it)
	END IF;
	INSERT INTO core.ready_floor AS f (dept_code, due_at, task_id) VALUES (p_dept, v_due, v_id)
	ON CONFLICT (dept_code) DO UPDATE SET due_at = excluded.due_at, task_id = excluded.task_id;
END
$$;

-- api.task_take_next of 051, starting at the floor.
CREATE OR REPLACE FUNCTION api.task_take_next(p_op uuid) RETURNS SETOF api.task_row
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER ROWS 1
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_dept text;
	v_id bigint;
	v_floor_due timestamptz := '-infinity';
	v_floor_id bigint := 0;
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
	SELECT f.due_at, f.task_id INTO v_floor_due, v_floor_id FROM core.ready_floor f WHERE f.dept_code = v_dept;
	IF NOT FOUND THEN
		v_floor_due := '-infinity';
		v_floor_id := 0;
	END IF;
	LOOP
		DELETE FROM core.task_ready r
		WHERE r.task_id = (SELECT x.task_id FROM core.task_ready x
				   WHERE x.dept_code = v_dept AND (x.due_at, x.task_id) >= (v_floor_due, v_floor_id)
				   ORDER BY x.due_at, x.task_id
				   LIMIT 1 FOR UPDATE SKIP LOCKED)
		RETURNING r.task_id INTO v_id;
		EXIT WHEN v_id IS NOT NULL OR v_floor_due = '-infinity';
		-- Nothing at or above the floor. A row below it can only come from
		-- a load that bypassed the trigger (a restore with triggers off):
		-- rather than strand it, forget the floor (unless a raise is under
		-- way) and look once more from the start.
		IF pg_try_advisory_xact_lock(7361052, core.ready_floor_key(v_dept)) THEN
			DELETE FROM core.ready_floor f WHERE f.dept_code = v_dept;
		END IF;
		v_floor_due := '-infinity';
		v_floor_id := 0;
	END LOOP;
	IF v_id IS NULL THEN
		RETURN;
	END IF;
	IF random() < 1.0 / 16 THEN
		PERFORM core.ready_floor_raise(v_dept, v_floor_due, v_floor_id);
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

REVOKE EXECUTE ON FUNCTION core.ready_floor_key(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION core.ready_floor_lower() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION core.ready_floor_raise(text, timestamptz, bigint) FROM PUBLIC;

RESET ROLE;
