#!/bin/sh
# A few cases in the demo so that every role has work on its first login:
# newborn applications accepted at window 1, one already through its first
# step, one returned for correction (补正), the rest waiting in 卫健's queue.
# Run by cluster.sh for the demo only (not for test clusters), once: the
# idempotency keys make a second run change nothing.
#   demo_cases.sh BIN CONFIG
set -eu
bin=$1
ini=$2
as() { # as LOGIN args...   (demo password <login>-demo)
	login=$1
	shift
	PGPASSWORD="$login-demo" "$bin" --config "$ini" -U "$login" "$@"
}
FATHER=330702198803151237
MOTHER=330702199007222465
newborn() { # newborn KEY CHILD_NAME SEX: prints the case number
	as clerk1 --json case new --item newborn --applicant "$FATHER" --idempotency-key "demo-$1" \
		--field "child_name=$2" --field "child_sex=$3" \
		--field child_birth_date=2026-11-20 --field birth_place=金华市中心医院 \
		--field "birth_cert_no=Q3300$1" --field child_ethnicity=汉族 \
		--field "father_idno=$FATHER" --field "mother_idno=$MOTHER" \
		--field registered_with=随父 --field household_address=浙江省金华市婺城区城北街道8号 \
		--field card_bank=中国银行 --field card_delivery=窗口领取 \
		--field contact_phone=13912345678 \
		--material parents_id_cards=provided --material household_register=provided \
		--material marriage_certificate=provided --material birth_medical_certificate=provided \
		--material card_photo=provided | jq -r .case_no
}
first_task() { # the open task of step 1 of a case
	as clerk1 --json case show "$1" | jq -r '.tasks[] | select(.step == 1) | .id'
}

c1=$(newborn 10001 王小明 男)
c2=$(newborn 10002 王小红 女)
newborn 10003 王小刚 男 >/dev/null
newborn 10004 王小丽 女 >/dev/null
t1=$(first_task "$c1")
t2=$(first_task "$c2")
as reviewer.wj task claim "$t1" >/dev/null 2>&1 && as reviewer.wj task decide "$t1" --approve --note "出生医学证明核验无误" >/dev/null
as reviewer.wj task claim "$t2" >/dev/null 2>&1 && as reviewer.wj task decide "$t2" --return "请补充出生医学证明原件" >/dev/null
echo "Demo cases: $c1 (at 公安), $c2 (returned for correction), two more waiting at 卫健."
