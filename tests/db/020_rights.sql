-- What each kind of staff member can and cannot do, acting as the demo
-- logins (SET SESSION AUTHORIZATION sets session_user, which is what the api
-- functions and the policies go by).
-- Needs: migrations applied, sql/demo loaded, CREATE EXTENSION pgtap.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(43);

-- A login role that is not in core.staff, and a verifier-shaped string.
CREATE ROLE cd_test_outsider LOGIN IN ROLE cd_clerk;
CREATE TEMP TABLE fake (v text);
INSERT INTO fake VALUES ('SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0$'
	|| encode(sha256('stored'), 'base64') || ':' || encode(sha256('server'), 'base64'));
GRANT SELECT ON fake TO PUBLIC;

-- ---------------------------------------------------------------- clerk1
SET SESSION AUTHORIZATION clerk1;
SELECT is(session_user::text, 'clerk1', 'acting as clerk1');
SELECT throws_ok($$SELECT * FROM core.staff$$, '42501', NULL, 'clerk cannot SELECT core.staff');
SELECT throws_ok($$SELECT * FROM core.audit$$, '42501', NULL, 'clerk cannot SELECT core.audit');
SELECT throws_ok($$INSERT INTO core.department (code, name) VALUES ('XX', 'x')$$, '42501', NULL,
	'clerk cannot INSERT into core.department');
SELECT throws_ok($$UPDATE core.staff SET role = 'admin' WHERE login = 'clerk1'$$, '42501', NULL,
	'clerk cannot UPDATE core.staff');
SELECT throws_ok($$DELETE FROM core.audit$$, '42501', NULL, 'clerk cannot DELETE from core.audit');
SELECT throws_ok($$SELECT core.audit_write('forged', '', '{}')$$, '42501', NULL,
	'clerk cannot call the internal audit writer');
SELECT throws_ok($$SELECT api.staff_add(gen_random_uuid(), 'mallory', 'M', 'admin', NULL, NULL, (SELECT v FROM fake))$$,
	'42501', NULL, 'clerk cannot call api.staff_add');
SELECT throws_ok($$SELECT api.dept_add(gen_random_uuid(), 'XX', 'x')$$, '42501', NULL,
	'clerk cannot call api.dept_add');
SELECT throws_ok($$SELECT api.staff_disable(gen_random_uuid(), 'admin1')$$, '42501', NULL,
	'clerk cannot call api.staff_disable');
SELECT throws_ok($$SELECT * FROM api.staff_list()$$, '42501', NULL, 'clerk cannot read api.staff_list');
SELECT throws_ok($$SELECT * FROM api.audit_verify()$$, '42501', NULL, 'clerk cannot call api.audit_verify');
SELECT throws_ok($$SELECT * FROM api.audit_log$$, '42501', NULL, 'clerk cannot read api.audit_log');
SELECT throws_ok($$SET ROLE cd_owner$$, '42501', NULL, 'clerk cannot SET ROLE cd_owner');
SELECT throws_ok($$SET ROLE admin1$$, '42501', NULL, 'clerk cannot SET ROLE to an admin');
SELECT throws_ok($$SELECT api.staff_set_password(gen_random_uuid(), 'admin1', (SELECT v FROM fake))$$,
	'42501', 'You do not have the rights for this operation',
	'clerk cannot set another staff member''s password');
SELECT lives_ok($$SELECT api.staff_set_password(gen_random_uuid(), 'clerk1', (SELECT v FROM fake))$$,
	'clerk can set their own password');
SELECT set_has($$SELECT code FROM api.departments$$, $$VALUES ('ZHCK'), ('MZ')$$,
	'clerk reads api.departments');
SELECT results_eq($$SELECT login, role, dept_code, dept_name, window_no FROM api.whoami()$$,
	$$VALUES ('clerk1'::text, 'clerk'::text, 'ZHCK'::text, '综合窗口'::text, 1)$$,
	'whoami as clerk1');
RESET SESSION AUTHORIZATION;

-- Defence in depth: even with an EXECUTE grant by mistake, the function
-- itself refuses a clerk.
GRANT EXECUTE ON FUNCTION api.staff_add(uuid, text, text, text, text, int, text) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.dept_add(uuid, text, text) TO cd_clerk;
GRANT EXECUTE ON FUNCTION api.staff_list() TO cd_clerk;
SET SESSION AUTHORIZATION clerk1;
SELECT throws_ok($$SELECT api.staff_add(gen_random_uuid(), 'mallory', 'M', 'admin', NULL, NULL, (SELECT v FROM fake))$$,
	'42501', 'You do not have the rights for this operation',
	'api.staff_add refuses a clerk by itself too');
SELECT throws_ok($$SELECT api.dept_add(gen_random_uuid(), 'XX', 'x')$$,
	'42501', 'You do not have the rights for this operation',
	'api.dept_add refuses a clerk by itself too');
SELECT throws_ok($$SELECT * FROM api.staff_list()$$,
	'42501', 'You do not have the rights for this operation',
	'api.staff_list refuses a clerk by itself too');
RESET SESSION AUTHORIZATION;
REVOKE EXECUTE ON FUNCTION api.staff_add(uuid, text, text, text, text, int, text) FROM cd_clerk;
REVOKE EXECUTE ON FUNCTION api.dept_add(uuid, text, text) FROM cd_clerk;
REVOKE EXECUTE ON FUNCTION api.staff_list() FROM cd_clerk;

-- ---------------------------------------------------------------- whoami for each demo role
SET SESSION AUTHORIZATION clerk2;
SELECT results_eq($$SELECT login, full_name, role, dept_code, window_no FROM api.whoami()$$,
	$$VALUES ('clerk2'::text, '李娜'::text, 'clerk'::text, 'ZHCK'::text, 2)$$, 'whoami as clerk2');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION green1;
SELECT results_eq($$SELECT login, role, dept_code, window_no FROM api.whoami()$$,
	$$VALUES ('green1'::text, 'helper'::text, 'ZHCK'::text, 9)$$, 'whoami as green1 (helper)');
SELECT throws_ok($$SELECT * FROM api.staff_list()$$, '42501', NULL, 'helper cannot read api.staff_list');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT results_eq($$SELECT login, role, dept_code, dept_name, window_no FROM api.whoami()$$,
	$$VALUES ('reviewer.mz'::text, 'reviewer'::text, 'MZ'::text, '民政'::text, NULL::int)$$,
	'whoami as reviewer.mz');
SELECT throws_ok($$SELECT * FROM api.staff_list()$$, '42501', NULL, 'reviewer cannot read api.staff_list');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION "reviewer.rs";
SELECT results_eq($$SELECT login, role, dept_code FROM api.whoami()$$,
	$$VALUES ('reviewer.rs'::text, 'reviewer'::text, 'RS'::text)$$, 'whoami as reviewer.rs');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION "reviewer.yb";
SELECT results_eq($$SELECT login, role, dept_code FROM api.whoami()$$,
	$$VALUES ('reviewer.yb'::text, 'reviewer'::text, 'YB'::text)$$, 'whoami as reviewer.yb');
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION super1;
SELECT results_eq($$SELECT login, role, dept_code FROM api.whoami()$$,
	$$VALUES ('super1'::text, 'supervisor'::text, 'ZHCK'::text)$$, 'whoami as super1');
SELECT set_has($$SELECT login, role FROM api.staff_list()$$,
	$$VALUES ('clerk1', 'clerk'), ('green1', 'helper'), ('reviewer.mz', 'reviewer'), ('admin1', 'admin')$$,
	'supervisor reads api.staff_list');
SELECT isnt_empty($$SELECT * FROM api.audit_log ORDER BY id DESC LIMIT 5$$, 'supervisor reads api.audit_log');
SELECT throws_ok($$SELECT api.dept_add(gen_random_uuid(), 'XX', 'x')$$, '42501', NULL,
	'supervisor cannot call api.dept_add');
SELECT throws_ok($$SELECT api.staff_disable(gen_random_uuid(), 'clerk1')$$, '42501', NULL,
	'supervisor cannot call api.staff_disable');
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION admin1;
SELECT results_eq($$SELECT login, full_name, role, dept_code, dept_name, window_no FROM api.whoami()$$,
	$$VALUES ('admin1'::text, '周强'::text, 'admin'::text, 'ZHCK'::text, '综合窗口'::text, NULL::int)$$,
	'whoami as admin1');
SELECT throws_ok($$SELECT * FROM core.staff$$, '42501', NULL, 'even an admin cannot SELECT core.staff');
SELECT isnt_empty($$SELECT * FROM api.staff_list()$$, 'admin reads api.staff_list');
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------- not staff
SELECT throws_ok($$SELECT * FROM api.whoami()$$, '42501', 'You are not an active staff member',
	'the superuser is not a staff member');
SET SESSION AUTHORIZATION cd_test_outsider;
SELECT throws_ok($$SELECT * FROM api.whoami()$$, '42501', 'You are not an active staff member',
	'a login in a staff group but not in core.staff is refused by whoami');
SELECT throws_ok($$SELECT * FROM api.session_start(1)$$, '42501', 'You are not an active staff member',
	'... and by session_start');
SELECT throws_ok($$SELECT api.staff_set_password(gen_random_uuid(), 'cd_test_outsider', (SELECT v FROM fake))$$,
	'42501', 'You are not an active staff member', '... and by staff_set_password');
RESET SESSION AUTHORIZATION;

-- Identity does not come from settings the client can change.
SET SESSION AUTHORIZATION clerk1;
SET application_name = 'admin1';
SET counterdesk.login = 'admin1';
SELECT is((SELECT login FROM api.whoami()), 'clerk1', 'settings do not change who the caller is');
SELECT throws_ok($$SELECT api.dept_add(gen_random_uuid(), 'XX', 'x')$$, '42501', NULL,
	'... nor what the caller may do');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
