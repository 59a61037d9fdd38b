-- The ticket hall (sql/030_hall.sql, docs/hall.md): configuration, daily
-- numbers, the calling order (green, appointment, arrival, the fairness
-- cap, out of order with a reason), windows calling only their categories,
-- pause, recall limit, no-show, transfer keeping the place, retried calls,
-- the sweep of a day nobody closed, closing the day (close and carry), and
-- who may do what.
-- "Today" is fixed by replacing core.today() inside this transaction;
-- arrival times are set directly (the superuser may) because now() does
-- not move inside one transaction. Everything is rolled back.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(87);

\ir lib/error_of_detail.sql

-- Issue a ticket as the set-up superuser; returns its number.
CREATE FUNCTION pg_temp.issue(p_cat text, p_green boolean DEFAULT false, p_appt text DEFAULT NULL)
	RETURNS text LANGUAGE sql AS $$
	SELECT number FROM api.ticket_issue(gen_random_uuid(), p_cat, p_green, p_appt)
$$;
-- Pretend ticket p_number (of today) arrived p_minutes ago.
CREATE FUNCTION pg_temp.arrive(p_number text, p_minutes int) RETURNS void LANGUAGE sql AS $$
	UPDATE core.ticket SET issued_at = now() - make_interval(mins => p_minutes),
			       arrived_at = now() - make_interval(mins => p_minutes)
	WHERE day = core.today() AND number = p_number;
	UPDATE core.ticket_ready r SET arrived_at = now() - make_interval(mins => p_minutes)
	FROM core.ticket t WHERE t.id = r.ticket_id AND t.day = core.today() AND t.number = p_number;
$$;
-- Call next at a window: "number rule".
CREATE FUNCTION pg_temp.call(p_window int) RETURNS text LANGUAGE sql AS $$
	SELECT number || ' ' || rule FROM api.window_call(gen_random_uuid(), p_window)
$$;
CREATE FUNCTION pg_temp.finish(p_window int) RETURNS text LANGUAGE sql AS $$
	SELECT number || ' ' || status FROM api.window_finish(gen_random_uuid(), p_window, NULL)
$$;
CREATE FUNCTION pg_temp.cfg(p_cap int, p_at_closing text, p_closing text) RETURNS jsonb LANGUAGE sql AS $$
	SELECT jsonb_build_object(
		'rules', jsonb_build_object('priority_cap', p_cap, 'ordinary_wait_minutes', 20, 'recall_limit', 1,
			'closing_time', p_closing, 'at_closing', p_at_closing, 'close_reason', '测试闭厅',
			'green_category', 'G'),
		'ratings', jsonb_build_object('callback_working_days', 1, 'rectify_working_days', 15),
		'categories', '[{"code": "A", "name": "综合受理"}, {"code": "B", "name": "社保医保"},
				{"code": "G", "name": "绿色通道"}]'::jsonb,
		'windows', '[{"window": 1, "categories": ["A"]}, {"window": 2, "categories": ["A", "B"]},
			     {"window": 3, "categories": ["B"]}, {"window": 9, "categories": ["G"]}]'::jsonb)
$$;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pg_temp TO PUBLIC;

CREATE OR REPLACE FUNCTION core.today() RETURNS date
	LANGUAGE sql STABLE SET search_path = pg_catalog, core, pg_temp
AS $$ SELECT date '2026-03-02' $$;

-- A clean hall for this transaction.
DELETE FROM core.ticket_ready;
UPDATE core.hall_window SET current_ticket = NULL, paused = false, paused_at = NULL, priority_streak = 0;

-- ------------------------------------------------------------------ configuration
SELECT results_eq($$SELECT * FROM api.hall_load(gen_random_uuid(), pg_temp.cfg(2, 'close', '00:00'))$$,
	$$VALUES (3, 4)$$, 'hall_load: 3 categories and 4 windows are in force');
SELECT is((SELECT categories FROM core.hall_window WHERE window_no = 2), ARRAY['A', 'B'],
	'window 2 serves A and B');
SELECT ok((SELECT serves_green FROM core.hall_window WHERE window_no = 9), 'window 9 serves the green category');
SELECT ok(NOT EXISTS (SELECT 1 FROM core.hall_window WHERE active AND window_no NOT IN (1, 2, 3, 9)),
	'windows left out of the configuration are inactive');
SELECT is(pg_temp.error_of($$SELECT api.hall_load(gen_random_uuid(),
		jsonb_set(pg_temp.cfg(2, 'close', '00:00'), '{windows,0,categories}', '["Z"]'))$$),
	'22023 A window serves an unknown category | 1: Z', 'a window serving an unknown category is refused');
SELECT is(pg_temp.error_of($$SELECT api.hall_load(gen_random_uuid(),
		jsonb_set(pg_temp.cfg(2, 'close', '00:00'), '{rules,green_category}', '"Q"'))$$),
	'22023 The green category is not one of the categories | Q', 'the green category must exist');
SELECT is(pg_temp.error_of($$SELECT api.hall_load(gen_random_uuid(),
		jsonb_set(pg_temp.cfg(2, 'close', '00:00'), '{windows,3,categories}', '["A"]'))$$),
	'22023 No window serves a category | G', 'every category needs a window');
SELECT is(pg_temp.error_of($$SELECT api.hall_load(gen_random_uuid(),
		jsonb_set(pg_temp.cfg(2, 'close', '00:00'), '{rules,closing_time}', '"25:00"'))$$),
	'22023 Invalid hall rules | ' || (pg_temp.cfg(2, 'close', '00:00') -> 'rules' || '{"closing_time": "25:00"}')::text
	|| (pg_temp.cfg(2, 'close', '00:00') -> 'ratings')::text, 'a closing time that is no time is refused');
SELECT ok((SELECT count(*) FROM core.audit WHERE action = 'hall_load') >= 1, 'hall_load writes an audit row');

-- ------------------------------------------------------------------ numbers
SELECT is(pg_temp.issue('A'), 'A001', 'the first A ticket of the day is A001');
SELECT is(pg_temp.issue('a'), 'A002', 'the category letter is case-insensitive; numbers count up');
SELECT is(pg_temp.issue('B'), 'B001', 'each letter counts on its own');
SELECT is(pg_temp.issue('A', true), 'G001', 'a green ticket of category A takes the green letter');
SELECT is((SELECT category FROM core.ticket WHERE day = '2026-03-02' AND number = 'G001'), 'A',
	'... and keeps its category A');
SELECT is(pg_temp.issue('G'), 'G002', 'the green category shares the green numbers');
SELECT is(pg_temp.issue('A', false, 'YY-0001'), 'A003', 'an appointment takes its category''s letter');
SELECT is(pg_temp.error_of($$SELECT pg_temp.issue('A', false, 'YY-0001')$$),
	'23505 This appointment is already checked in | YY-0001', 'an appointment checks in once a day');
SELECT is(pg_temp.error_of($$SELECT pg_temp.issue('Z')$$), '22023 Unknown ticket category | Z',
	'an unknown category is refused');
SELECT is((SELECT ahead FROM api.ticket_issue(gen_random_uuid(), 'A', false, NULL)), 4,
	'people ahead of A004: G001 (green, category A), A003 (appointment), A001, A002');

-- ------------------------------------------------------------------ calling order
-- A001 09:00, A002 09:01, A003 (appointment) 09:05, G001 (green A) 09:09, A004 09:10;
-- now is later than all of them but less than 20 minutes after A003.
SELECT pg_temp.arrive('A001', 15), pg_temp.arrive('A002', 14), pg_temp.arrive('A003', 10),
       pg_temp.arrive('G001', 6), pg_temp.arrive('A004', 5), pg_temp.arrive('B001', 14),
       pg_temp.arrive('G002', 6) \g /dev/null
SELECT is(pg_temp.call(1), 'G001 green', 'window 1 calls the green ticket of its category first');
SELECT is(pg_temp.error_of($$SELECT pg_temp.call(1)$$),
	'22023 Finish, transfer or mark a no-show for the ticket called first | G001',
	'a window with a ticket called calls nobody else');
SELECT is(pg_temp.finish(1), 'G001 done', 'finish');
SELECT is(pg_temp.call(1), 'A003 appointment', 'then the checked-in appointment');
SELECT is(pg_temp.finish(1), 'A003 done', 'finish');
SELECT is(pg_temp.call(1), 'A001 arrival', 'then arrival order: A001');
SELECT is(pg_temp.finish(1), 'A001 done', 'finish');
SELECT is(pg_temp.call(3), 'B001 arrival', 'window 3 (B) calls B001, never an A ticket');
SELECT is(pg_temp.finish(3), 'B001 done', 'finish');
SELECT is(pg_temp.error_of($$SELECT pg_temp.call(3)$$), 'P0002 No ticket is waiting for this window | 3',
	'window 3 finds nothing while only A and green tickets wait');
SELECT is(pg_temp.call(9), 'G002 green', 'the green window calls green tickets of any category');
SELECT is(pg_temp.finish(9), 'G002 done', 'finish');

SELECT is((SELECT wait_seconds FROM core.ticket WHERE day = '2026-03-02' AND number = 'A001'), 15 * 60,
	'waiting time: issue to call');
SELECT ok((SELECT finished_at IS NOT NULL AND service_seconds = 0 AND status = 'done'
	   FROM core.ticket WHERE day = '2026-03-02' AND number = 'A001'),
	'service time and finish are recorded');

-- ------------------------------------------------------------------ fairness
-- Cap 2: after two priority calls in a row, an ordinary ticket waiting more
-- than 20 minutes goes first, even though green tickets wait.
-- G003 G004 G005
SELECT pg_temp.issue('A', true), pg_temp.issue('A', true), pg_temp.issue('A', true) \g /dev/null
SELECT pg_temp.arrive('A002', 30), pg_temp.arrive('G003', 3), pg_temp.arrive('G004', 2),
       pg_temp.arrive('G005', 1) \g /dev/null
SELECT is(pg_temp.call(1), 'G003 green', 'fairness: first priority call');
SELECT pg_temp.finish(1) \g /dev/null
SELECT is(pg_temp.call(1), 'G004 green', 'fairness: second priority call');
SELECT pg_temp.finish(1) \g /dev/null
SELECT is(pg_temp.call(1), 'A002 fairness', 'after two in a row the ordinary ticket waiting 30 minutes goes first');
SELECT pg_temp.finish(1) \g /dev/null
SELECT is(pg_temp.call(1), 'G005 green', 'then the green ticket again');
SELECT pg_temp.finish(1) \g /dev/null
SELECT is((SELECT priority_streak FROM core.hall_window WHERE window_no = 1), 1, 'the streak restarted');
-- At the cap, but no ordinary ticket has waited long enough: priority goes on.
-- G006 G007
SELECT pg_temp.issue('A', true), pg_temp.issue('A', true) \g /dev/null
SELECT pg_temp.arrive('A004', 5), pg_temp.arrive('G006', 2), pg_temp.arrive('G007', 1) \g /dev/null
SELECT is(pg_temp.call(1), 'G006 green', 'green call (streak 2)');
SELECT pg_temp.finish(1) \g /dev/null
SELECT is(pg_temp.call(1), 'G007 green', 'still green: A004 has waited only 5 minutes');
SELECT pg_temp.finish(1) \g /dev/null

-- ------------------------------------------------------------------ out of order
SELECT is(pg_temp.error_of($$SELECT * FROM api.window_call_ticket(gen_random_uuid(), 1, 'A004', '  ')$$),
	'22023 A reason is required to call a ticket out of order | ', 'out of order needs a reason');
-- A005 B002
SELECT pg_temp.issue('A'), pg_temp.issue('B') \g /dev/null
SELECT pg_temp.arrive('A005', 1), pg_temp.arrive('B002', 12) \g /dev/null
SELECT is(pg_temp.error_of($$SELECT * FROM api.window_call_ticket(gen_random_uuid(), 1, 'B002', '老人行动不便')$$),
	'22023 This window does not serve the ticket''s category | B', 'window 1 cannot call a B ticket even out of order');
SELECT is((SELECT number || ' ' || rule || ' ' || out_of_order_reason
	   FROM api.window_call_ticket(gen_random_uuid(), 1, 'a005', '预约材料已齐，仅需签字')),
	'A005 out_of_order 预约材料已齐，仅需签字', 'window 1 calls A005 before A004, with the reason');
SELECT ok(EXISTS (SELECT 1 FROM core.audit WHERE action = 'ticket_call_out_of_order'
		  AND object = 'ticket:2026-03-02:A005' AND detail ->> 'reason' = '预约材料已齐，仅需签字'),
	'the out-of-order call is audited with its reason');
SELECT pg_temp.finish(1) \g /dev/null
SELECT is(pg_temp.error_of($$SELECT * FROM api.window_call_ticket(gen_random_uuid(), 1, 'A005', 'again')$$),
	'22023 This ticket is not waiting | A005', 'a ticket already called cannot be called again');
SELECT is(pg_temp.error_of($$SELECT * FROM api.window_call_ticket(gen_random_uuid(), 1, 'A999', 'x')$$),
	'P0002 No such ticket today | A999', 'an unknown number');

-- ------------------------------------------------------------------ transfer keeps the place
-- A004 (arrived 5 minutes ago at A) is sent to B, where B002 (12 minutes) and
-- B003 (just now) wait: it goes between them, by its own arrival.
-- B003
SELECT pg_temp.issue('B') \g /dev/null
SELECT pg_temp.arrive('B003', 0) \g /dev/null
SELECT is(pg_temp.call(1), 'A004 arrival', 'window 1 calls A004');
SELECT is((SELECT number || ' ' || category || ' ' || status || ' ' || transfers
	   FROM api.window_transfer(gen_random_uuid(), 1, 'B', NULL)),
	'A004 B waiting 1', 'transferred to category B, waiting again');
SELECT is((SELECT r.arrived_at FROM core.ticket_ready r JOIN core.ticket t ON t.id = r.ticket_id
	   WHERE t.number = 'A004' AND t.day = '2026-03-02'), now() - interval '5 minutes',
	'its place (arrival) is kept');
SELECT is(pg_temp.call(3), 'B002 arrival', 'window 3 calls B002 (arrived 12 minutes ago) first');
SELECT pg_temp.finish(3) \g /dev/null
SELECT is(pg_temp.call(3), 'A004 arrival', 'then A004 (5 minutes) before B003 (just now)');
SELECT is((SELECT number || ' ' || coalesce(window_no::text, '-') || ' ' || transfers
	   FROM api.window_transfer(gen_random_uuid(), 3, NULL, 2)),
	'A004 - 2', 'transferred to window 2');
SELECT is(pg_temp.error_of($$SELECT pg_temp.call(1)$$), 'P0002 No ticket is waiting for this window | 1',
	'window 1 does not call a ticket sent to window 2');
SELECT is(pg_temp.call(2), 'A004 transfer', 'window 2 calls it');
SELECT is(pg_temp.error_of($$SELECT * FROM api.window_transfer(gen_random_uuid(), 2, 'B', 3)$$),
	'22023 Transfer to a category or to a window, not both | ', 'a transfer goes to one place');

-- ------------------------------------------------------------------ recall, no-show, pause
SELECT is((SELECT number || ' ' || recalls || '/' || recall_limit FROM api.window_recall(gen_random_uuid(), 2)),
	'A004 1/1', 'recall once');
SELECT is(pg_temp.error_of($$SELECT * FROM api.window_recall(gen_random_uuid(), 2)$$),
	'22023 The recall limit is reached: mark the ticket as a no-show | A004 1', 'the recall limit');
SELECT is((SELECT number || ' ' || status FROM api.window_noshow(gen_random_uuid(), 2)), 'A004 no_show',
	'no-show');
SELECT is(pg_temp.error_of($$SELECT * FROM api.window_noshow(gen_random_uuid(), 2)$$),
	'P0002 This window has no ticket called | 2', 'no ticket called: nothing to mark');
SELECT lives_ok($$SELECT * FROM api.window_pause(gen_random_uuid(), 3, true)$$, 'pause window 3');
SELECT is(pg_temp.error_of($$SELECT pg_temp.call(3)$$), '22023 This window is paused | 3',
	'a paused window calls nothing');
SELECT lives_ok($$SELECT * FROM api.window_pause(gen_random_uuid(), 3, false)$$, 'resume');
SELECT is(pg_temp.call(3), 'B003 arrival', 'and it calls again');

-- ------------------------------------------------------------------ a retried call
CREATE TEMP TABLE op (id uuid);
INSERT INTO op VALUES (gen_random_uuid());
GRANT SELECT ON op TO PUBLIC;
SELECT pg_temp.finish(3) \g /dev/null
-- B004 B005
SELECT pg_temp.issue('B'), pg_temp.issue('B') \g /dev/null
SELECT pg_temp.arrive('B004', 2), pg_temp.arrive('B005', 1) \g /dev/null
SELECT is((SELECT number FROM api.window_call((SELECT id FROM op), 3)), 'B004', 'a call');
SELECT is((SELECT number FROM api.window_call((SELECT id FROM op), 3)), 'B004',
	'the same operation again answers the same ticket');
SELECT is((SELECT count(*)::int FROM core.ticket_event WHERE op_id = (SELECT id FROM op)), 1,
	'and records one call');
SELECT is((SELECT count(*)::int FROM core.ticket_ready r JOIN core.ticket t ON t.id = r.ticket_id
	   WHERE t.number = 'B005'), 1, 'B005 still waits');

-- ------------------------------------------------------------------ the next day
-- B005 and A006 are still waiting when the day changes without close-day:
-- the first ticket of the next day closes them (at_closing = close), and
-- every letter starts again at 001.
-- A006
SELECT pg_temp.issue('A') \g /dev/null
CREATE OR REPLACE FUNCTION core.today() RETURNS date
	LANGUAGE sql STABLE SET search_path = pg_catalog, core, pg_temp
AS $$ SELECT date '2026-03-03' $$;
SELECT is(pg_temp.error_of($$SELECT pg_temp.call(2)$$), 'P0002 No ticket is waiting for this window | 2',
	'yesterday''s tickets are not called today');
SELECT is(pg_temp.issue('A'), 'A001', 'numbers restart each day: A001 again');
SELECT is(pg_temp.issue('A', true), 'G001', '... and G001');
SELECT pg_temp.arrive('A001', 60), pg_temp.arrive('G001', 59) \g /dev/null
SELECT results_eq($$SELECT number, status, closed_reason FROM core.ticket
		    WHERE day = '2026-03-02' AND number IN ('A006', 'B005') ORDER BY number$$,
	$$VALUES ('A006'::text, 'closed'::text, 'The day ended before the ticket was called'::text),
		 ('B005', 'closed', 'The day ended before the ticket was called')$$,
	'the tickets left waiting yesterday were closed by the first ticket of today');

-- ------------------------------------------------------------------ closing the day
SELECT pg_temp.finish(3) \g /dev/null
SELECT api.hall_load(gen_random_uuid(), pg_temp.cfg(2, 'carry', '00:00')) \g /dev/null
SELECT results_eq($$SELECT closed, carried FROM api.hall_close_day(gen_random_uuid(), NULL, false)$$,
	$$VALUES (0, 2)$$, 'close-day with at_closing = carry carries the two waiting tickets');
SELECT is(pg_temp.error_of($$SELECT pg_temp.issue('A')$$), '22023 The hall is closed for today | 2026-03-03',
	'no ticket is issued after close-day');
SELECT is(pg_temp.error_of($$SELECT pg_temp.call(1)$$), '22023 The hall is closed for today | 2026-03-03',
	'no ticket is called after close-day');
CREATE OR REPLACE FUNCTION core.today() RETURNS date
	LANGUAGE sql STABLE SET search_path = pg_catalog, core, pg_temp
AS $$ SELECT date '2026-03-04' $$;
-- A001 of 03-04, arrives now
SELECT pg_temp.issue('A') \g /dev/null
SELECT is(pg_temp.call(1), 'G001 green', 'the next day the carried green ticket comes first');
SELECT pg_temp.finish(1) \g /dev/null
SELECT is(pg_temp.call(1), 'A001 arrival', 'then the carried A001 of yesterday, before today''s A001');
SELECT is((SELECT day FROM core.ticket t JOIN core.ticket_event e ON e.ticket_id = t.id
	   WHERE e.kind = 'call' ORDER BY e.id DESC LIMIT 1), date '2026-03-03',
	'... which is the carried one');
SELECT pg_temp.finish(1) \g /dev/null
SELECT api.hall_load(gen_random_uuid(), pg_temp.cfg(2, 'close', '23:59')) \g /dev/null
SELECT CASE WHEN (now() AT TIME ZONE 'Asia/Shanghai')::time < '23:59' THEN
	is(pg_temp.error_of($$SELECT * FROM api.hall_close_day(gen_random_uuid(), NULL, false)$$),
	   '22023 It is not closing time yet | 23:59', 'close-day before closing time is refused')
	ELSE skip('the test runs in the last minute of the day', 1) END;
SELECT is(pg_temp.error_of($$SELECT * FROM api.hall_close_day(gen_random_uuid(), NULL, true)$$),
	'22023 A reason is required to close before closing time | ', 'closing early needs a reason');
SELECT results_eq($$SELECT closed, carried, reason FROM api.hall_close_day(gen_random_uuid(), '停电', true)$$,
	$$VALUES (1, 0, '停电'::text)$$, 'closing early with a reason closes the waiting ticket');
SELECT is((SELECT status || ' ' || closed_reason FROM core.ticket WHERE day = '2026-03-04' AND number = 'A001'),
	'closed 停电', 'it is closed with the reason');
SELECT ok(EXISTS (SELECT 1 FROM core.audit WHERE action = 'hall_close_day' AND object = 'hall:2026-03-04'
		  AND (detail ->> 'early')::boolean), 'close-day is audited');

-- ------------------------------------------------------------------ rights
SET SESSION AUTHORIZATION "reviewer.mz";
SELECT throws_ok($$SELECT * FROM api.ticket_issue(gen_random_uuid(), 'A', false, NULL)$$, '42501', NULL,
	'a reviewer cannot issue tickets');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION kiosk1;
SELECT throws_ok($$SELECT * FROM api.window_call(gen_random_uuid(), 1)$$, '42501', NULL,
	'the kiosk cannot call tickets');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION clerk1;
SELECT throws_ok($$SELECT * FROM api.hall_close_day(gen_random_uuid(), 'x', true)$$, '42501', NULL,
	'a clerk cannot close the day');
SELECT throws_ok($$SELECT * FROM api.hall_load(gen_random_uuid(), '{}')$$, '42501', NULL,
	'a clerk cannot load the hall configuration');
SELECT throws_ok($$SELECT * FROM core.ticket$$, '42501', NULL, 'a clerk cannot read core.ticket');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
