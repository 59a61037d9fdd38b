#!/bin/bash
# Revealing a full personal value on the case screen (key x), in Chinese on
# a real pty: the screen shows masked values only; x lists the case's
# personal values, masked; the chosen one is shown in full in the status
# line only after a purpose is given, and the audit log holds who, which
# case and field, when and why. Without a purpose nothing is revealed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=../lib/tmux.sh
. "$here/../lib/tmux.sh"

zh_setup "reveal on the case screen" reveal 100 30

FATHER=330702198803151237
MOTHER=330702199007222465
case_no=$(PGPASSWORD=clerk1-demo "$bin" --config "$config" -U clerk1 case new --item newborn --applicant "$FATHER" \
	--idempotency-key "reveal-screen-$$" \
	--field child_name=张小明 --field child_sex=男 --field child_birth_date=2026-11-20 \
	--field birth_place=金华市中心医院 --field birth_cert_no=Q330012345 --field child_ethnicity=汉族 \
	--field "father_idno=$FATHER" --field father_name=张伟 --field "mother_idno=$MOTHER" \
	--field registered_with=随父 --field household_address=浙江省金华市婺城区城北街道8号 \
	--field card_bank=中国银行 --field card_delivery=窗口领取 --field contact_phone=13912345678 \
	--material parents_id_cards=provided --material household_register=provided \
	--material marriage_certificate=provided --material birth_medical_certificate=provided \
	--material card_photo=provided 2>&1 | sed -n 's/^Accepted: case \([^,]*\),.*/\1/p')
[ -n "$case_no" ]; ok $? "a case to look at ($case_no)"
reveals() { sql counterdesk "select count(*) from core.audit where action = 'reveal' and object = 'case:$case_no'"; }

start reveal
login_clerk
keys 4
check "the case list shows the case" wait_for "$case_no"
keys Enter
check "the case opens" wait_for "$case_no · 新生儿出生一件事"
check "the applicant's number is masked on the screen" wait_for "${FATHER:0:6}********${FATHER:14:4}"
screen_text | grep -qF "$FATHER"; is $? 1 "the full number is nowhere on the screen"
keys x
check "x asks which value to see in full" wait_for "查看哪一项完整信息？"
check "the list names the values, masked" wait_for "申请人公民身份号码"
keys Enter
check "then asks for the purpose" wait_for "为什么需要查看完整信息？"
keys Enter
check "without a purpose nothing is revealed" wait_for "须说明用途"
is "$(reveals)" 0 "and nothing is audited"
type_text "电话回访核实身份"
keys Enter
check "with a purpose the full number is shown in the status line" wait_for "申请人公民身份号码：$FATHER"
check "saying it was recorded" wait_for "已连同用途记入审计日志"
is "$(reveals)" 1 "one reveal, one audit row"
is "$(sql counterdesk "select actor || ' ' || (detail ->> 'field') || ' ' || (detail ->> 'purpose') from core.audit
	where action = 'reveal' and object = 'case:$case_no'")" "clerk1 applicant 电话回访核实身份" \
	"the audit row: who, which field, why (and when, the row's time)"
keys x
wait_for "查看哪一项完整信息？" >/dev/null
keys Escape
check "Esc closes the list" wait_gone "查看哪一项完整信息？"
is "$(reveals)" 1 "nothing more was revealed"
keys Escape Escape
wait_for "王芳，您好" >/dev/null
keys F10
wait_exit >/dev/null
ok $? "quit"

done_testing
