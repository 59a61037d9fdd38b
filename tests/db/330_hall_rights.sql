-- Who may call what in the hall (sql/030–032): EXECUTE granted to exactly
-- the intended groups, the signatures the C core calls, and row-level
-- security on the green channel's personal data.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(8);

SELECT set_eq(
	$$SELECT p.oid::regprocedure::text, a.grantee::regrole::text
	  FROM pg_proc p, aclexplode(p.proacl) a
	  WHERE p.pronamespace = 'api'::regnamespace AND a.privilege_type = 'EXECUTE'
	    AND a.grantee <> p.proowner
	    AND (p.proname LIKE 'hall\_%' OR p.proname LIKE 'ticket\_%' OR p.proname LIKE 'window\_%'
		 OR p.proname LIKE 'green\_%' OR p.proname LIKE 'rating\_%' OR p.proname = 'case_tickets')$$,
	$$VALUES ('api.hall_load(uuid,jsonb)', 'cd_admin'),
		 ('api.hall_config()', 'cd_staff'),
		 ('api.ticket_issue(uuid,text,boolean,text)', 'cd_kiosk'),
		 ('api.ticket_issue(uuid,text,boolean,text)', 'cd_clerk'),
		 ('api.window_call(uuid,integer)', 'cd_clerk'),
		 ('api.window_call_ticket(uuid,integer,text,text)', 'cd_clerk'),
		 ('api.window_recall(uuid,integer)', 'cd_clerk'),
		 ('api.window_noshow(uuid,integer)', 'cd_clerk'),
		 ('api.window_transfer(uuid,integer,text,integer)', 'cd_clerk'),
		 ('api.window_pause(uuid,integer,boolean)', 'cd_clerk'),
		 ('api.window_finish(uuid,integer,text)', 'cd_clerk'),
		 ('api.window_link_case(uuid,integer,text)', 'cd_clerk'),
		 ('api.hall_close_day(uuid,text,boolean)', 'cd_supervisor'),
		 ('api.ticket_list(boolean)', 'cd_clerk'),
		 ('api.ticket_list(boolean)', 'cd_supervisor'),
		 ('api.hall_windows()', 'cd_clerk'),
		 ('api.hall_windows()', 'cd_supervisor'),
		 ('api.hall_windows()', 'cd_kiosk'),
		 ('api.hall_queue()', 'cd_clerk'),
		 ('api.hall_queue()', 'cd_supervisor'),
		 ('api.case_tickets(text)', 'cd_clerk'),
		 ('api.case_tickets(text)', 'cd_supervisor'),
		 ('api.green_start(uuid,uuid,text,integer,text,text[],text,text,jsonb,text,text,text,text,boolean)', 'cd_helper'),
		 ('api.green_end(uuid,bigint,text,text[],text,text,date)', 'cd_helper'),
		 ('api.green_sessions(boolean,date,date)', 'cd_helper'),
		 ('api.green_sessions(boolean,date,date)', 'cd_supervisor'),
		 ('api.green_followups(boolean)', 'cd_helper'),
		 ('api.green_followups(boolean)', 'cd_supervisor'),
		 ('api.green_close_followup(uuid,bigint,text)', 'cd_helper'),
		 ('api.green_close_followup(uuid,bigint,text)', 'cd_supervisor'),
		 ('api.green_report(date,date)', 'cd_helper'),
		 ('api.green_report(date,date)', 'cd_supervisor'),
		 ('api.rating_pending(integer)', 'cd_kiosk'),
		 ('api.rating_add(uuid,integer,integer,text)', 'cd_kiosk'),
		 ('api.rating_followup_rate(uuid,bigint,integer,text)', 'cd_kiosk'),
		 ('api.rating_followups(boolean)', 'cd_supervisor'),
		 ('api.rating_callback(uuid,bigint,text)', 'cd_supervisor'),
		 ('api.rating_rectify(uuid,bigint,text)', 'cd_supervisor'),
		 ('api.rating_appeal(uuid,bigint,text)', 'cd_clerk'),
		 ('api.rating_appeal(uuid,bigint,text)', 'cd_supervisor'),
		 ('api.rating_decide_appeal(uuid,bigint,boolean,text)', 'cd_supervisor'),
		 ('api.rating_list(date,date)', 'cd_supervisor')$$,
	'EXECUTE on the hall functions is granted to exactly the intended groups');

SELECT ok(NOT has_function_privilege('cd_clerk', 'api.rating_add(uuid,integer,integer,text)', 'EXECUTE')
	  AND NOT has_function_privilege('cd_supervisor', 'api.rating_add(uuid,integer,integer,text)', 'EXECUTE')
	  AND NOT has_function_privilege('cd_helper', 'api.rating_add(uuid,integer,integer,text)', 'EXECUTE'),
	'no staff group can rate (only cd_kiosk)');
SELECT ok(NOT has_function_privilege('cd_clerk',
	  'api.green_start(uuid,uuid,text,integer,text,text[],text,text,jsonb,text,text,text,text,boolean)', 'EXECUTE')
	  AND has_function_privilege('cd_helper',
	  'api.green_start(uuid,uuid,text,integer,text,text[],text,text,jsonb,text,text,text,text,boolean)', 'EXECUTE'),
	'helpers log sessions, plain clerks do not (cd_helper is in cd_clerk, not the other way)');
SELECT ok(NOT has_function_privilege('cd_clerk', 'api.rating_rectify(uuid,bigint,text)', 'EXECUTE')
	  AND NOT has_function_privilege('cd_helper', 'api.rating_rectify(uuid,bigint,text)', 'EXECUTE')
	  AND NOT has_function_privilege('cd_kiosk', 'api.rating_rectify(uuid,bigint,text)', 'EXECUTE'),
	'only supervisors close rating follow-ups');
SELECT ok(has_function_privilege('cd_helper', 'api.window_call(uuid,integer)', 'EXECUTE'),
	'a helper works a window as a clerk does');
SELECT is((SELECT string_agg(c.relname || ':' || c.relrowsecurity || ':' || c.relforcerowsecurity, ' '
			     ORDER BY c.relname)
	   FROM pg_class c WHERE c.oid IN ('core.green_session'::regclass, 'core.green_followup'::regclass)),
	'green_followup:true:true green_session:true:true',
	'the green channel tables have forced row-level security');
SELECT has_function('api', 'window_call', ARRAY['uuid', 'integer'], 'api.window_call(uuid, int)');
SELECT has_function('api', 'rating_add', ARRAY['uuid', 'integer', 'integer', 'text'],
	'api.rating_add(uuid, int, int, text)');

SELECT * FROM finish();
ROLLBACK;
