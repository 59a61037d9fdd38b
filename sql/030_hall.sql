-- 030_hall: the ticket hall (叫号). Categories, windows and calling rules
-- (config/hall.ini, sent by `counterdesk hall load`), tickets, and the
-- window operations: call next, call out of order, recall, no-show,
-- transfer, pause, finish; closing the day. docs/hall.md is the contract.
--
-- Tickets
--   Numbers restart each day per letter: A001, A002 ... for category A; every
--   green-channel ticket (category G, or any category issued with --green)
--   takes the green letter (G001 ...) and keeps its own category, so the
--   green window calls all of them and a window of the category calls its
--   own green tickets first. A number has three digits or more (A1000).
--   "Today" is core.today(), the centre's date.
--
-- The queue is two tables (DESIGN.md, "Queues"):
--   core.ticket        every ticket ever issued, with its times: the history.
--   core.ticket_ready  only the tickets waiting now: small and hot. Calling
--                      is one DELETE ... RETURNING of the first row in
--                      calling order, taken with FOR UPDATE SKIP LOCKED, so
--                      two windows pressing "call next" at the same moment
--                      never get the same ticket and never wait on each
--                      other. It does not grow with the history.
--
-- Calling order at a window (it serves the categories hall.ini lists):
--   1. green-channel tickets (pri 0), then checked-in appointments (pri 1),
--      then arrival order (pri 2); within a class, by arrival time;
--   2. fairness: when the window's last priority_cap calls were all
--      priority calls (pri 0 or 1) and an ordinary ticket it serves has
--      waited more than ordinary_wait_minutes, the oldest such ticket goes
--      first. The streak is counted per window (core.hall_window);
--   3. a ticket transferred to a window is called only there, in its place
--      by arrival; a transfer never changes arrived_at, so the visitor keeps
--      their place.
--   A paused window calls nothing; a window with a ticket still called
--   (not finished, transferred or marked a no-show) calls nothing more.
--
-- Times per ticket: wait_seconds (issue to first call) and service_seconds
-- (call to finish, summed over the windows a transferred ticket visited).
--
-- Closing: `hall close-day` (supervisors; not before closing_time unless
-- early, with a reason) closes every ticket still waiting with the reason,
-- or carries them to the next day (at_closing = carry), where they are
-- called first (their arrival is earlier). After that no ticket is issued or
-- called that day. Tickets of an earlier day that nobody closed are swept
-- the same way by the first ticket of the next day.
--
-- Notifications: at most one pg_notify per transaction, on channel
-- counterdesk_hall, payload a small JSON object {"event": ..., ...}.
--
-- Audit: hall_load, ticket_call_out_of_order, hall_close_day. Ordinary
-- issue/call/recall/no-show/transfer/finish are recorded in core.ticket and
-- core.ticket_event (with their operation id), not in the audit chain: its
-- single head row would serialise every window's call.

SET ROLE cd_owner;

-- ---------------------------------------------------------------------------
-- Configuration (replaced whole by api.hall_load)

CREATE TABLE core.hall_category (
	code   text PRIMARY KEY CHECK (code ~ '^[A-Z]$'),
	name   text NOT NULL CHECK (btrim(name) <> '' AND char_length(name) <= 32),
	active boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE core.hall_category IS 'Ticket categories (A 综合受理 ...). A category dropped from hall.ini stays, inactive, for the history.';

CREATE TABLE core.hall_rules (
	one                   boolean PRIMARY KEY DEFAULT true CHECK (one),
	priority_cap          int NOT NULL CHECK (priority_cap BETWEEN 1 AND 50),
	ordinary_wait_minutes int NOT NULL CHECK (ordinary_wait_minutes BETWEEN 1 AND 1440),
	recall_limit          int NOT NULL CHECK (recall_limit BETWEEN 0 AND 20),
	closing_time          time NOT NULL,
	at_closing            text NOT NULL CHECK (at_closing IN ('close', 'carry')),
	close_reason          text NOT NULL CHECK (btrim(close_reason) <> ''),
	green_category        text NOT NULL REFERENCES core.hall_category (code),
	callback_days         int NOT NULL CHECK (callback_days BETWEEN 1 AND 30),
	rectify_days          int NOT NULL CHECK (rectify_days BETWEEN 1 AND 60),
	loaded_at             timestamptz NOT NULL DEFAULT now(),
	loaded_by             text NOT NULL DEFAULT session_user,
	CHECK (rectify_days >= callback_days)
);
COMMENT ON TABLE core.hall_rules IS 'The [rules] and [ratings] of hall.ini; one row.';

-- ---------------------------------------------------------------------------
-- Tickets

CREATE TABLE core.ticket_counter (
	day    date NOT NULL,
	prefix text NOT NULL,
	last   int NOT NULL CHECK (last >= 1),
	PRIMARY KEY (day, prefix)
);
COMMENT ON TABLE core.ticket_counter IS 'Last number given per day and letter; the row is locked by each increment.';

CREATE TABLE core.ticket (
	id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	op_id               uuid NOT NULL UNIQUE,
	day                 date NOT NULL,
	prefix              text NOT NULL,
	seq                 int NOT NULL CHECK (seq >= 1),
	number              text NOT NULL,
	category            text NOT NULL REFERENCES core.hall_category (code),
	green               boolean NOT NULL,
	appointment         text CHECK (appointment IS NULL OR btrim(appointment) <> ''),
	status              text NOT NULL DEFAULT 'waiting'
			    CHECK (status IN ('waiting', 'called', 'done', 'no_show', 'closed')),
	issued_at           timestamptz NOT NULL DEFAULT now(),
	issued_by           text NOT NULL DEFAULT session_user,
	arrived_at          timestamptz NOT NULL,
	first_called_at     timestamptz,
	called_at           timestamptz,
	called_by           text,
	window_no           int,
	recalls             int NOT NULL DEFAULT 0,
	transfers           int NOT NULL DEFAULT 0,
	out_of_order_reason text,
	carried             boolean NOT NULL DEFAULT false,
	finished_at         timestamptz,
	closed_reason       text,
	wait_seconds        int CHECK (wait_seconds >= 0),
	service_seconds     int NOT NULL DEFAULT 0 CHECK (service_seconds >= 0),
	UNIQUE (day, number),
	UNIQUE (day, prefix, seq),
	CHECK ((status IN ('waiting', 'called')) = (finished_at IS NULL)),
	CHECK ((status = 'closed') = (closed_reason IS NOT NULL)),
	CHECK (status = 'waiting' OR first_called_at IS NOT NULL OR status = 'closed')
);
COMMENT ON TABLE core.ticket IS 'Every ticket: the history of the hall. The waiting ones are also in core.ticket_ready.';
COMMENT ON COLUMN core.ticket.arrived_at IS 'The place in line: the issue time, kept by transfers.';
COMMENT ON COLUMN core.ticket.wait_seconds IS 'Issue to first call.';
COMMENT ON COLUMN core.ticket.service_seconds IS 'Call to finish (or transfer), summed over the windows visited.';
CREATE UNIQUE INDEX ticket_appointment_idx ON core.ticket (day, appointment) WHERE appointment IS NOT NULL;
CREATE INDEX ticket_issued_at_idx ON core.ticket (issued_at);

-- The waiting set. Rows come and go; nothing here is history.
CREATE TABLE core.ticket_ready (
	ticket_id  uuid PRIMARY KEY REFERENCES core.ticket (id),
	day        date NOT NULL,
	category   text NOT NULL,
	green      boolean NOT NULL,
	pri        smallint NOT NULL CHECK (pri IN (0, 1, 2)),
	arrived_at timestamptz NOT NULL,
	to_window  int,
	carried    boolean NOT NULL DEFAULT false
) WITH (fillfactor = 80);
COMMENT ON TABLE core.ticket_ready IS 'Tickets waiting to be called (pri 0 green, 1 appointment, 2 arrival); claimed with DELETE ... RETURNING and SKIP LOCKED.';
CREATE INDEX ticket_ready_order_idx ON core.ticket_ready (pri, arrived_at, ticket_id);

CREATE TABLE core.ticket_event (
	id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	ticket_id uuid NOT NULL REFERENCES core.ticket (id),
	op_id     uuid,
	kind      text NOT NULL CHECK (kind IN ('call', 'recall', 'no_show', 'transfer', 'finish',
					       'close', 'carry', 'case')),
	at        timestamptz NOT NULL DEFAULT now(),
	by_login  text NOT NULL DEFAULT session_user,
	window_no int,
	detail    jsonb NOT NULL DEFAULT '{}'
);
COMMENT ON TABLE core.ticket_event IS 'What happened to each ticket after it was issued, with the operation id that did it.';
CREATE INDEX ticket_event_ticket_idx ON core.ticket_event (ticket_id, id);
CREATE INDEX ticket_event_op_idx ON core.ticket_event (op_id) WHERE op_id IS NOT NULL;

-- The tickets of a case (跑动: the case knows its visits to the hall).
CREATE TABLE core.ticket_case (
	ticket_id uuid NOT NULL REFERENCES core.ticket (id),
	case_no   text NOT NULL,
	linked_at timestamptz NOT NULL DEFAULT now(),
	linked_by text NOT NULL DEFAULT session_user,
	PRIMARY KEY (ticket_id, case_no)
);
CREATE INDEX ticket_case_case_idx ON core.ticket_case (case_no);

CREATE TABLE core.hall_window (
	window_no       int PRIMARY KEY CHECK (window_no BETWEEN 1 AND 999),
	categories      text[] NOT NULL CHECK (cardinality(categories) >= 1),
	serves_green    boolean NOT NULL,
	active          boolean NOT NULL DEFAULT true,
	paused          boolean NOT NULL DEFAULT false,
	paused_at       timestamptz,
	current_ticket  uuid REFERENCES core.ticket (id),
	staff           text,
	priority_streak int NOT NULL DEFAULT 0,
	last_finished   uuid REFERENCES core.ticket (id),
	CHECK (paused = (paused_at IS NOT NULL))
) WITH (fillfactor = 50);
COMMENT ON TABLE core.hall_window IS 'Counter windows: the categories each serves (hall.ini), and its state. Locked by each operation at the window.';
COMMENT ON COLUMN core.hall_window.priority_streak IS 'Priority (green or appointment) calls in a row at this window: the fairness rule.';
COMMENT ON COLUMN core.hall_window.last_finished IS 'The service last finished here: what the rating pad facing the visitor rates.';

CREATE TABLE core.hall_day (
	day       date PRIMARY KEY,
	opened_at timestamptz NOT NULL DEFAULT now(),
	closed_at timestamptz,
	closed_by text,
	reason    text,
	early     boolean,
	n_closed  int,
	n_carried int,
	CHECK ((closed_at IS NULL) = (closed_by IS NULL))
);
COMMENT ON TABLE core.hall_day IS 'Days the hall opened (first ticket) and closed (hall close-day).';

-- ---------------------------------------------------------------------------
-- Helpers

CREATE FUNCTION core.hall_rules_get() RETURNS core.hall_rules
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	r core.hall_rules;
BEGIN
	SELECT h.* INTO r FROM core.hall_rules h WHERE h.one;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'The hall is not configured'
			USING ERRCODE = 'P0002', HINT = 'An administrator runs counterdesk hall load.';
	END IF;
	RETURN r;
END
$$;

-- core.require_role for the calls at a window, which come many a second:
-- an active staff member of a permitted role is let through with one
-- cached look-up; everyone else (the set-up superuser, refusals) gets
-- exactly what core.require_role says.
CREATE FUNCTION core.hall_require(VARIADIC p_roles text[]) RETURNS text
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_login text;
	v_role text;
BEGIN
	SELECT s.login, s.role INTO v_login, v_role FROM core.staff s
	WHERE s.login = session_user AND s.active;
	IF v_role = ANY (p_roles) OR (v_role = 'helper' AND 'clerk' = ANY (p_roles)) THEN
		RETURN v_login;
	END IF;
	RETURN core.require_role(VARIADIC p_roles);
END
$$;

CREATE FUNCTION core.hall_tz() RETURNS text
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	RETURN core.setting_text('time_zone', 'Asia/Shanghai');
END
$$;

-- The window a staff member means: p_window, else their default window.
CREATE FUNCTION core.hall_window_no(p_window int) RETURNS int
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v int := p_window;
BEGIN
	IF v IS NULL THEN
		SELECT s.window_no INTO v FROM core.staff s WHERE s.login = session_user;
	END IF;
	IF v IS NULL THEN
		RAISE EXCEPTION 'No window given, and you have no default window'
			USING ERRCODE = '22023';
	END IF;
	PERFORM core.check_window(v);
	RETURN v;
END
$$;

-- Locks the window row for this operation (operations at one window are
-- serialised; different windows never wait on each other).
CREATE FUNCTION core.hall_window_lock(p_window int) RETURNS core.hall_window
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	w core.hall_window;
	v int := core.hall_window_no(p_window);
BEGIN
	SELECT hw.* INTO w FROM core.hall_window hw WHERE hw.window_no = v AND hw.active FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such window' USING ERRCODE = 'P0002', DETAIL = v::text;
	END IF;
	RETURN w;
END
$$;

CREATE FUNCTION core.hall_refuse_closed(p_day date) RETURNS void
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM core.hall_day d WHERE d.day = p_day AND d.closed_at IS NOT NULL) THEN
		RAISE EXCEPTION 'The hall is closed for today'
			USING ERRCODE = '22023', DETAIL = p_day::text;
	END IF;
END
$$;

-- Plain SQL expressions with no SET clause (as core.audit_canon): inlined
-- into the statements that use them instead of being planned on every call.
CREATE FUNCTION core.ticket_number(p_prefix text, p_seq int) RETURNS text
	LANGUAGE sql IMMUTABLE
AS $$
	SELECT p_prefix || CASE WHEN p_seq < 1000 THEN lpad(p_seq::text, 3, '0') ELSE p_seq::text END
$$;

CREATE FUNCTION core.ticket_pri(p_green boolean, p_appointment text) RETURNS smallint
	LANGUAGE sql IMMUTABLE
AS $$
	SELECT (CASE WHEN p_green THEN 0 WHEN p_appointment IS NOT NULL THEN 1 ELSE 2 END)::smallint
$$;

-- One ticket as every api function returns it. (The functions on the path
-- of a call are PL/pgSQL, whose plans are kept for the session: a
-- non-inlined SQL function is parsed and planned again on every call.)
CREATE FUNCTION core.ticket_out(p_id uuid)
	RETURNS TABLE (number text, day date, category text, category_name text, green boolean,
		       appointment text, status text, issued_at timestamptz, arrived_at timestamptz,
		       called_at timestamptz, finished_at timestamptz, window_no int, called_by text,
		       recalls int, transfers int, wait_seconds int, service_seconds int,
		       carried boolean, out_of_order_reason text)
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	RETURN QUERY
	SELECT t.number, t.day, t.category, c.name, t.green, t.appointment, t.status, t.issued_at,
	       t.arrived_at, t.called_at, t.finished_at, t.window_no, t.called_by, t.recalls,
	       t.transfers, t.wait_seconds, t.service_seconds, t.carried, t.out_of_order_reason
	FROM core.ticket t JOIN core.hall_category c ON c.code = t.category
	WHERE t.id = p_id;
END
$$;

-- A ticket by its number: today's, else one carried from an earlier day
-- and still waiting. (Two index look-ups, never a scan of the history.)
CREATE FUNCTION core.ticket_by_number(p_number text, p_day date) RETURNS uuid
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	RETURN coalesce(
		(SELECT t.id FROM core.ticket t WHERE t.day = p_day AND t.number = upper(btrim(p_number))),
		(SELECT t.id FROM core.ticket_ready r JOIN core.ticket t ON t.id = r.ticket_id
		 WHERE r.carried AND r.day < p_day AND t.number = upper(btrim(p_number))
		 ORDER BY r.day DESC LIMIT 1));
END
$$;

-- The seconds between two instants, rounded.
CREATE FUNCTION core.seconds_between(p_from timestamptz, p_to timestamptz) RETURNS int
	LANGUAGE sql IMMUTABLE
AS $$
	SELECT greatest(0, round(extract(epoch FROM p_to - p_from)))::int
$$;

-- Closes or carries waiting tickets. p_all: every waiting ticket of p_day
-- and before (close-day); else only those of days before p_day that were
-- not carried (the sweep of a day nobody closed). Returns how many.
CREATE FUNCTION core.hall_sweep(p_day date, p_all boolean, p_policy text, p_reason text, p_op uuid,
				OUT n_closed int, OUT n_carried int)
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	n_closed := 0;
	n_carried := 0;
	IF p_policy = 'carry' THEN
		WITH c AS (
			UPDATE core.ticket_ready r SET carried = true
			WHERE r.day <= p_day AND (p_all OR (r.day < p_day AND NOT r.carried))
			RETURNING r.ticket_id
		), u AS (
			UPDATE core.ticket t SET carried = true
			FROM c WHERE t.id = c.ticket_id
			RETURNING t.id
		)
		INSERT INTO core.ticket_event (ticket_id, op_id, kind, detail)
		SELECT u.id, p_op, 'carry', jsonb_build_object('reason', p_reason) FROM u;
		GET DIAGNOSTICS n_carried = ROW_COUNT;
	ELSE
		WITH gone AS (
			DELETE FROM core.ticket_ready r
			WHERE r.day <= p_day AND (p_all OR (r.day < p_day AND NOT r.carried))
			RETURNING r.ticket_id
		), u AS (
			UPDATE core.ticket t SET status = 'closed', finished_at = now(), closed_reason = p_reason
			FROM gone g WHERE t.id = g.ticket_id
			RETURNING t.id
		)
		INSERT INTO core.ticket_event (ticket_id, op_id, kind, detail)
		SELECT u.id, p_op, 'close', jsonb_build_object('reason', p_reason) FROM u;
		GET DIAGNOSTICS n_closed = ROW_COUNT;
	END IF;
END
$$;

-- The first ticket of a day opens it: tickets of earlier days that nobody
-- closed are closed (or carried) by the rules. Refuses a closed day.
CREATE FUNCTION core.hall_open_day(p_day date, p_op uuid) RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_closed timestamptz;
	r core.hall_rules;
BEGIN
	SELECT d.closed_at INTO v_closed FROM core.hall_day d WHERE d.day = p_day;
	IF FOUND THEN
		IF v_closed IS NOT NULL THEN
			RAISE EXCEPTION 'The hall is closed for today'
				USING ERRCODE = '22023', DETAIL = p_day::text;
		END IF;
		RETURN;
	END IF;
	INSERT INTO core.hall_day (day) VALUES (p_day) ON CONFLICT (day) DO NOTHING;
	IF FOUND THEN
		r := core.hall_rules_get();
		PERFORM core.hall_sweep(p_day, false, r.at_closing,
					'The day ended before the ticket was called', p_op);
	END IF;
END
$$;

-- Whether a window (its number, categories, whether it serves the green
-- category) may call a ready row: the calling rules above. Plain SQL with no
-- SET clause so that it is inlined into the claiming scan.
CREATE FUNCTION core.hall_serves(p_window int, p_categories text[], p_serves_green boolean,
				 p_category text, p_green boolean, p_to_window int) RETURNS boolean
	LANGUAGE sql IMMUTABLE
AS $$
	SELECT CASE WHEN p_to_window IS NOT NULL THEN p_to_window = p_window
		    ELSE p_category = ANY (p_categories) OR (p_green AND p_serves_green) END
$$;

-- A case number as accepted by sql/015_cases.sql (REGION-YYYYMMDD-NNNN);
-- when that table exists the case must exist too.
CREATE FUNCTION core.hall_check_case(p_case_no text) RETURNS text
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v text := upper(btrim(p_case_no));
	found_it boolean;
BEGIN
	IF v IS NULL OR v !~ '^[0-9]{6}-[0-9]{8}-[0-9]{4,}$' THEN
		RAISE EXCEPTION 'Invalid case number'
			USING ERRCODE = '22023', DETAIL = coalesce(p_case_no, '');
	END IF;
	IF to_regclass('core.case') IS NOT NULL THEN
		EXECUTE 'SELECT EXISTS (SELECT 1 FROM core.case c WHERE c.case_no = $1)' INTO found_it USING v;
		IF NOT found_it THEN
			RAISE EXCEPTION 'No such case' USING ERRCODE = 'P0002', DETAIL = v;
		END IF;
	END IF;
	RETURN v;
END
$$;

CREATE FUNCTION core.hall_notify(p_payload jsonb) RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	PERFORM pg_notify('counterdesk_hall', p_payload::text);
END
$$;

-- ---------------------------------------------------------------------------
-- api.hall_load: replaces the configuration. p_config is the JSON that
-- cd_hall_config_json (src/hall.c) makes from hall.ini:
--   {"rules": {"priority_cap": 3, "ordinary_wait_minutes": 20, "recall_limit": 2,
--              "closing_time": "17:00", "at_closing": "close", "close_reason": "...",
--              "green_category": "G"},
--    "ratings": {"callback_working_days": 1, "rectify_working_days": 15},
--    "categories": [{"code": "A", "name": "综合受理"}, ...],
--    "windows": [{"window": 1, "categories": ["A"]}, ...]}
-- Categories and windows left out become inactive; refused while a ticket
-- waits in such a category or a window left out is serving one.

CREATE FUNCTION api.hall_load(p_op uuid, p_config jsonb)
	RETURNS TABLE (categories int, windows int)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	ru jsonb := p_config -> 'rules';
	ra jsonb := p_config -> 'ratings';
	e jsonb;
	c text;
	v_green text;
	v_cats text[];
	v_wins int[];
	v_time time;
	n_cat int;
	n_win int;
BEGIN
	PERFORM core.require_role('admin');
	IF NOT core.op_begin(p_op, 'api.hall_load') THEN
		RETURN QUERY SELECT (SELECT count(*)::int FROM core.hall_category hc WHERE hc.active),
				    (SELECT count(*)::int FROM core.hall_window hw WHERE hw.active);
		RETURN;
	END IF;
	IF p_config IS NULL OR jsonb_typeof(p_config) <> 'object'
	   OR jsonb_typeof(ru) IS DISTINCT FROM 'object' OR jsonb_typeof(ra) IS DISTINCT FROM 'object'
	   OR jsonb_typeof(p_config -> 'categories') IS DISTINCT FROM 'array'
	   OR jsonb_typeof(p_config -> 'windows') IS DISTINCT FROM 'array' THEN
		RAISE EXCEPTION 'Invalid hall configuration'
			USING ERRCODE = '22023', DETAIL = '(not the shape of api.hall_load)';
	END IF;

	-- Categories
	FOR e IN SELECT x FROM jsonb_array_elements(p_config -> 'categories') AS x LOOP
		IF jsonb_typeof(e -> 'code') IS DISTINCT FROM 'string' OR (e ->> 'code') !~ '^[A-Z]$'
		   OR jsonb_typeof(e -> 'name') IS DISTINCT FROM 'string' OR btrim(e ->> 'name') = ''
		   OR char_length(e ->> 'name') > 32 THEN
			RAISE EXCEPTION 'Invalid ticket category'
				USING ERRCODE = '22023', DETAIL = left(e::text, 200);
		END IF;
		IF (e ->> 'code') = ANY (v_cats) THEN
			RAISE EXCEPTION 'A ticket category is listed twice'
				USING ERRCODE = '22023', DETAIL = e ->> 'code';
		END IF;
		v_cats := v_cats || (e ->> 'code');
	END LOOP;
	IF v_cats IS NULL THEN
		RAISE EXCEPTION 'The hall needs at least one category and one window' USING ERRCODE = '22023';
	END IF;
	v_green := ru ->> 'green_category';
	IF v_green IS NULL OR NOT v_green = ANY (v_cats) THEN
		RAISE EXCEPTION 'The green category is not one of the categories'
			USING ERRCODE = '22023', DETAIL = coalesce(v_green, '');
	END IF;

	-- Windows
	FOR e IN SELECT x FROM jsonb_array_elements(p_config -> 'windows') AS x LOOP
		IF jsonb_typeof(e -> 'window') IS DISTINCT FROM 'number'
		   OR (e ->> 'window') !~ '^[0-9]{1,3}$' OR (e ->> 'window')::int NOT BETWEEN 1 AND 999
		   OR jsonb_typeof(e -> 'categories') IS DISTINCT FROM 'array'
		   OR jsonb_array_length(e -> 'categories') = 0 THEN
			RAISE EXCEPTION 'Invalid window'
				USING ERRCODE = '22023', DETAIL = left(e::text, 200);
		END IF;
		IF (e ->> 'window')::int = ANY (v_wins) THEN
			RAISE EXCEPTION 'A window is listed twice'
				USING ERRCODE = '22023', DETAIL = e ->> 'window';
		END IF;
		v_wins := v_wins || (e ->> 'window')::int;
		FOR c IN SELECT y FROM jsonb_array_elements_text(e -> 'categories') AS y LOOP
			IF NOT c = ANY (v_cats) THEN
				RAISE EXCEPTION 'A window serves an unknown category'
					USING ERRCODE = '22023', DETAIL = (e ->> 'window') || ': ' || c;
			END IF;
		END LOOP;
	END LOOP;
	IF v_wins IS NULL THEN
		RAISE EXCEPTION 'The hall needs at least one category and one window' USING ERRCODE = '22023';
	END IF;
	SELECT x INTO c FROM unnest(v_cats) AS x
	WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_config -> 'windows') w
			  WHERE w -> 'categories' ? x)
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'No window serves a category' USING ERRCODE = '22023', DETAIL = c;
	END IF;

	-- Rules
	BEGIN
		v_time := (ru ->> 'closing_time')::time;
	EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow THEN
		v_time := NULL;
	END;
	IF v_time IS NULL
	   OR coalesce(ru ->> 'at_closing', '') NOT IN ('close', 'carry')
	   OR coalesce(ru ->> 'priority_cap', '') !~ '^[0-9]{1,4}$'
	   OR coalesce(ru ->> 'ordinary_wait_minutes', '') !~ '^[0-9]{1,4}$'
	   OR coalesce(ru ->> 'recall_limit', '') !~ '^[0-9]{1,4}$'
	   OR coalesce(ra ->> 'callback_working_days', '') !~ '^[0-9]{1,4}$'
	   OR coalesce(ra ->> 'rectify_working_days', '') !~ '^[0-9]{1,4}$'
	   OR coalesce(btrim(ru ->> 'close_reason'), '') = '' THEN
		RAISE EXCEPTION 'Invalid hall rules' USING ERRCODE = '22023', DETAIL = left(ru::text || ra::text, 300);
	END IF;

	-- What may not disappear
	SELECT r.category INTO c FROM core.ticket_ready r WHERE NOT r.category = ANY (v_cats) LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'A category with waiting tickets cannot be removed'
			USING ERRCODE = '22023', DETAIL = c;
	END IF;
	SELECT hw.window_no::text INTO c FROM core.hall_window hw
	WHERE hw.active AND NOT hw.window_no = ANY (v_wins) AND hw.current_ticket IS NOT NULL
	LIMIT 1 FOR UPDATE;
	IF FOUND THEN
		RAISE EXCEPTION 'A window serving a ticket cannot be removed'
			USING ERRCODE = '22023', DETAIL = c;
	END IF;

	INSERT INTO core.hall_category (code, name, active)
	SELECT x ->> 'code', btrim(x ->> 'name'), true
	FROM jsonb_array_elements(p_config -> 'categories') AS x
	ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, active = true;
	UPDATE core.hall_category hc SET active = false WHERE hc.active AND NOT hc.code = ANY (v_cats);

	INSERT INTO core.hall_rules AS h (one, priority_cap, ordinary_wait_minutes, recall_limit, closing_time,
				     at_closing, close_reason, green_category, callback_days, rectify_days)
	VALUES (true, (ru ->> 'priority_cap')::int, (ru ->> 'ordinary_wait_minutes')::int,
		(ru ->> 'recall_limit')::int, v_time, ru ->> 'at_closing', btrim(ru ->> 'close_reason'),
		v_green, (ra ->> 'callback_working_days')::int, (ra ->> 'rectify_working_days')::int)
	ON CONFLICT (one) DO UPDATE SET
		priority_cap = EXCLUDED.priority_cap, ordinary_wait_minutes = EXCLUDED.ordinary_wait_minutes,
		recall_limit = EXCLUDED.recall_limit, closing_time = EXCLUDED.closing_time,
		at_closing = EXCLUDED.at_closing, close_reason = EXCLUDED.close_reason,
		green_category = EXCLUDED.green_category, callback_days = EXCLUDED.callback_days,
		rectify_days = EXCLUDED.rectify_days, loaded_at = now(), loaded_by = session_user;

	INSERT INTO core.hall_window AS hw (window_no, categories, serves_green, active)
	SELECT (x ->> 'window')::int,
	       ARRAY(SELECT DISTINCT y FROM jsonb_array_elements_text(x -> 'categories') AS y ORDER BY 1),
	       x -> 'categories' ? v_green, true
	FROM jsonb_array_elements(p_config -> 'windows') AS x
	ON CONFLICT (window_no) DO UPDATE SET categories = EXCLUDED.categories,
		serves_green = EXCLUDED.serves_green, active = true;
	UPDATE core.hall_window hw SET active = false, paused = false, paused_at = NULL
	WHERE hw.active AND NOT hw.window_no = ANY (v_wins);
	-- A ticket sent to a window that is gone goes back to its category.
	UPDATE core.ticket_ready r SET to_window = NULL WHERE NOT r.to_window = ANY (v_wins);

	n_cat := cardinality(v_cats);
	n_win := cardinality(v_wins);
	PERFORM core.hall_notify(jsonb_build_object('event', 'config'));
	PERFORM core.audit_write('hall_load', 'hall:config',
		jsonb_build_object('categories', v_cats, 'windows', v_wins, 'rules', ru, 'ratings', ra));
	RETURN QUERY SELECT n_cat, n_win;
END
$$;

-- The configuration in force, in the shape api.hall_load takes (plus when
-- and by whom it was loaded). NULL when the hall is not configured.
CREATE FUNCTION api.hall_config() RETURNS jsonb
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	r core.hall_rules;
BEGIN
	IF NOT core.is_setup_session() THEN
		PERFORM core.actor();
	END IF;
	SELECT h.* INTO r FROM core.hall_rules h WHERE h.one;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	RETURN jsonb_build_object(
		'rules', jsonb_build_object('priority_cap', r.priority_cap,
			'ordinary_wait_minutes', r.ordinary_wait_minutes, 'recall_limit', r.recall_limit,
			'closing_time', to_char(r.closing_time, 'HH24:MI'), 'at_closing', r.at_closing,
			'close_reason', r.close_reason, 'green_category', r.green_category),
		'ratings', jsonb_build_object('callback_working_days', r.callback_days,
			'rectify_working_days', r.rectify_days),
		'categories', (SELECT coalesce(jsonb_agg(jsonb_build_object('code', c.code, 'name', c.name)
							 ORDER BY c.code), '[]')
			       FROM core.hall_category c WHERE c.active),
		'windows', (SELECT coalesce(jsonb_agg(jsonb_build_object('window', w.window_no,
									 'categories', to_jsonb(w.categories))
						      ORDER BY w.window_no), '[]')
			    FROM core.hall_window w WHERE w.active),
		'loaded_at', r.loaded_at, 'loaded_by', r.loaded_by);
END
$$;

-- ---------------------------------------------------------------------------
-- api.ticket_issue: the kiosk (or a clerk) issues a ticket. p_green makes
-- it a green-channel ticket (always so for the green category);
-- p_appointment is the reference of a checked-in appointment (once per day).
-- ahead: waiting tickets that would be called before it at a window of its
-- category (for a green ticket: green tickets before it) — an estimate
-- for the visitor, not a promise.

CREATE FUNCTION api.ticket_issue(p_op uuid, p_category text, p_green boolean, p_appointment text)
	RETURNS TABLE (number text, day date, category text, category_name text, green boolean,
		       appointment text, issued_at timestamptz, ahead int)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	r core.hall_rules;
	v_today date := core.today();
	v_cat text := upper(btrim(p_category));
	v_green boolean := coalesce(p_green, false);
	v_appt text := nullif(btrim(p_appointment), '');
	v_prefix text;
	v_seq int;
	v_id uuid;
	v_pri smallint;
	v_ahead int;
BEGIN
	PERFORM core.hall_require('kiosk', 'clerk');
	IF NOT core.op_begin(p_op, 'api.ticket_issue') THEN
		SELECT t.id INTO v_id FROM core.ticket t WHERE t.op_id = p_op;
		RETURN QUERY SELECT o.number, o.day, o.category, o.category_name, o.green, o.appointment,
				    o.issued_at, NULL::int FROM core.ticket_out(v_id) o;
		RETURN;
	END IF;
	r := core.hall_rules_get();
	IF v_cat IS NULL OR NOT EXISTS (SELECT 1 FROM core.hall_category c WHERE c.code = v_cat AND c.active) THEN
		RAISE EXCEPTION 'Unknown ticket category' USING ERRCODE = '22023', DETAIL = coalesce(p_category, '');
	END IF;
	IF v_cat = r.green_category THEN
		v_green := true;
	END IF;
	IF v_appt IS NOT NULL AND (char_length(v_appt) > 64 OR v_appt ~ '[[:cntrl:]]') THEN
		RAISE EXCEPTION 'Invalid appointment reference' USING ERRCODE = '22023', DETAIL = left(v_appt, 80);
	END IF;
	PERFORM core.hall_open_day(v_today, p_op);
	IF v_appt IS NOT NULL AND EXISTS (SELECT 1 FROM core.ticket t WHERE t.day = v_today AND t.appointment = v_appt) THEN
		RAISE EXCEPTION 'This appointment is already checked in' USING ERRCODE = '23505', DETAIL = v_appt;
	END IF;

	v_prefix := CASE WHEN v_green THEN r.green_category ELSE v_cat END;
	INSERT INTO core.ticket_counter AS k (day, prefix, last) VALUES (v_today, v_prefix, 1)
	ON CONFLICT (day, prefix) DO UPDATE SET last = k.last + 1
	RETURNING k.last INTO v_seq;
	v_pri := core.ticket_pri(v_green, v_appt);
	INSERT INTO core.ticket (op_id, day, prefix, seq, number, category, green, appointment, arrived_at)
	VALUES (p_op, v_today, v_prefix, v_seq, core.ticket_number(v_prefix, v_seq), v_cat, v_green, v_appt, now())
	RETURNING id INTO v_id;
	INSERT INTO core.ticket_ready (ticket_id, day, category, green, pri, arrived_at)
	VALUES (v_id, v_today, v_cat, v_green, v_pri, now());

	SELECT count(*)::int INTO v_ahead FROM core.ticket_ready x
	WHERE (x.day = v_today OR x.carried) AND x.ticket_id <> v_id
	  AND (CASE WHEN v_green THEN x.green ELSE x.category = v_cat END)
	  AND (x.pri, x.arrived_at) <= (v_pri, now());

	PERFORM core.hall_notify(jsonb_build_object('event', 'issue', 'category', v_cat,
		'number', core.ticket_number(v_prefix, v_seq)));
	RETURN QUERY SELECT o.number, o.day, o.category, o.category_name, o.green, o.appointment,
			    o.issued_at, v_ahead FROM core.ticket_out(v_id) o;
END
$$;

-- ---------------------------------------------------------------------------
-- Window operations. p_window NULL: the caller's default window. Each
-- returns the ticket concerned (the columns of core.ticket_out). A retried
-- call (same p_op) returns what the first one did and changes nothing.

-- The ticket a window operation acts on: the window's current one.
CREATE FUNCTION core.hall_current(w core.hall_window) RETURNS uuid
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	IF w.current_ticket IS NULL THEN
		RAISE EXCEPTION 'This window has no ticket called'
			USING ERRCODE = 'P0002', DETAIL = w.window_no::text;
	END IF;
	RETURN w.current_ticket;
END
$$;

-- A window may call when it is not paused, has no ticket called, and the
-- day is not closed.
CREATE FUNCTION core.hall_may_call(w core.hall_window, p_day date) RETURNS void
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	IF w.paused THEN
		RAISE EXCEPTION 'This window is paused' USING ERRCODE = '22023', DETAIL = w.window_no::text;
	END IF;
	IF w.current_ticket IS NOT NULL THEN
		RAISE EXCEPTION 'Finish, transfer or mark a no-show for the ticket called first'
			USING ERRCODE = '22023',
			      DETAIL = (SELECT t.number FROM core.ticket t WHERE t.id = w.current_ticket);
	END IF;
	PERFORM core.hall_refuse_closed(p_day);
END
$$;

-- Records a call of ticket p_id at window w (the ready row is already gone).
CREATE FUNCTION core.hall_record_call(w core.hall_window, p_id uuid, p_pri smallint, p_op uuid,
				      p_rule text, p_reason text) RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	UPDATE core.ticket t
	SET status = 'called', called_at = now(), called_by = session_user, window_no = w.window_no,
	    first_called_at = coalesce(t.first_called_at, now()),
	    wait_seconds = coalesce(t.wait_seconds, core.seconds_between(t.issued_at, now())),
	    recalls = 0, out_of_order_reason = coalesce(p_reason, t.out_of_order_reason)
	WHERE t.id = p_id;
	UPDATE core.hall_window hw
	SET current_ticket = p_id, staff = session_user,
	    priority_streak = CASE WHEN p_pri < 2 THEN hw.priority_streak + 1 ELSE 0 END
	WHERE hw.window_no = w.window_no;
	INSERT INTO core.ticket_event (ticket_id, op_id, kind, window_no, detail)
	VALUES (p_id, p_op, 'call', w.window_no,
		jsonb_strip_nulls(jsonb_build_object('rule', p_rule, 'reason', p_reason)));
END
$$;

-- The ticket and rule of an operation already done (a retried call).
CREATE FUNCTION core.hall_replay(p_op uuid, p_kind text, OUT ticket uuid, OUT rule text)
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	SELECT e.ticket_id, e.detail ->> 'rule' INTO ticket, rule FROM core.ticket_event e
	WHERE e.op_id = p_op AND e.kind = p_kind
	ORDER BY e.id LIMIT 1;
END
$$;

-- api.window_call: call the next ticket by the calling rules. rule says
-- which rule chose it: green, appointment, arrival, fairness, transfer
-- (sent to this window). No ticket waiting for the window: P0002.
CREATE FUNCTION api.window_call(p_op uuid, p_window int)
	RETURNS TABLE (number text, day date, category text, category_name text, green boolean,
		       appointment text, status text, issued_at timestamptz, arrived_at timestamptz,
		       called_at timestamptz, finished_at timestamptz, window_no int, called_by text,
		       recalls int, transfers int, wait_seconds int, service_seconds int,
		       carried boolean, out_of_order_reason text, rule text)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	r core.hall_rules;
	w core.hall_window;
	v_today date := core.today();
	v_id uuid;
	v_pri smallint;
	v_to int;
	v_rule text;
	v_cut timestamptz;
BEGIN
	PERFORM core.hall_require('clerk');
	IF NOT core.op_begin(p_op, 'api.window_call') THEN
		SELECT p.ticket, p.rule INTO v_id, v_rule FROM core.hall_replay(p_op, 'call') p;
		RETURN QUERY SELECT o.*, v_rule FROM core.ticket_out(v_id) o;
		RETURN;
	END IF;
	r := core.hall_rules_get();
	w := core.hall_window_lock(p_window);
	PERFORM core.hall_may_call(w, v_today);

	IF w.priority_streak >= r.priority_cap THEN
		v_cut := now() - make_interval(mins => r.ordinary_wait_minutes);
		DELETE FROM core.ticket_ready d
		WHERE d.ticket_id = (
			SELECT x.ticket_id FROM core.ticket_ready x
			WHERE x.pri = 2 AND x.arrived_at < v_cut
			  AND (x.day = v_today OR x.carried)
			  AND core.hall_serves(w.window_no, w.categories, w.serves_green, x.category, x.green, x.to_window)
			ORDER BY x.arrived_at, x.ticket_id
			LIMIT 1
			FOR UPDATE SKIP LOCKED)
		RETURNING d.ticket_id, d.pri, d.to_window INTO v_id, v_pri, v_to;
		IF v_id IS NOT NULL THEN
			v_rule := 'fairness';
		END IF;
	END IF;
	IF v_id IS NULL THEN
		DELETE FROM core.ticket_ready d
		WHERE d.ticket_id = (
			SELECT x.ticket_id FROM core.ticket_ready x
			WHERE (x.day = v_today OR x.carried)
			  AND core.hall_serves(w.window_no, w.categories, w.serves_green, x.category, x.green, x.to_window)
			ORDER BY x.pri, x.arrived_at, x.ticket_id
			LIMIT 1
			FOR UPDATE SKIP LOCKED)
		RETURNING d.ticket_id, d.pri, d.to_window INTO v_id, v_pri, v_to;
		v_rule := CASE WHEN v_to IS NOT NULL THEN 'transfer'
			       WHEN v_pri = 0 THEN 'green'
			       WHEN v_pri = 1 THEN 'appointment'
			       ELSE 'arrival' END;
	END IF;
	IF v_id IS NULL THEN
		RAISE EXCEPTION 'No ticket is waiting for this window'
			USING ERRCODE = 'P0002', DETAIL = w.window_no::text;
	END IF;
	PERFORM core.hall_record_call(w, v_id, v_pri, p_op, v_rule, NULL);
	PERFORM core.hall_notify(jsonb_build_object('event', 'call', 'window', w.window_no,
		'number', (SELECT t.number FROM core.ticket t WHERE t.id = v_id)));
	RETURN QUERY SELECT o.*, v_rule FROM core.ticket_out(v_id) o;
END
$$;

-- api.window_call_ticket: call one waiting ticket by its number, out of
-- the calling order; the reason is required and audited.
CREATE FUNCTION api.window_call_ticket(p_op uuid, p_window int, p_number text, p_reason text)
	RETURNS TABLE (number text, day date, category text, category_name text, green boolean,
		       appointment text, status text, issued_at timestamptz, arrived_at timestamptz,
		       called_at timestamptz, finished_at timestamptz, window_no int, called_by text,
		       recalls int, transfers int, wait_seconds int, service_seconds int,
		       carried boolean, out_of_order_reason text, rule text)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	w core.hall_window;
	v_today date := core.today();
	v_reason text := btrim(p_reason);
	v_id uuid;
	v_ready core.ticket_ready;
	v_number text;
BEGIN
	PERFORM core.hall_require('clerk');
	IF NOT core.op_begin(p_op, 'api.window_call_ticket') THEN
		SELECT p.ticket INTO v_id FROM core.hall_replay(p_op, 'call') p;
		RETURN QUERY SELECT o.*, 'out_of_order'::text FROM core.ticket_out(v_id) o;
		RETURN;
	END IF;
	IF v_reason IS NULL OR v_reason = '' THEN
		RAISE EXCEPTION 'A reason is required to call a ticket out of order' USING ERRCODE = '22023';
	END IF;
	IF char_length(v_reason) > 200 THEN
		RAISE EXCEPTION 'Text too long or not printable' USING ERRCODE = '22023', DETAIL = 'reason';
	END IF;
	PERFORM core.hall_rules_get();
	w := core.hall_window_lock(p_window);
	PERFORM core.hall_may_call(w, v_today);
	v_id := core.ticket_by_number(p_number, v_today);
	IF v_id IS NULL THEN
		RAISE EXCEPTION 'No such ticket today' USING ERRCODE = 'P0002', DETAIL = coalesce(p_number, '');
	END IF;
	-- Waits for a window that is claiming the same ticket right now, then
	-- finds it gone: a ticket is never called twice.
	DELETE FROM core.ticket_ready d WHERE d.ticket_id = v_id RETURNING d.* INTO v_ready;
	IF v_ready.ticket_id IS NULL THEN
		RAISE EXCEPTION 'This ticket is not waiting' USING ERRCODE = '22023',
			DETAIL = upper(btrim(p_number));
	END IF;
	IF NOT core.hall_serves(w.window_no, w.categories, w.serves_green, v_ready.category, v_ready.green, v_ready.to_window) THEN
		RAISE EXCEPTION 'This window does not serve the ticket''s category'
			USING ERRCODE = '22023', DETAIL = v_ready.category;
	END IF;
	PERFORM core.hall_record_call(w, v_id, v_ready.pri, p_op, 'out_of_order', v_reason);
	SELECT t.number INTO v_number FROM core.ticket t WHERE t.id = v_id;
	PERFORM core.hall_notify(jsonb_build_object('event', 'call', 'window', w.window_no, 'number', v_number));
	PERFORM core.audit_write('ticket_call_out_of_order', 'ticket:' || v_today::text || ':' || v_number,
		jsonb_build_object('window', w.window_no, 'reason', v_reason));
	RETURN QUERY SELECT o.*, 'out_of_order'::text FROM core.ticket_out(v_id) o;
END
$$;

-- api.window_recall: announce the ticket called again; refused past the
-- recall limit (then it is a no-show).
CREATE FUNCTION api.window_recall(p_op uuid, p_window int)
	RETURNS TABLE (number text, recalls int, recall_limit int)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	r core.hall_rules;
	w core.hall_window;
	v_id uuid;
	v_t core.ticket;
BEGIN
	PERFORM core.hall_require('clerk');
	r := core.hall_rules_get();
	IF NOT core.op_begin(p_op, 'api.window_recall') THEN
		SELECT p.ticket INTO v_id FROM core.hall_replay(p_op, 'recall') p;
		RETURN QUERY SELECT t.number, t.recalls, r.recall_limit FROM core.ticket t WHERE t.id = v_id;
		RETURN;
	END IF;
	w := core.hall_window_lock(p_window);
	v_id := core.hall_current(w);
	SELECT t.* INTO v_t FROM core.ticket t WHERE t.id = v_id;
	IF v_t.recalls >= r.recall_limit THEN
		RAISE EXCEPTION 'The recall limit is reached: mark the ticket as a no-show'
			USING ERRCODE = '22023', DETAIL = v_t.number || ' ' || v_t.recalls::text;
	END IF;
	UPDATE core.ticket t SET recalls = t.recalls + 1 WHERE t.id = v_id;
	INSERT INTO core.ticket_event (ticket_id, op_id, kind, window_no, detail)
	VALUES (v_id, p_op, 'recall', w.window_no, jsonb_build_object('n', v_t.recalls + 1));
	PERFORM core.hall_notify(jsonb_build_object('event', 'recall', 'window', w.window_no, 'number', v_t.number));
	RETURN QUERY SELECT v_t.number, v_t.recalls + 1, r.recall_limit;
END
$$;

-- api.window_noshow: the visitor called did not come.
CREATE FUNCTION api.window_noshow(p_op uuid, p_window int)
	RETURNS TABLE (number text, day date, category text, category_name text, green boolean,
		       appointment text, status text, issued_at timestamptz, arrived_at timestamptz,
		       called_at timestamptz, finished_at timestamptz, window_no int, called_by text,
		       recalls int, transfers int, wait_seconds int, service_seconds int,
		       carried boolean, out_of_order_reason text)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	w core.hall_window;
	v_id uuid;
BEGIN
	PERFORM core.hall_require('clerk');
	IF NOT core.op_begin(p_op, 'api.window_noshow') THEN
		SELECT p.ticket INTO v_id FROM core.hall_replay(p_op, 'no_show') p;
		RETURN QUERY SELECT * FROM core.ticket_out(v_id);
		RETURN;
	END IF;
	w := core.hall_window_lock(p_window);
	v_id := core.hall_current(w);
	UPDATE core.ticket t SET status = 'no_show', finished_at = now() WHERE t.id = v_id;
	UPDATE core.hall_window hw SET current_ticket = NULL WHERE hw.window_no = w.window_no;
	INSERT INTO core.ticket_event (ticket_id, op_id, kind, window_no)
	VALUES (v_id, p_op, 'no_show', w.window_no);
	PERFORM core.hall_notify(jsonb_build_object('event', 'no_show', 'window', w.window_no));
	RETURN QUERY SELECT * FROM core.ticket_out(v_id);
END
$$;

-- api.window_transfer: the ticket called goes back to the queue, for
-- another category (p_category) or one window (p_to_window) — exactly one
-- of them — keeping its place (arrival time) and its priority.
CREATE FUNCTION api.window_transfer(p_op uuid, p_window int, p_category text, p_to_window int)
	RETURNS TABLE (number text, day date, category text, category_name text, green boolean,
		       appointment text, status text, issued_at timestamptz, arrived_at timestamptz,
		       called_at timestamptz, finished_at timestamptz, window_no int, called_by text,
		       recalls int, transfers int, wait_seconds int, service_seconds int,
		       carried boolean, out_of_order_reason text)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	w core.hall_window;
	v_id uuid;
	v_t core.ticket;
	v_cat text := nullif(upper(btrim(p_category)), '');
BEGIN
	PERFORM core.hall_require('clerk');
	IF NOT core.op_begin(p_op, 'api.window_transfer') THEN
		SELECT p.ticket INTO v_id FROM core.hall_replay(p_op, 'transfer') p;
		RETURN QUERY SELECT * FROM core.ticket_out(v_id);
		RETURN;
	END IF;
	IF (v_cat IS NULL) = (p_to_window IS NULL) THEN
		RAISE EXCEPTION 'Transfer to a category or to a window, not both' USING ERRCODE = '22023';
	END IF;
	IF v_cat IS NOT NULL AND NOT EXISTS (SELECT 1 FROM core.hall_category c WHERE c.code = v_cat AND c.active) THEN
		RAISE EXCEPTION 'Unknown ticket category' USING ERRCODE = '22023', DETAIL = p_category;
	END IF;
	w := core.hall_window_lock(p_window);
	IF p_to_window IS NOT NULL THEN
		IF p_to_window = w.window_no THEN
			RAISE EXCEPTION 'A ticket cannot be transferred to the same window'
				USING ERRCODE = '22023', DETAIL = p_to_window::text;
		END IF;
		IF NOT EXISTS (SELECT 1 FROM core.hall_window hw WHERE hw.window_no = p_to_window AND hw.active) THEN
			RAISE EXCEPTION 'No such window' USING ERRCODE = 'P0002', DETAIL = p_to_window::text;
		END IF;
	END IF;
	v_id := core.hall_current(w);
	UPDATE core.ticket t
	SET status = 'waiting', category = coalesce(v_cat, t.category), window_no = NULL,
	    transfers = t.transfers + 1,
	    service_seconds = t.service_seconds + core.seconds_between(t.called_at, now())
	WHERE t.id = v_id
	RETURNING t.* INTO v_t;
	INSERT INTO core.ticket_ready (ticket_id, day, category, green, pri, arrived_at, to_window, carried)
	VALUES (v_id, v_t.day, v_t.category, v_t.green, core.ticket_pri(v_t.green, v_t.appointment),
		v_t.arrived_at, p_to_window, v_t.carried);
	UPDATE core.hall_window hw SET current_ticket = NULL WHERE hw.window_no = w.window_no;
	INSERT INTO core.ticket_event (ticket_id, op_id, kind, window_no, detail)
	VALUES (v_id, p_op, 'transfer', w.window_no,
		jsonb_strip_nulls(jsonb_build_object('category', v_cat, 'window', p_to_window)));
	PERFORM core.hall_notify(jsonb_build_object('event', 'transfer', 'window', w.window_no,
		'number', v_t.number));
	RETURN QUERY SELECT * FROM core.ticket_out(v_id);
END
$$;

-- api.window_pause: p_paused true pauses the window (it calls nothing),
-- false resumes it. The ticket called, if any, can still be finished.
CREATE FUNCTION api.window_pause(p_op uuid, p_window int, p_paused boolean)
	RETURNS TABLE (window_no int, paused boolean)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	w core.hall_window;
BEGIN
	PERFORM core.hall_require('clerk');
	w := core.hall_window_lock(p_window);
	IF NOT core.op_begin(p_op, 'api.window_pause') THEN
		RETURN QUERY SELECT w.window_no, w.paused;
		RETURN;
	END IF;
	IF p_paused IS NULL THEN
		RAISE EXCEPTION 'Malformed request' USING ERRCODE = '22023', DETAIL = 'p_paused';
	END IF;
	IF w.paused IS DISTINCT FROM p_paused THEN
		UPDATE core.hall_window hw
		SET paused = p_paused, paused_at = CASE WHEN p_paused THEN now() END
		WHERE hw.window_no = w.window_no;
		PERFORM core.hall_notify(jsonb_build_object('event', CASE WHEN p_paused THEN 'pause' ELSE 'resume' END,
							    'window', w.window_no));
	END IF;
	RETURN QUERY SELECT w.window_no, p_paused;
END
$$;

-- api.window_finish: the service of the ticket called is done; the rating
-- pad of the window now rates it. p_case_no (optional) links the case the
-- clerk accepted for this visit.
CREATE FUNCTION api.window_finish(p_op uuid, p_window int, p_case_no text)
	RETURNS TABLE (number text, day date, category text, category_name text, green boolean,
		       appointment text, status text, issued_at timestamptz, arrived_at timestamptz,
		       called_at timestamptz, finished_at timestamptz, window_no int, called_by text,
		       recalls int, transfers int, wait_seconds int, service_seconds int,
		       carried boolean, out_of_order_reason text)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	w core.hall_window;
	v_id uuid;
	v_case text;
BEGIN
	PERFORM core.hall_require('clerk');
	IF NOT core.op_begin(p_op, 'api.window_finish') THEN
		SELECT p.ticket INTO v_id FROM core.hall_replay(p_op, 'finish') p;
		RETURN QUERY SELECT * FROM core.ticket_out(v_id);
		RETURN;
	END IF;
	IF nullif(btrim(p_case_no), '') IS NOT NULL THEN
		v_case := core.hall_check_case(p_case_no);
	END IF;
	w := core.hall_window_lock(p_window);
	v_id := core.hall_current(w);
	UPDATE core.ticket t
	SET status = 'done', finished_at = now(),
	    service_seconds = t.service_seconds + core.seconds_between(t.called_at, now())
	WHERE t.id = v_id;
	UPDATE core.hall_window hw SET current_ticket = NULL, last_finished = v_id
	WHERE hw.window_no = w.window_no;
	IF v_case IS NOT NULL THEN
		INSERT INTO core.ticket_case (ticket_id, case_no) VALUES (v_id, v_case)
		ON CONFLICT DO NOTHING;
	END IF;
	INSERT INTO core.ticket_event (ticket_id, op_id, kind, window_no, detail)
	VALUES (v_id, p_op, 'finish', w.window_no, jsonb_strip_nulls(jsonb_build_object('case', v_case)));
	PERFORM core.hall_notify(jsonb_build_object('event', 'finish', 'window', w.window_no));
	RETURN QUERY SELECT * FROM core.ticket_out(v_id);
END
$$;

-- api.window_link_case: the case accepted for the visitor at the window
-- (the ticket called, else the one last finished there) knows this visit.
CREATE FUNCTION api.window_link_case(p_op uuid, p_window int, p_case_no text)
	RETURNS TABLE (number text, case_no text)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	w core.hall_window;
	v_case text;
	v_id uuid;
BEGIN
	PERFORM core.hall_require('clerk');
	v_case := core.hall_check_case(p_case_no);
	w := core.hall_window_lock(p_window);
	v_id := coalesce(w.current_ticket, w.last_finished);
	IF v_id IS NULL THEN
		RAISE EXCEPTION 'This window has no ticket called' USING ERRCODE = 'P0002', DETAIL = w.window_no::text;
	END IF;
	IF core.op_begin(p_op, 'api.window_link_case') THEN
		INSERT INTO core.ticket_case (ticket_id, case_no) VALUES (v_id, v_case) ON CONFLICT DO NOTHING;
		IF FOUND THEN
			INSERT INTO core.ticket_event (ticket_id, op_id, kind, window_no, detail)
			VALUES (v_id, p_op, 'case', w.window_no, jsonb_build_object('case', v_case));
		END IF;
	END IF;
	RETURN QUERY SELECT t.number, v_case FROM core.ticket t WHERE t.id = v_id;
END
$$;

-- ---------------------------------------------------------------------------
-- api.hall_close_day: every ticket still waiting is closed with the reason
-- (or carried to the next day: at_closing = carry); no ticket is issued or
-- called today after this. Before closing_time only with p_early and a
-- reason. A second call the same day returns the first one's counts.

CREATE FUNCTION api.hall_close_day(p_op uuid, p_reason text, p_early boolean)
	RETURNS TABLE (day date, closed int, carried int, reason text)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	r core.hall_rules;
	v_today date := core.today();
	v_reason text := nullif(btrim(p_reason), '');
	v_early boolean := false;
	v_day core.hall_day;
	s record;
BEGIN
	PERFORM core.require_role('supervisor');
	r := core.hall_rules_get();
	IF NOT core.op_begin(p_op, 'api.hall_close_day') THEN
		RETURN QUERY SELECT d.day, d.n_closed, d.n_carried, d.reason FROM core.hall_day d WHERE d.day = v_today;
		RETURN;
	END IF;
	INSERT INTO core.hall_day (day) VALUES (v_today) ON CONFLICT (day) DO NOTHING;
	SELECT d.* INTO v_day FROM core.hall_day d WHERE d.day = v_today FOR UPDATE;
	IF v_day.closed_at IS NOT NULL THEN
		RETURN QUERY SELECT v_day.day, v_day.n_closed, v_day.n_carried, v_day.reason;
		RETURN;
	END IF;
	IF (now() AT TIME ZONE core.hall_tz())::time < r.closing_time THEN
		IF NOT coalesce(p_early, false) THEN
			RAISE EXCEPTION 'It is not closing time yet'
				USING ERRCODE = '22023', DETAIL = to_char(r.closing_time, 'HH24:MI'),
				      HINT = 'Close early with a reason.';
		END IF;
		IF v_reason IS NULL THEN
			RAISE EXCEPTION 'A reason is required to close before closing time' USING ERRCODE = '22023';
		END IF;
		v_early := true;
	END IF;
	v_reason := coalesce(v_reason, r.close_reason);
	SELECT * INTO s FROM core.hall_sweep(v_today, true, r.at_closing, v_reason, p_op);
	UPDATE core.hall_day d
	SET closed_at = now(), closed_by = session_user, reason = v_reason, early = v_early,
	    n_closed = s.n_closed, n_carried = s.n_carried
	WHERE d.day = v_today;
	UPDATE core.hall_window hw SET priority_streak = 0 WHERE hw.priority_streak <> 0;
	PERFORM core.hall_notify(jsonb_build_object('event', 'close_day', 'closed', s.n_closed,
						    'carried', s.n_carried));
	PERFORM core.audit_write('hall_close_day', 'hall:' || v_today::text,
		jsonb_build_object('closed', s.n_closed, 'carried', s.n_carried, 'reason', v_reason,
				   'early', v_early, 'policy', r.at_closing));
	RETURN QUERY SELECT v_today, s.n_closed, s.n_carried, v_reason;
END
$$;

-- ---------------------------------------------------------------------------
-- Reading the hall

-- Today's tickets (and those carried from earlier days), waiting ones
-- first in calling order (pri: 0 green, 1 appointment, 2 arrival; to_window
-- when sent to one window), then the others by issue time.
CREATE FUNCTION api.ticket_list(p_waiting_only boolean)
	RETURNS TABLE (number text, day date, category text, category_name text, green boolean,
		       appointment text, status text, issued_at timestamptz, arrived_at timestamptz,
		       called_at timestamptz, finished_at timestamptz, window_no int, called_by text,
		       recalls int, transfers int, wait_seconds int, service_seconds int,
		       carried boolean, out_of_order_reason text, pri int, to_window int,
		       cases text[])
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_today date := core.today();
BEGIN
	PERFORM core.require_role('clerk', 'supervisor');
	RETURN QUERY
	SELECT t.number, t.day, t.category, c.name, t.green, t.appointment, t.status, t.issued_at,
	       t.arrived_at, t.called_at, t.finished_at, t.window_no, t.called_by, t.recalls,
	       t.transfers, t.wait_seconds, t.service_seconds, t.carried, t.out_of_order_reason,
	       r.pri::int, r.to_window,
	       ARRAY(SELECT tc.case_no FROM core.ticket_case tc WHERE tc.ticket_id = t.id ORDER BY tc.case_no)
	FROM (SELECT t0.id FROM core.ticket t0 WHERE t0.day = v_today
	      UNION
	      SELECT r0.ticket_id FROM core.ticket_ready r0 WHERE r0.carried) ids
	JOIN core.ticket t ON t.id = ids.id
	JOIN core.hall_category c ON c.code = t.category
	LEFT JOIN core.ticket_ready r ON r.ticket_id = t.id
	WHERE NOT coalesce(p_waiting_only, false) OR t.status = 'waiting'
	ORDER BY (t.status = 'waiting') DESC, r.pri, r.arrived_at, t.issued_at, t.number;
END
$$;

-- Every active window and what it is doing. waiting: tickets this window
-- would call (its categories, green ones if it serves green, those sent to it).
CREATE FUNCTION api.hall_windows()
	RETURNS TABLE (window_no int, categories text[], serves_green boolean, paused boolean,
		       staff text, staff_name text, number text, category text, green boolean,
		       called_at timestamptz, recalls int, served_today int, waiting int)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_today date := core.today();
BEGIN
	PERFORM core.require_role('clerk', 'supervisor', 'kiosk');
	RETURN QUERY
	SELECT w.window_no, w.categories, w.serves_green, w.paused, w.staff, s.full_name,
	       t.number, t.category, t.green, t.called_at, t.recalls,
	       (SELECT count(*)::int FROM core.ticket d
		WHERE d.day = v_today AND d.window_no = w.window_no AND d.status = 'done'),
	       (SELECT count(*)::int FROM core.ticket_ready x
		WHERE (x.day = v_today OR x.carried) AND core.hall_serves(w.window_no, w.categories, w.serves_green, x.category, x.green, x.to_window))
	FROM core.hall_window w
	LEFT JOIN core.ticket t ON t.id = w.current_ticket
	LEFT JOIN core.staff s ON s.login = w.staff
	WHERE w.active
	ORDER BY w.window_no;
END
$$;

-- Per category, today: waiting (of them green and appointments), the
-- longest wait now, served, no-shows, and mean waiting and service times.
CREATE FUNCTION api.hall_queue()
	RETURNS TABLE (category text, name text, waiting int, green int, appointments int,
		       longest_wait_seconds int, served int, no_shows int, closed int,
		       avg_wait_seconds int, avg_service_seconds int)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_today date := core.today();
BEGIN
	PERFORM core.require_role('clerk', 'supervisor');
	RETURN QUERY
	SELECT c.code, c.name,
	       coalesce(q.waiting, 0), coalesce(q.green, 0), coalesce(q.appts, 0), q.longest,
	       coalesce(h.served, 0), coalesce(h.no_shows, 0), coalesce(h.closed, 0),
	       h.avg_wait, h.avg_service
	FROM core.hall_category c
	LEFT JOIN (
		SELECT x.category, count(*)::int AS waiting, count(*) FILTER (WHERE x.green)::int AS green,
		       count(*) FILTER (WHERE x.pri = 1)::int AS appts,
		       core.seconds_between(min(x.arrived_at), now()) AS longest
		FROM core.ticket_ready x WHERE x.day = v_today OR x.carried
		GROUP BY x.category
	) q ON q.category = c.code
	LEFT JOIN (
		SELECT t.category, count(*) FILTER (WHERE t.status = 'done')::int AS served,
		       count(*) FILTER (WHERE t.status = 'no_show')::int AS no_shows,
		       count(*) FILTER (WHERE t.status = 'closed')::int AS closed,
		       round(avg(t.wait_seconds))::int AS avg_wait,
		       round(avg(t.service_seconds) FILTER (WHERE t.status = 'done'))::int AS avg_service
		FROM core.ticket t WHERE t.day = v_today
		GROUP BY t.category
	) h ON h.category = c.code
	WHERE c.active OR q.waiting IS NOT NULL
	ORDER BY c.code;
END
$$;

-- The hall visits of a case (tickets linked to it), oldest first.
CREATE FUNCTION api.case_tickets(p_case_no text)
	RETURNS TABLE (number text, day date, category text, window_no int, called_by text,
		       issued_at timestamptz, called_at timestamptz, finished_at timestamptz,
		       wait_seconds int, service_seconds int)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM core.require_role('clerk', 'supervisor');
	RETURN QUERY
	SELECT t.number, t.day, t.category, t.window_no, t.called_by, t.issued_at, t.called_at,
	       t.finished_at, t.wait_seconds, t.service_seconds
	FROM core.ticket_case tc JOIN core.ticket t ON t.id = tc.ticket_id
	WHERE tc.case_no = upper(btrim(p_case_no))
	ORDER BY t.issued_at;
END
$$;

-- ---------------------------------------------------------------------------
-- Rights

REVOKE ALL ON ALL TABLES IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;

GRANT EXECUTE ON FUNCTION api.hall_load(uuid, jsonb) TO cd_admin;
GRANT EXECUTE ON FUNCTION api.hall_config() TO cd_staff;
GRANT EXECUTE ON FUNCTION api.ticket_issue(uuid, text, boolean, text) TO cd_kiosk, cd_clerk;
GRANT EXECUTE ON FUNCTION api.window_call(uuid, int) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.window_call_ticket(uuid, int, text, text) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.window_recall(uuid, int) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.window_noshow(uuid, int) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.window_transfer(uuid, int, text, int) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.window_pause(uuid, int, boolean) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.window_finish(uuid, int, text) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.window_link_case(uuid, int, text) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.hall_close_day(uuid, text, boolean) TO cd_supervisor;
GRANT EXECUTE ON FUNCTION api.ticket_list(boolean) TO cd_clerk, cd_supervisor;
GRANT EXECUTE ON FUNCTION api.hall_windows() TO cd_clerk, cd_supervisor, cd_kiosk;
GRANT EXECUTE ON FUNCTION api.hall_queue() TO cd_clerk, cd_supervisor;
GRANT EXECUTE ON FUNCTION api.case_tickets(text) TO cd_clerk, cd_supervisor;

RESET ROLE;
