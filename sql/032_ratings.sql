-- 032_ratings: 好差评 on site (一次一评). The rating pad facing the visitor
-- (a kiosk account, cd_kiosk: never a staff member's own login) rates the
-- service last finished at its window, once. Levels (GB/T 39734-2020):
--   1 非常满意  2 满意  3 基本满意  4 不满意  5 非常不满意
-- 4 and 5 are bad ratings (差评): they need a reason and open a follow-up
-- for the supervisors: call the visitor back within callback_working_days
-- (hall.ini [ratings], default 1), rectify within rectify_working_days
-- (default 15), record what was done at each step, and allow one
-- follow-up rating (again through a kiosk account). The centre may appeal a
-- rating as mistaken or malicious (申诉复核) with a reason; a supervisor other
-- than the one who appealed decides. An accepted appeal voids the rating
-- and cancels its follow-up.
--
-- Deadlines are timestamps: the end of the n-th working day after the day
-- of the rating (core.add_working_days, sql/012_calendar.sql). When the
-- calendar of a year involved is not loaded, Monday to Friday are counted
-- instead and due_basis says 'weekdays' (the list shows it), so that a
-- visitor's rating is never refused for the administrator's omission.
-- Overdue is a query (now() past the deadline), never a flag.
--
-- Rights: only cd_kiosk rates (EXECUTE granted to it alone, and the
-- functions check the role again); only supervisors record callbacks and
-- rectifications and decide appeals; centre staff (clerks, helpers,
-- supervisors) appeal.
--
-- Audit: rating_callback, rating_rectify, rating_appeal, rating_appeal_decide
-- (object rating:<id>). A rating itself is a row of core.rating.

SET ROLE cd_owner;

CREATE TABLE core.rating (
	id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	op_id     uuid NOT NULL UNIQUE,
	ticket_id uuid NOT NULL UNIQUE REFERENCES core.ticket (id),
	window_no int NOT NULL,
	served_by text NOT NULL,
	level     smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
	reason    text,
	rated_at  timestamptz NOT NULL DEFAULT now(),
	rated_by  text NOT NULL DEFAULT session_user,
	void      boolean NOT NULL DEFAULT false,
	CHECK (level < 4 OR btrim(reason) <> '')
);
COMMENT ON TABLE core.rating IS 'On-site ratings (好差评), one per finished service; void after an accepted appeal.';
CREATE INDEX rating_rated_at_idx ON core.rating (rated_at);

CREATE TABLE core.rating_followup (
	rating_id         bigint PRIMARY KEY REFERENCES core.rating (id),
	opened_at         timestamptz NOT NULL DEFAULT now(),
	callback_due      timestamptz NOT NULL,
	rectify_due       timestamptz NOT NULL,
	due_basis         text NOT NULL CHECK (due_basis IN ('calendar', 'weekdays')),
	called_back_at    timestamptz,
	called_back_by    text,
	callback_note     text,
	rectified_at      timestamptz,
	rectified_by      text,
	rectify_note      text,
	followup_level    smallint CHECK (followup_level BETWEEN 1 AND 5),
	followup_reason   text,
	followup_rated_at timestamptz,
	followup_rated_by text,
	cancelled_at      timestamptz,
	CHECK ((called_back_at IS NULL) = (callback_note IS NULL)),
	CHECK ((rectified_at IS NULL) = (rectify_note IS NULL)),
	CHECK (rectified_at IS NULL OR called_back_at IS NOT NULL),
	CHECK ((followup_level IS NULL) = (followup_rated_at IS NULL)),
	CHECK (followup_level IS NULL OR called_back_at IS NOT NULL),
	CHECK (followup_level IS NULL OR followup_level < 4 OR btrim(followup_reason) <> ''),
	CHECK (rectify_due >= callback_due)
);
COMMENT ON TABLE core.rating_followup IS 'The follow-up of a bad rating: callback, rectification, one follow-up rating.';
CREATE INDEX rating_followup_open_idx ON core.rating_followup (callback_due)
	WHERE rectified_at IS NULL AND cancelled_at IS NULL;

CREATE TABLE core.rating_appeal (
	rating_id       bigint PRIMARY KEY REFERENCES core.rating (id),
	op_id           uuid NOT NULL UNIQUE,
	reason          text NOT NULL CHECK (btrim(reason) <> ''),
	appealed_at     timestamptz NOT NULL DEFAULT now(),
	appealed_by     text NOT NULL DEFAULT session_user,
	decision        text CHECK (decision IN ('accepted', 'rejected')),
	decision_reason text,
	decided_at      timestamptz,
	decided_by      text,
	CHECK ((decision IS NULL) = (decided_at IS NULL)),
	CHECK ((decision IS NULL) = (decision_reason IS NULL)),
	CHECK (decided_by IS DISTINCT FROM appealed_by)
);
COMMENT ON TABLE core.rating_appeal IS 'Appeals (申诉复核) of bad ratings, one per rating, decided by another supervisor.';

-- ---------------------------------------------------------------------------
-- Helpers

CREATE FUNCTION core.rating_level_ok(p_level int, p_reason text) RETURNS text
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v text := nullif(btrim(p_reason), '');
BEGIN
	IF p_level IS NULL OR p_level NOT BETWEEN 1 AND 5 THEN
		RAISE EXCEPTION 'A rating is a level from 1 to 5'
			USING ERRCODE = '22023', DETAIL = coalesce(p_level::text, '');
	END IF;
	IF p_level >= 4 AND v IS NULL THEN
		RAISE EXCEPTION 'A reason is required for a bad rating' USING ERRCODE = '22023';
	END IF;
	IF v IS NOT NULL AND char_length(v) > 500 THEN
		RAISE EXCEPTION 'Text too long or not printable' USING ERRCODE = '22023', DETAIL = 'reason';
	END IF;
	RETURN v;
END
$$;

-- The end (in the centre's time zone) of the p_n-th working day after p_day,
-- and whether the loaded calendar counted it ('calendar') or, a year not
-- being loaded, Monday to Friday did ('weekdays').
CREATE FUNCTION core.rating_due(p_day date, p_n int, OUT due_at timestamptz, OUT basis text)
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	d date;
	counted int := 0;
BEGIN
	basis := 'calendar';
	BEGIN
		d := core.add_working_days(p_day, p_n, false);
	EXCEPTION WHEN invalid_parameter_value THEN
		basis := 'weekdays';
		d := p_day;
		WHILE counted < p_n LOOP
			d := d + 1;
			IF extract(isodow FROM d) < 6 THEN
				counted := counted + 1;
			END IF;
		END LOOP;
	END;
	due_at := (d + 1)::timestamp AT TIME ZONE core.hall_tz();
END
$$;

CREATE FUNCTION core.rating_followup_lock(p_rating_id bigint) RETURNS core.rating_followup
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	f core.rating_followup;
BEGIN
	SELECT x.* INTO f FROM core.rating_followup x WHERE x.rating_id = p_rating_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such rating follow-up'
			USING ERRCODE = 'P0002', DETAIL = coalesce(p_rating_id::text, '');
	END IF;
	IF f.cancelled_at IS NOT NULL THEN
		RAISE EXCEPTION 'This follow-up was cancelled by an accepted appeal'
			USING ERRCODE = '22023', DETAIL = p_rating_id::text;
	END IF;
	RETURN f;
END
$$;

CREATE FUNCTION core.rating_note(p_note text) RETURNS text
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v text := nullif(btrim(p_note), '');
BEGIN
	IF v IS NULL THEN
		RAISE EXCEPTION 'A note on what was done is required' USING ERRCODE = '22023';
	END IF;
	IF char_length(v) > 2000 THEN
		RAISE EXCEPTION 'Text too long or not printable' USING ERRCODE = '22023', DETAIL = 'note';
	END IF;
	RETURN v;
END
$$;

-- ---------------------------------------------------------------------------
-- The rating pad

-- The service the pad of window p_window would rate now: the one last
-- finished there, a ticket of today (or carried over and finished within a
-- day), not rated yet. No row: nothing to rate.
CREATE FUNCTION api.rating_pending(p_window int)
	RETURNS TABLE (window_no int, number text, category text, category_name text,
		       served_by text, served_by_name text, finished_at timestamptz)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM core.require_role('kiosk');
	RETURN QUERY
	SELECT w.window_no, t.number, t.category, c.name, t.called_by, s.full_name, t.finished_at
	FROM core.hall_window w
	JOIN core.ticket t ON t.id = w.last_finished
	JOIN core.hall_category c ON c.code = t.category
	LEFT JOIN core.staff s ON s.login = t.called_by
	WHERE w.window_no = p_window AND t.status = 'done'
	  AND (t.day = core.today() OR (t.carried AND t.finished_at > now() - interval '1 day'))
	  AND NOT EXISTS (SELECT 1 FROM core.rating r WHERE r.ticket_id = t.id);
END
$$;

-- api.rating_add: the visitor rates the service just finished at
-- p_window. A bad rating opens its follow-up in the same transaction.
CREATE FUNCTION api.rating_add(p_op uuid, p_window int, p_level int, p_reason text)
	RETURNS TABLE (rating_id bigint, number text, level int, followup boolean,
		       callback_due timestamptz, rectify_due timestamptz, due_basis text)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	r core.hall_rules;
	v_reason text;
	v_ticket uuid;
	v_number text;
	v_served text;
	v_id bigint;
	v_day date := core.today();
	v_cb_due timestamptz;
	v_rf_due timestamptz;
	v_cb_basis text;
	v_rf_basis text;
	v_basis text;
BEGIN
	PERFORM core.require_role('kiosk');
	IF NOT core.op_begin(p_op, 'api.rating_add') THEN
		RETURN QUERY SELECT x.id, t.number, x.level::int, f.rating_id IS NOT NULL, f.callback_due,
				    f.rectify_due, f.due_basis
			     FROM core.rating x JOIN core.ticket t ON t.id = x.ticket_id
			     LEFT JOIN core.rating_followup f ON f.rating_id = x.id
			     WHERE x.op_id = p_op;
		RETURN;
	END IF;
	v_reason := core.rating_level_ok(p_level, p_reason);
	r := core.hall_rules_get();
	PERFORM core.check_window(p_window);
	IF p_window IS NULL OR NOT EXISTS (SELECT 1 FROM core.hall_window w WHERE w.window_no = p_window AND w.active) THEN
		RAISE EXCEPTION 'No such window' USING ERRCODE = 'P0002', DETAIL = coalesce(p_window::text, '');
	END IF;
	SELECT t.id, t.number, t.called_by INTO v_ticket, v_number, v_served
	FROM core.hall_window w JOIN core.ticket t ON t.id = w.last_finished
	WHERE w.window_no = p_window AND t.status = 'done'
	  AND (t.day = v_day OR (t.carried AND t.finished_at > now() - interval '1 day'))
	  AND NOT EXISTS (SELECT 1 FROM core.rating x WHERE x.ticket_id = t.id);
	IF v_ticket IS NULL THEN
		RAISE EXCEPTION 'No finished service at this window is waiting for a rating'
			USING ERRCODE = 'P0002', DETAIL = p_window::text;
	END IF;
	INSERT INTO core.rating (op_id, ticket_id, window_no, served_by, level, reason)
	VALUES (p_op, v_ticket, p_window, v_served, p_level, v_reason)
	ON CONFLICT (ticket_id) DO NOTHING
	RETURNING id INTO v_id;
	IF v_id IS NULL THEN
		-- Another pad rated it a moment ago.
		RAISE EXCEPTION 'No finished service at this window is waiting for a rating'
			USING ERRCODE = 'P0002', DETAIL = p_window::text;
	END IF;
	IF p_level >= 4 THEN
		SELECT d.due_at, d.basis INTO v_cb_due, v_cb_basis FROM core.rating_due(v_day, r.callback_days) d;
		SELECT d.due_at, d.basis INTO v_rf_due, v_rf_basis FROM core.rating_due(v_day, r.rectify_days) d;
		v_basis := CASE WHEN v_cb_basis = 'calendar' AND v_rf_basis = 'calendar' THEN 'calendar'
				ELSE 'weekdays' END;
		INSERT INTO core.rating_followup (rating_id, callback_due, rectify_due, due_basis)
		VALUES (v_id, v_cb_due, v_rf_due, v_basis);
		PERFORM core.hall_notify(jsonb_build_object('event', 'bad_rating', 'window', p_window,
							    'rating', v_id, 'level', p_level));
	END IF;
	RETURN QUERY SELECT v_id, v_number, p_level, p_level >= 4, v_cb_due, v_rf_due, v_basis;
END
$$;

-- The one follow-up rating of a bad rating, after the visitor was called
-- back (a kiosk account: the pad, or the channel that collects it).
CREATE FUNCTION api.rating_followup_rate(p_op uuid, p_rating_id bigint, p_level int, p_reason text)
	RETURNS void
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	f core.rating_followup;
	v_reason text;
BEGIN
	PERFORM core.require_role('kiosk');
	IF NOT core.op_begin(p_op, 'api.rating_followup_rate') THEN
		RETURN;
	END IF;
	v_reason := core.rating_level_ok(p_level, p_reason);
	f := core.rating_followup_lock(p_rating_id);
	IF f.called_back_at IS NULL THEN
		RAISE EXCEPTION 'The visitor has not been called back yet'
			USING ERRCODE = '22023', DETAIL = p_rating_id::text;
	END IF;
	IF f.followup_level IS NOT NULL THEN
		RAISE EXCEPTION 'A follow-up rating was already given'
			USING ERRCODE = '23505', DETAIL = p_rating_id::text;
	END IF;
	UPDATE core.rating_followup x
	SET followup_level = p_level, followup_reason = v_reason, followup_rated_at = now(),
	    followup_rated_by = session_user
	WHERE x.rating_id = p_rating_id;
END
$$;

-- ---------------------------------------------------------------------------
-- The supervisors' list and steps

-- Follow-ups by their next deadline. state: callback (waiting for the call
-- back), rectify (called back, waiting for rectification), closed
-- (rectified), cancelled (appeal accepted). overdue: the deadline of the
-- current step has passed. appeal: NULL, pending, accepted, rejected.
CREATE FUNCTION api.rating_followups(p_open_only boolean)
	RETURNS TABLE (rating_id bigint, rated_at timestamptz, window_no int, number text,
		       category text, served_by text, served_by_name text, level int, reason text,
		       state text, callback_due timestamptz, called_back_at timestamptz,
		       callback_note text, rectify_due timestamptz, rectified_at timestamptz,
		       rectify_note text, followup_level int, due_basis text, appeal text,
		       overdue boolean, cases text[])
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM core.require_role('supervisor');
	RETURN QUERY
	SELECT x.rating_id, r.rated_at, r.window_no, t.number, t.category, r.served_by, s.full_name,
	       r.level::int, r.reason, x.state, x.callback_due, x.called_back_at, x.callback_note,
	       x.rectify_due, x.rectified_at, x.rectify_note, x.followup_level::int, x.due_basis,
	       a.decision_state,
	       CASE x.state WHEN 'callback' THEN now() > x.callback_due
			    WHEN 'rectify' THEN now() > x.rectify_due
			    ELSE false END,
	       ARRAY(SELECT tc.case_no FROM core.ticket_case tc WHERE tc.ticket_id = t.id ORDER BY 1)
	FROM (SELECT f.*, CASE WHEN f.cancelled_at IS NOT NULL THEN 'cancelled'
			       WHEN f.rectified_at IS NOT NULL THEN 'closed'
			       WHEN f.called_back_at IS NOT NULL THEN 'rectify'
			       ELSE 'callback' END AS state
	      FROM core.rating_followup f) x
	JOIN core.rating r ON r.id = x.rating_id
	JOIN core.ticket t ON t.id = r.ticket_id
	LEFT JOIN core.staff s ON s.login = r.served_by
	LEFT JOIN LATERAL (SELECT coalesce(ap.decision, 'pending') AS decision_state
			   FROM core.rating_appeal ap WHERE ap.rating_id = r.id) a ON true
	WHERE NOT coalesce(p_open_only, true) OR x.state IN ('callback', 'rectify')
	ORDER BY x.state NOT IN ('callback', 'rectify'),
		 CASE x.state WHEN 'callback' THEN x.callback_due ELSE x.rectify_due END, x.rating_id;
END
$$;

CREATE FUNCTION api.rating_callback(p_op uuid, p_rating_id bigint, p_note text) RETURNS void
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	f core.rating_followup;
	v_note text;
BEGIN
	PERFORM core.require_role('supervisor');
	IF NOT core.op_begin(p_op, 'api.rating_callback') THEN
		RETURN;
	END IF;
	v_note := core.rating_note(p_note);
	f := core.rating_followup_lock(p_rating_id);
	IF f.called_back_at IS NOT NULL THEN
		RAISE EXCEPTION 'The visitor was already called back'
			USING ERRCODE = '22023', DETAIL = p_rating_id::text;
	END IF;
	UPDATE core.rating_followup x
	SET called_back_at = now(), called_back_by = session_user, callback_note = v_note
	WHERE x.rating_id = p_rating_id;
	PERFORM core.audit_write('rating_callback', 'rating:' || p_rating_id::text,
		jsonb_build_object('note', v_note, 'late', now() > f.callback_due));
END
$$;

CREATE FUNCTION api.rating_rectify(p_op uuid, p_rating_id bigint, p_note text) RETURNS void
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	f core.rating_followup;
	v_note text;
BEGIN
	PERFORM core.require_role('supervisor');
	IF NOT core.op_begin(p_op, 'api.rating_rectify') THEN
		RETURN;
	END IF;
	v_note := core.rating_note(p_note);
	f := core.rating_followup_lock(p_rating_id);
	IF f.called_back_at IS NULL THEN
		RAISE EXCEPTION 'Call the visitor back first' USING ERRCODE = '22023', DETAIL = p_rating_id::text;
	END IF;
	IF f.rectified_at IS NOT NULL THEN
		RAISE EXCEPTION 'This follow-up is already closed' USING ERRCODE = '22023', DETAIL = p_rating_id::text;
	END IF;
	UPDATE core.rating_followup x
	SET rectified_at = now(), rectified_by = session_user, rectify_note = v_note
	WHERE x.rating_id = p_rating_id;
	PERFORM core.audit_write('rating_rectify', 'rating:' || p_rating_id::text,
		jsonb_build_object('note', v_note, 'late', now() > f.rectify_due));
END
$$;

-- ---------------------------------------------------------------------------
-- Appeals

CREATE FUNCTION api.rating_appeal(p_op uuid, p_rating_id bigint, p_reason text) RETURNS void
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_level int;
	v_reason text := nullif(btrim(p_reason), '');
BEGIN
	PERFORM core.require_role('clerk', 'supervisor');
	IF NOT core.op_begin(p_op, 'api.rating_appeal') THEN
		RETURN;
	END IF;
	IF v_reason IS NULL THEN
		RAISE EXCEPTION 'A reason is required for an appeal' USING ERRCODE = '22023';
	END IF;
	IF char_length(v_reason) > 2000 THEN
		RAISE EXCEPTION 'Text too long or not printable' USING ERRCODE = '22023', DETAIL = 'reason';
	END IF;
	SELECT r.level INTO v_level FROM core.rating r WHERE r.id = p_rating_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such rating' USING ERRCODE = 'P0002', DETAIL = coalesce(p_rating_id::text, '');
	END IF;
	IF v_level < 4 THEN
		RAISE EXCEPTION 'Only a bad rating can be appealed' USING ERRCODE = '22023', DETAIL = p_rating_id::text;
	END IF;
	INSERT INTO core.rating_appeal (rating_id, op_id, reason) VALUES (p_rating_id, p_op, v_reason)
	ON CONFLICT (rating_id) DO NOTHING;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'This rating has already been appealed'
			USING ERRCODE = '23505', DETAIL = p_rating_id::text;
	END IF;
	PERFORM core.hall_notify(jsonb_build_object('event', 'appeal', 'rating', p_rating_id));
	PERFORM core.audit_write('rating_appeal', 'rating:' || p_rating_id::text,
				 jsonb_build_object('reason', v_reason));
END
$$;

CREATE FUNCTION api.rating_decide_appeal(p_op uuid, p_rating_id bigint, p_accept boolean, p_reason text)
	RETURNS void
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	ap core.rating_appeal;
	v_reason text := nullif(btrim(p_reason), '');
BEGIN
	PERFORM core.require_role('supervisor');
	IF NOT core.op_begin(p_op, 'api.rating_decide_appeal') THEN
		RETURN;
	END IF;
	IF p_accept IS NULL THEN
		RAISE EXCEPTION 'Malformed request' USING ERRCODE = '22023', DETAIL = 'p_accept';
	END IF;
	IF v_reason IS NULL THEN
		RAISE EXCEPTION 'A reason is required for the decision' USING ERRCODE = '22023';
	END IF;
	IF char_length(v_reason) > 2000 THEN
		RAISE EXCEPTION 'Text too long or not printable' USING ERRCODE = '22023', DETAIL = 'reason';
	END IF;
	SELECT a.* INTO ap FROM core.rating_appeal a WHERE a.rating_id = p_rating_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'This rating has not been appealed'
			USING ERRCODE = 'P0002', DETAIL = coalesce(p_rating_id::text, '');
	END IF;
	IF ap.decision IS NOT NULL THEN
		RAISE EXCEPTION 'This appeal has already been decided' USING ERRCODE = '22023', DETAIL = ap.decision;
	END IF;
	IF ap.appealed_by = session_user THEN
		RAISE EXCEPTION 'You cannot decide your own appeal' USING ERRCODE = '42501';
	END IF;
	UPDATE core.rating_appeal a
	SET decision = CASE WHEN p_accept THEN 'accepted' ELSE 'rejected' END,
	    decision_reason = v_reason, decided_at = now(), decided_by = session_user
	WHERE a.rating_id = p_rating_id;
	IF p_accept THEN
		UPDATE core.rating r SET void = true WHERE r.id = p_rating_id;
		UPDATE core.rating_followup f SET cancelled_at = now()
		WHERE f.rating_id = p_rating_id AND f.rectified_at IS NULL AND f.cancelled_at IS NULL;
	END IF;
	PERFORM core.audit_write('rating_appeal_decide', 'rating:' || p_rating_id::text,
		jsonb_build_object('accepted', p_accept, 'reason', v_reason));
END
$$;

-- Ratings of the services of days p_from .. p_to (the tickets' day; NULL:
-- today), newest first, for the supervisors' reports.
CREATE FUNCTION api.rating_list(p_from date, p_to date)
	RETURNS TABLE (rating_id bigint, rated_at timestamptz, window_no int, number text,
		       category text, served_by text, level int, reason text, void boolean,
		       followup boolean, appeal text)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_from date := coalesce(p_from, core.today());
	v_to date := coalesce(p_to, core.today());
BEGIN
	PERFORM core.require_role('supervisor');
	RETURN QUERY
	SELECT r.id, r.rated_at, r.window_no, t.number, t.category, r.served_by, r.level::int, r.reason,
	       r.void, EXISTS (SELECT 1 FROM core.rating_followup f WHERE f.rating_id = r.id),
	       (SELECT coalesce(a.decision, 'pending') FROM core.rating_appeal a WHERE a.rating_id = r.id)
	FROM core.ticket t JOIN core.rating r ON r.ticket_id = t.id
	WHERE t.day BETWEEN v_from AND v_to
	ORDER BY r.rated_at DESC;
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;

GRANT EXECUTE ON FUNCTION api.rating_pending(int) TO cd_kiosk;
GRANT EXECUTE ON FUNCTION api.rating_add(uuid, int, int, text) TO cd_kiosk;
GRANT EXECUTE ON FUNCTION api.rating_followup_rate(uuid, bigint, int, text) TO cd_kiosk;
GRANT EXECUTE ON FUNCTION api.rating_followups(boolean) TO cd_supervisor;
GRANT EXECUTE ON FUNCTION api.rating_callback(uuid, bigint, text) TO cd_supervisor;
GRANT EXECUTE ON FUNCTION api.rating_rectify(uuid, bigint, text) TO cd_supervisor;
GRANT EXECUTE ON FUNCTION api.rating_appeal(uuid, bigint, text) TO cd_clerk, cd_supervisor;
GRANT EXECUTE ON FUNCTION api.rating_decide_appeal(uuid, bigint, boolean, text) TO cd_supervisor;
GRANT EXECUTE ON FUNCTION api.rating_list(date, date) TO cd_supervisor;

RESET ROLE;
