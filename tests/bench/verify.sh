#!/bin/bash
# Verification benchmark (issue 4): a case with ten verifiable materials
# over the four registers, verified through the real CLI.
#   1. Round trips to the shared-data database: log_statement = all is set
#      on counterdesk_shared only for this run (ALTER DATABASE ... SET, as
#      the superuser) and the statements that database receives during one
#      `counterdesk case verify` are counted from the server log: remote
#      queries (postgres_fdw's DECLARE ... CURSOR, one per foreign scan) and
#      every statement (with START/FETCH/CLOSE/COMMIT). Target: one remote
#      query per register, not one per material.
#   2. Time: api.case_verify for the ten materials against a single
#      primary-key look-up in the population registry through the same
#      path (api.registry_person: postgres_fdw + one audit row), both with
#      pgbench as the same clerk, same socket, same number of transactions.
set -u
bin=${COUNTERDESK_BIN:?run through make bench}
cluster=${COUNTERDESK_CLUSTER:?run through make bench}
tx=${BENCH_TX:-500}
su() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -U postgres -d counterdesk -v ON_ERROR_STOP=1 "$@"; }
log="$cluster/log/postgresql.log"
tmp=$(mktemp -d)
cleanup() {
	su -c "ALTER DATABASE counterdesk_shared RESET log_statement" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
export LANG=C.UTF-8 PGPASSWORD=clerk1-demo
REP=330702197506303578   # 刘强: legal representative of 91330702MA2D3M0A0F
ENT=91330702MA2D3M0A0F

echo "== a test item with ten verifiable materials (identity x3, benefit x2, licence x3, enterprise x2)"
su <<'SQL' >/dev/null
SELECT api.calendar_load(gen_random_uuid(), y, '[]')
FROM generate_series(extract(year FROM core.today())::int, extract(year FROM core.today())::int + 1) y
WHERE NOT EXISTS (SELECT 1 FROM api.calendar_years c WHERE c.year = y);
SELECT * FROM api.forms_load(gen_random_uuid(), jsonb_build_object(
 'code', 'zz_bench_verify', 'version', 1, 'name_zh', '核验基准', 'name_en', 'Verification bench',
 'applicant', 'person', 'promised_days', 5, 'count_acceptance_day', false,
 'departments', '["RS"]'::jsonb, 'groups', '[]'::jsonb, 'steps', '[]'::jsonb,
 'fields', '[
  {"key": "name", "label_zh": "姓名", "label_en": "Name", "type": "text", "required": true, "max_length": 30,
   "prefill": {"source": "population", "column": "name", "by": "idno"}, "group": null, "send_to": ["RS"], "when": null},
  {"key": "idno", "label_zh": "公民身份号码", "label_en": "Identity number", "type": "idno", "required": true,
   "prefill": {"source": "applicant", "column": "idno", "by": null}, "group": null, "send_to": ["RS"], "when": null},
  {"key": "employer", "label_zh": "单位", "label_en": "Employer", "type": "uscc", "required": true,
   "prefill": null, "group": null, "send_to": ["RS"], "when": null}]'::jsonb,
 'materials', (SELECT jsonb_agg(jsonb_build_object('code', m, 'name_zh', m, 'name_en', m, 'key', false,
	'check', jsonb_build_object('kind', split_part(k, ':', 1), 'type', nullif(split_part(k, ':', 2), '')),
	'note_zh', null, 'note_en', null, 'send_to', '["RS"]'::jsonb, 'when', null) ORDER BY o)
	FROM unnest('{id_card,id_copy,id_back,low,elderly,marriage,disability,business,ent,ent_copy}'::text[],
		    '{identity,identity,identity,benefit:subsistence,benefit:elderly_allowance,licence:marriage,licence:disability,licence:business,enterprise,enterprise}'::text[])
	     WITH ORDINALITY AS x(m, k, o))));
SQL

mats=""
for m in id_card id_copy id_back low elderly marriage disability business ent ent_copy; do mats="$mats --material $m=provided"; done
out=$("$bin" -U clerk1 case new --item zz_bench_verify --applicant "$REP" --field "employer=$ENT" \
	--idempotency-key "bench-verify-$$" $mats 2>&1)
case_no=$(printf '%s' "$out" | sed -n 's/^Accepted: case \([^,]*\),.*/\1/p')
[ -n "$case_no" ] || { echo "could not accept the bench case: $out"; exit 1; }
echo "case $case_no"

echo "== statements received by counterdesk_shared during one 'counterdesk case verify'"
su -c "ALTER DATABASE counterdesk_shared SET log_statement = 'all'"
start=$(wc -c <"$log")
"$bin" -U clerk1 case verify "$case_no" >"$tmp/verify.txt"
sleep 0.5
tail -c +"$((start + 1))" "$log" >"$tmp/shared.log"
su -c "ALTER DATABASE counterdesk_shared RESET log_statement"
cat "$tmp/verify.txt"
remote=$(grep -cE 'DECLARE c[0-9]+ CURSOR' "$tmp/shared.log")
total=$(grep -cE '(statement|execute [^:]*): ' "$tmp/shared.log")
registers=$(grep -oE 'FROM registry\.[a-z_]+' "$tmp/shared.log" | sort -u | wc -l)
echo "materials verified: $(wc -l <"$tmp/verify.txt")"
echo "registers queried: $registers"
echo "remote queries (foreign scans): $remote  (target: one per register = $registers; one per material would be 10)"
echo "statements in all, transaction control and fetches included: $total"
grep -oE 'DECLARE c[0-9]+ CURSOR FOR.*' "$tmp/shared.log" | cut -c1-160 | sed 's/^/    /'

echo "== time: api.case_verify (10 materials) against one primary-key look-up, pgbench, $tx transactions each"
subjects=$(printf '{"id_card":{"subject":"idno","id_no":"%s"}' "$REP")
for m in id_copy id_back low elderly marriage disability business ent ent_copy; do
	subjects="$subjects,\"$m\":{\"subject\":\"idno\",\"id_no\":\"$REP\"}"
done
subjects="$subjects}"
printf "SELECT * FROM api.case_verify(gen_random_uuid(), '%s', '%s');\n" "$case_no" "$subjects" >"$tmp/verify.sql"
printf "SELECT * FROM api.registry_person('%s', 'bench');\n" "$REP" >"$tmp/pk.sql"
lat() { awk '/latency average/ {print $4}'; }
pk=$(pgbench -n -U clerk1 -d counterdesk -f "$tmp/pk.sql" -t "$tx" 2>/dev/null | lat)
ver=$(pgbench -n -U clerk1 -d counterdesk -f "$tmp/verify.sql" -t "$tx" 2>/dev/null | lat)
echo "one primary-key look-up (api.registry_person): $pk ms"
echo "verifying ten materials (api.case_verify):     $ver ms"
awk -v a="$ver" -v b="$pk" 'BEGIN { if (b > 0) printf "ratio: %.2fx a single look-up for ten materials (%.2fx per material)\n", a / b, a / b / 10 }'
[ "$remote" -le 4 ] || { echo "more remote queries than registers"; exit 1; }
