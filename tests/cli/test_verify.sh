# Verifying a case against the shared-data registers from the command line
# (case verify, case resolve, audit list --case): a newborn case whose
# materials all match, one whose father's name differs from the registry,
# resolving that by hand, and the look-ups in the case's audit rows.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
. "$COUNTERDESK_TOP/tests/lib/cli.sh"
export LANG=C.UTF-8 LANGUAGE=
bin="$COUNTERDESK_BIN"
shared_psql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -U postgres -d counterdesk_shared -v ON_ERROR_STOP=1 "$@"; }
run=$$

# 张伟 (father) and 李娜 (mother) of the demo registry, married (结婚证); the
# demo has no birth medical certificates: the mother gets one for this run.
FATHER=330702198803151237
MOTHER=330702199007222465
BIRTH_NO="T$run"
shared_psql <<SQL
INSERT INTO registry.population (id_no, name, sex, birth_date, address, status) VALUES
	('$FATHER', '张伟', 'M', '1988-03-15', '浙江省金华市婺城区', 'alive'),
	('$MOTHER', '李娜', 'F', '1990-07-22', '浙江省金华市婺城区', 'alive')
	ON CONFLICT (id_no) DO NOTHING;
INSERT INTO registry.elicence (holder_id, licence_type, licence_no, issued_on, valid_until, status) VALUES
	('$MOTHER', '出生医学证明', '$BIRTH_NO', current_date - 5, NULL, 'valid');
SQL
ok $? "a birth medical certificate for the mother in the registry"
trap 'shared_psql -c "DELETE FROM registry.elicence WHERE licence_no = '"'$BIRTH_NO'"'" >/dev/null 2>&1' EXIT

newborn() { # newborn FATHER_NAME: accepts a complete newborn case, prints its number
	as clerk1 case new --item newborn --applicant "$FATHER" --idempotency-key "verify-$run-$1" \
		--field child_name=张小明 --field child_sex=男 --field child_birth_date=2026-11-20 \
		--field birth_place=金华市中心医院 --field birth_cert_no=Q330012345 --field child_ethnicity=汉族 \
		--field "father_idno=$FATHER" --field "father_name=$1" --field "mother_idno=$MOTHER" \
		--field registered_with=随父 --field household_address=浙江省金华市婺城区城北街道8号 \
		--field card_bank=中国银行 --field card_delivery=窗口领取 --field contact_phone=13912345678 \
		--material parents_id_cards=provided --material household_register=provided \
		--material marriage_certificate=provided --material birth_medical_certificate=provided \
		--material card_photo=provided 2>&1 | sed -n 's/^Accepted: case \([^,]*\),.*/\1/p'
}

# --- everything matches
case_no=$(newborn 张伟)
like "$case_no" '^[0-9]{6}-[0-9]{8}-[0-9]{4}$' "a newborn case accepted ($case_no)"
out=$(as clerk1 case verify "$case_no" 2>&1); is $? 0 "case verify: every verifiable material matched (exit 0)"
like "$out" 'parents_id_cards +population +matched' "both parents' identity cards match the population registry"
like "$out" 'marriage_certificate +elicence +matched' "the marriage certificate is a valid e-licence"
like "$out" 'birth_medical_certificate +elicence +matched' "so is the birth medical certificate"
json=$(as clerk1 --json case verify "$case_no"); is $? 0 "case verify --json"
like "$json" '"all_matched":true' "all matched"
like "$json" '"paper_needed":false' "matched materials need no paper copy (免提交)"
case "$out$json" in *"$FATHER"*|*"$MOTHER"*) ok 1 "the output never holds a clear identity number" ;;
	*) ok 0 "the output never holds a clear identity number" ;; esac
out=$(LANG=zh_CN.UTF-8 COUNTERDESK_LOCALEDIR="$COUNTERDESK_LOCALEDIR" as clerk1 case verify "$case_no" 2>&1)
like "$out" '比对一致（免提交）' "in Chinese: 比对一致（免提交）"

# --- the father's name differs from the registry
bad=$(newborn 张三)
like "$bad" '^[0-9]{6}-[0-9]{8}-[0-9]{4}$' "a case whose father's name differs from the registry ($bad)"
out=$(as clerk1 case verify "$bad" 2>&1); is $? 1 "case verify exits 1 on a mismatch"
like "$out" 'parents_id_cards +population +mismatched: differs in father_idno.name' "the mismatch names the field"
case "$out" in *张伟*) ok 1 "the registry's value is not shown" ;; *) ok 0 "the registry's value is not shown" ;; esac
out=$(as clerk1 case resolve "$bad" marriage_certificate --reason "x" 2>&1); is $? 1 "a matched material cannot be resolved by hand"
out=$(as clerk1 case resolve "$bad" parents_id_cards 2>&1); is $? 2 "resolve needs --reason (usage, 2)"
out=$(as clerk1 case resolve "$bad" parents_id_cards --reason "户口簿原件核对，姓名登记有误" 2>&1)
is $? 0 "the clerk resolves the mismatch as checked by hand"
like "$out" 'checked by hand' "and is told so"
out=$(as clerk1 case resolve "$bad" parents_id_cards --reason "again" 2>&1); is $? 1 "it cannot be resolved twice"
out=$(as "reviewer.rs" case verify "$bad" 2>&1); is $? 77 "a reviewer cannot verify (77)"
# The reviewer of the first step (卫健) sees what was checked by hand, and why.
out=$(as reviewer.wj --json case show "$bad"); is $? 0 "the reviewer of the case's first step reads the case"
is "$(printf '%s' "$out" | jq -r '.verifications[] | select(.material == "parents_id_cards") | "\(.outcome) \(.checked_by_hand)"')" \
	"mismatched 户口簿原件核对，姓名登记有误" "and sees the mismatch marked as checked by hand, with the reason"
like "$(as reviewer.wj case show "$bad")" 'parents_id_cards +mismatched; checked by hand: 户口簿原件核对' \
	"in the text of case show too"
out=$(as reviewer.mz case show "$bad" 2>&1); is $? 1 "a reviewer of a department without a task in the case does not"

# --- the look-ups are in the case's audit rows
out=$(as clerk1 audit list --case "$bad"); is $? 0 "audit list --case"
like "$out" 'registry_lookup.*"purpose": "verification"' "each look-up is there with its purpose"
like "$out" 'clerk1 +registry_lookup.*"register": "population"' "naming the clerk and the register"
like "$out" 'verification_resolve' "and the resolution"
case "$out" in *"$FATHER"*|*"$MOTHER"*) ok 1 "no clear identity number in the audit rows" ;;
	*) ok 0 "no clear identity number in the audit rows" ;; esac
json=$(as super1 --json audit list --case "$bad"); is $? 0 "a supervisor lists them too (--json)"
like "$json" '"action":"registry_lookup"' "as JSON"
as clerk1 audit list --case 330702-19990101-9999 >/dev/null 2>&1; is $? 1 "an unknown case: exit 1"
done_testing
