-- 010_settings: the centre's settings, "today", and masking helpers.
--
-- core.setting holds what the configuration tells the database about the
-- centre it serves (one centre per database). `counterdesk db migrate` hands
-- the [centre], [intake] and [shared_data] values to core.configure (defined
-- in 013_shared_data.sql, once the foreign-data wrapper exists) after every
-- migration; core.configure writes them here.
--
--   key               value
--   centre_code       [centre] code, e.g. 330702001
--   centre_name       [centre] name
--   region            [centre] region, 6-digit GB/T 2260 code; the first
--                     part of every case number
--   commitment_days   [intake] commitment_days: the 容缺 period in working
--                     days (default 5), never past the promised date
--   shared_host, shared_port, shared_dbname, shared_user
--                     where the shared-data server is (for information; the
--                     foreign server shared_data is what is used)
--   time_zone         the zone whose calendar date is "today" (default
--                     Asia/Shanghai; not set by configure, a superuser may)
--
-- Staff have no access to core.setting; api.centre() shows the centre.

SET ROLE cd_owner;

CREATE TABLE core.setting (
	key        text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,62}$'),
	value      text NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE core.setting IS 'Centre settings from the configuration (core.configure); one centre per database.';

-- A setting, or p_default when it is not set.
CREATE FUNCTION core.setting_text(p_key text, p_default text) RETURNS text
	LANGUAGE sql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT coalesce((SELECT s.value FROM core.setting s WHERE s.key = p_key), p_default)
$$;

CREATE FUNCTION core.setting_int(p_key text, p_default int) RETURNS int
	LANGUAGE sql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT coalesce((SELECT s.value::int FROM core.setting s
			 WHERE s.key = p_key AND s.value ~ '^[0-9]{1,9}$'), p_default)
$$;

-- Today's date in the centre's time zone. Not current_date: that follows the
-- session's TimeZone, which any client may SET. Tests that need another
-- "today" replace this function inside their own (rolled back) transaction.
CREATE FUNCTION core.today() RETURNS date
	LANGUAGE sql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT (now() AT TIME ZONE core.setting_text('time_zone', 'Asia/Shanghai'))::date
$$;

-- Keeps the first p_head and last p_tail characters and stars the rest; a
-- value not longer than p_head + p_tail is starred whole (as cd_mask in C).
CREATE FUNCTION core.mask(p_value text, p_head int, p_tail int) RETURNS text
	LANGUAGE sql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT CASE
		WHEN p_value IS NULL THEN NULL
		WHEN char_length(p_value) <= p_head + p_tail THEN repeat('*', char_length(p_value))
		ELSE left(p_value, p_head) || repeat('*', char_length(p_value) - p_head - p_tail)
		     || right(p_value, p_tail)
	END
$$;

-- Identity number 6 + 4 (110105********002X), as DOMAIN.md sets the default.
CREATE FUNCTION core.mask_idno(p_value text) RETURNS text
	LANGUAGE sql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT core.mask(upper(btrim(p_value)), 6, 4)
$$;

-- The centre this database serves, for receipts and screens.
CREATE FUNCTION api.centre() RETURNS TABLE (code text, name text, region text, commitment_days int)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	PERFORM core.actor();
	RETURN QUERY
	SELECT core.setting_text('centre_code', NULL), core.setting_text('centre_name', NULL),
	       core.setting_text('region', NULL), core.setting_int('commitment_days', 5);
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.centre() TO cd_staff;

RESET ROLE;
