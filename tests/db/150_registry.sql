-- The shared-data registers through postgres_fdw (sql/013_shared_data.sql):
-- clerks look people and enterprises up, each look-up writes an audit row
-- that never holds the identity number in clear; nobody else may; the
-- foreign server is set up without a stored password; core.configure is
-- for the set-up superuser only and can run again.
-- Needs the demo registers (sql/shared/demo.sql) reachable as
-- scripts/cluster.sh sets them up.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(30);

\ir lib/error_of_detail.sql
CREATE TEMP TABLE mark AS SELECT last_id FROM core.audit_head;
GRANT SELECT ON mark TO PUBLIC;

-- ------------------------------------------------------------------ the set-up
SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_class c
	   WHERE c.relnamespace = 'shared'::regnamespace AND c.relkind = 'f'),
	ARRAY['civil_affairs', 'elicence', 'enterprise', 'population'], 'the registers are imported into schema shared');
SELECT is_empty($$SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'shared'::regnamespace
		  AND c.relowner <> 'cd_owner'::regrole$$, 'cd_owner owns them');
SELECT ok((SELECT srvoptions @> ARRAY['dbname=counterdesk_shared'] FROM pg_foreign_server WHERE srvname = 'shared_data'),
	'the foreign server points at the shared-data database');
SELECT results_eq($$SELECT u.usename = 'cd_owner', u.umoptions @> ARRAY['password_required=false'],
			   EXISTS (SELECT 1 FROM unnest(u.umoptions) o WHERE o LIKE 'password=%')
		    FROM pg_user_mappings u WHERE u.srvname = 'shared_data'$$,
	$$VALUES (true, true, false)$$,
	'one user mapping, for cd_owner, with no password stored');
SELECT is_empty($$SELECT r FROM unnest(ARRAY['public','cd_staff','cd_clerk','cd_helper','cd_reviewer','cd_supervisor','cd_admin','cd_kiosk']) r
		  WHERE has_schema_privilege(r, 'shared', 'USAGE') OR has_schema_privilege(r, 'fdw', 'USAGE')
		     OR has_server_privilege(r, 'shared_data', 'USAGE')$$,
	'no staff group may use schema shared, the wrapper''s schema or the foreign server');

-- ------------------------------------------------------------------ look-ups
SET SESSION AUTHORIZATION clerk1;
SELECT results_eq($$SELECT * FROM api.registry_person('11010519491231002x', '核验申请人身份')$$,
	$$VALUES ('王秀英'::text, 'F'::text, '1949-12-31'::date, '北京市朝阳区光华路18号院3号楼2单元602室'::text, 'alive'::text)$$,
	'a clerk finds the demo person (lower-case x accepted)');
RESET SESSION AUTHORIZATION;
CREATE TEMP VIEW last_audit AS SELECT * FROM core.audit WHERE id > (SELECT last_id FROM mark) ORDER BY id;
SELECT results_eq($$SELECT actor, action, object, detail FROM last_audit$$,
	$$VALUES ('clerk1'::text, 'registry_lookup'::text, 'registry:person'::text,
		  '{"purpose": "核验申请人身份", "kind": "person", "id_mask": "110105********002X", "found": true}'::jsonb)$$,
	'the look-up wrote one audit row: who, why, the masked number, found');
SELECT is((SELECT count(*)::int FROM last_audit WHERE detail::text ~ '11010519491231002|19491231'), 0,
	'the audit row does not hold the identity number or the birth date');
SET SESSION AUTHORIZATION clerk1;
SELECT is_empty($$SELECT * FROM api.registry_person('110105194912310021', '核验')$$, 'an unknown number finds nobody');
SELECT results_eq($$SELECT name, legal_rep_id, status FROM api.registry_enterprise('91330702ma2d3m0a0f', '企业开办核验')$$,
	$$VALUES ('金华市婺城区鑫盛餐饮管理有限公司'::text, '330702197506303578'::text, 'active'::text)$$,
	'a clerk finds the demo enterprise');
SELECT is(pg_temp.error_of($$SELECT * FROM api.registry_person('11010519491231002X', '  ')$$),
	'22023 A purpose is required for a registry look-up | ', 'a look-up without a purpose is refused');
SELECT is(pg_temp.error_of($$SELECT * FROM api.registry_person('1101051949', '核验')$$),
	'22023 Invalid identity number | **********', 'a malformed number is refused (and not echoed in clear)');
SELECT is(pg_temp.error_of($$SELECT * FROM api.registry_enterprise('91330702MA2D3M0A0I', '核验')$$),
	'22023 Invalid credit code | 91330702MA2D3M0A0I', 'a malformed credit code is refused');
SELECT throws_ok($$SELECT * FROM shared.population LIMIT 1$$, '42501', NULL, 'a clerk cannot read the foreign tables');
SELECT throws_ok($$SELECT core.configure('x', 'x', '330702', '', '', '', '', 5)$$, '42501', NULL,
	'a clerk cannot call core.configure');
RESET SESSION AUTHORIZATION;
SELECT results_eq($$SELECT action, detail ->> 'kind', detail ->> 'found', detail ->> 'id_mask', detail ->> 'uscc' FROM last_audit$$,
	$$VALUES ('registry_lookup'::text, 'person'::text, 'true'::text, '110105********002X'::text, NULL::text),
		 ('registry_lookup', 'person', 'false', '110105********0021', NULL),
		 ('registry_lookup', 'enterprise', 'true', NULL, '91330702MA2D3M0A0F')$$,
	'every look-up is audited, found or not; refused ones are not');

SET SESSION AUTHORIZATION green1;
SELECT isnt_empty($$SELECT * FROM api.registry_person('330702193811112489', '绿色通道代办')$$,
	'a green-channel helper looks people up too');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT throws_ok($$SELECT * FROM api.registry_person('11010519491231002X', '核验')$$, '42501', NULL,
	'a reviewer cannot call registry_person');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION super1;
SELECT throws_ok($$SELECT * FROM api.registry_enterprise('91330702MA2D3M0A0F', '核验')$$, '42501', NULL,
	'a supervisor cannot call registry_enterprise');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ configure again
SELECT is(pg_temp.error_of($$SELECT core.configure('330702001', 'x', '33070', '', '', '', '', 5)$$),
	'22023 Region must be a 6-digit GB/T 2260 code | 33070', 'configure checks the region');
SELECT is(pg_temp.error_of($$SELECT core.configure('330702001', 'x', '330702', '', '', '', '', 0)$$),
	'22023 Commitment days must be between 1 and 60 | 0', 'configure checks the commitment days');
-- The shared-data server down (here: no such database): configure says so
-- and changes nothing.
SELECT matches(pg_temp.error_of(format($$SELECT core.configure(%L, %L, %L, %L, '', 'no_such_database', 'cd_registry_reader', 9)$$,
		(SELECT value FROM core.setting WHERE key = 'centre_code'), (SELECT value FROM core.setting WHERE key = 'centre_name'),
		(SELECT value FROM core.setting WHERE key = 'region'), (SELECT value FROM core.setting WHERE key = 'shared_host'))),
	'^08001 The shared-data registers could not be imported \| could not connect to server "shared_data".*no_such_database',
	'configure with the shared-data database unreachable fails, giving libpq''s reason');
SELECT is((SELECT value FROM core.setting WHERE key = 'shared_dbname'), 'counterdesk_shared', '... and changes nothing');
SET SESSION AUTHORIZATION clerk1;
SELECT isnt_empty($$SELECT * FROM api.registry_person('11010519491231002X', '核验')$$, '... the registers still work');
RESET SESSION AUTHORIZATION;
SELECT lives_ok(format($$SELECT core.configure(%L, %L, %L, %L, %L, %L, %L, 7)$$,
		(SELECT value FROM core.setting WHERE key = 'centre_code'), (SELECT value FROM core.setting WHERE key = 'centre_name'),
		(SELECT value FROM core.setting WHERE key = 'region'), (SELECT value FROM core.setting WHERE key = 'shared_host'),
		(SELECT value FROM core.setting WHERE key = 'shared_port'), (SELECT value FROM core.setting WHERE key = 'shared_dbname'),
		(SELECT value FROM core.setting WHERE key = 'shared_user')),
	'configure runs again (the superuser, as db migrate does)');
SELECT is((SELECT value FROM core.setting WHERE key = 'commitment_days'), '7', 'and stores the new settings');
SELECT is((SELECT detail FROM last_audit WHERE action = 'configure' ORDER BY id DESC LIMIT 1),
	'{"commitment_days": "7"}'::jsonb, 'an audit row names what changed');
SET SESSION AUTHORIZATION clerk1;
SELECT isnt_empty($$SELECT * FROM api.registry_person('360426199101010071', '核验')$$,
	'the re-made server and import work');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::int FROM pg_user_mappings WHERE srvname = 'shared_data'), 1, 'still one user mapping');
DROP FOREIGN TABLE shared.population;
SET SESSION AUTHORIZATION clerk1;
SELECT is(pg_temp.error_of($$SELECT * FROM api.registry_person('11010519491231002X', '核验')$$),
	'55000 The shared-data registers are not available | population', 'without the foreign table a look-up refuses clearly');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
