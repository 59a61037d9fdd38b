#!/bin/bash
# Terminal end-to-end tests: the real counterdesk binary in tmux (a real pty)
# against the real test database. Each check polls capture-pane until the
# expected text appears; there are no fixed sleeps.
#
# Needs (exported by scripts/check.sh): COUNTERDESK_BIN, COUNTERDESK_CONFIG,
# COUNTERDESK_LOCALEDIR; optional PGHOST (the cluster's socket directory, for
# the connection-loss case, which terminates the clerk's backend as the
# cluster superuser).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/tap.sh
. "$here/../lib/tap.sh"
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

sock="cdtest$$"
tmpd=$(mktemp -d /tmp/counterdesk-e2e.XXXXXX)
cleanup() {
	tm kill-server >/dev/null 2>&1
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"
	rm -rf "$tmpd"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A session that keeps the server up; panes stay after their program exits.
tm new-session -d -s keep -x 100 -y 30 "sleep 3600" \; set-option -g remain-on-exit on


# start NAME LANG [VAR=VALUE ...]: runs counterdesk in a new 100x30 session;
# its exit status goes to $tmpd/NAME.status when it ends.
start() {
	local name=$1 lang=$2 cmd
	shift 2
	cmd=$(printf '%q ' env -u LC_ALL -u LANGUAGE -u LC_MESSAGES TERM=tmux-256color LANG="$lang" \
		COUNTERDESK_CONFIG="$config" COUNTERDESK_LOCALEDIR="$localedir" PGUSER= "$@" "$bin")
	tm new-session -d -s "$name" -x 100 -y 30 \
		"$cmd; echo \$? >$(printf '%q' "$tmpd/$name.status")"
	cur=$name
}

last_line() { screen_text | sed -e '/^ *$/d' | tail -n 1; }
# Types text literally (no key names).
type_text() { tm send-keys -t "$cur" -l -- "$1"; }




show_on_failure() { # the screen, as TAP comments, when the last check failed
	[ "$1" -eq 0 ] || screen_text | sed 's/^/#   | /'
}


login() { # LOGIN PASSWORD: types both on the login screen
	type_text "$1"
	keys Tab
	type_text "$2"
	keys Enter
}

# ---- English: log in, help, resize, quit ----
start en C.UTF-8
check "login screen appears" wait_for "Password"
check "login screen shows the window number field" wait_for "Window no."

login clerk1 wrong-password
check "a wrong password is reported in words" wait_for "Wrong login or password"
check "the failure count is shown" wait_for "1 failed attempt in a row"
check "still on the login screen, login kept" bash -c "tmux -u -L $sock capture-pane -p -t $cur | grep -q 'Login *clerk1'"

# After a failure the cursor is back in the (emptied) password field.
type_text "clerk1-demo"
keys Enter
check "right password opens the home screen" wait_for "Welcome, 王芳"
check "status bar shows staff name and role" bash -c "tmux -u -L $sock capture-pane -p -t $cur | grep -v '^ *$' | tail -n 1 | grep -q '王芳 · Window clerk'"
like "$(last_line)" "金华市.*Window 1 .*Connected [0-9][0-9]:[0-9][0-9]" "status bar shows centre, window, connection and clock"
check "the clerk's menu is there" wait_for "Call next ticket"

keys Enter # "Call next ticket": the clerk's window (tests/e2e/test_hall.sh goes further)
check "the first entry opens the clerk's window" wait_for "waiting for this window"
keys Escape
check "Esc goes back to the home screen" wait_for "Welcome, 王芳"

keys F1
check "F1 shows the keys of the screen" wait_for "Keys of this screen"
check "help lists the keys that work everywhere" wait_for "Keys that work everywhere"
keys Escape
check "Esc closes the help" wait_gone "Keys of this screen"
check "home screen is back after help" wait_for "Welcome, 王芳"

# CJK alignment: every line of the menu box is as wide as its frame.
widths=$(screen_text | grep -E '^ +[│┌└]' | LC_ALL=C.UTF-8 awk '{ print }' |
	while IFS= read -r l; do printf '%s\n' "$l" | LC_ALL=C.UTF-8 wc -L; done | sort -u | wc -l)
is "$widths" 1 "the menu box lines up (display width, not bytes)"

tm resize-window -t "$cur" -x 80 -y 24
check "at 80x24 the status bar is still there" bash -c "
	for i in \$(seq 100); do
		tmux -u -L $sock capture-pane -p -t $cur | grep -v '^ *\$' | tail -n 1 | grep -q 'Window clerk.*Connected' && exit 0
		sleep 0.05
	done; exit 1"
check "at 80x24 the home screen is drawn" wait_for "Call next ticket"

tm resize-window -t "$cur" -x 60 -y 20
check "at 60x20 the terminal is too small, and says so" wait_for "Terminal too small: need 80x24, have 60x20"

tm resize-window -t "$cur" -x 100 -y 30
check "back at 100x30 the home screen returns" wait_for "Welcome, 王芳"
check "the screen's state survived the resize" wait_gone "Terminal too small"

keys F10
status=$(wait_exit)
ok $? "F10 quits"
is "$status" 0 "exit status 0 after F10"

# ---- Chinese ----
if locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
	start zh zh_CN.UTF-8
	check "Chinese UI: login screen says 登录" wait_for "登录"
	check "Chinese UI: window number field (窗口)" wait_for "窗口"
	login green1 green1-demo
	check "Chinese UI: home screen after login" wait_for "张伟"
	check "Chinese UI: role label in the status bar" bash -c "tmux -u -L $sock capture-pane -p -t $cur | grep -v '^ *\$' | tail -n 1 | grep -q '张伟 · '"
	check "Chinese UI: the helper's menu has the green channel" wait_for "绿色通道"
	widths=$(screen_text | grep -E '^ +[│┌└]' |
		while IFS= read -r l; do printf '%s\n' "$l" | LC_ALL=C.UTF-8 wc -L; done | sort -u | wc -l)
	is "$widths" 1 "Chinese UI: the menu box lines up"
	keys F10
	wait_exit >/dev/null
	ok $? "Chinese UI: F10 quits"
else
	ok 0 "Chinese UI # SKIP zh_CN.UTF-8 locale not generated (scripts/deps.sh does it as root)"
fi

# ---- five failures in a row make the login screen wait ----
start throttle C.UTF-8
wait_for "Password" >/dev/null
type_text "clerk2"
keys Tab
for i in 1 2 3 4 5; do
	type_text "bad-$i"
	keys Enter
	wait_for "$i failed attempt" 10 >/dev/null || wait_for "Too many failed attempts" 10 >/dev/null
done
check "after five wrong passwords the screen waits" wait_for "Too many failed attempts"
type_text "clerk2-demo"
keys Enter
check "keys are ignored while it waits, and it says why" wait_for "Please wait"
check "still not logged in" wait_for "Not logged in"
keys F10
wait_exit >/dev/null
ok $? "F10 still quits while waiting"

# ---- idle lock ----
start lock C.UTF-8 COUNTERDESK_IDLE_SECONDS=2
wait_for "Password" >/dev/null
login clerk1 clerk1-demo
wait_for "Welcome, 王芳" >/dev/null
keys Down Down # the menu selection must survive the lock
check "an idle screen locks itself" wait_for "This workstation is locked" 15
check "the lock screen shows who is logged in" wait_for "In use by 王芳 (clerk1)"
type_text "not-my-password"
keys Enter
check "a wrong password does not unlock" wait_for "Wrong password."
type_text "clerk1-demo"
keys Enter
check "the right password unlocks" wait_for "Unlocked."
check "the screen underneath is intact" bash -c "tmux -u -L $sock capture-pane -p -t $cur | grep -q 'Applications saved on the way'"
keys F10
wait_exit >/dev/null
ok $? "quit after unlocking"

# ---- losing the database connection ----
if [ -n "${PGHOST:-}" ] && psql -X -q -At -h "$PGHOST" -U postgres -d postgres -c 'select 1' >/dev/null 2>&1; then
	start conn C.UTF-8
	wait_for "Password" >/dev/null
	login clerk2 clerk2-demo
	wait_for "Welcome," >/dev/null
	keys Down
	psql -X -q -At -h "$PGHOST" -U postgres -d postgres \
		-c "select pg_terminate_backend(pid) from pg_stat_activity where usename = 'clerk2'" >/dev/null
	check "a lost connection is noticed and re-established" wait_for "Connected to the database again."
	check "the screen the clerk was on is still there" wait_for "One form, one window"
	keys F10
	wait_exit >/dev/null
	ok $? "quit after reconnecting"
else
	ok 0 "connection loss # SKIP no superuser access to the test cluster (PGHOST)"
fi

# ---- terminal types and NO_COLOR ----
for term in xterm-256color screen tmux-256color linux vt100; do
	if ! infocmp "$term" >/dev/null 2>&1; then
		ok 0 "TERM=$term # SKIP no terminfo entry"
		continue
	fi
	start "t-$term" C.UTF-8 TERM="$term"
	wait_for "Password" >/dev/null
	keys F1
	wait_for "Keys of this screen" >/dev/null
	r1=$?
	keys Escape
	wait_gone "Keys of this screen" >/dev/null
	r2=$?
	keys F10
	wait_exit >/dev/null
	r3=$?
	[ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ $r3 -eq 0 ]
	check "TERM=$term: login screen, F1, Esc and F10 work" [ $? -eq 0 ]
done

start nocolor C.UTF-8 NO_COLOR=1
wait_for "Password" >/dev/null
colours=$(tm capture-pane -p -e -t "$cur" | grep -cE $'\e\\[[0-9;]*(3[0-7]|4[0-7]|38;|48;)[0-9;]*m')
is "$colours" 0 "NO_COLOR: no colours are drawn"
keys F10
wait_exit >/dev/null

start colour C.UTF-8
wait_for "Password" >/dev/null
colours=$(tm capture-pane -p -e -t "$cur" | grep -cE $'\e\\[[0-9;]*(3[0-7]|4[0-7]|38;|48;)[0-9;]*m')
[ "$colours" -gt 0 ]
ok $? "without NO_COLOR the title and status bars are in colour"
keys F10
wait_exit >/dev/null

done_testing
