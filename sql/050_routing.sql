-- 050_routing: the back office's tasks (派单、流转、限时办结, issue 5): one
-- task per step of a case, working-time clocks, the hot ready set, the case
-- timeline and row-level security. The api functions are in
-- 051_routing_api.sql; docs/routing.md is the contract.
--
-- Tables
--   core.task        every task ever made: the history. A case's tasks are
--                    made by the AFTER INSERT trigger on core.case, in the
--                    accepting transaction.
--   core.task_ready  only the open tasks, small and hot: claiming is one
--                    DELETE ... RETURNING of the most urgent row of the
--                    department, taken with FOR UPDATE SKIP LOCKED, so it
--                    is as fast after a year as on the first day.
--   core.task_pause  each 补正 pause of a task (from, to, working minutes).
--   core.case_event  the timeline of a case: every state change.
--   core.case_dept   the departments that have (or had) a task in a case:
--                    what row-level security asks to let a reviewer read a
--                    case, its timeline and its other steps.
--
-- Lock order, the same everywhere (no deadlocks): the case row, then the
-- ready row, then the task row. Taking, claiming and releasing do not lock
-- the case (they never change which group runs); deciding does, so that
-- the approvals of the last two parallel tasks of a group cannot both miss
-- that the group is done.
--
-- Clocks (working time): the working days of the calendar (012) between
-- work_start and work_end (settings, default 09:00 and 17:00) in the
-- centre's time zone (setting time_zone, default Asia/Shanghai). Deadlines
-- and the 80 % marks (yellow_at, sign_yellow_at) are stored, so a light is a
-- comparison with the time, never a flag.

SET ROLE cd_owner;

-- ---------------------------------------------------------------------------
-- The case as a whole: new states, the actual completion date.

ALTER TABLE core.case DROP CONSTRAINT case_status_check;
ALTER TABLE core.case ADD CONSTRAINT case_status_check
	CHECK (status IN ('accepted', 'accepted_on_commitment', 'in_correction', 'complete',
			  'rejected', 'handed_over'));
ALTER TABLE core.case ADD COLUMN completed_on date;
ALTER TABLE core.case ADD COLUMN completed_at timestamptz;
ALTER TABLE core.case ADD COLUMN handed_over_at timestamptz;
ALTER TABLE core.case ADD COLUMN handed_over_by text;
COMMENT ON COLUMN core.case.completed_on IS 'The centre date the last step was approved, or a step rejected (kept against promised_date).';

ALTER TABLE core.case_visit DROP CONSTRAINT case_visit_kind_check;
ALTER TABLE core.case_visit ADD CONSTRAINT case_visit_kind_check
	CHECK (kind IN ('acceptance', 'supplement', 'correction'));

-- ---------------------------------------------------------------------------
-- Tasks

CREATE TABLE core.task (
	id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	case_id          uuid NOT NULL REFERENCES core.case (id),
	case_no          text NOT NULL,
	item_code        text NOT NULL,
	item_name_zh     text,
	applicant_name   text,
	applicant_id_mask text,
	step             int NOT NULL CHECK (step >= 1),
	step_group       int NOT NULL CHECK (step_group >= 1),
	days             int NOT NULL CHECK (days >= 0),
	step_name_zh     text,
	step_name_en     text,
	dept_code        text NOT NULL REFERENCES core.department (code),
	status           text NOT NULL CHECK (status IN ('waiting', 'open', 'claimed', 'returned',
							 'approved', 'rejected', 'cancelled')),
	claimed_by       text,
	claimed_at       timestamptz,
	claim_expires_at timestamptz,
	created_at       timestamptz NOT NULL DEFAULT now(),
	started_at       timestamptz,
	sign_due_at      timestamptz,
	sign_yellow_at   timestamptz,
	signed_at        timestamptz,
	due_at           timestamptz,
	yellow_at        timestamptz,
	paused_at        timestamptz,
	returned_note    text,
	decided_at       timestamptz,
	decided_by       text,
	decision         text CHECK (decision IN ('approve', 'reject', 'cancel')),
	reason           text,
	on_time          boolean,
	UNIQUE (case_id, step),
	CHECK ((status = 'claimed') = (claimed_by IS NOT NULL AND claim_expires_at IS NOT NULL)),
	CHECK (status IN ('waiting', 'cancelled') OR (started_at IS NOT NULL AND due_at IS NOT NULL AND sign_due_at IS NOT NULL)),
	CHECK ((status = 'returned') = (paused_at IS NOT NULL)),
	CHECK ((status IN ('approved', 'rejected', 'cancelled')) = (decided_at IS NOT NULL))
);
COMMENT ON TABLE core.task IS 'One task per step of a case (docs/routing.md); the open ones are also in core.task_ready.';
COMMENT ON COLUMN core.task.case_no IS 'Copy of the case number (never changes), so the queue filters without a join.';
COMMENT ON COLUMN core.task.applicant_name IS 'Copies of what the queue shows of the case (item name, applicant, masked number): they never change, and a task row is then read without a join.';
COMMENT ON COLUMN core.task.on_time IS 'Finished tasks: decided no later than due_at.';
-- The queue: unfinished tasks of a department, soonest deadline first
-- (keyset paging on due_at, id); the same for every department
-- (supervisors). Partial: a year of finished tasks is never scanned.
-- The INCLUDE columns let the department counts (api.task_dept_summary,
-- row-level security included: case_id) be read from the index alone.
CREATE INDEX task_queue_idx ON core.task (dept_code, due_at, id)
	INCLUDE (status, yellow_at, sign_due_at, signed_at, claim_expires_at, case_id)
	WHERE status IN ('open', 'claimed', 'returned');
CREATE INDEX task_queue_all_idx ON core.task (due_at, id)
	WHERE status IN ('open', 'claimed', 'returned');
-- Claims to look at when one may have gone idle.
CREATE INDEX task_claim_idx ON core.task (dept_code, claim_expires_at) WHERE status = 'claimed';
-- Deliberately no more indexes: every claim updates a task row (status
-- changes, so the update cannot be HOT) and writes each index again, and
-- each index is one more lock a claiming transaction takes. "Mine" and the
-- returned tasks of a case are found through the indexes above.


CREATE TABLE core.task_ready (
	task_id   bigint PRIMARY KEY REFERENCES core.task (id),
	dept_code text NOT NULL,
	due_at    timestamptz NOT NULL
);
COMMENT ON TABLE core.task_ready IS 'The open tasks only, claimed with DELETE ... RETURNING and SKIP LOCKED.';
CREATE INDEX task_ready_order_idx ON core.task_ready (dept_code, due_at, task_id);
-- Taking always deletes the most urgent rows, so dead index entries gather
-- at the head of task_ready_order_idx, where every take starts its scan:
-- vacuum this small table as soon as a few thousand rows went, not after a
-- fifth of it (a busy centre also lowers autovacuum_naptime; see
-- docs/routing.md).
ALTER TABLE core.task_ready SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000,
				 autovacuum_vacuum_cost_delay = 0, fillfactor = 90);

CREATE TABLE core.task_pause (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	task_id         bigint NOT NULL REFERENCES core.task (id),
	paused_at       timestamptz NOT NULL,
	resumed_at      timestamptz NOT NULL,
	working_minutes int NOT NULL CHECK (working_minutes >= 0),
	note            text,
	CHECK (resumed_at >= paused_at)
);
COMMENT ON TABLE core.task_pause IS 'Each 补正 pause of a task: the clock stood still for working_minutes.';
CREATE INDEX task_pause_task_idx ON core.task_pause (task_id);

CREATE TABLE core.case_dept (
	case_id   uuid NOT NULL REFERENCES core.case (id),
	dept_code text NOT NULL REFERENCES core.department (code),
	PRIMARY KEY (case_id, dept_code)
);
COMMENT ON TABLE core.case_dept IS 'Departments that have or had a task in a case (for row-level security).';
CREATE INDEX case_dept_dept_idx ON core.case_dept (dept_code, case_id);

-- No foreign keys here: the timeline is written only by the api functions
-- and triggers, right next to the rows it is about, and a foreign-key
-- check would lock the case row (FOR KEY SHARE) on every claim.
CREATE TABLE core.case_event (
	id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	case_id   uuid NOT NULL,
	at        timestamptz NOT NULL DEFAULT now(),
	dept_code text,
	actor     text NOT NULL DEFAULT session_user,
	kind      text NOT NULL CHECK (kind IN (
			'accepted', 'task_started', 'claimed', 'released', 'claim_expired', 'note',
			'approved', 'returned', 'correction_received', 'rejected', 'transferred',
			'reassigned', 'cancelled', 'completed', 'case_rejected', 'handed_over',
			'supplemented', 'verified', 'checked_by_hand')),
	task_id   bigint,
	note      text,
	detail    jsonb NOT NULL DEFAULT '{}',
	op_id     uuid
);
COMMENT ON TABLE core.case_event IS 'The timeline of a case: who did what, when, in which department.';
COMMENT ON COLUMN core.case_event.op_id IS 'The operation that wrote the event (a retried call answers from it).';
CREATE INDEX case_event_case_idx ON core.case_event (case_id, id);
CREATE INDEX case_event_op_idx ON core.case_event (op_id) WHERE op_id IS NOT NULL;

-- ---------------------------------------------------------------------------
-- Row-level security (see 002_core.sql for why the look-ups are
-- sub-selects). "My department" is the department of an active reviewer.

ALTER TABLE core.task ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.task FORCE ROW LEVEL SECURITY;
ALTER TABLE core.task_ready ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.task_ready FORCE ROW LEVEL SECURITY;
ALTER TABLE core.task_pause ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.task_pause FORCE ROW LEVEL SECURITY;
ALTER TABLE core.case_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.case_event FORCE ROW LEVEL SECURITY;
ALTER TABLE core.case_dept ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.case_dept FORCE ROW LEVEL SECURITY;

-- Which departments a case involves: every active staff member may ask
-- (it is what the other policies look at) and record.
CREATE POLICY case_dept_read ON core.case_dept FOR SELECT
	USING ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active) IS NOT NULL);
CREATE POLICY case_dept_insert ON core.case_dept FOR INSERT
	WITH CHECK ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active) IS NOT NULL);

-- Tasks: clerks, helpers and supervisors every task; a reviewer the tasks
-- of their department and the other steps of the cases their department
-- works on (the api functions let them act only on their own department's).
CREATE POLICY task_read ON core.task FOR SELECT
	USING ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
	       IN ('clerk', 'helper', 'supervisor')
	       OR dept_code = (SELECT s.dept_code FROM core.staff s
			       WHERE s.login = session_user AND s.active AND s.role = 'reviewer')
	       OR EXISTS (SELECT 1 FROM core.case_dept d
			  WHERE d.case_id = task.case_id
			    AND d.dept_code = (SELECT s.dept_code FROM core.staff s
					       WHERE s.login = session_user AND s.active AND s.role = 'reviewer')));
CREATE POLICY task_update ON core.task FOR UPDATE
	USING ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
	       IN ('clerk', 'helper', 'supervisor')
	       OR dept_code = (SELECT s.dept_code FROM core.staff s
			       WHERE s.login = session_user AND s.active AND s.role = 'reviewer')
	       OR EXISTS (SELECT 1 FROM core.case_dept d
			  WHERE d.case_id = task.case_id
			    AND d.dept_code = (SELECT s.dept_code FROM core.staff s
					       WHERE s.login = session_user AND s.active AND s.role = 'reviewer')))
	WITH CHECK ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
		    IN ('clerk', 'helper', 'supervisor', 'reviewer'));
-- Tasks are made by the accepting transaction (a clerk's).
CREATE POLICY task_insert ON core.task FOR INSERT
	WITH CHECK ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
		    IN ('clerk', 'helper'));

-- The ready set: a reviewer's department first (the hot path: no per-row
-- look-up), else whatever task row the caller may see.
CREATE POLICY task_ready_all ON core.task_ready FOR ALL
	USING (dept_code = (SELECT s.dept_code FROM core.staff s
			    WHERE s.login = session_user AND s.active AND s.role = 'reviewer')
	       OR (SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
		  IN ('clerk', 'helper', 'supervisor')
	       OR EXISTS (SELECT 1 FROM core.task t WHERE t.id = task_ready.task_id))
	WITH CHECK (dept_code = (SELECT s.dept_code FROM core.staff s
				 WHERE s.login = session_user AND s.active AND s.role = 'reviewer')
		    OR (SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
		       IN ('clerk', 'helper', 'supervisor')
		    OR EXISTS (SELECT 1 FROM core.task t WHERE t.id = task_ready.task_id));

CREATE POLICY task_pause_all ON core.task_pause FOR ALL
	USING (EXISTS (SELECT 1 FROM core.task t WHERE t.id = task_pause.task_id))
	WITH CHECK (EXISTS (SELECT 1 FROM core.task t WHERE t.id = task_pause.task_id));

-- The timeline: clerks, helpers and supervisors every case's; a reviewer
-- the cases their department has (or had) a task in. Every active staff
-- member writes events (through the api functions and triggers).
CREATE POLICY case_event_read ON core.case_event FOR SELECT
	USING ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
	       IN ('clerk', 'helper', 'supervisor')
	       OR EXISTS (SELECT 1 FROM core.case_dept d
			  WHERE d.case_id = case_event.case_id
			    AND d.dept_code = (SELECT s.dept_code FROM core.staff s
					       WHERE s.login = session_user AND s.active AND s.role = 'reviewer')));
CREATE POLICY case_event_insert ON core.case_event FOR INSERT
	WITH CHECK ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active) IS NOT NULL);

-- A reviewer reads the cases their department works on (the case, its
-- materials and verifications) and moves the case on by deciding.
CREATE POLICY case_read_reviewer ON core.case FOR SELECT
	USING (EXISTS (SELECT 1 FROM core.case_dept d
		       WHERE d.case_id = "case".id
			 AND d.dept_code = (SELECT s.dept_code FROM core.staff s
					    WHERE s.login = session_user AND s.active AND s.role = 'reviewer')));
CREATE POLICY case_update_reviewer ON core.case FOR UPDATE
	USING (EXISTS (SELECT 1 FROM core.case_dept d
		       WHERE d.case_id = "case".id
			 AND d.dept_code = (SELECT s.dept_code FROM core.staff s
					    WHERE s.login = session_user AND s.active AND s.role = 'reviewer')));
CREATE POLICY case_material_read_reviewer ON core.case_material FOR SELECT
	USING (EXISTS (SELECT 1 FROM core.case_dept d
		       WHERE d.case_id = case_material.case_id
			 AND d.dept_code = (SELECT s.dept_code FROM core.staff s
					    WHERE s.login = session_user AND s.active AND s.role = 'reviewer')));
CREATE POLICY verification_read_reviewer ON core.verification FOR SELECT
	USING (EXISTS (SELECT 1 FROM core.case_dept d
		       WHERE d.case_id = verification.case_id
			 AND d.dept_code = (SELECT s.dept_code FROM core.staff s
					    WHERE s.login = session_user AND s.active AND s.role = 'reviewer')));

-- ---------------------------------------------------------------------------
-- Settings of the back office (core.setting; defaults when not set):
--   work_start, work_end   working hours, HH:MI (09:00, 17:00)
--   sign_for_hours         working hours a department has to take up new
--                          work (2)
--   claim_idle_minutes     minutes a claim may sit idle (30)

-- A time-of-day setting, or p_default when it is not set or not HH:MI.
CREATE FUNCTION core.setting_time(p_key text, p_default time) RETURNS time
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	RETURN coalesce((SELECT s.value::time FROM core.setting s
			 WHERE s.key = p_key AND s.value ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'), p_default);
END
$$;

-- The working hours and zone in one look-up. A work_end not after
-- work_start falls back to the defaults.
CREATE FUNCTION core.work_hours(OUT tz text, OUT work_start time, OUT work_end time)
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	tz := core.setting_text('time_zone', 'Asia/Shanghai');
	work_start := core.setting_time('work_start', time '09:00');
	work_end := core.setting_time('work_end', time '17:00');
	IF work_end <= work_start THEN
		work_start := time '09:00';
		work_end := time '17:00';
	END IF;
END
$$;

-- Whether p_day is a working day, refusing a year that is not loaded.
CREATE FUNCTION core.working_day_known(p_day date) RETURNS boolean
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	w boolean := core.is_working_day(p_day);
BEGIN
	IF w IS NULL THEN
		RAISE EXCEPTION 'No working-day calendar for that year'
			USING ERRCODE = '22023', DETAIL = extract(year FROM p_day)::text,
			      HINT = 'Load config/holidays/' || extract(year FROM p_day)::text
				     || '.ini with counterdesk calendar load.';
	END IF;
	RETURN w;
END
$$;

-- p_from plus p_work of working time: the instant at which that much
-- working time has passed. Time outside working hours does not count; a
-- start outside them counts from the next start of work. A deadline that
-- falls exactly on the end of a working day is that end (17:00), not the
-- next morning.
CREATE FUNCTION core.add_working_time(p_from timestamptz, p_work interval) RETURNS timestamptz
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	h record := core.work_hours();
	t timestamp;
	d date;
	s timestamp;
	e timestamp;
	left_ interval := greatest(coalesce(p_work, interval '0'), interval '0');
	guard int := 0;
BEGIN
	IF p_from IS NULL THEN
		RETURN NULL;
	END IF;
	t := p_from AT TIME ZONE h.tz;
	d := t::date;
	LOOP
		IF core.working_day_known(d) THEN
			s := d + h.work_start;
			e := d + h.work_end;
			IF t < s THEN
				t := s;
			END IF;
			IF t <= e THEN
				IF t + left_ <= e THEN
					RETURN (t + left_) AT TIME ZONE h.tz;
				END IF;
				left_ := left_ - (e - t);
			END IF;
		END IF;
		d := d + 1;
		t := d::timestamp;
		guard := guard + 1;
		IF guard > 3700 THEN
			RAISE EXCEPTION 'No working-day calendar for that year'
				USING ERRCODE = '22023', DETAIL = extract(year FROM d)::text;
		END IF;
	END LOOP;
END
$$;

CREATE FUNCTION core.add_working_minutes(p_from timestamptz, p_minutes int) RETURNS timestamptz
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	RETURN core.add_working_time(p_from, make_interval(mins => greatest(coalesce(p_minutes, 0), 0)));
END
$$;

-- The working time between p_from and p_to (zero when p_to is not later).
CREATE FUNCTION core.working_time(p_from timestamptz, p_to timestamptz) RETURNS interval
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	h record;
	a timestamp;
	b timestamp;
	d date;
	s timestamp;
	e timestamp;
	total interval := interval '0';
BEGIN
	IF p_from IS NULL OR p_to IS NULL OR p_to <= p_from THEN
		RETURN interval '0';
	END IF;
	h := core.work_hours();
	a := p_from AT TIME ZONE h.tz;
	b := p_to AT TIME ZONE h.tz;
	d := a::date;
	WHILE d <= b::date LOOP
		IF core.working_day_known(d) THEN
			s := greatest(d + h.work_start, a);
			e := least(d + h.work_end, b);
			IF e > s THEN
				total := total + (e - s);
			END IF;
		END IF;
		d := d + 1;
	END LOOP;
	RETURN total;
END
$$;

-- Whole working minutes between p_from and p_to.
CREATE FUNCTION core.working_minutes(p_from timestamptz, p_to timestamptz) RETURNS int
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	RETURN floor(extract(epoch FROM core.working_time(p_from, p_to)) / 60)::int;
END
$$;

-- The clocks of a task started at p_started for a step of p_days working
-- days: sign-for (sign_for_hours of working time) and completion (p_days
-- working days; 0 = by the end of the working day it starts in), each with
-- its yellow mark at 80 %.
CREATE FUNCTION core.task_clocks(p_started timestamptz, p_days int,
				 OUT sign_due_at timestamptz, OUT sign_yellow_at timestamptz,
				 OUT due_at timestamptz, OUT yellow_at timestamptz)
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	h record := core.work_hours();
	v_sign interval := make_interval(hours => core.setting_int('sign_for_hours', 2));
	v_work interval;
	v_begin timestamptz;
BEGIN
	sign_due_at := core.add_working_time(p_started, v_sign);
	sign_yellow_at := core.add_working_time(p_started, v_sign * 0.8);
	IF coalesce(p_days, 0) > 0 THEN
		v_work := (h.work_end - h.work_start) * p_days;
		due_at := core.add_working_time(p_started, v_work);
	ELSE
		v_begin := core.add_working_time(p_started, interval '0');
		due_at := (((v_begin AT TIME ZONE h.tz)::date + h.work_end) AT TIME ZONE h.tz);
		v_work := core.working_time(p_started, due_at);
	END IF;
	yellow_at := core.add_working_time(p_started, v_work * 0.8);
END
$$;

-- The light of a deadline at p_at: paused (returned), done (finished),
-- red (at or past the deadline), yellow (at or past the 80 % mark), green.
-- Plain expressions, no SET clause (as core.netstring): the lights are
-- inlined into the queries that list tasks.
CREATE FUNCTION core.task_light(p_status text, p_due timestamptz, p_yellow timestamptz,
				p_at timestamptz) RETURNS text
	LANGUAGE sql IMMUTABLE
AS $$
	SELECT CASE
		WHEN p_status = 'returned' THEN 'paused'
		WHEN p_status IN ('approved', 'rejected', 'cancelled') THEN 'done'
		WHEN p_due IS NULL THEN 'green'
		WHEN p_at >= p_due THEN 'red'
		WHEN p_at >= p_yellow THEN 'yellow'
		ELSE 'green'
	END
$$;

-- The sign-for light: done once signed (first claimed) or finished.
CREATE FUNCTION core.task_sign_light(p_status text, p_signed timestamptz, p_due timestamptz,
				     p_yellow timestamptz, p_at timestamptz) RETURNS text
	LANGUAGE sql IMMUTABLE
AS $$
	SELECT CASE
		WHEN p_signed IS NOT NULL OR p_status IN ('approved', 'rejected', 'cancelled') THEN 'done'
		ELSE core.task_light(p_status, p_due, p_yellow, p_at)
	END
$$;

-- ---------------------------------------------------------------------------
-- The task row of docs/routing.md (task_row), as every api function returns
-- it. An idle claim (past claim_expires_at) shows as open and unclaimed.

CREATE TYPE api.task_row AS (
	id                bigint,
	case_no           text,
	item              text,
	item_name_zh      text,
	step              int,
	step_name_zh      text,
	step_name_en      text,
	dept_code         text,
	status            text,
	claimed_by        text,
	claimed_by_name   text,
	claim_expires_at  timestamptz,
	applicant_name    text,
	applicant_id_mask text,
	created_at        timestamptz,
	started_at        timestamptz,
	sign_due_at       timestamptz,
	signed_at         timestamptz,
	due_at            timestamptz,
	light             text,
	sign_light        text,
	returned_note     text,
	decided_at        timestamptz,
	decided_by        text,
	reason            text
);

CREATE VIEW core.task_out AS
	SELECT t.id, t.case_no, t.item_code AS item, t.item_name_zh, t.step,
	       t.step_name_zh, t.step_name_en, t.dept_code,
	       CASE WHEN t.status = 'claimed' AND t.claim_expires_at <= now() THEN 'open' ELSE t.status END AS status,
	       CASE WHEN t.claim_expires_at > now() THEN t.claimed_by END AS claimed_by,
	       CASE WHEN t.claim_expires_at > now() THEN s.full_name END AS claimed_by_name,
	       CASE WHEN t.claim_expires_at > now() THEN t.claim_expires_at END AS claim_expires_at,
	       t.applicant_name, t.applicant_id_mask, t.created_at, t.started_at, t.sign_due_at,
	       t.signed_at, t.due_at,
	       core.task_light(t.status, t.due_at, t.yellow_at, now()) AS light,
	       core.task_sign_light(t.status, t.signed_at, t.sign_due_at, t.sign_yellow_at, now()) AS sign_light,
	       t.returned_note, t.decided_at, t.decided_by, t.reason
	FROM core.task t
	LEFT JOIN core.staff s ON s.login = t.claimed_by;

-- The rows of tasks p_ids, in that order (those the caller may read).
-- PL/pgSQL, not SQL: its plan is cached for the session (a SQL function
-- that cannot be inlined is planned again on every call).
CREATE FUNCTION core.task_rows(p_ids bigint[]) RETURNS SETOF api.task_row
	LANGUAGE plpgsql STABLE ROWS 50
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	RETURN QUERY
	SELECT o.* FROM unnest(p_ids) WITH ORDINALITY AS u(id, n)
	JOIN core.task_out o ON o.id = u.id
	ORDER BY u.n;
END
$$;

-- ---------------------------------------------------------------------------
-- Internal helpers of the api functions (not executable by staff).

-- The caller's department when the caller is an active reviewer; refuses
-- otherwise (with the messages of core.actor / core.require_role).
CREATE FUNCTION core.reviewer_dept() RETURNS text
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	me core.staff;
BEGIN
	SELECT s.* INTO me FROM core.staff s WHERE s.login = session_user;
	IF NOT FOUND OR NOT me.active THEN
		RAISE EXCEPTION 'You are not an active staff member'
			USING ERRCODE = '42501', DETAIL = session_user;
	END IF;
	IF me.role <> 'reviewer' OR me.dept_code IS NULL THEN
		RAISE EXCEPTION 'You do not have the rights for this operation'
			USING ERRCODE = '42501', DETAIL = me.role;
	END IF;
	RETURN me.dept_code;
END
$$;

-- The caller's department for the timeline (the staff member's own).
-- (The small helpers below are PL/pgSQL so that their plans are cached.)
CREATE FUNCTION core.my_dept() RETURNS text
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	RETURN (SELECT s.dept_code FROM core.staff s WHERE s.login = session_user);
END
$$;

-- How long a claim may sit idle (setting claim_idle_minutes, default 30).
CREATE FUNCTION core.claim_idle() RETURNS interval
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	RETURN make_interval(mins => coalesce((SELECT s.value::int FROM core.setting s
					       WHERE s.key = 'claim_idle_minutes' AND s.value ~ '^[0-9]{1,6}$'), 30));
END
$$;

-- One event of the timeline.
CREATE FUNCTION core.case_event_add(p_case uuid, p_kind text, p_task bigint, p_dept text,
				    p_note text, p_detail jsonb, p_op uuid) RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	INSERT INTO core.case_event (case_id, kind, task_id, dept_code, note, detail, op_id)
	VALUES (p_case, p_kind, p_task, p_dept, p_note, coalesce(p_detail, '{}'), p_op);
END
$$;

-- The one notification of a transaction about the queues of p_depts:
-- {"dept":"MZ"}, or {"dept":"*"} when several departments changed.
CREATE FUNCTION core.task_notify(p_depts text[]) RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v text[] := ARRAY(SELECT DISTINCT x FROM unnest(p_depts) x WHERE x IS NOT NULL);
BEGIN
	IF cardinality(v) = 0 THEN
		RETURN;
	END IF;
	PERFORM pg_notify('counterdesk_task',
		json_build_object('dept', CASE WHEN cardinality(v) = 1 THEN v[1] ELSE '*' END)::text);
END
$$;

-- The notification of a claim: the same, unless another transaction of
-- the same department is sending one right now (it holds the advisory
-- lock). NOTIFY serialises commits across the cluster, so a burst of
-- reviewers taking tasks at once sends one notification, not one each;
-- decisions, releases and new tasks always notify (core.task_notify). A
-- screen that missed a claim in such a burst shows the task as open until
-- the next notification; claiming it then says another reviewer holds it.
CREATE FUNCTION core.task_notify_claim(p_dept text) RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	IF pg_try_advisory_xact_lock(7361050, hashtext(p_dept)) THEN
		PERFORM pg_notify('counterdesk_task', json_build_object('dept', p_dept)::text);
	END IF;
END
$$;

-- Starts the tasks p_ids (waiting, or new) at p_at: status open, clocks,
-- the ready set, a task_started event each. Returns their departments.
CREATE FUNCTION core.task_start(p_ids bigint[], p_at timestamptz, p_op uuid) RETURNS text[]
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_depts text[];
BEGIN
	WITH s AS (
		UPDATE core.task t SET status = 'open', started_at = p_at,
			sign_due_at = k.sign_due_at, sign_yellow_at = k.sign_yellow_at,
			due_at = k.due_at, yellow_at = k.yellow_at
		FROM core.task t0, LATERAL core.task_clocks(p_at, t0.days) k
		WHERE t.id = t0.id AND t0.id = ANY (p_ids) AND t0.status = 'waiting'
		RETURNING t.id, t.case_id, t.dept_code, t.due_at, t.step
	), r AS (
		INSERT INTO core.task_ready (task_id, dept_code, due_at)
		SELECT s.id, s.dept_code, s.due_at FROM s
	), e AS (
		INSERT INTO core.case_event (case_id, kind, task_id, dept_code, detail, op_id)
		SELECT s.case_id, 'task_started', s.id, s.dept_code,
		       jsonb_build_object('step', s.step, 'due_at', s.due_at), p_op
		FROM s
	)
	SELECT array_agg(DISTINCT s.dept_code) INTO v_depts FROM s;
	RETURN coalesce(v_depts, '{}');
END
$$;

-- ---------------------------------------------------------------------------
-- Accepting a case makes its tasks (AFTER INSERT on core.case): one per
-- step of the item version; the lowest group starts at once.

CREATE FUNCTION core.case_route() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_def jsonb;
	v_item_name text;
	v_bad text;
	v_ids bigint[];
	v_depts text[];
BEGIN
	SELECT i.definition, i.name_zh INTO v_def, v_item_name FROM core.service_item i
	WHERE i.code = NEW.item_code AND i.version = NEW.item_version;

	SELECT s ->> 'dept' INTO v_bad
	FROM jsonb_array_elements(coalesce(v_def -> 'steps', '[]')) s
	WHERE NOT EXISTS (SELECT 1 FROM core.department d WHERE d.code = s ->> 'dept')
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'Unknown department' USING ERRCODE = '22023', DETAIL = coalesce(v_bad, '');
	END IF;

	WITH steps AS (
		SELECT coalesce((s ->> 'number')::int, (s ->> 'n')::int, o::int) AS step,
		       coalesce((s ->> 'group')::int, 1) AS grp,
		       greatest(coalesce((s ->> 'days')::int, 0), 0) AS days,
		       s ->> 'dept' AS dept, s ->> 'name_zh' AS name_zh, s ->> 'name_en' AS name_en
		FROM jsonb_array_elements(coalesce(v_def -> 'steps', '[]')) WITH ORDINALITY AS x(s, o)
	), ins AS (
		INSERT INTO core.task (case_id, case_no, item_code, item_name_zh, applicant_name, applicant_id_mask,
				       step, step_group, days, step_name_zh, step_name_en, dept_code, status)
		SELECT NEW.id, NEW.case_no, NEW.item_code, v_item_name, NEW.applicant_name, NEW.applicant_id_mask,
		       st.step, st.grp, st.days, st.name_zh, st.name_en, st.dept, 'waiting'
		FROM steps st ORDER BY st.step
		RETURNING id, step_group, dept_code
	), cd AS (
		INSERT INTO core.case_dept (case_id, dept_code)
		SELECT DISTINCT NEW.id, ins.dept_code FROM ins
		ON CONFLICT DO NOTHING
	)
	SELECT array_agg(ins.id) FILTER (WHERE ins.step_group = (SELECT min(i2.step_group) FROM ins i2))
	INTO v_ids FROM ins;

	PERFORM core.case_event_add(NEW.id, 'accepted', NULL, core.my_dept(), NULL,
		jsonb_build_object('item', NEW.item_code, 'version', NEW.item_version,
				   'outcome', NEW.outcome, 'promised_date', NEW.promised_date,
				   'window', NEW.window_no), NEW.op_id);
	IF v_ids IS NOT NULL THEN
		v_depts := core.task_start(v_ids, now(), NEW.op_id);
		PERFORM core.task_notify(v_depts);
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER case_route AFTER INSERT ON core.case
	FOR EACH ROW EXECUTE FUNCTION core.case_route();

-- A department newly given a task of a case may read the case.
CREATE FUNCTION core.task_case_dept() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	INSERT INTO core.case_dept (case_id, dept_code) VALUES (NEW.case_id, NEW.dept_code)
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END
$$;

CREATE TRIGGER task_case_dept AFTER UPDATE OF dept_code ON core.task
	FOR EACH ROW WHEN (OLD.dept_code IS DISTINCT FROM NEW.dept_code)
	EXECUTE FUNCTION core.task_case_dept();

-- Later visits and verifications show on the timeline too.
CREATE FUNCTION core.case_visit_event() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	IF NEW.kind = 'supplement' THEN
		PERFORM core.case_event_add(NEW.case_id, 'supplemented', NULL, core.my_dept(), NEW.material,
			jsonb_build_object('material', NEW.material, 'visit', NEW.n), NEW.op_id);
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER case_visit_event AFTER INSERT ON core.case_visit
	FOR EACH ROW EXECUTE FUNCTION core.case_visit_event();

CREATE FUNCTION core.verification_event() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM core.case_event_add(NEW.case_id, 'verified', NULL, core.my_dept(),
			NEW.material || ': ' || NEW.outcome,
			jsonb_build_object('material', NEW.material, 'register', NEW.register,
					   'outcome', NEW.outcome), NEW.op_id);
	ELSIF NEW.resolution = 'checked_by_hand' AND OLD.resolution IS NULL THEN
		PERFORM core.case_event_add(NEW.case_id, 'checked_by_hand', NULL, core.my_dept(),
			NEW.material || ': ' || NEW.resolution_reason,
			jsonb_build_object('material', NEW.material, 'outcome', NEW.outcome), NULL);
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER verification_event AFTER INSERT OR UPDATE OF resolution ON core.verification
	FOR EACH ROW EXECUTE FUNCTION core.verification_event();

REVOKE ALL ON ALL TABLES IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;

RESET ROLE;
