-- Service items in the database (sql/011_items.sql): api.forms_load keeps
-- every version and stores a new one only when the definition changed;
-- api.items and api.item_get for staff.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(26);

\ir lib/error_of_detail.sql

-- A small item in the shape of cd_item_json (src/forms.c).
CREATE TEMP TABLE def (j jsonb);
INSERT INTO def VALUES ($json$
{"code": "zz_test_item", "version": 1, "name_zh": "测试一件事", "name_en": "Test item",
 "applicant": "person", "promised_days": 5, "count_acceptance_day": false,
 "departments": ["RS", "YB"],
 "groups": [{"key": "person", "label_zh": "申请人信息", "label_en": "Applicant"}],
 "steps": [{"number": 1, "dept": "RS", "group": 1, "days": 3, "name_zh": "审核", "name_en": "Review"}],
 "fields": [
  {"key": "name", "label_zh": "姓名", "label_en": "Name", "type": "text", "required": true,
   "max_length": 30, "prefill": {"source": "population", "column": "name", "by": null},
   "group": "person", "send_to": ["RS", "YB"], "when": null}],
 "materials": [
  {"code": "id_card", "name_zh": "居民身份证", "name_en": "Identity card", "key": true,
   "check": {"kind": "identity", "type": null}, "note_zh": "原件核验", "note_en": "Original",
   "send_to": ["RS"], "when": null}]}
$json$);
GRANT SELECT ON def TO PUBLIC;

-- As the set-up superuser (what `counterdesk forms load` does in the demo).
SELECT results_eq($$SELECT * FROM api.forms_load('00000000-0000-4000-8000-0000000f0001', (SELECT j FROM def))$$,
	$$VALUES ('zz_test_item'::text, 1, true)$$, 'a new item is stored under the file''s version');
SELECT results_eq($$SELECT * FROM api.forms_load(gen_random_uuid(), (SELECT j FROM def))$$,
	$$VALUES ('zz_test_item'::text, 1, false)$$, 'the same definition again changes nothing');
SELECT results_eq($$SELECT * FROM api.forms_load('00000000-0000-4000-8000-0000000f0001', (SELECT j FROM def))$$,
	$$VALUES ('zz_test_item'::text, 1, true)$$, 'a retried operation id returns what it stored');
SELECT results_eq($$SELECT * FROM api.forms_load(gen_random_uuid(),
		jsonb_set((SELECT j FROM def), '{name_zh}', '"测试一件事（新）"'))$$,
	$$VALUES ('zz_test_item'::text, 2, true)$$, 'changed content under the same file version: latest + 1');
SELECT is((SELECT (definition ->> 'version')::int FROM core.service_item WHERE code = 'zz_test_item' AND version = 2),
	2, 'the stored definition carries the version it is stored under');
SELECT results_eq($$SELECT * FROM api.forms_load(gen_random_uuid(),
		jsonb_set(jsonb_set((SELECT j FROM def), '{name_zh}', '"测试一件事（新）"'), '{version}', '5'))$$,
	$$VALUES ('zz_test_item'::text, 5, true)$$, 'a file version above the latest is stored as it is');
SELECT results_eq($$SELECT * FROM api.forms_load(gen_random_uuid(),
		jsonb_set(jsonb_set((SELECT j FROM def), '{name_zh}', '"测试一件事（新）"'), '{version}', '3'))$$,
	$$VALUES ('zz_test_item'::text, 5, false)$$, 'an older file version with the latest content changes nothing');
SELECT results_eq($$SELECT * FROM api.forms_load(gen_random_uuid(),
		jsonb_set((SELECT j FROM def), '{promised_days}', '7'))$$,
	$$VALUES ('zz_test_item'::text, 6, true)$$, 'an older file version with new content: latest + 1');
SELECT is((SELECT array_agg(version ORDER BY version) FROM core.service_item WHERE code = 'zz_test_item'),
	ARRAY[1, 2, 5, 6], 'every version is kept');
SELECT is((SELECT count(*)::int FROM core.audit WHERE action = 'item_load' AND object = 'item:zz_test_item'),
	4, 'one audit row per stored version');

-- The database's own guard on the shape
SELECT is(pg_temp.error_of($$SELECT * FROM api.forms_load(gen_random_uuid(), (SELECT j FROM def) - 'fields')$$),
	'22023 Invalid service item definition | fields', 'a definition without fields is refused');
SELECT is(pg_temp.error_of($$SELECT * FROM api.forms_load(gen_random_uuid(),
		jsonb_set((SELECT j FROM def), '{fields,0,type}', '"colour"'))$$),
	'22023 Invalid service item definition | fields[0].type', 'an unknown field type is refused, naming the place');
SELECT is(pg_temp.error_of($$SELECT * FROM api.forms_load(gen_random_uuid(),
		jsonb_set((SELECT j FROM def), '{code}', '"Bad Code"'))$$),
	'22023 Invalid service item definition | code', 'a bad item code is refused');
SELECT is(pg_temp.error_of($$SELECT * FROM api.forms_load(gen_random_uuid(),
		jsonb_set((SELECT j FROM def), '{fields,1}', (SELECT j -> 'fields' -> 0 FROM def)))$$),
	'22023 Invalid service item definition | fields[1].key', 'a field key used twice is refused');
SELECT is(pg_temp.error_of($$SELECT * FROM api.forms_load(gen_random_uuid(),
		jsonb_set((SELECT j FROM def), '{fields,0}', (SELECT j -> 'fields' -> 0 FROM def)
			  || '{"type": "enum", "choices": []}'))$$),
	'22023 Invalid service item definition | fields[0].choices', 'an enum without choices is refused');
SELECT is(pg_temp.error_of($$SELECT * FROM api.forms_load(gen_random_uuid(),
		jsonb_set((SELECT j FROM def), '{materials,0,key}', '"yes"'))$$),
	'22023 Invalid service item definition | materials[0].key', 'a material key flag that is not boolean is refused');

-- Staff read the items
SET SESSION AUTHORIZATION clerk1;
SELECT results_eq($$SELECT code, version, name_zh, applicant_kind, promised_days FROM api.items WHERE code = 'zz_test_item'$$,
	$$VALUES ('zz_test_item'::text, 6, '测试一件事'::text, 'person'::text, 7)$$, 'api.items shows the latest version');
SELECT is(api.item_get('zz_test_item') ->> 'version', '6', 'item_get without a version: the latest');
SELECT is(api.item_get('zz_test_item', 2) ->> 'name_zh', '测试一件事（新）', 'item_get of an older version');
SELECT is(api.item_get('zz_test_item', 1) -> 'fields' -> 0 ->> 'label_zh', '姓名', 'the definition comes back whole');
SELECT is(pg_temp.error_of($$SELECT api.item_get('zz_no_such_item')$$),
	'22023 Unknown service item | zz_no_such_item', 'an unknown item is refused');
SELECT is(pg_temp.error_of($$SELECT api.item_get('zz_test_item', 3)$$),
	'22023 Unknown service item | zz_test_item v3', 'a version that was never stored is refused');
SELECT throws_ok($$SELECT * FROM api.forms_load(gen_random_uuid(), (SELECT j FROM def))$$, '42501', NULL,
	'a clerk cannot load items');
SELECT throws_ok($$SELECT * FROM core.service_item$$, '42501', NULL, 'a clerk cannot read core.service_item');
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION admin1;
SELECT results_eq($$SELECT * FROM api.forms_load(gen_random_uuid(), jsonb_set((SELECT j FROM def), '{code}', '"zz_test_other"'))$$,
	$$VALUES ('zz_test_other'::text, 1, true)$$, 'an admin loads an item');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT isnt_empty($$SELECT * FROM api.items WHERE code = 'zz_test_other'$$, 'a reviewer reads api.items');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
