-- What a department learns after the acceptance (sql/061_outbox_events.sql,
-- docs/sync.md): a reviewer's approval, the case's completion and its
-- handover each write, in their own transaction, one outbox row per target
-- of the case; events of other kinds (a claim, a note) write none.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(9);

SET SESSION AUTHORIZATION admin1;
SELECT count(*) FROM api.sync_targets_load(gen_random_uuid(),
	'[{"name": "y_rs", "kind": "postgres", "departments": ["RS"]},
	  {"name": "y_sw", "kind": "spool", "departments": ["SW"]}]') \g /dev/null
RESET SESSION AUTHORIZATION;
SELECT count(*) FROM api.forms_load(gen_random_uuid(), $json$
{"code": "zz_sync_ev", "version": 1, "name_zh": "同步事件测试", "name_en": "Sync event test",
 "applicant": "person", "promised_days": 5, "count_acceptance_day": false, "departments": ["RS"],
 "groups": [], "steps": [{"number": 1, "dept": "RS", "group": 1, "days": 3, "name_zh": "审批", "name_en": "Approval"}],
 "fields": [{"key": "name", "label_zh": "姓名", "label_en": "Name", "type": "text", "required": true, "max_length": 10,
	     "prefill": null, "group": null, "send_to": ["RS"], "when": null}],
 "materials": []}
$json$::jsonb) \g /dev/null

SET SESSION AUTHORIZATION clerk1;
CREATE TEMP TABLE c AS SELECT case_no FROM api.case_submit(gen_random_uuid(), '00000000-0000-4000-8000-000000009911',
	'zz_sync_ev', NULL,
	jsonb_build_object('id', '00000000-0000-4000-8000-000000009912'::uuid, 'kind', 'person', 'name', '李雷',
			   'id_no', jsonb_build_object('cipher', 'v1:' || md5('x'), 'mask', '330702********1237', 'blind', 'a1b2c3d4')),
	'{"name": "李雷"}', '{}', '{}', NULL, NULL);
GRANT SELECT ON c TO PUBLIC;
RESET SESSION AUTHORIZATION;
SELECT is((SELECT string_agg(target || ':' || type, ' ' ORDER BY target) FROM core.outbox
	   WHERE aggregateid = (SELECT case_no FROM c)), 'y_rs:case.accepted', 'the acceptance: one event for the RS target');

SET SESSION AUTHORIZATION "reviewer.rs";
CREATE TEMP TABLE tk AS SELECT id FROM api.task_take_next(gen_random_uuid());
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::int FROM core.outbox WHERE aggregateid = (SELECT case_no FROM c)), 1,
	'claiming a task tells no department anything');
SET SESSION AUTHORIZATION "reviewer.rs";
SELECT count(*) FROM api.task_decide(gen_random_uuid(), (SELECT id FROM tk), 'approve', '材料齐全，同意') \g /dev/null
RESET SESSION AUTHORIZATION;
SELECT is((SELECT string_agg(type, ' ' ORDER BY seq) FROM core.outbox WHERE aggregateid = (SELECT case_no FROM c)),
	'case.accepted case.approved case.completed', 'the approval and the completion, in the deciding transaction');
SELECT is((SELECT payload - 'at' - 'case_id' FROM core.outbox WHERE aggregateid = (SELECT case_no FROM c) AND type = 'case.approved'),
	jsonb_build_object('event', 'case.approved', 'case_no', (SELECT case_no FROM c), 'kind', 'approved',
			   'dept', 'RS', 'note', '材料齐全，同意', 'status', 'accepted'),
	'the approval names the department, the reason and where the case stood when it was recorded');
SELECT is((SELECT payload ->> 'status' FROM core.outbox WHERE aggregateid = (SELECT case_no FROM c) AND type = 'case.completed'),
	'complete', 'the completion carries the case complete');
SELECT is((SELECT count(*)::int FROM core.outbox_pending WHERE id IN
	   (SELECT id FROM core.outbox WHERE aggregateid = (SELECT case_no FROM c))), 3, 'each waits for the worker');
SELECT is((SELECT count(*)::int FROM core.outbox WHERE aggregateid = (SELECT case_no FROM c) AND target = 'y_sw'), 0,
	'a target of another department hears nothing of the case');

SET SESSION AUTHORIZATION clerk1;
SELECT count(*) FROM api.case_handover(gen_random_uuid(), (SELECT case_no FROM c)) \g /dev/null
RESET SESSION AUTHORIZATION;
SELECT is((SELECT type FROM core.outbox WHERE aggregateid = (SELECT case_no FROM c) ORDER BY seq DESC LIMIT 1),
	'case.handed_over', 'the handover too');
SELECT is((SELECT count(*)::int FROM core.case_event e JOIN core.case k ON k.id = e.case_id
	   WHERE k.case_no = (SELECT case_no FROM c) AND e.kind IN ('claimed', 'task_started', 'accepted')), 3,
	'the timeline has events that wrote no outbox row (started, claimed, accepted by its own trigger)');

SELECT * FROM finish();
ROLLBACK;
