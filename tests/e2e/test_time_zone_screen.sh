#!/bin/bash
# A terminal set to New York shows the centre's time (sql/053_time_zone.sql,
# src/timezone.c): on the login screen ([centre] time_zone, by default
# Asia/Shanghai) and after logging in (the zone the database reports), the
# status bar's clock reads what a clock in the centre reads, not New
# York's.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=../lib/tmux.sh
. "$here/../lib/tmux.sh"

zh_setup "the centre's time on a terminal elsewhere" tz 80 24

centre=$(sql counterdesk "select core.setting_text('time_zone', 'Asia/Shanghai')")
is "$centre" "Asia/Shanghai" "the centre keeps Beijing time"
START_TZ=America/New_York start ny
wait_for "登录" >/dev/null
before=$(TZ=$centre date +%H:%M)
after=$(TZ=$centre date -d '+1 minute' +%H:%M)
check "the login screen's clock shows the centre's time ($before)" wait_match "(^|[^0-9])($before|$after) *\$" 5
login_clerk
before=$(TZ=$centre date +%H:%M)
ny=$(TZ=America/New_York date +%H:%M)
keys Down
keys Up
# The clock is redrawn with the screen; either side of a minute's turn.
after=$(TZ=$centre date +%H:%M)
check "the status bar shows the centre's time ($before), not New York's ($ny)" \
	wait_match "(^|[^0-9])($before|$after) *│? *\$" 5
line=$(screen_text | grep -E "(^|[^0-9])$ny *│? *\$" | head -1)
is "$line" "" "New York's time is nowhere at the end of a line"
keys F10
is "$(wait_exit 5)" 0 "F10 quits"
done_testing
