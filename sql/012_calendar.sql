-- 012_calendar: the working-day calendar behind every promised date.
--
-- A working day is Monday to Friday, minus the public holidays, plus the
-- make-up working days (调休上班) announced each November. The year files in
-- config/holidays/ are parsed and checked in C (src/calendar.c); `counterdesk
-- calendar load` sends each year to api.calendar_load, which replaces that
-- year whole. core.calendar_day lists only the days that differ from the
-- Monday-Friday rule (a holiday on a weekend may be listed too; it changes
-- nothing). A year without a core.calendar_year row is unknown: counting
-- into it is an error, never a guess (as cd_add_working_days in C).
--
-- Audit objects: 'calendar:<year>'.

SET ROLE cd_owner;

CREATE TABLE core.calendar_year (
	year      int PRIMARY KEY CHECK (year BETWEEN 1900 AND 9999),
	loaded_at timestamptz NOT NULL DEFAULT now(),
	loaded_by text NOT NULL DEFAULT session_user
);
COMMENT ON TABLE core.calendar_year IS 'Years whose holidays and make-up working days are loaded.';

CREATE TABLE core.calendar_day (
	day     date PRIMARY KEY,
	working boolean NOT NULL,
	name    text,
	year    int NOT NULL REFERENCES core.calendar_year (year),
	CHECK (year = extract(year FROM day))
);
COMMENT ON TABLE core.calendar_day IS 'Days that differ from Monday-Friday: holidays (working = false) and 调休 working days (working = true).';
CREATE INDEX calendar_day_year_idx ON core.calendar_day (year);

-- Whether p_day is a working day; NULL when its year is not loaded.
CREATE FUNCTION core.is_working_day(p_day date) RETURNS boolean
	LANGUAGE sql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT CASE
		WHEN NOT EXISTS (SELECT 1 FROM core.calendar_year y WHERE y.year = extract(year FROM p_day)) THEN NULL
		ELSE coalesce((SELECT d.working FROM core.calendar_day d WHERE d.day = p_day),
			      extract(isodow FROM p_day) < 6)
	END
$$;

-- The promised date: the p_n-th working day after p_start (p_n = 0 gives
-- p_start). With p_count_start, a p_start that is a working day is day 1 (a
-- local rule, set per item); a p_start that is not a working day never
-- counts. Every day examined must be in a loaded year. Same answers as
-- cd_add_working_days in src/calendar.c.
CREATE FUNCTION core.add_working_days(p_start date, p_n int, p_count_start boolean) RETURNS date
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	d date := p_start;
	counted int := 0;
	y int := NULL;       -- the year last found loaded
	w boolean;
BEGIN
	IF p_start IS NULL OR p_n IS NULL OR p_count_start IS NULL THEN
		RAISE EXCEPTION 'A start date and a number of working days are required'
			USING ERRCODE = '22023';
	END IF;
	IF p_n < 0 THEN
		RAISE EXCEPTION 'The number of working days cannot be negative'
			USING ERRCODE = '22023', DETAIL = p_n::text;
	END IF;
	IF p_n > 0 AND p_count_start THEN
		d := d - 1;      -- examine the start itself first
	END IF;
	WHILE counted < p_n LOOP
		d := d + 1;
		IF y IS DISTINCT FROM extract(year FROM d)::int THEN
			y := extract(year FROM d)::int;
			IF NOT EXISTS (SELECT 1 FROM core.calendar_year cy WHERE cy.year = y) THEN
				RAISE EXCEPTION 'No working-day calendar for that year'
					USING ERRCODE = '22023', DETAIL = y::text,
					      HINT = 'Load config/holidays/' || y::text || '.ini with counterdesk calendar load.';
			END IF;
		END IF;
		SELECT cd.working INTO w FROM core.calendar_day cd WHERE cd.day = d;
		IF NOT FOUND THEN
			w := extract(isodow FROM d) < 6;
		END IF;
		IF w THEN
			counted := counted + 1;
		END IF;
	END LOOP;
	RETURN d;
END
$$;

-- ---------------------------------------------------------------------------
-- api.calendar_load: replaces one year. p_days lists the days that differ
-- from Monday-Friday: [{"date":"2026-01-01","working":false,"name":"元旦"}, ...].
-- Returns how many days are stored for the year. A retried operation id
-- changes nothing and returns the same count.

CREATE FUNCTION api.calendar_load(p_op uuid, p_year int, p_days jsonb) RETURNS int
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	e jsonb;
	v_day date;
	n int;
	n_off int;
	n_work int;
BEGIN
	PERFORM core.require_role('admin');
	IF NOT core.op_begin(p_op, 'api.calendar_load') THEN
		RETURN (SELECT count(*)::int FROM core.calendar_day d WHERE d.year = p_year);
	END IF;
	IF p_year IS NULL OR p_year NOT BETWEEN 1900 AND 9999 THEN
		RAISE EXCEPTION 'Invalid calendar year'
			USING ERRCODE = '22023', DETAIL = coalesce(p_year::text, '');
	END IF;
	IF p_days IS NULL OR jsonb_typeof(p_days) <> 'array' THEN
		RAISE EXCEPTION 'Invalid calendar day'
			USING ERRCODE = '22023', DETAIL = '(not an array)';
	END IF;
	FOR e IN SELECT x FROM jsonb_array_elements(p_days) AS x LOOP
		IF jsonb_typeof(e) <> 'object' OR jsonb_typeof(e -> 'date') IS DISTINCT FROM 'string'
		   OR e ->> 'date' !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
		   OR jsonb_typeof(e -> 'working') IS DISTINCT FROM 'boolean'
		   OR (e ? 'name' AND jsonb_typeof(e -> 'name') NOT IN ('string', 'null')) THEN
			RAISE EXCEPTION 'Invalid calendar day'
				USING ERRCODE = '22023', DETAIL = left(e::text, 200);
		END IF;
		BEGIN
			v_day := (e ->> 'date')::date;
		EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
			RAISE EXCEPTION 'Invalid calendar day'
				USING ERRCODE = '22023', DETAIL = e ->> 'date';
		END;
		IF extract(year FROM v_day) <> p_year THEN
			RAISE EXCEPTION 'A calendar day is outside its year'
				USING ERRCODE = '22023', DETAIL = e ->> 'date';
		END IF;
	END LOOP;
	SELECT x ->> 'date' INTO v_day
	FROM jsonb_array_elements(p_days) AS x
	GROUP BY x ->> 'date' HAVING count(*) > 1
	ORDER BY 1 LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'A calendar day is listed twice'
			USING ERRCODE = '22023', DETAIL = v_day::text;
	END IF;

	-- The year row first: it is what a second loader of the same year
	-- waits on.
	INSERT INTO core.calendar_year (year) VALUES (p_year)
	ON CONFLICT (year) DO UPDATE SET loaded_at = now(), loaded_by = session_user;
	DELETE FROM core.calendar_day d WHERE d.year = p_year;
	INSERT INTO core.calendar_day (day, working, name, year)
	SELECT (x ->> 'date')::date, (x ->> 'working')::boolean, nullif(btrim(x ->> 'name'), ''), p_year
	FROM jsonb_array_elements(p_days) AS x;
	GET DIAGNOSTICS n = ROW_COUNT;

	SELECT count(*) FILTER (WHERE NOT d.working), count(*) FILTER (WHERE d.working)
	INTO n_off, n_work
	FROM core.calendar_day d WHERE d.year = p_year;
	PERFORM core.audit_write('calendar_load', 'calendar:' || p_year::text,
		jsonb_build_object('days', n, 'off', n_off, 'work', n_work));
	RETURN n;
END
$$;

-- For clients: the promised date before submitting. p_start NULL means the
-- server's today (core.today()).
CREATE FUNCTION api.working_date(p_start date, p_days int, p_count_start boolean) RETURNS date
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	PERFORM core.actor();
	RETURN core.add_working_days(coalesce(p_start, core.today()), p_days, p_count_start);
END
$$;

-- The loaded years and their exceptional days, for screens that show the
-- calendar.
CREATE VIEW api.calendar AS
	SELECT d.day, d.working, d.name FROM core.calendar_day d;
CREATE VIEW api.calendar_years AS
	SELECT y.year, y.loaded_at FROM core.calendar_year y;

REVOKE ALL ON ALL TABLES IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;
REVOKE ALL ON api.calendar, api.calendar_years FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;
GRANT SELECT ON api.calendar, api.calendar_years TO cd_staff;
GRANT EXECUTE ON FUNCTION api.calendar_load(uuid, int, jsonb) TO cd_admin;
GRANT EXECUTE ON FUNCTION api.working_date(date, int, boolean) TO cd_staff;

RESET ROLE;
