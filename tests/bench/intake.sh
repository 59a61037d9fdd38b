#!/bin/bash
# Intake benchmarks (issue: one window, one form), each against a baseline in
# the same run:
#   1. looking an applicant up by identity number (blind index) among
#      1,000,000 applicants, against a primary-key look-up of the same table
#      (pgbench, same socket, same number of transactions);
#   2. database round trips of accepting one case: the protocol trace of a
#      real `counterdesk case new` (COUNTERDESK_PQTRACE), counted, not claimed.
# pgbench needs the million applicants committed; they are removed at the end.
set -u
bin=${COUNTERDESK_BIN:?run through make bench}
n=${BENCH_APPLICANTS:-1000000}
tx=${BENCH_TX:-3000}
su() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -U postgres -d counterdesk -v ON_ERROR_STOP=1 "$@"; }
tmp=$(mktemp -d)
trap 'su -c "DELETE FROM core.applicant WHERE name = '"'bench'"'" >/dev/null; rm -rf "$tmp"' EXIT

echo "== adding $n synthetic applicants (sealed-looking values, blind indexes spread over 32 bits)"
su <<SQL
INSERT INTO core.applicant (id, kind, name, id_cipher, id_mask, id_blind)
SELECT md5('bench' || i)::uuid, 'person', 'bench',
       'v1:' || md5(i::text) || md5(i::text || 'x'), '330702********' || lpad((i % 10000)::text, 4, '0'),
       lpad(to_hex((i::bigint * 2654435761) % 4294967296), 8, '0')
FROM generate_series(1, $n) AS i;
ANALYZE core.applicant;
SQL

cat >"$tmp/blind.sql" <<SQL
\set r random(1, $n)
SELECT * FROM api.applicant_candidates(lpad(to_hex((:r::bigint * 2654435761) % 4294967296), 8, '0'));
SQL
cat >"$tmp/pk.sql" <<SQL
\set r random(1, $n)
SELECT * FROM core.applicant WHERE id = md5('bench' || :r)::uuid;
SQL
lat() { awk '/latency average/ {print $4}'; }
pk=$(pgbench -n -U postgres -d counterdesk -f "$tmp/pk.sql" -t "$tx" 2>/dev/null | lat)
blind=$(PGPASSWORD=clerk1-demo pgbench -n -U clerk1 -d counterdesk -f "$tmp/blind.sql" -t "$tx" 2>/dev/null | lat)

echo "== accepting one case through the CLI with the protocol traced"
applicant=$(su -d counterdesk_shared -c "SELECT id_no FROM registry.population WHERE status = 'alive' AND sex = 'M' AND birth_date < '1996-01-01' ORDER BY id_no LIMIT 1")
mother=$(su -d counterdesk_shared -c "SELECT id_no FROM registry.population WHERE status = 'alive' AND sex = 'F' AND birth_date < '1998-01-01' ORDER BY id_no LIMIT 1")
PGPASSWORD=admin1-demo "$bin" -U admin1 forms load >/dev/null 2>&1
PGPASSWORD=admin1-demo "$bin" -U admin1 calendar load >/dev/null 2>&1
COUNTERDESK_PQTRACE="$tmp/trace" PGPASSWORD=clerk1-demo "$bin" -U clerk1 case new --item newborn \
	--applicant "$applicant" --field child_name=测试 --field child_sex=男 \
	--field child_birth_date=2026-11-20 --field birth_place=金华市中心医院 --field birth_cert_no=Q330099999 \
	--field child_ethnicity=汉族 --field "father_idno=$applicant" --field "mother_idno=$mother" \
	--field registered_with=随父 --field household_address=浙江省金华市婺城区城北街道8号 \
	--field card_bank=中国银行 --field card_delivery=窗口领取 --field contact_phone=13912345678 \
	--material parents_id_cards=provided --material household_register=provided \
	--material marriage_certificate=provided --material birth_medical_certificate=provided \
	--material card_photo=provided >"$tmp/case.out" 2>&1
rc=$?
statements() { grep -cE '^F[[:space:]]+[0-9]+[[:space:]]+(Query|Parse)'; }
total=$(statements <"$tmp/trace")
# The submit: from the statement naming api.case_submit to the server's
# ReadyForQuery that ends it (anything after is the receipt's own reads).
submit=$(awk '/case_submit/ {on = 1} on && /^F[[:space:]]+[0-9]+[[:space:]]+(Query|Parse)/ {n++}
	on && /ReadyForQuery/ {print n + 0; exit}' "$tmp/trace")

printf '\n%-52s %12s %12s %8s\n' "figure" "counterdesk" "baseline" "ratio"
printf '%-52s %10sms %10sms %8s\n' "applicant look-up among $n (vs primary key)" "$blind" "$pk" \
	"$(awk -v a="$blind" -v b="$pk" 'BEGIN {printf "%.2f", a / b}')"
printf '%-52s %12s %12s %8s\n' "round trips of the submit (target 1)" "$submit" "1" "$(awk -v a="$submit" 'BEGIN {printf "%.2f", a / 1}')"
printf '%-52s %12s\n' "statements of the whole 'case new' command" "$total"
[ "$rc" -eq 0 ] || { echo "case new failed:"; cat "$tmp/case.out"; exit 1; }
