#!/bin/bash
# The supervisor's dashboard and the yearly report at a real centre's scale:
# a year of history made by tests/bench/gen_year.sql (about 1,000,000
# tickets, 300,000 cases, 370,000 ratings), then
#   1. a full dashboard refresh (api.dashboard, as super1) against
#      SELECT count(*) FROM core.ticket in the same run;
#   2. the report of the last 365 days (api.report) against the same;
#   3. bytes the workbench writes to its terminal (80x24, tmux pipe-pane):
#      an idle stretch of BENCH_IDLE_SECONDS (default 10; scaled to a
#      minute), one changed figure (a clerk pauses a window), a new ticket.
# Medians of BENCH_RUNS runs (default 5). In a database of its own,
# cd_dashbench; run by hand it makes a throwaway cluster first:
#   tests/bench/dashboard.sh
# BENCH_TICKETS_PER_DAY / BENCH_CASES_PER_DAY scale the year (3830 / 1150).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=${BENCH_RUNS:-5}
idle_s=${BENCH_IDLE_SECONDS:-10}
per_day=${BENCH_TICKETS_PER_DAY:-3830}
cases_per_day=${BENCH_CASES_PER_DAY:-1150}
db=cd_dashbench

. "$top/tests/bench/lib.sh"
bench_cleanup_extra() {
	tm kill-server >/dev/null 2>&1
}
bench_start dashbench
sock="cddashbench$$"
tm() { tmux -u -L "$sock" -f /dev/null "$@"; }
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# timed LOGIN N SQL: the milliseconds of N runs of one statement in one
# session (as the workbench keeps its connection), one a line, from \timing
timed() {
	{ echo '\timing on'; for ((k = 0; k < $2; k++)); do echo "$3;"; done; } |
		PGPASSWORD="$1-demo" psql -X -q -At -U "$1" -d "$db" 2>&1 | awk '/^Time:/ {print $2}'
}

# ---------------------------------------------------------------- a database of its own
bench_database
"$bin" --config "$tmp/bench.ini" -U postgres forms load >>"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log"; exit 1; }
"$bin" --config "$tmp/bench.ini" -U postgres hall load >>"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log"; exit 1; }

echo "== a year of history ($per_day tickets and $cases_per_day cases a working day)"
t0=$(now_ms)
su_psql -d "$db" -v days=365 -v per_day="$per_day" -v cases_per_day="$cases_per_day" \
	-f "$top/tests/bench/gen_year.sql" >/dev/null || exit 1
gen_ms=$(($(now_ms) - t0))
tickets=$(su_psql -d "$db" -c "SELECT count(*) FROM core.ticket")
cases=$(su_psql -d "$db" -c "SELECT count(*) FROM core.case")
ratings=$(su_psql -d "$db" -c "SELECT count(*) FROM core.rating")
tasks=$(su_psql -d "$db" -c "SELECT CASE WHEN to_regclass('core.task') IS NULL THEN 0 ELSE (SELECT count(*) FROM core.task) END")
su_psql -d "$db" -c "VACUUM ANALYZE" >/dev/null
# Today: a morning's tickets, some called.
for c in A A A B C G; do
	PGPASSWORD=kiosk1-demo "$bin" --config "$tmp/bench.ini" -U kiosk1 ticket issue --category $c >/dev/null || exit 1
done
PGPASSWORD=clerk1-demo "$bin" --config "$tmp/bench.ini" -U clerk1 window call --window 1 >/dev/null

# ---------------------------------------------------------------- 1, 2: times
# Each in a session of its own; the first run of each (planning, cold
# cache) is left out.
count=$(timed postgres $((runs + 1)) "SELECT count(*) FROM core.ticket" | tail -n +2)
dash=$(timed super1 $((runs + 1)) "SELECT length(api.dashboard(15)::text)" | tail -n +2)
report=$(timed super1 $(((runs + 1) / 2 + 1)) "SELECT length(api.report(current_date - 365, current_date - 1)::text)" | tail -n +2)
c_med=$(echo "$count" | median)
d_med=$(echo "$dash" | median)
r_med=$(echo "$report" | median)

# ---------------------------------------------------------------- 3: bytes
tm new-session -d -s keep -x 80 -y 24 "sleep 3600" \; set-option -g remain-on-exit on
tm new-session -d -s dash -x 80 -y 24 \
	"env TERM=tmux-256color LANG=C.UTF-8 COUNTERDESK_CONFIG=$tmp/bench.ini COUNTERDESK_LOCALEDIR=${COUNTERDESK_LOCALEDIR:-} PGUSER= $bin"
wait_for() { # TEXT: until it is on the screen (20 s at most)
	local end=$(($(now_ms) + 20000))
	while [ "$(now_ms)" -lt "$end" ]; do
		tm capture-pane -p -t dash 2>/dev/null | grep -qF -- "$1" && return 0
		sleep 0.05
	done
	echo "bench: timed out waiting for '$1'" >&2
	return 1
}
bytes() { stat -c %s "$tmp/out"; }
quiet() { # until nothing was written for half a second
	local last=-1 n
	for _ in $(seq 20); do
		n=$(bytes)
		[ "$n" = "$last" ] && return 0
		last=$n
		sleep 0.5
	done
}
wait_for "Password" || exit 1
tm send-keys -t dash -l super1
tm send-keys -t dash Tab
tm send-keys -t dash -l super1-demo
tm send-keys -t dash Enter
wait_for "Welcome," || exit 1
tm send-keys -t dash Enter
wait_for "Waits today" || exit 1
: >"$tmp/out"
tm pipe-pane -t dash -o "cat >>$tmp/out"
quiet
b0=$(bytes)
sleep "$idle_s"
idle=$(($(bytes) - b0))
b0=$(bytes)
t0=$(now_ms)
PGPASSWORD=clerk1-demo "$bin" --config "$tmp/bench.ini" -U clerk1 window pause --window 5 >/dev/null
until tm capture-pane -p -t dash | grep -qE "^ .* 5  [^ ]+ +paused "; do
	[ $(($(now_ms) - t0)) -gt 10000 ] && { echo "bench: the pause did not show" >&2; exit 1; }
	sleep 0.01
done
lag=$(($(now_ms) - t0))
quiet
one=$(($(bytes) - b0))
b0=$(bytes)
PGPASSWORD=kiosk1-demo "$bin" --config "$tmp/bench.ini" -U kiosk1 ticket issue --category C >/dev/null
sleep 1
quiet
ticket=$(($(bytes) - b0))

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
printf '\n%-58s %12s %12s %8s\n' "figure (median of $runs; $tickets tickets, $cases cases)" "counterdesk" "baseline" "ratio"
printf '%-58s %10.1fms %10.1fms %8s\n' "dashboard full refresh (vs count(*) of the tickets)" "$d_med" "$c_med" "$(ratio "$d_med" "$c_med")"
printf '%-58s %10.1fms %10.1fms %8s\n' "report of the last 365 days (vs count(*) of the tickets)" "$r_med" "$c_med" "$(ratio "$r_med" "$c_med")"
printf '%-58s %12s\n' "bytes to the terminal, idle ${idle_s} s (x $((60 / idle_s)) = a minute)" "$idle ($((idle * 60 / idle_s)))"
printf '%-58s %12s\n' "bytes to the terminal, one changed figure (window paused)" "$one"
printf '%-58s %12s\n' "bytes to the terminal, a new ticket (queue, waits, chart)" "$ticket"
printf '%-58s %10dms\n' "a change in another session -> on screen" "$lag"
printf '%-58s %10.1fs\n' "generating the year ($tasks tasks, $ratings ratings too)" "$(ratio "$gen_ms" 1000)"
