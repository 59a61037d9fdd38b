#!/bin/bash
# Terminal end-to-end test of the reviewer's screens (后台审批): the real
# counterdesk in tmux under LANG=zh_CN.UTF-8, at 80x24 and at 120x30.
#
# A newborn case is accepted through the CLI; its first step starts in 卫健
# (WJ). Other tests leave WJ tasks behind that are due sooner, so "take
# next" would rightly claim one of those: a supervisor therefore reassigns
# this case's first step to a department made for this run, whose queue
# holds only it. That department's reviewer logs in, sees the task in the
# queue with its light (made yellow), follows a claim and a release made
# elsewhere without a key (NOTIFY), takes next, is refused an empty rejection (at the
# field), approves with a reason, sees the task leave the queue, and finds
# the approval in the case's timeline; the database holds the decision.
# The clerk's case shows the steps and the timeline; a supervisor finds the
# next step in the overdue list and reassigns it to another department.
#
# Polls capture-pane; no fixed sleeps. Needs (exported by scripts/check.sh):
# COUNTERDESK_BIN, COUNTERDESK_CONFIG, COUNTERDESK_LOCALEDIR, PGHOST.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=../lib/tmux.sh
. "$here/../lib/tmux.sh"

zh_setup "reviewer's screens end to end" review 80 24

as() { # LOGIN ARGS...: the CLI as a demo account (password LOGIN-demo), in English
	local login=$1
	shift
	PGPASSWORD="$login-demo" LANG=C.UTF-8 LANGUAGE= "$bin" -U "$login" "$@"
}

# ---- a department and a reviewer of its own for this run ----
run=$$
dept="E$((run % 10000))"
reviewer="e2erev$run"
printf '%s\n' "$reviewer-demo" >"$tmpd/pw"
as admin1 dept add "$dept" 端到端测试科 >/dev/null 2>&1
is "$(sql counterdesk "select name from core.department where code = '$dept'")" 端到端测试科 "department $dept made"
as admin1 staff add "$reviewer" --name 周审核 --role reviewer --dept "$dept" --password-file "$tmpd/pw" >/dev/null 2>&1
is "$(sql counterdesk "select role || ' ' || dept_code from core.staff where login = '$reviewer'")" "reviewer $dept" \
	"reviewer $reviewer of $dept made"

# ---- a newborn case through the CLI ----
FATHER=330702198803151237
MOTHER=330702199007222465
sql counterdesk_shared "INSERT INTO registry.population (id_no, name, sex, birth_date, address, status) VALUES
	('$FATHER', '张伟', 'M', '1988-03-15', '浙江省金华市婺城区', 'alive'),
	('$MOTHER', '李娜', 'F', '1990-07-22', '浙江省金华市婺城区', 'alive') ON CONFLICT (id_no) DO NOTHING" >/dev/null
case_no=$(as clerk1 case new --item newborn --applicant "$FATHER" --idempotency-key "review-screen-$run" \
	--field child_name=张小明 --field child_sex=男 --field child_birth_date=2026-11-20 \
	--field birth_place=金华市中心医院 --field birth_cert_no=Q330012345 --field child_ethnicity=汉族 \
	--field "father_idno=$FATHER" --field "father_name=张伟" --field "mother_idno=$MOTHER" \
	--field registered_with=随父 --field household_address=浙江省金华市婺城区城北街道8号 \
	--field card_bank=中国银行 --field card_delivery=窗口领取 --field contact_phone=13912345678 \
	--material parents_id_cards=provided --material household_register=provided \
	--material marriage_certificate=provided --material birth_medical_certificate=provided \
	--material card_photo=provided 2>&1 | sed -n 's/^Accepted: case \([^,]*\),.*/\1/p')
like "$case_no" '^[0-9]{6}-[0-9]{8}-[0-9]{4}$' "a newborn case accepted through the CLI ($case_no)"
task=$(sql counterdesk "select id from core.task where case_no = '$case_no' and step = 1")
like "$task" '^[0-9]+$' "its first step is task $task"
is "$(sql counterdesk "select dept_code || ' ' || status from core.task where id = ${task:-0}")" "WJ open" \
	"the first step started in WJ, unclaimed"
as super1 task reassign "$task" --to "$dept" --reason "端到端测试" >/dev/null 2>&1
is "$(sql counterdesk "select dept_code || ' ' || status from core.task where id = ${task:-0}")" "$dept open" \
	"a supervisor moved it to $dept"

# 80% of its working time used: the light is a comparison with now(), so
# moving the yellow mark into the past is all it takes to see a yellow light.
sql counterdesk "update core.task set yellow_at = now() - interval '1 minute' where id = ${task:-0}" >/dev/null

login_reviewer() {
	wait_for "登录" >/dev/null
	type_text "$reviewer"
	keys Tab
	type_text "$reviewer-demo"
	keys Enter
	wait_for "周审核，您好" 15 >/dev/null
}

# ---- the queue at 80x24 ----
start review
login_reviewer
check "the reviewer's home offers the task queue" wait_match "1 +待办任务"
keys 1
check "the queue opens with its column heads" wait_match "灯 +办结时限 +办件编号"
check "the task is in the queue, yellow (with the text mark) and unclaimed" \
	wait_match "^ *! 黄灯 +[0-9-]+ [0-9:]+ $case_no .*待签收"
check "the header counts one unclaimed task and one yellow" wait_match "黄灯 1 .*待签收 1"
as "$reviewer" task claim "$task" >/dev/null 2>&1
check "a claim made elsewhere shows without a key (NOTIFY)" wait_match "$case_no .*办理中"
as "$reviewer" task release "$task" >/dev/null 2>&1
check "and so does its release" wait_match "$case_no .*待签收"
check "the hints name take next" wait_for "w 领取下一件"

keys F1
check "F1 lists the queue's keys" wait_for "签收本部门最紧急的待签收任务并打开"
check "and the filters" wait_for "只显示超期（红灯）任务"
keys Escape
wait_gone "签收本部门最紧急的待签收任务并打开" >/dev/null

keys O
check "O shows overdue tasks only: none" wait_for "没有符合筛选条件的任务"
check "the filter is named in the header" wait_for "仅超期"
keys O
check "O again shows all" wait_match "$case_no"

keys I
check "I lists the service items to choose from" wait_match "newborn 新生儿出生一件事"
type_text newborn
keys Enter
check "choosing one filters the queue by it" wait_for "事项 newborn"
check "the task is of that item" wait_match "$case_no"
keys I
wait_match "newborn 新生儿出生一件事" >/dev/null
keys Home Enter
check "All items lifts the filter" wait_gone "事项 newborn"

tm resize-window -t "$cur" -x 120 -y 30
check "wider, the queue adds the service item and the holder" wait_match "办理事项 +环节 +申请人 +状态 +经办人"
check "and still shows the task" wait_match "! 黄灯 .*$case_no .*新生儿出生一件事"
tm resize-window -t "$cur" -x 80 -y 24
check "back at 80x24 the narrow columns return" wait_match "办件编号 +环节 +申请人 +状态 *$"

# ---- take next, refusals at the field, approve ----
keys w
check "w takes the task and opens it" wait_match "第 1 步：出生医学证明"
check "the message line says it was taken" wait_for "已领取：$case_no"
check "the head shows it in review by the reviewer" wait_match "办理中 周审核"
check "the applicant is masked" wait_for "330702********1237"
case "$(screen_text)" in *"$FATHER"*) ok 1 "no clear identity number on the screen" ;;
	*) ok 0 "no clear identity number on the screen" ;; esac
is "$(sql counterdesk "select status || ' ' || claimed_by from core.task where id = ${task:-0}")" "claimed $reviewer" \
	"the database holds the claim"
keys End
check "the steps are listed with their lights" wait_match "! 黄灯 +1 +$dept +办理中"
check "the timeline shows the reassignment" wait_for "端到端测试"

keys r
check "r asks for the reason" wait_for "不予办理"
keys Enter
check "an empty reason is refused at the field" wait_for "必须填写理由，不能为空"
is "$(sql counterdesk "select status from core.task where id = ${task:-0}")" claimed "nothing was decided"
type_text "先不驳回 r o"
check "the reason takes text, r and o included" wait_for "先不驳回 r o"
keys Escape
check "Esc cancels and says nothing was sent" wait_for "已取消：未提交任何内容"

keys o
check "o asks for the reason of the approval" wait_for "理由（可不填）"
type_text "出生医学证明信息核验无误"
keys Enter
check "the approval is reported" wait_for "已同意：$case_no"
check "back in the queue, the task has left it" wait_for "暂无待办任务：队列为空"
is "$(sql counterdesk "select status || ' ' || decided_by || ' ' || reason from core.task where id = ${task:-0}")" \
	"approved $reviewer 出生医学证明信息核验无误" "the database holds the approval with its reason"
is "$(sql counterdesk "select count(*) from core.case_event where task_id = ${task:-0} and kind = 'approved'")" 1 \
	"one approved event in the timeline"
keys Escape
wait_for "周审核，您好" >/dev/null
keys F10
status=$(wait_exit)
ok $? "F10 quits"
is "$status" 0 "exit status 0"

# ---- the clerk's case shows the timeline, at 120x30 ----
zh_width=120 zh_height=30
start clerk
login_clerk
cases_key=$(screen_text | grep -oE '[1-9][^0-9]{0,3}办件( |$)' | head -n 1 | cut -c1)
keys "$cases_key"
check "the case list opens" wait_for "办件编号"
type_text "$case_no"
wait_for "$case_no" >/dev/null
keys Enter
check "the case opens" wait_match "跑动次数 +1"
check "its steps show the approved first one" wait_match "办结 +1 +$dept +已同意"
check "the next step started in 公安" wait_match "绿灯 +2 +GA +待签收"
check "the timeline shows the approval with its reason" wait_match "周审核 .*出生医学证明信息核验无误"
keys Escape Escape
wait_for "王芳，您好" >/dev/null
keys F10
wait_exit >/dev/null
ok $? "F10 quits the clerk's session"

# ---- a supervisor reassigns the overdue next step, at 80x24 ----
zh_width=80 zh_height=24
task2=$(sql counterdesk "select id from core.task where case_no = '$case_no' and step = 2")
# Long past its deadline: first in the overdue list, whatever else is late.
sql counterdesk "update core.task set yellow_at = timestamptz '2000-01-01', due_at = timestamptz '2000-01-02'
	where id = ${task2:-0}" >/dev/null
start super
wait_for "登录" >/dev/null
type_text super1
keys Tab
type_text super1-demo
keys Enter
wait_for "赵敏，您好" 15 >/dev/null
over_key=$(screen_text | grep -oE '[1-9] +超期任务' | head -n 1 | cut -c1)
[ -n "$over_key" ]
ok $? "the supervisor's home offers the overdue tasks (key $over_key)"
keys "$over_key"
check "the overdue list shows the step, red, first" wait_match "^ *!!红灯 +[0-9-]+ [0-9:]+ $case_no +GA "
keys Enter
check "Enter opens it with the supervisor's keys" wait_for "u 改派给审核人员或部门"
keys u
check "u lists departments and reviewers" wait_match "$dept 端到端测试科"
type_text "$dept 端到端"
keys Enter
check "then asks for the reason" wait_for "转至 $dept 端到端测试科"
type_text "公安积压，临时改派"
keys Enter
check "the reassignment is reported" wait_for "已改派给 $dept 端到端测试科"
is "$(sql counterdesk "select dept_code || ' ' || status from core.task where id = ${task2:-0}")" "$dept open" \
	"the database moved the step to $dept, unclaimed"
keys Escape
wait_for "赵敏，您好" >/dev/null
keys F10
wait_exit >/dev/null
ok $? "F10 quits the supervisor's session"

done_testing
