-- Schema, roles, ownership and the rights layout (DESIGN.md, "Where rights
-- are enforced"). The queries over pg_proc / pg_class cover every object in
-- api and core, including those added by later migrations.
-- Needs: migrations applied, sql/demo loaded, CREATE EXTENSION pgtap.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(40);

-- Schemas and tables
SELECT has_schema('core');
SELECT has_schema('api');
SELECT schema_owner_is('core', 'cd_owner');
SELECT schema_owner_is('api', 'cd_owner');
SELECT has_table('core', 'department', 'core.department exists');
SELECT has_table('core', 'staff', 'core.staff exists');
SELECT has_table('core', 'operation', 'core.operation exists');
SELECT has_table('core', 'audit', 'core.audit exists');
SELECT has_table('core', 'audit_head', 'core.audit_head exists');
SELECT has_view('api', 'departments', 'api.departments exists');
SELECT has_view('api', 'audit_log', 'api.audit_log exists');

-- Roles
SELECT results_eq(
	$$SELECT count(*)::int FROM pg_roles WHERE rolname IN
	  ('cd_owner','cd_staff','cd_clerk','cd_helper','cd_reviewer','cd_supervisor','cd_admin','cd_kiosk')
	  AND NOT rolcanlogin AND NOT rolsuper AND NOT rolbypassrls$$,
	ARRAY[8], 'the eight cd_ roles exist, none can log in, none is superuser or bypasses RLS');
SELECT ok((SELECT rolcreaterole FROM pg_roles WHERE rolname = 'cd_owner'), 'cd_owner has CREATEROLE');
SELECT is_member_of('cd_staff', ARRAY['cd_clerk','cd_helper','cd_reviewer','cd_supervisor','cd_admin','cd_kiosk'],
	'every staff group is a member of cd_staff');
SELECT is_member_of('cd_clerk', ARRAY['cd_helper'], 'cd_helper is a member of cd_clerk');
SELECT ok(NOT pg_has_role('cd_clerk', 'cd_helper', 'MEMBER'), 'cd_clerk is not a member of cd_helper');
SELECT is_empty(
	$$SELECT g FROM unnest(ARRAY['cd_staff','cd_clerk','cd_helper','cd_reviewer','cd_supervisor','cd_admin','cd_kiosk']) g
	  WHERE pg_has_role(g, 'cd_owner', 'MEMBER')$$,
	'no staff group can become cd_owner');

-- Ownership
SELECT is_empty(
	$$SELECT c.oid::regclass FROM pg_class c
	  WHERE c.relnamespace IN ('core'::regnamespace, 'api'::regnamespace)
	    AND c.relowner <> 'cd_owner'::regrole$$,
	'every table, view, index and sequence in core and api is owned by cd_owner');
SELECT is_empty(
	$$SELECT p.oid::regprocedure FROM pg_proc p
	  WHERE p.pronamespace IN ('core'::regnamespace, 'api'::regnamespace)
	    AND p.proowner <> 'cd_owner'::regrole$$,
	'every function in core and api is owned by cd_owner');

-- api functions: SECURITY DEFINER, pinned search_path, never PUBLIC
SELECT is_empty(
	$$SELECT p.oid::regprocedure FROM pg_proc p
	  WHERE p.pronamespace = 'api'::regnamespace AND NOT p.prosecdef$$,
	'every api function is SECURITY DEFINER');
SELECT is_empty(
	$$SELECT p.oid::regprocedure FROM pg_proc p
	  WHERE p.pronamespace = 'api'::regnamespace
	    AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, core, pg_temp'], false)$$,
	'every api function pins search_path = pg_catalog, core, pg_temp');
SELECT is_empty(
	$$SELECT p.oid::regprocedure FROM pg_proc p
	  WHERE p.pronamespace IN ('core'::regnamespace, 'api'::regnamespace)
	    AND (p.proacl IS NULL
		 OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a
			    WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'))$$,
	'no function in api or core is executable by PUBLIC');
SELECT is_empty(
	$$SELECT p.oid::regprocedure FROM pg_proc p
	  WHERE p.pronamespace = 'core'::regnamespace AND p.prosecdef$$,
	'no core function is SECURITY DEFINER (only api functions are entry points)');
SELECT is_empty(
	$$SELECT defaclrole::regrole FROM pg_default_acl
	  WHERE defaclrole = 'cd_owner'::regrole AND defaclobjtype = 'f' AND defaclnamespace = 0
	    AND EXISTS (SELECT 1 FROM aclexplode(defaclacl) a WHERE a.grantee = 0)
	  UNION ALL
	  SELECT 'cd_owner'::regrole WHERE NOT EXISTS (
	    SELECT 1 FROM pg_default_acl WHERE defaclrole = 'cd_owner'::regrole
	      AND defaclobjtype = 'f' AND defaclnamespace = 0)$$,
	'functions cd_owner creates later are not executable by PUBLIC by default');

-- Nobody but cd_owner touches core
SELECT is_empty(
	$$SELECT r, c.oid::regclass FROM pg_class c,
	    unnest(ARRAY['public','cd_staff','cd_clerk','cd_helper','cd_reviewer','cd_supervisor','cd_admin','cd_kiosk']) r
	  WHERE c.relnamespace = 'core'::regnamespace AND c.relkind IN ('r','p','v','m','S','f')
	    AND (CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(r, c.oid, 'USAGE,SELECT,UPDATE')
		      ELSE has_table_privilege(r, c.oid, 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER') END
		 OR has_any_column_privilege(r, c.oid, 'SELECT,INSERT,UPDATE,REFERENCES'))$$,
	'PUBLIC and the staff groups have no privilege on any core table');
SELECT is_empty(
	$$SELECT r FROM unnest(ARRAY['public','cd_staff','cd_clerk','cd_helper','cd_reviewer','cd_supervisor','cd_admin','cd_kiosk']) r
	  WHERE has_schema_privilege(r, 'core', 'USAGE') OR has_schema_privilege(r, 'core', 'CREATE')
	     OR has_schema_privilege(r, 'api', 'CREATE')$$,
	'no staff group may use schema core or create in api');
SELECT ok(has_schema_privilege('cd_staff', 'api', 'USAGE'), 'cd_staff has USAGE on api');
SELECT ok(NOT has_schema_privilege('public', 'api', 'USAGE'), 'PUBLIC has no USAGE on api');

-- Function signatures the C code calls
SELECT has_function('api', 'whoami', ARRAY[]::text[], 'api.whoami()');
SELECT has_function('api', 'session_start', ARRAY['integer'], 'api.session_start(int)');
SELECT has_function('api', 'dept_add', ARRAY['uuid','text','text'], 'api.dept_add(uuid, text, text)');
SELECT has_function('api', 'staff_add', ARRAY['uuid','text','text','text','text','integer','text'],
	'api.staff_add(uuid, text, text, text, text, int, text)');
SELECT has_function('api', 'staff_disable', ARRAY['uuid','text'], 'api.staff_disable(uuid, text)');
SELECT has_function('api', 'staff_set_password', ARRAY['uuid','text','text'], 'api.staff_set_password(uuid, text, text)');
SELECT has_function('api', 'staff_list', ARRAY[]::text[], 'api.staff_list()');
SELECT has_function('api', 'audit_verify', ARRAY[]::text[], 'api.audit_verify()');
SELECT has_function('api', 'op_committed', ARRAY['uuid'], 'api.op_committed(uuid)');

-- Who may call what (direct grants to the groups; helpers inherit clerk's)
SELECT set_eq(
	$$SELECT p.oid::regprocedure::text, a.grantee::regrole::text
	  FROM pg_proc p, aclexplode(p.proacl) a
	  WHERE p.pronamespace = 'api'::regnamespace AND a.privilege_type = 'EXECUTE'
	    AND a.grantee <> p.proowner
	    AND p.proname IN ('whoami','session_start','dept_add','staff_add','staff_disable',
			      'staff_set_password','staff_list','audit_verify','op_committed')$$,
	$$VALUES ('api.whoami()', 'cd_staff'),
		 ('api.session_start(integer)', 'cd_staff'),
		 ('api.op_committed(uuid)', 'cd_staff'),
		 ('api.staff_set_password(uuid,text,text)', 'cd_staff'),
		 ('api.dept_add(uuid,text,text)', 'cd_admin'),
		 ('api.staff_add(uuid,text,text,text,text,integer,text)', 'cd_admin'),
		 ('api.staff_disable(uuid,text)', 'cd_admin'),
		 ('api.staff_list()', 'cd_admin'),
		 ('api.staff_list()', 'cd_supervisor'),
		 ('api.audit_verify()', 'cd_admin'),
		 ('api.audit_verify()', 'cd_supervisor')$$,
	'EXECUTE on the staff and audit functions is granted to exactly the intended groups');
SELECT set_eq(
	$$SELECT c.relname::text, a.grantee::regrole::text, a.privilege_type::text
	  FROM pg_class c, aclexplode(c.relacl) a
	  WHERE c.relnamespace = 'api'::regnamespace AND c.relname IN ('departments','audit_log')
	    AND a.grantee <> c.relowner$$,
	$$VALUES ('departments', 'cd_staff', 'SELECT'),
		 ('audit_log', 'cd_supervisor', 'SELECT'),
		 ('audit_log', 'cd_admin', 'SELECT')$$,
	'SELECT on the api views is granted to exactly the intended groups');

-- Demo data
SELECT set_has(
	$$SELECT code, name FROM core.department$$,
	$$VALUES ('MZ','民政'), ('RS','人社'), ('YB','医保'), ('GA','公安'), ('BDC','不动产登记'),
		 ('SCJG','市场监管'), ('WJ','卫健'), ('SW','税务'), ('ZHCK','综合窗口')$$,
	'the demo departments are loaded');

SELECT * FROM finish();
ROLLBACK;
