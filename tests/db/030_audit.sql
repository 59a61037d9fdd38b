-- The audit log: append-only, hash-chained, and api.audit_verify finds the
-- first row that was changed, removed or moved, even by a superuser who got
-- round the triggers.
-- Needs: migrations applied, sql/demo loaded, CREATE EXTENSION pgtap.
\pset format unaligned
\pset tuples_only on
\pset pager off
BEGIN;
SELECT plan(37);

-- Start from an empty chain. This lasts only until the ROLLBACK below, and
-- keeps what earlier suites did to the demo database's log (tests/db/
-- test_admin.sh leaves a tampered row behind on purpose) from masking what
-- is tested here.
ALTER TABLE core.audit DISABLE TRIGGER USER;
TRUNCATE core.audit;
UPDATE core.audit_head SET last_id = 0, last_hash = decode(repeat('00', 32), 'hex');
ALTER TABLE core.audit ENABLE TRIGGER USER;

-- ---------------------------------------------------------------- a few writes
SET SESSION AUTHORIZATION admin1;
SELECT lives_ok($$SELECT api.dept_add(gen_random_uuid(), 'T_AUDIT1', '审计测试一')$$, 'admin adds a department');
SELECT lives_ok($$SELECT api.dept_add(gen_random_uuid(), 'T_AUDIT2', '审计测试二')$$, 'admin adds another');
SELECT lives_ok($$SELECT api.dept_add(gen_random_uuid(), 'T_AUDIT3', 'Audit "quoted", with: commas')$$, 'and a third');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION clerk1;
SELECT lives_ok($$SELECT * FROM api.session_start(3)$$, 'clerk1 starts a session at window 3');
RESET SESSION AUTHORIZATION;

SELECT results_eq(
	$$SELECT actor, action, object FROM core.audit ORDER BY id DESC LIMIT 4$$,
	$$VALUES ('clerk1', 'login', 'staff:clerk1'),
		 ('admin1', 'dept_add', 'department:T_AUDIT3'),
		 ('admin1', 'dept_add', 'department:T_AUDIT2'),
		 ('admin1', 'dept_add', 'department:T_AUDIT1')$$,
	'each write left an audit row naming its actor and object');
SELECT is((SELECT detail->>'window' FROM core.audit ORDER BY id DESC LIMIT 1), '3',
	'the login row records the window');

-- A forged insert is numbered, stamped and chained by the trigger anyway.
INSERT INTO core.audit (action, object, actor, at, prev_hash, hash)
VALUES ('test_forged', 'x', 'nobody', '2000-01-01', '\x00', '\x00');
SELECT results_eq(
	$$SELECT actor, at > '2000-01-02', hash <> '\x00'::bytea FROM core.audit ORDER BY id DESC LIMIT 1$$,
	$$VALUES ('postgres'::text, true, true)$$,
	'an INSERT cannot choose the actor, time or hash of an audit row');

SET SESSION AUTHORIZATION super1;
SELECT results_eq($$SELECT first_broken, reason FROM api.audit_verify()$$,
	$$VALUES (NULL::bigint, NULL::text)$$, 'the chain verifies after several writes');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT checked FROM api.audit_verify()), (SELECT count(*) FROM core.audit),
	'audit_verify checks every row');

-- The documented hash, computed here independently of core.audit_canon.
SELECT is_empty($$
	WITH f AS (
		SELECT id, hash, prev_hash, ARRAY[id::text,
			to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
			actor, action, object, detail::text] AS v
		FROM core.audit)
	SELECT id FROM f
	WHERE hash <> sha256(prev_hash || convert_to(
		(SELECT string_agg(octet_length(x)::text || ':' || x || ',', '' ORDER BY n)
		 FROM unnest(v) WITH ORDINALITY AS u(x, n)), 'UTF8'))$$,
	'every hash is sha256(prev_hash || netstrings of id, UTC time, actor, action, object, detail)');
SELECT is_empty($$
	SELECT id FROM (SELECT id, prev_hash, lag(hash) OVER (ORDER BY id) AS ph,
			       lag(id) OVER (ORDER BY id) AS pid FROM core.audit) c
	WHERE prev_hash <> coalesce(ph, decode(repeat('00', 32), 'hex')) OR id <> coalesce(pid, 0) + 1$$,
	'ids run 1, 2, 3 ... and each prev_hash is the hash of the row before');
SELECT ok((SELECT h.last_id = a.id AND h.last_hash = a.hash
	   FROM core.audit_head h, (SELECT id, hash FROM core.audit ORDER BY id DESC LIMIT 1) a),
	'the chain head points at the newest row');
SELECT is((SELECT hash FROM core.audit WHERE id = 1)::text,
	  (SELECT sha256(decode(repeat('00', 32), 'hex') || convert_to(core.audit_canon(id, at, actor, action, object, detail), 'UTF8'))
	   FROM core.audit WHERE id = 1)::text,
	'the first row chains onto 32 zero bytes');

-- ---------------------------------------------------------------- triggers
CREATE TEMP TABLE m AS SELECT max(id) - 2 AS mid, max(id) AS last FROM core.audit;
SELECT throws_ok($$UPDATE core.audit SET detail = '{}' WHERE id = (SELECT mid FROM m)$$,
	'42501', 'The audit log is append-only', 'UPDATE on core.audit is refused, even for a superuser');
SELECT throws_ok($$DELETE FROM core.audit WHERE id = (SELECT mid FROM m)$$,
	'42501', 'The audit log is append-only', 'DELETE on core.audit is refused');
SELECT throws_ok($$UPDATE core.audit SET action = 'x' WHERE false$$,
	'42501', 'The audit log is append-only', 'even an UPDATE that matches no row is refused');
SELECT throws_ok($$TRUNCATE core.audit$$,
	'42501', 'The audit log is append-only', 'TRUNCATE on core.audit is refused');
SELECT throws_ok($$DELETE FROM core.audit_head$$,
	'42501', 'The audit log is append-only', 'the chain head cannot be deleted');

-- ---------------------------------------------------------------- tampering
ALTER TABLE core.audit DISABLE TRIGGER USER;
CREATE TEMP TABLE saved AS SELECT * FROM core.audit WHERE id >= (SELECT mid FROM m);
CREATE FUNCTION pg_temp.restore() RETURNS void LANGUAGE sql AS $$
	DELETE FROM core.audit WHERE id >= (SELECT mid FROM m);
	INSERT INTO core.audit OVERRIDING SYSTEM VALUE SELECT * FROM saved;
$$;

-- 1. a changed detail
UPDATE core.audit SET detail = '{"name": "tampered"}' WHERE id = (SELECT mid FROM m);
SELECT results_eq($$SELECT first_broken, reason FROM api.audit_verify()$$,
	$$SELECT mid, 'hash does not match the content of the row' FROM m$$,
	'a changed detail is caught at that row');
UPDATE core.audit a SET detail = s.detail FROM saved s WHERE s.id = a.id AND a.id = (SELECT mid FROM m);
SELECT results_eq($$SELECT first_broken FROM api.audit_verify()$$, ARRAY[NULL::bigint],
	'putting it back makes the chain whole again');

-- 2. a changed row with its hash recomputed: the next row no longer fits
UPDATE core.audit SET detail = '{"name": "tampered"}',
	hash = core.audit_hash(prev_hash, id, at, actor, action, object, '{"name": "tampered"}')
WHERE id = (SELECT mid FROM m);
SELECT results_eq($$SELECT first_broken, reason FROM api.audit_verify()$$,
	$$SELECT mid + 1, 'prev_hash does not match the hash of the previous row' FROM m$$,
	'a rewritten row with a recomputed hash is caught at the next row');
SELECT pg_temp.restore() \g /dev/null

-- 3. a changed actor, time or action
UPDATE core.audit SET actor = 'mallory' WHERE id = (SELECT mid FROM m);
SELECT results_eq($$SELECT first_broken FROM api.audit_verify()$$, $$SELECT mid FROM m$$,
	'a changed actor is caught');
SELECT pg_temp.restore() \g /dev/null
UPDATE core.audit SET at = at - interval '1 hour' WHERE id = (SELECT mid FROM m);
SELECT results_eq($$SELECT first_broken FROM api.audit_verify()$$, $$SELECT mid FROM m$$,
	'a changed time is caught');
SELECT pg_temp.restore() \g /dev/null

-- 4. a deleted middle row
DELETE FROM core.audit WHERE id = (SELECT mid FROM m);
SELECT results_eq($$SELECT first_broken, reason FROM api.audit_verify()$$,
	$$SELECT mid + 1, 'rows are missing before this row' FROM m$$,
	'a deleted middle row is caught at the row after it');
SELECT pg_temp.restore() \g /dev/null
SELECT results_eq($$SELECT first_broken FROM api.audit_verify()$$, ARRAY[NULL::bigint],
	'restored, the chain verifies');

-- 5. a deleted row with the later rows renumbered to close the gap
DELETE FROM core.audit WHERE id >= (SELECT mid FROM m);
INSERT INTO core.audit OVERRIDING SYSTEM VALUE
	SELECT id - 1, at, actor, action, object, detail, prev_hash, hash
	FROM saved WHERE id > (SELECT mid FROM m);
SELECT results_eq($$SELECT first_broken FROM api.audit_verify()$$, $$SELECT mid FROM m$$,
	'renumbering rows to hide a deletion is caught');
SELECT pg_temp.restore() \g /dev/null

-- 6. two rows swapped (reordered)
UPDATE core.audit a SET at = s.at, actor = s.actor, action = s.action, object = s.object,
	detail = s.detail, prev_hash = s.prev_hash, hash = s.hash
FROM saved s, m
WHERE (a.id, s.id) IN ((m.mid, m.mid + 1), (m.mid + 1, m.mid));
SELECT results_eq($$SELECT first_broken FROM api.audit_verify()$$, $$SELECT mid FROM m$$,
	'two rows swapped are caught at the first of them');
SELECT pg_temp.restore() \g /dev/null

-- 7. the newest row deleted: only the chain head can tell
DELETE FROM core.audit WHERE id = (SELECT last FROM m);
SELECT results_eq($$SELECT first_broken, reason FROM api.audit_verify()$$,
	$$SELECT last, 'rows are missing at the end of the log' FROM m$$,
	'a deleted newest row is caught against the chain head');
SELECT pg_temp.restore() \g /dev/null

-- 8. the newest row changed, hash recomputed: the head still has the old hash
UPDATE core.audit SET detail = '{"x": 1}',
	hash = core.audit_hash(prev_hash, id, at, actor, action, object, '{"x": 1}')
WHERE id = (SELECT last FROM m);
SELECT results_eq($$SELECT first_broken, reason FROM api.audit_verify()$$,
	$$SELECT last, 'hash does not match the chain head' FROM m$$,
	'a rewritten newest row is caught against the chain head');
SELECT pg_temp.restore() \g /dev/null

-- 9. a row slipped in at the end, past the chain head
INSERT INTO core.audit OVERRIDING SYSTEM VALUE
	SELECT last + 1, at, actor, 'slipped', object, detail, hash,
	       core.audit_hash(hash, last + 1, at, actor, 'slipped', object, detail)
	FROM saved, m WHERE id = last;
SELECT results_eq($$SELECT first_broken, reason FROM api.audit_verify()$$,
	$$SELECT last + 1, 'row is not recorded in the chain head' FROM m$$,
	'a row added behind the trigger''s back is caught');
DELETE FROM core.audit WHERE id > (SELECT last FROM m);

ALTER TABLE core.audit ENABLE TRIGGER USER;
SELECT results_eq($$SELECT first_broken FROM api.audit_verify()$$, ARRAY[NULL::bigint],
	'after all that, the restored chain verifies');
SELECT throws_ok($$UPDATE core.audit SET detail = '{}' WHERE id = (SELECT mid FROM m)$$,
	'42501', 'The audit log is append-only', 'with the triggers back on, UPDATE is refused again');

-- ---------------------------------------------------------------- rights
SET SESSION AUTHORIZATION admin1;
SELECT results_eq($$SELECT action, object FROM api.audit_log ORDER BY id DESC LIMIT 1$$,
	$$VALUES ('test_forged', 'x')$$, 'an admin reads api.audit_log, newest first');
SELECT results_eq($$SELECT first_broken FROM api.audit_verify()$$, ARRAY[NULL::bigint],
	'an admin may verify the chain');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION "reviewer.yb";
SELECT throws_ok($$SELECT * FROM api.audit_verify()$$, '42501', NULL, 'a reviewer may not verify the chain');
SELECT throws_ok($$SELECT * FROM api.audit_log$$, '42501', NULL, 'a reviewer may not read api.audit_log');
RESET SESSION AUTHORIZATION;

-- Audit rows serialise through the head: a second connection waits for the
-- head row (it is locked by this transaction's writes until COMMIT).
SELECT ok(EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = pg_backend_pid()
		  AND l.relation = 'core.audit_head'::regclass AND l.mode = 'RowShareLock'),
	'appending an audit row locks the chain head row FOR UPDATE');

SELECT * FROM finish();
ROLLBACK;
