-- The outbox (sql/060_outbox.sql, docs/sync.md): rows written in the
-- accepting transaction and gone with it, one per subscribed target with
-- only what it is entitled to, the Debezium layout, claiming with a lease
-- and SKIP LOCKED, reports (delivered, refused, unreachable, dead), retry,
-- the status the dashboard reads, and who may do what.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(49);

\ir lib/error_of_detail.sql

-- ------------------------------------------------------------------ shape
SELECT has_table('core', 'outbox', 'core.outbox exists');
SELECT columns_are('core', 'outbox', ARRAY['id', 'seq', 'aggregatetype', 'aggregateid', 'type', 'payload',
	'target', 'case_id', 'created_at', 'status', 'attempts', 'last_error'],
	'core.outbox: Debezium''s outbox columns, the target and how it ended if not delivered');
SELECT col_type_is('core', 'outbox', 'id', 'uuid', 'the outbox id is a uuid (the idempotency key)');
SELECT col_type_is('core', 'outbox', 'payload', 'jsonb', 'the payload is jsonb');
SELECT is(pg_get_function_result('api.sync_status()'::regprocedure),
	'TABLE(target text, backlog integer, oldest_pending_seconds integer, delivered_today integer, failing integer, dead integer, last_error text)',
	'api.sync_status has the shape the dashboard reads');
SELECT is((SELECT rolcanlogin FROM pg_roles WHERE rolname = 'cd_sync'), false, 'cd_sync is a group (NOLOGIN)');
SELECT ok(NOT has_function_privilege('cd_sync', 'api.case_submit(uuid,uuid,text,integer,jsonb,jsonb,jsonb,jsonb,jsonb,integer)', 'EXECUTE'),
	'the worker cannot accept cases');
SELECT ok(NOT has_table_privilege('cd_sync', 'core.outbox', 'SELECT'), 'nor read the outbox table directly');
SELECT ok(has_function_privilege('cd_sync', 'api.sync_claim(text,text[],integer,integer,text[])', 'EXECUTE'), 'it may claim');
SELECT ok(NOT has_function_privilege('cd_clerk', 'api.sync_claim(text,text[],integer,integer,text[])', 'EXECUTE'), 'a clerk may not');

-- ------------------------------------------------------------------ targets
SELECT is(pg_temp.error_of($$SELECT * FROM api.sync_targets_load(gen_random_uuid(),
	'[{"name": "x_rs", "kind": "postgres", "departments": ["NOPE"]}]')$$),
	'22023 Invalid sync target | [0].departments', 'an unknown department is refused');
SELECT is(pg_temp.error_of($$SELECT * FROM api.sync_targets_load(gen_random_uuid(),
	'[{"name": "x_rs", "kind": "ftp", "departments": ["RS"]}]')$$),
	'22023 Invalid sync target | [0].kind', 'an unknown kind is refused');
SELECT is(pg_temp.error_of($$SELECT * FROM api.sync_targets_load(gen_random_uuid(),
	'[{"name": "x_rs", "kind": "spool", "departments": ["RS"]}, {"name": "x_rs", "kind": "spool", "departments": ["YB"]}]')$$),
	'22023 Invalid sync target | [1].name', 'a name twice is refused');
SET SESSION AUTHORIZATION clerk1;
SELECT is(pg_temp.error_of($$SELECT * FROM api.sync_targets_load(gen_random_uuid(), '[]')$$),
	'42501 permission denied for function sync_targets_load | ', 'a clerk cannot load targets');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION admin1;
SELECT is((SELECT string_agg(name || ':' || kind || ':' || array_to_string(departments, '+') || ':' || active, ' ' ORDER BY name)
	   FROM api.sync_targets_load(gen_random_uuid(),
	'[{"name": "x_rs", "kind": "postgres", "departments": ["RS"]},
	  {"name": "x_yb", "kind": "spool", "departments": ["YB"]},
	  {"name": "x_deb", "kind": "external", "departments": ["RS", "YB"]},
	  {"name": "x_sw", "kind": "spool", "departments": ["SW"]}]') WHERE name LIKE 'x\_%'),
	'x_deb:external:RS+YB:true x_rs:postgres:RS:true x_sw:spool:SW:true x_yb:spool:YB:true', 'an admin loads four targets');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::int FROM core.sync_target WHERE active AND name NOT LIKE 'x\_%'), 0,
	'targets not in the list become inactive');
SELECT is((SELECT count(*)::int FROM core.audit WHERE action = 'sync_targets_load' AND at > now() - interval '1 minute'
	   AND detail -> 'targets' ? 'x_rs'), 1, 'loading targets writes an audit row');

-- ------------------------------------------------------------------ the accepting transaction
SELECT api.calendar_load(gen_random_uuid(), extract(year FROM core.today())::int, '[]') \g /dev/null
SELECT count(*) FROM api.forms_load(gen_random_uuid(), $json$
{"code": "zz_sync", "version": 1, "name_zh": "同步测试", "name_en": "Sync test",
 "applicant": "person", "promised_days": 5, "count_acceptance_day": false, "departments": ["RS", "YB"],
 "groups": [], "steps": [{"number": 1, "dept": "RS", "group": 1, "days": 3, "name_zh": "审批", "name_en": "Approval"}],
 "fields": [
  {"key": "name", "label_zh": "姓名", "label_en": "Name", "type": "text", "required": true, "max_length": 10,
   "prefill": null, "group": null, "send_to": ["RS", "YB"], "when": null},
  {"key": "idno", "label_zh": "身份证", "label_en": "Id", "type": "idno", "required": true,
   "prefill": null, "group": null, "send_to": ["RS"], "when": null},
  {"key": "years", "label_zh": "年限", "label_en": "Years", "type": "integer", "required": false,
   "prefill": null, "group": null, "send_to": ["RS"], "when": null},
  {"key": "memo", "label_zh": "备注", "label_en": "Memo", "type": "text", "required": false,
   "prefill": null, "group": null, "send_to": null, "when": null}],
 "materials": [
  {"code": "id_card", "name_zh": "身份证", "name_en": "Id card", "key": true, "check": null,
   "note_zh": null, "note_en": null, "send_to": ["RS"], "when": null},
  {"code": "photo", "name_zh": "照片", "name_en": "Photo", "key": false, "check": null,
   "note_zh": null, "note_en": null, "send_to": ["YB"], "when": null}]}
$json$::jsonb) \g /dev/null

CREATE FUNCTION pg_temp.u(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
	SELECT ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid $$;
CREATE FUNCTION pg_temp.sealed(p_mask text, p_blind text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_build_object('cipher', 'v1:' || md5(p_mask), 'mask', p_mask, 'blind', p_blind) $$;
CREATE FUNCTION pg_temp.submit(p_op int, p_case int) RETURNS text LANGUAGE sql AS $$
	SELECT case_no FROM api.case_submit(pg_temp.u(p_op), pg_temp.u(p_case), 'zz_sync', NULL,
		jsonb_build_object('id', pg_temp.u(9601), 'kind', 'person', 'name', '王芳',
				   'id_no', pg_temp.sealed('330702********1237', 'a1b2c3d4')),
		'{"name": "王芳", "years": "30", "memo": "内部备注"}',
		jsonb_build_object('idno', pg_temp.sealed('330702********1237', 'a1b2c3d4')),
		'{"id_card": "provided", "photo": "provided"}', NULL, NULL) $$;

SET SESSION AUTHORIZATION clerk1;
SAVEPOINT before_case;
SELECT pg_temp.submit(9701, 9801) \g /dev/null
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::int FROM core.outbox WHERE case_id = pg_temp.u(9801)), 3,
	'an accepted case wrote, in its own transaction, one row per subscribed target (RS, YB, and the Debezium one)');
SET SESSION AUTHORIZATION clerk1;
ROLLBACK TO SAVEPOINT before_case;
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::int FROM core.outbox WHERE case_id = pg_temp.u(9801)), 0,
	'the acceptance rolled back: no outbox row');

SET SESSION AUTHORIZATION clerk1;
CREATE TEMP TABLE c AS SELECT pg_temp.submit(9702, 9802) AS case_no;
RESET SESSION AUTHORIZATION;
SELECT is((SELECT string_agg(target || ':' || status, ' ' ORDER BY target) FROM core.outbox_state WHERE case_id = pg_temp.u(9802)),
	'x_deb:external x_rs:pending x_yb:pending', 'RS, YB and Debezium targets get the case; SW does not');
SELECT is((SELECT string_agg(target, ' ' ORDER BY target) FROM core.outbox_pending WHERE id IN
	   (SELECT id FROM core.outbox WHERE case_id = pg_temp.u(9802))), 'x_rs x_yb',
	'the external (Debezium) target gets no pending row: the worker leaves it alone');
SELECT results_eq($$SELECT aggregatetype, aggregateid, type FROM core.outbox WHERE case_id = pg_temp.u(9802) AND target = 'x_rs'$$,
	$$SELECT 'case'::text, (SELECT case_no FROM c), 'case.accepted'::text$$, 'aggregate case, id the case number, type case.accepted');
SELECT is((SELECT payload -> 'fields' FROM core.outbox WHERE case_id = pg_temp.u(9802) AND target = 'x_rs'),
	'{"name": "王芳", "years": "30"}'::jsonb, 'RS receives the fields sent to RS (not memo, sent to nobody)');
SELECT is((SELECT payload -> 'fields' FROM core.outbox WHERE case_id = pg_temp.u(9802) AND target = 'x_yb'),
	'{"name": "王芳"}'::jsonb, 'YB receives only the field sent to YB');
SELECT is((SELECT payload -> 'personal' -> 'idno' FROM core.outbox WHERE case_id = pg_temp.u(9802) AND target = 'x_rs'),
	jsonb_build_object('cipher', 'v1:' || md5('330702********1237'), 'mask', '330702********1237',
			   'ad', 'case/field:idno/' || pg_temp.u(9802)), 'RS receives the identity number sealed, with its associated data');
SELECT is((SELECT payload -> 'personal' FROM core.outbox WHERE case_id = pg_temp.u(9802) AND target = 'x_yb'),
	'{}'::jsonb, 'YB, not entitled to it, receives nothing of it');
SELECT ok((SELECT NOT (payload::text LIKE '%blind%' OR payload::text LIKE '%a1b2c3d4%') FROM core.outbox
	   WHERE case_id = pg_temp.u(9802) AND target = 'x_rs'), 'no blind index leaves the centre');
SELECT is((SELECT payload -> 'materials' FROM core.outbox WHERE case_id = pg_temp.u(9802) AND target = 'x_yb'),
	'[{"code": "photo", "name_zh": "照片", "status": "provided"}]'::jsonb, 'materials likewise by send_to');
SELECT is((SELECT payload ->> 'departments' FROM core.outbox WHERE case_id = pg_temp.u(9802) AND target = 'x_deb'),
	'["RS", "YB"]', 'departments: where the target meets the item');

-- ------------------------------------------------------------------ claiming and reporting
-- Only this test's events are claimable: park everything else.
UPDATE core.outbox_pending SET next_attempt_at = now() + interval '1 day'
WHERE id NOT IN (SELECT id FROM core.outbox WHERE case_id = pg_temp.u(9802));
SELECT core.outbox_write(t, 'case', 'X-' || g, 'case.accepted', NULL, jsonb_build_object('n', g, 'a', jsonb_build_object('b', 'v' || g)))
FROM core.sync_target t, generate_series(1, 4) g WHERE t.name = 'x_sw' \g /dev/null

SET SESSION AUTHORIZATION counterdesk_sync;
CREATE TEMP TABLE c1 AS SELECT * FROM api.sync_claim('w1', '{x_sw}', 3, 60, '{a.b,n,missing}');
SELECT is((SELECT count(*)::int FROM c1), 3, 'a claim takes at most p_limit events');
SELECT is((SELECT string_agg(array_to_string(vals, ',', '∅'), ' ' ORDER BY aggregateid) FROM c1), 'v1,1,∅ v2,2,∅ v3,3,∅',
	'vals: the payload members the paths name, NULL when absent');
SELECT is((SELECT count(*)::int FROM api.sync_claim('w2', '{x_sw}', 10, 60)), 1, 'another claim gets only what is not leased');
SELECT is((SELECT count(*)::int FROM api.sync_claim('w2', '{x_sw}', 10, 60)), 0, 'then nothing');
SELECT results_eq($$SELECT delivered, failed, dead FROM api.sync_report('w1',
	ARRAY(SELECT id FROM c1 WHERE aggregateid = 'X-1'),
	ARRAY(SELECT id FROM c1 WHERE aggregateid IN ('X-2', 'X-3') ORDER BY aggregateid), '{"refused", "unreachable"}',
	'{30, 30}', '{t, f}')$$, $$VALUES (1, 2, 0)$$, 'a report: one delivered, two failed');
RESET SESSION AUTHORIZATION;
SELECT results_eq($$SELECT o.aggregateid, o.status, p.attempts, p.last_error, p.lease_until IS NULL,
		   p.next_attempt_at > now() + interval '29 seconds'
	FROM core.outbox o LEFT JOIN core.outbox_pending p USING (id) WHERE o.aggregateid IN ('X-2', 'X-3') ORDER BY 1$$,
	$$VALUES ('X-2', 'pending', 1, 'refused', true, true), ('X-3', 'pending', 0, 'unreachable', true, true)$$,
	'a refusal counts an attempt, an unreachable target does not; both wait, lease returned');
SELECT results_eq($$SELECT status, attempts, delivered_by FROM core.outbox_state WHERE aggregateid = 'X-1'$$,
	$$VALUES ('delivered', 1, 'w1')$$, 'the delivered event left the pending set, with who delivered it');
SELECT is((SELECT count(*)::int FROM core.outbox_pending WHERE id = (SELECT id FROM c1 WHERE aggregateid = 'X-1')), 0,
	'and is no longer pending');
SET SESSION AUTHORIZATION counterdesk_sync;
SELECT results_eq($$SELECT delivered, failed, dead FROM api.sync_report('w2', ARRAY(SELECT id FROM c1 WHERE aggregateid = 'X-1'),
	'{}', '{}', '{}', '{}')$$, $$VALUES (0, 0, 0)$$, 'reported delivered again (after its lease expired): nothing changes');
SELECT results_eq($$SELECT delivered, failed, dead FROM api.sync_report('w1', '{}',
	ARRAY(SELECT id FROM c1 WHERE aggregateid = 'X-2'), '{"refused again"}', '{NULL}', '{t}')$$,
	$$VALUES (0, 0, 1)$$, 'refused with no retry: dead');
RESET SESSION AUTHORIZATION;
SELECT results_eq($$SELECT status, attempts, last_error FROM core.outbox WHERE aggregateid = 'X-2'$$,
	$$VALUES ('dead', 2, 'refused again')$$, 'the dead event keeps its attempts and error, out of the pending set');
CREATE TEMP TABLE ids AS SELECT aggregateid, id FROM core.outbox WHERE aggregateid LIKE 'X-%';
GRANT SELECT ON ids TO PUBLIC;
SET SESSION AUTHORIZATION super1;
SELECT results_eq($$SELECT backlog, failing, dead, last_error FROM api.sync_status() WHERE target = 'x_sw'$$,
	$$VALUES (2, 1, 1, 'unreachable')$$, 'sync_status: backlog, failing, dead and the last error');
SELECT is((SELECT string_agg(aggregateid || ':' || status, ' ' ORDER BY status) FROM api.sync_problems('x_sw', 10)),
	'X-2:dead X-3:failing', 'sync_problems lists dead and failing events');
SELECT is(api.sync_retry(gen_random_uuid(), (SELECT id FROM ids WHERE aggregateid = 'X-2'), NULL), 1,
	'a supervisor retries the dead event');
RESET SESSION AUTHORIZATION;
SELECT results_eq($$SELECT o.status, p.attempts, p.next_attempt_at <= now() FROM core.outbox o JOIN core.outbox_pending p USING (id)
	WHERE aggregateid = 'X-2'$$, $$VALUES ('pending', 0, true)$$, 'it is pending again, due now, attempts from 0');
SET SESSION AUTHORIZATION super1;
SELECT is(pg_temp.error_of($$SELECT api.sync_retry(gen_random_uuid(), (SELECT id FROM ids WHERE aggregateid = 'X-1'), NULL)$$),
	'22023 That event was already delivered | ' || (SELECT id FROM ids WHERE aggregateid = 'X-1'),
	'a delivered event cannot be retried');
SELECT is(pg_temp.error_of($$SELECT api.sync_retry(gen_random_uuid(), NULL, 'nope')$$),
	'22023 Unknown sync target | nope', 'nor an unknown target');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION clerk1;
SELECT is(pg_temp.error_of($$SELECT * FROM api.sync_status()$$), '42501 permission denied for function sync_status | ',
	'a clerk cannot see the sync status');
SELECT is((SELECT string_agg(target || ':' || events || ':' || delivered, ' ' ORDER BY target)
	   FROM api.case_deliveries((SELECT case_no FROM c))), 'x_deb:1:1 x_rs:1:0 x_yb:1:0',
	'case_deliveries: per target, events and delivered (Debezium counts as handed on)');
SELECT is(pg_temp.error_of($$SELECT * FROM api.sync_claim('x', '{x_sw}', 1, 1)$$),
	'42501 permission denied for function sync_claim | ', 'a clerk cannot claim');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
