-- 016_drafts: nothing typed is lost. The intake form is saved on the server
-- as the clerk types (debounced by the client), sealed whole by the client
-- (table 'draft', column 'payload', the draft's uuid), and offered back on
-- the next login. The draft's uuid is the form's case id: a successful
-- api.case_submit deletes it; a refused one (one-time notice) keeps it for
-- when the applicant comes back.
--
-- Each clerk sees only their own drafts: FORCE ROW LEVEL SECURITY with
-- owner = session_user, and the functions say so again.
--
-- Drafts are working copies, not records: saving one writes no audit row.

SET ROLE cd_owner;

CREATE TABLE core.draft (
	id         uuid PRIMARY KEY,
	owner      text NOT NULL DEFAULT session_user,
	item       text NOT NULL,
	payload    text NOT NULL CHECK (payload ~ '^v[0-9]{1,3}:' AND octet_length(payload) <= 1000000),
	summary    text NOT NULL DEFAULT '' CHECK (char_length(summary) <= 200),
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE core.draft IS 'Intake forms in progress, sealed by the client; each visible only to its owner.';
CREATE INDEX draft_owner_idx ON core.draft (owner, updated_at DESC);

ALTER TABLE core.draft ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.draft FORCE ROW LEVEL SECURITY;
CREATE POLICY draft_own ON core.draft FOR ALL
	USING (owner = session_user)
	WITH CHECK (owner = session_user);

-- Insert or update the caller's draft p_id. A draft of the same id that
-- belongs to someone else is refused.
CREATE FUNCTION api.draft_save(p_id uuid, p_item text, p_payload text, p_summary text) RETURNS void
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	PERFORM core.require_role('clerk');
	PERFORM core.actor();
	IF p_id IS NULL THEN
		RAISE EXCEPTION 'A draft id is required' USING ERRCODE = '22023';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM core.service_item i WHERE i.code = p_item) THEN
		RAISE EXCEPTION 'Unknown service item' USING ERRCODE = '22023', DETAIL = coalesce(p_item, '');
	END IF;
	IF p_payload IS NULL OR p_payload !~ '^v[0-9]{1,3}:' THEN
		RAISE EXCEPTION 'A personal value must be sent sealed' USING ERRCODE = '22023', DETAIL = 'payload';
	END IF;
	IF octet_length(p_payload) > 1000000 THEN
		RAISE EXCEPTION 'Text too long for the field' USING ERRCODE = '22023', DETAIL = 'payload';
	END IF;
	IF char_length(p_summary) > 200 THEN
		RAISE EXCEPTION 'Text too long for the field' USING ERRCODE = '22023', DETAIL = 'summary';
	END IF;
	BEGIN
		INSERT INTO core.draft AS d (id, owner, item, payload, summary)
		VALUES (p_id, session_user, p_item, p_payload, coalesce(p_summary, ''))
		ON CONFLICT (id) DO UPDATE SET
			item = EXCLUDED.item, payload = EXCLUDED.payload,
			summary = EXCLUDED.summary, updated_at = now();
	EXCEPTION WHEN insufficient_privilege THEN
		-- The row exists but the policy hides it: another clerk's draft.
		RAISE EXCEPTION 'That draft belongs to someone else'
			USING ERRCODE = '42501', DETAIL = p_id::text;
	END;
END
$$;

CREATE FUNCTION api.draft_list() RETURNS TABLE (id uuid, item text, summary text, updated_at timestamptz)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM core.require_role('clerk');
	PERFORM core.actor();
	RETURN QUERY
	SELECT d.id, d.item, d.summary, d.updated_at
	FROM core.draft d
	WHERE d.owner = session_user
	ORDER BY d.updated_at DESC;
END
$$;

CREATE FUNCTION api.draft_get(p_id uuid) RETURNS TABLE (id uuid, item text, payload text, updated_at timestamptz)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM core.require_role('clerk');
	PERFORM core.actor();
	RETURN QUERY
	SELECT d.id, d.item, d.payload, d.updated_at
	FROM core.draft d
	WHERE d.id = p_id AND d.owner = session_user;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such draft' USING ERRCODE = 'P0002', DETAIL = coalesce(p_id::text, '');
	END IF;
END
$$;

-- Discarding a draft that is not there (already submitted or discarded)
-- does nothing.
CREATE FUNCTION api.draft_discard(p_id uuid) RETURNS void
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	PERFORM core.require_role('clerk');
	PERFORM core.actor();
	DELETE FROM core.draft d WHERE d.id = p_id AND d.owner = session_user;
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.draft_save(uuid, text, text, text) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.draft_list() TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.draft_get(uuid) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.draft_discard(uuid) TO cd_clerk;

RESET ROLE;
