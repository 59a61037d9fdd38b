# Hostile input through the command line: every text field of the intake
# form, the arguments and a CSV import get quotes, SQL, control characters,
# invalid UTF-8, 100,000 characters and terminal escape sequences. Each is
# either stored exactly as given or refused with a message, and nothing the
# program prints carries an escape sequence to the terminal.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
. "$COUNTERDESK_TOP/tests/lib/cli.sh"
export LANG=C.UTF-8 LANGUAGE=
bin="$COUNTERDESK_BIN"
shared() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -U postgres -d counterdesk_shared -v ON_ERROR_STOP=1 "$@"; }
d=$(mktemp -d "$COUNTERDESK_TMP/hostile.XXXXXX")
run=$$
FATHER=330702198803151237
MOTHER=330702199007222465
ESC=$(printf '\033')

# Bytes a terminal would act on: ESC, BEL, the other C0 controls but
# newline and tab, DEL, and the C1 controls (U+0080-U+009F, C2 80-C2 9F in
# UTF-8, e.g. the one-byte CSI). Counts them in file $1.
controls() {
	LC_ALL=C perl -0777 -ne 'my $n = () = /[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]/g; print $n' "$1"
}
# The hostile strings, one per file (values may hold newlines).
i=0
hostile() { i=$((i + 1)); printf "$1" >"$d/h$i"; printf '%s\n' "$2" >"$d/h$i.name"; }
hostile "O'Brien \"双引号\" \\\\ 反斜杠" "quotes and a backslash"
hostile "'; DROP TABLE core.case; --" "SQL"
hostile 'a\001b\177c' "C0 controls and DEL"
hostile '清\033[2J\033[H屏' "ESC [ 2 J (clear the screen)"
hostile '剪\033]52;c;ZXZpbA==\007贴' "OSC 52 (write the clipboard)"
hostile 'c1\302\2332J' "a C1 CSI"
hostile '\377\376名字' "invalid UTF-8"
hostile '换\n行' "a newline"
head -c 100000 /dev/zero | tr '\0' '长' >"$d/h$((i + 1))"; i=$((i + 1)); echo "100,000 characters" >"$d/h$i.name"
n_hostile=$i

newborn() { # newborn FIELD VALUE-FILE: submits a complete newborn form with FIELD set to the file's bytes
	f=$1 v=$(cat "$2"; printf x); v=${v%x}
	set -- --field child_name=张小明 --field child_sex=男 --field child_birth_date=2026-11-20 \
		--field birth_place=金华市中心医院 --field birth_cert_no=Q330012345 --field child_ethnicity=汉族 \
		--field "father_idno=$FATHER" --field father_name=张伟 --field "mother_idno=$MOTHER" \
		--field mother_name=李娜 --field registered_with=随父 --field household_address=浙江省金华市婺城区城北街道8号 \
		--field card_bank=中国银行 --field card_delivery=窗口领取 --field contact_phone=13912345678
	as clerk1 case new --item newborn --applicant "$FATHER" --idempotency-key "hostile-$run-$f-$n" \
		"$@" --field "$f=$v" \
		--material parents_id_cards=provided --material household_register=provided \
		--material marriage_certificate=provided --material birth_medical_certificate=provided \
		--material card_photo=provided
}

# --- every text field of the intake form
for f in child_name birth_place birth_cert_no child_ethnicity father_name mother_name household_address; do
	stored=0 refused=0 bad=""
	n=1
	while [ "$n" -le "$n_hostile" ]; do
		newborn "$f" "$d/h$n" >"$d/out" 2>&1; rc=$?
		what=$(cat "$d/h$n.name")
		if [ "$(controls "$d/out")" != 0 ]; then
			bad="$bad; $what: control bytes in the output"
		elif [ "$rc" = 0 ]; then
			case_no=$(sed -n 's/^Accepted: case \([^,]*\),.*/\1/p' "$d/out")
			if [ "$f" = household_address ]; then
				# Personal data is sealed: its masked copy is what can be read back.
				got=$(su_psql -c "SELECT personal ? '$f' FROM core.case WHERE case_no = '$case_no'")
				want=t
			else
				su_psql -c "SELECT fields ->> '$f' FROM core.case WHERE case_no = '$case_no'" >"$d/got"
				head -c -1 "$d/got" >"$d/got1"  # psql ends the value with a newline
				got=$(cmp -s "$d/got1" "$d/h$n" && echo same || echo differs)
				want=same
			fi
			if [ "$got" = "$want" ]; then
				stored=$((stored + 1))
				as clerk1 case show "$case_no" >"$d/show" 2>&1
				[ "$(controls "$d/show")" = 0 ] || bad="$bad; $what: control bytes in case show"
			else
				bad="$bad; $what: accepted but stored differently"
			fi
		elif [ "$rc" = 1 ] && grep -q "field $f" "$d/out"; then
			refused=$((refused + 1))
		else
			bad="$bad; $what: exit $rc, $(head -c 200 "$d/out")"
		fi
		n=$((n + 1))
	done
	is "${bad:-none}" none "field $f: $stored hostile values stored literally, $refused refused at the field, none shown as a control sequence"
done
is "$(su_psql -c "SELECT to_regclass('core.case') IS NOT NULL")" t "core.case is still there"

# --- arguments
for n in 3 4 5 6 7 9; do
	v=$(cat "$d/h$n")
	rcs=""
	for cmd in "as clerk1 case show" "as clerk1 case new --applicant $FATHER --item" \
		"as clerk1 case new --item newborn --applicant" "$bin" "$bin check idno" "as clerk1 --config"; do
		$cmd "$v" >>"$d/args" 2>&1
		rcs="$rcs $?"
	done
	"$bin" "--$v" >>"$d/args" 2>&1  # an unknown option, reported before any noun
	rcs="$rcs $?"
	is "$(controls "$d/args")" 0 "arguments with $(cat "$d/h$n.name"): no control byte printed"
	like "$rcs" '^( ([1-9]|[1-9][0-9]|1[01][0-9]|12[0-7]))+$' "and each refused with an exit status, no crash:$rcs"
done
grep -q "$(printf '\357\277\275')" "$d/args"; ok $? "what cannot be shown is shown as U+FFFD"

# --- text stored elsewhere and printed back: a reason with escape sequences
# (resolve accepts free text) comes back through audit list as U+FFFD.
case_no=$(as clerk1 case new --item newborn --applicant "$FATHER" --idempotency-key "hostile-$run-mismatch" \
	--field child_name=张小明 --field child_sex=男 --field child_birth_date=2026-11-20 \
	--field birth_place=金华市中心医院 --field birth_cert_no=Q330012345 --field child_ethnicity=汉族 \
	--field "father_idno=$FATHER" --field father_name=张三 --field "mother_idno=$MOTHER" \
	--field registered_with=随父 --field household_address=浙江省金华市婺城区城北街道8号 \
	--field card_bank=中国银行 --field card_delivery=窗口领取 --field contact_phone=13912345678 \
	--material parents_id_cards=provided --material household_register=provided \
	--material marriage_certificate=provided --material birth_medical_certificate=provided \
	--material card_photo=provided 2>&1 | sed -n 's/^Accepted: case \([^,]*\),.*/\1/p')
as clerk1 case verify "$case_no" >/dev/null 2>&1
reason="核对$(cat "$d/h4")$(cat "$d/h5")"
out=$(as clerk1 case resolve "$case_no" parents_id_cards --reason "$reason" 2>&1); rc=$?
if [ "$rc" = 0 ]; then
	got=$(su_psql -c "SELECT count(*) FROM core.audit WHERE object = 'case:$case_no' AND detail::text LIKE '%\\u001b[2J%'")
	is "$got" 1 "a reason with ESC [ 2 J and OSC 52 is stored literally"
else
	like "$out" '.' "a reason with escape sequences is refused with a message"
fi
as clerk1 audit list --case "$case_no" >"$d/audit" 2>&1
is "$(controls "$d/audit")" 0 "audit list prints it without a control byte"
as clerk1 --json audit list --case "$case_no" >"$d/audit.json" 2>&1
is "$(controls "$d/audit.json")" 0 "--json escapes it (no raw control byte)"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$d/audit.json"; ok $? "and stays valid JSON"

# --- a CSV import of the population register with hostile names
cols="id_no,name,sex,birth_date,address,status"
shared -c "\\copy (SELECT $cols FROM registry.population ORDER BY id_no) TO '$d/demo.csv' WITH (FORMAT csv, HEADER true)"
restore() {
	shared <<SQL >/dev/null
BEGIN;
DELETE FROM registry.population;
\copy registry.population FROM '$d/demo.csv' WITH (FORMAT csv, HEADER true)
COMMIT;
SQL
}
trap restore EXIT
{
	echo "$cols"
	printf '%s\n' '110101199001010015,"O'"'"'Brien ""引号"", 逗号",M,1990-01-01,"'"'"'; DROP TABLE registry.population; --",alive'
	printf '110101199001010031,"清\033[2J屏",M,1990-01-01,"剪\033]52;c;ZXZpbA==\007贴",alive\n'
	printf '110101199001010058,"坏\377字",M,1990-01-01,地址,alive\n'
	printf '110101199001010074,"%s",M,1990-01-01,地址,alive\n' "$(head -c 100000 /dev/zero | tr '\0' x)"
	printf '110101199001010090,"多\n行",M,1990-01-01,地址,alive\n'
} >"$d/hostile.csv"
"$bin" -U postgres shared import population "$d/hostile.csv" --skip-bad >"$d/import.out" 2>&1; rc=$?
[ "$rc" -le 1 ]; ok $? "the hostile CSV import ends with a verdict, not a crash (exit $rc)"
is "$(controls "$d/import.out")" 0 "its report holds no control byte"
got=$(shared -c "SELECT name FROM registry.population WHERE id_no = '110101199001010015'")
is "$got" "O'Brien \"引号\", 逗号" "quotes and commas are stored literally"
got=$(shared -c "SELECT address FROM registry.population WHERE id_no = '110101199001010015'")
is "$got" "'; DROP TABLE registry.population; --" "SQL in a value is stored as text"
# Each other row is stored exactly or refused with a line-numbered message.
literal() { # ID SQL-EXPRESSION-OF-THE-EXPECTED-NAME DESCRIPTION
	got=$(shared -c "SELECT name = $2 FROM registry.population WHERE id_no = '$1'")
	if [ -z "$got" ]; then
		grep -q "line [0-9]" "$d/import.out"; ok $? "$3: refused with a line-numbered message"
	else
		is "$got" t "$3: stored literally"
	fi
}
literal 110101199001010031 "E'清\\033[2J屏'" "ESC [ 2 J in a name"
literal 110101199001010058 "'-'" "invalid UTF-8 in a name"
literal 110101199001010074 "repeat('x', 100000)" "a 100,000-character name"
literal 110101199001010090 "E'多\\n行'" "a newline inside a quoted name"
restore; trap - EXIT
is "$(shared -c 'SELECT count(*) FROM registry.population')" "$(($(wc -l <"$d/demo.csv") - 1))" "the demo register is back"

rm -rf "$d"
done_testing
