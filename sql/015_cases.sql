-- 015_cases: accepting integrated applications (一件事一次办) in one round
-- trip: api.case_submit (docs/intake.md), later visits (case_supplement),
-- and reading cases (case_get, case_list).
--
-- Outcomes of a submit:
--   refused                 a key material (关键材料) is missing: a one-time
--                           notice (一次性告知书, core.notice) lists every
--                           missing material at once; no case is made.
--   accepted_on_commitment  only waivable materials missing (容缺受理): the
--                           case is accepted; they are due within
--                           commitment_days working days (core.setting,
--                           default 5), never after the promised date.
--   accepted                nothing missing.
--
-- Numbers (unique in the centre; one centre per database):
--   case    REGION-YYYYMMDD-NNNN     e.g. 330702-20260302-0001
--   notice  REGION-YYYYMMDD-GZNNNN   e.g. 330702-20260302-GZ0001 (告知)
-- NNNN counts per day and kind from 1 (more than 9999 a day simply gets
-- more digits); the day's counter row in core.case_counter is locked by the
-- increment until the submit commits, so numbers never repeat or skip.
--
-- Dates are counted from core.today() (the centre's calendar date, not the
-- session's): promised_date = core.add_working_days(today, promised_days,
-- count_acceptance_day); commitment_due = least(core.add_working_days(today,
-- commitment_days, false), promised_date).
--
-- A retried submit (the same p_op) returns the stored outcome: the case or
-- notice row carries op_id under a unique constraint.
--
-- Visits (跑动次数): acceptance is the first (case_visit n = 1); each
-- api.case_supplement call is one more visit bringing one missing material.
-- When the last missing material of a case accepted on commitment arrives,
-- its status becomes accepted (commitment_met_at is set).
--
-- Rows are read and written only through the api functions; the tables
-- have FORCE ROW LEVEL SECURITY: clerks (and helpers) and supervisors see
-- every case of the centre, only clerks write, reviewers see nothing here
-- (routing to departments comes with the review issue).
--
-- Audit: 'case_accept' (object case:<case_no>), 'notice_issue' (object
-- notice:<notice_no>), 'case_supplement' (object case:<case_no>).

SET ROLE cd_owner;

CREATE TABLE core.case_counter (
	centre_code text NOT NULL,
	day         date NOT NULL,
	kind        text NOT NULL CHECK (kind IN ('case', 'notice')),
	last        int NOT NULL CHECK (last >= 1),
	PRIMARY KEY (centre_code, day, kind)
);
COMMENT ON TABLE core.case_counter IS 'Last case / notice number given per centre and day; the row is locked by each increment.';

CREATE TABLE core.case (
	id                uuid PRIMARY KEY,
	op_id             uuid NOT NULL UNIQUE,
	case_no           text NOT NULL UNIQUE,
	centre_code       text NOT NULL,
	item_code         text NOT NULL,
	item_version      int NOT NULL,
	applicant_id      uuid NOT NULL REFERENCES core.applicant (id),
	applicant_name    text NOT NULL,
	applicant_id_mask text,
	outcome           text NOT NULL CHECK (outcome IN ('accepted', 'accepted_on_commitment')),
	status            text NOT NULL CHECK (status IN ('accepted', 'accepted_on_commitment')),
	fields            jsonb NOT NULL DEFAULT '{}',
	personal          jsonb NOT NULL DEFAULT '{}',
	proxy             jsonb,
	window_no         int CHECK (window_no BETWEEN 1 AND 999),
	accepted_on       date NOT NULL,
	accepted_at       timestamptz NOT NULL DEFAULT now(),
	accepted_by       text NOT NULL DEFAULT session_user,
	promised_date     date NOT NULL CHECK (promised_date >= accepted_on),
	commitment_due    date CHECK (commitment_due <= promised_date),
	commitment_met_at timestamptz,
	visits            int NOT NULL DEFAULT 1 CHECK (visits >= 1),
	FOREIGN KEY (item_code, item_version) REFERENCES core.service_item (code, version),
	CHECK (outcome <> 'accepted_on_commitment' OR commitment_due IS NOT NULL)
);
COMMENT ON TABLE core.case IS 'Accepted cases. fields: clear values; personal: sealed values {key: {cipher, mask, blind}}; proxy: {name, relation, id_no: sealed, phone: sealed, authorisation}.';
COMMENT ON COLUMN core.case.outcome IS 'How the case was accepted; status is where it is now.';
CREATE INDEX case_accepted_at_idx ON core.case (accepted_at DESC);
CREATE INDEX case_status_idx ON core.case (status, accepted_at DESC);
CREATE INDEX case_applicant_idx ON core.case (applicant_id);

CREATE TABLE core.case_material (
	case_id     uuid NOT NULL REFERENCES core.case (id),
	code        text NOT NULL,
	position    int NOT NULL,
	name_zh     text NOT NULL,
	name_en     text,
	is_key      boolean NOT NULL,
	note_zh     text,
	note_en     text,
	status      text NOT NULL CHECK (status IN ('provided', 'missing', 'supplied')),
	supplied_at timestamptz,
	supplied_by text,
	PRIMARY KEY (case_id, code),
	CHECK ((status = 'supplied') = (supplied_at IS NOT NULL))
);
COMMENT ON TABLE core.case_material IS 'Materials of a case as at acceptance (provided / missing) and later visits (supplied).';

CREATE TABLE core.case_visit (
	case_id   uuid NOT NULL REFERENCES core.case (id),
	n         int NOT NULL CHECK (n >= 1),
	kind      text NOT NULL CHECK (kind IN ('acceptance', 'supplement')),
	material  text,
	window_no int,
	at        timestamptz NOT NULL DEFAULT now(),
	by_login  text NOT NULL DEFAULT session_user,
	op_id     uuid NOT NULL UNIQUE,
	PRIMARY KEY (case_id, n)
);
COMMENT ON TABLE core.case_visit IS 'Each visit of the applicant for a case (跑动次数): acceptance, then supplements.';

CREATE TABLE core.notice (
	id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	op_id             uuid NOT NULL UNIQUE,
	notice_no         text NOT NULL UNIQUE,
	centre_code       text NOT NULL,
	form_id           uuid NOT NULL,
	item_code         text NOT NULL,
	item_version      int NOT NULL,
	applicant_id      uuid NOT NULL REFERENCES core.applicant (id),
	applicant_name    text NOT NULL,
	applicant_id_mask text,
	missing           jsonb NOT NULL CHECK (jsonb_typeof(missing) = 'array' AND jsonb_array_length(missing) > 0),
	window_no         int,
	issued_on         date NOT NULL,
	issued_at         timestamptz NOT NULL DEFAULT now(),
	issued_by         text NOT NULL DEFAULT session_user,
	FOREIGN KEY (item_code, item_version) REFERENCES core.service_item (code, version)
);
COMMENT ON TABLE core.notice IS 'One-time notices (一次性告知书): a refused submit, with the complete list of missing materials.';
COMMENT ON COLUMN core.notice.form_id IS 'The p_case_id of the refused submit (the form and its draft).';
CREATE INDEX notice_form_idx ON core.notice (form_id);

-- Row-level security (see 002_core.sql for why the look-up is a sub-select).
ALTER TABLE core.case ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.case FORCE ROW LEVEL SECURITY;
ALTER TABLE core.case_material ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.case_material FORCE ROW LEVEL SECURITY;
ALTER TABLE core.case_visit ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.case_visit FORCE ROW LEVEL SECURITY;
ALTER TABLE core.notice ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.notice FORCE ROW LEVEL SECURITY;

CREATE POLICY case_read ON core.case FOR SELECT
	USING ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
	       IN ('clerk', 'helper', 'supervisor'));
CREATE POLICY case_insert ON core.case FOR INSERT
	WITH CHECK ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
		    IN ('clerk', 'helper'));
CREATE POLICY case_update ON core.case FOR UPDATE
	USING ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
	       IN ('clerk', 'helper'));

CREATE POLICY case_material_read ON core.case_material FOR SELECT
	USING ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
	       IN ('clerk', 'helper', 'supervisor'));
CREATE POLICY case_material_insert ON core.case_material FOR INSERT
	WITH CHECK ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
		    IN ('clerk', 'helper'));
CREATE POLICY case_material_update ON core.case_material FOR UPDATE
	USING ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
	       IN ('clerk', 'helper'));

CREATE POLICY case_visit_read ON core.case_visit FOR SELECT
	USING ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
	       IN ('clerk', 'helper', 'supervisor'));
CREATE POLICY case_visit_insert ON core.case_visit FOR INSERT
	WITH CHECK ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
		    IN ('clerk', 'helper'));

CREATE POLICY notice_read ON core.notice FOR SELECT
	USING ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
	       IN ('clerk', 'helper', 'supervisor'));
CREATE POLICY notice_insert ON core.notice FOR INSERT
	WITH CHECK ((SELECT s.role FROM core.staff s WHERE s.login = session_user AND s.active)
		    IN ('clerk', 'helper'));

-- ---------------------------------------------------------------------------
-- Helpers

-- A malformed argument (not the JSON shape the contract gives).
CREATE FUNCTION core.malformed(p_what text) RETURNS void
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	RAISE EXCEPTION 'Malformed request' USING ERRCODE = '22023', DETAIL = p_what;
END
$$;

-- YYYY-MM-DD and a real date.
CREATE FUNCTION core.is_date(p text) RETURNS boolean
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	IF p IS NULL OR p !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
		RETURN false;
	END IF;
	RETURN to_char(p::date, 'YYYY-MM-DD') = p;
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
	RETURN false;
END
$$;

-- GB 32100-2015 unified social credit code with its MOD 31 check.
CREATE FUNCTION core.is_uscc(p text) RETURNS boolean
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	alphabet constant text := '0123456789ABCDEFGHJKLMNPQRTUWXY';
	w constant int[] := '{1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28}';
	s int := 0;
BEGIN
	IF p IS NULL OR p !~ '^[0-9A-HJ-NPQRTUWXY]{18}$' THEN
		RETURN false;
	END IF;
	FOR i IN 1..17 LOOP
		s := s + (strpos(alphabet, substr(p, i, 1)) - 1) * w[i];
	END LOOP;
	RETURN substr(alphabet, (31 - s % 31) % 31 + 1, 1) = substr(p, 18, 1);
END
$$;

-- Whether a field or material with condition p_when ({"field", "values"}
-- or null) applies, given the clear field values.
CREATE FUNCTION core.applies(p_when jsonb, p_fields jsonb) RETURNS boolean
	LANGUAGE sql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT CASE
		WHEN p_when IS NULL OR jsonb_typeof(p_when) <> 'object' THEN true
		ELSE coalesce((p_when -> 'values') ? (p_fields ->> (p_when ->> 'field')), false)
	END
$$;

-- Checks the fields of a submit against the item definition (docs/intake.md,
-- step 3) and returns the values to store: clear values (trimmed strings;
-- a credit code upper-cased) and sealed personal values. Fields whose
-- condition ("when") does not hold are dropped; an empty string counts as
-- absent. Problems are reported for the first field in form order.
CREATE FUNCTION core.case_fields(p_def jsonb, p_fields jsonb, p_personal jsonb,
				 OUT fields jsonb, OUT personal jsonb)
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_in jsonb := coalesce(core.json_present(p_fields), '{}');
	v_sealed jsonb := coalesce(core.json_present(p_personal), '{}');
	v_clear jsonb := '{}';
	f jsonb;
	k text;
	v_type text;
	v_personal_type boolean;
	cv jsonb;
	pv jsonb;
	v text;
BEGIN
	fields := '{}';
	personal := '{}';
	IF jsonb_typeof(v_in) <> 'object' THEN
		PERFORM core.malformed('p_fields');
	END IF;
	IF jsonb_typeof(v_sealed) <> 'object' THEN
		PERFORM core.malformed('p_personal');
	END IF;
	SELECT x INTO k FROM (SELECT jsonb_object_keys(v_in) AS x UNION ALL SELECT jsonb_object_keys(v_sealed)) u
	WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_def -> 'fields') d WHERE d ->> 'key' = u.x)
	ORDER BY x LIMIT 1;
	IF k IS NOT NULL THEN
		RAISE EXCEPTION 'Unknown field' USING ERRCODE = '22023', DETAIL = k;
	END IF;

	-- Clear values as text, for the checks and the conditions.
	FOR f IN SELECT d FROM jsonb_array_elements(p_def -> 'fields') d LOOP
		k := f ->> 'key';
		cv := core.json_present(v_in -> k);
		IF cv IS NULL THEN
			CONTINUE;
		END IF;
		IF f ->> 'type' IN ('idno', 'phone', 'address') THEN
			RAISE EXCEPTION 'A personal value must be sent sealed' USING ERRCODE = '22023', DETAIL = k;
		END IF;
		IF jsonb_typeof(cv) = 'string' THEN
			v := btrim(cv #>> '{}');
		ELSIF jsonb_typeof(cv) = 'number' AND f ->> 'type' IN ('integer', 'money') THEN
			v := cv::text;
		ELSE
			RAISE EXCEPTION 'Value does not fit the field type' USING ERRCODE = '22023', DETAIL = k;
		END IF;
		IF v <> '' THEN
			v_clear := v_clear || jsonb_build_object(k, v);
		END IF;
	END LOOP;

	FOR f IN SELECT d FROM jsonb_array_elements(p_def -> 'fields') d LOOP
		k := f ->> 'key';
		v_type := f ->> 'type';
		v_personal_type := v_type IN ('idno', 'phone', 'address');
		pv := core.json_present(v_sealed -> k);
		IF pv IS NOT NULL AND NOT v_personal_type THEN
			RAISE EXCEPTION 'Only personal fields are sent sealed' USING ERRCODE = '22023', DETAIL = k;
		END IF;
		IF NOT core.applies(core.json_present(f -> 'when'), v_clear) THEN
			CONTINUE;
		END IF;
		v := v_clear ->> k;
		IF v IS NULL AND pv IS NULL THEN
			IF (f ->> 'required')::boolean THEN
				RAISE EXCEPTION 'A required field is missing' USING ERRCODE = '22023', DETAIL = k;
			END IF;
			CONTINUE;
		END IF;
		IF v_personal_type THEN
			PERFORM core.check_sealed(pv, k, v_type IN ('idno', 'phone'));
			personal := personal || jsonb_build_object(k, pv);
			CONTINUE;
		END IF;
		CASE v_type
		WHEN 'enum' THEN
			IF NOT (f -> 'choices') ? v THEN
				RAISE EXCEPTION 'Value not among the choices' USING ERRCODE = '22023', DETAIL = k;
			END IF;
		WHEN 'date' THEN
			IF NOT core.is_date(v) THEN
				RAISE EXCEPTION 'Value does not fit the field type' USING ERRCODE = '22023', DETAIL = k;
			END IF;
		WHEN 'integer' THEN
			IF v !~ '^-?[0-9]{1,18}$' THEN
				RAISE EXCEPTION 'Value does not fit the field type' USING ERRCODE = '22023', DETAIL = k;
			END IF;
		WHEN 'money' THEN
			IF v !~ '^[0-9]{1,15}(\.[0-9]{1,2})?$' THEN
				RAISE EXCEPTION 'Value does not fit the field type' USING ERRCODE = '22023', DETAIL = k;
			END IF;
		WHEN 'uscc' THEN
			v := upper(v);
			IF NOT core.is_uscc(v) THEN
				RAISE EXCEPTION 'Value does not fit the field type' USING ERRCODE = '22023', DETAIL = k;
			END IF;
		ELSE
			NULL;
		END CASE;
		IF char_length(v) > coalesce((f ->> 'max_length')::int, 2000) THEN
			RAISE EXCEPTION 'Text too long for the field' USING ERRCODE = '22023', DETAIL = k;
		END IF;
		fields := fields || jsonb_build_object(k, v);
	END LOOP;
END
$$;

-- The materials of a submit, checked (docs/intake.md, step 3): every
-- material that applies is marked "provided" or "missing"; materials whose
-- condition does not hold are left out. Returns them in item order as
-- [{code, name_zh, name_en, key, note_zh, note_en, status}].
CREATE FUNCTION core.case_materials(p_def jsonb, p_fields jsonb, p_materials jsonb) RETURNS jsonb
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_in jsonb := coalesce(core.json_present(p_materials), '{}');
	m jsonb;
	k text;
	s text;
	r jsonb := '[]';
BEGIN
	IF jsonb_typeof(v_in) <> 'object' THEN
		PERFORM core.malformed('p_materials');
	END IF;
	SELECT x INTO k FROM jsonb_object_keys(v_in) x
	WHERE NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_def -> 'materials') d WHERE d ->> 'code' = x)
	ORDER BY x LIMIT 1;
	IF k IS NOT NULL THEN
		RAISE EXCEPTION 'Unknown material' USING ERRCODE = '22023', DETAIL = k;
	END IF;
	FOR m IN SELECT d FROM jsonb_array_elements(p_def -> 'materials') d LOOP
		k := m ->> 'code';
		IF NOT core.applies(core.json_present(m -> 'when'), p_fields) THEN
			CONTINUE;
		END IF;
		s := CASE WHEN jsonb_typeof(v_in -> k) = 'string' THEN v_in ->> k END;
		IF s IS NULL OR s NOT IN ('provided', 'missing') THEN
			RAISE EXCEPTION 'Every material must be marked provided or missing'
				USING ERRCODE = '22023', DETAIL = k;
		END IF;
		r := r || jsonb_build_array(jsonb_build_object(
			'code', k, 'name_zh', m ->> 'name_zh', 'name_en', m ->> 'name_en',
			'key', (m ->> 'key')::boolean, 'note_zh', m ->> 'note_zh', 'note_en', m ->> 'note_en',
			'status', s));
	END LOOP;
	RETURN r;
END
$$;

-- The proxy (代办人) of a submit: null, or {"name", "relation", "id_no":
-- sealed with blind, "phone": sealed (optional), "authorisation": the
-- authorisation material, e.g. 授权委托书 (optional)}. Returns what is stored.
CREATE FUNCTION core.case_proxy(p jsonb) RETURNS jsonb
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_name text;
	v_rel text;
	v_auth text;
BEGIN
	p := core.json_present(p);
	IF p IS NULL THEN
		RETURN NULL;
	END IF;
	IF jsonb_typeof(p) <> 'object' THEN
		PERFORM core.malformed('p_proxy');
	END IF;
	v_name := btrim(p ->> 'name');
	v_rel := btrim(p ->> 'relation');
	v_auth := nullif(btrim(p ->> 'authorisation'), '');
	IF v_name IS NULL OR v_name = '' THEN
		RAISE EXCEPTION 'Proxy details are incomplete' USING ERRCODE = '22023', DETAIL = 'name';
	END IF;
	IF v_rel IS NULL OR v_rel = '' THEN
		RAISE EXCEPTION 'Proxy details are incomplete' USING ERRCODE = '22023', DETAIL = 'relation';
	END IF;
	IF core.json_present(p -> 'id_no') IS NULL THEN
		RAISE EXCEPTION 'Proxy details are incomplete' USING ERRCODE = '22023', DETAIL = 'id_no';
	END IF;
	IF char_length(v_name) > 100 OR char_length(v_rel) > 50 OR char_length(v_auth) > 200 THEN
		RAISE EXCEPTION 'Text too long for the field' USING ERRCODE = '22023',
			DETAIL = CASE WHEN char_length(v_name) > 100 THEN 'proxy.name'
				      WHEN char_length(v_rel) > 50 THEN 'proxy.relation'
				      ELSE 'proxy.authorisation' END;
	END IF;
	PERFORM core.check_sealed(p -> 'id_no', 'proxy.id_no', true);
	IF core.json_present(p -> 'phone') IS NOT NULL THEN
		PERFORM core.check_sealed(p -> 'phone', 'proxy.phone', true);
	END IF;
	RETURN jsonb_strip_nulls(jsonb_build_object('name', v_name, 'relation', v_rel,
		'id_no', p -> 'id_no', 'phone', core.json_present(p -> 'phone'), 'authorisation', v_auth));
END
$$;

-- The next case or notice number of p_day (see the top of this file).
CREATE FUNCTION core.next_number(p_kind text, p_day date) RETURNS text
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_centre text := core.setting_text('centre_code', NULL);
	v_region text := core.setting_text('region', NULL);
	n int;
BEGIN
	IF v_centre IS NULL OR v_region IS NULL THEN
		RAISE EXCEPTION 'The centre is not configured'
			USING ERRCODE = '55000', HINT = 'Run counterdesk db migrate.';
	END IF;
	INSERT INTO core.case_counter AS c (centre_code, day, kind, last)
	VALUES (v_centre, p_day, p_kind, 1)
	ON CONFLICT (centre_code, day, kind) DO UPDATE SET last = c.last + 1
	RETURNING c.last INTO n;
	RETURN v_region || '-' || to_char(p_day, 'YYYYMMDD') || '-'
	       || CASE p_kind WHEN 'notice' THEN 'GZ' ELSE '' END
	       || CASE WHEN n < 10000 THEN lpad(n::text, 4, '0') ELSE n::text END;
END
$$;

-- The missing materials of a case as at acceptance, in the shape of
-- case_submit's "missing".
CREATE FUNCTION core.case_missing(p_case uuid) RETURNS jsonb
	LANGUAGE sql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT coalesce(jsonb_agg(jsonb_build_object('code', m.code, 'name_zh', m.name_zh, 'name_en', m.name_en,
						     'key', m.is_key, 'note_zh', m.note_zh, 'note_en', m.note_en)
				  ORDER BY m.position), '[]')
	FROM core.case_material m
	WHERE m.case_id = p_case AND m.status IN ('missing', 'supplied')
$$;

-- ---------------------------------------------------------------------------
-- api.case_submit: the one round trip of a submit (docs/intake.md).

CREATE FUNCTION api.case_submit(p_op uuid, p_case_id uuid, p_item text, p_item_version int,
				p_applicant jsonb, p_fields jsonb, p_personal jsonb, p_materials jsonb,
				p_proxy jsonb, p_window int)
	RETURNS TABLE (outcome text, case_no text, notice_no text, promised_date date,
		       commitment_due date, missing jsonb, visits int)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	me core.staff;
	it core.service_item;
	v_window int;
	v_fields jsonb;
	v_personal jsonb;
	v_mats jsonb;
	v_proxy jsonb;
	v_applicant uuid;
	v_app core.applicant;
	v_app_mask text;
	v_missing jsonb;
	v_key_missing boolean;
	v_today date;
	v_promised date;
	v_due date;
	v_outcome text;
	v_no text;
	v_centre text;
	v_existing text;
BEGIN
	PERFORM core.require_role('clerk');
	me := core.actor();
	IF NOT core.op_begin(p_op, 'api.case_submit') THEN
		-- A retry: the stored outcome of the first call.
		RETURN QUERY
		SELECT c.outcome, c.case_no, NULL::text, c.promised_date, c.commitment_due,
		       core.case_missing(c.id), c.visits
		FROM core.case c WHERE c.op_id = p_op
		UNION ALL
		SELECT 'refused'::text, NULL::text, n.notice_no, NULL::date, NULL::date, n.missing, NULL::int
		FROM core.notice n WHERE n.op_id = p_op;
		RETURN;
	END IF;
	IF p_case_id IS NULL THEN
		RAISE EXCEPTION 'A case id is required' USING ERRCODE = '22023';
	END IF;
	SELECT c.case_no INTO v_existing FROM core.case c WHERE c.id = p_case_id;
	IF FOUND THEN
		RAISE EXCEPTION 'This case was already submitted'
			USING ERRCODE = '23505', DETAIL = v_existing;
	END IF;
	it := core.item_find(p_item, p_item_version);
	IF it.code IS NULL THEN
		RAISE EXCEPTION 'Unknown service item'
			USING ERRCODE = '22023',
			      DETAIL = coalesce(p_item, '') || coalesce(' v' || p_item_version::text, '');
	END IF;
	PERFORM core.check_window(p_window);
	v_window := coalesce(p_window, me.window_no);

	SELECT f.fields, f.personal INTO v_fields, v_personal
	FROM core.case_fields(it.definition, p_fields, p_personal) f;
	v_mats := core.case_materials(it.definition, v_fields, p_materials);
	v_proxy := core.case_proxy(p_proxy);
	v_applicant := core.applicant_upsert(p_applicant, it.applicant_kind);
	SELECT a.* INTO v_app FROM core.applicant a WHERE a.id = v_applicant;
	v_app_mask := CASE WHEN v_app.kind = 'enterprise' THEN v_app.uscc ELSE v_app.id_mask END;

	SELECT coalesce(jsonb_agg(m - 'status' ORDER BY o), '[]'),
	       coalesce(bool_or((m ->> 'key')::boolean), false)
	INTO v_missing, v_key_missing
	FROM jsonb_array_elements(v_mats) WITH ORDINALITY AS x(m, o)
	WHERE m ->> 'status' = 'missing';
	v_today := core.today();
	v_centre := core.setting_text('centre_code', NULL);

	IF v_key_missing THEN
		-- 一次性告知: everything missing, at once; no case.
		v_no := core.next_number('notice', v_today);
		INSERT INTO core.notice (op_id, notice_no, centre_code, form_id, item_code, item_version,
					 applicant_id, applicant_name, applicant_id_mask, missing, window_no, issued_on)
		VALUES (p_op, v_no, v_centre, p_case_id, it.code, it.version,
			v_applicant, v_app.name, v_app_mask, v_missing, v_window, v_today);
		PERFORM core.audit_write('notice_issue', 'notice:' || v_no,
			jsonb_build_object('item', it.code, 'version', it.version, 'window', v_window,
					   'missing', (SELECT jsonb_agg(e ->> 'code') FROM jsonb_array_elements(v_missing) e)));
		RETURN QUERY SELECT 'refused'::text, NULL::text, v_no, NULL::date, NULL::date, v_missing, NULL::int;
		RETURN;
	END IF;

	v_promised := core.add_working_days(v_today, it.promised_days, it.count_acceptance_day);
	IF jsonb_array_length(v_missing) > 0 THEN
		v_outcome := 'accepted_on_commitment';
		v_due := least(core.add_working_days(v_today, core.setting_int('commitment_days', 5), false),
			       v_promised);
	ELSE
		v_outcome := 'accepted';
	END IF;

	v_no := core.next_number('case', v_today);
	INSERT INTO core.case (id, op_id, case_no, centre_code, item_code, item_version, applicant_id,
			       applicant_name, applicant_id_mask, outcome, status, fields, personal, proxy,
			       window_no, accepted_on, promised_date, commitment_due, visits)
	VALUES (p_case_id, p_op, v_no, v_centre, it.code, it.version, v_applicant,
		v_app.name, v_app_mask, v_outcome, v_outcome, v_fields, v_personal, v_proxy,
		v_window, v_today, v_promised, v_due, 1);
	INSERT INTO core.case_material (case_id, code, position, name_zh, name_en, is_key, note_zh, note_en, status)
	SELECT p_case_id, m ->> 'code', o::int, m ->> 'name_zh', m ->> 'name_en', (m ->> 'key')::boolean,
	       m ->> 'note_zh', m ->> 'note_en', m ->> 'status'
	FROM jsonb_array_elements(v_mats) WITH ORDINALITY AS x(m, o);
	INSERT INTO core.case_visit (case_id, n, kind, window_no, op_id)
	VALUES (p_case_id, 1, 'acceptance', v_window, p_op);
	-- The form's draft has done its job.
	DELETE FROM core.draft d WHERE d.id = p_case_id AND d.owner = session_user;

	PERFORM core.audit_write('case_accept', 'case:' || v_no,
		jsonb_build_object('item', it.code, 'version', it.version, 'outcome', v_outcome,
				   'window', v_window, 'promised_date', v_promised,
				   'commitment_due', v_due, 'proxy', v_proxy IS NOT NULL,
				   'missing', (SELECT coalesce(jsonb_agg(e ->> 'code'), '[]')
					       FROM jsonb_array_elements(v_missing) e)));
	RETURN QUERY SELECT v_outcome, v_no, NULL::text, v_promised, v_due, v_missing, 1;
END
$$;

-- ---------------------------------------------------------------------------
-- api.case_supplement: a later visit brings one missing material. Returns
-- the visits so far and how many materials are still missing. A retried
-- operation id changes nothing and returns the case's current counts.

CREATE FUNCTION api.case_supplement(p_op uuid, p_case_no text, p_material text)
	RETURNS TABLE (visits int, outstanding int)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	me core.staff;
	v_case core.case;
	v_status text;
	v_left int;
BEGIN
	PERFORM core.require_role('clerk');
	me := core.actor();
	IF NOT core.op_begin(p_op, 'api.case_supplement') THEN
		RETURN QUERY
		SELECT c.visits,
		       (SELECT count(*)::int FROM core.case_material m WHERE m.case_id = c.id AND m.status = 'missing')
		FROM core.case c JOIN core.case_visit v ON v.case_id = c.id
		WHERE v.op_id = p_op;
		RETURN;
	END IF;
	SELECT c.* INTO v_case FROM core.case c WHERE c.case_no = btrim(p_case_no) FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such case' USING ERRCODE = 'P0002', DETAIL = coalesce(p_case_no, '');
	END IF;
	SELECT m.status INTO v_status FROM core.case_material m
	WHERE m.case_id = v_case.id AND m.code = p_material FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'Unknown material' USING ERRCODE = '22023', DETAIL = coalesce(p_material, '');
	END IF;
	IF v_status <> 'missing' THEN
		RAISE EXCEPTION 'That material is not outstanding'
			USING ERRCODE = '22023', DETAIL = p_material;
	END IF;
	UPDATE core.case_material m SET status = 'supplied', supplied_at = now(), supplied_by = session_user
	WHERE m.case_id = v_case.id AND m.code = p_material;
	SELECT count(*)::int INTO v_left FROM core.case_material m
	WHERE m.case_id = v_case.id AND m.status = 'missing';
	UPDATE core.case c SET
		visits = c.visits + 1,
		status = CASE WHEN v_left = 0 AND c.status = 'accepted_on_commitment' THEN 'accepted' ELSE c.status END,
		commitment_met_at = CASE WHEN v_left = 0 AND c.status = 'accepted_on_commitment' THEN now()
					 ELSE c.commitment_met_at END
	WHERE c.id = v_case.id;
	INSERT INTO core.case_visit (case_id, n, kind, material, window_no, op_id)
	VALUES (v_case.id, v_case.visits + 1, 'supplement', p_material, me.window_no, p_op);
	PERFORM core.audit_write('case_supplement', 'case:' || v_case.case_no,
		jsonb_build_object('material', p_material, 'visits', v_case.visits + 1, 'outstanding', v_left));
	RETURN QUERY SELECT v_case.visits + 1, v_left;
END
$$;

-- ---------------------------------------------------------------------------
-- Reading cases: masked values only.

CREATE FUNCTION api.case_get(p_case_no text)
	RETURNS TABLE (case_no text, item text, item_version int, item_name_zh text, status text,
		       applicant_name text, applicant_id_mask text, accepted_at timestamptz,
		       accepted_by text, window_no int, promised_date date, commitment_due date,
		       visits int, fields jsonb, personal_masks jsonb, materials jsonb, proxy jsonb)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM core.require_role('clerk', 'supervisor');
	RETURN QUERY
	SELECT c.case_no, c.item_code, c.item_version, i.name_zh, c.status, c.applicant_name,
	       c.applicant_id_mask, c.accepted_at, c.accepted_by, c.window_no, c.promised_date,
	       c.commitment_due, c.visits, c.fields,
	       coalesce((SELECT jsonb_object_agg(p.key, p.value ->> 'mask') FROM jsonb_each(c.personal) p), '{}'),
	       coalesce((SELECT jsonb_agg(jsonb_build_object('code', m.code, 'name_zh', m.name_zh,
							     'name_en', m.name_en, 'key', m.is_key,
							     'status', m.status, 'supplied_at', m.supplied_at)
					  ORDER BY m.position)
			 FROM core.case_material m WHERE m.case_id = c.id), '[]'),
	       CASE WHEN c.proxy IS NULL THEN NULL
		    ELSE jsonb_strip_nulls(jsonb_build_object(
			'name', c.proxy ->> 'name', 'relation', c.proxy ->> 'relation',
			'id_mask', c.proxy -> 'id_no' ->> 'mask', 'phone_mask', c.proxy -> 'phone' ->> 'mask',
			'authorisation', c.proxy ->> 'authorisation')) END
	FROM core.case c
	JOIN core.service_item i ON i.code = c.item_code AND i.version = c.item_version
	WHERE c.case_no = btrim(p_case_no);
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such case' USING ERRCODE = 'P0002', DETAIL = coalesce(p_case_no, '');
	END IF;
END
$$;

-- Newest first; p_status NULL = every status; p_limit 1..500 (NULL: 50).
CREATE FUNCTION api.case_list(p_status text DEFAULT NULL, p_limit int DEFAULT 50)
	RETURNS TABLE (case_no text, item text, item_name_zh text, status text, applicant_name text,
		       applicant_id_mask text, accepted_at timestamptz, promised_date date, visits int)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM core.require_role('clerk', 'supervisor');
	RETURN QUERY
	SELECT c.case_no, c.item_code, i.name_zh, c.status, c.applicant_name, c.applicant_id_mask,
	       c.accepted_at, c.promised_date, c.visits
	FROM core.case c
	JOIN core.service_item i ON i.code = c.item_code AND i.version = c.item_version
	WHERE p_status IS NULL OR c.status = p_status
	ORDER BY c.accepted_at DESC, c.case_no DESC
	LIMIT least(greatest(coalesce(p_limit, 50), 1), 500);
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.case_submit(uuid, uuid, text, int, jsonb, jsonb, jsonb, jsonb, jsonb, int) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.case_supplement(uuid, text, text) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.case_get(text) TO cd_clerk, cd_supervisor;
GRANT EXECUTE ON FUNCTION api.case_list(text, int) TO cd_clerk, cd_supervisor;

RESET ROLE;
