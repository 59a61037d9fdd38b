# The intake database under real logins and real concurrency, which one
# pgTAP transaction cannot show: parallel submits get distinct numbers with
# no gaps, the same operation sent from several connections at once makes
# one case, and the shared-data login cannot be used by anyone but the
# server. Runs in a database of its own (cd_intake_conc), dropped at the
# end, so that the cases made here are seen by no other suite.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
export LANG=C.UTF-8 LANGUAGE=
bin="$COUNTERDESK_BIN"
db=cd_intake_conc
d=$(mktemp -d "$COUNTERDESK_TMP/intake.XXXXXX")
su_psql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -U postgres -v ON_ERROR_STOP=1 "$@"; }
as() { # as LOGIN psql-args...   (password <login>-demo)
	login=$1; shift
	PGPASSWORD="$login-demo" psql -X -q -At -U "$login" -d "$db" -v ON_ERROR_STOP=1 "$@"
}

# --- a database of our own: migrations, configure, demo staff, one item
su_psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
sed "s|dbname=counterdesk\$|dbname=$db|" "$COUNTERDESK_CONFIG" >"$d/conc.ini"
"$bin" --config "$d/conc.ini" -U postgres db migrate >"$d/migrate.log" 2>&1
ok $? "migrations and core.configure apply to a new database"
for f in "$COUNTERDESK_TOP"/sql/demo/*.sql; do
	su_psql -d "$db" -1 -f "$f" >/dev/null 2>&1 || diag "demo file $f failed"
done
su_psql -d "$db" >"$d/setup.log" 2>&1 <<'SQL'
-- Today is whatever day it is: load that year and the next as Monday-Friday.
SELECT api.calendar_load(gen_random_uuid(), y, '[]')
FROM generate_series(extract(year FROM core.today())::int, extract(year FROM core.today())::int + 1) y;
SELECT * FROM api.forms_load(gen_random_uuid(), '{"code": "zz_conc", "version": 1, "name_zh": "并发测试",
 "name_en": "Concurrency test", "applicant": "person", "promised_days": 3, "count_acceptance_day": false,
 "departments": ["RS"], "groups": [], "steps": [],
 "fields": [{"key": "name", "label_zh": "姓名", "label_en": "Name", "type": "text", "required": true,
	     "max_length": 30, "prefill": null, "group": null, "send_to": ["RS"], "when": null}],
 "materials": [{"code": "id_card", "name_zh": "居民身份证", "name_en": "Identity card", "key": true,
		"check": null, "note_zh": null, "note_en": null, "send_to": ["RS"], "when": null}]}');
SQL
ok $? "calendar and a test item loaded"

# submit OP CASE: one api.case_submit as clerk1; prints outcome|case_no
submit() {
	as clerk1 -v op="$1" -v cid="$2" <<'SQL'
SELECT outcome || '|' || coalesce(case_no, notice_no)
FROM api.case_submit(:'op', :'cid', 'zz_conc', NULL,
	jsonb_build_object('id', '00000000-0000-4000-8000-0000000a0001', 'kind', 'person', 'name', '王芳',
			   'id_no', '{"cipher": "v1:c2VhbGVkLWlkLW51bWJlcg", "mask": "330702********1237", "blind": "0123abcd"}'::jsonb),
	'{"name": "王芳"}', '{}', '{"id_card": "provided"}', NULL, NULL);
SQL
}
uuid() { printf '00000000-0000-4000-8000-%012d' "$1"; }

# --- eight clerks' submits at once
for i in 1 2 3 4 5 6 7 8; do
	submit "$(uuid $((100 + i)))" "$(uuid $((200 + i)))" >"$d/par.$i" 2>&1 &
done
wait
cat "$d"/par.* >"$d/par"
is "$(grep -c '^accepted|' "$d/par")" 8 "eight submits at once are all accepted"
is "$(cut -d'|' -f2 "$d/par" | sort -u | wc -l | tr -d ' ')" 8 "... under eight different case numbers"
nums=$(cut -d'|' -f2 "$d/par" | sed 's/.*-//' | sort -n | tr '\n' ' ')
is "$nums" "0001 0002 0003 0004 0005 0006 0007 0008 " "... numbered 1 to 8 without a gap"

# --- one operation sent from four connections at once (a retry racing the first try)
for i in 1 2 3 4; do
	submit "$(uuid 300)" "$(uuid 400)" >"$d/same.$i" 2>&1 &
done
wait
cat "$d"/same.* >"$d/same"
is "$(sort -u "$d/same" | wc -l | tr -d ' ')" 1 "the same operation from four connections gets one answer"
like "$(cat "$d/same.1")" '^accepted\|.*-0009$' "... the next case number"
is "$(su_psql -d "$db" -c "SELECT count(*) FROM core.case WHERE op_id = '$(uuid 300)'")" 1 "... and makes one case"
out=$(as clerk1 -c "SELECT api.op_committed('$(uuid 300)')")
is "$out" t "api.op_committed says the operation was committed"
out=$(as clerk2 -c "SELECT api.op_committed('$(uuid 300)')")
is "$out" f "... to the clerk who made it only"

# --- a refusal, then the applicant comes back: the same form (case id), a new operation
out=$(as clerk1 -v op="$(uuid 500)" -v cid="$(uuid 600)" <<'SQL'
SELECT outcome || '|' || coalesce(case_no, notice_no)
FROM api.case_submit(:'op', :'cid', 'zz_conc', NULL,
	jsonb_build_object('id', '00000000-0000-4000-8000-0000000a0001', 'kind', 'person', 'name', '王芳'),
	'{"name": "王芳"}', '{}', '{"id_card": "missing"}', NULL, NULL);
SQL
)
like "$out" '^refused\|.*-GZ0001$' "a key material missing: refused with a notice"
out=$(submit "$(uuid 501)" "$(uuid 600)")
like "$out" '^accepted\|.*-0010$' "the same form under a new operation id is accepted later"

# --- drafts between two real logins
as clerk1 -c "SELECT api.draft_save('$(uuid 700)', 'zz_conc', 'v1:ZHJhZnQ', '王**')" >/dev/null
out=$(as clerk2 -c "SELECT count(*) FROM api.draft_list() WHERE id = '$(uuid 700)'")
is "$out" 0 "another clerk's login does not list my draft"
out=$(as clerk2 -c "SELECT * FROM api.draft_get('$(uuid 700)')" 2>&1)
like "$out" 'No such draft' "... nor read it"
out=$(as clerk1 -c "SELECT payload FROM api.draft_get('$(uuid 700)')")
is "$out" "v1:ZHJhZnQ" "my own login reads it back"

# --- the shared-data login is for the server's own connection only
out=$(psql -X -At -U cd_registry_reader -d counterdesk_shared -c 'SELECT 1' 2>&1)
rc=$?
if [ "$(id -un)" != "$(stat -c %U "$COUNTERDESK_CLUSTER/pgdata")" ]; then
	is "$rc" 2 "cd_registry_reader cannot log in from another OS user (peer map)"
else
	ok 0 "# SKIP the tests run as the server's OS user: the peer map lets them in"
fi
out=$(PGPASSWORD=x psql -X -At -U cd_registry_reader -d "$db" -c 'SELECT 1' 2>&1)
like "$out" 'rejects connection|pg_hba.conf' "cd_registry_reader is rejected by every other database"
out=$(as clerk1 -c "SELECT count(*) FROM api.registry_person('11010519491231002X', '并发测试核验')")
is "$out" 1 "a clerk's look-up goes through the server's mapping"

su_psql -d postgres -c "DROP DATABASE $db"
rm -rf "$d"
done_testing
