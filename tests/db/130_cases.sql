-- Accepting integrated applications (sql/015_cases.sql, docs/intake.md):
-- accepted, accepted on commitment (容缺受理, the due date never past the
-- promised date), refused with a one-time notice listing everything
-- missing, the refusals of bad input (naming the field), idempotent submit,
-- case numbers, visits, who may do what.
-- "Today" is fixed to Thursday 2026-02-12 (before the Spring Festival) by
-- replacing core.today() inside this transaction; everything is rolled back.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(79);

\ir lib/error_of_detail.sql

-- ------------------------------------------------------------------ fixtures
CREATE OR REPLACE FUNCTION core.today() RETURNS date
	LANGUAGE sql STABLE SET search_path = pg_catalog, core, pg_temp
AS $$ SELECT date '2026-02-12' $$;

SELECT api.calendar_load(gen_random_uuid(), 2026, d) FROM (SELECT jsonb_agg(jsonb_build_object(
		'date', to_char(g.d, 'YYYY-MM-DD'), 'working', (r ->> 2)::boolean, 'name', 'x') ORDER BY g.d) AS d
	FROM jsonb_array_elements('[["2026-01-01","2026-01-03",false],["2026-01-04","2026-01-04",true],
		["2026-02-14","2026-02-14",true],["2026-02-15","2026-02-23",false],["2026-02-28","2026-02-28",true],
		["2026-04-04","2026-04-06",false],["2026-05-01","2026-05-05",false],["2026-05-09","2026-05-09",true],
		["2026-06-19","2026-06-21",false],["2026-09-20","2026-09-20",true],["2026-09-25","2026-09-27",false],
		["2026-10-01","2026-10-07",false],["2026-10-10","2026-10-10",true]]'::jsonb) r
	CROSS JOIN LATERAL generate_series((r ->> 0)::date, (r ->> 1)::date, interval '1 day') AS g(d)) s \g /dev/null

UPDATE core.setting SET value = '5' WHERE key = 'commitment_days';

SELECT count(*) FROM api.forms_load(gen_random_uuid(), $json$
{"code": "zz_test_case", "version": 1, "name_zh": "测试退休一件事", "name_en": "Test retirement",
 "applicant": "person", "promised_days": 5, "count_acceptance_day": false,
 "departments": ["RS", "YB"],
 "groups": [{"key": "person", "label_zh": "申请人信息", "label_en": "Applicant"},
	    {"key": "work", "label_zh": "参保信息", "label_en": "Insurance"}],
 "steps": [{"number": 1, "dept": "RS", "group": 1, "days": 3, "name_zh": "退休审批", "name_en": "Approval"},
	   {"number": 2, "dept": "YB", "group": 2, "days": 2, "name_zh": "医保变更", "name_en": "Insurance"}],
 "fields": [
  {"key": "name", "label_zh": "姓名", "label_en": "Name", "type": "text", "required": true, "max_length": 10,
   "prefill": {"source": "population", "column": "name", "by": "idno"}, "group": "person", "send_to": ["RS", "YB"], "when": null},
  {"key": "idno", "label_zh": "公民身份号码", "label_en": "Identity number", "type": "idno", "required": true,
   "prefill": {"source": "applicant", "column": "idno", "by": null}, "group": "person", "send_to": ["RS", "YB"], "when": null},
  {"key": "phone", "label_zh": "联系电话", "label_en": "Phone", "type": "phone", "required": false,
   "prefill": null, "group": "person", "send_to": ["RS"], "when": null},
  {"key": "kind", "label_zh": "退休类别", "label_en": "Kind", "type": "enum", "required": true,
   "choices": ["正常退休", "特殊工种提前退休"], "prefill": null, "group": "work", "send_to": ["RS"], "when": null},
  {"key": "since", "label_zh": "参加工作日期", "label_en": "Working since", "type": "date", "required": false,
   "prefill": null, "group": "work", "send_to": ["RS"], "when": null},
  {"key": "years", "label_zh": "缴费年限", "label_en": "Years", "type": "integer", "required": false,
   "prefill": null, "group": "work", "send_to": ["RS"], "when": null},
  {"key": "pension", "label_zh": "月养老金（元）", "label_en": "Monthly pension", "type": "money", "required": false,
   "prefill": null, "group": "work", "send_to": ["RS"], "when": null},
  {"key": "employer_uscc", "label_zh": "单位信用代码", "label_en": "Employer", "type": "uscc", "required": false,
   "prefill": null, "group": "work", "send_to": ["RS", "YB"], "when": null},
  {"key": "fund_account", "label_zh": "公积金账号", "label_en": "Fund account", "type": "text", "required": true,
   "max_length": 20, "prefill": null, "group": "work", "send_to": ["RS"],
   "when": {"field": "kind", "values": ["特殊工种提前退休"]}}],
 "materials": [
  {"code": "id_card", "name_zh": "居民身份证", "name_en": "Identity card", "key": true,
   "check": {"kind": "identity", "type": null}, "note_zh": "原件核验", "note_en": "Original, checked", "send_to": ["RS"], "when": null},
  {"code": "hukou", "name_zh": "户口簿", "name_en": "Household register", "key": true,
   "check": null, "note_zh": "原件", "note_en": "Original", "send_to": ["RS"], "when": null},
  {"code": "photo", "name_zh": "一寸照片", "name_en": "Photo", "key": false,
   "check": null, "note_zh": "可在承诺期内补交", "note_en": "May follow", "send_to": ["RS"], "when": null},
  {"code": "special_proof", "name_zh": "特殊工种证明", "name_en": "Special occupation proof", "key": false,
   "check": null, "note_zh": null, "note_en": null, "send_to": ["RS"],
   "when": {"field": "kind", "values": ["特殊工种提前退休"]}}]}
$json$::jsonb) \g /dev/null

-- Test values: uuids from numbers, sealed values (shape only: the server
-- never opens them), a person applicant.
CREATE FUNCTION pg_temp.u(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
	SELECT ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid $$;
CREATE FUNCTION pg_temp.sealed(p_mask text, p_blind text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object('cipher', 'v1:' || md5(p_mask) || md5(coalesce(p_blind, '')),
						    'mask', p_mask, 'blind', p_blind)) $$;
CREATE FUNCTION pg_temp.app() RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_build_object('id', pg_temp.u(9001), 'kind', 'person', 'name', '张伟',
				  'id_no', pg_temp.sealed('330702********1237', 'a1b2c3d4'),
				  'phone', pg_temp.sealed('138****5678', 'e5f6a7b8')) $$;
CREATE FUNCTION pg_temp.personal() RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_build_object('idno', pg_temp.sealed('330702********1237', 'a1b2c3d4')) $$;
CREATE FUNCTION pg_temp.all_provided() RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
	SELECT '{"id_card": "provided", "hukou": "provided", "photo": "provided"}'::jsonb $$;
-- One submit of zz_test_case: operation p_op, case id p_case.
CREATE FUNCTION pg_temp.submit(p_op int, p_case int, p_fields jsonb, p_materials jsonb,
			       p_personal jsonb DEFAULT pg_temp.personal(), p_proxy jsonb DEFAULT NULL,
			       p_applicant jsonb DEFAULT pg_temp.app(), p_item text DEFAULT 'zz_test_case')
	RETURNS TABLE (outcome text, case_no text, notice_no text, promised_date date,
		       commitment_due date, missing jsonb, visits int)
	LANGUAGE sql AS $$
	SELECT * FROM api.case_submit(pg_temp.u(p_op), pg_temp.u(p_case), p_item, NULL, p_applicant,
				      p_fields, p_personal, p_materials, p_proxy, NULL) $$;
CREATE TEMP TABLE got (label text PRIMARY KEY, outcome text, case_no text, notice_no text,
		       promised_date date, commitment_due date, missing jsonb, visits int);
GRANT ALL ON got TO PUBLIC;

-- ------------------------------------------------------------------ accepted
SET SESSION AUTHORIZATION clerk1;
INSERT INTO got SELECT 'accepted', * FROM pg_temp.submit(1, 101, '{"name": "张伟", "kind": "正常退休"}', pg_temp.all_provided());
SELECT is((SELECT outcome FROM got WHERE label = 'accepted'), 'accepted', 'everything provided: accepted');
SELECT matches((SELECT case_no FROM got WHERE label = 'accepted'), '^330702-20260212-[0-9]{4}$',
	'case number: region, date, sequence');
SELECT is((SELECT promised_date FROM got WHERE label = 'accepted'), '2026-02-26'::date,
	'promised date: 5 working days over the Spring Festival (Sat Feb 14 works, Feb 15-23 off)');
SELECT results_eq($$SELECT commitment_due, missing, visits, notice_no FROM got WHERE label = 'accepted'$$,
	$$VALUES (NULL::date, '[]'::jsonb, 1, NULL::text)$$, 'no commitment, nothing missing, one visit, no notice');

-- the same operation again
INSERT INTO got SELECT 'retry', * FROM pg_temp.submit(1, 101, '{"name": "张伟", "kind": "正常退休"}', pg_temp.all_provided());
SELECT results_eq($$SELECT outcome, case_no, promised_date, visits FROM got WHERE label = 'retry'$$,
	$$SELECT outcome, case_no, promised_date, visits FROM got WHERE label = 'accepted'$$,
	'the same operation id again returns the same outcome and case number');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(2001, 101, '{"name": "张伟", "kind": "正常退休"}', pg_temp.all_provided())$$),
	'23505 This case was already submitted | ' || (SELECT case_no FROM got WHERE label = 'accepted'),
	'the same case id under another operation id is refused, naming the case');

-- ------------------------------------------------------------------ 容缺受理
RESET SESSION AUTHORIZATION;
UPDATE core.setting SET value = '2' WHERE key = 'commitment_days';
SET SESSION AUTHORIZATION clerk1;
INSERT INTO got SELECT 'commit', * FROM pg_temp.submit(2, 102, '{"name": "张伟", "kind": "正常退休"}',
	'{"id_card": "provided", "hukou": "provided", "photo": "missing"}');
SELECT is((SELECT outcome FROM got WHERE label = 'commit'), 'accepted_on_commitment',
	'only a waivable material missing: accepted on commitment');
SELECT is((SELECT commitment_due FROM got WHERE label = 'commit'), '2026-02-14'::date,
	'due in 2 working days (commitment_days = 2): Fri Feb 13, Sat Feb 14');
SELECT is((SELECT missing FROM got WHERE label = 'commit'),
	'[{"code": "photo", "name_zh": "一寸照片", "name_en": "Photo", "key": false, "note_zh": "可在承诺期内补交", "note_en": "May follow"}]'::jsonb,
	'missing lists the waivable material with its names and notes');
SELECT is(right((SELECT case_no FROM got WHERE label = 'commit'), 4)::int,
	right((SELECT case_no FROM got WHERE label = 'accepted'), 4)::int + 1, 'the next case number of the day');

RESET SESSION AUTHORIZATION;
UPDATE core.setting SET value = '10' WHERE key = 'commitment_days';
SET SESSION AUTHORIZATION clerk1;
INSERT INTO got SELECT 'clamped', * FROM pg_temp.submit(3, 103, '{"name": "张伟", "kind": "正常退休"}',
	'{"id_card": "provided", "hukou": "provided", "photo": "missing"}');
SELECT results_eq($$SELECT outcome, promised_date, commitment_due FROM got WHERE label = 'clamped'$$,
	$$VALUES ('accepted_on_commitment'::text, '2026-02-26'::date, '2026-02-26'::date)$$,
	'10 commitment days would pass the promised date: due on the promised date');

-- ------------------------------------------------------------------ 一次性告知
INSERT INTO got SELECT 'refused', * FROM pg_temp.submit(4, 104, '{"name": "张伟", "kind": "正常退休"}',
	'{"id_card": "missing", "hukou": "provided", "photo": "missing"}');
SELECT is((SELECT outcome FROM got WHERE label = 'refused'), 'refused', 'a key material missing: refused');
SELECT matches((SELECT notice_no FROM got WHERE label = 'refused'), '^330702-20260212-GZ[0-9]{4}$',
	'a one-time notice with its own number');
SELECT is((SELECT jsonb_path_query_array(missing, '$[*].code') FROM got WHERE label = 'refused'),
	'["id_card", "photo"]'::jsonb, 'the notice lists every missing material, key or not, in item order');
SELECT is((SELECT jsonb_path_query_array(missing, '$[*].key') FROM got WHERE label = 'refused'),
	'[true, false]'::jsonb, '... saying which are key');
SELECT is((SELECT missing -> 0 ->> 'note_zh' FROM got WHERE label = 'refused'), '原件核验', '... and how to bring them');
SELECT results_eq($$SELECT case_no, promised_date, commitment_due, visits FROM got WHERE label = 'refused'$$,
	$$VALUES (NULL::text, NULL::date, NULL::date, NULL::int)$$, 'no case number, dates or visits');
INSERT INTO got SELECT 'refused again', * FROM pg_temp.submit(4, 104, '{"name": "张伟", "kind": "正常退休"}',
	'{"id_card": "missing", "hukou": "provided", "photo": "missing"}');
SELECT results_eq($$SELECT outcome, notice_no, missing FROM got WHERE label = 'refused again'$$,
	$$SELECT outcome, notice_no, missing FROM got WHERE label = 'refused'$$,
	'a retried refusal returns the same notice');
INSERT INTO got SELECT 'two keys', * FROM pg_temp.submit(5, 105, '{"name": "张伟", "kind": "正常退休"}',
	'{"id_card": "missing", "hukou": "missing", "photo": "provided"}');
SELECT is((SELECT jsonb_path_query_array(missing, '$[*].code') FROM got WHERE label = 'two keys'),
	'["id_card", "hukou"]'::jsonb, 'two key materials missing: both on the one notice');
SELECT is(right((SELECT notice_no FROM got WHERE label = 'two keys'), 4)::int,
	right((SELECT notice_no FROM got WHERE label = 'refused'), 4)::int + 1, 'notice numbers run on their own');

-- ------------------------------------------------------------------ bad input, each named
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(10, 110, '{"kind": "正常退休"}', pg_temp.all_provided())$$),
	'22023 A required field is missing | name', 'a missing required field');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(10, 110, '{"name": "  ", "kind": "正常退休"}', pg_temp.all_provided())$$),
	'22023 A required field is missing | name', 'a blank required field is missing');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(10, 110, '{"name": "张伟", "kind": "正常退休"}', pg_temp.all_provided(), '{}')$$),
	'22023 A required field is missing | idno', 'a missing required personal field');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(10, 110, '{"name": "张伟", "kind": "提前退休"}', pg_temp.all_provided())$$),
	'22023 Value not among the choices | kind', 'a value outside the enum');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(10, 110, '{"name": "张伟", "kind": "正常退休"}', pg_temp.all_provided(),
		p_item => 'zz_no_such_item')$$),
	'22023 Unknown service item | zz_no_such_item', 'an unknown item');
SELECT is(pg_temp.error_of($$SELECT * FROM api.case_submit(gen_random_uuid(), gen_random_uuid(), 'zz_test_case', 7,
		pg_temp.app(), '{"name": "张伟", "kind": "正常退休"}', pg_temp.personal(), pg_temp.all_provided(), NULL, NULL)$$),
	'22023 Unknown service item | zz_test_case v7', 'an unknown version of a known item');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(10, 110, '{"name": "张伟", "kind": "正常退休", "colour": "red"}', pg_temp.all_provided())$$),
	'22023 Unknown field | colour', 'an unknown field');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(10, 110, '{"name": "欧阳张伟欧阳张伟欧阳张", "kind": "正常退休"}', pg_temp.all_provided())$$),
	'22023 Text too long for the field | name', 'text longer than max_length (counted in characters)');
INSERT INTO got SELECT 'exact', * FROM pg_temp.submit(12, 112, '{"name": "欧阳张伟欧阳张伟欧阳", "kind": "正常退休"}', pg_temp.all_provided());
SELECT is((SELECT outcome FROM got WHERE label = 'exact'), 'accepted', 'text of exactly max_length characters is accepted');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(11, 111, '{"name": "张伟", "kind": "正常退休"}', '{"id_card": "provided", "hukou": "provided"}')$$),
	'22023 Every material must be marked provided or missing | photo', 'a material left unmarked');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(11, 111, '{"name": "张伟", "kind": "正常退休"}', '{"id_card": "provided", "hukou": "lost", "photo": "provided"}')$$),
	'22023 Every material must be marked provided or missing | hukou', 'a material marked neither');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(11, 111, '{"name": "张伟", "kind": "正常退休"}', pg_temp.all_provided() || '{"passport": "provided"}')$$),
	'22023 Unknown material | passport', 'an unknown material');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(11, 111, '{"name": "张伟", "kind": "正常退休", "idno": "330702198803151237"}', pg_temp.all_provided(), '{}')$$),
	'22023 A personal value must be sent sealed | idno', 'a personal field sent in clear is refused');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(11, 111, '{"name": "张伟", "kind": "正常退休"}', pg_temp.all_provided(),
		'{"idno": {"cipher": "330702198803151237", "mask": "330702********1237", "blind": "a1b2c3d4"}}')$$),
	'22023 A personal value must be sent sealed | idno', 'a "sealed" value that is not a cipher is refused');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(11, 111, '{"name": "张伟", "kind": "正常退休"}', pg_temp.all_provided(),
		pg_temp.personal() || jsonb_build_object('kind', pg_temp.sealed('正**休', NULL)))$$),
	'22023 Only personal fields are sent sealed | kind', 'a field that is not personal sent sealed is refused');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(11, 111, '{"name": "张伟", "kind": "正常退休", "since": "2026-02-30"}', pg_temp.all_provided())$$),
	'22023 Value does not fit the field type | since', 'a date that does not exist');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(11, 111, '{"name": "张伟", "kind": "正常退休", "years": "thirty"}', pg_temp.all_provided())$$),
	'22023 Value does not fit the field type | years', 'an integer that is not one');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(11, 111, '{"name": "张伟", "kind": "正常退休", "pension": "-5"}', pg_temp.all_provided())$$),
	'22023 Value does not fit the field type | pension', 'a negative amount');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(11, 111, '{"name": "张伟", "kind": "正常退休", "pension": "12.345"}', pg_temp.all_provided())$$),
	'22023 Value does not fit the field type | pension', 'an amount with more than two decimals');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(11, 111, '{"name": "张伟", "kind": "正常退休", "employer_uscc": "91110000600037341N"}', pg_temp.all_provided())$$),
	'22023 Value does not fit the field type | employer_uscc', 'a credit code with a wrong check character');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(11, 111, '{"name": "张伟", "kind": "特殊工种提前退休"}',
		pg_temp.all_provided() || '{"special_proof": "provided"}')$$),
	'22023 A required field is missing | fund_account', 'a field required only for one kind, for that kind');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(11, 111, '{"name": "张伟", "kind": "特殊工种提前退休", "fund_account": "GJJ001"}',
		pg_temp.all_provided())$$),
	'22023 Every material must be marked provided or missing | special_proof', 'a material needed only for that kind');
SELECT is(pg_temp.error_of($$SELECT * FROM api.case_submit(gen_random_uuid(), gen_random_uuid(), 'zz_test_case', NULL,
		pg_temp.app() || '{"kind": "enterprise", "uscc": "91350100M000100Y43"}', '{"name": "张伟", "kind": "正常退休"}',
		pg_temp.personal(), pg_temp.all_provided(), NULL, NULL)$$),
	'22023 The applicant does not fit the service item | enterprise / person', 'an enterprise applying for a personal item');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(11, 111, '{"name": "张伟", "kind": "正常退休"}', pg_temp.all_provided(),
		p_applicant => pg_temp.app() - 'id_no' || '{"id": "00000000-0000-4000-8000-000000009999"}')$$),
	'22023 Applicant details are incomplete | id_no', 'a new person without an identity number');
SELECT is(pg_temp.error_of($$SELECT * FROM pg_temp.submit(11, 111, '{"name": "张伟", "kind": "正常退休"}', pg_temp.all_provided(),
		p_proxy => jsonb_build_object('name', '李娜', 'id_no', pg_temp.sealed('330702********2465', 'c0c0c0c0')))$$),
	'22023 Proxy details are incomplete | relation', 'a proxy without a relationship');
SELECT is(pg_temp.error_of($$SELECT * FROM api.case_submit(gen_random_uuid(), gen_random_uuid(), 'zz_test_case', NULL,
		pg_temp.app(), '{"name": "张伟", "kind": "正常退休"}', pg_temp.personal(), pg_temp.all_provided(), NULL, 1000)$$),
	'22023 Window number must be between 1 and 999 | 1000', 'a window number out of range');
INSERT INTO got SELECT 'known', * FROM pg_temp.submit(13, 113, '{"name": "张伟", "kind": "正常退休"}', pg_temp.all_provided(),
	p_applicant => pg_temp.app() - 'id_no' - 'phone');
SELECT is((SELECT outcome FROM got WHERE label = 'known'), 'accepted',
	'an applicant on record may come without the sealed values');
RESET SESSION AUTHORIZATION;
SELECT results_eq($$SELECT id_mask, id_blind, phone_mask FROM core.applicant WHERE id = pg_temp.u(9001)$$,
	$$VALUES ('330702********1237'::text, 'a1b2c3d4'::text, '138****5678'::text)$$, '... which keep what is stored');
SELECT is((SELECT count(*)::int FROM core.case WHERE op_id IN (pg_temp.u(10), pg_temp.u(11))),
	0, 'refused input leaves no case behind');
SELECT is((SELECT count(*)::int FROM core.case WHERE op_id = pg_temp.u(1)), 1, 'the retried operation made one case');

-- ------------------------------------------------------------------ conditions, proxy, types
SET SESSION AUTHORIZATION clerk1;
INSERT INTO got SELECT 'special', * FROM pg_temp.submit(6, 106,
	'{"name": "张伟", "kind": "特殊工种提前退休", "fund_account": " GJJ001 ", "since": "1990-07-01", "years": 35, "pension": "3200.50", "employer_uscc": "91350100m000100y43"}',
	pg_temp.all_provided() || '{"special_proof": "missing"}',
	p_proxy => jsonb_build_object('name', '李娜', 'relation', '配偶', 'authorisation', '授权委托书',
				      'id_no', pg_temp.sealed('330702********2465', 'c0c0c0c0')));
SELECT results_eq($$SELECT outcome, jsonb_path_query_array(missing, '$[*].code') FROM got WHERE label = 'special'$$,
	$$VALUES ('accepted_on_commitment'::text, '["special_proof"]'::jsonb)$$,
	'the conditional field and material apply for that kind');
SELECT is((SELECT fields FROM api.case_get((SELECT case_no FROM got WHERE label = 'special'))),
	'{"name": "张伟", "kind": "特殊工种提前退休", "fund_account": "GJJ001", "since": "1990-07-01", "years": "35", "pension": "3200.50", "employer_uscc": "91350100M000100Y43"}'::jsonb,
	'clear values are stored trimmed, numbers as text, the credit code upper-cased');
SELECT is((SELECT proxy FROM api.case_get((SELECT case_no FROM got WHERE label = 'special'))),
	'{"name": "李娜", "relation": "配偶", "id_mask": "330702********2465", "authorisation": "授权委托书"}'::jsonb,
	'the proxy is shown masked');
INSERT INTO got SELECT 'dropped', * FROM pg_temp.submit(7, 107,
	'{"name": "张伟", "kind": "正常退休", "fund_account": "GJJ001"}', pg_temp.all_provided() || '{"special_proof": "missing"}');
SELECT results_eq($$SELECT g.outcome, c.fields ? 'fund_account'
		    FROM got g, api.case_get(g.case_no) c WHERE g.label = 'dropped'$$,
	$$VALUES ('accepted'::text, false)$$,
	'values of a field or material whose condition does not hold are dropped');

-- ------------------------------------------------------------------ reading a case
SELECT results_eq($$SELECT item, item_version, item_name_zh, status, applicant_name, applicant_id_mask,
			   accepted_by, window_no, promised_date, visits, personal_masks
		    FROM api.case_get((SELECT case_no FROM got WHERE label = 'accepted'))$$,
	$$VALUES ('zz_test_case'::text, 1, '测试退休一件事'::text, 'accepted'::text, '张伟'::text,
		  '330702********1237'::text, 'clerk1'::text, 1, '2026-02-26'::date, 1,
		  '{"idno": "330702********1237"}'::jsonb)$$,
	'case_get: the case, masked, with the clerk''s window');
SELECT is((SELECT jsonb_path_query_array(materials, '$[*].code') FROM api.case_get((SELECT case_no FROM got WHERE label = 'accepted'))),
	'["id_card", "hukou", "photo"]'::jsonb, 'case_get lists the materials in item order');
SELECT ok((SELECT row_to_json(c)::text NOT LIKE '%v1:%' FROM api.case_get((SELECT case_no FROM got WHERE label = 'special')) c),
	'case_get never returns a cipher');
SELECT is(pg_temp.error_of($$SELECT * FROM api.case_get('330702-20260212-9999')$$),
	'P0002 No such case | 330702-20260212-9999', 'an unknown case number');

-- ------------------------------------------------------------------ visits
SELECT results_eq($$SELECT * FROM api.case_supplement(pg_temp.u(20), (SELECT case_no FROM got WHERE label = 'commit'), 'photo')$$,
	$$VALUES (2, 0)$$, 'bringing the missing photo is the second visit, nothing outstanding');
SELECT results_eq($$SELECT status, visits, materials -> 2 ->> 'status' FROM api.case_get((SELECT case_no FROM got WHERE label = 'commit'))$$,
	$$VALUES ('accepted'::text, 2, 'supplied'::text)$$, 'the commitment is met: the case is accepted, the photo supplied');
SELECT results_eq($$SELECT * FROM api.case_supplement(pg_temp.u(20), (SELECT case_no FROM got WHERE label = 'commit'), 'photo')$$,
	$$VALUES (2, 0)$$, 'a retried supplement changes nothing');
SELECT is(pg_temp.error_of($$SELECT * FROM api.case_supplement(gen_random_uuid(), (SELECT case_no FROM got WHERE label = 'commit'), 'photo')$$),
	'22023 That material is not outstanding | photo', 'a material already supplied');
SELECT is(pg_temp.error_of($$SELECT * FROM api.case_supplement(gen_random_uuid(), (SELECT case_no FROM got WHERE label = 'commit'), 'passport')$$),
	'22023 Unknown material | passport', 'a material the case does not have');
SELECT is(pg_temp.error_of($$SELECT * FROM api.case_supplement(gen_random_uuid(), 'nope', 'photo')$$),
	'P0002 No such case | nope', 'supplementing an unknown case');
RESET SESSION AUTHORIZATION;
SELECT results_eq($$SELECT v.n, v.kind, v.material FROM core.case_visit v JOIN core.case c ON c.id = v.case_id
		    WHERE c.op_id = pg_temp.u(2) ORDER BY v.n$$,
	$$VALUES (1, 'acceptance'::text, NULL::text), (2, 'supplement'::text, 'photo'::text)$$,
	'one visit row per visit');
SELECT is((SELECT count(*)::int FROM core.applicant WHERE id = pg_temp.u(9001)), 1,
	'the applicant of several submits is stored once');
SELECT is((SELECT max(right(case_no, 4)::int) - min(right(case_no, 4)::int) + 1 - count(*)::int
	   FROM core.case WHERE accepted_on = '2026-02-12'), 0, 'the day''s case numbers have no gaps');

-- ------------------------------------------------------------------ who may
SET SESSION AUTHORIZATION green1;
INSERT INTO got SELECT 'helper', * FROM pg_temp.submit(8, 108, '{"name": "张伟", "kind": "正常退休"}', pg_temp.all_provided());
SELECT results_eq($$SELECT g.outcome, c.window_no, c.accepted_by FROM got g, api.case_get(g.case_no) c WHERE g.label = 'helper'$$,
	$$VALUES ('accepted'::text, 9, 'green1'::text)$$, 'a green-channel helper accepts at their window');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION clerk2;
SELECT is((SELECT count(*)::int FROM api.case_list(NULL, 500) WHERE case_no IN (SELECT case_no FROM got)), 8,
	'another clerk of the centre sees every case');
SELECT is((SELECT count(*)::int FROM api.case_list('accepted_on_commitment', 500) WHERE case_no IN (SELECT case_no FROM got)), 2,
	'case_list filters by status');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION super1;
SELECT is((SELECT visits FROM api.case_get((SELECT case_no FROM got WHERE label = 'commit'))), 2, 'a supervisor reads a case');
SELECT throws_ok($$SELECT * FROM pg_temp.submit(30, 130, '{"name": "张伟", "kind": "正常退休"}', pg_temp.all_provided())$$,
	'42501', NULL, 'a supervisor cannot accept a case');
SELECT is((SELECT first_broken FROM api.audit_verify()), NULL, 'the audit chain still verifies');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION "reviewer.rs";
SELECT throws_ok($$SELECT * FROM pg_temp.submit(31, 131, '{"name": "张伟", "kind": "正常退休"}', pg_temp.all_provided())$$,
	'42501', NULL, 'a reviewer cannot call case_submit');
SELECT throws_ok($$SELECT * FROM api.case_list()$$, '42501', NULL, 'a reviewer cannot list cases here');
SELECT throws_ok($$SELECT * FROM core.case$$, '42501', NULL, 'a reviewer cannot read core.case');
RESET SESSION AUTHORIZATION;

-- ------------------------------------------------------------------ audit
SELECT is((SELECT count(*)::int FROM core.audit WHERE action = 'case_accept'
	   AND object IN (SELECT 'case:' || case_no FROM got)), 8, 'one case_accept audit row per case');
SELECT is((SELECT count(*)::int FROM core.audit WHERE action = 'notice_issue'
	   AND object IN (SELECT 'notice:' || notice_no FROM got)), 2, 'one notice_issue audit row per notice');
SELECT is((SELECT count(*)::int FROM core.audit
	   WHERE (object IN (SELECT 'case:' || case_no FROM got) OR object IN (SELECT 'notice:' || notice_no FROM got))
	     AND (detail::text LIKE '%v1:%' OR detail::text LIKE '%1237%')), 0,
	'the audit rows of submits hold no cipher and no part of an identity number');

SELECT * FROM finish();
ROLLBACK;
