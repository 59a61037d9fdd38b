-- 011_items: service items (一件事) as data, every version kept.
--
-- The files in forms/ (counterdesk-forms(5)) are parsed and checked in C;
-- `counterdesk forms load` sends each item as the JSON of cd_item_json to
-- api.forms_load. A case records the version it was accepted under, so a
-- version, once stored, never changes.
--
-- Versions (api.forms_load): let L be the latest stored version of the code
-- and V the "version" in the file.
--   no version stored yet          store V
--   V > L                          store V (the file says it changed)
--   V <= L, content differs        store L + 1 (changed without raising the
--                                  version in the file)
--   V <= L, content the same       nothing (changed = false)
-- "Content" is the definition without its "version" key. The stored
-- definition always carries the version it is stored under.
--
-- Audit objects: 'item:<code>'.

SET ROLE cd_owner;

CREATE TABLE core.service_item (
	code                 text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,31}$'),
	version              int NOT NULL CHECK (version BETWEEN 1 AND 1000000),
	definition           jsonb NOT NULL,
	name_zh              text NOT NULL,
	name_en              text NOT NULL,
	applicant_kind       text NOT NULL CHECK (applicant_kind IN ('person', 'enterprise')),
	promised_days        int NOT NULL CHECK (promised_days BETWEEN 1 AND 60),
	count_acceptance_day boolean NOT NULL,
	op_id                uuid UNIQUE,
	loaded_at            timestamptz NOT NULL DEFAULT now(),
	loaded_by            text NOT NULL DEFAULT session_user,
	PRIMARY KEY (code, version),
	CHECK ((definition ->> 'version')::int = version AND definition ->> 'code' = code)
);
COMMENT ON TABLE core.service_item IS 'Every version of every service item (一件事); definition is the JSON of cd_item_json.';

-- Refuses a definition that does not have the shape of cd_item_json. The C
-- side checks the files thoroughly (counterdesk forms check); this is the
-- database's own guard on what case_submit relies on. DETAIL names the
-- first offending place, e.g. fields[3].type.
CREATE FUNCTION core.item_check(p jsonb) RETURNS void
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	bad text;
	f jsonb;
	m jsonb;
	i int;
	keys text[] := '{}';
	codes text[] := '{}';
BEGIN
	IF p IS NULL OR jsonb_typeof(p) <> 'object' THEN
		bad := '(not an object)';
	ELSIF jsonb_typeof(p -> 'code') IS DISTINCT FROM 'string'
	      OR p ->> 'code' !~ '^[a-z][a-z0-9_]{0,31}$' THEN
		bad := 'code';
	ELSIF jsonb_typeof(p -> 'version') IS DISTINCT FROM 'number'
	      OR p ->> 'version' !~ '^[1-9][0-9]{0,6}$' OR (p ->> 'version')::int > 1000000 THEN
		bad := 'version';
	ELSIF jsonb_typeof(p -> 'name_zh') IS DISTINCT FROM 'string' OR btrim(p ->> 'name_zh') = '' THEN
		bad := 'name_zh';
	ELSIF jsonb_typeof(p -> 'name_en') IS DISTINCT FROM 'string' OR btrim(p ->> 'name_en') = '' THEN
		bad := 'name_en';
	ELSIF p ->> 'applicant' IS NULL OR p ->> 'applicant' NOT IN ('person', 'enterprise') THEN
		bad := 'applicant';
	ELSIF jsonb_typeof(p -> 'promised_days') IS DISTINCT FROM 'number'
	      OR p ->> 'promised_days' !~ '^[1-9][0-9]?$' OR (p ->> 'promised_days')::int > 60 THEN
		bad := 'promised_days';
	ELSIF jsonb_typeof(p -> 'count_acceptance_day') IS DISTINCT FROM 'boolean' THEN
		bad := 'count_acceptance_day';
	ELSIF jsonb_typeof(p -> 'fields') IS DISTINCT FROM 'array' THEN
		bad := 'fields';
	ELSIF jsonb_typeof(p -> 'materials') IS DISTINCT FROM 'array' THEN
		bad := 'materials';
	END IF;

	IF bad IS NULL THEN
		i := 0;
		FOR f IN SELECT e FROM jsonb_array_elements(p -> 'fields') AS e LOOP
			IF jsonb_typeof(f) <> 'object' OR jsonb_typeof(f -> 'key') IS DISTINCT FROM 'string'
			   OR f ->> 'key' !~ '^[a-z][a-z0-9_]{0,31}$' OR f ->> 'key' = ANY (keys) THEN
				bad := format('fields[%s].key', i);
			ELSIF f ->> 'type' IS NULL OR f ->> 'type' NOT IN ('text', 'idno', 'uscc', 'phone', 'date',
						      'enum', 'integer', 'money', 'address') THEN
				bad := format('fields[%s].type', i);
			ELSIF jsonb_typeof(f -> 'required') IS DISTINCT FROM 'boolean' THEN
				bad := format('fields[%s].required', i);
			ELSIF f ->> 'type' = 'enum' AND (jsonb_typeof(f -> 'choices') IS DISTINCT FROM 'array'
							 OR jsonb_array_length(f -> 'choices') = 0
							 OR EXISTS (SELECT 1 FROM jsonb_array_elements(f -> 'choices') c
								    WHERE jsonb_typeof(c) <> 'string')) THEN
				bad := format('fields[%s].choices', i);
			ELSIF f ? 'max_length' AND jsonb_typeof(f -> 'max_length') IS DISTINCT FROM 'null'
			      AND (jsonb_typeof(f -> 'max_length') <> 'number' OR f ->> 'max_length' !~ '^[1-9][0-9]{0,5}$') THEN
				bad := format('fields[%s].max_length', i);
			ELSIF jsonb_typeof(f -> 'when') = 'object'
			      AND (jsonb_typeof(f -> 'when' -> 'field') IS DISTINCT FROM 'string'
				   OR jsonb_typeof(f -> 'when' -> 'values') IS DISTINCT FROM 'array') THEN
				bad := format('fields[%s].when', i);
			END IF;
			EXIT WHEN bad IS NOT NULL;
			keys := keys || (f ->> 'key');
			i := i + 1;
		END LOOP;
	END IF;

	IF bad IS NULL THEN
		i := 0;
		FOR m IN SELECT e FROM jsonb_array_elements(p -> 'materials') AS e LOOP
			IF jsonb_typeof(m) <> 'object' OR jsonb_typeof(m -> 'code') IS DISTINCT FROM 'string'
			   OR m ->> 'code' !~ '^[a-z][a-z0-9_]{0,31}$' OR m ->> 'code' = ANY (codes) THEN
				bad := format('materials[%s].code', i);
			ELSIF jsonb_typeof(m -> 'name_zh') IS DISTINCT FROM 'string' OR btrim(m ->> 'name_zh') = '' THEN
				bad := format('materials[%s].name_zh', i);
			ELSIF jsonb_typeof(m -> 'key') IS DISTINCT FROM 'boolean' THEN
				bad := format('materials[%s].key', i);
			ELSIF jsonb_typeof(m -> 'when') = 'object'
			      AND (jsonb_typeof(m -> 'when' -> 'field') IS DISTINCT FROM 'string'
				   OR jsonb_typeof(m -> 'when' -> 'values') IS DISTINCT FROM 'array') THEN
				bad := format('materials[%s].when', i);
			END IF;
			EXIT WHEN bad IS NOT NULL;
			codes := codes || (m ->> 'code');
			i := i + 1;
		END LOOP;
	END IF;

	IF bad IS NOT NULL THEN
		RAISE EXCEPTION 'Invalid service item definition'
			USING ERRCODE = '22023', DETAIL = bad;
	END IF;
END
$$;

-- The stored version of an item: p_version NULL = the latest. NULL when
-- there is none.
CREATE FUNCTION core.item_find(p_code text, p_version int) RETURNS core.service_item
	LANGUAGE sql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT i.* FROM core.service_item i
	WHERE i.code = p_code AND (p_version IS NULL OR i.version = p_version)
	ORDER BY i.version DESC
	LIMIT 1
$$;

-- ---------------------------------------------------------------------------
-- api.forms_load: admins (and the set-up superuser) install or upgrade one
-- item. Returns the version now current and whether this call stored it. A
-- retried operation id returns what the first call stored.

CREATE FUNCTION api.forms_load(p_op uuid, p_definition jsonb)
	RETURNS TABLE (code text, version int, changed boolean)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_code text;
	v_file int;
	v_new int;
	latest core.service_item;
	v_def jsonb;
BEGIN
	PERFORM core.require_role('admin');
	IF NOT core.op_begin(p_op, 'api.forms_load') THEN
		RETURN QUERY
		SELECT i.code, i.version, true FROM core.service_item i WHERE i.op_id = p_op
		UNION ALL
		SELECT i.code, i.version, false
		FROM core.service_item i
		WHERE NOT EXISTS (SELECT 1 FROM core.service_item o WHERE o.op_id = p_op)
		  AND i.code = p_definition ->> 'code'
		  AND i.version = (SELECT max(x.version) FROM core.service_item x WHERE x.code = i.code);
		RETURN;
	END IF;
	PERFORM core.item_check(p_definition);
	v_code := p_definition ->> 'code';
	v_file := (p_definition ->> 'version')::int;

	-- Two loads of the same item wait for each other.
	PERFORM pg_advisory_xact_lock(7361011, hashtext(v_code));
	latest := core.item_find(v_code, NULL);

	IF latest.code IS NULL OR v_file > latest.version THEN
		v_new := v_file;
	ELSIF (p_definition - 'version') IS DISTINCT FROM (latest.definition - 'version') THEN
		v_new := latest.version + 1;
	ELSE
		RETURN QUERY SELECT latest.code, latest.version, false;
		RETURN;
	END IF;

	v_def := jsonb_set(p_definition, '{version}', to_jsonb(v_new));
	INSERT INTO core.service_item (code, version, definition, name_zh, name_en, applicant_kind,
				       promised_days, count_acceptance_day, op_id)
	VALUES (v_code, v_new, v_def, v_def ->> 'name_zh', v_def ->> 'name_en', v_def ->> 'applicant',
		(v_def ->> 'promised_days')::int, (v_def ->> 'count_acceptance_day')::boolean, p_op);

	PERFORM core.audit_write('item_load', 'item:' || v_code,
		jsonb_build_object('version', v_new, 'file_version', v_file,
				   'previous', latest.version));
	RETURN QUERY SELECT v_code, v_new, true;
END
$$;

-- The latest version of each item.
CREATE VIEW api.items AS
	SELECT i.code, i.version, i.name_zh, i.name_en, i.applicant_kind, i.promised_days
	FROM core.service_item i
	WHERE i.version = (SELECT max(x.version) FROM core.service_item x WHERE x.code = i.code);

-- One item's definition (the JSON of cd_item_json); p_version NULL = latest.
CREATE FUNCTION api.item_get(p_code text, p_version int DEFAULT NULL) RETURNS jsonb
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	it core.service_item;
BEGIN
	PERFORM core.actor();
	it := core.item_find(p_code, p_version);
	IF it.code IS NULL THEN
		RAISE EXCEPTION 'Unknown service item'
			USING ERRCODE = '22023',
			      DETAIL = coalesce(p_code, '') || coalesce(' v' || p_version::text, '');
	END IF;
	RETURN it.definition;
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;
REVOKE ALL ON api.items FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;
GRANT SELECT ON api.items TO cd_staff;
GRANT EXECUTE ON FUNCTION api.forms_load(uuid, jsonb) TO cd_admin;
GRANT EXECUTE ON FUNCTION api.item_get(text, int) TO cd_staff;

RESET ROLE;
