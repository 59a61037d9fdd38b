-- Verifying materials against the shared-data registers
-- (sql/040_verification.sql): each check's outcomes, name folding, the
-- guard on clear numbers, the register being down, one look-up per
-- register, the audit rows (never a clear number), resolving by hand, and
-- who may do what. A test item carries one material of every check kind.
-- The registers are the demo's synthetic copy, read through postgres_fdw.
--
-- "One query per register" is asserted by design here: pg_stat_statements
-- is not available in the test cluster, and a PL/pgSQL function's remote
-- queries do not show in EXPLAIN. api.case_verify reads each register with
-- one statement (core.register_read, WHERE key = ANY ($1)), and writes one
-- registry_lookup audit row per register read: four materials of three
-- registers give three rows. tests/bench/verify.sh counts the statements
-- the shared-data server actually receives.
-- Today is fixed to 2026-03-02; everything is rolled back.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(45);

\ir lib/error_of_detail.sql

CREATE OR REPLACE FUNCTION core.today() RETURNS date
	LANGUAGE sql STABLE SET search_path = pg_catalog, core, pg_temp
AS $$ SELECT date '2026-03-02' $$;
SELECT api.calendar_load(gen_random_uuid(), 2026, '[]') \g /dev/null

SELECT count(*) FROM api.forms_load(gen_random_uuid(), $json$
{"code": "zz_verify", "version": 1, "name_zh": "核验测试", "name_en": "Verification test",
 "applicant": "person", "promised_days": 5, "count_acceptance_day": false,
 "departments": ["RS"], "groups": [], "steps": [],
 "fields": [
  {"key": "name", "label_zh": "姓名", "label_en": "Name", "type": "text", "required": true, "max_length": 30,
   "prefill": {"source": "population", "column": "name", "by": "idno"}, "group": null, "send_to": ["RS"], "when": null},
  {"key": "idno", "label_zh": "公民身份号码", "label_en": "Identity number", "type": "idno", "required": true,
   "prefill": {"source": "applicant", "column": "idno", "by": null}, "group": null, "send_to": ["RS"], "when": null},
  {"key": "employer", "label_zh": "单位信用代码", "label_en": "Employer", "type": "uscc", "required": false,
   "prefill": null, "group": null, "send_to": ["RS"], "when": null}],
 "materials": [
  {"code": "id_card", "name_zh": "居民身份证", "name_en": "Identity card", "key": true,
   "check": {"kind": "identity", "type": null}, "note_zh": null, "note_en": null, "send_to": ["RS"], "when": null},
  {"code": "low", "name_zh": "低保证明", "name_en": "Subsistence proof", "key": false,
   "check": {"kind": "benefit", "type": "subsistence"}, "note_zh": null, "note_en": null, "send_to": ["RS"], "when": null},
  {"code": "marriage", "name_zh": "结婚证", "name_en": "Marriage certificate", "key": false,
   "check": {"kind": "licence", "type": "marriage"}, "note_zh": null, "note_en": null, "send_to": ["RS"], "when": null},
  {"code": "ent", "name_zh": "营业执照", "name_en": "Business licence", "key": false,
   "check": {"kind": "enterprise", "type": null}, "note_zh": null, "note_en": null, "send_to": ["RS"], "when": null},
  {"code": "photo", "name_zh": "照片", "name_en": "Photo", "key": false,
   "check": null, "note_zh": null, "note_en": null, "send_to": ["RS"], "when": null}]}
$json$::jsonb) \g /dev/null

-- A case of zz_verify for person p_id called p_name (as the form says).
CREATE FUNCTION pg_temp.accept(p_n int, p_id text, p_name text, p_employer text DEFAULT NULL) RETURNS text
	LANGUAGE sql AS $$
	SELECT case_no FROM api.case_submit(
		('00000000-0000-4000-8400-' || lpad(p_n::text, 12, '0'))::uuid,
		('00000000-0000-4000-8401-' || lpad(p_n::text, 12, '0'))::uuid, 'zz_verify', NULL,
		jsonb_build_object('id', ('00000000-0000-4000-8402-' || lpad(p_n::text, 12, '0'))::uuid,
				   'kind', 'person', 'name', p_name,
				   'id_no', jsonb_build_object('cipher', 'v1:' || md5(p_id), 'mask', (left(p_id, 6) || '********' || right(p_id, 4)),
							       'blind', left(md5(p_id), 8))),
		jsonb_strip_nulls(jsonb_build_object('name', p_name, 'employer', p_employer)),
		jsonb_build_object('idno', jsonb_build_object('cipher', 'v1:' || md5(p_id), 'mask', (left(p_id, 6) || '********' || right(p_id, 4)),
							      'blind', left(md5(p_id), 8))),
		'{"id_card": "provided", "low": "provided", "marriage": "missing", "ent": "provided", "photo": "provided"}',
		NULL, NULL) $$;
-- What the client sends after opening the sealed number: every material, one subject.
CREATE FUNCTION pg_temp.subjects(p_id text) RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_object_agg(m, jsonb_build_array(jsonb_build_object('subject', 'idno', 'id_no', p_id)))
	FROM unnest('{id_card,low,marriage,ent}'::text[]) m $$;
CREATE TEMP TABLE c (label text PRIMARY KEY, case_no text, id text);
CREATE TEMP TABLE v (label text, material text, register text, outcome text, differing jsonb,
		     paper_needed boolean, detail text);
GRANT ALL ON c, v TO PUBLIC;
CREATE FUNCTION pg_temp.verify(p_label text) RETURNS void LANGUAGE sql AS $$
	INSERT INTO v SELECT p_label, r.* FROM c, api.case_verify(gen_random_uuid(), c.case_no, pg_temp.subjects(c.id)) r
	WHERE c.label = p_label $$;
CREATE FUNCTION pg_temp.outcomes(p_label text) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(material || '=' || outcome || CASE WHEN differing <> '[]' THEN differing::text ELSE '' END,
			  ' ' ORDER BY material) FROM v WHERE label = p_label $$;

-- ------------------------------------------------------------------ names
SELECT is(core.name_fold('阿卜杜·热合曼'), core.name_fold('阿卜杜・热合曼'), 'name folding: · and ・ (U+30FB) are one');
SELECT is(core.name_fold('阿卜杜·热合曼'), core.name_fold('阿卜杜•热合曼'), 'name folding: • (U+2022)');
SELECT is(core.name_fold('阿卜杜·热合曼'), core.name_fold('阿卜杜‧热合曼'), 'name folding: ‧ (U+2027)');
SELECT is(core.name_fold('阿卜杜·热合曼'), core.name_fold('阿卜杜.热合曼'), 'name folding: the ASCII period');
SELECT is(core.name_fold('阿卜杜·热合曼'), core.name_fold('阿卜杜．热合曼'), 'name folding: the full-width period');
SELECT is(core.name_fold('　阿卜杜·热合曼 '), core.name_fold('阿卜杜·热合曼'), 'surrounding (also ideographic) spaces do not count');
SELECT is(core.name_fold('金华ＡＢＣ（婺城）科技有限公司'), '金华ABC(婺城)科技有限公司', 'full-width letters and brackets in a company name fold to half-width');
SELECT isnt(core.name_fold('金华abc科技有限公司'), core.name_fold('金华ＡＢＣ科技有限公司'), 'letter case is not loosened');
SELECT isnt(core.name_fold('阿卜杜 热合曼'), core.name_fold('阿卜杜·热合曼'), 'a space is not a middle dot');
SELECT isnt(core.name_fold('张伟'), core.name_fold('张玮'), 'a different character is a different name');

-- ------------------------------------------------------------------ register down
INSERT INTO c VALUES ('down', NULL, '330702198803151237');
SET SESSION AUTHORIZATION clerk1;
UPDATE c SET case_no = pg_temp.accept(1, id, '张伟', '91330702MA2D3M0A0F') WHERE label = 'down';
RESET SESSION AUTHORIZATION;
-- The shared-data server stops answering (a port nobody listens on).
DO $$ BEGIN
	IF EXISTS (SELECT 1 FROM pg_foreign_server s, unnest(s.srvoptions) o
		   WHERE s.srvname = 'shared_data' AND o LIKE 'port=%') THEN
		ALTER SERVER shared_data OPTIONS (SET port '1');
	ELSE
		ALTER SERVER shared_data OPTIONS (ADD port '1');
	END IF;
END $$;
SET SESSION AUTHORIZATION clerk1;
SELECT is(pg_temp.error_of($$SELECT pg_temp.verify('down')$$), 'no error', 'with the registers down the call still succeeds');
RESET SESSION AUTHORIZATION;
SELECT is(pg_temp.outcomes('down'), 'ent=unavailable id_card=unavailable low=unavailable marriage=unavailable',
	'every verifiable material is "unavailable"; the material without a check is not listed');
SELECT is((SELECT count(*)::int FROM core.case_material cm JOIN core.case k ON k.id = cm.case_id
	   WHERE k.case_no = (SELECT case_no FROM c WHERE label = 'down') AND cm.paper_exempt), 0,
	'nothing is marked as not needing paper');
SELECT is((SELECT status FROM core.case WHERE case_no = (SELECT case_no FROM c WHERE label = 'down')),
	'accepted_on_commitment', 'the case stands as accepted');
SELECT is((SELECT count(*)::int FROM core.audit WHERE action = 'registry_lookup'
	   AND object = 'case:' || (SELECT case_no FROM c WHERE label = 'down') AND NOT (detail ->> 'available')::boolean), 4,
	'the attempted look-ups are audited as unavailable');
DO $$ BEGIN
	IF EXISTS (SELECT 1 FROM pg_foreign_server s, unnest(s.srvoptions) o
		   WHERE s.srvname = 'shared_data' AND o LIKE 'port=%') THEN
		ALTER SERVER shared_data OPTIONS (DROP port);
	END IF;
END $$;
-- (the cluster's server has no port option: the default socket again)

-- ------------------------------------------------------------------ fixtures from the registers
SET ROLE cd_owner;
INSERT INTO c SELECT 'low_active', NULL, b.id_no FROM shared.civil_affairs b JOIN shared.population p USING (id_no)
	WHERE b.benefit = '低保' AND b.status = 'active' AND p.status = 'alive' ORDER BY b.id_no LIMIT 1;
INSERT INTO c SELECT 'low_ended', NULL, b.id_no FROM shared.civil_affairs b JOIN shared.population p USING (id_no)
	WHERE b.benefit = '低保' AND p.status = 'alive' GROUP BY b.id_no HAVING bool_and(b.status = 'ended')
	ORDER BY b.id_no LIMIT 1;
CREATE TEMP TABLE names AS SELECT p.id_no, p.name FROM shared.population p
	WHERE p.id_no IN (SELECT id FROM c);
RESET ROLE;
GRANT SELECT ON names TO PUBLIC;
INSERT INTO c VALUES ('ok', NULL, '330702198803151237'), ('rep', NULL, '330702197506303578'),
	('wrong_name', NULL, '330702198803151237'), ('deceased', NULL, '330702194005011354'),
	('nobody', NULL, '330702200001019990');

SET SESSION AUTHORIZATION clerk1;
UPDATE c SET case_no = pg_temp.accept(2, id, '张伟', '91330702MA2D3M0A0F') WHERE label = 'ok';
UPDATE c SET case_no = pg_temp.accept(3, id, '刘强', '91330702MA2D3M0A0F') WHERE label = 'rep';
UPDATE c SET case_no = pg_temp.accept(4, id, '张三') WHERE label = 'wrong_name';
UPDATE c SET case_no = pg_temp.accept(5, id, '王建国') WHERE label = 'deceased';
UPDATE c SET case_no = pg_temp.accept(6, id, '无此人') WHERE label = 'nobody';
UPDATE c SET case_no = pg_temp.accept(7, id, (SELECT name FROM names n WHERE n.id_no = c.id)) WHERE label = 'low_active';
UPDATE c SET case_no = pg_temp.accept(8, id, (SELECT name FROM names n WHERE n.id_no = c.id)) WHERE label = 'low_ended';

-- ------------------------------------------------------------------ the checks
SELECT pg_temp.verify(label) FROM c WHERE label <> 'down';
RESET SESSION AUTHORIZATION;
SELECT is(pg_temp.outcomes('ok'), 'ent=mismatched["legal_rep_id"] id_card=matched low=not_found marriage=matched',
	'张伟: identity matched, married, no subsistence allowance, not the legal representative');
SELECT is((SELECT string_agg(material || ':' || paper_needed, ' ' ORDER BY material) FROM v WHERE label = 'ok'),
	'ent:true id_card:false low:true marriage:false', 'paper_needed is false only for matched materials');
SELECT is((SELECT string_agg(cm.code, ' ' ORDER BY cm.position) FROM core.case_material cm JOIN core.case k ON k.id = cm.case_id
	   WHERE k.case_no = (SELECT case_no FROM c WHERE label = 'ok') AND cm.paper_exempt), 'id_card marriage',
	'matched materials are marked 免提交 on the case (a missing one too: the data stands in for it)');
SELECT is((SELECT outcome FROM v WHERE label = 'rep' AND material = 'ent'), 'matched',
	'enterprise: active, and the legal representative is the applicant');
SELECT is((SELECT outcome || differing::text FROM v WHERE label = 'wrong_name' AND material = 'id_card'),
	'mismatched["idno.name"]', 'identity: a name that differs from the registry names the field, not the value');
SELECT is((SELECT outcome || differing::text FROM v WHERE label = 'deceased' AND material = 'id_card'),
	'mismatched["idno.status"]', 'identity: a deceased person does not match');
SELECT is((SELECT outcome FROM v WHERE label = 'nobody' AND material = 'id_card'), 'not_found',
	'identity: a number the registry does not hold is not found');
SELECT is((SELECT outcome FROM v WHERE label = 'low_active' AND material = 'low'), 'matched',
	'benefit: an active subsistence allowance (低保) matches');
SELECT is((SELECT outcome || differing::text FROM v WHERE label = 'low_ended' AND material = 'low'),
	'mismatched["status"]', 'benefit: an ended one is a mismatch on status');
SELECT is((SELECT outcome FROM v WHERE label = 'nobody' AND material = 'marriage'), 'not_found',
	'licence: nobody holds one');

-- ------------------------------------------------------------------ records and audit
SELECT is((SELECT count(*)::int FROM core.verification x JOIN core.case k ON k.id = x.case_id
	   WHERE k.case_no = (SELECT case_no FROM c WHERE label = 'ok')), 4, 'one verification row per verifiable material');
SELECT ok((SELECT bool_and(x.row_digest ~ '^[0-9a-f]{64}$' AND x.clerk = 'clerk1' AND x.fields_compared <> '{}')
	   FROM core.verification x JOIN core.case k ON k.id = x.case_id
	   WHERE k.case_no = (SELECT case_no FROM c WHERE label = 'ok') AND x.outcome <> 'not_found'),
	'each comparison keeps the clerk, the fields compared and a sha256 digest of the register row');
SELECT is((SELECT count(*)::int FROM core.audit WHERE action = 'registry_lookup'
	   AND object = 'case:' || (SELECT case_no FROM c WHERE label = 'ok')), 4,
	'one look-up (and one audit row) per register, whatever the number of materials');
SELECT ok((SELECT bool_and(detail ->> 'purpose' = 'verification' AND actor = 'clerk1') FROM core.audit
	   WHERE action = 'registry_lookup' AND object IN (SELECT 'case:' || case_no FROM c)),
	'each look-up names who, which case and the purpose');
SELECT is((SELECT count(*)::int FROM core.audit a, c WHERE a.detail::text LIKE '%' || c.id || '%'), 0,
	'no audit row holds a clear identity number');
SELECT is((SELECT count(*)::int FROM core.verification x, c WHERE x.subjects::text LIKE '%' || c.id || '%'), 0,
	'no verification row holds a clear identity number');

-- ------------------------------------------------------------------ the guard on clear numbers
SET SESSION AUTHORIZATION clerk1;
SELECT is(pg_temp.error_of($$SELECT * FROM api.case_verify(gen_random_uuid(), (SELECT case_no FROM c WHERE label = 'ok'),
	pg_temp.subjects('330702197506303578'))$$),
	'22023 An identity number does not belong to the case | id_card:idno',
	'a number without the stored mask of the field is refused');
SELECT is(pg_temp.error_of($$SELECT * FROM api.case_verify(gen_random_uuid(), (SELECT case_no FROM c WHERE label = 'ok'),
	'{"id_card": [{"subject": "idno", "id_no": "330702198803151237"}]}')$$),
	'22023 An identity number for the check is missing | low:idno', 'every subject must be sent');
SELECT is(pg_temp.error_of($$SELECT * FROM api.case_verify(gen_random_uuid(), (SELECT case_no FROM c WHERE label = 'ok'),
	pg_temp.subjects('330702198803151237') || '{"id_card": {"subject": "idno", "id_no": "330702198803151237", "name": "李四"}}')$$),
	'22023 A name does not belong to the case | id_card:idno', 'a name other than the case''s is refused');

-- ------------------------------------------------------------------ resolving by hand
SELECT is((SELECT resolution FROM api.verification_resolve(gen_random_uuid(), (SELECT case_no FROM c WHERE label = 'ok'),
	'low', '原件已核：低保证 No. 2026-001')), 'checked_by_hand', 'a not-found is resolved as checked by hand');
SELECT is(pg_temp.error_of($$SELECT * FROM api.verification_resolve(gen_random_uuid(), (SELECT case_no FROM c WHERE label = 'ok'),
	'id_card', 'x')$$), '22023 Only a mismatch or a not-found can be checked by hand | id_card: matched',
	'a match cannot be resolved by hand');
SELECT is(pg_temp.error_of($$SELECT * FROM api.verification_resolve(gen_random_uuid(), (SELECT case_no FROM c WHERE label = 'ok'),
	'ent', '  ')$$), '22023 A reason is required | reason', 'a reason is required');
SELECT is((SELECT resolved_by || ' ' || resolution_reason FROM api.case_verifications((SELECT case_no FROM c WHERE label = 'ok'))
	   WHERE material = 'low'), 'clerk1 原件已核：低保证 No. 2026-001', 'the resolution is shown with the latest verification');
SELECT is((SELECT count(*)::int FROM api.case_audit((SELECT case_no FROM c WHERE label = 'ok'))
	   WHERE action IN ('case_accept', 'registry_lookup', 'case_verify', 'verification_resolve')), 7,
	'api.case_audit lists acceptance, the four look-ups, the verification and the resolution');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ rights
SET SESSION AUTHORIZATION "reviewer.rs";
SELECT throws_ok($$SELECT * FROM api.case_verify(gen_random_uuid(), (SELECT case_no FROM c WHERE label = 'ok'), '{}')$$,
	'42501', NULL, 'a reviewer cannot verify');
SELECT throws_ok($$SELECT * FROM api.case_audit((SELECT case_no FROM c WHERE label = 'ok'))$$,
	'P0002', NULL, 'a reviewer whose department has no task in the case cannot read its audit rows (sql/050)');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION super1;
SELECT throws_ok($$SELECT * FROM api.case_verify(gen_random_uuid(), (SELECT case_no FROM c WHERE label = 'ok'), '{}')$$,
	'42501', NULL, 'a supervisor does not verify (clerks do)');
SELECT ok((SELECT count(*) FROM api.case_audit((SELECT case_no FROM c WHERE label = 'ok'))) > 0,
	'a supervisor reads a case''s audit rows');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION clerk1;
SELECT throws_ok($$SELECT * FROM core.verification$$, '42501', NULL, 'staff cannot read core.verification directly');
SELECT throws_ok($$SELECT * FROM shared.population$$, '42501', NULL, 'staff cannot read the registers directly');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
