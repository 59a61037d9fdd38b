#!/bin/bash
# The hall end to end, in tmux (real ptys) against the test database: a
# helper's window (green1, window 9) sees a green ticket arrive without a key
# (NOTIFY), calls it, logs the assisted session and ends it with a home
# visit, and finishes the service; a second window calling meanwhile gets
# another ticket or nobody; the rating pad of window 9 (`counterdesk rate`,
# kiosk1) shows the finished service, takes 5 (非常不满意) with a reason, and
# the database holds the rating and its open follow-up; the pad then shows
# the next finished service by itself; the home visit is closed from the
# green channel's list. Each check polls capture-pane; there are no sleeps.
#
# Needs (exported by scripts/check.sh): COUNTERDESK_BIN, COUNTERDESK_CONFIG,
# COUNTERDESK_LOCALEDIR, PGHOST (the cluster's socket directory: the test
# reads and cleans the hall as the cluster superuser).
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
	ok 0 "the hall end to end # SKIP no superuser access to the test cluster (PGHOST)"
	done_testing
	exit 0
fi
as() { # as LOGIN counterdesk-args...   (password <login>-demo)
	local login=$1
	shift
	PGPASSWORD="$login-demo" LANG=C.UTF-8 LANGUAGE= "$bin" -U "$login" "$@"
}

# Chinese first; the same run in English where the zh_CN locale is missing.
if locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then lang=zh_CN.UTF-8; else lang=C.UTF-8; fi
L() { if [ "$lang" = zh_CN.UTF-8 ]; then printf '%s' "$1"; else printf '%s' "$2"; fi; }

sock="cdhall$$"
tmpd=$(mktemp -d /tmp/counterdesk-e2e.XXXXXX)

# Every window free, nobody waiting, nothing paused: before and after.
clean_hall() {
	su_psql >/dev/null <<'SQL'
SELECT api.window_noshow(gen_random_uuid(), window_no) FROM core.hall_window WHERE current_ticket IS NOT NULL;
SELECT core.hall_sweep(core.today() + 1, true, 'close', 'test_hall e2e', gen_random_uuid());
UPDATE core.hall_window SET paused = false, paused_at = NULL, priority_streak = 0;
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

tm new-session -d -s keep -x 100 -y 30 "sleep 3600" \; set-option -g remain-on-exit on


# start NAME [ARG ...]: counterdesk ARG... in a new 80x24 session, in $lang.
start() {
	local name=$1 cmd
	shift
	cmd=$(printf '%q ' env -u LC_ALL -u LANGUAGE -u LC_MESSAGES TERM=tmux-256color LANG="$lang" \
		COUNTERDESK_CONFIG="$config" COUNTERDESK_LOCALEDIR="$localedir" PGUSER= "$bin" "$@")
	tm new-session -d -s "$name" -x 80 -y 24 "$cmd; echo \$? >$(printf '%q' "$tmpd/$name.status")"
	cur=$name
}
on() { cur=$1; } # the session the next keys and checks go to

type_text() { tm send-keys -t "$cur" -l -- "$1"; }
wait_for() { # TEXT [SECONDS]
	local end=$(($(now_ms) + ${2:-10} * 1000))
	while :; do
		screen_text | grep -qF -- "$1" && return 0
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.05
	done
}
wait_exit() {
	local end=$(($(now_ms) + ${1:-10} * 1000)) f="$tmpd/$cur.status"
	while :; do
		[ -s "$f" ] && { cat "$f"; return 0; }
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.05
	done
}
check() { # DESCRIPTION COMMAND...
	local desc=$1
	shift
	"$@"
	local rc=$?
	ok $rc "$desc"
	[ $rc -eq 0 ] || screen_text | sed 's/^/#   | /'
}
login() { # LOGIN PASSWORD
	type_text "$1"
	keys Tab
	type_text "$2"
	keys Enter
}
issue() { # CATEGORY [--green]: prints the ticket number
	as kiosk1 --json ticket issue --category "$@" | sed -n 's/.*"number":"\([A-Z0-9]*\)".*/\1/p'
}

# ---------------------------------------------------------------- the helper's window
start win
wait_for "$(L 密码 Password)" >/dev/null
login green1 green1-demo
check "green1 logs in" wait_for "$(L 功能菜单 Menu)"
keys 1 # Call next ticket
check "the first entry opens the window screen, nobody waiting" wait_for "$(L '本窗口等候 0 人' '0 waiting for this window')"
check "it shows the window and what it serves" wait_for "$(L '受理：G 绿色通道' 'serves G 绿色通道')"

g1=$(issue A --green)
like "$g1" '^G[0-9]{3,}$' "the kiosk issues a green ticket from the command line ($g1)"
check "the waiting count follows without a key (NOTIFY)" wait_for "$(L '本窗口等候 1 人' '1 waiting for this window')"
a1=$(issue A)
like "$a1" '^A[0-9]{3,}$' "and an ordinary ticket of category A ($a1)"

keys F2
check "F2 calls the green ticket" wait_for "$g1 · $(L 绿色通道 'green channel')"
check "the rule is shown: green channel first" wait_for "$(L 绿色通道优先 'green channel first')"
check "the recalls left are shown" wait_for "$(L '重呼（余 2 次）' 'Recall (2 left)')"
is "$(su_psql -c "SELECT status || ' ' || window_no FROM core.ticket WHERE number = '$g1' AND day = core.today()")" \
	"called 9" "the database has $g1 called at window 9"

# ---------------------------------------------------------------- a second window meanwhile
out=$(as clerk1 window call --window 1 2>&1)
like "$out" "$a1" "window 1 calling meanwhile gets a different ticket ($a1), not $g1"
start second
wait_for "$(L 密码 Password)" >/dev/null
login clerk2 clerk2-demo
wait_for "$(L 功能菜单 Menu)" >/dev/null
keys 1
wait_for "$(L '本窗口等候' 'waiting for this window')" >/dev/null
keys F2
check "window 2 calling in the workbench: nobody is waiting" wait_for "$(L 本窗口暂无等候的群众 'Nobody is waiting for this window.')"
keys F10
wait_exit >/dev/null
ok $? "the second window quits"
as clerk1 window finish --window 1 >/dev/null
ok $? "window 1 finishes its ticket"

# ---------------------------------------------------------------- the assisted session
on win
keys g
check "g opens the assisted session of the green ticket" wait_for "$(L "为 $g1 号开始帮办记录" "Start an assisted session for ticket $g1")"
keys Space Down Down Space # vision, mobility
keys Enter
check "the session starts and the window is back" wait_for "$(L '开始帮办记录 #' 'Assisted session #')"
session=$(su_psql -c "SELECT g.session_no FROM core.green_session g JOIN core.ticket t ON t.id = g.ticket_id
	WHERE t.number = '$g1' AND t.day = core.today()")
like "$session" '^[0-9]+$' "the database has the session of $g1 (#$session)"
is "$(su_psql -c "SELECT array_to_string(needs, ',') FROM core.green_session WHERE session_no = $session")" \
	"mobility,vision" "with the needs ticked"
keys g
check "g again opens the end of the session" wait_for "$(L "结束帮办记录 #$session" "End assisted session #$session")"
keys Right Right # outcome: home visit (the date defaults to tomorrow)
keys Up          # to the note
type_text "$(L 协助办理医保报销，需上门补签 'Helped with a claim; a signature is missing')"
keys Enter
check "the session ends with a home visit" wait_for "$(L '上门服务 #' 'home visit #')"
is "$(su_psql -c "SELECT g.outcome || ' ' || (f.closed_at IS NULL) FROM core.green_session g
	JOIN core.green_followup f ON f.session_id = g.id WHERE g.session_no = $session")" \
	"home_visit true" "the database has the outcome and an open home visit"

keys F8
check "F8 finishes the service" wait_for "$(L "$g1 号已办结" "$g1 finished after")"
check "the window is free again" wait_for "$(L 空闲 Free)"

# ---------------------------------------------------------------- the rating pad
start pad -U kiosk1 rate --window 9
check "the pad starts with the login screen, kiosk1 filled in" wait_for "kiosk1"
type_text kiosk1-demo
keys Enter
check "the pad shows the service just finished at window 9" wait_for "$(L "$g1 号" "ticket $g1")"
check "and asks for a rating" wait_for "$(L 请您对刚才的服务作出评价 'Please rate the service you just received')"
check "the five levels are there" wait_for "$(L 非常不满意 'dissatisfied')"
keys 5
check "5 asks for the reason" wait_for "$(L 请告诉我们原因 'Please tell us why')"
reason=$(L 等了四十分钟没人解释 'Waited forty minutes, nobody explained')
type_text "$reason"
keys Enter
check "the pad thanks the visitor" wait_for "$(L 感谢您的评价 'Thank you for your rating')"
is "$(su_psql -c "SELECT r.level || '|' || r.reason || '|' || (f.called_back_at IS NULL AND f.rectified_at IS NULL)
	FROM core.rating r JOIN core.ticket t ON t.id = r.ticket_id
	JOIN core.rating_followup f ON f.rating_id = r.id
	WHERE t.number = '$g1' AND t.day = core.today()")" "5|$reason|true" \
	"the database has the rating 5 with its reason and an open follow-up"

g2=$(issue C --green)
as green1 window call --window 9 >/dev/null && as green1 window finish --window 9 >/dev/null
ok $? "window 9 calls and finishes the next green ticket from the command line ($g2)"
check "the pad shows the next finished service by itself (NOTIFY)" wait_for "$(L "$g2 号" "ticket $g2")" 20
keys F12
keys F10
check "F10 on the pad asks first" wait_for "$(L 关闭评价器？ 'Close the rating pad?')"
keys y
status=$(wait_exit)
ok $? "the pad closes with y"
is "$status" 0 "the pad exits with status 0"

# ---------------------------------------------------------------- the home visit, closed
on win
keys Escape
# (Esc and a digit at once would be Alt-digit, a function key: wait between.)
check "Esc goes back to the home screen" wait_for "$(L 功能菜单 Menu)"
keys 5 # Green channel log
check "the green channel's list has the home visit" wait_for "#$session "
# Earliest visit first: step over the open ones before it (other runs may leave some).
before=$(su_psql -c "SELECT count(*) FROM core.green_followup f, core.green_followup m
	JOIN core.green_session g ON g.id = m.session_id
	WHERE g.session_no = $session AND f.helper = 'green1' AND f.closed_at IS NULL
	  AND (f.visit_date, f.id) < (m.visit_date, m.id)")
keys Tab
for _ in $(seq "$before"); do keys Down; done
keys Enter
check "Enter on it asks what was done" wait_for "$(L "帮办记录 #$session 的上门服务" "Home visit of session #$session")"
type_text "$(L 已上门补签 'Signed at home')"
keys Enter
check "the home visit is closed" wait_for "$(L 上门服务已关闭 'Home visit closed.')"
is "$(su_psql -c "SELECT f.closed_at IS NOT NULL FROM core.green_followup f JOIN core.green_session g ON g.id = f.session_id
	WHERE g.session_no = $session")" "t" "the database has the home visit closed"
keys F10
wait_exit >/dev/null
ok $? "the window quits"

# ---------------------------------------------------------------- the case accepted for the visitor
a2=$(issue A)
start clerk
wait_for "$(L 密码 Password)" >/dev/null
login clerk1 clerk1-demo
wait_for "$(L 功能菜单 Menu)" >/dev/null
keys 1
wait_for "$(L '本窗口等候' 'waiting for this window')" >/dev/null
keys F2
check "window 1 calls $a2" wait_for "$a2 "
keys a
check "a opens a new integrated application" wait_for "$(L 一件事一次办受理 "New integrated application")"
# The application itself (tests/e2e/test_intake.sh drives its screens) is
# accepted here through the command line, by the same clerk at window 1.
father=330702198803151237
case_no=$(as clerk1 --json case new --item newborn --applicant "$father" \
	--field child_name=张小明 --field child_sex=男 --field child_birth_date=2026-11-20 \
	--field birth_place=金华市中心医院 --field birth_cert_no=Q330012345 --field child_ethnicity=汉族 \
	--field "father_idno=$father" --field mother_idno=330702199007222465 --field registered_with=随父 \
	--field household_address=浙江省金华市婺城区城北街道8号 --field card_bank=中国银行 \
	--field card_delivery=窗口领取 --field contact_phone=13800138000 \
	--material parents_id_cards=provided --material household_register=provided \
	--material marriage_certificate=provided --material birth_medical_certificate=provided \
	--material card_photo=provided | sed -n 's/.*"case_no":"\([^"]*\)".*/\1/p')
like "$case_no" '^[0-9]{6}-[0-9]{8}-[0-9]{4}$' "a case is accepted meanwhile ($case_no)"
keys Escape
check "back at the window, the case is linked to the ticket" wait_for "$(L "已关联到 $a2 号" "Linked to ticket $a2")"
is "$(su_psql -c "SELECT tc.case_no FROM core.ticket_case tc JOIN core.ticket t ON t.id = tc.ticket_id
	WHERE t.number = '$a2' AND t.day = core.today()")" "$case_no" "the database links the case to $a2"
keys F8
check "and the service is finished" wait_for "$(L "$a2 号已办结" "$a2 finished after")"
keys F10
wait_exit >/dev/null
ok $? "the clerk quits"

done_testing
