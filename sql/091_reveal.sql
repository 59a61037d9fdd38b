-- 091_reveal: showing one full personal value of a case, for a purpose.
--
-- Screens and the command line show masked values (330702********1234).
-- When the full value is needed (to call the applicant back, to read a
-- number out to another office), the clerk or supervisor names the purpose
-- and api.case_reveal answers with the sealed value and the associated data
-- it is bound to; the client, which alone holds the key, opens it. The same
-- transaction writes the audit row: who (the actor), which record (object
-- case:<number>, detail.field), when (at) and why (detail.purpose). A
-- client that skips the audit cannot exist: without this function it has
-- no cipher to open.
--
-- p_field: a personal field of the case's form (father_idno, contact_phone,
-- household_address ...), 'applicant' for the applicant's own identity
-- number, or 'proxy' for the proxy's.

SET ROLE cd_owner;

CREATE FUNCTION api.case_reveal(p_op uuid, p_case_no text, p_field text, p_purpose text)
	RETURNS TABLE (cipher text, row_table text, row_column text, row_id text, mask text)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	c core.case;
	v_purpose text := btrim(p_purpose);
	v_field text := btrim(p_field);
	v_cipher text;
	v_table text := 'case';
	v_column text;
	v_row text;
	v_mask text;
	v_first boolean;
BEGIN
	PERFORM core.require_role('clerk', 'supervisor');
	IF v_purpose IS NULL OR v_purpose = '' THEN
		RAISE EXCEPTION 'A purpose is required to reveal personal data'
			USING ERRCODE = '22023', DETAIL = coalesce(v_field, '');
	END IF;
	IF char_length(v_purpose) > 200 OR v_purpose ~ '[[:cntrl:]]' THEN
		RAISE EXCEPTION 'Text too long or not printable' USING ERRCODE = '22023', DETAIL = 'purpose';
	END IF;
	v_first := core.op_begin(p_op, 'api.case_reveal');
	c := core.case_by_no(p_case_no, false);
	v_row := c.id::text;
	IF v_field = 'applicant' THEN
		SELECT a.id_cipher, a.id_mask, a.id::text INTO v_cipher, v_mask, v_row
		FROM core.applicant a WHERE a.id = c.applicant_id;
		v_table := 'applicant';
		v_column := 'id_no';
	ELSIF v_field = 'proxy' THEN
		v_cipher := c.proxy -> 'id_no' ->> 'cipher';
		v_mask := c.proxy -> 'id_no' ->> 'mask';
		v_column := 'proxy_id_no';
	ELSIF v_field ~ '^[a-z][a-z0-9_]{0,63}$' THEN
		v_cipher := c.personal -> v_field ->> 'cipher';
		v_mask := c.personal -> v_field ->> 'mask';
		v_column := 'field:' || v_field;
	END IF;
	IF v_cipher IS NULL THEN
		RAISE EXCEPTION 'The case has no such personal value'
			USING ERRCODE = 'P0002', DETAIL = coalesce(v_field, '');
	END IF;
	RETURN QUERY SELECT v_cipher, v_table, v_column, v_row, v_mask;
	-- A retried call (same operation id) answers again without a second row.
	IF v_first THEN
		PERFORM core.audit_write('reveal', 'case:' || c.case_no,
			jsonb_build_object('field', v_field, 'purpose', v_purpose, 'mask', v_mask));
	END IF;
END
$$;

REVOKE EXECUTE ON FUNCTION api.case_reveal(uuid, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.case_reveal(uuid, text, text, text) TO cd_clerk, cd_supervisor;

RESET ROLE;
