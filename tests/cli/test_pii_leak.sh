# Personal data never in the clear where it should not be: after a demo
# workload (cases with identity numbers and phone numbers, registry
# look-ups, a verification, refused input), a pg_dump of the counterdesk
# database, the server's log and the receipts hold none of the identity
# numbers of the demo registry and none of the phone numbers used, in the
# clear. The client keeps no log of its own; its optional protocol trace
# (COUNTERDESK_PQTRACE, for benchmarks) holds parameters and is made
# readable by its owner only. The sync worker's log (the client that
# delivers to the department systems) is checked too.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
. "$COUNTERDESK_TOP/tests/lib/cli.sh"
export LANG=C.UTF-8 LANGUAGE=
bin="$COUNTERDESK_BIN"
shared() { psql -X -q -At -U postgres -d counterdesk_shared "$@"; }
d=$(mktemp -d "$COUNTERDESK_TMP/pii.XXXXXX")
run=$$
FATHER=330702198803151237
MOTHER=330702199007222465
# Phone numbers of this run only, so that finding one proves a leak.
p1=$(printf '1391%07d' $((run % 10000000)))
p2=$(printf '1382%07d' $((run % 10000000)))
p3=$(printf '1503%07d' $((run % 10000000)))

newborn() { # PHONE KEY [FATHER_NAME]
	as clerk1 case new --item newborn --applicant "$FATHER" --idempotency-key "pii-$run-$2" \
		--field child_name=张小明 --field child_sex=男 --field child_birth_date=2026-11-20 \
		--field birth_place=金华市中心医院 --field birth_cert_no=Q330012345 --field child_ethnicity=汉族 \
		--field "father_idno=$FATHER" --field "father_name=${3:-张伟}" --field "mother_idno=$MOTHER" \
		--field registered_with=随父 --field household_address=浙江省金华市婺城区城北街道8号 \
		--field card_bank=中国银行 --field card_delivery=邮寄到家 --field delivery_address=浙江省金华市婺城区人民路1号 \
		--field "contact_phone=$1" \
		--material parents_id_cards=provided --material household_register=provided \
		--material marriage_certificate=provided --material birth_medical_certificate=provided \
		--material card_photo=provided
}

# --- the workload (the server log is read from here on)
log="$COUNTERDESK_CLUSTER/log/postgresql.log"
log_from=$(($(wc -c <"$log") + 1))
c1=$(newborn "$p1" a 2>&1 | sed -n 's/^Accepted: case \([^,]*\),.*/\1/p')
like "$c1" '^[0-9]{6}-' "a case with an identity number and phone $p1"
c2=$(newborn "$p2" b 张三 2>&1 | sed -n 's/^Accepted: case \([^,]*\),.*/\1/p')
like "$c2" '^[0-9]{6}-' "a second, with phone $p2"
out=$(COUNTERDESK_PQTRACE="$d/trace" newborn "$p3" c 2>&1); like "$out" 'Accepted' "a third, traced, with phone $p3"
is "$(stat -c %a "$d/trace")" 600 "the protocol trace is readable by its owner only"
as clerk1 case verify "$c2" >/dev/null 2>&1
ok 0 "a verification against the registers ran (look-ups by identity number)"
# Refused input and a denied call write errors to the server's log.
out=$(newborn "${p1%?}" d 2>&1); [ $? -ne 0 ]; ok $? "a wrong phone number is refused"
# A reviewer may not accept cases: the server refuses the look-up it sends
# with the number as a parameter, and logs the error and the statement.
out=$(PGPASSWORD=reviewer.mz-demo "$bin" -U reviewer.mz case new --item newborn --applicant "$MOTHER" \
	--field "contact_phone=$p1" 2>&1); rc=$?
is "$rc" 77 "a reviewer's intake with the numbers is refused by the database (77)"
as clerk1 case show "$c1" >"$d/show" 2>&1
grep -q "$p1" "$d/show"; is $? 1 "case show masks the phone"

# The sync worker delivers the cases to the department systems and keeps a
# log of its own (stderr, or syslog): one run of it over this workload.
synced=""
if "$bin" sync --help >/dev/null 2>&1; then
	"$bin" -U counterdesk_sync sync run --once >"$d/sync.out" 2>"$d/sync.log"
	ok $? "the sync worker delivers this workload (sync run --once)"
	synced="$d/sync.out $d/sync.log"
fi

# Every identity number of the demo registry, and this run's phones.
shared -c 'SELECT id_no FROM registry.population' >"$d/needles"
printf '%s\n' "$p1" "$p2" "$p3" "$FATHER" "$MOTHER" >>"$d/needles"
n=$(wc -l <"$d/needles")
[ "$n" -gt 6 ]; ok $? "$n numbers to look for"

leaks() { # FILE...: the needles found in the files
	LC_ALL=C grep -a -o -h -F -f "$d/needles" "$@" 2>/dev/null | sort -u | tr '\n' ' '
}
pg_dump -U postgres -d counterdesk -f "$d/dump.sql"; ok $? "pg_dump of the counterdesk database"
[ "$(wc -c <"$d/dump.sql")" -gt 10000 ]; ok $? "the dump holds the data ($(wc -c <"$d/dump.sql") bytes)"
grep -q "$c1" "$d/dump.sql"; ok $? "the dump holds this run's cases"
is "$(leaks "$d/dump.sql")" "" "the dump holds no identity or phone number in the clear"
pg_dump -U postgres -d counterdesk -Fc -f "$d/dump.custom"
is "$(pg_restore -f - "$d/dump.custom" | LC_ALL=C grep -a -o -F -f "$d/needles" | sort -u | tr '\n' ' ')" "" \
	"nor does a custom-format dump"
tail -c +"$log_from" "$log" >"$d/log"
[ -s "$d/log" ]; ok $? "the server logged during the workload"
grep -q 'permission denied' "$d/log"; ok $? "among it the refusal and its statement"
is "$(leaks "$d/log")" "" "the server log holds no identity or phone number in the clear"
if [ -n "$synced" ]; then
	[ -s "$d/sync.log" ] || [ -s "$d/sync.out" ]; ok $? "the sync worker wrote its log"
	is "$(leaks $synced)" "" "the sync worker's log holds no identity or phone number in the clear"
fi
receipts=$(sed -n 's/^directory = //p' "$COUNTERDESK_CONFIG" | head -1)
ls "$receipts"/*"$c1"* >/dev/null 2>&1; ok $? "the receipt of $c1 was written"
is "$(leaks "$receipts"/*)" "" "the receipts hold no identity or phone number in the clear"

rm -rf "$d"
done_testing
