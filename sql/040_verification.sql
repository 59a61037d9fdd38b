-- 040_verification: checking a case's materials against the shared-data
-- registers instead of photocopies (数据比对核验, issue 4).
--
-- How a verification runs (DESIGN.md, "Shared data for verification"):
--   1. The client asks api.case_verify_subjects(case_no) which people each
--      verifiable material is about; it gets their SEALED identity numbers
--      (the server never holds the key) and opens them with the key file.
--   2. It sends the clear numbers back in ONE call of api.case_verify,
--      which queries each register needed ONCE for every material
--      (WHERE id_no = ANY ($1) through postgres_fdw: one remote query per
--      register, never one per material), compares, stores one
--      core.verification row per material, marks matched materials as not
--      needing a paper copy (免提交) and writes one audit row per register
--      look-up (who, which case, purpose 'verification', masked numbers
--      only), all in the caller's one transaction.
--
-- The honest limit of a server without the key: it cannot prove that a
-- clear number sent by the client is the one sealed in the case. It checks
-- what it can: every number must have the mask stored with the case for
-- that field (first 6 and last 4 characters), and the names compared are
-- the ones the case holds in clear, not the client's. A client with the key
-- could still send another number of the same mask; that look-up is in the
-- audit log under the clerk's name and the case, like every other one.
--
-- Whose material is it (core.check_subjects): the form files say which
-- check stands in for a material, not whose document it is; the rule is
--   1. idno fields whose stem names the material: field F = STEM_idno and
--      the material code starts with STEM_ (legal_rep_id -> legal_rep_idno,
--      applicant_id -> applicant_idno, operator_id -> operator_idno);
--   2. else, for identity, benefit and licence checks, the people the form
--      identifies through the population registry: idno fields that a
--      population:name field is filled by (prefill_by), e.g. the newborn's
--      father and mother, the deceased of 身后一件事;
--   3. else the applicant (the idno field filled from the applicant's
--      record, or the applicant's own number);
--   for an enterprise check, the legal representative (the idno field
--   filled from enterprise:legal_rep_idno), else rule 1, else the applicant.
--   Identity checks need every subject to match; benefit and licence checks
--   need one subject holding it (a marriage certificate is held by either
--   spouse). The person's name is the form's name field for that number
--   (the population:name field filled by it, or STEM_name, or `name` for
--   the plain `idno`), else the applicant's name.
--
-- Outcomes: matched | mismatched (differing names the fields: "SUBJECT.FIELD",
-- never values) | not_found | unavailable (the shared-data server could not
-- be reached: the call still succeeds, nothing is marked, acceptance never
-- depends on it). A mismatch or not-found may be resolved by the clerk only
-- as 'checked_by_hand' (original document checked) with a reason.
--
-- Codes of the forms (benefit:subsistence, licence:marriage) are mapped to
-- the registers' values (低保, 结婚证) by core.register_code; a code without a
-- row is looked up as written.
--
-- Audit: 'registry_lookup' (object case:<case_no>) per register queried,
-- detail {purpose: 'verification', register, materials, subjects (masks),
-- found, available}; 'case_verify' (object case:<case_no>) with the outcome
-- per material; 'verification_resolve' (object case:<case_no>).

SET ROLE cd_owner;

ALTER TABLE core.case_material ADD COLUMN paper_exempt boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN core.case_material.paper_exempt IS 'Matched against shared data: no paper copy needed (免提交).';

CREATE TABLE core.register_code (
	kind           text NOT NULL CHECK (kind IN ('benefit', 'licence')),
	code           text NOT NULL,
	register_value text NOT NULL,
	PRIMARY KEY (kind, code)
);
COMMENT ON TABLE core.register_code IS 'What a check type of the forms (benefit:CODE, licence:CODE) is called in the register.';
INSERT INTO core.register_code (kind, code, register_value) VALUES
	('benefit', 'subsistence', '低保'),
	('benefit', 'extreme_poverty', '特困'),
	('benefit', 'elderly_allowance', '高龄津贴'),
	('benefit', 'disability_allowance', '残疾人两项补贴'),
	('benefit', 'temporary_assistance', '临时救助'),
	('licence', 'marriage', '结婚证'),
	('licence', 'business', '营业执照'),
	('licence', 'disability', '残疾人证'),
	('licence', 'birth_medical', '出生医学证明'),
	('licence', 'death_medical', '死亡医学证明'),
	('licence', 'cremation', '火化证明');

CREATE TABLE core.verification (
	id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	op_id             uuid NOT NULL,
	case_id           uuid NOT NULL,
	material          text NOT NULL,
	clerk             text NOT NULL DEFAULT session_user,
	register          text NOT NULL CHECK (register IN ('population', 'civil_affairs', 'elicence', 'enterprise')),
	at                timestamptz NOT NULL DEFAULT now(),
	subjects          jsonb NOT NULL DEFAULT '[]',
	fields_compared   text[] NOT NULL,
	outcome           text NOT NULL CHECK (outcome IN ('matched', 'mismatched', 'not_found', 'unavailable')),
	differing         text[] NOT NULL DEFAULT '{}',
	row_digest        text CHECK (row_digest ~ '^[0-9a-f]{64}$'),
	detail            text,
	resolution        text CHECK (resolution = 'checked_by_hand'),
	resolution_reason text,
	resolved_by       text,
	resolved_at       timestamptz,
	FOREIGN KEY (case_id, material) REFERENCES core.case_material (case_id, code),
	CHECK ((resolution IS NULL) = (resolved_at IS NULL)
	       AND (resolution IS NULL) = (resolution_reason IS NULL)
	       AND (resolution IS NULL) = (resolved_by IS NULL)),
	CHECK (resolution IS NULL OR outcome IN ('mismatched', 'not_found'))
);
COMMENT ON TABLE core.verification IS 'Each comparison of a material with a shared-data register: who, when, fields compared, outcome, digest of the register rows; subjects hold masks only.';
COMMENT ON COLUMN core.verification.row_digest IS 'sha256 (hex) of the register rows compared, as JSON; NULL when none was found.';
CREATE INDEX verification_case_idx ON core.verification (case_id, material, id DESC);
CREATE INDEX verification_op_idx ON core.verification (op_id);

ALTER TABLE core.verification ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.verification FORCE ROW LEVEL SECURITY;
CREATE POLICY verification_read ON core.verification FOR SELECT
	USING ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
	       IN ('clerk', 'helper', 'supervisor'));
CREATE POLICY verification_insert ON core.verification FOR INSERT
	WITH CHECK ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
		    IN ('clerk', 'helper'));
CREATE POLICY verification_update ON core.verification FOR UPDATE
	USING ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
	       IN ('clerk', 'helper'));

-- ---------------------------------------------------------------------------
-- Names as people write them: full-width forms (U+FF01..U+FF5E, the
-- ideographic space) to half-width, every middle-dot variant (· U+00B7,
-- ・ U+30FB, ･ U+FF65, • U+2022, ‧ U+2027, ASCII '.') to one, surrounding
-- spaces dropped. Nothing else is loosened: no case folding, no inner
-- spaces, no similar-looking characters. The translate() lists are built
-- once here so that the function is a constant expression.
DO $fold$
DECLARE
	v_from text;
	v_to text;
BEGIN
	SELECT string_agg(chr(c), '' ORDER BY c), string_agg(chr(c - 65248), '' ORDER BY c)
	INTO v_from, v_to FROM generate_series(65281, 65374) c;
	-- Full-width '．' becomes '.' above; the dots then become '·'.
	EXECUTE format($f$
CREATE FUNCTION core.name_fold(p text) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS %L$f$,
		format('SELECT btrim(translate(translate($1, %L, %L), %L, %L), %L)',
		       v_from || chr(12288), v_to || ' ',
		       '.' || chr(183) || chr(12539) || chr(65381) || chr(8226) || chr(8231),
		       repeat(chr(183), 6), E' \t\r\n'));
END
$fold$;
COMMENT ON FUNCTION core.name_fold(text) IS 'Folds a name for comparison: full-width to half-width, middle-dot variants to one, surrounding spaces trimmed; nothing else.';

-- The register value of a check type (see core.register_code).
CREATE FUNCTION core.register_value(p_kind text, p_code text) RETURNS text
	LANGUAGE sql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT coalesce((SELECT r.register_value FROM core.register_code r
			 WHERE r.kind = p_kind AND r.code = p_code), p_code)
$$;

-- The people (and enterprise) each verifiable material of a case is about,
-- by the rule at the top of this file. One row per material and subject;
-- a material with nobody to check has one row with subject NULL.
--   subject   the idno field key, or 'applicant'
--   name      the name the case holds for that person (compared for identity)
--   id_mask   the stored mask of the number
--   cipher, row_table, row_column, row_id: the sealed number and its
--             associated data (docs/intake.md), for the client to open
--   uscc, enterprise_name: for enterprise checks
CREATE FUNCTION core.check_subjects(p_case core.case)
	RETURNS TABLE (material text, check_kind text, check_type text, subject text, name text,
		       id_mask text, cipher text, row_table text, row_column text, row_id uuid,
		       uscc text, enterprise_name text)
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_def jsonb;
	v_app core.applicant;
	m record;
	v_people jsonb;  -- [{subject, name, id_mask, cipher, row_table, row_column, row_id, from_app, paired, legal_rep}]
	v_pick jsonb;
	v_uscc text;
BEGIN
	SELECT i.definition INTO v_def FROM core.service_item i
	WHERE i.code = p_case.item_code AND i.version = p_case.item_version;
	SELECT a.* INTO v_app FROM core.applicant a WHERE a.id = p_case.applicant_id;

	-- Every person the case identifies by a sealed number.
	SELECT coalesce(jsonb_agg(jsonb_build_object(
		'subject', f ->> 'key',
		'name', coalesce(
			(SELECT p_case.fields ->> (n ->> 'key') FROM jsonb_array_elements(v_def -> 'fields') n
			 WHERE n -> 'prefill' ->> 'source' = 'population' AND n -> 'prefill' ->> 'column' = 'name'
			   AND n -> 'prefill' ->> 'by' = f ->> 'key' LIMIT 1),
			CASE WHEN f ->> 'key' LIKE '%idno' THEN p_case.fields ->> (left(f ->> 'key', -4) || 'name') END,
			CASE WHEN f -> 'prefill' ->> 'source' = 'applicant' THEN p_case.applicant_name END),
		'id_mask', p_case.personal -> (f ->> 'key') ->> 'mask',
		'cipher', p_case.personal -> (f ->> 'key') ->> 'cipher',
		'row_table', 'case', 'row_column', 'field:' || (f ->> 'key'), 'row_id', p_case.id,
		'from_app', f -> 'prefill' ->> 'source' = 'applicant' AND f -> 'prefill' ->> 'column' = 'idno',
		'legal_rep', f -> 'prefill' ->> 'source' = 'enterprise' AND f -> 'prefill' ->> 'column' = 'legal_rep_idno',
		'stem', CASE WHEN f ->> 'key' LIKE '%idno' THEN left(f ->> 'key', -4) ELSE f ->> 'key' || '_' END,
		'paired', EXISTS (SELECT 1 FROM jsonb_array_elements(v_def -> 'fields') n
				  WHERE n -> 'prefill' ->> 'source' = 'population'
				    AND n -> 'prefill' ->> 'column' = 'name'
				    AND n -> 'prefill' ->> 'by' = f ->> 'key'))
		ORDER BY o), '[]')
	INTO v_people
	FROM jsonb_array_elements(v_def -> 'fields') WITH ORDINALITY AS x(f, o)
	WHERE f ->> 'type' = 'idno' AND p_case.personal ? (f ->> 'key');

	v_uscc := CASE WHEN v_app.kind = 'enterprise' THEN v_app.uscc END;
	IF v_uscc IS NULL THEN
		SELECT p_case.fields ->> (f ->> 'key') INTO v_uscc
		FROM jsonb_array_elements(v_def -> 'fields') WITH ORDINALITY AS x(f, o)
		WHERE f ->> 'type' = 'uscc' AND p_case.fields ? (f ->> 'key') ORDER BY o LIMIT 1;
	END IF;

	FOR m IN
		SELECT cm.code, d -> 'check' ->> 'kind' AS kind, d -> 'check' ->> 'type' AS type
		FROM core.case_material cm
		JOIN jsonb_array_elements(v_def -> 'materials') d ON d ->> 'code' = cm.code
		WHERE cm.case_id = p_case.id AND jsonb_typeof(d -> 'check') = 'object'
		ORDER BY cm.position
	LOOP
		v_pick := NULL;
		IF m.kind = 'enterprise' THEN
			SELECT jsonb_agg(p) INTO v_pick FROM jsonb_array_elements(v_people) p
			WHERE (p ->> 'legal_rep')::boolean;
		END IF;
		IF v_pick IS NULL THEN
			SELECT jsonb_agg(p) INTO v_pick FROM jsonb_array_elements(v_people) p
			WHERE p ->> 'stem' <> '' AND m.code LIKE replace(p ->> 'stem', '_', '\_') || '%';
		END IF;
		IF v_pick IS NULL AND m.kind <> 'enterprise' THEN
			SELECT jsonb_agg(p) INTO v_pick FROM jsonb_array_elements(v_people) p
			WHERE (p ->> 'paired')::boolean;
		END IF;
		IF v_pick IS NULL THEN
			SELECT jsonb_agg(p) INTO v_pick FROM jsonb_array_elements(v_people) p
			WHERE (p ->> 'from_app')::boolean;
		END IF;
		IF v_pick IS NULL AND v_app.kind = 'person' THEN
			v_pick := jsonb_build_array(jsonb_build_object(
				'subject', 'applicant', 'name', p_case.applicant_name, 'id_mask', v_app.id_mask,
				'cipher', v_app.id_cipher, 'row_table', 'applicant', 'row_column', 'id_no',
				'row_id', v_app.id));
		END IF;
		IF v_pick IS NULL THEN
			RETURN QUERY SELECT m.code, m.kind, m.type, NULL::text, NULL::text, NULL::text, NULL::text,
					    NULL::text, NULL::text, NULL::uuid, v_uscc,
					    CASE WHEN v_app.kind = 'enterprise' THEN p_case.applicant_name END;
			CONTINUE;
		END IF;
		RETURN QUERY
		SELECT m.code, m.kind, m.type, p ->> 'subject', p ->> 'name', p ->> 'id_mask', p ->> 'cipher',
		       p ->> 'row_table', p ->> 'row_column', (p ->> 'row_id')::uuid,
		       CASE WHEN m.kind = 'enterprise' THEN v_uscc END,
		       CASE WHEN m.kind = 'enterprise' AND v_app.kind = 'enterprise' THEN p_case.applicant_name END
		FROM jsonb_array_elements(v_pick) WITH ORDINALITY AS x(p, o) ORDER BY o;
	END LOOP;
END
$$;

-- The case a clerk or supervisor may read, locked when p_lock (else NULL).
CREATE FUNCTION core.case_by_no(p_case_no text, p_lock boolean) RETURNS core.case
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	c core.case;
BEGIN
	IF p_lock THEN
		SELECT k.* INTO c FROM core.case k WHERE k.case_no = btrim(p_case_no) FOR UPDATE;
	ELSE
		SELECT k.* INTO c FROM core.case k WHERE k.case_no = btrim(p_case_no);
	END IF;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such case' USING ERRCODE = 'P0002', DETAIL = coalesce(p_case_no, '');
	END IF;
	RETURN c;
END
$$;

-- ---------------------------------------------------------------------------
-- api.case_verify_subjects: what the client must open before verifying.
-- Sealed values only (clerks already receive sealed numbers from
-- api.applicant_candidates); no register is read, so no audit row.
CREATE FUNCTION api.case_verify_subjects(p_case_no text)
	RETURNS TABLE (material text, check_kind text, check_type text, subject text, id_mask text,
		       cipher text, row_table text, row_column text, row_id uuid)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	c core.case;
BEGIN
	PERFORM core.require_role('clerk');
	SELECT k.* INTO c FROM core.case k WHERE k.case_no = btrim(p_case_no);
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such case' USING ERRCODE = 'P0002', DETAIL = coalesce(p_case_no, '');
	END IF;
	RETURN QUERY
	SELECT s.material, s.check_kind, s.check_type, s.subject, s.id_mask, s.cipher,
	       s.row_table, s.row_column, s.row_id
	FROM core.check_subjects(c) s;
END
$$;

-- One register read for the whole verification: p_sql is one of the fixed
-- statements of api.case_verify (never text from a client), $1 the array
-- of keys. Returns the rows as a JSON array, or NULL when the shared-data
-- server cannot be reached (or the registers were never imported).
CREATE FUNCTION core.register_read(p_sql text, p_keys text[], p_types text[]) RETURNS jsonb
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	r jsonb;
BEGIN
	EXECUTE p_sql INTO r USING p_keys, p_types;
	RETURN coalesce(r, '[]');
EXCEPTION
	WHEN connection_exception OR undefined_table OR fdw_error OR fdw_unable_to_establish_connection
	     OR invalid_authorization_specification OR invalid_schema_name THEN
		RETURN NULL;
END
$$;

-- ---------------------------------------------------------------------------
-- api.case_verify: see the top of this file. p_subjects:
--   {"<material>": [{"subject": "<idno field key> | applicant", "id_no": "<clear>",
--                    "name": "<optional, must be the case's>"}, ...]}
-- (a single object instead of the array is accepted). A retried p_op
-- returns what that operation stored.
CREATE FUNCTION api.case_verify(p_op uuid, p_case_no text, p_subjects jsonb)
	RETURNS TABLE (material text, register text, outcome text, differing jsonb,
		       paper_needed boolean, detail text)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	c core.case;
	v_in jsonb := coalesce(p_subjects, '{}');
	v_subs jsonb := '[]';   -- [{material, kind, type, subject, id_no, id_mask, name, uscc, ename}]
	s record;
	v_given jsonb;
	v_one jsonb;
	v_id text;
	v_today date := core.today();
	v_pop jsonb;
	v_ca jsonb;
	v_el jsonb;
	v_en jsonb;
	v_keys text[];
	v_types text[];
	reg text;
	v_rows jsonb;
	v_res jsonb := '[]';    -- per material: {material, register, outcome, differing, detail, fields, digest, subjects}
	mat record;
BEGIN
	PERFORM core.require_role('clerk');
	IF NOT core.op_begin(p_op, 'api.case_verify') THEN
		RETURN QUERY
		SELECT v.material, v.register, v.outcome, to_jsonb(v.differing), v.outcome <> 'matched', v.detail
		FROM core.verification v WHERE v.op_id = p_op ORDER BY v.id;
		RETURN;
	END IF;
	c := core.case_by_no(p_case_no, true);
	IF jsonb_typeof(v_in) <> 'object' THEN
		PERFORM core.malformed('p_subjects');
	END IF;

	-- The subjects as the case defines them, with the clear numbers sent.
	FOR s IN SELECT * FROM core.check_subjects(c) LOOP
		v_id := NULL;
		IF s.subject IS NOT NULL THEN
			v_given := v_in -> s.material;
			IF jsonb_typeof(v_given) = 'object' THEN
				v_given := jsonb_build_array(v_given);
			END IF;
			SELECT e INTO v_one FROM jsonb_array_elements(CASE WHEN jsonb_typeof(v_given) = 'array'
									    THEN v_given ELSE '[]' END) e
			WHERE coalesce(e ->> 'subject', e ->> 'field') = s.subject
			   OR (e ->> 'subject' IS NULL AND e ->> 'field' IS NULL AND jsonb_array_length(v_given) = 1)
			LIMIT 1;
			v_id := upper(btrim(v_one ->> 'id_no'));
			IF v_id IS NULL OR v_id = '' THEN
				RAISE EXCEPTION 'An identity number for the check is missing'
					USING ERRCODE = '22023', DETAIL = s.material || ':' || s.subject;
			END IF;
			-- The guard a server without the key can give (see the top).
			IF v_id !~ '^[0-9]{17}[0-9X]$' OR core.mask_idno(v_id) IS DISTINCT FROM s.id_mask THEN
				RAISE EXCEPTION 'An identity number does not belong to the case'
					USING ERRCODE = '22023', DETAIL = s.material || ':' || s.subject;
			END IF;
			IF v_one ? 'name' AND btrim(v_one ->> 'name') IS DISTINCT FROM btrim(s.name) THEN
				RAISE EXCEPTION 'A name does not belong to the case'
					USING ERRCODE = '22023', DETAIL = s.material || ':' || s.subject;
			END IF;
		END IF;
		v_subs := v_subs || jsonb_build_array(jsonb_build_object(
			'material', s.material, 'kind', s.check_kind,
			'type', core.register_value(s.check_kind, s.check_type),
			'subject', s.subject, 'id_no', v_id, 'id_mask', s.id_mask, 'name', s.name,
			'uscc', s.uscc, 'ename', s.enterprise_name));
	END LOOP;

	-- Each register once, for every material that needs it.
	SELECT array_agg(DISTINCT e ->> 'id_no') INTO v_keys FROM jsonb_array_elements(v_subs) e
	WHERE e ->> 'kind' = 'identity' AND e ->> 'id_no' IS NOT NULL;
	IF v_keys IS NOT NULL THEN
		v_pop := core.register_read(
			'SELECT jsonb_agg(to_jsonb(p) ORDER BY p.id_no) FROM shared.population p WHERE p.id_no = ANY ($1)',
			v_keys, NULL);
	END IF;
	SELECT array_agg(DISTINCT e ->> 'id_no'), array_agg(DISTINCT e ->> 'type') INTO v_keys, v_types
	FROM jsonb_array_elements(v_subs) e WHERE e ->> 'kind' = 'benefit' AND e ->> 'id_no' IS NOT NULL;
	IF v_keys IS NOT NULL THEN
		v_ca := core.register_read(
			'SELECT jsonb_agg(to_jsonb(b) ORDER BY b.id_no, b.benefit, b.since) FROM shared.civil_affairs b'
			' WHERE b.id_no = ANY ($1) AND b.benefit = ANY ($2)', v_keys, v_types);
	END IF;
	SELECT array_agg(DISTINCT e ->> 'id_no'), array_agg(DISTINCT e ->> 'type') INTO v_keys, v_types
	FROM jsonb_array_elements(v_subs) e WHERE e ->> 'kind' = 'licence' AND e ->> 'id_no' IS NOT NULL;
	IF v_keys IS NOT NULL THEN
		v_el := core.register_read(
			'SELECT jsonb_agg(to_jsonb(l) ORDER BY l.holder_id, l.licence_type, l.issued_on, l.licence_no)'
			' FROM shared.elicence l WHERE l.holder_id = ANY ($1) AND l.licence_type = ANY ($2)',
			v_keys, v_types);
	END IF;
	SELECT array_agg(DISTINCT e ->> 'uscc') INTO v_keys FROM jsonb_array_elements(v_subs) e
	WHERE e ->> 'kind' = 'enterprise' AND e ->> 'uscc' IS NOT NULL;
	IF v_keys IS NOT NULL THEN
		v_en := core.register_read(
			'SELECT jsonb_agg(to_jsonb(x) ORDER BY x.uscc) FROM shared.enterprise x WHERE x.uscc = ANY ($1)',
			v_keys, NULL);
	END IF;

	-- Compare, per material.
	FOR mat IN
		SELECT e ->> 'material' AS code, min(e ->> 'kind') AS kind,
		       jsonb_agg(e ORDER BY o) AS subs
		FROM jsonb_array_elements(v_subs) WITH ORDINALITY AS x(e, o)
		GROUP BY e ->> 'material' ORDER BY min(o)
	LOOP
		reg := CASE mat.kind WHEN 'identity' THEN 'population' WHEN 'benefit' THEN 'civil_affairs'
				     WHEN 'licence' THEN 'elicence' ELSE 'enterprise' END;
		v_rows := CASE reg WHEN 'population' THEN v_pop WHEN 'civil_affairs' THEN v_ca
				   WHEN 'elicence' THEN v_el ELSE v_en END;
		v_res := v_res || jsonb_build_array(core.verify_compare(mat.code, mat.kind, reg, mat.subs,
									v_rows, v_today));
	END LOOP;

	-- Record: one row per material, the paper mark, the audit rows.
	INSERT INTO core.verification (op_id, case_id, material, register, subjects, fields_compared,
				       outcome, differing, row_digest, detail)
	SELECT p_op, c.id, r ->> 'material', r ->> 'register', r -> 'subjects',
	       ARRAY(SELECT jsonb_array_elements_text(r -> 'fields')), r ->> 'outcome',
	       ARRAY(SELECT jsonb_array_elements_text(r -> 'differing')), r ->> 'digest', r ->> 'detail'
	FROM jsonb_array_elements(v_res) WITH ORDINALITY AS x(r, o) ORDER BY o;
	UPDATE core.case_material cm SET paper_exempt = (r ->> 'outcome' = 'matched')
	FROM jsonb_array_elements(v_res) r
	WHERE cm.case_id = c.id AND cm.code = r ->> 'material' AND r ->> 'outcome' <> 'unavailable';

	FOR reg, v_rows IN
		SELECT r ->> 'register', jsonb_agg(r) FROM jsonb_array_elements(v_res) r
		WHERE r ->> 'subjects' <> '[]' GROUP BY r ->> 'register' ORDER BY r ->> 'register'
	LOOP
		PERFORM core.audit_write('registry_lookup', 'case:' || c.case_no, jsonb_build_object(
			'purpose', 'verification', 'register', reg,
			'materials', (SELECT jsonb_agg(r ->> 'material') FROM jsonb_array_elements(v_rows) r),
			'subjects', (SELECT jsonb_agg(DISTINCT s2 ->> 'id_mask') FROM jsonb_array_elements(v_rows) r,
				     jsonb_array_elements(r -> 'subjects') s2),
			'found', (SELECT count(*) FROM jsonb_array_elements(v_rows) r
				  WHERE r ->> 'outcome' IN ('matched', 'mismatched')),
			'available', NOT EXISTS (SELECT 1 FROM jsonb_array_elements(v_rows) r
						 WHERE r ->> 'outcome' = 'unavailable')));
	END LOOP;
	PERFORM core.audit_write('case_verify', 'case:' || c.case_no, jsonb_build_object(
		'outcomes', coalesce((SELECT jsonb_object_agg(r ->> 'material', r ->> 'outcome')
				      FROM jsonb_array_elements(v_res) r), '{}')));

	RETURN QUERY
	SELECT r ->> 'material', r ->> 'register', r ->> 'outcome', r -> 'differing',
	       r ->> 'outcome' <> 'matched', r ->> 'detail'
	FROM jsonb_array_elements(v_res) WITH ORDINALITY AS x(r, o) ORDER BY o;
END
$$;

-- One material compared with the register rows read (NULL: unavailable).
-- Returns {material, register, outcome, differing, detail, fields, digest,
-- subjects (masks only)}.
CREATE FUNCTION core.verify_compare(p_material text, p_kind text, p_register text, p_subs jsonb,
				    p_rows jsonb, p_today date) RETURNS jsonb
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	s jsonb;
	r jsonb;
	v_used jsonb := '[]';
	v_diff text[] := '{}';
	v_outcome text;
	v_detail text;
	v_fields text[];
	v_any_found boolean := false;
	v_any_missing boolean := false;
	v_any_match boolean := false;
	v_best jsonb;
	v_subjects jsonb;
BEGIN
	v_fields := CASE p_kind WHEN 'identity' THEN '{id_no,name,status}'
				WHEN 'benefit' THEN '{id_no,benefit,status}'
				WHEN 'licence' THEN '{holder_id,licence_type,issued_on,valid_until,status}'
				ELSE '{uscc,name,legal_rep_id,status}' END;
	SELECT coalesce(jsonb_agg(jsonb_build_object('subject', e ->> 'subject', 'id_mask', e ->> 'id_mask')
				  ORDER BY o) FILTER (WHERE e ->> 'subject' IS NOT NULL), '[]')
	INTO v_subjects FROM jsonb_array_elements(p_subs) WITH ORDINALITY AS x(e, o);

	IF v_subjects = '[]' OR (p_kind = 'enterprise' AND p_subs -> 0 ->> 'uscc' IS NULL) THEN
		v_outcome := 'not_found';
		v_detail := 'Nobody on the case to check';
	ELSIF p_rows IS NULL THEN
		v_outcome := 'unavailable';
		v_detail := 'The shared-data register could not be reached';
	ELSIF p_kind = 'identity' THEN
		-- Every subject: found, same name, alive.
		FOR s IN SELECT e FROM jsonb_array_elements(p_subs) e LOOP
			SELECT x INTO r FROM jsonb_array_elements(p_rows) x WHERE x ->> 'id_no' = s ->> 'id_no';
			IF r IS NULL THEN
				v_any_missing := true;
				CONTINUE;
			END IF;
			v_used := v_used || jsonb_build_array(r);
			IF core.name_fold(r ->> 'name') IS DISTINCT FROM core.name_fold(s ->> 'name') THEN
				v_diff := v_diff || (s ->> 'subject' || '.name');
			END IF;
			IF r ->> 'status' IS DISTINCT FROM 'alive' THEN
				v_diff := v_diff || (s ->> 'subject' || '.status');
			END IF;
		END LOOP;
		v_outcome := CASE WHEN cardinality(v_diff) > 0 THEN 'mismatched'
				  WHEN v_any_missing THEN 'not_found' ELSE 'matched' END;
	ELSIF p_kind IN ('benefit', 'licence') THEN
		-- One subject holding it is enough.
		FOR s IN SELECT e FROM jsonb_array_elements(p_subs) e LOOP
			FOR r IN SELECT x FROM jsonb_array_elements(p_rows) x
				 WHERE CASE p_kind WHEN 'benefit'
					 THEN x ->> 'id_no' = s ->> 'id_no' AND x ->> 'benefit' = s ->> 'type'
					 ELSE x ->> 'holder_id' = s ->> 'id_no' AND x ->> 'licence_type' = s ->> 'type' END
			LOOP
				v_any_found := true;
				IF (p_kind = 'benefit' AND r ->> 'status' = 'active')
				   OR (p_kind = 'licence' AND r ->> 'status' = 'valid' AND (r ->> 'issued_on')::date <= p_today
				       AND (r ->> 'valid_until' IS NULL OR p_today <= (r ->> 'valid_until')::date)) THEN
					v_any_match := true;
					v_used := jsonb_build_array(r);
					EXIT;
				END IF;
				v_used := v_used || jsonb_build_array(r);
				v_best := r;
			END LOOP;
			EXIT WHEN v_any_match;
		END LOOP;
		IF v_any_match THEN
			v_outcome := 'matched';
		ELSIF v_any_found THEN
			v_outcome := 'mismatched';
			IF v_best ->> 'status' NOT IN ('active', 'valid') THEN
				v_diff := v_diff || 'status'::text;
			END IF;
			IF p_kind = 'licence' AND (v_best ->> 'issued_on')::date > p_today THEN
				v_diff := v_diff || 'issued_on'::text;
			END IF;
			IF p_kind = 'licence' AND (v_best ->> 'valid_until')::date < p_today THEN
				v_diff := v_diff || 'valid_until'::text;
			END IF;
		ELSE
			v_outcome := 'not_found';
		END IF;
	ELSE
		-- Enterprise: registered, active, the legal representative is the person, same name.
		s := p_subs -> 0;
		SELECT x INTO r FROM jsonb_array_elements(p_rows) x WHERE x ->> 'uscc' = s ->> 'uscc';
		IF r IS NULL THEN
			v_outcome := 'not_found';
		ELSE
			v_used := jsonb_build_array(r);
			IF s ->> 'ename' IS NOT NULL
			   AND core.name_fold(r ->> 'name') IS DISTINCT FROM core.name_fold(s ->> 'ename') THEN
				v_diff := v_diff || 'name'::text;
			END IF;
			IF r ->> 'legal_rep_id' IS DISTINCT FROM s ->> 'id_no' THEN
				v_diff := v_diff || 'legal_rep_id'::text;
			END IF;
			IF r ->> 'status' IS DISTINCT FROM 'active' THEN
				v_diff := v_diff || 'status'::text;
			END IF;
			v_outcome := CASE WHEN cardinality(v_diff) > 0 THEN 'mismatched' ELSE 'matched' END;
		END IF;
	END IF;
	IF v_outcome = 'not_found' AND v_detail IS NULL THEN
		v_detail := 'No record in the register';
	END IF;
	RETURN jsonb_build_object(
		'material', p_material, 'register', p_register, 'outcome', v_outcome,
		'differing', to_jsonb(v_diff), 'detail', v_detail, 'fields', to_jsonb(v_fields),
		'digest', CASE WHEN v_used <> '[]' THEN encode(sha256(convert_to(v_used::text, 'UTF8')), 'hex') END,
		'subjects', v_subjects);
END
$$;

-- ---------------------------------------------------------------------------
-- api.verification_resolve: the original document was checked by hand.
-- Only the latest verification of the material, only a mismatch or a
-- not-found, with a reason (1-500 characters). A retried p_op changes
-- nothing and returns the row.
CREATE FUNCTION api.verification_resolve(p_op uuid, p_case_no text, p_material text, p_reason text)
	RETURNS TABLE (material text, outcome text, resolution text, resolved_at timestamptz)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	c core.case;
	v core.verification;
	v_reason text := btrim(p_reason);
BEGIN
	PERFORM core.require_role('clerk');
	IF NOT core.op_begin(p_op, 'api.verification_resolve') THEN
		RETURN QUERY
		SELECT v2.material, v2.outcome, v2.resolution, v2.resolved_at
		FROM core.verification v2 JOIN core.case k ON k.id = v2.case_id
		WHERE k.case_no = btrim(p_case_no) AND v2.material = p_material AND v2.resolution IS NOT NULL
		ORDER BY v2.id DESC LIMIT 1;
		RETURN;
	END IF;
	c := core.case_by_no(p_case_no, true);
	IF v_reason IS NULL OR v_reason = '' THEN
		RAISE EXCEPTION 'A reason is required' USING ERRCODE = '22023', DETAIL = 'reason';
	END IF;
	IF char_length(v_reason) > 500 THEN
		RAISE EXCEPTION 'Text too long for the field' USING ERRCODE = '22023', DETAIL = 'reason';
	END IF;
	SELECT x.* INTO v FROM core.verification x
	WHERE x.case_id = c.id AND x.material = p_material ORDER BY x.id DESC LIMIT 1 FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'That material has not been verified'
			USING ERRCODE = '22023', DETAIL = coalesce(p_material, '');
	END IF;
	IF v.outcome NOT IN ('mismatched', 'not_found') OR v.resolution IS NOT NULL THEN
		RAISE EXCEPTION 'Only a mismatch or a not-found can be checked by hand'
			USING ERRCODE = '22023', DETAIL = p_material || ': ' || v.outcome
				|| CASE WHEN v.resolution IS NOT NULL THEN ', ' || v.resolution ELSE '' END;
	END IF;
	UPDATE core.verification x SET resolution = 'checked_by_hand', resolution_reason = v_reason,
		resolved_by = session_user, resolved_at = now()
	WHERE x.id = v.id;
	PERFORM core.audit_write('verification_resolve', 'case:' || c.case_no,
		jsonb_build_object('material', p_material, 'outcome', v.outcome,
				   'resolution', 'checked_by_hand', 'reason', v_reason));
	RETURN QUERY SELECT p_material, v.outcome, 'checked_by_hand'::text, now();
END
$$;

-- The latest verification of each material of a case (screens, case show).
CREATE FUNCTION api.case_verifications(p_case_no text)
	RETURNS TABLE (material text, register text, at timestamptz, clerk text, outcome text,
		       differing jsonb, detail text, paper_exempt boolean, resolution text,
		       resolution_reason text, resolved_by text)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	c core.case;
BEGIN
	PERFORM core.require_role('clerk', 'supervisor');
	c := core.case_by_no(p_case_no, false);
	RETURN QUERY
	SELECT DISTINCT ON (cm.position) v.material, v.register, v.at, v.clerk, v.outcome,
	       to_jsonb(v.differing), v.detail, cm.paper_exempt, v.resolution, v.resolution_reason, v.resolved_by
	FROM core.verification v
	JOIN core.case_material cm ON cm.case_id = v.case_id AND cm.code = v.material
	WHERE v.case_id = c.id
	ORDER BY cm.position, v.id DESC;
END
$$;

-- The audit rows about one case (acceptance, look-ups, resolutions), oldest
-- first. Clerks see the cases of their centre (one centre per database:
-- every case row they can read), supervisors all.
CREATE FUNCTION api.case_audit(p_case_no text)
	RETURNS TABLE (id bigint, at timestamptz, actor text, action text, object text, detail jsonb)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	c core.case;
BEGIN
	PERFORM core.require_role('clerk', 'supervisor');
	c := core.case_by_no(p_case_no, false);
	RETURN QUERY
	SELECT a.id, a.at, a.actor, a.action, a.object, a.detail
	FROM core.audit a WHERE a.object = 'case:' || c.case_no
	ORDER BY a.id;
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.case_verify_subjects(text) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.case_verify(uuid, text, jsonb) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.verification_resolve(uuid, text, text, text) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.case_verifications(text) TO cd_clerk, cd_supervisor;
GRANT EXECUTE ON FUNCTION api.case_audit(text) TO cd_clerk, cd_supervisor;

RESET ROLE;
