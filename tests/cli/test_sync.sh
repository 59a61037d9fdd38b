# Delivery to department systems (docs/sync.md) against the throwaway
# cluster: targets checked and loaded, a case accepted through the CLI
# reaches a PostgreSQL target and a spool directory with only what each is
# entitled to, and the faults of issue #6: a target database down then back,
# a worker killed with SIGKILL in the middle of a batch, two workers at
# once, a poison event, a spool directory full or read-only; SIGTERM,
# SIGHUP, the wake-up on NOTIFY, status and retry.
#
# The target database counterdesk_target_test has a table `got` keyed by the
# outbox id and a log `tried` filled by a BEFORE INSERT trigger: one row
# each time a delivery of that event was applied (also when the upsert then
# changed nothing), so "delivered by both workers" is visible.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
. "$COUNTERDESK_TOP/tests/lib/cli.sh"
export LANG=C.UTF-8 LANGUAGE=
bin="$COUNTERDESK_BIN"
worker="$COUNTERDESK_TOP/build/counterdesk-sync"
d=$(mktemp -d "$COUNTERDESK_TMP/sync.XXXXXX")
run=R$$ # the events of this run, apart from a re-run's on the same cluster
chmod 755 "$d"
tgt_psql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -U postgres -d counterdesk_target_test -v ON_ERROR_STOP=1 "$@"; }
as() { login=$1; shift; PGPASSWORD="$login-demo" "$bin" -U "$login" "$@"; }
pids=""
mounted=""
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	for m in $mounted; do umount "$m" 2>/dev/null; done
	# Back to the cluster's own targets for the suites that follow.
	"$bin" -U postgres sync load >/dev/null 2>&1
	su_psql -c "ALTER DATABASE counterdesk_target_test WITH ALLOW_CONNECTIONS true" >/dev/null 2>&1
}
trap cleanup EXIT

# --- a target database and the test's targets
su_psql -d postgres -c "DROP DATABASE IF EXISTS counterdesk_target_test" -c "CREATE DATABASE counterdesk_target_test"
tgt_psql <<'SQL'
CREATE TABLE got (event_id uuid PRIMARY KEY, case_no text, name text CHECK (name IS DISTINCT FROM 'POISON'),
		  received_at timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE TABLE tried (event_id uuid NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE FUNCTION log_try() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO tried (event_id) VALUES (NEW.event_id); RETURN NEW; END $$;
CREATE TRIGGER got_try BEFORE INSERT ON got FOR EACH ROW EXECUTE FUNCTION log_try();
GRANT SELECT, INSERT ON got, tried TO counterdesk_sync;
SQL
mkdir -p "$d/targets.d" "$d/spool"
insert='INSERT INTO got (event_id, case_no, name) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) ON CONFLICT (event_id) DO NOTHING'
pg_target() { # NAME DEPARTMENTS [EXTRA-SQL-AFTER-FROM]
	cat >"$d/targets.d/$1.ini" <<INI
[target]
name = $1
kind = postgres
departments = $2
dsn = host=$PGHOST dbname=counterdesk_target_test user=counterdesk_sync
statement = ${3:-$insert}
params = id, aggregateid, payload.fields.child_name
max_attempts = 3
backoff_seconds = 0.2
backoff_max_seconds = 1
INI
}
spool_target() { # NAME DEPARTMENTS DIRECTORY
	printf '[target]\nname = %s\nkind = spool\ndepartments = %s\ndirectory = %s\nbackoff_seconds = 0.2\nbackoff_max_seconds = 1\n' \
		"$1" "$2" "$3" >"$d/targets.d/$1.ini"
}
pg_target t_pg "RS, YB"
pg_target t_slow SW 'INSERT INTO got (event_id, case_no, name) SELECT u.* FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u CROSS JOIN pg_sleep(0.3) ON CONFLICT (event_id) DO NOTHING'
spool_target t_spool "MZ, WJ" "$d/spool"
spool_target t_full GJJ "$d/full"
ini() { # FILE BATCH LEASE POLL: the cluster's configuration with the test's targets
	sed "s|^targets = .*|targets = $d/targets.d|" "$COUNTERDESK_CONFIG" >"$1"
	printf '\n[sync]\nbatch = %s\nlease_seconds = %s\npoll_seconds = %s\n' "$2" "$3" "$4" >>"$1"
}
ini "$d/once.ini" 50 2 1
ini "$d/kill.ini" 5 2 1
ini "$d/two.ini" 10 5 1
ini "$d/idle.ini" 100 5 30
export COUNTERDESK_CONFIG="$d/once.ini"

out=$("$bin" sync check 2>&1); is $? 0 "sync check accepts the test's target files"
like "$out" 't_pg: postgres, RS, YB' "and lists each with its kind and departments"
printf '[target]\nname = t_bad\nkind = spool\ndepartments = GA\ndirectory = /tmp\nretries = 3\n' >"$d/targets.d/zz_bad.ini"
out=$("$bin" sync check 2>&1); is $? 78 "a target file with an unknown key is a configuration error (78)"
like "$out" 'zz_bad.ini: \[target\] retries: unknown key' "naming the file and the key"
printf '[target]\nname = t_bad\nkind = postgres\ndepartments = GA\ndsn = dbname=x password=secret\nstatement = SELECT 1\nparams = id\n' >"$d/targets.d/zz_bad.ini"
out=$("$bin" sync check 2>&1); like "$out" 'zz_bad.ini: \[target\] dsn: expected a connection string without a password' \
	"a password in a target's dsn is refused"
rm "$d/targets.d/zz_bad.ini"
out=$(as clerk1 sync load 2>&1); is $? 77 "a clerk may not load targets (77)"
out=$(as admin1 sync load 2>&1); is $? 0 "an admin loads the targets"
like "$out" '4 targets loaded' "all four"
is "$(su_psql -c "SELECT string_agg(name || ':' || array_to_string(departments, '+'), ' ' ORDER BY name) FROM core.sync_target WHERE active")" \
	"t_full:GJJ t_pg:RS+YB t_slow:SW t_spool:MZ+WJ" "the database holds name and departments of each, and nothing else is active"
is "$(su_psql -c "SELECT count(*) FROM core.sync_target WHERE NOT active AND name IN ('social_insurance', 'civil_affairs')")" 2 \
	"targets no longer in the files are inactive"

# --- a case accepted through the CLI goes to the targets of its departments
FATHER=330702198803151237
MOTHER=330702199007222465
out=$(as clerk1 case new --item newborn --applicant "$FATHER" --field child_name=张小明 --field child_sex=男 \
	--field child_birth_date=2026-11-20 --field birth_place=金华市中心医院 --field birth_cert_no=Q330012345 \
	--field child_ethnicity=汉族 --field "father_idno=$FATHER" --field "mother_idno=$MOTHER" \
	--field registered_with=随父 --field household_address=浙江省金华市婺城区城北街道8号 \
	--field card_bank=中国银行 --field card_delivery=窗口领取 --field contact_phone=13912345678 \
	--material parents_id_cards=provided --material household_register=provided \
	--material marriage_certificate=provided --material birth_medical_certificate=provided \
	--material card_photo=provided 2>&1)
case_no=$(printf '%s' "$out" | grep -oE '[0-9]{6}-[0-9]{8}-[0-9]{4}' | head -1)
like "$case_no" '^[0-9]{6}-' "a newborn case is accepted ($case_no)"
is "$(su_psql -c "SELECT string_agg(target || ':' || type, ' ' ORDER BY target) FROM core.outbox WHERE aggregateid = '$case_no'")" \
	"t_pg:case.accepted t_spool:case.accepted" "its acceptance wrote one outbox row per target of its departments (not GJJ, not SW)"
is "$(su_psql -c "SELECT count(*) FROM core.outbox_pending p JOIN core.outbox o USING (id) WHERE o.aggregateid = '$case_no'")" 2 \
	"both are pending"
pg_payload=$(su_psql -c "SELECT payload FROM core.outbox WHERE aggregateid = '$case_no' AND target = 't_pg'")
is "$(printf '%s' "$pg_payload" | jq -r '[.fields | keys[]] | sort | join(",")')" \
	"card_bank,card_delivery,child_birth_date,child_name,child_sex" "the 人社/医保 payload carries only the fields sent to RS or YB"
is "$(printf '%s' "$pg_payload" | jq -r '.personal.father_idno.cipher | startswith("v1:")')" true \
	"a personal field it is entitled to travels sealed (cipher)"
is "$(printf '%s' "$pg_payload" | jq -r '.personal.father_idno.ad')" \
	"case/field:father_idno/$(su_psql -c "SELECT id FROM core.case WHERE case_no = '$case_no'")" "with the associated data that binds it"
spool_payload=$(su_psql -c "SELECT payload FROM core.outbox WHERE aggregateid = '$case_no' AND target = 't_spool'")
is "$(printf '%s' "$spool_payload" | jq -r '[.personal | keys[]] | join(",")')" contact_phone \
	"the 卫健/民政 payload holds only the personal field sent to WJ: no parent's identity number, not even masked"
is "$(printf '%s' "$spool_payload" | jq -r '[.fields | keys[]] | sort | join(",")')" \
	"birth_cert_no,birth_place,child_birth_date,child_name,child_sex,father_name,mother_name" "and only the fields sent to WJ"
su_psql -c "SELECT payload FROM core.outbox WHERE aggregateid = '$case_no'" | grep -c "$FATHER" >"$d/clear"
is "$(cat "$d/clear")" 0 "no payload holds an identity number in clear"

out=$("$bin" -U counterdesk_sync sync run --once 2>"$d/once.log"); rc=$?
is "$rc" 0 "sync run --once as the worker's login delivers and exits"
is "$(tgt_psql -c "SELECT case_no || ' ' || name FROM got")" "$case_no 张小明" "the PostgreSQL target holds the case's row"
spool_id=$(su_psql -c "SELECT id FROM core.outbox WHERE aggregateid = '$case_no' AND target = 't_spool'")
[ -f "$d/spool/$spool_id.json" ]; ok $? "the spool directory holds one file named by the event id"
is "$(jq -r '.payload.case_no + " " + .type' "$d/spool/$spool_id.json")" "$case_no case.accepted" "holding the event as JSON"
is "$(find "$d/spool" -name '.*' -type f | wc -l)" 0 "no temporary file is left behind"
like "$(cat "$d/once.log")" 'batch of 2: 2 delivered' "one log line for the batch"
is "$(su_psql -c "SELECT count(*) FROM core.outbox_pending")" "$(su_psql -c "SELECT count(*) FROM core.outbox_pending WHERE target NOT LIKE 't\_%'")" \
	"nothing of the test's targets is left pending"
is "$(PGPASSWORD=clerk1-demo psql -X -At -U clerk1 -d counterdesk -c "SELECT target || ' ' || events || ' ' || delivered || ' ' || (last_delivered_at IS NOT NULL) FROM api.case_deliveries('$case_no') ORDER BY 1" | tr '\n' ';')" \
	"t_pg 1 1 true;t_spool 1 1 true;" "api.case_deliveries shows the clerk where the case's data went and when"

# Events straight into the outbox (as the accepting trigger writes them):
# N events for TARGET, the one numbered POISON named POISON.
events() { # TARGET N PREFIX [POISON]
	su_psql -c "SELECT count(core.outbox_write(t, 'case', '$run$3-' || g, 'case.accepted', NULL,
		jsonb_build_object('case_no', '$run$3-' || g, 'fields', jsonb_build_object('child_name',
			CASE WHEN g = ${4:-0} THEN 'POISON' ELSE 'n' || g END))))
		FROM core.sync_target t, generate_series(1, $2) g WHERE t.name = '$1'" >/dev/null
}
pending() { su_psql -c "SELECT count(*) FROM core.outbox_pending WHERE target = '$1'"; }
rows_like() { tgt_psql -c "SELECT count(*) FROM got WHERE case_no LIKE '$run$1-%'"; }
# Every event of PREFIX is in the target exactly once: the outbox ids and the target's keys are the same set.
same_set() {
	su_psql -c "SELECT id FROM core.outbox WHERE aggregateid LIKE '$run$1-%' ORDER BY 1" >"$d/a"
	tgt_psql -c "SELECT event_id FROM got WHERE case_no LIKE '$run$1-%' ORDER BY 1" >"$d/b"
	cmp -s "$d/a" "$d/b" && [ -s "$d/a" ]
}
wait_until() { # SECONDS SQL EXPECTED
	i=0
	while [ "$i" -lt $(($1 * 10)) ]; do
		[ "$(su_psql -c "$2")" = "$3" ] && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
start_worker() { # INI LOG NAME
	"$worker" --config "$1" -U counterdesk_sync --name "$3" 2>"$2" &
	last_pid=$!
	pids="$pids $last_pid"
}

# --- a target database is down, then back
tgt_psql -d postgres -c "ALTER DATABASE counterdesk_target_test WITH ALLOW_CONNECTIONS false" \
	-c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = 'counterdesk_target_test'" >/dev/null
events t_pg 30 DOWN
"$bin" -U counterdesk_sync sync run --once 2>"$d/down.log"; is $? 0 "with the target down, a run ends normally"
is "$(pending t_pg)" 30 "the 30 events wait"
is "$(su_psql -c "SELECT count(*) FROM core.outbox_pending WHERE target = 't_pg' AND attempts = 0 AND last_error LIKE '%not currently accepting connections%'")" 30 \
	"with the target's error, not counted as attempts (an outage never kills an event)"
out=$(PGPASSWORD=super1-demo "$bin" -U super1 sync status 2>&1)
like "$out" 't_pg +30 +[0-9]+s +[0-9]+ +30 +0  .*not currently accepting connections' "sync status shows the backlog, failing events and the error"
like "$(cat "$d/down.log")" 'target t_pg unreachable' "the worker logs the failure"
tgt_psql -d postgres -c "ALTER DATABASE counterdesk_target_test WITH ALLOW_CONNECTIONS true"
sleep 1.6
"$bin" -U counterdesk_sync sync run --once 2>>"$d/down.log"
is "$(pending t_pg)" 0 "the target back, every event is delivered"
same_set DOWN; ok $? "the target holds exactly the 30 events, one row per idempotency key"
is "$(tgt_psql -c "SELECT count(*) FROM tried t JOIN got g USING (event_id) WHERE g.case_no LIKE '${run}DOWN-%'")" 30 "each applied once"

# Redelivery changes nothing: the same events again (as after a lost report).
su_psql -c "INSERT INTO core.outbox_pending (id, seq, target) SELECT id, seq, target FROM core.outbox WHERE aggregateid LIKE '${run}DOWN-%'
	    ; DELETE FROM core.outbox_delivery WHERE id IN (SELECT id FROM core.outbox WHERE aggregateid LIKE '${run}DOWN-%')"
"$bin" -U counterdesk_sync sync run --once 2>/dev/null
is "$(rows_like DOWN)" 30 "delivering the same 30 events again leaves 30 rows in the target"

# --- a poison event
events t_pg 20 POISON 7
start_worker "$d/once.ini" "$d/poison.log" poison
wait_until 20 "SELECT count(*) FROM core.outbox_state WHERE aggregateid LIKE '${run}POISON-%' AND status IN ('delivered', 'dead')" 20
ok $? "the worker settles the 20 events"
is "$(su_psql -c "SELECT aggregateid || ' ' || status || ' ' || attempts FROM core.outbox_state WHERE aggregateid LIKE '${run}POISON-%' AND status <> 'delivered'")" \
	"${run}POISON-7 dead 3" "the poison event is dead after max_attempts = 3"
is "$(rows_like POISON)" 19 "the 19 others, before and behind it, are delivered"
poison_id=$(su_psql -c "SELECT id FROM core.outbox WHERE aggregateid = '${run}POISON-7'")
like "$(su_psql -c "SELECT last_error FROM core.outbox_state WHERE id = '$poison_id'")" 'check constraint' "the target's refusal is kept"
like "$(cat "$d/poison.log")" "refused event $poison_id .*attempt 1, retry in" "each refusal is logged"
like "$(cat "$d/poison.log")" "parked as dead" "and the parking"
out=$(PGPASSWORD=super1-demo "$bin" -U super1 sync status --json)
is "$(printf '%s' "$out" | jq -r '.[] | select(.target == "t_pg") | "\(.dead) \(.backlog)"')" "1 0" "sync status --json: one dead, nothing pending"
out=$(PGPASSWORD=clerk1-demo "$bin" -U clerk1 sync retry "$poison_id" 2>&1); is $? 77 "a clerk may not retry (77)"
out=$(PGPASSWORD=super1-demo "$bin" -U super1 sync retry "$poison_id" 2>&1); is $? 0 "a supervisor retries the dead event"
like "$out" '^1 ' "one event due again"
wait_until 20 "SELECT status || attempts FROM core.outbox_state WHERE id = '$poison_id'" dead3
ok $? "still refused, it is dead again after three more attempts"
tgt_psql -c "ALTER TABLE got DROP CONSTRAINT got_name_check"
out=$(PGPASSWORD=admin1-demo "$bin" -U admin1 sync retry --target t_pg 2>&1); like "$out" '^1 ' "the target fixed, retry --target brings back its dead events"
wait_until 10 "SELECT status FROM core.outbox_state WHERE id = '$poison_id'" delivered; ok $? "and it is delivered"
out=$(PGPASSWORD=super1-demo "$bin" -U super1 sync retry "$poison_id" 2>&1); is $? 1 "retrying a delivered event is refused"
like "$out" 'already delivered' "saying so"
kill -TERM "$last_pid"; wait "$last_pid"; is $? 0 "SIGTERM: the idle worker exits 0"
like "$(cat "$d/poison.log")" 'poison stopped' "and says so"

# --- two workers at once
events t_pg 400 TWO
start_worker "$d/two.ini" "$d/two-a.log" wa; a=$last_pid
start_worker "$d/two.ini" "$d/two-b.log" wb; b=$last_pid
wait_until 60 "SELECT count(*) FROM core.outbox_state WHERE aggregateid LIKE '${run}TWO-%' AND status = 'delivered'" 400
ok $? "two workers deliver 400 events"
same_set TWO; ok $? "the target holds each exactly once"
is "$(tgt_psql -c "SELECT count(*) FROM (SELECT event_id FROM tried t JOIN got g USING (event_id) WHERE g.case_no LIKE '${run}TWO-%' GROUP BY 1 HAVING count(*) > 1) x")" 0 \
	"no event was delivered by both"
is "$(su_psql -c "SELECT count(DISTINCT delivered_by) FROM core.outbox_state WHERE aggregateid LIKE '${run}TWO-%'")" 2 "both took part"
kill -TERM "$a" "$b"; wait "$a" "$b"

# --- SIGKILL in the middle of a batch
events t_slow 40 KILL
start_worker "$d/kill.ini" "$d/kill.log" k1; k=$last_pid
wait_until 20 "SELECT count(*) >= 10 FROM core.outbox_state WHERE aggregateid LIKE '${run}KILL-%' AND status = 'delivered'" t
sleep 0.15
kill -KILL "$k"; wait "$k" 2>/dev/null
left=$(pending t_slow)
leased=$(su_psql -c "SELECT count(*) FROM core.outbox_pending WHERE target = 't_slow' AND leased_by = 'k1' AND lease_until > now()")
[ "$left" -gt 0 ] && [ "$left" -lt 40 ]; ok $? "killed half-way: $left of 40 still pending"
[ "$leased" -gt 0 ]; ok $? "the killed worker's batch is still leased ($leased events)"
start_worker "$d/kill.ini" "$d/kill2.log" k2; k=$last_pid
wait_until 40 "SELECT count(*) FROM core.outbox_state WHERE aggregateid LIKE '${run}KILL-%' AND status = 'delivered'" 40
ok $? "restarted, the worker delivers the rest once the lease has expired"
same_set KILL; ok $? "nothing lost and nothing applied twice: one row per event in the target"

# --- SIGTERM in the middle of a batch: the batch is finished and reported
events t_slow 20 TERM
wait_until 10 "SELECT count(*) > 0 FROM core.outbox_pending WHERE target = 't_slow' AND leased_by = 'k2'" t
kill -TERM "$k"; wait "$k"; is $? 0 "SIGTERM during a batch: exit 0"
is "$(su_psql -c "SELECT count(*) FROM core.outbox_pending WHERE leased_by = 'k2'")" 0 "the batch in hand was delivered and reported first"

# --- SIGHUP rereads the targets
"$bin" -U counterdesk_sync sync run --once 2>/dev/null # the rest of TERM
rm "$d/targets.d/t_full.ini"
start_worker "$d/once.ini" "$d/hup.log" hup; h=$last_pid
sleep 0.5
spool_target t_full GJJ "$d/full"
mkdir -p "$d/full"
kill -HUP "$h"
sleep 0.5
events t_full 2 HUP
wait_until 10 "SELECT count(*) FROM core.outbox_state WHERE aggregateid LIKE '${run}HUP-%' AND status = 'delivered'" 2
ok $? "after SIGHUP the worker delivers to a target added to the files"
like "$(cat "$d/hup.log")" 'targets reloaded: 4' "and logs the reload"
kill -TERM "$h"; wait "$h"

# --- the idle worker wakes on NOTIFY, not on its 30-second poll
start_worker "$d/idle.ini" "$d/idle.log" idle; w=$last_pid
sleep 1
events t_pg 1 IDLE
wait_until 3 "SELECT count(*) FROM core.outbox_state WHERE aggregateid = '${run}IDLE-1' AND status = 'delivered'" 1
ok $? "an idle worker (poll every 30 s) delivers a new event within 3 s"
kill -TERM "$w"; wait "$w"

# --- a spool directory that is full, then read-only
if mount -t tmpfs -o size=64k tmpfs "$d/full" 2>/dev/null; then
	mounted="$d/full"
	dd if=/dev/zero of="$d/full/filler" bs=4k count=100 2>/dev/null
	events t_full 3 FULL
	"$bin" -U counterdesk_sync sync run --once 2>/dev/null
	is "$(pending t_full)" 3 "a full spool directory: the events stay pending"
	like "$(su_psql -c "SELECT DISTINCT last_error FROM core.outbox_pending WHERE target = 't_full'")" 'No space left on device' \
		"with the error"
	like "$(PGPASSWORD=super1-demo "$bin" -U super1 sync status)" 't_full +3 .* 3 +0  .*No space left on device' "shown by sync status"
	is "$(ls -A "$d/full" | grep -vc '^filler$')" 0 "no partial file is left in it"
	rm "$d/full/filler"
	mount -o remount,ro "$d/full"
	sleep 1.2
	"$bin" -U counterdesk_sync sync run --once 2>/dev/null
	is "$(pending t_full)" 3 "a read-only spool directory: the events stay pending"
	like "$(su_psql -c "SELECT DISTINCT last_error FROM core.outbox_pending WHERE target = 't_full'")" 'Read-only file system' "with the error"
	mount -o remount,rw "$d/full"
	sleep 1.2
	"$bin" -U counterdesk_sync sync run --once 2>/dev/null
	is "$(pending t_full)" 0 "writable again: delivered"
	is "$(ls "$d/full" | grep -c '\.json$')" 3 "three files"
	umount "$d/full"; mounted=""
else
	diag "tmpfs cannot be mounted here: the directory is replaced by a file instead"
fi
# Without mounts too: a regular file where the directory should be.
rm -rf "$d/full"; echo x >"$d/full"
events t_full 2 NOTDIR
"$bin" -U counterdesk_sync sync run --once 2>/dev/null
is "$(pending t_full)" 2 "a spool path that is not a directory: the events stay pending"
like "$(su_psql -c "SELECT DISTINCT last_error FROM core.outbox_pending WHERE target = 't_full'")" 'Not a directory' "with the error"
su_psql -c "DELETE FROM core.outbox_pending WHERE target = 't_full'" >/dev/null

# --- rights
out=$(PGPASSWORD=clerk1-demo psql -X -At -U clerk1 -d counterdesk -c "SELECT * FROM api.sync_claim('x', '{t_pg}', 1, 1)" 2>&1)
like "$out" 'permission denied' "a clerk cannot claim events"
out=$(PGPASSWORD=clerk1-demo "$bin" -U clerk1 sync status 2>&1); is $? 77 "nor see the sync status (77)"
done_testing
