#!/bin/bash
# Terminal end-to-end test of the verification screen (数据比对核验): the real
# counterdesk in tmux at 80x24 under LANG=zh_CN.UTF-8. A newborn case is
# accepted through the CLI (the parents of tests/cli/test_verify.sh, so the
# identity and marriage checks match; no birth medical certificate in the
# registry, so that one is not found); the clerk opens it under Cases,
# presses v and sees matched (免提交) and not-found outcomes, then records
# the not-found original as checked by hand with a reason (h), sees it
# marked, and the database holds the resolution.
#
# Polls capture-pane; no fixed sleeps. Needs (exported by scripts/check.sh):
# COUNTERDESK_BIN, COUNTERDESK_CONFIG, COUNTERDESK_LOCALEDIR, PGHOST.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=../lib/tmux.sh
. "$here/../lib/tmux.sh"

zh_setup "verification screen end to end" verify 80 24

# ---- a newborn case through the CLI ----
FATHER=330702198803151237
MOTHER=330702199007222465
run=$$
sql counterdesk_shared "INSERT INTO registry.population (id_no, name, sex, birth_date, address, status) VALUES
	('$FATHER', '张伟', 'M', '1988-03-15', '浙江省金华市婺城区', 'alive'),
	('$MOTHER', '李娜', 'F', '1990-07-22', '浙江省金华市婺城区', 'alive') ON CONFLICT (id_no) DO NOTHING" >/dev/null
is "$(sql counterdesk_shared "select count(*) from registry.elicence where holder_id = '$MOTHER' and licence_type = '出生医学证明'")" 0 \
	"the registry has no birth medical certificate for the mother (it will not be found)"
case_no=$(PGPASSWORD=clerk1-demo LANG=C.UTF-8 LANGUAGE= "$bin" -U clerk1 case new --item newborn \
	--applicant "$FATHER" --idempotency-key "verify-screen-$run" \
	--field child_name=张小明 --field child_sex=男 --field child_birth_date=2026-11-20 \
	--field birth_place=金华市中心医院 --field birth_cert_no=Q330012345 --field child_ethnicity=汉族 \
	--field "father_idno=$FATHER" --field "father_name=张伟" --field "mother_idno=$MOTHER" \
	--field registered_with=随父 --field household_address=浙江省金华市婺城区城北街道8号 \
	--field card_bank=中国银行 --field card_delivery=窗口领取 --field contact_phone=13912345678 \
	--material parents_id_cards=provided --material household_register=provided \
	--material marriage_certificate=provided --material birth_medical_certificate=provided \
	--material card_photo=provided 2>&1 | sed -n 's/^Accepted: case \([^,]*\),.*/\1/p')
like "$case_no" '^[0-9]{6}-[0-9]{8}-[0-9]{4}$' "a newborn case accepted through the CLI ($case_no)"

# ---- the case screen at 80x24 ----
start verify
login_clerk
cases_key=$(screen_text | grep -oE '[1-9][^0-9]{0,3}办件( |$)' | head -n 1 | cut -c1)
[ -n "$cases_key" ]
ok $? "the home menu offers Cases (办件, key $cases_key)"
keys "$cases_key"
check "the case list opens" wait_for "办件编号"
type_text "$case_no"
check "typing the number finds the case" wait_for "$case_no"
keys Enter
check "the case opens" wait_match "跑动次数 +1"
keys v
check "v verifies: the parents' identity cards match, no paper copy" wait_match "父母双方居民身份证 +已核验·免提交"
check "the marriage certificate matches too" wait_match "结婚证 +已核验·免提交"
check "the birth medical certificate is not found" wait_match "出生医学证明 +未查到"
check "the message line sums it up and points at h" wait_for "按 h 登记原件人工核验"
is "$(sql counterdesk "select count(*) from core.verification v join core.case c on c.id = v.case_id where c.case_no = '$case_no'")" 3 \
	"the database holds one verification per verifiable material"
case "$(screen_text)" in *"$FATHER"*|*"$MOTHER"*) ok 1 "no clear identity number on the screen" ;;
	*) ok 0 "no clear identity number on the screen" ;; esac

keys h
check "h asks for the reason (only one can be checked by hand)" wait_for "出生医学证明：原件已人工核验"
keys Enter
check "an empty reason is refused" wait_for "必须填写理由"
type_text "出生医学证明原件已当场核对 hv"
check "the reason takes text, v and h included" wait_for "当场核对 hv"
keys Enter
check "it is recorded" wait_for "已登记：“出生医学证明”原件已人工核验"
check "and marked in the case" wait_match "出生医学证明 +未查到 · 原件人工核验"
check "with its reason" wait_for "理由：出生医学证明原件已当场核对 hv"
check "the screen is whole again after the box closed" wait_match "已提交 +结婚证"
is "$(sql counterdesk "select v.outcome || ' ' || v.resolution || ' ' || v.resolved_by || ' ' || v.resolution_reason
	from core.verification v join core.case c on c.id = v.case_id
	where c.case_no = '$case_no' and v.material = 'birth_medical_certificate' and v.resolution is not null")" \
	"not_found checked_by_hand clerk1 出生医学证明原件已当场核对 hv" "the database holds the resolution, by clerk1, with the reason"
keys h
check "nothing is left to check by hand" wait_for "没有需要人工核验的材料"
keys F1
check "F1 lists v and h on the case screen" wait_match "人工核验"
keys Escape
keys Escape Escape
wait_for "王芳，您好" >/dev/null
keys F10
status=$(wait_exit)
ok $? "F10 quits"
is "$status" 0 "exit status 0"

# ---- opened again in a new session, the case shows what was recorded ----
start verify2
login_clerk
keys "$cases_key"
check "the case list opens again" wait_for "办件编号"
type_text "$case_no"
wait_for "$case_no" >/dev/null
keys Enter
check "the case opens again" wait_match "跑动次数 +1"
keys End # the verification is the last section
check "without pressing v, the recorded matches show" wait_match "结婚证 +已核验·免提交"
check "and the hand check with its reason" wait_for "理由：出生医学证明原件已当场核对 hv"
keys Escape Escape
wait_for "王芳，您好" >/dev/null
keys F10
wait_exit >/dev/null
ok $? "F10 quits the second session"

done_testing
