#!/bin/bash
# Faults the workbench survives with nothing lost, on a real pty (tmux):
# (a) the database goes down (pg_ctl stop -m fast) while a clerk is in the
#     middle of the intake form: the status bar says so, the form stays and
#     takes typing, the client reconnects when the server is back, a fast
#     restart (pg_ctl restart -m fast) right before the submit is survived
#     too, and the submit makes exactly one case;
# (b) a value typed while the server was down is autosaved once it is back;
#     the client is then killed with SIGKILL and the next login's draft
#     gives the value back.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=../lib/tmux.sh
. "$here/../lib/tmux.sh"

zh_setup "faults end to end" faults 100 30
cluster=${COUNTERDESK_CLUSTER:?set COUNTERDESK_CLUSTER (run through make check)}
pgbin=""
for v in 15 16 17; do
	[ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ] && { pgbin="/usr/lib/postgresql/$v/bin"; break; }
done
if [ "$(id -u)" -eq 0 ]; then as_pg() { runuser -u postgres -- "$@"; }; else as_pg() { "$@"; }; fi
pgctl() { as_pg "$pgbin/pg_ctl" -D "$cluster/pgdata" -l "$cluster/log/postgresql.log" -w -t 60 "$@" >/dev/null; }
# Whatever happens, leave the server running for the suites after this one.
trap 'pgctl status >/dev/null 2>&1 || pgctl start; zh_cleanup' EXIT

applicant=330702198803151237
father=$applicant
mother=330702199007222465
run=$$
child="断线$((run % 1000))号"

# ---- (a) the server goes away in the middle of the form ----
start faults
login_clerk
keys 2
wait_for "办理哪一件事" >/dev/null
type_text "newborn"
wait_gone "退休一件事" >/dev/null
keys Enter
wait_for "公民身份号码" >/dev/null
type_text "$applicant"
keys Enter
check "the form is open" wait_for "新生儿信息"
type_text "$child"
keys Tab
check "the child's name is typed" wait_match "新生儿姓名 \* +$child"
check "the status bar says connected" wait_for "已连接"

pgctl stop -m fast
ok $? "the database server stops (pg_ctl stop -m fast)"
check "the status bar shows the loss" wait_for "数据库连接中断" 10
check "the form is still there" wait_match "新生儿姓名 \* +$child"
keys Space Tab
type_text "2025-10-01"
keys Tab
check "the form takes typing while the server is down" wait_match "出生日期 \* +2025-10-01"

pgctl start
ok $? "the server starts again"
check "the client reconnects by itself" wait_for "已连接" 15
check "the form is intact after the reconnect" wait_match "新生儿姓名 \* +$child"
check "with what was typed during the outage" wait_match "出生日期 \* +2025-10-01"

type_text "金华市中心医院"
keys Tab
type_text "Q330000002"
keys Tab
type_text "汉族"
keys Tab
type_text "$father"
keys Tab Tab
type_text "$mother"
keys Tab
check "the look-ups work again after the reconnect" wait_match "母亲姓名 \* +[^ ]+"
keys Tab Space Tab
type_text "浙江省金华市婺城区人民路1号"
keys Tab Space Tab Space Tab
keys C-u
type_text "13800138000"
keys Enter
check "the materials page" wait_for "材料清单"
keys Space Down Space Down Space Down Space Down Space
check "everything provided: accepted expected" wait_for "预计结果：受理"

before=$(sql counterdesk "select count(*) from core.case where fields ->> 'child_name' = '$child'")
is "$before" 0 "no case yet for $child"
pgctl restart -m fast
ok $? "the server restarts (pg_ctl restart -m fast) just before the submit"
keys F5
check "the submit goes through" wait_match "办件编号 +330702-[0-9]{8}-[0-9]{4}" 20
keys F5
sleep 0.5
is "$(sql counterdesk "select count(*) from core.case where fields ->> 'child_name' = '$child'")" 1 \
	"exactly one case for $child"
keys Enter
wait_for "王芳，您好" >/dev/null
keys F10
wait_exit >/dev/null
ok $? "quit after the submit"

# ---- (b) SIGKILL after an outage: the draft comes back ----
start killed
login_clerk
keys 2
wait_for "办理哪一件事" >/dev/null
type_text "newborn"
wait_gone "退休一件事" >/dev/null
keys Enter
wait_for "公民身份号码" >/dev/null
type_text "$applicant"
keys Enter
wait_for "新生儿信息" >/dev/null
pgctl stop -m fast
check "the loss is shown" wait_for "数据库连接中断" 10
kept="离线$((run % 1000))"
type_text "$kept"
check "a value typed while the server is down is marked unsaved" wait_for "修改尚未保存"
pgctl start
check "reconnected" wait_for "已连接" 15
check "the autosave keeps it once the server is back" wait_for "草稿已保存" 15
pane=$(tm list-panes -t "$cur" -F '#{pane_pid}' | head -n 1)
victim=$(pgrep -P "$pane" | head -n 1)
[ -n "$victim" ] && kill -9 "$victim"
is "$(wait_exit)" 137 "the client is killed (SIGKILL)"

start again
login_clerk
keys 3
check "the next login lists the draft" wait_for "新生儿出生一件事"
keys Enter
check "resuming it gives back the value typed during the outage" wait_match "新生儿姓名 \* +$kept"
keys Escape
wait_for "王芳，您好" >/dev/null
keys 3
wait_for "新生儿出生一件事" >/dev/null
keys DC
wait_for "删除草稿" >/dev/null
keys y
check "the draft is discarded" wait_for "草稿已删除"
keys Escape
wait_for "王芳，您好" >/dev/null
keys F10
wait_exit >/dev/null
ok $? "quit"

done_testing
