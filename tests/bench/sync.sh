#!/bin/bash
# Delivery benchmark (issue #6): counterdesk-sync delivering 100,000 events
# to a PostgreSQL target, against a bare batched INSERT (1,000 rows a
# statement) of the same rows into the same target table in the same run;
# and the delay from an accepting transaction's commit to the row in the
# target while the worker is idle and waiting (median and 99th percentile).
#
# The events are written by core.outbox_write, the function the accepting
# trigger calls, with a payload the size of a newborn case's (about 1.5 kB).
set -u
bin=${COUNTERDESK_BIN:?run through make bench}
top=${COUNTERDESK_TOP:?run through make bench}
worker="$top/build/counterdesk-sync"
n=${BENCH_SYNC_EVENTS:-100000}
tag=B$$ # this run's events, apart from an earlier run's on the same cluster
lat_n=${BENCH_SYNC_LATENCY:-200}
tmp=$(mktemp -d)
chmod 755 "$tmp"
main() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -U postgres -d counterdesk -v ON_ERROR_STOP=1 "$@"; }
tgt() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -U postgres -d counterdesk_target_bench -v ON_ERROR_STOP=1 "$@"; }
wpid=""
cleanup() {
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null && wait "$wpid" 2>/dev/null
	main -c "DELETE FROM core.outbox_pending WHERE target = 'bench'" -c "DROP TABLE IF EXISTS public.bench_commit" >/dev/null 2>&1
	"$bin" -U postgres sync load >/dev/null 2>&1
	main -d postgres -c "DROP DATABASE IF EXISTS counterdesk_target_bench" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
now() { date +%s.%N; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN {printf "%.2f", a - b}'; }

main -d postgres -c "DROP DATABASE IF EXISTS counterdesk_target_bench" -c "CREATE DATABASE counterdesk_target_bench"
tgt <<'SQL'
CREATE TABLE received (event_id uuid PRIMARY KEY, type text NOT NULL, case_no text, item text,
		       payload jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT clock_timestamp());
GRANT SELECT, INSERT, TRUNCATE ON received TO counterdesk_sync;
SQL
mkdir -p "$tmp/targets.d"
cat >"$tmp/targets.d/bench.ini" <<INI
[target]
name = bench
kind = postgres
departments = RS, YB
dsn = host=$PGHOST dbname=counterdesk_target_bench user=counterdesk_sync
statement = INSERT INTO received (event_id, type, case_no, item, payload) SELECT * FROM unnest(\$1::uuid[], \$2::text[], \$3::text[], \$4::text[], \$5::jsonb[]) ON CONFLICT (event_id) DO NOTHING
params = id, type, aggregateid, payload.item, payload
INI
ini() { # FILE BATCH POLL
	sed "s|^targets = .*|targets = $tmp/targets.d|" "$COUNTERDESK_CONFIG" >"$1"
	printf '\n[sync]\nbatch = %s\nlease_seconds = 120\npoll_seconds = %s\n' "$2" "$3" >>"$1"
}
ini "$tmp/bulk.ini" 1000 30
ini "$tmp/idle.ini" 100 30
COUNTERDESK_CONFIG="$tmp/bulk.ini" "$bin" -U postgres sync load >/dev/null || { echo "sync load failed"; exit 1; }
# Only the bench target is active now: the events below go nowhere else.
payload() { # SQL expression of a payload for event number g
	echo "jsonb_build_object('event', 'case.accepted', 'case_no', '$tag-' || g, 'item', 'newborn', 'item_version', 1,
		'status', 'accepted', 'accepted_at', now(), 'promised_date', current_date + 5,
		'departments', '[\"RS\", \"YB\"]'::jsonb,
		'applicant', jsonb_build_object('id', gen_random_uuid(), 'kind', 'person', 'name', '张伟',
			'id_mask', '330702********1237', 'id_no', jsonb_build_object('cipher', 'v1:' || repeat(md5(g::text), 2), 'ad', 'applicant/id_no/x')),
		'fields', jsonb_build_object('child_name', '张小明' || g, 'child_sex', '男', 'child_birth_date', '2026-11-20',
			'card_bank', '中国银行', 'card_delivery', '窗口领取'),
		'personal', jsonb_build_object('father_idno', jsonb_build_object('cipher', 'v1:' || repeat(md5(g::text), 2),
			'mask', '330702********1237', 'ad', 'case/field:father_idno/x'),
			'contact_phone', jsonb_build_object('cipher', 'v1:' || md5(g::text), 'mask', '139****5678', 'ad', 'case/field:contact_phone/x')),
		'materials', '[{\"code\": \"parents_id_cards\", \"status\": \"provided\"}, {\"code\": \"card_photo\", \"status\": \"provided\"}]'::jsonb)"
}

echo "== writing $n events into the outbox"
t=$(now)
main -c "SELECT count(core.outbox_write(t, 'case', '$tag-' || g, 'case.accepted', NULL, $(payload)))
	 FROM core.sync_target t, generate_series(1, $n) g WHERE t.name = 'bench'" >/dev/null
main -c "VACUUM ANALYZE core.outbox_pending" -c "VACUUM ANALYZE core.outbox"
echo "   written in $(since "$t") s, $(main -c "SELECT pg_size_pretty(sum(pg_column_size(payload))::bigint / $n) FROM core.outbox WHERE target = 'bench'") a payload"

echo "== baseline: the same rows as INSERT statements of 1,000 rows each"
main -c "SELECT 'INSERT INTO received (event_id, type, case_no, item, payload) VALUES '
		|| string_agg(format('(%L, %L, %L, %L, %L)', id, type, aggregateid, payload ->> 'item', payload), ', ') || ';'
	 FROM (SELECT o.*, (row_number() OVER (ORDER BY o.seq) - 1) / 1000 AS grp FROM core.outbox o
	       JOIN core.outbox_pending p USING (id) WHERE o.target = 'bench' AND o.aggregateid LIKE '$tag-%') x GROUP BY grp ORDER BY grp" >"$tmp/baseline.sql"
t=$(now)
tgt -f "$tmp/baseline.sql" >/dev/null
base=$(since "$t")
base_rows=$(tgt -c "SELECT count(*) FROM received")
tgt -c "TRUNCATE received" -c "VACUUM ANALYZE received"

echo "== counterdesk sync run --once, batches of 1,000"
t=$(now)
COUNTERDESK_CONFIG="$tmp/bulk.ini" "$bin" -U counterdesk_sync sync run --once 2>"$tmp/bulk.log"
rc=$?
ours=$(since "$t")
rows=$(tgt -c "SELECT count(*) FROM received")
left=$(main -c "SELECT count(*) FROM core.outbox_pending WHERE target = 'bench'")
tail -2 "$tmp/bulk.log"

echo "== delay from commit to the row in the target, idle worker, $lat_n events one by one"
main -c "CREATE TABLE public.bench_commit (id uuid PRIMARY KEY, committed_at timestamptz NOT NULL)"
"$worker" --config "$tmp/idle.ini" -U counterdesk_sync 2>"$tmp/idle.log" &
wpid=$!
sleep 1
for i in $(seq 1 "$lat_n"); do
	g=$((n + i))
	# Autocommit: the event commits with its statement; the time is taken
	# by the next statement, right after the commit.
	echo "SELECT core.outbox_write(t, 'case', '$tag-$g', 'case.accepted', NULL, (SELECT $(payload | tr '\n' ' ') FROM (SELECT $g AS g) s)) AS id FROM core.sync_target t WHERE t.name = 'bench' \\gset"
	echo "INSERT INTO public.bench_commit VALUES (:'id', clock_timestamp());"
	echo "SELECT pg_sleep(0.02 + random() * 0.03);"
done >"$tmp/latency.sql"
main -f "$tmp/latency.sql" >/dev/null
sleep 1
tgt -c "SELECT event_id, received_at FROM received WHERE case_no LIKE '$tag-%' AND event_id IN (SELECT event_id FROM received ORDER BY received_at DESC LIMIT $lat_n)" >"$tmp/got.txt"
main -c "CREATE TEMP TABLE got (id uuid, received_at timestamptz)" -c "\\copy got FROM '$tmp/got.txt' WITH (DELIMITER '|')" \
	-c "SELECT count(*), round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1),
		   round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 1)
	    FROM (SELECT extract(epoch FROM g.received_at - c.committed_at) * 1000 AS ms
		  FROM public.bench_commit c JOIN got g USING (id)) x" >"$tmp/lat.txt"
IFS='|' read -r lat_count median p99 <"$tmp/lat.txt"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
printf '\n%-52s %12s %12s %8s\n' "figure" "counterdesk" "baseline" "ratio"
printf '%-52s %11ss %11ss %8s\n' "deliver $n events to PostgreSQL (vs batched INSERT)" "$ours" "$base" "$(ratio "$ours" "$base")"
printf '%-52s %10s/s %10s/s %8s\n' "throughput (goal: at least half the baseline's)" \
	"$(awk -v n="$n" -v t="$ours" 'BEGIN {printf "%d", n / t}')" "$(awk -v n="$n" -v t="$base" 'BEGIN {printf "%d", n / t}')" \
	"$(ratio "$base" "$ours")"
printf '%-52s %10sms %12s\n' "commit to row in target, idle worker: median" "$median" "-"
printf '%-52s %10sms %12s\n' "commit to row in target, idle worker: 99th percentile" "$p99" "-"
printf '%-52s %12s %12s\n' "rows in the target / in the baseline table" "$rows" "$base_rows"
[ "$rc" -eq 0 ] && [ "$rows" -eq "$n" ] && [ "$base_rows" -eq "$n" ] && [ "$left" -eq 0 ] && [ "$lat_count" -eq "$lat_n" ] ||
	{ echo "delivery failed: rc $rc, $rows rows, $left left, $lat_count timed"; exit 1; }
