#!/bin/bash
# Terminal end-to-end test of the intake (一件事一次办): the real counterdesk in
# tmux (a real pty) under LANG=zh_CN.UTF-8, against the test database. A
# clerk accepts 新生儿出生一件事 for a person of the demo registry, with
# Chinese names typed literally as an input method sends them; a wrong
# identity number is refused at the field and blocks the submit; the case
# number appears and the database holds exactly one case for it. Then the
# draft recovery: a form with a Chinese value, saved by the autosave, the
# client killed with SIGKILL, and the value back after the next login.
#
# Each check polls capture-pane until the expected text appears; no fixed
# sleeps. Needs (exported by scripts/check.sh): COUNTERDESK_BIN,
# COUNTERDESK_CONFIG, COUNTERDESK_LOCALEDIR, PGHOST (the cluster's socket
# directory: the test reads the demo registry and checks the cases as the
# cluster superuser).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=../lib/tmux.sh
. "$here/../lib/tmux.sh"

zh_setup "intake end to end" intake 100 30

# People of the demo registry: the applicant, and the child's parents.
applicant=$(sql counterdesk_shared "select id_no from registry.population where status='alive' and birth_date < '1995-01-01' limit 1")
father=$(sql counterdesk_shared "select id_no from registry.population where status='alive' and birth_date < '1995-01-01' and sex='M' limit 1")
father_name=$(sql counterdesk_shared "select name from registry.population where id_no='$father'")
mother=$(sql counterdesk_shared "select id_no from registry.population where status='alive' and birth_date < '1995-01-01' and sex='F' and id_no <> '$applicant' limit 1")
mother_name=$(sql counterdesk_shared "select name from registry.population where id_no='$mother'")
applicant_name=$(sql counterdesk_shared "select name from registry.population where id_no='$applicant'")
[ -n "$applicant" ] && [ -n "$father" ] && [ -n "$mother" ]
ok $? "the demo registry has an applicant and both parents"
# The same number with a wrong check character.
case "$father" in
*0) bad_father="${father%?}1" ;;
*) bad_father="${father%?}0" ;;
esac
cases_before=$(sql counterdesk "select count(*) from core.case")

# ---- accepting 新生儿出生一件事 ----
start intake
login_clerk
check "logged in as clerk1, the clerk's menu offers the integrated application" wait_for "一件事一次办受理"
keys 2
check "the item list opens" wait_for "办理哪一件事"
type_text "新生儿"
check "typing filters the items (Chinese name)" wait_gone "退休一件事"
check "the filtered list still shows 新生儿出生一件事" wait_for "新生儿出生一件事"
keys Enter
check "the applicant page asks for the identity number" wait_for "公民身份号码"
type_text "$applicant"
keys Enter
check "the look-up fills in the applicant's name" wait_for "申请人：$applicant_name"
check "it says where the details came from" wait_match "申请人：.*（(共享数据|已有记录)）"
check "the identity number is shown masked" wait_for "${applicant:0:6}********${applicant:14:4}"
check "the form opens with the item's groups" wait_for "新生儿信息"

type_text "张小明"
keys Tab
check "Chinese typed through the input method is in the field" wait_match "新生儿姓名 \* +张小明"
keys Space Tab
check "a choice field takes its first choice with Space" wait_match "\(\*\) 男"
type_text "2025-10-01"
keys Tab
type_text "金华市中心医院"
keys Tab
type_text "Q330000001"
keys Tab
type_text "汉族"
keys Tab
type_text "$bad_father"
keys Tab
check "a wrong identity number gets its reason under the field" wait_for "校验码（最后一位）不符"
keys F5
check "the submit is refused while a field is invalid" wait_for "提交前还有"
check "and the cursor is back on the invalid field" wait_match "> 父亲公民身份号码"
keys C-u
type_text "$father"
keys Tab
check "the reason goes once the number is right" wait_gone "校验码（最后一位）不符"
check "the father's name is looked up from his number" wait_match "父亲姓名 \* +$father_name"
keys Tab
type_text "$mother"
keys Tab
check "the mother's name is looked up from her number" wait_match "母亲姓名 \* +$mother_name"
keys Tab Space Tab
type_text "浙江省金华市婺城区人民路1号"
keys Tab Space Tab Space Tab
check "the delivery address is not asked when the card is collected at the window" wait_gone "邮寄地址"
keys C-u
type_text "13800138000"
keys Enter
check "Enter on the last field goes to the materials" wait_for "材料清单"
check "the outcome is shown before the submit: nothing provided yet" wait_for "预计结果：不予受理"
# Provide everything but the marriage certificate (waivable: 容缺).
keys Space Down Space Down Down Space Down Space
check "with only a waivable material missing: 容缺受理 expected" wait_for "预计结果：容缺受理"
keys F5
check "the submit gives a case number" wait_match "办件编号 +330702-[0-9]{8}-[0-9]{4}"
case_no=$(screen_text | grep -oE '330702-[0-9]{8}-[0-9]{4}' | head -n 1)
check "accepted on commitment (容缺受理), with the date to bring the rest" wait_for "容缺材料补齐期限"
check "the receipt went to the receipt directory" wait_for "受理回执：已保存为"
keys F5
check "a second F5 submits nothing" wait_for "该申请已经提交"
is "$(sql counterdesk "select count(*) from core.case where case_no = '$case_no'")" 1 "the database holds case $case_no once"
is "$(sql counterdesk "select count(*) from core.case")" "$((cases_before + 1))" "exactly one case was made"
is "$(sql counterdesk "select status || ' ' || visits from core.case where case_no = '$case_no'")" \
	"accepted_on_commitment 1" "the case is accepted on commitment, first visit"
is "$(sql counterdesk "select fields ->> 'child_name' from core.case where case_no = '$case_no'")" "张小明" \
	"the Chinese name reached the database intact"
keys Enter
check "Enter returns to the home screen" wait_for "王芳，您好"

# The case list, the case, and a later visit with the missing material.
keys 4
check "the case is in the list" wait_for "$case_no"
keys Enter
check "the case shows its visits" wait_match "跑动次数 +1"
keys s
check "s asks which missing material was brought" wait_for "补交的是哪一项材料"
keys Enter
check "and asks before recording the visit" wait_for "y：登记"
keys y
check "the supplement is recorded as the second visit" wait_for "已登记：第 2 次跑动"
is "$(sql counterdesk "select status || ' ' || visits from core.case where case_no = '$case_no'")" \
	"accepted 2" "in the database: two visits, nothing outstanding any more"
keys Escape Escape
wait_for "王芳，您好" >/dev/null
keys F10
status=$(wait_exit)
ok $? "F10 quits (nothing unsaved)"
is "$status" 0 "exit status 0"

# ---- nothing typed is lost: draft recovery after SIGKILL ----
drafts_before=$(sql counterdesk "select count(*) from core.draft where owner = 'clerk1'")
start draft
login_clerk
keys 2
wait_for "办理哪一件事" >/dev/null
type_text "newborn"
check "typing filters the items (code)" wait_gone "退休一件事"
keys Enter
wait_for "公民身份号码" >/dev/null
type_text "$applicant"
keys Enter
wait_for "新生儿信息" >/dev/null
type_text "李小红"
check "a change is marked as not saved yet" wait_for "修改尚未保存"
check "the autosave keeps it a moment later" wait_for "草稿已保存"
is "$(sql counterdesk "select count(*) from core.draft where owner = 'clerk1'")" "$((drafts_before + 1))" \
	"the draft is on the server"
pane=$(tm list-panes -t "$cur" -F '#{pane_pid}' | head -n 1)
victim=$(pgrep -P "$pane" | head -n 1)
[ -n "$victim" ] && kill -9 "$victim"
status=$(wait_exit)
is "$status" 137 "the client was killed (SIGKILL)"

start draft2
login_clerk
keys 3
check "the next login's Drafts lists the form" wait_for "新生儿出生一件事"
keys Enter
check "resuming it brings the typed value back" wait_match "新生儿姓名 \* +李小红"
check "with the applicant" wait_for "申请人：$applicant_name"
keys Escape
wait_for "王芳，您好" >/dev/null
keys 3
wait_for "新生儿出生一件事" >/dev/null
keys DC
check "Delete asks before discarding a draft" wait_for "删除草稿"
keys y
check "the draft is discarded" wait_for "草稿已删除"
is "$(sql counterdesk "select count(*) from core.draft where owner = 'clerk1'")" "$drafts_before" \
	"the draft is gone from the server"
keys Escape
wait_for "王芳，您好" >/dev/null
keys F10
wait_exit >/dev/null
ok $? "quit after the drafts"

done_testing
