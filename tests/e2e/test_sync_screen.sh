#!/bin/bash
# Terminal end-to-end test of where a case's data went (一次录入、多端共享):
# the real counterdesk in tmux at 80x24 under LANG=zh_CN.UTF-8, against the
# cluster's own targets (scripts/cluster.sh: social_insurance, a PostgreSQL
# database, for RS and YB; civil_affairs, a spool directory, for MZ, GA, WJ).
# A newborn case is accepted through the CLI; the clerk's case screen shows
# both department systems waiting; `sync run --once` delivers; opened again,
# the case shows them delivered. The supervisor's Deliveries screen lists
# the targets and a dead event, and r brings it back.
#
# Polls capture-pane; no fixed sleeps.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=../lib/tmux.sh
. "$here/../lib/tmux.sh"

zh_setup "sync screens end to end" sync 80 24
run=$$
FATHER=330702198803151237
MOTHER=330702199007222465
PGOPTIONS="-c client_min_messages=warning" "$bin" -U postgres sync load >/dev/null 2>&1
ok $? "the cluster's targets are loaded"
case_no=$(PGPASSWORD=clerk1-demo LANG=C.UTF-8 LANGUAGE= "$bin" -U clerk1 case new --item newborn \
	--applicant "$FATHER" --idempotency-key "sync-screen-$run" \
	--field child_name=张小明 --field child_sex=男 --field child_birth_date=2026-11-20 \
	--field birth_place=金华市中心医院 --field birth_cert_no=Q330012345 --field child_ethnicity=汉族 \
	--field "father_idno=$FATHER" --field "father_name=张伟" --field "mother_idno=$MOTHER" \
	--field registered_with=随父 --field household_address=浙江省金华市婺城区城北街道8号 \
	--field card_bank=中国银行 --field card_delivery=窗口领取 --field contact_phone=13912345678 \
	--material parents_id_cards=provided --material household_register=provided \
	--material marriage_certificate=provided --material birth_medical_certificate=provided \
	--material card_photo=provided 2>&1 | sed -n 's/^Accepted: case \([^,]*\),.*/\1/p')
like "$case_no" '^[0-9]{6}-[0-9]{8}-[0-9]{4}$' "a newborn case accepted through the CLI ($case_no)"

# ---- the clerk's case screen: waiting, then delivered ----
start clerk
login_clerk
cases_key=$(screen_text | grep -oE '[1-9][^0-9]{0,3}办件( |$)' | head -n 1 | cut -c1)
keys "$cases_key"
wait_for "办件编号" >/dev/null
type_text "$case_no"
wait_for "$case_no" >/dev/null
keys Enter
check "the case opens" wait_match "跑动次数 +1"
keys End
check "its department systems are listed" wait_for "部门系统"
check "人社/医保 waits" wait_match "social_insurance \(RS, YB\) +等待投递"
check "民政/公安/卫健 waits" wait_match "civil_affairs \(MZ, GA, WJ\) +等待投递"
LANG=C.UTF-8 "$bin" -U counterdesk_sync sync run --once >/dev/null 2>&1
ok $? "the worker delivers (sync run --once)"
keys Escape
wait_for "办件编号" >/dev/null
keys Enter
keys End
check "opened again, the case shows 人社/医保 delivered, with the time" \
	wait_match "social_insurance \(RS, YB\) +已送达 [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}"
check "and 民政/公安/卫健" wait_match "civil_affairs \(MZ, GA, WJ\) +已送达"
keys Escape Escape
wait_for "王芳，您好" >/dev/null
keys F10
wait_exit >/dev/null
ok $? "the clerk quits"

# ---- the supervisor's Deliveries screen ----
dead_id=$(sql counterdesk "SELECT core.outbox_write(t, 'case', 'DEAD-$run', 'case.accepted', NULL, '{\"case_no\": \"DEAD-$run\"}')
	FROM core.sync_target t WHERE t.name = 'social_insurance'")
sql counterdesk "WITH d AS (DELETE FROM core.outbox_pending WHERE id = '$dead_id' RETURNING id)
	UPDATE core.outbox o SET status = 'dead', attempts = 10, last_error = 'value too long for type character varying(20)'
	FROM d WHERE o.id = d.id" >/dev/null
start super
wait_for "登录" >/dev/null
type_text super1
keys Tab
type_text super1-demo
keys Enter
wait_for "赵敏，您好" 15 >/dev/null
sync_key=$(screen_text | grep -oE '[1-9][^0-9]{0,3}数据投递( |$)' | head -n 1 | cut -c1)
[ -n "$sync_key" ]
ok $? "the supervisor's menu offers 数据投递 (key $sync_key)"
keys "$sync_key"
check "the Deliveries screen lists the targets" wait_match "social_insurance +[0-9]+ +[^ ]+ +[0-9]+ +0 +1 "
check "and civil_affairs" wait_match "civil_affairs +0 +- +[0-9]+ +0 +0"
check "the dead event is listed with its case and error" wait_match "已搁置 +social_insurance +DEAD-$run +10 .*value too"
keys R
check "R brings it back" wait_for "1 个事件将重新投递。"
is "$(sql counterdesk "SELECT o.status || ' ' || p.attempts FROM core.outbox o JOIN core.outbox_pending p USING (id) WHERE o.id = '$dead_id'")" \
	"pending 0" "the event is pending again, attempts from zero"
check "the list no longer shows it as dead" wait_gone "已搁置 +social_insurance +DEAD-$run"
sql counterdesk "DELETE FROM core.outbox_pending WHERE id = '$dead_id'" >/dev/null
keys F1
check "F1 lists r and R" wait_for "重新投递所选事件的目标系统"
keys Escape Escape
wait_for "赵敏，您好" >/dev/null
keys F10
status=$(wait_exit)
ok $? "F10 quits"
is "$status" 0 "exit status 0"
done_testing
