-- 004_staff_api: who am I, logging in at a window, departments and staff
-- accounts.
--
-- Staff accounts are PostgreSQL LOGIN roles. Passwords never travel in
-- clear: the client turns them into a SCRAM-SHA-256 verifier with libpq's
-- PQencryptPasswordConn and sends only that; a string that is not a complete
-- verifier is refused (PostgreSQL would otherwise store it as a password in
-- clear text form and hash it itself).
--
-- Audit objects: 'department:<code>', 'staff:<login>'.

SET ROLE cd_owner;

-- ---------------------------------------------------------------------------
-- Helpers

-- A complete SCRAM-SHA-256 verifier, as PostgreSQL stores it:
-- SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>
-- with both keys 32 bytes long.
CREATE FUNCTION core.is_scram_verifier(p text) RETURNS boolean
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	m text[];
BEGIN
	m := regexp_match(p, '^SCRAM-SHA-256\$([0-9]{1,9}):([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2}):([A-Za-z0-9+/]+={0,2})$');
	IF m IS NULL OR m[1]::int < 1 THEN
		RETURN false;
	END IF;
	RETURN octet_length(decode(m[2], 'base64')) > 0
	   AND octet_length(decode(m[3], 'base64')) = 32
	   AND octet_length(decode(m[4], 'base64')) = 32;
EXCEPTION WHEN data_exception THEN
	RETURN false;
END
$$;

CREATE FUNCTION core.check_verifier(p_verifier text) RETURNS void
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	IF p_verifier IS NULL OR NOT core.is_scram_verifier(p_verifier) THEN
		-- No DETAIL: whatever was sent may be a password.
		RAISE EXCEPTION 'Password must be sent as a SCRAM verifier, never in clear'
			USING ERRCODE = '22023';
	END IF;
END
$$;

CREATE FUNCTION core.check_window(p_window int) RETURNS void
	LANGUAGE plpgsql IMMUTABLE
	SET search_path = pg_catalog, core, pg_temp
AS $$
BEGIN
	IF p_window IS NOT NULL AND p_window NOT BETWEEN 1 AND 999 THEN
		RAISE EXCEPTION 'Window number must be between 1 and 999'
			USING ERRCODE = '22023', DETAIL = p_window::text;
	END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- api.whoami / api.session_start

CREATE FUNCTION api.whoami()
	RETURNS TABLE (login text, full_name text, role text, dept_code text, dept_name text, window_no int)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	me core.staff;
BEGIN
	me := core.actor();
	RETURN QUERY
	SELECT s.login, s.full_name, s.role, s.dept_code, d.name, s.window_no
	FROM core.staff s LEFT JOIN core.department d ON d.code = s.dept_code
	WHERE s.login = me.login;
END
$$;

-- Called once right after connecting. p_window NULL: the staff member's
-- default window. Records a 'login' audit row; returns whoami with the
-- window in effect for this session.
CREATE FUNCTION api.session_start(p_window int)
	RETURNS TABLE (login text, full_name text, role text, dept_code text, dept_name text, window_no int)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	me core.staff;
	eff int;
BEGIN
	me := core.actor();
	PERFORM core.check_window(p_window);
	eff := coalesce(p_window, me.window_no);
	PERFORM core.audit_write('login', 'staff:' || me.login,
		jsonb_build_object('window', eff,
				   'client_addr', host(inet_client_addr()),
				   'pid', pg_backend_pid()));
	RETURN QUERY
	SELECT s.login, s.full_name, s.role, s.dept_code, d.name, eff
	FROM core.staff s LEFT JOIN core.department d ON d.code = s.dept_code
	WHERE s.login = me.login;
END
$$;

-- ---------------------------------------------------------------------------
-- Departments

CREATE VIEW api.departments AS
	SELECT d.code, d.name FROM core.department d;

-- p_code is trimmed and upper-cased before it is checked.
CREATE FUNCTION api.dept_add(p_op uuid, p_code text, p_name text) RETURNS void
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_code text := upper(btrim(p_code));
	v_name text := btrim(p_name);
BEGIN
	PERFORM core.require_role('admin');
	IF NOT core.op_begin(p_op, 'api.dept_add') THEN
		RETURN;
	END IF;
	IF v_code IS NULL OR v_code !~ '^[A-Z][A-Z0-9_]{0,15}$' THEN
		RAISE EXCEPTION 'Invalid department code'
			USING ERRCODE = '22023', DETAIL = coalesce(p_code, '');
	END IF;
	IF v_name IS NULL OR v_name = '' THEN
		RAISE EXCEPTION 'Department name is required' USING ERRCODE = '22023';
	END IF;
	INSERT INTO core.department (code, name) VALUES (v_code, v_name)
	ON CONFLICT (code) DO NOTHING;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'Department already exists'
			USING ERRCODE = '23505', DETAIL = v_code;
	END IF;
	PERFORM core.audit_write('dept_add', 'department:' || v_code,
				 jsonb_build_object('name', v_name));
END
$$;

-- ---------------------------------------------------------------------------
-- Staff accounts

-- Creates the LOGIN role p_login (member of cd_<p_role>) with the SCRAM
-- verifier p_verifier, and its core.staff row. p_dept NULL: no department
-- (a reviewer needs one). p_window NULL: no default window.
CREATE FUNCTION api.staff_add(p_op uuid, p_login text, p_full_name text, p_role text,
			      p_dept text, p_window int, p_verifier text) RETURNS void
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_name text := btrim(p_full_name);
	v_dept text := nullif(upper(btrim(p_dept)), '');
BEGIN
	PERFORM core.require_role('admin');
	IF NOT core.op_begin(p_op, 'api.staff_add') THEN
		RETURN;
	END IF;
	IF p_login IS NULL OR p_login !~ '^[a-z][a-z0-9._-]{1,62}$'
	   OR p_login LIKE 'pg\_%' OR p_login IN ('public', 'none') THEN
		RAISE EXCEPTION 'Invalid login name'
			USING ERRCODE = '22023', DETAIL = coalesce(p_login, '');
	END IF;
	IF v_name IS NULL OR v_name = '' THEN
		RAISE EXCEPTION 'Full name is required' USING ERRCODE = '22023';
	END IF;
	IF p_role IS NULL OR p_role NOT IN ('clerk', 'helper', 'reviewer', 'supervisor', 'admin', 'kiosk') THEN
		RAISE EXCEPTION 'Invalid staff role'
			USING ERRCODE = '22023', DETAIL = coalesce(p_role, '');
	END IF;
	IF v_dept IS NOT NULL AND NOT EXISTS (SELECT 1 FROM core.department d WHERE d.code = v_dept) THEN
		RAISE EXCEPTION 'No such department'
			USING ERRCODE = 'P0002', DETAIL = v_dept;
	END IF;
	IF v_dept IS NULL AND p_role = 'reviewer' THEN
		RAISE EXCEPTION 'A reviewer must belong to a department' USING ERRCODE = '22023';
	END IF;
	PERFORM core.check_window(p_window);
	PERFORM core.check_verifier(p_verifier);
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = p_login)
	   OR EXISTS (SELECT 1 FROM core.staff s WHERE s.login = p_login) THEN
		RAISE EXCEPTION 'A login with that name already exists'
			USING ERRCODE = '23505', DETAIL = p_login;
	END IF;
	BEGIN
		EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I',
			       p_login, p_verifier, 'cd_' || p_role);
	EXCEPTION WHEN duplicate_object THEN
		-- Another admin created the same login a moment ago.
		RAISE EXCEPTION 'A login with that name already exists'
			USING ERRCODE = '23505', DETAIL = p_login;
	END;
	INSERT INTO core.staff (login, full_name, role, dept_code, window_no)
	VALUES (p_login, v_name, p_role, v_dept, p_window);
	-- Never the verifier.
	PERFORM core.audit_write('staff_add', 'staff:' || p_login,
		jsonb_build_object('full_name', v_name, 'role', p_role,
				   'dept_code', v_dept, 'window_no', p_window));
END
$$;

-- Takes the login right away (ALTER ROLE NOLOGIN) and marks the staff row
-- inactive; api functions refuse the account from its next call on, even on
-- a connection opened before. Disabling a disabled account changes nothing.
CREATE FUNCTION api.staff_disable(p_op uuid, p_login text) RETURNS void
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_me text;
	v_staff core.staff;
BEGIN
	v_me := core.require_role('admin');
	IF NOT core.op_begin(p_op, 'api.staff_disable') THEN
		RETURN;
	END IF;
	IF p_login = v_me THEN
		RAISE EXCEPTION 'You cannot disable your own account'
			USING ERRCODE = '22023', DETAIL = p_login;
	END IF;
	SELECT s.* INTO v_staff FROM core.staff s WHERE s.login = p_login FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such staff member'
			USING ERRCODE = 'P0002', DETAIL = coalesce(p_login, '');
	END IF;
	IF NOT v_staff.active THEN
		RETURN;
	END IF;
	IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = p_login) THEN
		EXECUTE format('ALTER ROLE %I NOLOGIN', p_login);
	END IF;
	UPDATE core.staff SET active = false, disabled_at = now() WHERE login = p_login;
	PERFORM core.audit_write('staff_disable', 'staff:' || p_login, '{}'::jsonb);
END
$$;

-- An admin sets anyone's password; every staff member may set their own.
CREATE FUNCTION api.staff_set_password(p_op uuid, p_login text, p_verifier text) RETURNS void
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
DECLARE
	v_me text;
BEGIN
	v_me := core.require_role('clerk', 'helper', 'reviewer', 'supervisor', 'admin', 'kiosk');
	IF p_login IS DISTINCT FROM v_me THEN
		PERFORM core.require_role('admin');
	END IF;
	IF NOT core.op_begin(p_op, 'api.staff_set_password') THEN
		RETURN;
	END IF;
	PERFORM core.check_verifier(p_verifier);
	PERFORM 1 FROM core.staff s WHERE s.login = p_login FOR UPDATE;
	IF NOT FOUND OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = p_login) THEN
		RAISE EXCEPTION 'No such staff member'
			USING ERRCODE = 'P0002', DETAIL = coalesce(p_login, '');
	END IF;
	EXECUTE format('ALTER ROLE %I PASSWORD %L', p_login, p_verifier);
	PERFORM core.audit_write('staff_set_password', 'staff:' || p_login,
				 jsonb_build_object('own', p_login = v_me));
END
$$;

CREATE FUNCTION api.staff_list()
	RETURNS TABLE (login text, full_name text, role text, dept_code text, window_no int,
		       active boolean, created_at timestamptz)
	LANGUAGE plpgsql STABLE SECURITY DEFINER
	SET search_path = pg_catalog, core, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM core.require_role('admin', 'supervisor');
	RETURN QUERY
	SELECT s.login, s.full_name, s.role, s.dept_code, s.window_no, s.active, s.created_at
	FROM core.staff s
	ORDER BY s.login;
END
$$;

-- ---------------------------------------------------------------------------
-- Rights

REVOKE ALL ON ALL TABLES IN SCHEMA core FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA core FROM PUBLIC;
REVOKE ALL ON api.departments FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;

GRANT SELECT ON api.departments TO cd_staff;
GRANT EXECUTE ON FUNCTION api.whoami() TO cd_staff;
GRANT EXECUTE ON FUNCTION api.session_start(int) TO cd_staff;
GRANT EXECUTE ON FUNCTION api.staff_set_password(uuid, text, text) TO cd_staff;
GRANT EXECUTE ON FUNCTION api.dept_add(uuid, text, text) TO cd_admin;
GRANT EXECUTE ON FUNCTION api.staff_add(uuid, text, text, text, text, int, text) TO cd_admin;
GRANT EXECUTE ON FUNCTION api.staff_disable(uuid, text) TO cd_admin;
GRANT EXECUTE ON FUNCTION api.staff_list() TO cd_admin, cd_supervisor;

RESET ROLE;
