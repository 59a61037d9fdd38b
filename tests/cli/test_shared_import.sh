# counterdesk shared import against the throwaway cluster: every register
# exported from the demo and imported back unchanged, a replacement, bad rows
# (all-or-nothing, then --skip-bad), bad headers and files, rights, and a
# replacement while other sessions read the register (directly and through
# the main database's postgres_fdw tables): they see the old register or the
# new one, never anything else. The demo registers are restored at the end,
# exactly, for the suites that run after this one.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
export LANG=C.UTF-8 LANGUAGE=
bin="$COUNTERDESK_BIN"
d=$(mktemp -d "$COUNTERDESK_TMP/shared.XXXXXX")
shared() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -U postgres -d counterdesk_shared -v ON_ERROR_STOP=1 "$@"; }
import() { "$bin" -U postgres shared import "$@"; }
count() { shared -c "SELECT count(*) FROM registry.$1"; }
# A digest of a register's whole content, in key order.
digest() {
	case $1 in
	population) k=id_no ;; civil_affairs) k="id_no, benefit, since" ;;
	elicence) k="licence_type, licence_no, holder_id" ;; enterprise) k=uscc ;;
	esac
	shared -c "SELECT md5(string_agg(t::text, E'\\n' ORDER BY $k)) FROM registry.$1 t"
}
registers="population civil_affairs elicence enterprise"
readers=""

# Put the demo registers back exactly as they were (psql, not the command
# under test), and stop the readers this script started.
restore() {
	for p in $readers; do kill "$p" 2>/dev/null; done
	for r in $registers; do
		[ -s "$d/demo_$r.csv" ] || continue
		shared <<SQL
BEGIN;
DELETE FROM registry.$r;
\copy registry.$r FROM '$d/demo_$r.csv' WITH (FORMAT csv, HEADER true)
COMMIT;
ANALYZE registry.$r;
SQL
	done
	shared -c "DROP ROLE IF EXISTS cd_import_reader" 2>/dev/null
}
trap restore EXIT

for r in $registers; do
	shared -c "\\copy (SELECT * FROM registry.$r) TO '$d/demo_$r.csv' WITH (FORMAT csv, HEADER true)"
	eval "before_$r=\$(digest $r)"
	eval "n_$r=\$(count $r)"
done
ok "$([ "$n_population" -gt 10000 ]; echo $?)" "the demo population register is exported ($n_population rows)"

# --- every register, exported and imported back: the same content
for r in $registers; do
	n=$(eval echo "\$n_$r")
	out=$(import "$r" "$d/demo_$r.csv" 2>&1); rc=$?
	is "$rc" 0 "the exported $r register imports"
	like "$out" "^$r: $n rows loaded, 0 bad rows skipped, $n rows replaced, in [0-9.]+ s$" "and says how many rows and how long"
	is "$(digest "$r")" "$(eval echo "\$before_$r")" "$r: exactly the same content after the round trip"
done

# --- a replacement: another file, header in another order, quoting, BOM, CRLF
{
	printf '\357\273\277status,address,birth_date,sex,name,id_no\r\n'
	shared -c "\\copy (SELECT status, address, birth_date, sex, name, lower(id_no) FROM registry.population ORDER BY id_no LIMIT 99) TO STDOUT WITH (FORMAT csv)" | sed 's/$/\r/'
	printf 'alive,"浙江省金华市""新村"", 3号\n2单元",2014-10-05,M,陈子轩,44011320141005001x\r\n'
} >"$d/small.csv"
out=$(import population "$d/small.csv" 2>&1); rc=$?
is "$rc" 0 "a file with its header in another order, quotes, a BOM and CRLF imports"
like "$out" "100 rows loaded, 0 bad rows skipped, $n_population rows replaced" "it replaces the whole register"
is "$(count population)" 100 "the register now holds the 100 rows of the file"
is "$(shared -c "SELECT address FROM registry.population WHERE id_no = '44011320141005001X'")" '浙江省金华市"新村", 3号
2单元' "quoted commas, quotes and a line break arrive as written; x is stored as X"
is "$(shared -c "SELECT count(*) FROM registry.population WHERE id_no ~ 'x'")" 0 "identity numbers are stored normalised (upper-case X)"
json=$("$bin" -U postgres --json shared import population "$d/small.csv"); rc=$?
is "$rc" 0 "--json"
like "$json" '^\{"register":"population","file":"[^"]+","committed":true,"loaded":100,"rejected":0,"replaced":100,"seconds":[0-9.e-]+,"bad":\[\],"bad_not_shown":0\}$' "--json gives the figures"

# --- all or nothing
{
	echo "id_no,name,sex,birth_date,address,status"
	shared -c "\\copy (SELECT id_no, name, sex, birth_date, address, status FROM registry.population ORDER BY id_no LIMIT 50) TO STDOUT WITH (FORMAT csv)"
	echo "110105194912310021,坏的,F,1949-12-31,,alive"
	echo "360426199101010071,李明,M,1991-02-30,,alive"
	echo "360426199101010071,李明,M,1991-01-01,alive"
	echo "330702199007222465,李娜,F,1990-07-22,,living"
	echo "330702198803151237,张伟,男,1988-03-15,,alive"
} >"$d/bad.csv"
before=$(digest population)
err=$(import population "$d/bad.csv" 2>&1 >/dev/null); rc=$?
is "$rc" 1 "a file with bad rows: exit 1"
like "$err" 'bad\.csv: line 52: id_no: not a valid identity number: .*\(expected X\)' "the bad check character is reported with its line"
like "$err" 'line 53: birth_date: not a real date' "a date that does not exist"
like "$err" 'line 54: 5 fields where the header has 6' "a row with a field missing"
like "$err" "line 55: status: 'living' is not one of alive, deceased" "an unknown status"
like "$err" "line 56: sex: '男' is neither M nor F" "a sex that is neither M nor F"
like "$err" 'population: 5 bad rows: nothing was loaded; the register is unchanged' "and nothing was loaded"
is "$(digest population)" "$before" "the register is exactly as before"

# --- --skip-bad
out=$(import population "$d/bad.csv" --skip-bad 2>"$d/err"); rc=$?
is "$rc" 0 "--skip-bad loads the good rows"
like "$out" '^population: 50 rows loaded, 5 bad rows skipped, 100 rows replaced' "and says how many were skipped"
is "$(grep -c 'bad\.csv: line 5[2-6]: ' "$d/err")" 5 "the bad rows are reported"
is "$(count population)" 50 "the 50 good rows are the register now"

# more bad rows than are shown
{
	echo "id_no,benefit,status,since"
	for i in $(seq 1 130); do echo "360426199101010071,低保,unknown,2020-01-01"; done
} >"$d/many.csv"
err=$(import civil_affairs "$d/many.csv" 2>&1); rc=$?
is "$rc" 1 "130 bad rows: exit 1"
is "$(printf '%s\n' "$err" | grep -c ': line [0-9]*: ')" 100 "the first 100 are shown"
like "$err" '\.\.\. and 30 more bad rows not shown' "then how many more"
is "$(digest civil_affairs)" "$before_civil_affairs" "civil_affairs unchanged"

# --- bad files
printf 'id_no,name,sex,birthday,address,status\n360426199101010071,李明,M,1991-01-01,,alive\n' >"$d/header.csv"
err=$(import population "$d/header.csv" --skip-bad 2>&1); rc=$?
is "$rc" 1 "a wrong header is refused, even with --skip-bad"
like "$err" "line 1: unknown column 'birthday'; column 'birth_date' is missing; the columns of population are id_no,name,sex,birth_date,address,status" "the header's mistakes are named"
: >"$d/empty.csv"
err=$(import population "$d/empty.csv" 2>&1); rc=$?
is "$rc" 1 "an empty file is refused"
like "$err" 'line 1: the file is empty' "as empty"
printf 'id_no,name,sex,birth_date,address,status\n' >"$d/header_only.csv"
err=$(import population "$d/header_only.csv" 2>&1); rc=$?
is "$rc" 1 "a header without rows does not empty the register"
like "$err" 'has no good rows: nothing was loaded' "it says so"
err=$(import population "$d/missing.csv" 2>&1); rc=$?
is "$rc" 1 "a missing file: exit 1"
like "$err" 'cannot read .*missing\.csv' "named"
is "$(count population)" 50 "none of these changed the register"
"$bin" -U postgres shared import people "$d/small.csv" >/dev/null 2>&1; is $? 2 "an unknown register is a usage error (2)"
"$bin" -U postgres shared import population >/dev/null 2>&1; is $? 2 "a missing file argument is a usage error (2)"
out=$("$bin" shared --help); like "$out" 'elicence +holder_id,licence_type,licence_no,issued_on,valid_until,status' "help lists the formats"
out=$("$bin" --help); like "$out" 'shared +import register extracts' "the noun is listed"

# --- rights: a login that may only read the registers is refused before any work
shared -c "DROP ROLE IF EXISTS cd_import_reader" -c "CREATE ROLE cd_import_reader LOGIN PASSWORD 'reader-pw' IN ROLE cd_registry_reader"
err=$(PGPASSWORD=reader-pw "$bin" -U cd_import_reader shared import population "$d/demo_population.csv" 2>&1); rc=$?
is "$rc" 77 "a read-only login may not import (77)"
like "$err" 'rights' "and is told it lacks the rights"
"$bin" shared import population "$d/demo_population.csv" >/dev/null 2>"$d/err"; rc=$?
ok "$([ "$rc" -ne 0 ]; echo $?)" "without -U (the configuration's read-only login) nothing is imported"
like "$(cat "$d/err")" 'give it with -U' "and the message says to give a login with -U"
is "$(count population)" 50 "the register is unchanged"

# --- replacing while others read
big=100000
shared -c "\\copy (SELECT id17 || registry.gb11643_check_char(id17) AS id_no, 'bench' || i AS name, CASE WHEN i % 2 = 1 THEN 'M' ELSE 'F' END AS sex, b AS birth_date, NULL AS address, 'alive' AS status FROM generate_series(0, $big - 1) AS i CROSS JOIN LATERAL (SELECT date '1950-01-01' + i / 500 AS b) x CROSS JOIN LATERAL (SELECT '330702' || to_char(x.b, 'YYYYMMDD') || lpad((i % 500 * 2 + i % 2)::text, 3, '0') AS id17) y) TO '$d/big.csv' WITH (FORMAT csv, HEADER true)"
import population "$d/demo_population.csv" >/dev/null 2>&1
is "$(count population)" "$n_population" "the demo register is back before the readers start"
# Reader 1 counts in the shared-data database itself; reader 2 through the
# foreign table of the main database, as the look-ups do (as cd_owner, whose
# user mapping it is; postgres_fdw reads in REPEATABLE READ).
awk 'BEGIN { for (i = 0; i < 100000; i++) print "SELECT count(*) FROM registry.population;" }' >"$d/read1.sql"
awk 'BEGIN { print "SET ROLE cd_owner;"; for (i = 0; i < 100000; i++) print "SELECT count(*) FROM shared.population;" }' >"$d/read2.sql"
psql -X -q -At -U postgres -d counterdesk_shared -f "$d/read1.sql" >"$d/seen1" 2>&1 &
readers="$readers $!"
psql -X -q -At -U postgres -d counterdesk -f "$d/read2.sql" >"$d/seen2" 2>&1 &
readers="$readers $!"
sleep 0.5
fails=0
for i in 1 2 3; do
	import population "$d/big.csv" >/dev/null 2>&1 || fails=$((fails + 1))
	import population "$d/demo_population.csv" >/dev/null 2>&1 || fails=$((fails + 1))
done
sleep 0.3
for p in $readers; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
readers=""
is "$fails" 0 "six replacements while two sessions read"
for s in 1 2; do
	total=$(grep -c . "$d/seen$s")
	odd=$(grep -vxE "$n_population|$big" "$d/seen$s" | grep -v 'terminated\|connection\|server closed' | sort | uniq -c | head -3)
	is "$odd" "" "reader $s saw only the old or the new count ($total reads)"
	ok "$([ "$(grep -cx "$big" "$d/seen$s")" -gt 0 ] && [ "$(grep -cx "$n_population" "$d/seen$s")" -gt 0 ]; echo $?)" "reader $s saw both registers"
done

done_testing
