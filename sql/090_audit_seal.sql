-- 090_audit_seal: signed seals over the audit chain.
--
-- The hash chain of 003_audit shows a change made by someone who cannot
-- recompute hashes; a database superuser can (disable the triggers, rewrite
-- rows, recompute every hash and the head). A seal defeats that: the client
-- recomputes the chain from the rows itself, signs the hash of the newest row
-- (and of up to 256 evenly spaced checkpoint rows, so that verification can
-- name the row that changed) with an Ed25519 key the database never sees, and
-- stores the signature here. `counterdesk audit verify --public-key FILE`
-- recomputes the chain again in the client and compares it with what each
-- seal signed: rewritten rows no longer hash to the signed value, and without
-- the secret key no one can sign a new one.
--
-- The signed message (built and checked only in the client, src/audit_seal.c):
--   "counterdesk-audit-seal-v1" 0x00, upto_id as 8 bytes big-endian,
--   the 32-byte hash of row upto_id, then per checkpoint
--   8 bytes big-endian id || 32-byte hash (ids ascending, the last = upto_id).
-- The database checks only that the hash it is given is the one it holds
-- (a seal of a chain the database disagrees with is refused); it cannot
-- check the signature, and does not need to.

SET ROLE cd_owner;

CREATE TABLE core.audit_seal (
	seal_no     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sealed_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
	sealed_by   text NOT NULL DEFAULT session_user,
	upto_id     bigint NOT NULL CHECK (upto_id > 0),
	head_hash   bytea NOT NULL CHECK (octet_length(head_hash) = 32),
	checkpoints bytea NOT NULL CHECK (octet_length(checkpoints) % 40 = 0
					  AND octet_length(checkpoints) BETWEEN 40 AND 40 * 256),
	public_key  bytea NOT NULL CHECK (octet_length(public_key) = 32),
	signature   bytea NOT NULL CHECK (octet_length(signature) = 64)
);
COMMENT ON TABLE core.audit_seal IS 'Ed25519 signatures over the audit chain head; see sql/090_audit_seal.sql.';

-- Seals are evidence: never changed, never removed (a superuser can, which
-- is why the auditor may also keep the seal file `audit seal --output` writes).
CREATE TRIGGER audit_seal_keep BEFORE UPDATE OR DELETE OR TRUNCATE ON core.audit_seal
	FOR EACH STATEMENT EXECUTE FUNCTION core.audit_refuse();

-- ---------------------------------------------------------------------------
-- api.audit_rows: the raw rows up to p_upto (NULL: all), oldest first, in the
-- exact text the hash is computed over, so that the client recomputes the
-- chain itself instead of trusting the database's own verdict.

CREATE FUNCTION api.audit_rows(p_upto bigint)
	RETURNS TABLE (id bigint, at_utc text, actor text, action text, object text,
		       detail text, prev_hash text, hash text)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	PERFORM core.require_role('supervisor', 'admin');
	RETURN QUERY
	SELECT a.id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
	       a.actor, a.action, a.object, a.detail::text,
	       encode(a.prev_hash, 'hex'), encode(a.hash, 'hex')
	FROM core.audit a
	WHERE p_upto IS NULL OR a.id <= p_upto
	ORDER BY a.id;
END
$$;

-- ---------------------------------------------------------------------------
-- api.audit_seal_add: store a seal the client made. Hashes, key and
-- signature travel as hex.

CREATE FUNCTION api.audit_seal_add(p_op uuid, p_upto bigint, p_hash text, p_checkpoints text,
				   p_public_key text, p_signature text) RETURNS bigint
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_held bytea;
	v_no bigint;
BEGIN
	PERFORM core.require_role('supervisor', 'admin');
	IF NOT core.op_begin(p_op, 'api.audit_seal_add') THEN
		SELECT max(s.seal_no) INTO v_no FROM core.audit_seal s WHERE s.sealed_by = session_user;
		RETURN v_no;
	END IF;
	IF p_hash IS NULL OR p_hash !~ '^[0-9a-f]{64}$'
	   OR p_public_key IS NULL OR p_public_key !~ '^[0-9a-f]{64}$'
	   OR p_signature IS NULL OR p_signature !~ '^[0-9a-f]{128}$'
	   OR p_checkpoints IS NULL OR p_checkpoints !~ '^([0-9a-f]{80})+$' THEN
		RAISE EXCEPTION 'Malformed audit seal'
			USING ERRCODE = '22023', DETAIL = coalesce(p_upto::text, '');
	END IF;
	SELECT a.hash INTO v_held FROM core.audit a WHERE a.id = p_upto;
	IF v_held IS NULL OR v_held <> decode(p_hash, 'hex') THEN
		RAISE EXCEPTION 'The seal does not match the audit log'
			USING ERRCODE = '22023', DETAIL = coalesce(p_upto::text, '');
	END IF;
	INSERT INTO core.audit_seal (upto_id, head_hash, checkpoints, public_key, signature)
	VALUES (p_upto, decode(p_hash, 'hex'), decode(p_checkpoints, 'hex'),
		decode(p_public_key, 'hex'), decode(p_signature, 'hex'))
	RETURNING seal_no INTO v_no;
	PERFORM core.audit_write('audit_seal', 'audit:' || p_upto,
				 jsonb_build_object('seal_no', v_no, 'hash', p_hash,
						    'public_key', p_public_key));
	RETURN v_no;
END
$$;

-- The seals, oldest first, for the verifier.
CREATE FUNCTION api.audit_seals()
	RETURNS TABLE (seal_no bigint, sealed_at timestamptz, sealed_by text, upto_id bigint,
		       head_hash text, checkpoints text, public_key text, signature text)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	PERFORM core.require_role('supervisor', 'admin');
	RETURN QUERY
	SELECT s.seal_no, s.sealed_at, s.sealed_by, s.upto_id, encode(s.head_hash, 'hex'),
	       encode(s.checkpoints, 'hex'), encode(s.public_key, 'hex'), encode(s.signature, 'hex')
	FROM core.audit_seal s
	ORDER BY s.seal_no;
END
$$;

REVOKE ALL ON core.audit_seal FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION api.audit_rows(bigint), api.audit_seals(),
	api.audit_seal_add(uuid, bigint, text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.audit_rows(bigint), api.audit_seals(),
	api.audit_seal_add(uuid, bigint, text, text, text, text) TO cd_supervisor, cd_admin;

RESET ROLE;
