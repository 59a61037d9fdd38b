# Accepting integrated applications from the command line against the
# throwaway cluster with its demo data: service items and calendars loaded
# by an admin, 新生儿出生一件事 accepted, refused with the one-time notice,
# accepted on commitment (容缺), idempotent retries, a later visit, bad input
# that changes nothing, rights, and masked personal data.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
. "$COUNTERDESK_TOP/tests/lib/cli.sh"
export LANG=C.UTF-8 LANGUAGE=
bin="$COUNTERDESK_BIN"
cases() { su_psql -c 'select count(*) from core.case'; }
notices() { su_psql -c 'select count(*) from core.notice'; }
d=$(mktemp -d "$COUNTERDESK_TMP/case.XXXXXX")
run=$$ # keeps idempotency keys of this run apart from a re-run on the same cluster

# 张伟 (father) and 李娜 (mother) are fixed people of the demo registry.
FATHER=330702198803151237
MOTHER=330702199007222465
newborn_fields() { # the fields of a complete newborn form
	printf '%s\n' --field child_name=张小明 --field child_sex=男 \
		--field child_birth_date=2026-11-20 --field birth_place=金华市中心医院 \
		--field birth_cert_no=Q330012345 --field child_ethnicity=汉族 \
		--field "father_idno=$FATHER" --field "mother_idno=$MOTHER" \
		--field registered_with=随父 --field household_address=浙江省金华市婺城区城北街道8号 \
		--field card_bank=中国银行 --field card_delivery=窗口领取 \
		--field contact_phone=13912345678
}
all_provided() {
	printf '%s\n' --material parents_id_cards=provided --material household_register=provided \
		--material marriage_certificate=provided --material birth_medical_certificate=provided \
		--material card_photo=provided
}
# Word splitting on newlines only: values hold no newline, some hold spaces.
IFS='
'

# --- items and calendars, loaded by an admin
out=$(as admin1 forms load 2>&1); is $? 0 "an admin loads the service items"
like "$out" 'newborn: version [0-9]+' "forms load reports the newborn item and its version"
out=$(as admin1 forms load 2>&1)
like "$out" 'newborn: version [0-9]+ unchanged' "loading the same files again changes nothing"
out=$(as clerk1 forms load 2>&1); is $? 77 "a clerk may not load service items (77)"
out=$(as admin1 calendar load 2>&1); is $? 0 "an admin loads the working-day calendars"
like "$out" '2026: [0-9]+ days' "calendar load reports 2026"
out=$(as clerk1 calendar load 2>&1); is $? 77 "a clerk may not load calendars (77)"

# --- the calendar from the files
out=$("$bin" calendar add 2026-02-13 1); is "$out" 2026-02-14 "one working day after Friday 2026-02-13 is the make-up Saturday 2026-02-14"
out=$("$bin" calendar add 2026-02-13 2); is "$out" 2026-02-24 "two working days after it skip the Spring Festival"
out=$("$bin" calendar add 2026-02-13 1 --count-start); is "$out" 2026-02-13 "--count-start counts the start day"
out=$("$bin" calendar show 2026); like "$out" '2026-02-14 六  春节调休' "calendar show lists make-up Saturdays"
like "$out" '2026-10-01 四  国庆节' "and public holidays"
"$bin" calendar add 2026-02-30 1 >/dev/null 2>&1; is $? 1 "calendar add refuses a date that does not exist"

# --- accepted
before=$(cases)
out=$(as clerk1 case new --item newborn --applicant "$FATHER" $(newborn_fields) $(all_provided) 2>&1); rc=$?
is "$rc" 0 "newborn accepted through the CLI"
case_no=$(printf '%s' "$out" | sed -n 's/^Accepted: case \([^,]*\),.*/\1/p')
like "$case_no" '^[0-9]{6}-[0-9]{8}-[0-9]{4}$' "the case number is REGION-YYYYMMDD-NNNN ($case_no)"
is "$(cases)" "$((before + 1))" "one case was made"
receipt=$(printf '%s' "$out" | sed -n 's/^Receipt saved to //p')
ok "$([ -f "$receipt" ]; echo $?)" "the receipt was saved as a file"
txt=$(cat "$receipt" 2>/dev/null)
like "$txt" '受 理 回 执' "the receipt has its Chinese heading"
like "$txt" '330702\*{8}1237' "the receipt shows the masked identity number"
case "$txt" in *"$FATHER"*) ok 1 "the receipt never shows the clear identity number" ;; *) ok 0 "the receipt never shows the clear identity number" ;; esac
json=$(as clerk1 --json case show "$case_no"); is $? 0 "case show --json"
like "$json" '"child_name":"张小明"' "the Chinese name was stored"
like "$json" '"status":"accepted"' "status accepted"
like "$json" '"visits":1' "one visit"
like "$json" '"promised_date":"[0-9]{4}-[0-9]{2}-[0-9]{2}"' "a promised date"
like "$json" '"father_name":"张伟"' "the father's name was filled from the registry"
like "$json" '"materials":\{"parents_id_cards":"provided"' "materials in form order"
case "$json" in *"$FATHER"*|*"$MOTHER"*|*13912345678*) ok 1 "case show --json never holds a clear identity number or phone" ;;
	*) ok 0 "case show --json never holds a clear identity number or phone" ;; esac
like "$json" '"contact_phone":"139\*{4}5678"' "the phone is masked"
out=$(as clerk1 case show "$case_no"); like "$out" '新生儿出生一件事' "case show names the item"
out=$(as clerk1 case show 330702-19990101-9999 2>&1); is $? 1 "an unknown case exits 1"

# --- a key material missing: refused, one-time notice, no case
before=$(cases); nbefore=$(notices)
out=$(as clerk1 case new --item newborn --applicant "$FATHER" $(newborn_fields) \
	--material parents_id_cards=provided --material birth_medical_certificate=provided \
	--material marriage_certificate=provided 2>&1); rc=$?
is "$rc" 1 "a missing key material refuses the case (exit 1)"
like "$out" 'household_register' "the refusal lists the missing key material"
like "$out" 'card_photo' "and the waivable one not mentioned (everything missing at once)"
is "$(cases)" "$before" "no case was made"
is "$(notices)" "$((nbefore + 1))" "one one-time notice was issued"
notice=$(printf '%s' "$out" | sed -n 's/^One-time notice saved to //p')
txt=$(cat "$notice" 2>/dev/null)
like "$txt" '一 次 性 告 知 书' "the notice was saved with its heading"
like "$txt" '居民户口簿' "the notice names the household register"
like "$txt" '新生儿免冠证件照' "and the photo"
like "$txt" '不再要求您提供其他材料' "and says nothing else will be asked"

# --- 容缺: only a waivable material missing
out=$(as clerk1 --json case new --item newborn --applicant "$FATHER" $(newborn_fields) \
	--material parents_id_cards=provided --material household_register=provided \
	--material marriage_certificate=provided --material birth_medical_certificate=provided \
	--material card_photo=missing 2>&1); rc=$?
is "$rc" 0 "a missing waivable material still accepts (exit 0)"
like "$out" '"outcome":"accepted_on_commitment"' "outcome accepted_on_commitment"
like "$out" '"commitment_due":"[0-9]{4}-[0-9]{2}-[0-9]{2}"' "with a due date for the material"
commit_no=$(printf '%s' "$out" | sed -n 's/.*"case_no":"\([^"]*\)".*/\1/p')

# --- a later visit brings it
out=$(as clerk1 case supplement "$commit_no" card_photo 2>&1); is $? 0 "case supplement records the visit"
json=$(as clerk1 --json case show "$commit_no")
like "$json" '"visits":2' "the case counts two visits"
like "$json" '"status":"accepted"' "with nothing outstanding the case is simply accepted"
like "$json" '"card_photo":"supplied"' "the material is marked supplied"
out=$(as clerk1 case supplement "$commit_no" card_photo 2>&1); is $? 1 "supplying it again exits 1"

# --- the same idempotency key twice: one case
before=$(cases)
out1=$(as clerk1 --json case new --item newborn --applicant "$MOTHER" $(newborn_fields) $(all_provided) \
	--idempotency-key "test-$run-一号" 2>&1); rc1=$?
out2=$(as clerk1 --json case new --item newborn --applicant "$MOTHER" $(newborn_fields) $(all_provided) \
	--idempotency-key "test-$run-一号" 2>&1); rc2=$?
is "$rc1/$rc2" "0/0" "both submits with the same key exit 0"
no1=$(printf '%s' "$out1" | sed -n 's/.*"case_no":"\([^"]*\)".*/\1/p')
no2=$(printf '%s' "$out2" | sed -n 's/.*"case_no":"\([^"]*\)".*/\1/p')
like "$no1" '^[0-9]{6}-' "the first submit made a case"
is "$no2" "$no1" "the retry answers with the same case number"
is "$(cases)" "$((before + 1))" "only one case was made"
list=$(as clerk1 --json case list)
is "$(printf '%s' "$list" | grep -o "\"case_no\":\"$no1\"" | wc -l | tr -d ' ')" 1 "case list --json holds it once"
like "$list" '^\[\{"case_no":' "case list --json is an array of case objects"

# --- a proxy
out=$(as clerk1 --json case new --item newborn --applicant "$FATHER" $(newborn_fields) $(all_provided) \
	--proxy "$MOTHER" --relation 配偶 2>&1); is $? 0 "a case brought by a proxy"
no=$(printf '%s' "$out" | sed -n 's/.*"case_no":"\([^"]*\)".*/\1/p')
json=$(as clerk1 --json case show "$no")
like "$json" '"proxy":\{[^}]*"name":"李娜"' "the proxy's name comes from the registry"
like "$json" '"id_mask":"330702\*{8}2465"' "the proxy's number is masked"

# --- bad input changes nothing
before=$(cases); nbefore=$(notices)
out=$(as clerk1 case new --item newborn --applicant 110105194912310021 $(newborn_fields) $(all_provided) 2>&1)
is $? 1 "a bad identity number exits 1"
like "$out" 'check character.*should be X' "with the reason and the expected check character"
out=$(as clerk1 case new --item newborn --applicant "$FATHER" $(newborn_fields) $(all_provided) --field colour=红 2>&1)
is $? 1 "an unknown field exits 1"
like "$out" "unknown field 'colour'" "and names it"
out=$(as clerk1 case new --item newborn --applicant "$FATHER" $(newborn_fields) $(all_provided) --field card_bank=花旗银行 2>&1)
is $? 1 "a value outside the enum exits 1"
like "$out" 'card_bank.*choices' "and says which field and its choices"
out=$(as clerk1 case new --item newborn --applicant "$FATHER" $(newborn_fields) $(all_provided) \
	--field child_name=一二三四五六七八九十一二三四五六七八九十一 2>&1)
is $? 1 "text longer than the field exits 1"
like "$out" 'child_name.*21 characters, at most 20' "counted in characters"
out=$(as clerk1 case new --item newborn --applicant "$FATHER" $(newborn_fields) $(all_provided) \
	--field child_birth_date=2026-02-30 2>&1)
is $? 1 "a date that does not exist exits 1"
out=$(as clerk1 case new --item newborn --applicant "$FATHER" $(newborn_fields) $(all_provided) \
	--field contact_phone=12345 2>&1)
is $? 1 "a bad phone number exits 1"
out=$(as clerk1 case new --item newborn --applicant "$FATHER" $(newborn_fields) $(all_provided) --material photo=provided 2>&1)
is $? 1 "an unknown material exits 1"
out=$(as clerk1 case new --item no_such_item --applicant "$FATHER" 2>&1)
is $? 1 "an unknown item exits 1"
like "$out" 'Unknown service item' "and says so"
out=$(as clerk1 case new --item newborn --applicant "$FATHER" --field child_name 2>&1)
is $? 2 "--field without = is a usage error"
is "$(cases)/$(notices)" "$before/$nbefore" "none of that made a case or a notice"

# --- rights
out=$(as reviewer.mz case new --item newborn --applicant "$FATHER" $(newborn_fields) $(all_provided) 2>&1)
is $? 77 "a reviewer cannot accept a case (77)"
out=$(as reviewer.mz case list 2>&1); is $? 77 "a reviewer cannot list cases (77)"
out=$(as super1 --json case list); is $? 0 "a supervisor lists cases"

# --- drafts
out=$(as clerk1 case drafts 2>&1); is $? 0 "case drafts lists the clerk's drafts"
out=$(as clerk1 --json case drafts); like "$out" '^\[' "case drafts --json is an array"

rm -rf "$d"
done_testing
