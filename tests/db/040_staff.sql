-- Departments and staff accounts through the api: validation, duplicates,
-- operation ids, passwords only as SCRAM verifiers, disabling.
-- Needs: migrations applied, sql/demo loaded, CREATE EXTENSION pgtap.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(56);

-- Well-formed verifiers as PQencryptPasswordConn makes them (the keys are
-- not derived from any password: nobody can log in with these).
CREATE TEMP TABLE v (name text PRIMARY KEY, verifier text);
INSERT INTO v VALUES
	('a', 'SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0$' || encode(sha256('a-stored'), 'base64') || ':' || encode(sha256('a-server'), 'base64')),
	('b', 'SCRAM-SHA-256$4096:b3RoZXJzYWx0$' || encode(sha256('b-stored'), 'base64') || ':' || encode(sha256('b-server'), 'base64'));
CREATE TEMP TABLE ops (name text PRIMARY KEY, op uuid NOT NULL DEFAULT gen_random_uuid());
INSERT INTO ops (name) VALUES ('dept'), ('staff'), ('pw'), ('disable');
GRANT SELECT ON v, ops TO PUBLIC;

-- ---------------------------------------------------------------- departments
SET SESSION AUTHORIZATION admin1;
SELECT lives_ok($$SELECT api.dept_add((SELECT op FROM ops WHERE name = 'dept'), 't_zj', ' 住建 ')$$,
	'admin adds a department');
SELECT results_eq($$SELECT code, name FROM api.departments WHERE code = 'T_ZJ'$$,
	$$VALUES ('T_ZJ'::text, '住建'::text)$$, 'the code is upper-cased and the name trimmed');
SELECT lives_ok($$SELECT api.dept_add((SELECT op FROM ops WHERE name = 'dept'), 't_zj', ' 住建 ')$$,
	'the same call with the same operation id is harmless');
SELECT throws_ok($$SELECT api.dept_add(gen_random_uuid(), 'T_ZJ', '住建局')$$,
	'23505', 'Department already exists', 'a duplicate department code is refused');
SELECT throws_ok($$SELECT api.dept_add(gen_random_uuid(), '1AB', 'x')$$,
	'22023', 'Invalid department code', 'a code must start with a letter');
SELECT throws_ok($$SELECT api.dept_add(gen_random_uuid(), 'ABCDEFGHIJKLMNOPQ', 'x')$$,
	'22023', 'Invalid department code', 'a code has at most 16 characters');
SELECT throws_ok($$SELECT api.dept_add(gen_random_uuid(), 'QQ', '  ')$$,
	'22023', 'Department name is required', 'a department needs a name');
SELECT throws_ok($$SELECT api.dept_add(NULL, 'QQ', 'x')$$,
	'22023', 'An operation id is required', 'a state change needs an operation id');
SELECT throws_ok($$SELECT api.staff_disable((SELECT op FROM ops WHERE name = 'dept'), 'clerk2')$$,
	'22023', 'This operation id was already used for a different operation',
	'an operation id cannot be reused for another function');
SELECT ok(api.op_committed((SELECT op FROM ops WHERE name = 'dept')), 'op_committed: a recorded operation');
SELECT ok(NOT api.op_committed(gen_random_uuid()), 'op_committed: an unknown operation');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION clerk1;
SELECT ok(NOT api.op_committed((SELECT op FROM ops WHERE name = 'dept')),
	'op_committed only answers for the caller''s own operations');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::int FROM core.department WHERE code = 'T_ZJ'), 1, 'the repeated call added one department');
SELECT is((SELECT count(*)::int FROM core.audit WHERE object = 'department:T_ZJ'), 1, 'and one audit row');

-- ---------------------------------------------------------------- staff_add
SET SESSION AUTHORIZATION admin1;
SELECT lives_ok($$SELECT api.staff_add((SELECT op FROM ops WHERE name = 'staff'), 't.clerk9', '孙丽', 'clerk', 'zhck', 7,
			(SELECT verifier FROM v WHERE name = 'a'))$$, 'admin adds a clerk');
SELECT lives_ok($$SELECT api.staff_add((SELECT op FROM ops WHERE name = 'staff'), 't.clerk9', '孙丽', 'clerk', 'zhck', 7,
			(SELECT verifier FROM v WHERE name = 'a'))$$, 'the same call again is harmless');
SELECT results_eq($$SELECT login, full_name, role, dept_code, window_no, active FROM api.staff_list() WHERE login = 't.clerk9'$$,
	$$VALUES ('t.clerk9'::text, '孙丽'::text, 'clerk'::text, 'ZHCK'::text, 7, true)$$,
	'the new clerk is listed once');
SELECT throws_ok($$SELECT api.staff_add(gen_random_uuid(), 't.clerk9', '孙丽', 'clerk', 'ZHCK', 7,
			(SELECT verifier FROM v WHERE name = 'a'))$$,
	'23505', 'A login with that name already exists', 'a duplicate login is refused');
SELECT throws_ok($$SELECT api.staff_add(gen_random_uuid(), 'postgres', 'x', 'clerk', NULL, NULL,
			(SELECT verifier FROM v WHERE name = 'a'))$$,
	'23505', 'A login with that name already exists', 'an existing PostgreSQL role cannot be taken over');
SELECT throws_ok($$SELECT api.staff_add(gen_random_uuid(), 'cd_admin', 'x', 'clerk', NULL, NULL,
			(SELECT verifier FROM v WHERE name = 'a'))$$,
	'23505', 'A login with that name already exists', 'nor a counterdesk group role');
SELECT throws_ok($$SELECT api.staff_add(gen_random_uuid(), 'newbie', '新人', 'clerk', 'ZHCK', NULL, 'newbie-secret')$$,
	'22023', 'Password must be sent as a SCRAM verifier, never in clear', 'a password in clear is refused');
SELECT throws_ok($$SELECT api.staff_add(gen_random_uuid(), 'newbie', '新人', 'clerk', 'ZHCK', NULL, 'SCRAM-SHA-256$4096:...')$$,
	'22023', 'Password must be sent as a SCRAM verifier, never in clear', 'a malformed verifier is refused');
SELECT throws_ok($$SELECT api.staff_add(gen_random_uuid(), 'newbie', '新人', 'clerk', 'ZHCK', NULL,
			'md5' || md5('secretnewbie'))$$,
	'22023', 'Password must be sent as a SCRAM verifier, never in clear', 'an MD5 hash is refused');
SELECT throws_ok($$SELECT api.staff_add(gen_random_uuid(), 'newbie', '新人', 'clerk', 'ZHCK', NULL, NULL)$$,
	'22023', 'Password must be sent as a SCRAM verifier, never in clear', 'no password is refused');
SELECT throws_ok($$SELECT api.staff_add(gen_random_uuid(), 'New Bie', '新人', 'clerk', 'ZHCK', NULL,
			(SELECT verifier FROM v WHERE name = 'a'))$$,
	'22023', 'Invalid login name', 'a login with a space or capitals is refused');
SELECT throws_ok($$SELECT api.staff_add(gen_random_uuid(), 'pg_evil', 'x', 'clerk', 'ZHCK', NULL,
			(SELECT verifier FROM v WHERE name = 'a'))$$,
	'22023', 'Invalid login name', 'a reserved pg_ login is refused');
SELECT throws_ok($$SELECT api.staff_add(gen_random_uuid(), 'newbie', ' ', 'clerk', 'ZHCK', NULL,
			(SELECT verifier FROM v WHERE name = 'a'))$$,
	'22023', 'Full name is required', 'a full name is required');
SELECT throws_ok($$SELECT api.staff_add(gen_random_uuid(), 'newbie', '新人', 'root', 'ZHCK', NULL,
			(SELECT verifier FROM v WHERE name = 'a'))$$,
	'22023', 'Invalid staff role', 'an unknown role is refused');
SELECT throws_ok($$SELECT api.staff_add(gen_random_uuid(), 'newbie', '新人', 'clerk', 'NOPE', NULL,
			(SELECT verifier FROM v WHERE name = 'a'))$$,
	'P0002', 'No such department', 'an unknown department is refused');
SELECT throws_ok($$SELECT api.staff_add(gen_random_uuid(), 'newbie', '新人', 'reviewer', NULL, NULL,
			(SELECT verifier FROM v WHERE name = 'a'))$$,
	'22023', 'A reviewer must belong to a department', 'a reviewer needs a department');
SELECT throws_ok($$SELECT api.staff_add(gen_random_uuid(), 'newbie', '新人', 'clerk', 'ZHCK', 1000,
			(SELECT verifier FROM v WHERE name = 'a'))$$,
	'22023', 'Window number must be between 1 and 999', 'a window number above 999 is refused');
SELECT lives_ok($$SELECT api.staff_add(gen_random_uuid(), 't.kiosk', '大厅取号机', 'kiosk', NULL, NULL,
			(SELECT verifier FROM v WHERE name = 'b'))$$, 'admin adds a kiosk without department or window');
RESET SESSION AUTHORIZATION;

SELECT results_eq(
	$$SELECT r.rolcanlogin, r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolbypassrls,
		 pg_has_role('t.clerk9', 'cd_clerk', 'MEMBER'),
		 a.rolpassword = (SELECT verifier FROM v WHERE name = 'a')
	  FROM pg_roles r JOIN pg_authid a ON a.oid = r.oid WHERE r.rolname = 't.clerk9'$$,
	$$VALUES (true, false, true, true)$$,
	'the login role exists, can log in, has no special powers, is in cd_clerk and stores the verifier as sent');
SELECT ok(pg_has_role('t.kiosk', 'cd_kiosk', 'MEMBER') AND pg_has_role('t.kiosk', 'cd_staff', 'MEMBER')
	  AND NOT pg_has_role('t.kiosk', 'cd_clerk', 'MEMBER'), 'the kiosk is in cd_kiosk only');
SELECT is_empty($$SELECT id FROM core.audit WHERE detail::text LIKE '%SCRAM%' OR detail::text LIKE '%c2Fsd%'$$,
	'no audit row holds a verifier');
SELECT results_eq($$SELECT actor, detail->>'role', detail->>'dept_code' FROM core.audit WHERE object = 'staff:t.clerk9'$$,
	$$VALUES ('admin1', 'clerk', 'ZHCK')$$, 'adding a staff member is audited once');

SET SESSION AUTHORIZATION "t.clerk9";
SELECT results_eq($$SELECT login, full_name, role, dept_code, dept_name, window_no FROM api.whoami()$$,
	$$VALUES ('t.clerk9'::text, '孙丽'::text, 'clerk'::text, 'ZHCK'::text, '综合窗口'::text, 7)$$,
	'the new clerk is who they are');
SELECT results_eq($$SELECT login, window_no FROM api.session_start(12)$$,
	$$VALUES ('t.clerk9'::text, 12)$$, 'session_start with a window uses that window');
SELECT results_eq($$SELECT window_no FROM api.session_start(NULL)$$, ARRAY[7],
	'session_start without a window uses the default one');
SELECT throws_ok($$SELECT * FROM api.session_start(0)$$,
	'22023', 'Window number must be between 1 and 999', 'session_start refuses window 0');
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------- passwords
SET SESSION AUTHORIZATION admin1;
SELECT lives_ok($$SELECT api.staff_set_password((SELECT op FROM ops WHERE name = 'pw'), 't.clerk9',
			(SELECT verifier FROM v WHERE name = 'b'))$$, 'admin sets a clerk''s password');
SELECT throws_ok($$SELECT api.staff_set_password(gen_random_uuid(), 't.clerk9', 'hunter2')$$,
	'22023', 'Password must be sent as a SCRAM verifier, never in clear', 'not in clear');
SELECT throws_ok($$SELECT api.staff_set_password(gen_random_uuid(), 'nobody.here', (SELECT verifier FROM v WHERE name = 'b'))$$,
	'P0002', 'No such staff member', 'only for staff members');
RESET SESSION AUTHORIZATION;
SELECT ok((SELECT rolpassword FROM pg_authid WHERE rolname = 't.clerk9') = (SELECT verifier FROM v WHERE name = 'b'),
	'the new verifier is stored');

-- ---------------------------------------------------------------- staff_disable
SET SESSION AUTHORIZATION admin1;
SELECT throws_ok($$SELECT api.staff_disable(gen_random_uuid(), 'admin1')$$,
	'22023', 'You cannot disable your own account', 'an admin cannot disable themselves');
SELECT throws_ok($$SELECT api.staff_disable(gen_random_uuid(), 'nobody.here')$$,
	'P0002', 'No such staff member', 'disabling an unknown login');
SELECT lives_ok($$SELECT api.staff_disable((SELECT op FROM ops WHERE name = 'disable'), 'clerk2')$$,
	'admin disables clerk2');
SELECT lives_ok($$SELECT api.staff_disable(gen_random_uuid(), 'clerk2')$$,
	'disabling a disabled account changes nothing and is no error');
SELECT results_eq($$SELECT active FROM api.staff_list() WHERE login = 'clerk2'$$, ARRAY[false],
	'clerk2 is listed as inactive');
RESET SESSION AUTHORIZATION;
SELECT results_eq($$SELECT rolcanlogin, (SELECT disabled_at IS NOT NULL FROM core.staff WHERE login = 'clerk2')
		    FROM pg_roles WHERE rolname = 'clerk2'$$,
	$$VALUES (false, true)$$, 'the role can no longer log in and the disabling time is kept');
-- The row-level-security pattern of sql/002_core.sql: a policy keyed on
-- session_user filters an api view (owned by cd_owner); a disabled member
-- sees nothing through it.
SET ROLE cd_owner;
CREATE TABLE core.t_rls (id int, dept_code text);
INSERT INTO core.t_rls VALUES (1, 'MZ'), (2, 'RS'), (3, 'ZHCK');
ALTER TABLE core.t_rls ENABLE ROW LEVEL SECURITY;
ALTER TABLE core.t_rls FORCE ROW LEVEL SECURITY;
CREATE POLICY by_dept ON core.t_rls USING (dept_code = (SELECT s.dept_code FROM core.staff s
							 WHERE s.login = session_user AND s.active));
CREATE VIEW api.t_rls AS SELECT id, dept_code FROM core.t_rls;
GRANT SELECT ON api.t_rls TO cd_staff;
RESET ROLE;
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT results_eq($$SELECT id FROM api.t_rls$$, ARRAY[1], 'a policy on session_user filters an api view (reviewer.mz)');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION clerk1;
SELECT results_eq($$SELECT id FROM api.t_rls$$, ARRAY[3], 'a policy on session_user filters an api view (clerk1)');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION clerk2;
SELECT is_empty($$SELECT id FROM api.t_rls$$, 'a disabled member sees nothing through it');
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION clerk2;
SELECT throws_ok($$SELECT * FROM api.whoami()$$, '42501', 'You are not an active staff member',
	'a disabled staff member is refused by whoami (even on a connection opened before)');
SELECT throws_ok($$SELECT api.staff_set_password(gen_random_uuid(), 'clerk2', (SELECT verifier FROM v WHERE name = 'b'))$$,
	'42501', 'You are not an active staff member', 'and cannot change their password');
RESET SESSION AUTHORIZATION;

-- The set-up superuser may create the first admin.
SELECT lives_ok($$SELECT api.staff_add(gen_random_uuid(), 't.admin', '初始管理员', 'admin', NULL, NULL,
			(SELECT verifier FROM v WHERE name = 'a'))$$, 'the superuser can add an admin (set-up)');

SELECT * FROM finish();
ROLLBACK;
