-- 080_dashboard: the supervisor's live dashboard and the centre's reports
-- (issue 8). docs/dashboard.md is the contract.
--
-- One call, api.dashboard(p_target_minutes), answers the whole snapshot as
-- JSON in one round trip. It must stay cheap after a year of history, so it
-- never scans the history:
--   today's tickets   one range of core.ticket's (day, number) index (the
--                     day's few thousand rows), read once;
--   the waiting set   core.ticket_ready (small by design);
--   the history       core.dash_hourly: arrivals, service and waiting time
--                     per day, hour and category, rolled up once per day by
--                     the trigger on core.hall_day (the first ticket of a
--                     day, and close-day), so eight weeks of the same
--                     weekday are 8 x hours x categories rows;
--   green, ratings    their indexes on started_at / rated_at and the
--                     partial indexes of the open follow-ups.
-- It writes nothing, so it runs on a read-only streaming replica too.
--
-- The forecast (docs/dashboard.md): arrivals of each coming hour = the mean
-- of the same weekday's hour over the last eight weeks, scaled by how busy
-- today has been so far against those weeks (0.5 .. 2); windows suggested =
-- the fewest c for which the M/M/c (Erlang C) mean wait stays within the
-- target, with the mean service time of those weeks.
--
-- Supervisors' actions: open or close a temporary window (which categories
-- a window serves, until closed; hall.ini is untouched) and escalate a case
-- (督办). Both audited and notified on the hall channel (events config,
-- escalate), which the dashboards of every supervisor listen to.
--
-- Reports: api.report(p_from, p_to) figures from the raw rows of the
-- period (exact medians and percentiles), by index ranges on the day.

SET ROLE cd_owner;

-- ---------------------------------------------------------------------------
-- History rolled up per day

CREATE TABLE core.dash_hourly (
	day             date NOT NULL,
	category        text NOT NULL,
	hour            smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
	arrivals        int NOT NULL,
	served          int NOT NULL,
	service_seconds bigint NOT NULL,
	waited          int NOT NULL,
	wait_seconds    bigint NOT NULL,
	PRIMARY KEY (day, category, hour)
);
COMMENT ON TABLE core.dash_hourly IS 'Tickets per day, category and hour of issue (centre time), rolled up once a day for the dashboard''s history and forecast.';

CREATE TABLE core.dash_day (
	day       date PRIMARY KEY,
	arrivals  int NOT NULL,
	rolled_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE core.dash_day IS 'Days rolled up into core.dash_hourly (arrivals 0: the hall opened, nobody came).';

-- Rolls one day up (again): replaces its rows.
CREATE FUNCTION core.dash_rollup_day(p_day date) RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	tz text := core.hall_tz();
	n int;
BEGIN
	DELETE FROM core.dash_hourly h WHERE h.day = p_day;
	INSERT INTO core.dash_hourly (day, category, hour, arrivals, served, service_seconds, waited, wait_seconds)
	SELECT p_day, t.category, extract(hour FROM t.issued_at AT TIME ZONE tz)::smallint,
	       count(*), count(*) FILTER (WHERE t.status = 'done'),
	       coalesce(sum(t.service_seconds) FILTER (WHERE t.status = 'done'), 0),
	       count(t.wait_seconds), coalesce(sum(t.wait_seconds), 0)
	FROM core.ticket t WHERE t.day = p_day
	GROUP BY 2, 3;
	SELECT coalesce(sum(h.arrivals), 0)::int INTO n FROM core.dash_hourly h WHERE h.day = p_day;
	INSERT INTO core.dash_day AS d (day, arrivals) VALUES (p_day, n)
	ON CONFLICT (day) DO UPDATE SET arrivals = n, rolled_at = now();
END
$$;

-- Every opened day before p_day not rolled up yet (normally just yesterday).
CREATE FUNCTION core.dash_rollup_before(p_day date) RETURNS int
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	d date;
	n int := 0;
BEGIN
	FOR d IN SELECT h.day FROM core.hall_day h
		 WHERE h.day < p_day AND NOT EXISTS (SELECT 1 FROM core.dash_day x WHERE x.day = h.day)
		 ORDER BY h.day
	LOOP
		PERFORM core.dash_rollup_day(d);
		n := n + 1;
	END LOOP;
	RETURN n;
END
$$;

CREATE FUNCTION core.dash_hall_day() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM core.dash_rollup_before(NEW.day);
	ELSIF NEW.closed_at IS NOT NULL AND OLD.closed_at IS NULL THEN
		PERFORM core.dash_rollup_day(NEW.day);
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER hall_day_rollup AFTER INSERT OR UPDATE OF closed_at ON core.hall_day
	FOR EACH ROW EXECUTE FUNCTION core.dash_hall_day();

-- ---------------------------------------------------------------------------
-- Temporary windows and escalations

CREATE TABLE core.hall_window_temp (
	window_no  int PRIMARY KEY,
	categories text[] NOT NULL,
	was        text[],       -- the categories before; NULL: the window was not open
	was_green  boolean,
	reason     text NOT NULL CHECK (btrim(reason) <> ''),
	opened_by  text NOT NULL DEFAULT session_user,
	opened_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE core.hall_window_temp IS 'Windows a supervisor opened or re-purposed for a while; closing restores what was (or closes the window).';

CREATE TABLE core.case_escalation (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	op_id        uuid NOT NULL UNIQUE,
	case_id      uuid NOT NULL REFERENCES core.case (id),
	case_no      text NOT NULL,
	reason       text NOT NULL CHECK (btrim(reason) <> '' AND char_length(reason) <= 500),
	escalated_at timestamptz NOT NULL DEFAULT now(),
	escalated_by text NOT NULL DEFAULT session_user
);
COMMENT ON TABLE core.case_escalation IS 'Cases a supervisor escalated (督办), with the reason.';
CREATE INDEX case_escalation_at_idx ON core.case_escalation (escalated_at);
CREATE INDEX case_escalation_case_idx ON core.case_escalation (case_id);

CREATE FUNCTION core.dash_reason(p text) RETURNS text
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	IF nullif(btrim(p), '') IS NULL THEN
		RAISE EXCEPTION 'A reason is required' USING ERRCODE = '22023';
	END IF;
	IF char_length(p) > 500 OR p ~ '[[:cntrl:]]' THEN
		RAISE EXCEPTION 'The reason is too long or has control characters' USING ERRCODE = '22023';
	END IF;
	RETURN btrim(p);
END
$$;

-- api.temp_window_open: window p_window serves p_categories from now on
-- (a window not open in hall.ini is opened). Until temp_window_close.
CREATE FUNCTION api.temp_window_open(p_op uuid, p_window int, p_categories text[], p_reason text)
	RETURNS TABLE (window_no int, categories text[], was text[])
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	r core.hall_rules;
	v_reason text;
	v_cats text[];
	w core.hall_window;
BEGIN
	PERFORM core.require_role('supervisor');
	IF NOT core.op_begin(p_op, 'api.temp_window_open') THEN
		RETURN QUERY SELECT x.window_no, x.categories, x.was FROM core.hall_window_temp x
			     WHERE x.window_no = p_window;
		RETURN;
	END IF;
	r := core.hall_rules_get();
	v_reason := core.dash_reason(p_reason);
	PERFORM core.check_window(p_window);
	SELECT array_agg(DISTINCT upper(btrim(c)) ORDER BY upper(btrim(c))) INTO v_cats
	FROM unnest(p_categories) c WHERE nullif(btrim(c), '') IS NOT NULL;
	IF v_cats IS NULL THEN
		RAISE EXCEPTION 'Name at least one category' USING ERRCODE = '22023';
	END IF;
	IF EXISTS (SELECT 1 FROM unnest(v_cats) c
		   WHERE NOT EXISTS (SELECT 1 FROM core.hall_category k WHERE k.code = c AND k.active)) THEN
		RAISE EXCEPTION 'Unknown ticket category' USING ERRCODE = '22023', DETAIL = array_to_string(v_cats, ',');
	END IF;
	IF EXISTS (SELECT 1 FROM core.hall_window_temp x WHERE x.window_no = p_window) THEN
		RAISE EXCEPTION 'This window is already open for a while: close it first'
			USING ERRCODE = '22023', DETAIL = p_window::text;
	END IF;
	SELECT hw.* INTO w FROM core.hall_window hw WHERE hw.window_no = p_window FOR UPDATE;
	INSERT INTO core.hall_window_temp (window_no, categories, was, was_green, reason)
	VALUES (p_window, v_cats, CASE WHEN w.active THEN w.categories END,
		CASE WHEN w.active THEN w.serves_green END, v_reason);
	IF w.window_no IS NULL THEN
		INSERT INTO core.hall_window (window_no, categories, serves_green)
		VALUES (p_window, v_cats, r.green_category = ANY (v_cats));
	ELSE
		UPDATE core.hall_window hw
		SET categories = v_cats, serves_green = r.green_category = ANY (v_cats), active = true
		WHERE hw.window_no = p_window;
	END IF;
	PERFORM core.hall_notify(jsonb_build_object('event', 'config', 'window', p_window));
	PERFORM core.audit_write('window_open_temp', 'window:' || p_window,
		jsonb_build_object('categories', v_cats, 'was', CASE WHEN w.active THEN w.categories END,
				   'reason', v_reason));
	RETURN QUERY SELECT p_window, v_cats, CASE WHEN w.active THEN w.categories END;
END
$$;

-- api.temp_window_close: back to what the window served before (or closed
-- again when it was not open). Refused while a ticket is called there or
-- waits for that window alone.
CREATE FUNCTION api.temp_window_close(p_op uuid, p_window int, p_reason text)
	RETURNS TABLE (window_no int, categories text[], open boolean)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_reason text;
	x core.hall_window_temp;
	w core.hall_window;
BEGIN
	PERFORM core.require_role('supervisor');
	IF NOT core.op_begin(p_op, 'api.temp_window_close') THEN
		RETURN QUERY SELECT hw.window_no, hw.categories, hw.active FROM core.hall_window hw
			     WHERE hw.window_no = p_window;
		RETURN;
	END IF;
	v_reason := core.dash_reason(p_reason);
	SELECT t.* INTO x FROM core.hall_window_temp t WHERE t.window_no = p_window FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'This window was not opened for a while'
			USING ERRCODE = 'P0002', DETAIL = coalesce(p_window::text, '');
	END IF;
	SELECT hw.* INTO w FROM core.hall_window hw WHERE hw.window_no = p_window FOR UPDATE;
	IF x.was IS NULL THEN
		IF w.current_ticket IS NOT NULL THEN
			RAISE EXCEPTION 'Finish, transfer or mark a no-show for the ticket called first'
				USING ERRCODE = '22023',
				      DETAIL = (SELECT t.number FROM core.ticket t WHERE t.id = w.current_ticket);
		END IF;
		IF EXISTS (SELECT 1 FROM core.ticket_ready r WHERE r.to_window = p_window) THEN
			RAISE EXCEPTION 'A ticket waits for this window' USING ERRCODE = '22023', DETAIL = p_window::text;
		END IF;
		UPDATE core.hall_window hw SET active = false, paused = false, paused_at = NULL
		WHERE hw.window_no = p_window;
	ELSE
		UPDATE core.hall_window hw SET categories = x.was, serves_green = x.was_green
		WHERE hw.window_no = p_window;
	END IF;
	DELETE FROM core.hall_window_temp t WHERE t.window_no = p_window;
	PERFORM core.hall_notify(jsonb_build_object('event', 'config', 'window', p_window));
	PERFORM core.audit_write('window_close_temp', 'window:' || p_window,
		jsonb_build_object('categories', x.categories, 'restored', x.was, 'reason', v_reason));
	RETURN QUERY SELECT hw.window_no, hw.categories, hw.active FROM core.hall_window hw
		     WHERE hw.window_no = p_window;
END
$$;

-- api.case_escalate: a supervisor escalates a case (督办) with a reason.
CREATE FUNCTION api.case_escalate(p_op uuid, p_case_no text, p_reason text)
	RETURNS TABLE (case_no text, escalated_at timestamptz, escalations int)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_reason text;
	c core.case;
BEGIN
	PERFORM core.require_role('supervisor');
	IF NOT core.op_begin(p_op, 'api.case_escalate') THEN
		RETURN QUERY SELECT e.case_no, e.escalated_at,
			(SELECT count(*)::int FROM core.case_escalation x WHERE x.case_id = e.case_id)
			FROM core.case_escalation e WHERE e.op_id = p_op;
		RETURN;
	END IF;
	v_reason := core.dash_reason(p_reason);
	SELECT k.* INTO c FROM core.case k WHERE k.case_no = upper(btrim(p_case_no));
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such case' USING ERRCODE = 'P0002', DETAIL = coalesce(p_case_no, '');
	END IF;
	INSERT INTO core.case_escalation (op_id, case_id, case_no, reason) VALUES (p_op, c.id, c.case_no, v_reason);
	PERFORM core.hall_notify(jsonb_build_object('event', 'escalate', 'case', c.case_no));
	PERFORM core.audit_write('case_escalate', 'case:' || c.case_no, jsonb_build_object('reason', v_reason));
	RETURN QUERY SELECT c.case_no, now(), (SELECT count(*)::int FROM core.case_escalation x WHERE x.case_id = c.id);
END
$$;

-- ---------------------------------------------------------------------------
-- The forecast's queueing model

-- The M/M/c mean wait in the queue (seconds) with arrival rate p_lambda
-- (per hour), mean service p_service (seconds) and p_c servers; NULL when
-- the queue grows without bound (load >= c).
CREATE FUNCTION core.erlang_c_wait(p_lambda double precision, p_service double precision, p_c int)
	RETURNS double precision
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	a double precision := p_lambda * p_service / 3600.0; -- offered load, erlangs
	term double precision := 1;  -- a^k / k!
	s double precision := 0;     -- sum over k < c
	top double precision;
	pw double precision;         -- probability of waiting
BEGIN
	IF p_lambda <= 0 THEN
		RETURN 0;
	END IF;
	IF p_c <= 0 OR a >= p_c THEN
		RETURN NULL;
	END IF;
	FOR k IN 0 .. p_c - 1 LOOP
		s := s + term;
		term := term * a / (k + 1);
	END LOOP;
	top := term * p_c / (p_c - a);
	pw := top / (s + top);
	RETURN pw * p_service / (p_c - a);
END
$$;

-- The fewest windows (1..99) for which the mean wait stays within p_target
-- seconds; 0 when nobody is expected.
CREATE FUNCTION core.windows_needed(p_lambda double precision, p_service double precision, p_target double precision)
	RETURNS int
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	w double precision;
BEGIN
	IF p_lambda IS NULL OR p_lambda <= 0 THEN
		RETURN 0;
	END IF;
	FOR c IN greatest(1, floor(p_lambda * p_service / 3600.0)::int) .. 99 LOOP
		w := core.erlang_c_wait(p_lambda, p_service, c);
		IF w IS NOT NULL AND w <= p_target THEN
			RETURN c;
		END IF;
	END LOOP;
	RETURN 99;
END
$$;

-- ---------------------------------------------------------------------------
-- api.dashboard: the whole snapshot, supervisors only. p_target_minutes:
-- the wait the forecast keeps within (NULL: 15). Shape in docs/dashboard.md.

CREATE FUNCTION core.dash_snapshot(p_target_minutes int) RETURNS jsonb
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_today date := core.today();
	tz text := core.hall_tz();
	v_now timestamptz := now();
	v_start timestamptz := (core.today()::timestamp AT TIME ZONE core.hall_tz());
	v_hour int := extract(hour FROM now() AT TIME ZONE core.hall_tz())::int;
	v_target int := least(greatest(coalesce(p_target_minutes, 15), 1), 240);
	v_first int := coalesce(substring(core.setting_text('work_start', '09:00') FROM '^([0-9]{1,2})')::int, 9);
	v_last int := coalesce(substring(core.setting_text('work_end', '17:00') FROM '^([0-9]{1,2})')::int, 17) - 1;
	v_days date[];
	v_ndays int;
	v_service double precision;
	out jsonb;
BEGIN
	-- The same weekday over the last eight weeks: the days the hall opened.
	SELECT coalesce(array_agg(d.day), '{}'), count(*) INTO v_days, v_ndays FROM core.dash_day d
	WHERE d.day IN (SELECT v_today - 7 * k FROM generate_series(1, 8) k) AND d.arrivals > 0;
	SELECT sum(h.service_seconds)::double precision / nullif(sum(h.served), 0) INTO v_service
	FROM core.dash_hourly h WHERE h.day = ANY (v_days);

	-- One statement; today's tickets are read once (the (day, number)
	-- index: the day's few thousand rows), the waiting set once.
	WITH t AS MATERIALIZED (
		SELECT t.category, t.status, t.window_no, extract(hour FROM t.issued_at AT TIME ZONE tz)::int AS hour,
		       t.wait_seconds, t.service_seconds
		FROM core.ticket t WHERE t.day = v_today
	), rd AS MATERIALIZED (
		SELECT x.category, x.green, x.arrived_at FROM core.ticket_ready x WHERE x.day = v_today OR x.carried
	), svc AS (
		SELECT coalesce(v_service, (SELECT avg(t.service_seconds) FROM t WHERE t.status = 'done'), 600)::double precision AS s
	), hist AS (
		SELECT h.hour, sum(h.arrivals)::double precision / nullif(v_ndays, 0) AS usual
		FROM core.dash_hourly h WHERE h.day = ANY (v_days) GROUP BY h.hour
	), tod AS (
		SELECT t.hour, count(*)::int AS n FROM t GROUP BY t.hour
	), fac AS (
		SELECT CASE WHEN coalesce((SELECT sum(usual) FROM hist WHERE hist.hour < v_hour), 0) > 0
			    THEN least(2, greatest(0.5, coalesce((SELECT sum(n) FROM tod WHERE tod.hour < v_hour), 0)
							/ (SELECT sum(usual) FROM hist WHERE hist.hour < v_hour)))
			    ELSE 1 END::double precision AS f
	), hours AS (
		SELECT g AS hour FROM generate_series(
			least(v_first, (SELECT min(hour) FROM hist), (SELECT min(hour) FROM tod)),
			greatest(v_last, (SELECT max(hour) FROM hist), (SELECT max(hour) FROM tod))) g
	), b AS (
		SELECT b.upto, coalesce(lag(b.upto) OVER (ORDER BY b.upto NULLS LAST), 0) AS low
		FROM (VALUES (5), (10), (15), (20), (30), (45), (60), (NULL::int)) b(upto)
	)
	SELECT jsonb_build_object(
		'day', v_today, 'at', v_now, 'hour', v_hour, 'target_minutes', v_target,
		'service_seconds', (SELECT round(s) FROM svc), 'history_days', v_ndays,
		'factor', (SELECT round(f::numeric, 2) FROM fac),
		'categories', (
			SELECT coalesce(jsonb_agg(jsonb_build_object(
				'code', c.code, 'name', c.name, 'waiting', coalesce(q.waiting, 0), 'green', coalesce(q.green, 0),
				'longest_wait', q.longest, 'avg_wait', h.avg_wait, 'served', coalesce(h.served, 0),
				'issued', coalesce(h.issued, 0)) ORDER BY c.code), '[]')
			FROM core.hall_category c
			LEFT JOIN (SELECT rd.category, count(*)::int AS waiting, count(*) FILTER (WHERE rd.green)::int AS green,
					  core.seconds_between(min(rd.arrived_at), v_now) AS longest
				   FROM rd GROUP BY rd.category) q ON q.category = c.code
			LEFT JOIN (SELECT t.category, count(*)::int AS issued,
					  count(*) FILTER (WHERE t.status = 'done')::int AS served,
					  round(avg(t.wait_seconds))::int AS avg_wait
				   FROM t GROUP BY t.category) h ON h.category = c.code
			WHERE c.active OR q.waiting IS NOT NULL),
		'windows', (
			SELECT coalesce(jsonb_agg(jsonb_build_object(
				'window', w.window_no, 'categories', array_to_string(w.categories, ','),
				'state', CASE WHEN w.paused THEN 'paused' WHEN w.current_ticket IS NOT NULL THEN 'serving'
					      ELSE 'idle' END,
				'staff', w.staff, 'staff_name', s.full_name, 'number', k.number,
				'called_at', k.called_at, 'served', coalesce(d.served, 0),
				'temporary', x.window_no IS NOT NULL) ORDER BY w.window_no), '[]')
			FROM core.hall_window w
			LEFT JOIN core.ticket k ON k.id = w.current_ticket
			LEFT JOIN core.staff s ON s.login = w.staff
			LEFT JOIN core.hall_window_temp x ON x.window_no = w.window_no
			LEFT JOIN (SELECT t.window_no, count(*) FILTER (WHERE t.status = 'done')::int AS served
				   FROM t WHERE t.window_no IS NOT NULL GROUP BY t.window_no) d ON d.window_no = w.window_no
			WHERE w.active),
		'arrivals', (
			SELECT coalesce(jsonb_agg(jsonb_build_object('hour', hs.hour, 'today', coalesce(tod.n, 0),
				'usual', round(coalesce(hist.usual, 0)::numeric, 1)) ORDER BY hs.hour), '[]')
			FROM hours hs LEFT JOIN hist ON hist.hour = hs.hour LEFT JOIN tod ON tod.hour = hs.hour),
		'forecast', (
			SELECT coalesce(jsonb_agg(jsonb_build_object('hour', hs.hour,
				'arrivals', round((coalesce(hist.usual, 0) * fac.f)::numeric, 1),
				'windows', core.windows_needed(coalesce(hist.usual, 0) * fac.f, svc.s, v_target * 60.0))
				ORDER BY hs.hour), '[]')
			FROM generate_series(v_hour, v_hour + 3) hs(hour) CROSS JOIN fac CROSS JOIN svc
			LEFT JOIN hist ON hist.hour = hs.hour
			WHERE hs.hour <= 23),
		'waits', (
			SELECT jsonb_agg(jsonb_build_object('upto', b.upto,
				'called', (SELECT count(*) FROM t WHERE t.wait_seconds >= b.low * 60
					   AND (b.upto IS NULL OR t.wait_seconds < b.upto * 60)),
				'waiting', (SELECT count(*) FROM rd WHERE v_now - rd.arrived_at >= make_interval(mins => b.low)
					    AND (b.upto IS NULL OR v_now - rd.arrived_at < make_interval(mins => b.upto))))
				ORDER BY b.upto NULLS LAST)
			FROM b),
		'green', jsonb_build_object(
			'sessions_today', (SELECT count(*) FROM core.green_session g WHERE g.started_at >= v_start),
			'open_sessions', (SELECT count(*) FROM core.green_session g WHERE g.ended_at IS NULL),
			'followups_open', (SELECT count(*) FROM core.green_followup f WHERE f.closed_at IS NULL),
			'followups_overdue', (SELECT count(*) FROM core.green_followup f
					      WHERE f.closed_at IS NULL AND f.visit_date < v_today)),
		'ratings', jsonb_build_object(
			'levels', (SELECT jsonb_agg(coalesce(n, 0) ORDER BY l) FROM generate_series(1, 5) l
				   LEFT JOIN (SELECT r.level, count(*) AS n FROM core.rating r
					      WHERE r.rated_at >= v_start AND NOT r.void GROUP BY r.level) r ON r.level = l),
			'followups_open', (SELECT count(*) FROM core.rating_followup f
					   WHERE f.rectified_at IS NULL AND f.cancelled_at IS NULL),
			'followups_overdue', (SELECT count(*) FROM core.rating_followup f
					      WHERE f.rectified_at IS NULL AND f.cancelled_at IS NULL
						AND v_now > CASE WHEN f.called_back_at IS NULL THEN f.callback_due
								 ELSE f.rectify_due END)),
		'escalations', jsonb_build_object(
			'today', (SELECT count(*) FROM core.case_escalation e WHERE e.escalated_at >= v_start)))
	INTO out;
	RETURN out;
END
$$;

-- Later migrations add parts to the snapshot and the report without
-- replacing anything: a function core.dash_part_<name>() returning a jsonb
-- object (routing's departments, sync's targets) is merged into every
-- snapshot, core.report_part_<name>(from date, to date) into every report.
CREATE FUNCTION core.dash_parts(p_prefix text) RETURNS SETOF text
	LANGUAGE sql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT p.proname::text FROM pg_catalog.pg_proc p
	WHERE p.pronamespace = 'core'::regnamespace AND starts_with(p.proname::text, p_prefix)
	ORDER BY 1
$$;

CREATE FUNCTION api.dashboard(p_target_minutes int DEFAULT NULL) RETURNS jsonb
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
	SET jit = off
AS $$
DECLARE
	out jsonb;
	part jsonb;
	f text;
BEGIN
	PERFORM core.require_role('supervisor');
	out := core.dash_snapshot(p_target_minutes);
	FOR f IN SELECT core.dash_parts('dash_part_') LOOP
		EXECUTE format('SELECT core.%I()', f) INTO part;
		out := out || coalesce(part, '{}');
	END LOOP;
	RETURN out;
END
$$;

-- ---------------------------------------------------------------------------
-- api.report: the centre's figures for p_from .. p_to (centre dates, at most
-- 366 days), supervisors only. From the raw rows of the period: exact
-- medians and 90th percentiles (percentile_cont, seconds). Shape in
-- docs/dashboard.md; sections that need routing or sync are added by the
-- migrations that bring them.

CREATE FUNCTION core.report_base(v_from date, v_to date) RETURNS jsonb
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	tz text := core.hall_tz();
	t0 timestamptz;
	t1 timestamptz;
	out jsonb;
BEGIN
	t0 := v_from::timestamp AT TIME ZONE tz;
	t1 := (v_to + 1)::timestamp AT TIME ZONE tz;
	WITH c AS MATERIALIZED (
		SELECT k.item_code, k.outcome, k.visits, k.commitment_due, k.commitment_met_at
		FROM core.case k WHERE k.accepted_at >= t0 AND k.accepted_at < t1
	), r AS MATERIALIZED (
		SELECT x.id, x.level, x.void FROM core.rating x WHERE x.rated_at >= t0 AND x.rated_at < t1
	)
	SELECT jsonb_build_object(
		'from', v_from, 'to', v_to,
		'tickets', (
			SELECT coalesce(jsonb_agg(jsonb_build_object(
				'category', q.category, 'name', q.name, 'issued', q.issued, 'served', q.served,
				'no_show', q.no_show, 'closed', q.closed, 'wait_median', q.med, 'wait_p90', q.p90)
				ORDER BY q.category), '[]')
			FROM (SELECT t.category, min(hc.name) AS name, count(*) AS issued,
				     count(*) FILTER (WHERE t.status = 'done') AS served,
				     count(*) FILTER (WHERE t.status = 'no_show') AS no_show,
				     count(*) FILTER (WHERE t.status = 'closed') AS closed,
				     round((percentile_cont(0.5) WITHIN GROUP (ORDER BY t.wait_seconds))::numeric)::int AS med,
				     round((percentile_cont(0.9) WITHIN GROUP (ORDER BY t.wait_seconds))::numeric)::int AS p90
			      FROM core.ticket t JOIN core.hall_category hc ON hc.code = t.category
			      WHERE t.day BETWEEN v_from AND v_to
			      GROUP BY t.category) q),
		'cases', (
			SELECT jsonb_build_object(
				'accepted', count(*),
				'one_visit', count(*) FILTER (WHERE c.visits <= 1),
				'one_visit_share', round(count(*) FILTER (WHERE c.visits <= 1)::numeric / nullif(count(*), 0), 4),
				'on_commitment', count(*) FILTER (WHERE c.outcome = 'accepted_on_commitment'),
				'commitment_met_in_time', count(*) FILTER (WHERE c.outcome = 'accepted_on_commitment'
					AND (c.commitment_met_at AT TIME ZONE tz)::date <= c.commitment_due),
				'commitment_met_late', count(*) FILTER (WHERE c.outcome = 'accepted_on_commitment'
					AND (c.commitment_met_at AT TIME ZONE tz)::date > c.commitment_due),
				'commitment_overdue', count(*) FILTER (WHERE c.outcome = 'accepted_on_commitment'
					AND c.commitment_met_at IS NULL AND c.commitment_due < core.today()),
				'commitment_pending', count(*) FILTER (WHERE c.outcome = 'accepted_on_commitment'
					AND c.commitment_met_at IS NULL AND c.commitment_due >= core.today()))
			FROM c),
		'items', (
			SELECT coalesce(jsonb_agg(jsonb_build_object('item', i.item_code, 'name', i.name, 'accepted', i.n,
				'one_visit', i.one, 'on_commitment', i.oc) ORDER BY i.n DESC, i.item_code), '[]')
			FROM (SELECT c.item_code, count(*) AS n, count(*) FILTER (WHERE c.visits <= 1) AS one,
				     count(*) FILTER (WHERE c.outcome = 'accepted_on_commitment') AS oc,
				     (SELECT si.name_zh FROM core.service_item si
				      WHERE si.code = c.item_code ORDER BY si.version DESC LIMIT 1) AS name
			      FROM c GROUP BY c.item_code) i),
		'ratings', (
			SELECT jsonb_build_object(
				'levels', jsonb_build_array(lv.l1, lv.l2, lv.l3, lv.l4, lv.l5),
				'void', lv.void,
				'bad', lv.l4 + lv.l5,
				'followups', (SELECT jsonb_build_object(
					'awaiting_callback', count(*) FILTER (WHERE f.cancelled_at IS NULL AND f.called_back_at IS NULL),
					'awaiting_rectification', count(*) FILTER (WHERE f.cancelled_at IS NULL
						AND f.called_back_at IS NOT NULL AND f.rectified_at IS NULL),
					'closed', count(*) FILTER (WHERE f.rectified_at IS NOT NULL),
					'closed_in_time', count(*) FILTER (WHERE f.rectified_at IS NOT NULL
						AND f.called_back_at <= f.callback_due AND f.rectified_at <= f.rectify_due),
					'cancelled', count(*) FILTER (WHERE f.cancelled_at IS NOT NULL),
					'overdue', count(*) FILTER (WHERE f.cancelled_at IS NULL AND f.rectified_at IS NULL
						AND now() > CASE WHEN f.called_back_at IS NULL THEN f.callback_due ELSE f.rectify_due END))
					FROM r JOIN core.rating_followup f ON f.rating_id = r.id))
			FROM (SELECT count(*) FILTER (WHERE NOT r.void AND r.level = 1) AS l1,
				     count(*) FILTER (WHERE NOT r.void AND r.level = 2) AS l2,
				     count(*) FILTER (WHERE NOT r.void AND r.level = 3) AS l3,
				     count(*) FILTER (WHERE NOT r.void AND r.level = 4) AS l4,
				     count(*) FILTER (WHERE NOT r.void AND r.level = 5) AS l5,
				     count(*) FILTER (WHERE r.void) AS void
			      FROM r) lv),
		'green', api.green_report(v_from, v_to),
		'escalations', (SELECT count(*) FROM core.case_escalation e WHERE e.escalated_at >= t0 AND e.escalated_at < t1))
	INTO out;
	RETURN out;
END
$$;

-- The period is checked here; the sections of later migrations come from
-- their core.report_part_<name>(from, to) (see core.dash_parts).
CREATE FUNCTION api.report(p_from date, p_to date) RETURNS jsonb
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
	SET work_mem = '64MB' -- a year's waiting times sorted in memory, not on disk
	SET jit = off         -- compiling the year's scans costs more than it saves
AS $$
DECLARE
	v_from date := coalesce(p_from, core.today());
	v_to date := coalesce(p_to, core.today());
	out jsonb;
	part jsonb;
	f text;
BEGIN
	PERFORM core.require_role('supervisor');
	IF v_to < v_from OR v_to - v_from > 365 THEN
		RAISE EXCEPTION 'A report covers 1 to 366 days' USING ERRCODE = '22023',
			DETAIL = v_from::text || '..' || v_to::text;
	END IF;
	out := core.report_base(v_from, v_to);
	FOR f IN SELECT core.dash_parts('report_part_') LOOP
		EXECUTE format('SELECT core.%I($1, $2)', f) INTO part USING v_from, v_to;
		out := out || coalesce(part, '{}');
	END LOOP;
	RETURN out;
END
$$;

-- ---------------------------------------------------------------------------
-- Roll up what exists already (a database migrated with history).
SELECT core.dash_rollup_before(core.today());

REVOKE ALL ON ALL TABLES IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;

GRANT EXECUTE ON FUNCTION api.dashboard(int) TO cd_supervisor;
GRANT EXECUTE ON FUNCTION api.report(date, date) TO cd_supervisor;
GRANT EXECUTE ON FUNCTION api.temp_window_open(uuid, int, text[], text) TO cd_supervisor;
GRANT EXECUTE ON FUNCTION api.temp_window_close(uuid, int, text) TO cd_supervisor;
GRANT EXECUTE ON FUNCTION api.case_escalate(uuid, text, text) TO cd_supervisor;

RESET ROLE;
