#!/bin/bash
# The supervisor's live dashboard end to end, in tmux (real ptys), 80x24:
# super1 opens it from the home menu; changes made in other sessions (a
# clerk pauses a window, the kiosk issues a ticket) appear without a key
# within a second; the bytes the program writes to the terminal are
# counted with tmux pipe-pane: nothing while idle (but the status bar's
# clock), under 1 KB for an update; a temporary window opened on one
# supervisor's dashboard shows on a second supervisor's; the list behind a
# figure opens with Enter.
#
# Needs (exported by scripts/check.sh): COUNTERDESK_BIN, COUNTERDESK_CONFIG,
# COUNTERDESK_LOCALEDIR, PGHOST.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=../lib/cli.sh
. "$here/../lib/cli.sh"
# shellcheck source=../lib/tmux.sh
. "$here/../lib/tmux.sh"

bin=${COUNTERDESK_BIN:?set COUNTERDESK_BIN (run through make check)}
config=${COUNTERDESK_CONFIG:?set COUNTERDESK_CONFIG (run through make check)}
localedir=${COUNTERDESK_LOCALEDIR:-}

if ! command -v tmux >/dev/null 2>&1; then
	ok 1 "tmux is installed (scripts/deps.sh installs it)"
	done_testing
	exit 1
fi
if [ -z "${PGHOST:-}" ] || ! su_psql -c 'select 1' >/dev/null 2>&1; then
	ok 0 "the dashboard end to end # SKIP no superuser access to the test cluster (PGHOST)"
	done_testing
	exit 0
fi
as() { local login=$1; shift; PGPASSWORD="$login-demo" LANG=C.UTF-8 LANGUAGE= "$bin" -U "$login" "$@"; }

sock="cddash$$"
tmpd=$(mktemp -d /tmp/counterdesk-e2e-dash.XXXXXX)
clean_hall() {
	su_psql >/dev/null <<'SQL'
DELETE FROM core.task_ready WHERE task_id IN (SELECT id FROM core.task WHERE case_id = '00000000-0000-0000-0000-00000000da5f');
DELETE FROM core.task_pause WHERE task_id IN (SELECT id FROM core.task WHERE case_id = '00000000-0000-0000-0000-00000000da5f');
DELETE FROM core.task WHERE case_id = '00000000-0000-0000-0000-00000000da5f';
DELETE FROM core.case_dept WHERE case_id = '00000000-0000-0000-0000-00000000da5f';
DELETE FROM core.outbox_pending WHERE id IN (SELECT id FROM core.outbox WHERE case_id = '00000000-0000-0000-0000-00000000da5f');
DELETE FROM core.outbox_delivery WHERE id IN (SELECT id FROM core.outbox WHERE case_id = '00000000-0000-0000-0000-00000000da5f');
DELETE FROM core.outbox WHERE case_id = '00000000-0000-0000-0000-00000000da5f';
DELETE FROM core.case_event WHERE case_id = '00000000-0000-0000-0000-00000000da5f';
DELETE FROM core.case WHERE id = '00000000-0000-0000-0000-00000000da5f';
DELETE FROM core.applicant WHERE id = '00000000-0000-0000-0000-00000000da5e';
SELECT api.window_noshow(gen_random_uuid(), window_no) FROM core.hall_window WHERE current_ticket IS NOT NULL;
SELECT core.hall_sweep(core.today() + 1, true, 'close', 'test_dashboard e2e', gen_random_uuid());
UPDATE core.hall_window SET paused = false, paused_at = NULL, priority_streak = 0;
SELECT api.temp_window_close(gen_random_uuid(), window_no, 'test_dashboard e2e') FROM core.hall_window_temp;
SQL
}
cleanup() {
	tm kill-server >/dev/null 2>&1
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"
	rm -rf "$tmpd"
	clean_hall
}
trap cleanup EXIT
trap 'exit 130' INT TERM
clean_hall

tm new-session -d -s keep -x 80 -y 24 "sleep 3600" \; set-option -g remain-on-exit on
start() { # NAME [COLUMNS LINES]
	local name=$1 cmd
	cmd=$(printf '%q ' env -u LC_ALL -u LANGUAGE -u LC_MESSAGES TERM=tmux-256color LANG=C.UTF-8 \
		COUNTERDESK_CONFIG="$config" COUNTERDESK_LOCALEDIR="$localedir" PGUSER= "$bin")
	tm new-session -d -s "$name" -x "${2:-80}" -y "${3:-24}" "$cmd; echo \$? >$(printf '%q' "$tmpd/$name.status")"
	cur=$name
}
login_super() {
	wait_for "Password" >/dev/null
	type_text super1
	keys Tab
	type_text super1-demo
	keys Enter
	wait_for "Welcome," 15 >/dev/null
}
bytes() { stat -c %s "$tmpd/out"; }
# quiet: until the program has written nothing for half a second.
quiet() {
	local last=-1 n end=$(($(now_ms) + 5000))
	while [ "$(now_ms)" -lt "$end" ]; do
		n=$(bytes)
		[ "$n" = "$last" ] && return 0
		last=$n
		sleep 0.5
	done
}
# row N: line N (1-based) of the screen
row() { screen_text | sed -n "${1}p"; }

start dash
login_super
check "the supervisor's menu opens the live dashboard" wait_for "Live dashboard"
keys Enter
check "the dashboard shows queues, windows, charts" wait_match "^ Queues .* Windows \\(9 open\\)"
check "... the forecast and the waits" wait_for "Waits today"

: >"$tmpd/out"
tm pipe-pane -t dash -o "cat >>$(printf '%q' "$tmpd/out")"
quiet
before=$(bytes)
sleep 3
idle=$(($(bytes) - before))
# The status bar's clock may turn once in the window: a few bytes.
ok $([ "$idle" -lt 64 ] && echo 0 || echo 1) "an idle screen sends (almost) nothing: $idle bytes in 3 s"

# One figure: a clerk pauses window 5 from the command line.
before=$(bytes)
t0=$(now_ms)
as clerk1 window pause --window 5 >/dev/null
check "window 5 shows paused without a key" wait_match "^ .* 5  [^ ]+ +paused " 3
lag=$(($(now_ms) - t0))
ok $([ "$lag" -le 1500 ] && echo 0 || echo 1) "the change is on screen within a second or so ($lag ms)"
quiet
one=$(($(bytes) - before))
ok $([ "$one" -gt 0 ] && [ "$one" -lt 1024 ] && echo 0 || echo 1) "one changed figure: $one bytes (under 1 KB)"
diag "one changed figure (window paused): $one bytes"

# A new ticket: the queue, the waits and the arrivals change.
waiting=$(su_psql -c "SELECT count(*) FROM core.ticket_ready WHERE category = 'C'")
before=$(bytes)
as kiosk1 ticket issue --category C >/dev/null
check "the new ticket of C is counted without a key" wait_match "^ C .* $((waiting + 1)) +0m " 3
quiet
upd=$(($(bytes) - before))
ok $([ "$upd" -gt 0 ] && [ "$upd" -lt 1024 ] && echo 0 || echo 1) "a new ticket's update: $upd bytes (under 1 KB)"
diag "a new ticket (queue, waits, arrivals): $upd bytes"

# Several supervisors at once: a temporary window opened here shows there.
start dash2 100 40
login_super
keys Enter
check "a second supervisor's dashboard" wait_for "Waits today"

# Routing: a case accepted in another session starts its first tasks;
# the department's count of pending tasks changes without a key (on the
# second dashboard, 100x40: every department fits).
su_psql >/dev/null <<'SQL'
INSERT INTO core.applicant (id, kind, name, uscc) VALUES ('00000000-0000-0000-0000-00000000da5e', 'enterprise', 'e2e 看板', 'EE00000000000DA5E1')
ON CONFLICT DO NOTHING;
SQL
su_psql >/dev/null <<'SQL'
INSERT INTO core.case (id, op_id, case_no, centre_code, item_code, item_version, applicant_id, applicant_name, outcome,
		       status, accepted_on, promised_date)
SELECT '00000000-0000-0000-0000-00000000da5f', gen_random_uuid(), '330702-20260101-9998', '330702001', s.code, s.version,
       '00000000-0000-0000-0000-00000000da5e', 'e2e 看板', 'accepted', 'accepted', core.today(), core.today() + 20
FROM core.service_item s WHERE s.code = 'newborn' ORDER BY s.version DESC LIMIT 1;
SQL
pending=$(su_psql -c "SELECT count(*) FROM core.task WHERE dept_code = 'WJ' AND status IN ('open', 'claimed', 'returned')")
check "the department's pending tasks change without a key (WJ: $pending)" wait_match "^ WJ [^ ]+ +$pending " 3

on() { cur=$1; }
on dash
keys Tab
keys Down Down Down Down Down
keys W
check "W asks for a temporary window" wait_for "Open a temporary window"
type_text "A,B"
keys Tab
type_text "queue too long"
keys Enter
check "window 6 now serves A,B" wait_for "Window 6 now serves A,B."
on dash2
check "the other supervisor sees window 6 marked temporary" wait_match "^ .* 6\\* " 3
is "$(su_psql -c "SELECT array_to_string(categories, ',') FROM core.hall_window WHERE window_no = 6")" "A,B" \
	'the database has the change'
on dash
keys W
check "W on a temporary window closes it" wait_for "Close the temporary window"
type_text "peak over"
keys Enter
check "window 6 is back" wait_for "Window 6 is back to what it served before."
on dash2
check "... on the other dashboard too" wait_match "^ .* 6  " 3

# The list behind a figure.
on dash
keys BTab
keys Up Up Up Up Up Up Up Up Up Up
keys Down Down
keys Enter
check "Enter on category C lists its waiting tickets" wait_for "Waiting in category C: $((waiting + 1))"
keys Escape
check "Esc goes back to the dashboard" wait_for "Waits today"
keys F10
is "$(wait_exit 5)" 0 "F10 quits"

# [dashboard] conninfo: the figures read through a second connection (a
# replica in production; here the same server, prefer-standby falling back
# to it), the notifications still on the session's.
conninfo=$(sed -n 's/^conninfo = //p' "$config" | head -1)
{ cat "$config"; printf '\n[dashboard]\nconninfo = %s target_session_attrs=prefer-standby\n' "$conninfo"; } >"$tmpd/replica.ini"
config="$tmpd/replica.ini"
start dash3
login_super
keys Enter
check "the dashboard reading a replica" wait_for "Waits today"
is "$(su_psql -c "SELECT count(*) > 0 FROM pg_stat_activity WHERE application_name = 'counterdesk-dashboard' AND usename = 'super1'")" t \
	'it reads through its own connection (application_name counterdesk-dashboard)'
waiting=$(su_psql -c "SELECT count(*) FROM core.ticket_ready WHERE category = 'C'")
as kiosk1 ticket issue --category C >/dev/null
check "a change still shows without a key" wait_match "^ C .* $((waiting + 1)) +0m " 3
keys F10
is "$(wait_exit 5)" 0 "F10 quits"

done_testing
