-- 014_applicants: the people and enterprises who apply, stored once and
-- reused (一次录入): the next application of the same applicant is filled
-- from here.
--
-- Personal values arrive sealed by the client (docs/intake.md, "Personal
-- data"): {"cipher": "v1:…", "mask": "110105********002X", "blind": "1a2b3c4d"}.
-- The server keeps cipher, mask and blind index and never sees the clear
-- value. The associated data of each cipher binds it to table 'applicant',
-- its column (id_no, phone, address) and the applicant's uuid, so the uuid
-- of a row never changes once a cipher was made for it.
--
-- Finding an applicant: the client computes the blind index of the number,
-- asks api.applicant_candidates, decrypts the few rows and keeps the exact
-- match. A credit code is public and stored in clear (unique).

SET ROLE cd_owner;

CREATE TABLE core.applicant (
	id             uuid PRIMARY KEY,
	kind           text NOT NULL CHECK (kind IN ('person', 'enterprise')),
	name           text NOT NULL CHECK (btrim(name) <> '' AND char_length(name) <= 200),
	id_cipher      text,
	id_mask        text,
	id_blind       text,
	uscc           text UNIQUE CHECK (uscc ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
	phone_cipher   text,
	phone_mask     text,
	phone_blind    text,
	address_cipher text,
	address_mask   text,
	created_at     timestamptz NOT NULL DEFAULT now(),
	created_by     text NOT NULL DEFAULT session_user,
	updated_at     timestamptz NOT NULL DEFAULT now(),
	updated_by     text NOT NULL DEFAULT session_user,
	CHECK (kind <> 'person' OR (id_cipher IS NOT NULL AND id_mask IS NOT NULL AND id_blind IS NOT NULL)),
	CHECK (kind <> 'enterprise' OR uscc IS NOT NULL),
	CHECK ((id_cipher IS NULL) = (id_mask IS NULL)),
	CHECK ((phone_cipher IS NULL) = (phone_mask IS NULL)),
	CHECK ((address_cipher IS NULL) = (address_mask IS NULL))
);
COMMENT ON TABLE core.applicant IS 'Applicants (people and enterprises); personal values sealed by the client, with masked copies and blind indexes.';
CREATE INDEX applicant_id_blind_idx ON core.applicant (id_blind) WHERE id_blind IS NOT NULL;
CREATE INDEX applicant_phone_blind_idx ON core.applicant (phone_blind) WHERE phone_blind IS NOT NULL;

-- ---------------------------------------------------------------------------
-- Sealed values

-- Whether p has the shape of a sealed value; p_blind: a blind index is
-- required (identity numbers, phones).
CREATE FUNCTION core.is_sealed(p jsonb, p_blind boolean) RETURNS boolean
	LANGUAGE sql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT coalesce(
		jsonb_typeof(p) = 'object'
		AND jsonb_typeof(p -> 'cipher') = 'string'
		AND (p ->> 'cipher') ~ '^v[0-9]{1,3}:[A-Za-z0-9_=+/-]{16,}$'
		AND char_length(p ->> 'cipher') <= 20000
		AND jsonb_typeof(p -> 'mask') = 'string'
		AND char_length(p ->> 'mask') BETWEEN 1 AND 2000
		AND (CASE WHEN jsonb_typeof(p -> 'blind') = 'string' THEN (p ->> 'blind') ~ '^[0-9a-f]{8,64}$'
			  ELSE NOT p_blind AND coalesce(jsonb_typeof(p -> 'blind'), 'null') = 'null' END)
		AND NOT EXISTS (SELECT 1 FROM jsonb_object_keys(p) k WHERE k NOT IN ('cipher', 'mask', 'blind')),
		false)
$$;

-- Refuses p unless it is a sealed value; p_what names it in DETAIL.
CREATE FUNCTION core.check_sealed(p jsonb, p_what text, p_blind boolean) RETURNS void
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	IF NOT core.is_sealed(p, p_blind) THEN
		RAISE EXCEPTION 'A personal value must be sent sealed'
			USING ERRCODE = '22023', DETAIL = p_what;
	END IF;
END
$$;

-- JSON null or absent: SQL NULL; otherwise the value.
CREATE FUNCTION core.json_present(p jsonb) RETURNS jsonb
	LANGUAGE sql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT CASE WHEN p IS NULL OR jsonb_typeof(p) = 'null' THEN NULL ELSE p END
$$;

-- ---------------------------------------------------------------------------
-- Insert or update the applicant of a submit (p: docs/intake.md, step 4):
-- {"id", "kind", "name", "id_no": sealed, "uscc", "phone": sealed,
--  "address": sealed}. A person needs id_no (with its blind index), an
-- enterprise its credit code. Sealed values given replace the stored ones;
-- values left out (or null) keep them. Returns the applicant's id.
CREATE FUNCTION core.applicant_upsert(p jsonb, p_kind text) RETURNS uuid
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_id uuid;
	v_name text;
	v_uscc text;
	v_idno jsonb;
	v_phone jsonb;
	v_addr jsonb;
	v_other uuid;
	v_kind text;
BEGIN
	IF p IS NULL OR jsonb_typeof(p) <> 'object' THEN
		RAISE EXCEPTION 'Applicant details are incomplete' USING ERRCODE = '22023', DETAIL = 'applicant';
	END IF;
	IF jsonb_typeof(p -> 'id') IS DISTINCT FROM 'string'
	   OR (p ->> 'id') !~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$' THEN
		RAISE EXCEPTION 'Applicant details are incomplete' USING ERRCODE = '22023', DETAIL = 'id';
	END IF;
	v_id := (p ->> 'id')::uuid;
	IF p ->> 'kind' IS DISTINCT FROM p_kind THEN
		RAISE EXCEPTION 'The applicant does not fit the service item'
			USING ERRCODE = '22023', DETAIL = coalesce(p ->> 'kind', '') || ' / ' || p_kind;
	END IF;
	v_name := btrim(p ->> 'name');
	IF jsonb_typeof(p -> 'name') IS DISTINCT FROM 'string' OR v_name = '' THEN
		RAISE EXCEPTION 'Applicant details are incomplete' USING ERRCODE = '22023', DETAIL = 'name';
	END IF;
	IF char_length(v_name) > 200 THEN
		RAISE EXCEPTION 'Text too long for the field' USING ERRCODE = '22023', DETAIL = 'name';
	END IF;
	v_idno := core.json_present(p -> 'id_no');
	v_phone := core.json_present(p -> 'phone');
	v_addr := core.json_present(p -> 'address');
	IF v_idno IS NOT NULL THEN
		PERFORM core.check_sealed(v_idno, 'id_no', true);
	END IF;
	IF v_phone IS NOT NULL THEN
		PERFORM core.check_sealed(v_phone, 'phone', true);
	END IF;
	IF v_addr IS NOT NULL THEN
		PERFORM core.check_sealed(v_addr, 'address', false);
	END IF;
	IF p_kind = 'enterprise' THEN
		v_uscc := upper(btrim(p ->> 'uscc'));
		IF v_uscc IS NULL OR v_uscc = '' THEN
			RAISE EXCEPTION 'Applicant details are incomplete' USING ERRCODE = '22023', DETAIL = 'uscc';
		END IF;
		IF v_uscc !~ '^[0-9A-HJ-NPQRTUWXY]{18}$' THEN
			RAISE EXCEPTION 'Invalid credit code' USING ERRCODE = '22023', DETAIL = left(v_uscc, 40);
		END IF;
		-- The credit code is on record under another id: the client must
		-- use that row (its ciphers are bound to its id).
		SELECT a.id INTO v_other FROM core.applicant a WHERE a.uscc = v_uscc;
		IF FOUND AND v_other <> v_id THEN
			RAISE EXCEPTION 'An applicant with that credit code is already on record'
				USING ERRCODE = '23505', DETAIL = v_other::text;
		END IF;
		-- ... and a credit code, once recorded, is the enterprise's for good.
		IF EXISTS (SELECT 1 FROM core.applicant a WHERE a.id = v_id AND a.uscc IS DISTINCT FROM v_uscc) THEN
			RAISE EXCEPTION 'The applicant id belongs to another applicant'
				USING ERRCODE = '22023', DETAIL = v_id::text;
		END IF;
	END IF;

	-- A new applicant is inserted whole; one on record is updated (sealed
	-- values left out keep the stored ones). Not one INSERT ... ON CONFLICT
	-- DO UPDATE: the CHECKs would judge the proposed row, incomplete when
	-- values are left out.
	SELECT a.kind INTO v_kind FROM core.applicant a WHERE a.id = v_id FOR UPDATE;
	IF NOT FOUND THEN
		IF p_kind = 'person' AND v_idno IS NULL THEN
			RAISE EXCEPTION 'Applicant details are incomplete' USING ERRCODE = '22023', DETAIL = 'id_no';
		END IF;
		INSERT INTO core.applicant (id, kind, name, id_cipher, id_mask, id_blind, uscc,
					    phone_cipher, phone_mask, phone_blind, address_cipher, address_mask)
		VALUES (v_id, p_kind, v_name, v_idno ->> 'cipher', v_idno ->> 'mask', v_idno ->> 'blind', v_uscc,
			v_phone ->> 'cipher', v_phone ->> 'mask', v_phone ->> 'blind',
			v_addr ->> 'cipher', v_addr ->> 'mask')
		ON CONFLICT (id) DO NOTHING;
		IF FOUND THEN
			RETURN v_id;
		END IF;
		-- Another submit inserted it a moment ago: update that row.
		SELECT a.kind INTO STRICT v_kind FROM core.applicant a WHERE a.id = v_id FOR UPDATE;
	END IF;
	IF v_kind <> p_kind THEN
		RAISE EXCEPTION 'The applicant does not fit the service item'
			USING ERRCODE = '22023', DETAIL = v_kind || ' / ' || p_kind;
	END IF;
	UPDATE core.applicant a SET
		name = v_name,
		id_cipher = coalesce(v_idno ->> 'cipher', a.id_cipher),
		id_mask = coalesce(v_idno ->> 'mask', a.id_mask),
		id_blind = CASE WHEN v_idno IS NULL THEN a.id_blind ELSE v_idno ->> 'blind' END,
		phone_cipher = coalesce(v_phone ->> 'cipher', a.phone_cipher),
		phone_mask = coalesce(v_phone ->> 'mask', a.phone_mask),
		phone_blind = CASE WHEN v_phone IS NULL THEN a.phone_blind ELSE v_phone ->> 'blind' END,
		address_cipher = coalesce(v_addr ->> 'cipher', a.address_cipher),
		address_mask = coalesce(v_addr ->> 'mask', a.address_mask),
		updated_at = now(),
		updated_by = session_user
	WHERE a.id = v_id;
	RETURN v_id;
END
$$;

-- ---------------------------------------------------------------------------
-- Look-ups for clerks

-- Applicants whose identity-number or phone blind index is p_blind: a few
-- rows at most (the index is truncated on purpose); the client decrypts
-- and keeps the exact match.
CREATE FUNCTION api.applicant_candidates(p_blind text)
	RETURNS TABLE (id uuid, kind text, id_cipher text, id_mask text, uscc text, name text,
		       phone_cipher text, phone_mask text, address_cipher text, address_mask text,
		       updated_at timestamptz)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM core.require_role('clerk');
	IF p_blind IS NULL OR p_blind !~ '^[0-9a-f]{8,64}$' THEN
		RAISE EXCEPTION 'Invalid blind index' USING ERRCODE = '22023';
	END IF;
	RETURN QUERY
	SELECT a.id, a.kind, a.id_cipher, a.id_mask, a.uscc, a.name, a.phone_cipher, a.phone_mask,
	       a.address_cipher, a.address_mask, a.updated_at
	FROM core.applicant a
	WHERE a.id_blind = p_blind
	UNION
	SELECT a.id, a.kind, a.id_cipher, a.id_mask, a.uscc, a.name, a.phone_cipher, a.phone_mask,
	       a.address_cipher, a.address_mask, a.updated_at
	FROM core.applicant a
	WHERE a.phone_blind = p_blind
	ORDER BY 11 DESC
	LIMIT 50;
END
$$;

-- The enterprise applicant with credit code p_uscc (none or one row).
CREATE FUNCTION api.applicant_by_uscc(p_uscc text)
	RETURNS TABLE (id uuid, kind text, id_cipher text, id_mask text, uscc text, name text,
		       phone_cipher text, phone_mask text, address_cipher text, address_mask text,
		       updated_at timestamptz)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM core.require_role('clerk');
	RETURN QUERY
	SELECT a.id, a.kind, a.id_cipher, a.id_mask, a.uscc, a.name, a.phone_cipher, a.phone_mask,
	       a.address_cipher, a.address_mask, a.updated_at
	FROM core.applicant a
	WHERE a.uscc = upper(btrim(p_uscc));
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.applicant_candidates(text) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.applicant_by_uscc(text) TO cd_clerk;

RESET ROLE;
