#!/bin/bash
# Benchmarks for the foundation, each against a baseline measured in the same
# run on the same socket (machines here are noisy: compare ratios, not times).
#   1. exec -> login screen drawn, against psql -c 'select 1' (both in a tmux pane)
#   2. Enter on the login screen -> home screen, against a psql connection + query
#   3. resident memory of the TUI on the home screen, against an idle psql
# Run through `make bench` (scripts/check.sh --bench sets the environment).
set -u
bin=${COUNTERDESK_BIN:?run through make bench}
cfg=${COUNTERDESK_CONFIG:?}
runs=${BENCH_RUNS:-7}
sock="cdbench$$"
tm() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null' EXIT
now_us() { echo $(($(date +%s%N) / 1000)); }

# Waits until the pane shows text (fixed string); polls every 2 ms.
wait_for() {
	local text=$1 limit=$((SECONDS + 20))
	while ((SECONDS < limit)); do
		tm capture-pane -p -t bench 2>/dev/null | grep -qF -- "$text" && return 0
		sleep 0.002
	done
	echo "bench: timed out waiting for '$text'" >&2
	return 1
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

# A session that lives for the whole run: killing the only session would
# stop the tmux server, and a new-session racing its shutdown fails.
tm new-session -d -s keep -x 20 -y 5 "sleep 3600"

start_pane() { # command...
	tm kill-session -t bench 2>/dev/null
	tm new-session -d -s bench -x 100 -y 30 \
		"env LANG=C.UTF-8 COUNTERDESK_LOCALEDIR=$COUNTERDESK_LOCALEDIR $*; sleep 30"
}

psql_startup=() tui_startup=() psql_login=() tui_login=()
for ((i = 0; i < runs; i++)); do
	# Baseline 1: psql connecting and printing a marker, as seen in a pane.
	t0=$(now_us)
	start_pane "PGPASSWORD=clerk1-demo psql -X -At -U clerk1 -d counterdesk -c \"select 'bench-'||'ok'\""
	wait_for "bench-ok" || exit 1
	psql_startup+=($(($(now_us) - t0)))

	# 1: exec to login screen drawn.
	t0=$(now_us)
	start_pane "$bin --config $cfg"
	wait_for "Password" || exit 1
	tui_startup+=($(($(now_us) - t0)))

	# 2: Enter on the login screen to the home screen.
	tm send-keys -t bench -l clerk1
	tm send-keys -t bench Tab
	tm send-keys -t bench -l clerk1-demo
	sleep 0.05
	t0=$(now_us)
	tm send-keys -t bench Enter
	wait_for "Welcome," || exit 1
	tui_login+=($(($(now_us) - t0)))
done

# Baseline 2: a psql login plus one query, timed directly (no pane).
for ((i = 0; i < runs; i++)); do
	t0=$(now_us)
	PGPASSWORD=clerk1-demo psql -X -At -U clerk1 -d counterdesk -c 'select * from api.whoami()' >/dev/null
	psql_login+=($(($(now_us) - t0)))
done

# 3: resident memory on the home screen (the last run is still there).
tui_pid=$(pgrep -n -f "^$bin --config $cfg")
tui_rss=$(awk '/VmRSS/ {print $2}' "/proc/$tui_pid/status")
start_pane "PGPASSWORD=clerk1-demo psql -X -U clerk1 -d counterdesk"
wait_for "counterdesk=>" || exit 1
psql_pid=$(pgrep -n -x psql)
psql_rss=$(awk '/VmRSS/ {print $2}' "/proc/$psql_pid/status")

ps_med=$(printf '%s\n' "${psql_startup[@]}" | median)
tu_med=$(printf '%s\n' "${tui_startup[@]}" | median)
pl_med=$(printf '%s\n' "${psql_login[@]}" | median)
tl_med=$(printf '%s\n' "${tui_login[@]}" | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

printf '\n%-44s %12s %12s %8s\n' "figure (median of $runs)" "counterdesk" "baseline" "ratio"
printf '%-44s %10.1fms %10.1fms %8s\n' "exec -> login screen (vs psql select 1)" \
	"$(ratio "$tu_med" 1000)" "$(ratio "$ps_med" 1000)" "$(ratio "$tu_med" "$ps_med")"
printf '%-44s %10.1fms %10.1fms %8s\n' "Enter -> home screen (vs psql login+query)" \
	"$(ratio "$tl_med" 1000)" "$(ratio "$pl_med" 1000)" "$(ratio "$tl_med" "$pl_med")"
printf '%-44s %10dkB %10dkB %8s\n' "resident memory, home screen (vs idle psql)" \
	"$tui_rss" "$psql_rss" "$(ratio "$tui_rss" "$psql_rss")"
