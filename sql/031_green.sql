-- 031_green: the green channel (绿色通道, 帮办代办). A helper logs each
-- assisted session: the visitor (age band; name and identity number only
-- with their consent, the number sealed by the client), needs, a relative
-- or proxy acting for them (name, relationship, authorisation material),
-- who typed, what was done (cases accepted, or a note), start and end, the
-- outcome (done, referred to a department, home visit needed). A home visit
-- opens a follow-up with a date that stays on the helper's and the
-- supervisors' lists until it is closed. docs/hall.md is the contract.
--
-- Only helpers (cd_helper) start and end sessions: EXECUTE is granted to
-- cd_helper alone, the functions check the role again, and the tables have
-- FORCE ROW LEVEL SECURITY keyed on session_user (helpers and supervisors
-- read; helpers write; supervisors may also close follow-ups).
--
-- The visitor's identity number, when given, arrives as
-- {"cipher": "v1:...", "mask": "110105********002X", "blind": "1a2b3c4d"}
-- sealed with cd_seal_field(table "green_session", column "visitor_id_no",
-- row id = the session uuid, which the client makes). The server never sees
-- it in clear. Without consent (p_consent false) no name, identity number
-- or proxy name is stored: the session counts in the reports only.
--
-- Audit: green_start, green_end (object green:<session_no>),
-- green_followup_close (object green_followup:<id>).

SET ROLE cd_owner;

CREATE TABLE core.green_session (
	id                  uuid PRIMARY KEY,
	session_no          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
	op_id               uuid NOT NULL UNIQUE,
	ticket_id           uuid UNIQUE REFERENCES core.ticket (id),
	window_no           int,
	helper              text NOT NULL DEFAULT session_user,
	started_at          timestamptz NOT NULL DEFAULT now(),
	age_band            text CHECK (age_band IN ('0-59', '60-69', '70-79', '80+')),
	needs               text[] NOT NULL DEFAULT '{}'
			    CHECK (needs <@ ARRAY['vision', 'hearing', 'mobility', 'cognitive', 'language',
						  'digital', 'other']::text[]),
	need_note           text,
	visitor_name        text,
	visitor_id          jsonb,
	proxy_name          text,
	proxy_relation      text,
	proxy_authorisation text,
	typed_by            text NOT NULL CHECK (typed_by IN ('visitor', 'helper', 'proxy')),
	consent             boolean NOT NULL,
	ended_at            timestamptz,
	end_op              uuid UNIQUE,
	outcome             text CHECK (outcome IN ('done', 'referred', 'home_visit')),
	referred_to         text REFERENCES core.department (code),
	cases               text[] NOT NULL DEFAULT '{}',
	note                text,
	CHECK ((ended_at IS NULL) = (outcome IS NULL)),
	CHECK (consent OR (visitor_name IS NULL AND visitor_id IS NULL AND proxy_name IS NULL)),
	CHECK ((proxy_relation IS NULL) = (proxy_authorisation IS NULL)),
	CHECK (proxy_name IS NULL OR proxy_relation IS NOT NULL),
	CHECK (typed_by <> 'proxy' OR proxy_relation IS NOT NULL),
	CHECK (ended_at IS NULL OR ended_at >= started_at)
);
COMMENT ON TABLE core.green_session IS 'Assisted sessions of the green channel (帮办代办), one per visitor served.';
COMMENT ON COLUMN core.green_session.visitor_id IS 'Sealed by the client: {cipher, mask, blind}; AD = green_session/visitor_id_no/<id>.';
CREATE INDEX green_session_started_idx ON core.green_session (started_at);
CREATE INDEX green_session_open_idx ON core.green_session (helper) WHERE ended_at IS NULL;

CREATE TABLE core.green_followup (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	session_id uuid NOT NULL UNIQUE REFERENCES core.green_session (id),
	kind       text NOT NULL DEFAULT 'home_visit' CHECK (kind IN ('home_visit')),
	visit_date date NOT NULL,
	helper     text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	closed_at  timestamptz,
	closed_by  text,
	close_note text,
	CHECK ((closed_at IS NULL) = (close_note IS NULL)),
	CHECK ((closed_at IS NULL) = (closed_by IS NULL))
);
COMMENT ON TABLE core.green_followup IS 'Home visits (上门服务) promised in an assisted session; open until closed.';
CREATE INDEX green_followup_open_idx ON core.green_followup (visit_date) WHERE closed_at IS NULL;

ALTER TABLE core.green_session ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.green_session FORCE ROW LEVEL SECURITY;
ALTER TABLE core.green_followup ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.green_followup FORCE ROW LEVEL SECURITY;

CREATE POLICY green_session_read ON core.green_session FOR SELECT
	USING ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
	       IN ('helper', 'supervisor'));
CREATE POLICY green_session_insert ON core.green_session FOR INSERT
	WITH CHECK ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active) = 'helper');
CREATE POLICY green_session_update ON core.green_session FOR UPDATE
	USING ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active) = 'helper');

CREATE POLICY green_followup_read ON core.green_followup FOR SELECT
	USING ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
	       IN ('helper', 'supervisor'));
CREATE POLICY green_followup_insert ON core.green_followup FOR INSERT
	WITH CHECK ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active) = 'helper');
CREATE POLICY green_followup_update ON core.green_followup FOR UPDATE
	USING ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
	       IN ('helper', 'supervisor'));

-- ---------------------------------------------------------------------------
-- Helpers

-- A sealed value as the client sends it, or NULL.
CREATE FUNCTION core.green_check_sealed(p jsonb) RETURNS jsonb
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	IF p IS NULL OR jsonb_typeof(p) = 'null' THEN
		RETURN NULL;
	END IF;
	IF jsonb_typeof(p) <> 'object'
	   OR jsonb_typeof(p -> 'cipher') IS DISTINCT FROM 'string' OR (p ->> 'cipher') !~ '^v[0-9]+:'
	   OR jsonb_typeof(p -> 'mask') IS DISTINCT FROM 'string'
	   OR (p ? 'blind' AND ((p ->> 'blind') IS NULL OR (p ->> 'blind') !~ '^[0-9a-f]{8,64}$'))
	   OR EXISTS (SELECT 1 FROM jsonb_object_keys(p) k WHERE k NOT IN ('cipher', 'mask', 'blind')) THEN
		RAISE EXCEPTION 'An identity number must be sealed by the client'
			USING ERRCODE = '22023';
	END IF;
	RETURN p;
END
$$;

-- Optional free text: trimmed, NULL when empty, refused when too long.
CREATE FUNCTION core.green_text(p text, p_max int, p_what text) RETURNS text
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v text := nullif(btrim(p), '');
BEGIN
	IF v IS NOT NULL AND (char_length(v) > p_max OR v ~ '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]') THEN
		RAISE EXCEPTION 'Text too long or not printable' USING ERRCODE = '22023', DETAIL = p_what;
	END IF;
	RETURN v;
END
$$;

CREATE FUNCTION core.green_session_get(p_session_no bigint) RETURNS core.green_session
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	g core.green_session;
BEGIN
	SELECT s.* INTO g FROM core.green_session s WHERE s.session_no = p_session_no FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such assisted session'
			USING ERRCODE = 'P0002', DETAIL = coalesce(p_session_no::text, '');
	END IF;
	RETURN g;
END
$$;

-- ---------------------------------------------------------------------------
-- api.green_start: a helper starts an assisted session, from a green ticket
-- (p_ticket, a number of today) or for a walk-in (p_ticket NULL).
-- p_session_id is made by the client (the sealed identity number is bound
-- to it). p_window NULL: the helper's default window.

CREATE FUNCTION api.green_start(p_op uuid, p_session_id uuid, p_ticket text, p_window int,
				p_age_band text, p_needs text[], p_need_note text,
				p_visitor_name text, p_visitor_id jsonb,
				p_proxy_name text, p_proxy_relation text, p_proxy_authorisation text,
				p_typed_by text, p_consent boolean)
	RETURNS TABLE (session_no bigint, started_at timestamptz, ticket text)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_me text;
	v_ticket uuid;
	v_number text;
	v_green boolean;
	v_window int := p_window;
	v_needs text[];
	v_name text;
	v_id jsonb;
	v_proxy_name text;
	v_relation text;
	v_auth text;
	v_note text;
	v_no bigint;
BEGIN
	v_me := core.require_role('helper');
	IF NOT core.op_begin(p_op, 'api.green_start') THEN
		RETURN QUERY SELECT g.session_no, g.started_at, t.number
			     FROM core.green_session g LEFT JOIN core.ticket t ON t.id = g.ticket_id
			     WHERE g.op_id = p_op;
		RETURN;
	END IF;
	IF p_session_id IS NULL THEN
		RAISE EXCEPTION 'Malformed request' USING ERRCODE = '22023', DETAIL = 'p_session_id';
	END IF;
	IF p_consent IS NULL THEN
		RAISE EXCEPTION 'Record whether the visitor consents to the record' USING ERRCODE = '22023';
	END IF;
	IF p_typed_by IS NULL OR p_typed_by NOT IN ('visitor', 'helper', 'proxy') THEN
		RAISE EXCEPTION 'Who typed must be the visitor, the helper or the proxy'
			USING ERRCODE = '22023', DETAIL = coalesce(p_typed_by, '');
	END IF;
	IF p_age_band IS NOT NULL AND p_age_band NOT IN ('0-59', '60-69', '70-79', '80+') THEN
		RAISE EXCEPTION 'Unknown age band' USING ERRCODE = '22023', DETAIL = p_age_band;
	END IF;
	SELECT ARRAY(SELECT DISTINCT lower(btrim(n)) FROM unnest(coalesce(p_needs, '{}')) AS n ORDER BY 1)
	INTO v_needs;
	IF NOT v_needs <@ ARRAY['vision', 'hearing', 'mobility', 'cognitive', 'language', 'digital', 'other']::text[] THEN
		RAISE EXCEPTION 'Unknown need' USING ERRCODE = '22023', DETAIL = array_to_string(v_needs, ',');
	END IF;
	v_note := core.green_text(p_need_note, 500, 'need_note');
	IF 'other' = ANY (v_needs) AND v_note IS NULL THEN
		RAISE EXCEPTION 'Describe the other need' USING ERRCODE = '22023';
	END IF;
	v_name := core.green_text(p_visitor_name, 64, 'visitor_name');
	v_id := core.green_check_sealed(p_visitor_id);
	v_proxy_name := core.green_text(p_proxy_name, 64, 'proxy_name');
	v_relation := core.green_text(p_proxy_relation, 32, 'proxy_relation');
	v_auth := core.green_text(p_proxy_authorisation, 200, 'proxy_authorisation');
	IF (v_proxy_name IS NOT NULL OR v_relation IS NOT NULL OR v_auth IS NOT NULL)
	   AND (v_relation IS NULL OR v_auth IS NULL) THEN
		RAISE EXCEPTION 'A proxy needs a relationship and an authorisation material'
			USING ERRCODE = '22023';
	END IF;
	IF p_typed_by = 'proxy' AND v_relation IS NULL THEN
		RAISE EXCEPTION 'Typed by the proxy, but no proxy is recorded' USING ERRCODE = '22023';
	END IF;
	IF NOT p_consent AND (v_name IS NOT NULL OR v_id IS NOT NULL OR v_proxy_name IS NOT NULL) THEN
		RAISE EXCEPTION 'Without the visitor''s consent no name or identity number is recorded'
			USING ERRCODE = '22023';
	END IF;
	IF nullif(btrim(p_ticket), '') IS NOT NULL THEN
		v_ticket := core.ticket_by_number(p_ticket, core.today());
		IF v_ticket IS NULL THEN
			RAISE EXCEPTION 'No such ticket today' USING ERRCODE = 'P0002', DETAIL = p_ticket;
		END IF;
		SELECT t.number, t.green, coalesce(v_window, t.window_no) INTO v_number, v_green, v_window
		FROM core.ticket t WHERE t.id = v_ticket;
		IF NOT v_green THEN
			RAISE EXCEPTION 'Only a green-channel ticket starts an assisted session'
				USING ERRCODE = '22023', DETAIL = v_number;
		END IF;
		IF EXISTS (SELECT 1 FROM core.green_session g WHERE g.ticket_id = v_ticket) THEN
			RAISE EXCEPTION 'An assisted session already exists for this ticket'
				USING ERRCODE = '23505', DETAIL = v_number;
		END IF;
	END IF;
	IF v_window IS NULL THEN
		SELECT s.window_no INTO v_window FROM core.staff s WHERE s.login = session_user;
	END IF;
	PERFORM core.check_window(v_window);

	INSERT INTO core.green_session (id, op_id, ticket_id, window_no, age_band, needs, need_note,
					visitor_name, visitor_id, proxy_name, proxy_relation,
					proxy_authorisation, typed_by, consent)
	VALUES (p_session_id, p_op, v_ticket, v_window, p_age_band, v_needs, v_note, v_name, v_id,
		v_proxy_name, v_relation, v_auth, p_typed_by, p_consent)
	RETURNING session_no INTO v_no;
	PERFORM core.hall_notify(jsonb_build_object('event', 'green_start', 'session', v_no));
	PERFORM core.audit_write('green_start', 'green:' || v_no::text,
		jsonb_build_object('ticket', v_number, 'window', v_window, 'needs', v_needs,
				   'age_band', p_age_band, 'proxy', v_relation IS NOT NULL,
				   'typed_by', p_typed_by, 'consent', p_consent));
	RETURN QUERY SELECT g.session_no, g.started_at, v_number FROM core.green_session g WHERE g.id = p_session_id;
END
$$;

-- api.green_end: the helper who started the session ends it. What was
-- done: p_cases (case numbers accepted in the session) and/or p_note — at
-- least one. p_outcome 'referred' may name the department (p_dept);
-- 'home_visit' needs p_visit_date (today or later) and opens a follow-up.
CREATE FUNCTION api.green_end(p_op uuid, p_session_no bigint, p_outcome text, p_cases text[],
			      p_note text, p_dept text, p_visit_date date)
	RETURNS TABLE (session_no bigint, duration_seconds int, followup_id bigint)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_me text;
	g core.green_session;
	v_cases text[] := '{}';
	c text;
	v_note text;
	v_dept text := nullif(upper(btrim(p_dept)), '');
	v_fu bigint;
BEGIN
	v_me := core.require_role('helper');
	IF NOT core.op_begin(p_op, 'api.green_end') THEN
		RETURN QUERY SELECT s.session_no, core.seconds_between(s.started_at, s.ended_at), f.id
			     FROM core.green_session s LEFT JOIN core.green_followup f ON f.session_id = s.id
			     WHERE s.end_op = p_op;
		RETURN;
	END IF;
	g := core.green_session_get(p_session_no);
	IF g.helper IS DISTINCT FROM v_me AND NOT core.is_setup_session() THEN
		RAISE EXCEPTION 'Only the helper who started the session can end it'
			USING ERRCODE = '42501', DETAIL = g.helper;
	END IF;
	IF g.ended_at IS NOT NULL THEN
		RAISE EXCEPTION 'This assisted session has already ended'
			USING ERRCODE = '22023', DETAIL = g.session_no::text;
	END IF;
	IF p_outcome IS NULL OR p_outcome NOT IN ('done', 'referred', 'home_visit') THEN
		RAISE EXCEPTION 'The outcome must be done, referred or home_visit'
			USING ERRCODE = '22023', DETAIL = coalesce(p_outcome, '');
	END IF;
	FOREACH c IN ARRAY coalesce(p_cases, '{}') LOOP
		c := core.hall_check_case(c);
		IF NOT c = ANY (v_cases) THEN
			v_cases := v_cases || c;
		END IF;
	END LOOP;
	v_note := core.green_text(p_note, 2000, 'note');
	IF cardinality(v_cases) = 0 AND v_note IS NULL THEN
		RAISE EXCEPTION 'Record what was done: a case number or a note' USING ERRCODE = '22023';
	END IF;
	IF v_dept IS NOT NULL THEN
		IF p_outcome <> 'referred' THEN
			RAISE EXCEPTION 'A department goes with the outcome referred'
				USING ERRCODE = '22023', DETAIL = v_dept;
		END IF;
		IF NOT EXISTS (SELECT 1 FROM core.department d WHERE d.code = v_dept) THEN
			RAISE EXCEPTION 'No such department' USING ERRCODE = 'P0002', DETAIL = v_dept;
		END IF;
	END IF;
	IF p_outcome = 'home_visit' THEN
		IF p_visit_date IS NULL OR p_visit_date < core.today() THEN
			RAISE EXCEPTION 'A home visit needs a date from today on'
				USING ERRCODE = '22023', DETAIL = coalesce(p_visit_date::text, '');
		END IF;
	ELSIF p_visit_date IS NOT NULL THEN
		RAISE EXCEPTION 'A visit date goes with the outcome home_visit'
			USING ERRCODE = '22023', DETAIL = p_visit_date::text;
	END IF;

	UPDATE core.green_session s
	SET ended_at = now(), end_op = p_op, outcome = p_outcome, cases = v_cases, note = v_note,
	    referred_to = v_dept
	WHERE s.id = g.id;
	IF p_outcome = 'home_visit' THEN
		INSERT INTO core.green_followup (session_id, visit_date, helper)
		VALUES (g.id, p_visit_date, g.helper)
		RETURNING id INTO v_fu;
	END IF;
	PERFORM core.hall_notify(jsonb_build_object('event', 'green_end', 'session', g.session_no,
						    'followup', v_fu));
	PERFORM core.audit_write('green_end', 'green:' || g.session_no::text,
		jsonb_build_object('outcome', p_outcome, 'cases', v_cases, 'referred_to', v_dept,
				   'visit_date', p_visit_date, 'followup', v_fu));
	RETURN QUERY SELECT g.session_no, core.seconds_between(g.started_at, now()), v_fu;
END
$$;

-- Sessions: a helper sees their own, a supervisor everyone's. p_open_only:
-- those not ended. p_from / p_to: days of the start (NULL: no bound).
CREATE FUNCTION api.green_sessions(p_open_only boolean, p_from date, p_to date)
	RETURNS TABLE (session_no bigint, helper text, helper_name text, ticket text, window_no int,
		       started_at timestamptz, ended_at timestamptz, duration_seconds int,
		       age_band text, needs text[], need_note text, visitor_name text,
		       visitor_id_mask text, proxy_name text, proxy_relation text,
		       proxy_authorisation text, typed_by text, consent boolean, outcome text,
		       referred_to text, cases text[], note text, followup_id bigint)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	me core.staff;
	tz text := core.hall_tz();
BEGIN
	PERFORM core.require_role('helper', 'supervisor');
	me := core.actor();
	RETURN QUERY
	SELECT g.session_no, g.helper, s.full_name, t.number, g.window_no, g.started_at, g.ended_at,
	       CASE WHEN g.ended_at IS NOT NULL THEN core.seconds_between(g.started_at, g.ended_at) END,
	       g.age_band, g.needs, g.need_note, g.visitor_name, g.visitor_id ->> 'mask', g.proxy_name,
	       g.proxy_relation, g.proxy_authorisation, g.typed_by, g.consent, g.outcome,
	       g.referred_to, g.cases, g.note, f.id
	FROM core.green_session g
	LEFT JOIN core.staff s ON s.login = g.helper
	LEFT JOIN core.ticket t ON t.id = g.ticket_id
	LEFT JOIN core.green_followup f ON f.session_id = g.id
	WHERE (me.role = 'supervisor' OR g.helper = me.login)
	  AND (NOT coalesce(p_open_only, false) OR g.ended_at IS NULL)
	  AND (p_from IS NULL OR g.started_at >= (p_from::timestamp AT TIME ZONE tz))
	  AND (p_to IS NULL OR g.started_at < ((p_to + 1)::timestamp AT TIME ZONE tz))
	ORDER BY g.started_at DESC;
END
$$;

-- Home-visit follow-ups, earliest visit first: a helper sees the ones of
-- their sessions, a supervisor all. overdue: the visit date has passed and
-- it is still open.
CREATE FUNCTION api.green_followups(p_open_only boolean)
	RETURNS TABLE (id bigint, session_no bigint, visit_date date, helper text, helper_name text,
		       visitor_name text, age_band text, needs text[], note text,
		       created_at timestamptz, closed_at timestamptz, closed_by text, close_note text,
		       overdue boolean)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	me core.staff;
	v_today date := core.today();
BEGIN
	PERFORM core.require_role('helper', 'supervisor');
	me := core.actor();
	RETURN QUERY
	SELECT f.id, g.session_no, f.visit_date, f.helper, s.full_name, g.visitor_name, g.age_band,
	       g.needs, g.note, f.created_at, f.closed_at, f.closed_by, f.close_note,
	       f.closed_at IS NULL AND f.visit_date < v_today
	FROM core.green_followup f
	JOIN core.green_session g ON g.id = f.session_id
	LEFT JOIN core.staff s ON s.login = f.helper
	WHERE (me.role = 'supervisor' OR f.helper = me.login)
	  AND (NOT coalesce(p_open_only, true) OR f.closed_at IS NULL)
	ORDER BY f.closed_at IS NOT NULL, f.visit_date, f.id;
END
$$;

-- Closing a home visit with what was done: the helper of the session (who
-- went) or a supervisor.
CREATE FUNCTION api.green_close_followup(p_op uuid, p_id bigint, p_note text) RETURNS void
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	me core.staff;
	f core.green_followup;
	v_note text;
BEGIN
	PERFORM core.require_role('helper', 'supervisor');
	IF NOT core.op_begin(p_op, 'api.green_close_followup') THEN
		RETURN;
	END IF;
	v_note := core.green_text(p_note, 2000, 'note');
	IF v_note IS NULL THEN
		RAISE EXCEPTION 'A note on what was done is required' USING ERRCODE = '22023';
	END IF;
	SELECT x.* INTO f FROM core.green_followup x WHERE x.id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such follow-up' USING ERRCODE = 'P0002', DETAIL = coalesce(p_id::text, '');
	END IF;
	IF NOT core.is_setup_session() THEN
		me := core.actor();
		IF me.role <> 'supervisor' AND f.helper <> me.login THEN
			RAISE EXCEPTION 'Only the helper of the session or a supervisor can close this follow-up'
				USING ERRCODE = '42501', DETAIL = f.helper;
		END IF;
	END IF;
	IF f.closed_at IS NOT NULL THEN
		RAISE EXCEPTION 'This follow-up is already closed' USING ERRCODE = '22023', DETAIL = p_id::text;
	END IF;
	UPDATE core.green_followup x SET closed_at = now(), closed_by = session_user, close_note = v_note
	WHERE x.id = p_id;
	PERFORM core.audit_write('green_followup_close', 'green_followup:' || p_id::text,
				 jsonb_build_object('note', v_note));
END
$$;

-- The green channel report for days p_from .. p_to (the start day of each
-- session, in the centre's time zone; NULL: today; at most 366 days):
--   {"from", "to", "sessions", "ended",
--    "duration_minutes": {"median", "p90"},           ended sessions
--    "per_day": [{"day", "sessions", "median_minutes", "p90_minutes"}],
--    "needs": {"vision": n, ...}, "outcomes": {"done", "referred", "home_visit", "open"},
--    "typed_by": {"visitor", "helper", "proxy"}, "with_proxy": n,
--    "followups": {"open", "overdue"}}                now, not limited to the days
CREATE FUNCTION api.green_report(p_from date, p_to date) RETURNS jsonb
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_today date := core.today();
	v_from date := coalesce(p_from, v_today);
	v_to date := coalesce(p_to, v_today);
	tz text := core.hall_tz();
	out jsonb;
BEGIN
	PERFORM core.require_role('helper', 'supervisor');
	IF v_to < v_from OR v_to - v_from > 365 THEN
		RAISE EXCEPTION 'A report covers 1 to 366 days' USING ERRCODE = '22023',
			DETAIL = v_from::text || '..' || v_to::text;
	END IF;
	WITH s AS (
		SELECT g.*, (g.started_at AT TIME ZONE tz)::date AS d,
		       CASE WHEN g.ended_at IS NOT NULL
			    THEN extract(epoch FROM g.ended_at - g.started_at) / 60.0 END AS minutes
		FROM core.green_session g
		WHERE g.started_at >= (v_from::timestamp AT TIME ZONE tz)
		  AND g.started_at < ((v_to + 1)::timestamp AT TIME ZONE tz)
	)
	SELECT jsonb_build_object(
		'from', v_from, 'to', v_to,
		'sessions', (SELECT count(*) FROM s),
		'ended', (SELECT count(*) FROM s WHERE s.ended_at IS NOT NULL),
		'duration_minutes', (SELECT jsonb_build_object(
			'median', round((percentile_cont(0.5) WITHIN GROUP (ORDER BY s.minutes))::numeric, 1),
			'p90', round((percentile_cont(0.9) WITHIN GROUP (ORDER BY s.minutes))::numeric, 1))
			FROM s WHERE s.minutes IS NOT NULL),
		'per_day', (SELECT coalesce(jsonb_agg(x ORDER BY x.day), '[]') FROM (
			SELECT s.d AS day, count(*) AS sessions,
			       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY s.minutes))::numeric, 1) AS median_minutes,
			       round((percentile_cont(0.9) WITHIN GROUP (ORDER BY s.minutes))::numeric, 1) AS p90_minutes
			FROM s GROUP BY s.d) x),
		'needs', (SELECT jsonb_object_agg(n.need, (SELECT count(*) FROM s WHERE n.need = ANY (s.needs)))
			  FROM unnest(ARRAY['vision', 'hearing', 'mobility', 'cognitive', 'language',
					    'digital', 'other']) AS n(need)),
		'outcomes', jsonb_build_object(
			'done', (SELECT count(*) FROM s WHERE s.outcome = 'done'),
			'referred', (SELECT count(*) FROM s WHERE s.outcome = 'referred'),
			'home_visit', (SELECT count(*) FROM s WHERE s.outcome = 'home_visit'),
			'open', (SELECT count(*) FROM s WHERE s.ended_at IS NULL)),
		'typed_by', jsonb_build_object(
			'visitor', (SELECT count(*) FROM s WHERE s.typed_by = 'visitor'),
			'helper', (SELECT count(*) FROM s WHERE s.typed_by = 'helper'),
			'proxy', (SELECT count(*) FROM s WHERE s.typed_by = 'proxy')),
		'with_proxy', (SELECT count(*) FROM s WHERE s.proxy_relation IS NOT NULL),
		'followups', jsonb_build_object(
			'open', (SELECT count(*) FROM core.green_followup f WHERE f.closed_at IS NULL),
			'overdue', (SELECT count(*) FROM core.green_followup f
				    WHERE f.closed_at IS NULL AND f.visit_date < v_today)))
	INTO out;
	RETURN out;
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;

GRANT EXECUTE ON FUNCTION api.green_start(uuid, uuid, text, int, text, text[], text, text, jsonb,
					  text, text, text, text, boolean) TO cd_helper;
GRANT EXECUTE ON FUNCTION api.green_end(uuid, bigint, text, text[], text, text, date) TO cd_helper;
GRANT EXECUTE ON FUNCTION api.green_sessions(boolean, date, date) TO cd_helper, cd_supervisor;
GRANT EXECUTE ON FUNCTION api.green_followups(boolean) TO cd_helper, cd_supervisor;
GRANT EXECUTE ON FUNCTION api.green_close_followup(uuid, bigint, text) TO cd_helper, cd_supervisor;
GRANT EXECUTE ON FUNCTION api.green_report(date, date) TO cd_helper, cd_supervisor;

RESET ROLE;
