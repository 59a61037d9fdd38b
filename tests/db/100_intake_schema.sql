-- The database side of intake as docs/intake.md fixes it: tables, the api
-- functions with their exact signatures and result shapes, who may call
-- them, row-level security. (010_schema.sql checks ownership, SECURITY
-- DEFINER and search_path for every api function, these included.)
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(37);

SELECT has_table('core', t, 'core.' || t || ' exists')
FROM unnest(ARRAY['setting', 'service_item', 'calendar_year', 'calendar_day', 'applicant', 'case',
		  'case_material', 'case_visit', 'case_counter', 'notice', 'draft']) t;
SELECT has_schema('shared');

-- Signatures the C side calls (docs/intake.md)
SELECT has_function('core', 'configure', ARRAY['text','text','text','text','text','text','text','integer'],
	'core.configure(text x7, int), as src/migrate.c calls it');
SELECT has_function('core', 'add_working_days', ARRAY['date','integer','boolean'], 'core.add_working_days(date, int, boolean)');
SELECT results_eq(
	$$SELECT p.oid::regprocedure::text, pg_get_function_result(p.oid)
	  FROM pg_proc p WHERE p.pronamespace = 'api'::regnamespace
	    AND p.proname IN ('forms_load', 'item_get', 'calendar_load', 'working_date', 'applicant_candidates',
			      'applicant_by_uscc', 'registry_person', 'registry_enterprise', 'case_submit',
			      'case_supplement', 'case_get', 'case_list', 'draft_save', 'draft_list', 'draft_get',
			      'draft_discard')
	  ORDER BY p.proname$$,
	$$VALUES
	('api.applicant_by_uscc(text)', 'TABLE(id uuid, kind text, id_cipher text, id_mask text, uscc text, name text, phone_cipher text, phone_mask text, address_cipher text, address_mask text, updated_at timestamp with time zone)'),
	('api.applicant_candidates(text)', 'TABLE(id uuid, kind text, id_cipher text, id_mask text, uscc text, name text, phone_cipher text, phone_mask text, address_cipher text, address_mask text, updated_at timestamp with time zone)'),
	('api.calendar_load(uuid,integer,jsonb)', 'integer'),
	('api.case_get(text)', 'TABLE(case_no text, item text, item_version integer, item_name_zh text, status text, applicant_name text, applicant_id_mask text, accepted_at timestamp with time zone, accepted_by text, window_no integer, promised_date date, commitment_due date, visits integer, fields jsonb, personal_masks jsonb, materials jsonb, proxy jsonb)'),
	('api.case_list(text,integer)', 'TABLE(case_no text, item text, item_name_zh text, status text, applicant_name text, applicant_id_mask text, accepted_at timestamp with time zone, promised_date date, visits integer)'),
	('api.case_submit(uuid,uuid,text,integer,jsonb,jsonb,jsonb,jsonb,jsonb,integer)', 'TABLE(outcome text, case_no text, notice_no text, promised_date date, commitment_due date, missing jsonb, visits integer)'),
	('api.case_supplement(uuid,text,text)', 'TABLE(visits integer, outstanding integer)'),
	('api.draft_discard(uuid)', 'void'),
	('api.draft_get(uuid)', 'TABLE(id uuid, item text, payload text, updated_at timestamp with time zone)'),
	('api.draft_list()', 'TABLE(id uuid, item text, summary text, updated_at timestamp with time zone)'),
	('api.draft_save(uuid,text,text,text)', 'void'),
	('api.forms_load(uuid,jsonb)', 'TABLE(code text, version integer, changed boolean)'),
	('api.item_get(text,integer)', 'jsonb'),
	('api.registry_enterprise(text,text)', 'TABLE(name text, legal_rep_id text, status text, registered_on date, address text)'),
	('api.registry_person(text,text)', 'TABLE(name text, sex text, birth_date date, address text, status text)'),
	('api.working_date(date,integer,boolean)', 'date')$$,
	'the api functions of the intake contract, with their result shapes');
SELECT is(pg_get_function_arguments('api.item_get(text,integer)'::regprocedure),
	'p_code text, p_version integer DEFAULT NULL::integer', 'item_get: the version may be left out');
SELECT is(pg_get_function_arguments('api.case_list(text,integer)'::regprocedure),
	'p_status text DEFAULT NULL::text, p_limit integer DEFAULT 50', 'case_list: both arguments may be left out');
SELECT is(pg_get_function_arguments('api.case_submit(uuid,uuid,text,integer,jsonb,jsonb,jsonb,jsonb,jsonb,integer)'::regprocedure),
	'p_op uuid, p_case_id uuid, p_item text, p_item_version integer, p_applicant jsonb, p_fields jsonb, p_personal jsonb, p_materials jsonb, p_proxy jsonb, p_window integer',
	'case_submit: argument names as in the contract');
SELECT columns_are('api', 'items', ARRAY['code', 'version', 'name_zh', 'name_en', 'applicant_kind', 'promised_days'],
	'api.items has the contract''s columns');

-- Who may call what
SELECT set_eq(
	$$SELECT p.oid::regprocedure::text, a.grantee::regrole::text
	  FROM pg_proc p, aclexplode(p.proacl) a
	  WHERE p.pronamespace = 'api'::regnamespace AND a.privilege_type = 'EXECUTE'
	    AND a.grantee <> p.proowner
	    AND p.proname IN ('centre', 'forms_load', 'item_get', 'calendar_load', 'working_date', 'applicant_candidates',
			      'applicant_by_uscc', 'registry_person', 'registry_enterprise', 'case_submit',
			      'case_supplement', 'case_get', 'case_list', 'draft_save', 'draft_list', 'draft_get',
			      'draft_discard')$$,
	$$VALUES ('api.centre()', 'cd_staff'),
		 ('api.forms_load(uuid,jsonb)', 'cd_admin'),
		 ('api.item_get(text,integer)', 'cd_staff'),
		 ('api.calendar_load(uuid,integer,jsonb)', 'cd_admin'),
		 ('api.working_date(date,integer,boolean)', 'cd_staff'),
		 ('api.applicant_candidates(text)', 'cd_clerk'),
		 ('api.applicant_by_uscc(text)', 'cd_clerk'),
		 ('api.registry_person(text,text)', 'cd_clerk'),
		 ('api.registry_enterprise(text,text)', 'cd_clerk'),
		 ('api.case_submit(uuid,uuid,text,integer,jsonb,jsonb,jsonb,jsonb,jsonb,integer)', 'cd_clerk'),
		 ('api.case_supplement(uuid,text,text)', 'cd_clerk'),
		 ('api.case_get(text)', 'cd_clerk'),
		 ('api.case_get(text)', 'cd_supervisor'),
		 ('api.case_get(text)', 'cd_reviewer'),
		 ('api.case_list(text,integer)', 'cd_clerk'),
		 ('api.case_list(text,integer)', 'cd_supervisor'),
		 ('api.draft_save(uuid,text,text,text)', 'cd_clerk'),
		 ('api.draft_list()', 'cd_clerk'),
		 ('api.draft_get(uuid)', 'cd_clerk'),
		 ('api.draft_discard(uuid)', 'cd_clerk')$$,
	'EXECUTE on the intake functions is granted to exactly the intended groups');
SELECT set_eq(
	$$SELECT c.relname::text, a.grantee::regrole::text, a.privilege_type::text
	  FROM pg_class c, aclexplode(c.relacl) a
	  WHERE c.relnamespace = 'api'::regnamespace AND c.relname IN ('items', 'calendar', 'calendar_years')
	    AND a.grantee <> c.relowner$$,
	$$VALUES ('items', 'cd_staff', 'SELECT'), ('calendar', 'cd_staff', 'SELECT'), ('calendar_years', 'cd_staff', 'SELECT')$$,
	'SELECT on the intake views is granted to exactly cd_staff');
SELECT is_empty(
	$$SELECT r FROM unnest(ARRAY['cd_staff','cd_clerk','cd_helper','cd_reviewer','cd_supervisor','cd_admin','cd_kiosk']) r
	  WHERE has_function_privilege(r, 'core.configure(text,text,text,text,text,text,text,integer)', 'EXECUTE')
	     OR has_function_privilege(r, 'core.add_working_days(date,integer,boolean)', 'EXECUTE')$$,
	'no staff group may call core.configure or the core helpers');

-- Row-level security where rows differ per viewer
SELECT ok((SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = ('core.' || t)::regclass),
	'core.' || t || ' has FORCE ROW LEVEL SECURITY')
FROM unnest(ARRAY['case', 'case_material', 'case_visit', 'notice', 'draft']) t;

-- Unique operation ids: a retried submit finds its outcome
SELECT col_is_unique('core', t, ARRAY['op_id'], 'core.' || t || '.op_id is unique')
FROM unnest(ARRAY['case', 'notice', 'case_visit', 'service_item']) t;
SELECT col_is_unique('core', 'case', ARRAY['case_no'], 'core.case.case_no is unique');
SELECT col_is_unique('core', 'notice', ARRAY['notice_no'], 'core.notice.notice_no is unique');
SELECT col_is_pk('core', 'service_item', ARRAY['code', 'version'], 'a service item is keyed by code and version');
SELECT col_is_pk('core', 'case_counter', ARRAY['centre_code', 'day', 'kind'], 'one counter per centre, day and kind');

-- Configured by db migrate
SELECT isnt_empty($$SELECT 1 FROM core.setting WHERE key = 'region' AND value ~ '^[0-9]{6}$'$$,
	'core.configure stored the centre''s region');
SELECT isnt_empty($$SELECT 1 FROM pg_foreign_server WHERE srvname = 'shared_data'$$, 'the foreign server shared_data exists');

SELECT * FROM finish();
ROLLBACK;
