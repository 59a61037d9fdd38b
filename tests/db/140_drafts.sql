-- Drafts (sql/016_drafts.sql): saved on the server as the clerk types,
-- each visible only to its owner, deleted by the submit that uses its id.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(22);

\ir lib/error_of_detail.sql

CREATE OR REPLACE FUNCTION core.today() RETURNS date
	LANGUAGE sql STABLE SET search_path = pg_catalog, core, pg_temp
AS $$ SELECT date '2026-03-02' $$;
-- A year with nothing but weekends is enough here.
SELECT api.calendar_load(gen_random_uuid(), 2026, '[]') \g /dev/null
SELECT count(*) FROM api.forms_load(gen_random_uuid(), $json$
{"code": "zz_test_draft", "version": 1, "name_zh": "测试", "name_en": "Test", "applicant": "person",
 "promised_days": 1, "count_acceptance_day": false, "departments": ["RS"], "groups": [], "steps": [],
 "fields": [{"key": "name", "label_zh": "姓名", "label_en": "Name", "type": "text", "required": true,
	     "prefill": null, "group": null, "send_to": [], "when": null}],
 "materials": []}
$json$::jsonb) \g /dev/null

-- ------------------------------------------------------------------ clerk1's draft
SET SESSION AUTHORIZATION clerk1;
SELECT lives_ok($$SELECT api.draft_save('00000000-0000-4000-8000-00000000d001', 'zz_test_draft', 'v1:c2VhbGVkLWZvcm0', '测试 王**')$$,
	'a clerk saves a draft');
SELECT lives_ok($$SELECT api.draft_save('00000000-0000-4000-8000-00000000d001', 'zz_test_draft', 'v1:c2VhbGVkLWZvcm0tMg', '测试 王**（改）')$$,
	'... and saves it again as they type');
SELECT results_eq($$SELECT id, item, summary FROM api.draft_list() WHERE id = '00000000-0000-4000-8000-00000000d001'$$,
	$$VALUES ('00000000-0000-4000-8000-00000000d001'::uuid, 'zz_test_draft'::text, '测试 王**（改）'::text)$$,
	'one draft, the latest save');
SELECT results_eq($$SELECT payload FROM api.draft_get('00000000-0000-4000-8000-00000000d001')$$,
	$$VALUES ('v1:c2VhbGVkLWZvcm0tMg'::text)$$, 'draft_get returns the sealed payload');
SELECT is(pg_temp.error_of($$SELECT api.draft_save(gen_random_uuid(), 'zz_test_draft', '{"name": "王芳"}', '')$$),
	'22023 A personal value must be sent sealed | payload', 'a payload that is not sealed is refused');
SELECT is(pg_temp.error_of($$SELECT api.draft_save(gen_random_uuid(), 'zz_no_such_item', 'v1:eA', '')$$),
	'22023 Unknown service item | zz_no_such_item', 'a draft of an unknown item is refused');
SELECT is(pg_temp.error_of($$SELECT api.draft_save(gen_random_uuid(), 'zz_test_draft', 'v1:eA', repeat('长', 201))$$),
	'22023 Text too long for the field | summary', 'a summary too long is refused');
SELECT throws_ok($$SELECT * FROM core.draft$$, '42501', NULL, 'a clerk cannot read core.draft');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ clerk2 cannot
SET SESSION AUTHORIZATION clerk2;
SELECT is_empty($$SELECT * FROM api.draft_list() WHERE id = '00000000-0000-4000-8000-00000000d001'$$,
	'another clerk does not see my draft in their list');
SELECT is(pg_temp.error_of($$SELECT * FROM api.draft_get('00000000-0000-4000-8000-00000000d001')$$),
	'P0002 No such draft | 00000000-0000-4000-8000-00000000d001', 'another clerk cannot read my draft');
SELECT is(pg_temp.error_of($$SELECT api.draft_save('00000000-0000-4000-8000-00000000d001', 'zz_test_draft', 'v1:aGlqYWNr', 'x')$$),
	'42501 That draft belongs to someone else | 00000000-0000-4000-8000-00000000d001',
	'another clerk cannot overwrite my draft');
SELECT lives_ok($$SELECT api.draft_discard('00000000-0000-4000-8000-00000000d001')$$,
	'discarding someone else''s draft ...');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT payload FROM core.draft WHERE id = '00000000-0000-4000-8000-00000000d001'), 'v1:c2VhbGVkLWZvcm0tMg',
	'... does nothing to it');
SET SESSION AUTHORIZATION super1;
SELECT throws_ok($$SELECT * FROM api.draft_list()$$, '42501', NULL, 'a supervisor has no drafts');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT throws_ok($$SELECT api.draft_save(gen_random_uuid(), 'zz_test_draft', 'v1:eA', '')$$, '42501', NULL,
	'a reviewer cannot save drafts');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ submit and discard
SET SESSION AUTHORIZATION clerk1;
SELECT is((SELECT outcome FROM api.case_submit(gen_random_uuid(), '00000000-0000-4000-8000-00000000d001', 'zz_test_draft', NULL,
		jsonb_build_object('id', gen_random_uuid(), 'kind', 'person', 'name', '王芳',
				   'id_no', '{"cipher": "v1:MzMwNzAyMTk5MDA3MjIyNDY1", "mask": "330702********2465", "blind": "0f0f0f0f"}'::jsonb),
		'{"name": "王芳"}', '{}', '{}', NULL, NULL)),
	'accepted', 'the form of the draft is submitted');
SELECT is_empty($$SELECT * FROM api.draft_list() WHERE id = '00000000-0000-4000-8000-00000000d001'$$,
	'the submit deletes the form''s draft');
SELECT is((SELECT promised_date FROM api.case_get((SELECT case_no FROM api.case_list(NULL, 1)))), '2026-03-03'::date,
	'(one working day from Monday 2026-03-02)');
SELECT lives_ok($$SELECT api.draft_save('00000000-0000-4000-8000-00000000d002', 'zz_test_draft', 'v1:eA', '')$$,
	'another draft');
SELECT lives_ok($$SELECT api.draft_discard('00000000-0000-4000-8000-00000000d002')$$, 'discarded by its owner');
SELECT is_empty($$SELECT * FROM api.draft_list() WHERE id = '00000000-0000-4000-8000-00000000d002'$$, '... it is gone');
SELECT lives_ok($$SELECT api.draft_discard('00000000-0000-4000-8000-00000000d002')$$,
	'discarding a draft that is gone does nothing');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
