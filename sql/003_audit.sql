-- 003_audit: the append-only, hash-chained audit log.
--
-- Every row holds the hash of the row before it:
--
--   hash = sha256(prev_hash || convert_to(canon, 'UTF8'))
--
-- where canon is the six fields below, each written as
-- <length in bytes of the UTF-8 text> ':' <text> ',' (a netstring, so no
-- choice of content can shift one field into the next):
--
--   id::text
--   at in UTC as YYYY-MM-DDTHH:MI:SS.ffffffZ (six fractional digits)
--   actor
--   action
--   object
--   detail::text (jsonb's own text form)
--
-- e.g. 1:7,27:2025-03-01T08:00:00.123456Z,6:clerk1,5:login,12:staff:clerk1,13:{"window": 1},
-- The first row (id 1) chains onto 32 zero bytes. Ids are contiguous: the
-- chain trigger numbers rows itself from core.audit_head (the identity
-- sequence would leave gaps on rollback), so a missing id is a deleted row.
--
-- core.audit_head is one row locked FOR UPDATE by every append, so appends
-- are serialised and the chain cannot fork. The lock is held until the
-- transaction ends: write the audit row as the LAST step of an api function
-- (after the rows it locks), which keeps the lock short and lock order the
-- same everywhere. Writers call core.audit_write(action, object, detail);
-- a plain INSERT into core.audit (by cd_owner code) is chained the same way.
--
-- Triggers refuse UPDATE, DELETE and TRUNCATE for everyone. A superuser can
-- still disable them; api.audit_verify is what catches that.

SET ROLE cd_owner;

CREATE TABLE core.audit (
	id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at        timestamptz NOT NULL DEFAULT clock_timestamp(),
	actor     text NOT NULL DEFAULT session_user,
	action    text NOT NULL,
	object    text NOT NULL DEFAULT '',
	detail    jsonb NOT NULL DEFAULT '{}',
	prev_hash bytea NOT NULL,
	hash      bytea NOT NULL
);
COMMENT ON TABLE core.audit IS 'Append-only hash-chained audit log; see sql/003_audit.sql for the hash.';
COMMENT ON COLUMN core.audit.object IS 'What the action was about, as kind:key (department:MZ, staff:clerk1, case:...).';

CREATE TABLE core.audit_head (
	one       boolean PRIMARY KEY DEFAULT true CHECK (one),
	last_id   bigint NOT NULL,
	last_hash bytea NOT NULL
);
COMMENT ON TABLE core.audit_head IS 'The id and hash of the newest audit row; locked by every append.';
INSERT INTO core.audit_head (one, last_id, last_hash)
VALUES (true, 0, decode(repeat('00', 32), 'hex'));

-- One field of the canonical text: <bytes>:<text>,
CREATE FUNCTION core.netstring(p text) RETURNS text
	LANGUAGE sql IMMUTABLE
AS $$
	SELECT octet_length(p)::text || ':' || p || ','
$$;

-- The canonical text of a row, as described above. (Plain expressions, no
-- SET clause: these functions are inlined into audit_verify's scan.)
CREATE FUNCTION core.audit_canon(p_id bigint, p_at timestamptz, p_actor text,
				 p_action text, p_object text, p_detail jsonb) RETURNS text
	LANGUAGE sql STABLE
AS $$
	SELECT core.netstring(p_id::text)
	    || core.netstring(to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
	    || core.netstring(p_actor)
	    || core.netstring(p_action)
	    || core.netstring(p_object)
	    || core.netstring(p_detail::text)
$$;

CREATE FUNCTION core.audit_hash(p_prev bytea, p_id bigint, p_at timestamptz, p_actor text,
				p_action text, p_object text, p_detail jsonb) RETURNS bytea
	LANGUAGE sql STABLE
AS $$
	SELECT sha256(p_prev || convert_to(core.audit_canon(p_id, p_at, p_actor, p_action, p_object, p_detail), 'UTF8'))
$$;

-- BEFORE INSERT: number, stamp and chain the row. Whatever the inserter put
-- in id, at, actor, prev_hash or hash is overwritten.
CREATE FUNCTION core.audit_chain() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	head core.audit_head;
BEGIN
	SELECT h.* INTO STRICT head FROM core.audit_head h WHERE h.one FOR UPDATE;
	NEW.id := head.last_id + 1;
	NEW.at := clock_timestamp();
	NEW.actor := session_user;
	NEW.object := coalesce(NEW.object, '');
	NEW.detail := coalesce(NEW.detail, '{}'::jsonb);
	NEW.prev_hash := head.last_hash;
	NEW.hash := core.audit_hash(NEW.prev_hash, NEW.id, NEW.at, NEW.actor,
				    NEW.action, NEW.object, NEW.detail);
	UPDATE core.audit_head SET last_id = NEW.id, last_hash = NEW.hash WHERE one;
	RETURN NEW;
END
$$;

CREATE TRIGGER audit_chain BEFORE INSERT ON core.audit
	FOR EACH ROW EXECUTE FUNCTION core.audit_chain();

CREATE FUNCTION core.audit_refuse() RETURNS trigger
	LANGUAGE plpgsql
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	RAISE EXCEPTION 'The audit log is append-only'
		USING ERRCODE = '42501', DETAIL = TG_OP || ' ' || TG_TABLE_NAME;
END
$$;

CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE OR TRUNCATE ON core.audit
	FOR EACH STATEMENT EXECUTE FUNCTION core.audit_refuse();
-- The head moves only forward, by the chain trigger; it is never removed.
CREATE TRIGGER audit_head_keep BEFORE DELETE OR TRUNCATE ON core.audit_head
	FOR EACH STATEMENT EXECUTE FUNCTION core.audit_refuse();

-- The internal writer. Returns the new row's id. Not executable by staff:
-- api functions (running as cd_owner) call it.
CREATE FUNCTION core.audit_write(p_action text, p_object text, p_detail jsonb) RETURNS bigint
	LANGUAGE sql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	INSERT INTO core.audit (action, object, detail)
	VALUES (p_action, coalesce(p_object, ''), coalesce(p_detail, '{}'::jsonb))
	RETURNING id
$$;

-- ---------------------------------------------------------------------------
-- api.audit_verify: walk the whole chain in id order in one query.
--   checked       rows examined
--   first_broken  id of the first row that does not fit (NULL: intact)
--   reason        why, in English (NULL: intact)
-- A row does not fit when its id does not follow the previous one (rows were
-- deleted), its prev_hash is not the previous row's hash, or its hash is not
-- the hash of its content. After the last row the chain head must agree:
-- otherwise rows were removed from (or slipped onto) the end.

CREATE FUNCTION api.audit_verify() RETURNS TABLE (checked bigint, first_broken bigint, reason text)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM core.require_role('supervisor', 'admin');
	RETURN QUERY
	WITH chain AS (
		SELECT a.id, a.prev_hash, a.hash,
		       core.audit_hash(a.prev_hash, a.id, a.at, a.actor, a.action, a.object, a.detail) AS calc,
		       lag(a.id) OVER w AS prev_id,
		       lag(a.hash) OVER w AS prev_row_hash
		FROM core.audit a
		WINDOW w AS (ORDER BY a.id)
	), head AS (
		SELECT h.last_id, h.last_hash FROM core.audit_head h WHERE h.one
	), last_row AS (
		SELECT c.id, c.hash FROM chain c ORDER BY c.id DESC LIMIT 1
	), problems AS (
		SELECT c.id,
		       CASE
			 WHEN c.id <> coalesce(c.prev_id, 0) + 1
			   THEN 'rows are missing before this row'
			 WHEN c.prev_hash IS DISTINCT FROM coalesce(c.prev_row_hash, decode(repeat('00', 32), 'hex'))
			   THEN 'prev_hash does not match the hash of the previous row'
			 WHEN c.hash IS DISTINCT FROM c.calc
			   THEN 'hash does not match the content of the row'
		       END AS why
		FROM chain c
		UNION ALL
		-- The tail, checked against the chain head.
		SELECT CASE WHEN coalesce(l.id, 0) < h.last_id THEN coalesce(l.id, 0) + 1
			    WHEN l.id > h.last_id THEN h.last_id + 1
			    ELSE l.id END,
		       CASE WHEN coalesce(l.id, 0) < h.last_id THEN 'rows are missing at the end of the log'
			    WHEN l.id > h.last_id THEN 'row is not recorded in the chain head'
			    WHEN l.hash IS DISTINCT FROM h.last_hash THEN 'hash does not match the chain head'
		       END
		FROM head h LEFT JOIN last_row l ON true
	), first AS (
		SELECT p.id, p.why FROM problems p WHERE p.why IS NOT NULL ORDER BY p.id LIMIT 1
	)
	SELECT (SELECT count(*) FROM chain)::bigint, f.id, f.why
	FROM (SELECT 1) AS one LEFT JOIN first f ON true;
END
$$;

-- Recent activity for supervisors and admins: read it newest first
-- (ORDER BY id DESC LIMIT n uses the primary key).
CREATE VIEW api.audit_log AS
	SELECT a.id, a.at, a.actor, a.action, a.object, a.detail,
	       encode(a.hash, 'hex') AS hash
	FROM core.audit a;

REVOKE ALL ON ALL TABLES IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;
REVOKE ALL ON api.audit_log FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;
GRANT SELECT ON api.audit_log TO cd_supervisor, cd_admin;
GRANT EXECUTE ON FUNCTION api.audit_verify() TO cd_supervisor, cd_admin;

RESET ROLE;
