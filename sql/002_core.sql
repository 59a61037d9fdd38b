-- 002_core: schemas, departments, staff, operation ids, and the helpers every
-- api function uses to know who is calling and whether they may.
--
-- Layout of rights (see DESIGN.md, "Where rights are enforced"):
--   core  base tables. Owned by cd_owner; PUBLIC and the staff roles have no
--         privilege on the schema or anything in it.
--   api   SECURITY DEFINER functions (owned by cd_owner, search_path pinned
--         to pg_catalog, core, pg_temp) and views. cd_staff has USAGE;
--         EXECUTE / SELECT is granted per object to exactly the groups that
--         may use it. Nothing in api is executable by PUBLIC.
--
-- Objects are created under SET ROLE cd_owner so that they are owned by it
-- from birth and get cd_owner's default privileges (no EXECUTE for PUBLIC);
-- RESET ROLE at the end hands the session back to the superuser that runs
-- the migration.

CREATE SCHEMA core AUTHORIZATION cd_owner;
CREATE SCHEMA api AUTHORIZATION cd_owner;
REVOKE ALL ON SCHEMA core FROM PUBLIC;
REVOKE ALL ON SCHEMA api FROM PUBLIC;
GRANT USAGE ON SCHEMA api TO cd_staff;

-- Functions are executable by PUBLIC unless revoked. Per-schema default
-- privileges can only add to the global ones, never take away, so the
-- revocation has to be the global one for cd_owner (it is per database).
ALTER DEFAULT PRIVILEGES FOR ROLE cd_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

SET ROLE cd_owner;

-- ---------------------------------------------------------------------------
-- Departments and staff

CREATE TABLE core.department (
	code       text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{0,15}$'),
	name       text NOT NULL CHECK (btrim(name) <> ''),
	created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE core.department IS 'Departments of the centre (民政, 人社, ... and ZHCK, the integrated window).';

CREATE TABLE core.staff (
	login       text PRIMARY KEY CHECK (login ~ '^[a-z][a-z0-9._-]{1,62}$'),
	full_name   text NOT NULL CHECK (btrim(full_name) <> ''),
	role        text NOT NULL CHECK (role IN ('clerk', 'helper', 'reviewer', 'supervisor', 'admin', 'kiosk')),
	dept_code   text REFERENCES core.department (code),
	window_no   int CHECK (window_no BETWEEN 1 AND 999),
	active      boolean NOT NULL DEFAULT true,
	created_at  timestamptz NOT NULL DEFAULT now(),
	disabled_at timestamptz,
	CHECK (active = (disabled_at IS NULL))
);
COMMENT ON TABLE core.staff IS 'One row per staff member; login is the name of their PostgreSQL LOGIN role, role selects the group role cd_<role>.';
COMMENT ON COLUMN core.staff.window_no IS 'Default counter window; api.session_start may name another for the session.';
CREATE INDEX staff_dept_idx ON core.staff (dept_code);

-- ---------------------------------------------------------------------------
-- Operation ids: every state-changing api call carries one, made by the
-- client, and records it here in its own transaction. A retried call finds
-- its id and does nothing; after a connection drop during COMMIT the client
-- asks api.op_committed instead of replaying blindly.

CREATE TABLE core.operation (
	op_id uuid PRIMARY KEY,
	fn    text NOT NULL,
	actor text NOT NULL,
	at    timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------
-- Who is calling. Identity is session_user (the login the connection
-- authenticated as; SET ROLE does not change it, and only a superuser can
-- change it with SET SESSION AUTHORIZATION) looked up in core.staff, never a
-- setting or a parameter the client controls. Inside an api function
-- current_user is cd_owner; session_user is still the staff member.
--
-- Row-level security for the api views: a view owned by cd_owner reads its
-- tables with cd_owner's rights, so the base table gets ENABLE and FORCE ROW
-- LEVEL SECURITY and policies keyed on session_user. Write the look-up as a
-- sub-select in the policy, e.g.
--   USING (dept_code = (SELECT s.dept_code FROM core.staff s
--                       WHERE s.login = session_user AND s.active))
-- Tables in a policy's sub-select are read with the view owner's rights, but
-- a function called in a policy or view runs as the staff member and would
-- need EXECUTE on it (staff have no rights on core), so do not call core
-- functions there. The sub-select runs once per query, and a disabled member
-- sees nothing, even on a connection opened before.

-- The caller's staff row if the caller is active staff; refuses otherwise.
CREATE FUNCTION core.actor() RETURNS core.staff
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	me core.staff;
BEGIN
	SELECT s.* INTO me FROM core.staff s WHERE s.login = session_user;
	IF NOT FOUND OR NOT me.active THEN
		RAISE EXCEPTION 'You are not an active staff member'
			USING ERRCODE = '42501', DETAIL = session_user;
	END IF;
	RETURN me;
END
$$;

-- True when the session logged in as a superuser (set-up: migrations, demo
-- data, creating the first admin). Superusers are let through the role
-- checks of administrative functions, never counted as staff otherwise.
CREATE FUNCTION core.is_setup_session() RETURNS boolean
	LANGUAGE sql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = session_user), false)
$$;

-- Defence in depth behind the EXECUTE grants: the caller must be active staff
-- whose role is one of p_roles ('clerk' also admits 'helper', as cd_helper
-- is a member of cd_clerk). A superuser session passes (set-up). Returns the
-- caller's login.
CREATE FUNCTION core.require_role(VARIADIC p_roles text[]) RETURNS text
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	me core.staff;
BEGIN
	IF core.is_setup_session() THEN
		RETURN session_user;
	END IF;
	me := core.actor();
	IF me.role = ANY (p_roles) OR (me.role = 'helper' AND 'clerk' = ANY (p_roles)) THEN
		RETURN me.login;
	END IF;
	RAISE EXCEPTION 'You do not have the rights for this operation'
		USING ERRCODE = '42501', DETAIL = me.role;
END
$$;

-- Records operation id p_op for function p_fn. True: first time, go ahead.
-- False: this operation was already done (committed) by the same caller, so
-- the calling function must return without changing anything. A concurrent
-- call with the same id waits here for the first one to finish.
CREATE FUNCTION core.op_begin(p_op uuid, p_fn text) RETURNS boolean
	LANGUAGE plpgsql VOLATILE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	prev core.operation;
BEGIN
	IF p_op IS NULL THEN
		RAISE EXCEPTION 'An operation id is required'
			USING ERRCODE = '22023', DETAIL = p_fn;
	END IF;
	INSERT INTO core.operation (op_id, fn, actor)
	VALUES (p_op, p_fn, session_user)
	ON CONFLICT (op_id) DO NOTHING;
	IF FOUND THEN
		RETURN true;
	END IF;
	SELECT o.* INTO prev FROM core.operation o WHERE o.op_id = p_op;
	IF prev.fn IS DISTINCT FROM p_fn OR prev.actor IS DISTINCT FROM session_user THEN
		RAISE EXCEPTION 'This operation id was already used for a different operation'
			USING ERRCODE = '22023', DETAIL = p_op::text;
	END IF;
	RETURN false;
END
$$;

-- ---------------------------------------------------------------------------
-- api.op_committed: was operation p_op (made by this login) committed?

CREATE FUNCTION api.op_committed(p_op uuid) RETURNS boolean
	LANGUAGE sql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
	SELECT EXISTS (SELECT 1 FROM core.operation o
		       WHERE o.op_id = p_op AND o.actor = session_user)
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.op_committed(uuid) TO cd_staff;

RESET ROLE;
