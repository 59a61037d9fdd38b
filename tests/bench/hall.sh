#!/bin/bash
# Calling next with 16 windows at once and 10,000 waiting tickets (over a
# history of 100,000 earlier tickets), against pgbench's single-row UPDATE
# on the same cluster in the same run (machines here are noisy: compare the
# ratio, not the figures). Then checks that no ticket was called twice.
#
# Each of the 16 pgbench clients is one window (client_id + 1) logged in as
# clerk1; one script run = api.window_call + api.window_finish (a window
# calls nobody while a ticket is called), so calls/s is script runs per
# second. The baseline is one UPDATE of a random pgbench_accounts row per
# transaction, 16 clients. Both with prepared statements, median of
# BENCH_RUNS runs (default 3), the waiting set refilled to 10,000 before each.
#
# Runs against the cluster of `make bench` (scripts/check.sh --bench) in a
# database of its own, cd_hallbench; run by hand it makes a throwaway
# cluster first:   tests/bench/hall.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=${BENCH_RUNS:-3}
per_client=${BENCH_CALLS_PER_WINDOW:-500}   # 16 x 500 = 8,000 calls of 10,000 waiting
waiting=10000
history=100000
db=cd_hallbench

. "$top/tests/bench/lib.sh"
bench_start hallbench
bench_pgbench

# ---------------------------------------------------------------- a database of its own
bench_database
{
	printf '[rules]\npriority_cap = 3\nordinary_wait_minutes = 20\nrecall_limit = 2\nclosing_time = 23:59\n'
	printf 'green_category = G\n[categories]\nA = 综合受理\nG = 绿色通道\n[windows]\n'
	for w in $(seq 1 16); do echo "$w = A"; done
	echo "17 = G"
} >"$tmp/hall.ini"
"$bin" --config "$tmp/bench.ini" -U postgres hall load --file "$tmp/hall.ini" >/dev/null || exit 1
"$pgbench" -i -q -s 1 -U postgres "$db" >"$tmp/init.log" 2>&1 || { cat "$tmp/init.log"; exit 1; }

# A year of history: earlier tickets, served.
su_psql -d "$db" >/dev/null <<SQL || exit 1
INSERT INTO core.ticket (op_id, day, prefix, seq, number, category, green, status, issued_at, arrived_at,
			 first_called_at, called_at, called_by, window_no, finished_at, wait_seconds, service_seconds)
SELECT gen_random_uuid(), core.today() - 1 - (s % 300), 'A', s, core.ticket_number('A', s), 'A', false, 'done',
       now() - make_interval(days => 1 + s % 300), now() - make_interval(days => 1 + s % 300),
       now() - make_interval(days => 1 + s % 300), now() - make_interval(days => 1 + s % 300), 'clerk1',
       1 + s % 16, now() - make_interval(days => 1 + s % 300), 600, 300
FROM generate_series(1, $history) s;
ANALYZE core.ticket;
SQL

# Refills the waiting set to $waiting tickets of today: one in ten green,
# one in twenty an appointment, the rest by arrival over the last hour.
refill() {
	su_psql -d "$db" >/dev/null <<SQL
WITH base AS (
	SELECT coalesce(max(seq), 0) AS a, (SELECT coalesce(max(seq), 0) FROM core.ticket
					    WHERE day = core.today() AND prefix = 'G') AS g
	FROM core.ticket WHERE day = core.today() AND prefix = 'A'
), n AS (
	SELECT $waiting - (SELECT count(*) FROM core.ticket_ready) AS missing
), new AS (
	INSERT INTO core.ticket (op_id, day, prefix, seq, number, category, green, appointment, issued_at, arrived_at)
	SELECT gen_random_uuid(), core.today(), CASE WHEN s % 10 = 0 THEN 'G' ELSE 'A' END,
	       CASE WHEN s % 10 = 0 THEN base.g + s ELSE base.a + s END,
	       core.ticket_number(CASE WHEN s % 10 = 0 THEN 'G' ELSE 'A' END,
				  CASE WHEN s % 10 = 0 THEN base.g + s ELSE base.a + s END),
	       'A', s % 10 = 0, CASE WHEN s % 20 = 5 THEN 'BENCH-' || gen_random_uuid() END,
	       now() - make_interval(secs => 3600.0 * ((SELECT missing FROM n) - s) / greatest((SELECT missing FROM n), 1)),
	       now() - make_interval(secs => 3600.0 * ((SELECT missing FROM n) - s) / greatest((SELECT missing FROM n), 1))
	FROM base, generate_series(1, (SELECT missing FROM n)::int) s
	RETURNING id, day, category, green, appointment, arrived_at
)
INSERT INTO core.ticket_ready (ticket_id, day, category, green, pri, arrived_at)
SELECT id, day, category, green, core.ticket_pri(green, appointment), arrived_at FROM new;
ANALYZE core.ticket_ready;
SQL
}

cat >"$tmp/call.pgb" <<'PGB'
\set w :client_id + 1
SELECT number FROM api.window_call(gen_random_uuid(), :w);
SELECT number FROM api.window_finish(gen_random_uuid(), :w, NULL);
PGB
cat >"$tmp/update.pgb" <<'PGB'
\set aid random(1, 100000)
\set delta random(-5000, 5000)
UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
PGB

tps_of() { sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$1"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

calls=() updates=()
processed=0
for ((i = 1; i <= runs; i++)); do
	refill || exit 1
	echo "== run $i: 16 windows calling ($per_client calls each, $waiting waiting)"
	PGPASSWORD=clerk1-demo "$pgbench" -n -M prepared -U clerk1 -c 16 -j 2 -t "$per_client" \
		-f "$tmp/call.pgb" "$db" >"$tmp/call.$i" 2>&1 || { tail -20 "$tmp/call.$i"; exit 1; }
	grep -q "number of failed transactions: 0" "$tmp/call.$i" ||
		grep -q "number of transactions actually processed: $((16 * per_client))/$((16 * per_client))" "$tmp/call.$i" ||
		{ echo "bench: calls failed"; tail -20 "$tmp/call.$i"; exit 1; }
	processed=$((processed + 16 * per_client))
	calls+=("$(tps_of "$tmp/call.$i")")
	echo "== run $i: pgbench single-row UPDATE, 16 clients"
	"$pgbench" -n -M prepared -U postgres -c 16 -j 2 -t "$per_client" -f "$tmp/update.pgb" "$db" \
		>"$tmp/update.$i" 2>&1 || { tail -20 "$tmp/update.$i"; exit 1; }
	updates+=("$(tps_of "$tmp/update.$i")")
done

# ---------------------------------------------------------------- no double calls
double=$(su_psql -d "$db" -c "SELECT count(*) FROM (SELECT ticket_id FROM core.ticket_event WHERE kind = 'call'
	GROUP BY ticket_id HAVING count(*) > 1) x")
called=$(su_psql -d "$db" -c "SELECT count(*) FROM core.ticket_event WHERE kind = 'call'")
served=$(su_psql -d "$db" -c "SELECT count(*) FROM core.ticket WHERE day = core.today() AND status = 'done'")

c_med=$(printf '%s\n' "${calls[@]}" | median)
u_med=$(printf '%s\n' "${updates[@]}" | median)
printf '\n%-58s %12s\n' "figure (median of $runs runs, 16 clients)" "per second"
printf '%-58s %12.0f\n' "hall: call next + finish at 16 windows, $waiting waiting" "$c_med"
printf '%-58s %12.0f\n' "baseline: pgbench single-row UPDATE" "$u_med"
printf '%-58s %12s\n' "ratio calls / updates" "$(awk -v a="$c_med" -v b="$u_med" 'BEGIN {printf "%.2f", a / b}')"
printf '%-58s %12s\n' "calls made / tickets called / served" "$processed / $called / $served"
printf '%-58s %12s\n' "tickets called more than once" "$double"
[ "$double" = 0 ] && [ "$called" = "$processed" ] && [ "$served" = "$processed" ]
