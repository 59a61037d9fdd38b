-- 013_shared_data: the shared-data registers through postgres_fdw, and
-- core.configure, which `counterdesk db migrate` calls after every migration.
--
-- The look-up runs on the server (DESIGN.md, "Shared data for
-- verification"): the foreign server shared_data points at the shared-data
-- database of [shared_data] conninfo; the user mapping is for cd_owner, the
-- owner of the SECURITY DEFINER api functions, which is the role the foreign
-- scans run as; IMPORT FOREIGN SCHEMA registry puts the registers into
-- schema shared as foreign tables owned by cd_owner. Staff have no right on
-- schema shared: they reach the registers only through api.registry_person
-- and api.registry_enterprise, which write the audit row in the same
-- transaction.
--
-- No password is stored anywhere: the mapping has password_required
-- 'false' (only a superuser may set that, and core.configure runs as one),
-- so the shared-data database must authenticate the connection otherwise.
-- The demo and test clusters (scripts/cluster.sh) use peer authentication
-- mapped to the read-only login cd_registry_reader; a remote platform would
-- use a client certificate (sslcert/sslkey options) or a .pgpass of the
-- server's OS user.
--
-- Audit: action 'registry_lookup', object 'registry:person' or
-- 'registry:enterprise', detail {purpose, kind, id_mask | uscc, found}.
-- The identity number is never written in clear.

-- The wrapper lives in a schema nobody else may use, so its functions
-- (postgres_fdw_disconnect, ...) are not within reach of staff.
CREATE SCHEMA fdw;
REVOKE ALL ON SCHEMA fdw FROM PUBLIC;
CREATE EXTENSION IF NOT EXISTS postgres_fdw WITH SCHEMA fdw;

CREATE SCHEMA shared AUTHORIZATION cd_owner;
REVOKE ALL ON SCHEMA shared FROM PUBLIC;
COMMENT ON SCHEMA shared IS 'Foreign tables of the shared-data registers (postgres_fdw, re-imported by core.configure).';

SET ROLE cd_owner;

-- ---------------------------------------------------------------------------
-- core.configure: called as the superuser by `counterdesk db migrate` after
-- every migration (src/migrate.c, cd_migrate_configure); safe to call again.
-- Stores the centre's settings, (re)creates the foreign server shared_data
-- (an empty string omits that option: libpq's default applies), the user
-- mapping for cd_owner, and re-imports schema registry into schema shared.
--
-- When the shared-data database cannot be reached (or has no schema
-- registry, or refuses the login) it raises 08001 'The shared-data
-- registers could not be imported' with libpq's reason in DETAIL, and the
-- whole call is undone: settings, server and the registers imported before
-- stay as they were. (The migrations themselves are committed by then;
-- `counterdesk db migrate` exits non-zero and can simply be run again.)
CREATE FUNCTION core.configure(p_centre_code text, p_centre_name text, p_region text,
			       p_shared_host text, p_shared_port text, p_shared_dbname text,
			       p_shared_user text, p_commitment_days int) RETURNS void
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
	SET client_min_messages = warning
AS $$
DECLARE
	v_opts text := '';
	v_changed jsonb := '{}';
	v_old text;
	v_err text;
	v_detail text;
	k text;
	v text;
BEGIN
	IF NOT core.is_setup_session() THEN
		RAISE EXCEPTION 'Only the set-up superuser may configure the centre'
			USING ERRCODE = '42501', DETAIL = session_user;
	END IF;
	IF p_centre_code IS NULL OR btrim(p_centre_code) = '' THEN
		RAISE EXCEPTION 'Centre code is required' USING ERRCODE = '22023';
	END IF;
	IF p_region IS NULL OR p_region !~ '^[1-9][0-9]{5}$' THEN
		RAISE EXCEPTION 'Region must be a 6-digit GB/T 2260 code'
			USING ERRCODE = '22023', DETAIL = coalesce(p_region, '');
	END IF;
	IF p_commitment_days IS NULL OR p_commitment_days NOT BETWEEN 1 AND 60 THEN
		RAISE EXCEPTION 'Commitment days must be between 1 and 60'
			USING ERRCODE = '22023', DETAIL = coalesce(p_commitment_days::text, '');
	END IF;

	-- Settings; an audit row names what changed.
	FOR k, v IN
		SELECT * FROM (VALUES
			('centre_code', btrim(p_centre_code)),
			('centre_name', btrim(coalesce(p_centre_name, ''))),
			('region', p_region),
			('commitment_days', p_commitment_days::text),
			('shared_host', coalesce(p_shared_host, '')),
			('shared_port', coalesce(p_shared_port, '')),
			('shared_dbname', coalesce(p_shared_dbname, '')),
			('shared_user', coalesce(p_shared_user, ''))
		) AS s(k, v)
	LOOP
		SELECT s.value INTO v_old FROM core.setting s WHERE s.key = k;
		IF v_old IS DISTINCT FROM v THEN
			INSERT INTO core.setting (key, value) VALUES (k, v)
			ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now();
			v_changed := v_changed || jsonb_build_object(k, v);
		END IF;
	END LOOP;

	-- The foreign server, made afresh (DROP ... CASCADE takes the user
	-- mapping and the foreign tables with it).
	DROP SERVER IF EXISTS shared_data CASCADE;
	FOR k, v IN
		SELECT * FROM (VALUES ('host', p_shared_host), ('port', p_shared_port),
				      ('dbname', p_shared_dbname)) AS o(k, v)
	LOOP
		IF coalesce(v, '') <> '' THEN
			v_opts := v_opts || CASE WHEN v_opts = '' THEN '' ELSE ', ' END || format('%I %L', k, v);
		END IF;
	END LOOP;
	-- Read-only from our side too; the remote login has SELECT only.
	v_opts := v_opts || CASE WHEN v_opts = '' THEN '' ELSE ', ' END
		  || 'updatable ''false'', fetch_size ''1000''';
	EXECUTE format('CREATE SERVER shared_data FOREIGN DATA WRAPPER postgres_fdw OPTIONS (%s)', v_opts);
	COMMENT ON SERVER shared_data IS 'The shared-data exchange platform ([shared_data] conninfo); made by core.configure.';
	GRANT USAGE ON FOREIGN SERVER shared_data TO cd_owner;
	EXECUTE format('CREATE USER MAPPING FOR cd_owner SERVER shared_data OPTIONS (%s)',
		       CASE WHEN coalesce(p_shared_user, '') <> '' THEN format('user %L, ', p_shared_user) ELSE '' END
		       || 'password_required ''false''');

	-- The registers, imported as cd_owner so that cd_owner owns them and
	-- the import goes through cd_owner's mapping, exactly as the look-ups.
	BEGIN
		SET LOCAL ROLE cd_owner;
		IMPORT FOREIGN SCHEMA registry FROM SERVER shared_data INTO shared;
		RESET ROLE;
	EXCEPTION WHEN sqlclient_unable_to_establish_sqlconnection OR connection_exception
		       OR invalid_schema_name OR invalid_authorization_specification
		       OR insufficient_privilege THEN
		GET STACKED DIAGNOSTICS v_err = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
		RAISE EXCEPTION 'The shared-data registers could not be imported'
			USING ERRCODE = '08001',
			      DETAIL = v_err || coalesce(': ' || nullif(btrim(v_detail), ''), ''),
			      HINT = 'Check [shared_data] conninfo; the settings are unchanged.';
	END;
	REVOKE ALL ON ALL TABLES IN SCHEMA shared FROM PUBLIC;

	IF v_changed <> '{}' THEN
		PERFORM core.audit_write('configure', 'centre:' || btrim(p_centre_code), v_changed);
	END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- Look-ups

CREATE FUNCTION core.shared_ready(p_table text) RETURNS void
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	IF to_regclass('shared.' || p_table) IS NULL THEN
		RAISE EXCEPTION 'The shared-data registers are not available'
			USING ERRCODE = '55000', DETAIL = p_table,
			      HINT = 'Run counterdesk db migrate with a reachable [shared_data] conninfo.';
	END IF;
END
$$;

CREATE FUNCTION core.require_purpose(p_purpose text) RETURNS text
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	IF p_purpose IS NULL OR btrim(p_purpose) = '' THEN
		RAISE EXCEPTION 'A purpose is required for a registry look-up' USING ERRCODE = '22023';
	END IF;
	IF char_length(p_purpose) > 200 THEN
		RAISE EXCEPTION 'Text too long for the field' USING ERRCODE = '22023', DETAIL = 'purpose';
	END IF;
	RETURN btrim(p_purpose);
END
$$;

-- The population registry (人口库) by identity number. Clerks (and helpers).
-- The number is normalised (trimmed, x -> X) but not otherwise checked here:
-- an invalid number simply finds nobody. The audit row holds the masked
-- number, the purpose and whether anyone was found.
CREATE FUNCTION api.registry_person(p_id_no text, p_purpose text)
	RETURNS TABLE (name text, sex text, birth_date date, address text, status text)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_id text := upper(btrim(p_id_no));
	v_purpose text;
	v_found boolean;
BEGIN
	PERFORM core.require_role('clerk');
	v_purpose := core.require_purpose(p_purpose);
	IF v_id IS NULL OR v_id !~ '^[0-9]{17}[0-9X]$' THEN
		RAISE EXCEPTION 'Invalid identity number'
			USING ERRCODE = '22023', DETAIL = coalesce(core.mask_idno(v_id), '');
	END IF;
	PERFORM core.shared_ready('population');
	-- Read first, audit last (the audit head stays locked until commit);
	-- RETURN QUERY adds the rows and goes on.
	RETURN QUERY
	SELECT p.name::text, p.sex::text, p.birth_date::date, p.address::text, p.status::text
	FROM shared.population p WHERE p.id_no = v_id;
	v_found := FOUND;
	PERFORM core.audit_write('registry_lookup', 'registry:person',
		jsonb_build_object('purpose', v_purpose, 'kind', 'person',
				   'id_mask', core.mask_idno(v_id), 'found', v_found));
END
$$;

-- The enterprise registry (企业库) by unified social credit code (public, so
-- the audit row holds it in clear).
CREATE FUNCTION api.registry_enterprise(p_uscc text, p_purpose text)
	RETURNS TABLE (name text, legal_rep_id text, status text, registered_on date, address text)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_uscc text := upper(btrim(p_uscc));
	v_purpose text;
	v_found boolean;
BEGIN
	PERFORM core.require_role('clerk');
	v_purpose := core.require_purpose(p_purpose);
	IF v_uscc IS NULL OR v_uscc !~ '^[0-9A-HJ-NPQRTUWXY]{18}$' THEN
		RAISE EXCEPTION 'Invalid credit code'
			USING ERRCODE = '22023', DETAIL = coalesce(left(v_uscc, 40), '');
	END IF;
	PERFORM core.shared_ready('enterprise');
	RETURN QUERY
	SELECT e.name::text, e.legal_rep_id::text, e.status::text, e.registered_on::date, e.address::text
	FROM shared.enterprise e WHERE e.uscc = v_uscc;
	v_found := FOUND;
	PERFORM core.audit_write('registry_lookup', 'registry:enterprise',
		jsonb_build_object('purpose', v_purpose, 'kind', 'enterprise',
				   'uscc', v_uscc, 'found', v_found));
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.registry_person(text, text) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.registry_enterprise(text, text) TO cd_clerk;

RESET ROLE;
