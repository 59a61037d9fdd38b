# Revealing a full personal value (counterdesk case reveal): it asks for a
# purpose, and leaves an audit row naming who, which record (case and
# field), when and why, holding the masked value only. Refused without a
# purpose, for a field the case does not have, and to those with no
# business with cases (reviewer, admin, kiosk) — by the database.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
. "$COUNTERDESK_TOP/tests/lib/cli.sh"
export LANG=C.UTF-8 LANGUAGE=
bin="$COUNTERDESK_BIN"
run=$$
FATHER=330702198803151237
MOTHER=330702199007222465
PHONE=$(printf '1371%07d' $((run % 10000000)))

case_no=$(as clerk1 case new --item newborn --applicant "$FATHER" --idempotency-key "reveal-$run" \
	--field child_name=张小明 --field child_sex=男 --field child_birth_date=2026-11-20 \
	--field birth_place=金华市中心医院 --field birth_cert_no=Q330012345 --field child_ethnicity=汉族 \
	--field "father_idno=$FATHER" --field father_name=张伟 --field "mother_idno=$MOTHER" \
	--field registered_with=随父 --field household_address=浙江省金华市婺城区城北街道8号 \
	--field card_bank=中国银行 --field card_delivery=窗口领取 --field "contact_phone=$PHONE" \
	--material parents_id_cards=provided --material household_register=provided \
	--material marriage_certificate=provided --material birth_medical_certificate=provided \
	--material card_photo=provided 2>&1 | sed -n 's/^Accepted: case \([^,]*\),.*/\1/p')
like "$case_no" '^[0-9]{6}-[0-9]{8}-[0-9]{4}$' "a case to reveal from ($case_no)"
reveals() { su_psql -c "SELECT count(*) FROM core.audit WHERE action = 'reveal' AND object = 'case:$case_no'"; }
out=$(as clerk1 case show "$case_no" 2>&1)
case "$out" in *"$MOTHER"*|*"$PHONE"*) ok 1 "case show holds masked values only" ;; *) ok 0 "case show holds masked values only" ;; esac

# --- a purpose is required
out=$(as clerk1 case reveal "$case_no" mother_idno 2>&1); is $? 2 "without --purpose: a usage error (2)"
out=$(as clerk1 case reveal "$case_no" mother_idno --purpose "  " 2>&1); is $? 1 "a blank purpose is refused (1)"
like "$out" 'A purpose is required' "and says a purpose is required"
is "$(reveals)" 0 "nothing revealed, nothing audited"

# --- revealed, and audited
out=$(as clerk1 case reveal "$case_no" mother_idno --purpose "电话核实母亲身份" 2>&1); is $? 0 "clerk1 reveals the mother's number for a purpose"
is "$out" "$MOTHER" "the full number is shown"
row=$(su_psql -F '|' -c "SELECT actor, object, detail ->> 'field', detail ->> 'purpose', detail ->> 'mask',
	at > now() - interval '2 minutes' FROM core.audit WHERE action = 'reveal' AND object = 'case:$case_no'")
is "$row" "clerk1|case:$case_no|mother_idno|电话核实母亲身份|${MOTHER:0:6}********${MOTHER:14:4}|t" \
	"the audit row names who, which record and field, when and why, with the masked value"
is "$(su_psql -c "SELECT count(*) FROM core.audit WHERE action = 'reveal' AND detail::text LIKE '%$MOTHER%'")" 0 \
	"the audit row does not hold the full number"
out=$(as clerk1 --json case reveal "$case_no" contact_phone --purpose "回电")
like "$out" "\"value\":\"$PHONE\"" "the phone, as JSON"
out=$(as super1 case reveal "$case_no" applicant --purpose "督查抽检" 2>&1); is $? 0 "a supervisor reveals the applicant's own number"
is "$out" "$FATHER" "from the applicant's record"
is "$(reveals)" 3 "three reveals, three audit rows"
out=$(as clerk1 audit list --case "$case_no" 2>&1)
like "$out" 'reveal.*督查抽检' "audit list --case shows them, purpose included"

# --- refused
out=$(as clerk1 case reveal "$case_no" child_name --purpose "x" 2>&1); is $? 1 "a field that is not personal data has nothing to reveal (1)"
like "$out" 'no such personal value' "and says so"
out=$(as clerk1 case reveal 330702-20000101-9999 mother_idno --purpose "x" 2>&1); is $? 1 "an unknown case (1)"
for who in reviewer.mz admin1 kiosk1; do
	out=$(as "$who" case reveal "$case_no" mother_idno --purpose "好奇" 2>&1); is $? 77 "$who may not reveal (77)"
done
out=$(printf '\\set VERBOSITY sqlstate\nSELECT * FROM api.case_reveal(gen_random_uuid(), %s, %s, %s);\n' \
	"'$case_no'" "'mother_idno'" "''" | PGPASSWORD=clerk1-demo psql -X -q -At -U clerk1 -d counterdesk 2>&1)
like "$out" 'ERROR: +22023' "through psql, without a purpose: refused by the database (22023)"
is "$(reveals)" 3 "no refused attempt left an audit row"
out=$(as super1 audit verify 2>&1); is $? 0 "the audit chain is intact"

done_testing
