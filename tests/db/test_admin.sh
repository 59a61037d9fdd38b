# Migrations, departments, staff and the audit chain through the CLI, and the
# database's own refusals through psql, against the throwaway cluster.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
. "$COUNTERDESK_TOP/tests/lib/cli.sh"
export LANG=C.UTF-8 LANGUAGE=
bin="$COUNTERDESK_BIN"
d=$(mktemp -d "$COUNTERDESK_TMP/admin.XXXXXX")

# --- migrations
out=$("$bin" -U postgres db status); rc=$?
is "$rc" 0 "db status exits 0 when everything is applied"
like "$out" '0 pending, 0 edited' "db status reports nothing pending"
like "$out" '001_roles\.sql' "db status lists 001_roles.sql"
out=$("$bin" -U postgres db migrate); is $? 0 "migrate again exits 0"
like "$out" 'up to date' "a second migrate applies nothing (idempotent)"
out=$("$bin" -U postgres --json db status)
like "$out" '^\[\{"name":"001_roles.sql","state":"applied"' "db status --json"

cp -R "$COUNTERDESK_TOP/sql" "$d/sql"
sed "s|^sql = .*|sql = $d/sql|" "$COUNTERDESK_CONFIG" >"$d/edited.ini"
first=$(ls "$d/sql" | grep -E '^[0-9]{3}_.*\.sql$' | head -1)
printf '\n-- edited after it was applied\n' >>"$d/sql/$first"
out=$("$bin" --config "$d/edited.ini" -U postgres db migrate 2>&1); rc=$?
is "$rc" 1 "an edited applied migration is refused"
like "$out" "$first" "the refusal names the edited file"
out=$("$bin" --config "$d/edited.ini" -U postgres db status 2>&1); is $? 1 "db status exits 1 when a migration was edited"
like "$out" "EDITED" "db status marks it edited"

# A fresh database migrates from empty, twice.
su_psql -d postgres -c 'DROP DATABASE IF EXISTS cd_fresh' -c 'CREATE DATABASE cd_fresh'
sed "s|dbname=counterdesk\$|dbname=cd_fresh|" "$COUNTERDESK_CONFIG" >"$d/fresh.ini"
out=$("$bin" --config "$d/fresh.ini" -U postgres db migrate 2>&1); ok $? "migrations apply to an empty database"
n_files=$(ls "$COUNTERDESK_TOP/sql" | grep -cE '^[0-9]{3}_.*\.sql$')
is "$(printf '%s\n' "$out" | grep -c '^applied ')" "$n_files" "every migration file applied once"
out=$("$bin" --config "$d/fresh.ini" -U postgres db migrate 2>&1)
like "$out" 'up to date' "and a second run applies nothing"
su_psql -d postgres -c 'DROP DATABASE cd_fresh'

# --- departments and staff, as admin and as clerk
out=$(as admin1 dept add TST 测试科 2>&1); is $? 0 "admin adds a department"
out=$(as admin1 --json dept list); like "$out" '"code":"TST","name":"测试科"' "dept list --json shows it"
out=$(as admin1 dept add TST 又一个 2>&1); is $? 1 "a duplicate department exits 1"
like "$out" 'exists' "and says it exists"
out=$(as clerk1 dept add XX 不该有 2>&1); is $? 77 "a clerk adding a department is refused (77)"
out=$(as clerk1 staff list 2>&1); is $? 77 "a clerk listing staff is refused (77)"
out=$(as admin1 staff list); like "$out" 'clerk1' "admin lists staff"
out=$(as super1 --json staff list); like "$out" '"login":"reviewer.mz"' "supervisor lists staff as JSON"

printf 'a-long-secret-1\n' >"$d/pw"
out=$(as admin1 staff add newclerk --name 李四 --role clerk --dept ZHCK --window 5 --password-file "$d/pw" 2>&1)
is $? 0 "admin adds a staff member"
PGPASSWORD=a-long-secret-1 psql -X -At -U newclerk -d counterdesk -c 'select login, window_no from api.whoami()' >"$d/who" 2>&1
is "$(cat "$d/who")" "newclerk|5" "the new staff member logs in with the password"
out=$(as clerk1 staff add intruder --name X --role admin --dept ZHCK --password-file "$d/pw" 2>&1)
is $? 77 "a clerk adding staff is refused by the database"
out=$(as admin1 staff add bad --name X --role wizard --dept ZHCK --password-file "$d/pw" 2>&1)
is $? 2 "an unknown role is a usage error"
out=$(as admin1 staff add other --name X --role clerk --dept NOPE --password-file "$d/pw" 2>&1)
is $? 1 "an unknown department exits 1"
# staff password: the admin sets anyone's, everyone their own, nobody else's
printf 'a-second-secret-2\n' >"$d/pw2"
out=$(as admin1 staff password newclerk --password-file "$d/pw2" 2>&1)
is $? 0 "admin sets the new member's password"
PGPASSWORD=a-second-secret-2 psql -X -At -U newclerk -d counterdesk -c 'select login from api.whoami()' >"$d/who" 2>&1
is "$(cat "$d/who")" "newclerk" "... who logs in with it"
PGPASSWORD=a-long-secret-1 psql -X -At -U newclerk -d counterdesk -c 'select 1' >/dev/null 2>&1
is $? 2 "... and no longer with the old one"
out=$(PGPASSWORD=a-second-secret-2 "$bin" -U newclerk staff password newclerk --password-file "$d/pw" 2>&1)
is $? 0 "a clerk sets their own password"
out=$(as clerk1 staff password newclerk --password-file "$d/pw2" 2>&1)
is $? 77 "a clerk setting someone else's password is refused by the database"
printf 'short\n' >"$d/pw3"
out=$(as admin1 staff password newclerk --password-file "$d/pw3" 2>&1)
is $? 1 "a password under 8 characters is refused"
out=$(as admin1 staff password nosuchlogin --password-file "$d/pw2" 2>&1)
is $? 1 "an unknown login exits 1"
like "$out" "No such staff member|没有该工作人员|nosuchlogin" "... and says so"
out=$(as admin1 staff disable newclerk 2>&1); is $? 0 "admin disables the staff member"
PGPASSWORD=a-long-secret-1 psql -X -At -U newclerk -d counterdesk -c 'select 1' >/dev/null 2>&1
is $? 2 "a disabled staff member can no longer log in"
out=$(PGPASSWORD=wrong "$bin" -U clerk1 dept list 2>&1); is $? 77 "a wrong password exits 77"
like "$out" 'Wrong login or password' "and says so"

# --- the database refuses a clerk even through psql
out=$(PGPASSWORD=clerk1-demo psql -X -At -U clerk1 -d counterdesk -c 'select * from core.staff' 2>&1)
like "$out" 'permission denied' "clerk cannot select base tables with psql"
out=$(PGPASSWORD=clerk1-demo psql -X -At -U clerk1 -d counterdesk -c "select api.dept_add(gen_random_uuid(), 'ZZ', 'x')" 2>&1)
like "$out" 'permission denied' "clerk cannot call admin functions with psql"

# --- audit chain
out=$(as super1 audit verify); is $? 0 "the audit chain verifies"
like "$out" 'intact' "and says it is intact"
out=$(as clerk1 audit verify 2>&1); is $? 77 "a clerk may not run audit verify"
victim=$(su_psql -c "select id from core.audit order by id offset 1 limit 1")
original=$(su_psql -c "select detail::text from core.audit where id = $victim")
tamper() { # tamper JSON: rewrite the row's detail behind the triggers' back
	su_psql -v detail="$1" -v id="$victim" <<'SQL'
ALTER TABLE core.audit DISABLE TRIGGER USER;
UPDATE core.audit SET detail = :'detail'::jsonb WHERE id = :id;
ALTER TABLE core.audit ENABLE TRIGGER USER;
SQL
}
tamper '{"forged":true}'
out=$(as super1 --json audit verify); rc=$?
is "$rc" 1 "a row altered by the superuser is detected"
like "$out" "\"first_broken\":$victim" "verify names the altered row"
tamper "$original"
out=$(as super1 audit verify); is $? 0 "restoring the row makes the chain verify again"
rm -rf "$d"
done_testing
