#!/bin/bash
# The supervisor's Reports screen in tmux, in Chinese, 80x24: opened from
# the home menu, it shows today's report as `counterdesk report daily`
# prints it (the centre's today, from the server), Space switches to the
# week (Monday to Sunday), ← moves to the week before, Space again shows
# the day a week back, Esc goes home.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=../lib/tmux.sh
. "$here/../lib/tmux.sh"

zh_setup "the Reports screen" report 80 24

today=$(sql counterdesk "select core.today()")
monday=$(date -d "$today -$(( $(date -d "$today" +%u) - 1 )) days" +%F)
sunday=$(date -d "$monday +6 days" +%F)
prev_monday=$(date -d "$monday -7 days" +%F)
prev_sunday=$(date -d "$monday -1 days" +%F)
week_ago=$(date -d "$today -7 days" +%F)
month_first=$(date -d "$week_ago" +%Y-%m-01)
month_last=$(date -d "$month_first +1 month -1 day" +%F)
prev_month_first=$(date -d "$month_first -1 month" +%F)
prev_month_last=$(date -d "$month_first -1 day" +%F)
# The CLI's own Chinese text of today's report: the screen shows the same.
accepted=$(PGPASSWORD=super1-demo LANG=zh_CN.UTF-8 LANGUAGE= COUNTERDESK_LOCALEDIR="$localedir" \
	"$bin" -U super1 report daily --date "$today" | grep -m1 '受理：')
like "$accepted" '受理：[0-9]+' "the CLI's daily report has the cases accepted ($accepted)"

start sup
wait_for "登录" >/dev/null
type_text super1
keys Tab
type_text super1-demo
keys Enter
check "super1 logs in" wait_for "赵敏，您好" 15
check "the home menu offers the reports, no longer 'later'" wait_match '2 +统计报表 +│'
keys Down Enter
check "the Reports screen opens on today's report" wait_for "中心报表 $today 至 $today"
check "with the same figures as the CLI" wait_for "$(printf '%s' "$accepted" | sed 's/^ *//')"
keys Space
check "Space: this week, Monday to Sunday" wait_for "中心报表 $monday 至 $sunday"
keys Left
check "←: the week before" wait_for "中心报表 $prev_monday 至 $prev_sunday"
keys Space
check "Space again: the month of that week's day" wait_for "中心报表 $month_first 至 $month_last"
keys Left
check "←: the month before" wait_for "中心报表 $prev_month_first 至 $prev_month_last"
keys Space
check "Space again: the first day of that month" wait_for "中心报表 $prev_month_first 至 $prev_month_first"
check "the keys are explained in Chinese" wait_for "←→：上一时段/下一时段"
keys Escape
check "Esc goes back to the home menu" wait_for "赵敏，您好"
keys F10
is "$(wait_exit 5)" 0 "F10 quits"
done_testing
