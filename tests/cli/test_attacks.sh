# Role attacks through psql: each demo login (clerk, helper, reviewer,
# supervisor, admin, kiosk; password <login>-demo over SCRAM) connects with
# psql, not through counterdesk, and tries what it must not do: read the base
# tables, reveal personal data without a purpose, rate as staff, change or
# delete the audit log, call administrators' functions, take another role,
# escape the schemas, read other people's work. The database refuses each,
# with SQLSTATE 42501 (or the specific refusal named).
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
export LANG=C.UTF-8 LANGUAGE=
FATHER=330702198803151237

d=$(mktemp -d "$COUNTERDESK_TMP/attacks.XXXXXX")

# state LOGIN SQL: the SQLSTATE of the first error, or "ok" when it ran.
state() {
	out=$(printf '\\set VERBOSITY sqlstate\n%s;\n' "$2" |
		PGPASSWORD="$1-demo" psql -X -q -At -U "$1" -d counterdesk -v ON_ERROR_STOP=1 2>&1)
	s=$(printf '%s\n' "$out" | sed -n 's/^.*ERROR: *\([0-9A-Z]\{5\}\).*$/\1/p' | head -1)
	echo "${s:-ok}"
}
# refused LOGIN EXPECTED-STATE DESCRIPTION SQL: queued, and run by flush in
# one psql session per login (a login per attack would take half a minute),
# each attack in a transaction of its own that is rolled back, so a SET or
# an attack that got through changes nothing for the next one.
refused() {
	printf '%s\t%s\t%s\n' "$2" "$3" "$4" >>"$d/q.$1"
	grep -qxF -- "$1" "$d/logins" 2>/dev/null || echo "$1" >>"$d/logins"
}
flush() {
	while read -r who; do
		awk -F '\t' '{ printf "\\warn @@%d\nBEGIN;\n%s;\nROLLBACK;\n", NR, $3 } END { printf "\\warn @@end\n" }' \
			"$d/q.$who" >"$d/script"
		(printf '\\set VERBOSITY sqlstate\n'; cat "$d/script") |
			PGPASSWORD="$who-demo" psql -X -q -At -U "$who" -d counterdesk >/dev/null 2>"$d/err"
		n=0
		while IFS='	' read -r want desc sql; do
			n=$((n + 1))
			got=$(awk -v a="@@$n" -v b="@@$((n + 1))" '$0 == a { on = 1; next }
				on && ($0 == b || $0 == "@@end") { exit }
				on && match($0, /ERROR: *[0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z]/) {
					s = substr($0, RSTART, RLENGTH); sub(/ERROR: */, "", s); print s; exit }' "$d/err")
			is "${got:-ok}" "$want" "$who: $desc ($want)"
		done <"$d/q.$who"
		rm -f "$d/q.$who"
	done <"$d/logins"
	rm -f "$d/logins"
}

# The logins work at all (so a refusal below is a refusal, not a failed login).
for who in clerk1 green1 reviewer.mz super1 admin1 kiosk1; do
	is "$(state "$who" 'SELECT login FROM api.whoami()')" ok "$who logs in with psql over SCRAM"
done
out=$(PGPASSWORD=wrong psql -X -q -At -U clerk1 -d counterdesk -c 'SELECT 1' 2>&1)
like "$out" 'password authentication failed' "a wrong password is refused"

uuid="gen_random_uuid()"
# A case of this run: 新生儿出生一件事 goes to WJ, then GA, then YB and RS;
# never to MZ, whose reviewer must not see it.
MOTHER=330702199007222465
case_no=$(PGPASSWORD=clerk1-demo "$COUNTERDESK_BIN" -U clerk1 case new --item newborn --applicant "$FATHER" \
	--idempotency-key "attacks-$$" \
	--field child_name=张小明 --field child_sex=男 --field child_birth_date=2026-11-20 \
	--field birth_place=金华市中心医院 --field birth_cert_no=Q330012345 --field child_ethnicity=汉族 \
	--field "father_idno=$FATHER" --field father_name=张伟 --field "mother_idno=$MOTHER" \
	--field registered_with=随父 --field household_address=浙江省金华市婺城区城北街道8号 \
	--field card_bank=中国银行 --field card_delivery=窗口领取 --field contact_phone=13912345678 \
	--material parents_id_cards=provided --material household_register=provided \
	--material marriage_certificate=provided --material birth_medical_certificate=provided \
	--material card_photo=provided 2>&1 | sed -n 's/^Accepted: case \([^,]*\),.*/\1/p')
like "$case_no" '^[0-9]{6}-[0-9]{8}-[0-9]{4}$' "a case of this run ($case_no)"
routing=$(psql -X -q -At -U postgres -d counterdesk -c "SELECT to_regprocedure('api.task_take_next(uuid)') IS NOT NULL")
if [ "$routing" = t ]; then
	wj_task=$(psql -X -q -At -U postgres -d counterdesk -c "SELECT t.id FROM core.task t JOIN core.case c ON c.id = t.case_id
		WHERE c.case_no = '$case_no' AND t.dept_code = 'WJ'")
	[ -n "$wj_task" ]; ok $? "its first task is open in WJ (task $wj_task)"
fi
for who in clerk1 green1 reviewer.mz super1 admin1 kiosk1; do
	# Base tables and the internal functions.
	refused "$who" 42501 "cannot read core.case" 'SELECT * FROM core.case LIMIT 1'
	refused "$who" 42501 "cannot read core.applicant (sealed personal data)" 'SELECT * FROM core.applicant LIMIT 1'
	refused "$who" 42501 "cannot read core.staff" 'SELECT * FROM core.staff LIMIT 1'
	refused "$who" 42501 "cannot read the registers behind the look-up" 'SELECT * FROM shared.population LIMIT 1'
	# The audit log.
	refused "$who" 42501 "cannot UPDATE core.audit" "UPDATE core.audit SET actor = 'nobody'"
	refused "$who" 42501 "cannot DELETE from core.audit" 'DELETE FROM core.audit'
	refused "$who" 42501 "cannot TRUNCATE core.audit" 'TRUNCATE core.audit'
	refused "$who" 42501 "cannot disable the audit triggers" 'ALTER TABLE core.audit DISABLE TRIGGER ALL'
	refused "$who" 42501 "cannot write a forged audit row" "SELECT core.audit_write('forged', '', '{}')"
	refused "$who" 42501 "cannot move the chain head" 'UPDATE core.audit_head SET last_id = 0'
	refused "$who" 42501 "cannot delete a seal" 'DELETE FROM core.audit_seal'
	# Becoming someone else, or more.
	refused "$who" 42501 "cannot SET ROLE cd_owner" 'SET ROLE cd_owner'
	refused "$who" 42501 "cannot SET SESSION AUTHORIZATION postgres" 'SET SESSION AUTHORIZATION postgres'
	refused "$who" 42501 "cannot make itself superuser" "ALTER ROLE \"$who\" SUPERUSER"
	refused "$who" 42501 "cannot create a role" 'CREATE ROLE mallory LOGIN SUPERUSER'
	refused "$who" 42501 "cannot create in schema api (to shadow a function)" 'CREATE FUNCTION api.whoami2() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$'
	refused "$who" 42501 "cannot create in schema public" 'CREATE TABLE public.loot (x text)'
	refused "$who" 42501 "cannot read server files" "SELECT pg_read_file('/etc/passwd')"
	refused "$who" 42501 "cannot COPY to a server file" "COPY (SELECT 1) TO '/tmp/loot'"
	# The back office's tables.
	if [ "$routing" = t ]; then
		refused "$who" 42501 "cannot read core.task" 'SELECT * FROM core.task LIMIT 1'
		refused "$who" 42501 "cannot read the ready set" 'SELECT * FROM core.task_ready LIMIT 1'
		refused "$who" 42501 "cannot read core.case_event" 'SELECT * FROM core.case_event LIMIT 1'
		refused "$who" 42501 "cannot change a task" "UPDATE core.task SET status = 'approved'"
		case $who in reviewer.*) ;; *)
			refused "$who" 42501 "cannot take the next task" "SELECT * FROM api.task_take_next($uuid)"
			refused "$who" 42501 "cannot claim a task" "SELECT * FROM api.task_claim($uuid, $wj_task)"
			refused "$who" 42501 "cannot decide a task" "SELECT * FROM api.task_decide($uuid, $wj_task, 'approve', NULL)"
		esac
		case $who in super1) ;; *)
			refused "$who" 42501 "cannot reassign a task" "SELECT * FROM api.task_reassign($uuid, $wj_task, 'reviewer.mz', NULL, 'x')"
		esac
		case $who in reviewer.*|super1) ;; *)
			refused "$who" 42501 "cannot list tasks" "SELECT * FROM api.task_list(NULL, NULL, NULL, NULL, NULL, NULL, NULL, 10)"
		esac
	fi
	# Administrators' functions.
	[ "$who" = admin1 ] || {
		refused "$who" 42501 "cannot add staff" "SELECT api.staff_add($uuid, 'mallory', 'M', 'admin', 'ZHCK', NULL, 'x')"
		refused "$who" 42501 "cannot disable staff" "SELECT api.staff_disable($uuid, 'admin1')"
		refused "$who" 42501 "cannot add a department" "SELECT api.dept_add($uuid, 'EVIL', 'x')"
		refused "$who" 42501 "cannot load service items" "SELECT api.forms_load($uuid, '[]')"
		refused "$who" 42501 "cannot load the hall" "SELECT api.hall_load($uuid, '{}')"
		refused "$who" 42501 "cannot load a calendar" "SELECT api.calendar_load($uuid, 2026, '[]')"
		refused "$who" 42501 "cannot set another's password" "SELECT api.staff_set_password($uuid, 'admin1', 'SCRAM-SHA-256\$4096:x')"
	}
	# Rating as staff: only the kiosk (the visitor's pad) rates.
	[ "$who" = kiosk1 ] || refused "$who" 42501 "cannot rate a service" "SELECT api.rating_add($uuid, 1, 5, '')"
	# The supervisor's dashboard, reports and steps in.
	if [ "$who" != super1 ] && [ "$(psql -X -q -At -U postgres -d counterdesk -c "SELECT to_regprocedure('api.dashboard(int)') IS NOT NULL")" = t ]; then
		refused "$who" 42501 "cannot read the dashboard" 'SELECT * FROM api.dashboard(0)'
		refused "$who" 42501 "cannot read the reports" 'SELECT * FROM api.report(current_date - 7, current_date)'
		refused "$who" 42501 "cannot open a temporary window" "SELECT * FROM api.temp_window_open($uuid, 99, '{A}', 'x')"
		refused "$who" 42501 "cannot escalate a case" "SELECT * FROM api.case_escalate($uuid, '$case_no', 'x')"
	fi
	# Supervisors and admins only: the log and its seals.
	case $who in super1|admin1) ;; *)
		refused "$who" 42501 "cannot read the audit log" 'SELECT * FROM api.audit_log LIMIT 1'
		refused "$who" 42501 "cannot read the audit rows for a seal" 'SELECT * FROM api.audit_rows(NULL)'
		refused "$who" 42501 "cannot add a seal" "SELECT api.audit_seal_add($uuid, 1, repeat('0', 64), repeat('0', 80), repeat('0', 64), repeat('0', 128))"
	esac
done
flush

# Personal data: a look-up needs a purpose, and only the counter may look up.
refused clerk1 22023 "cannot look a person up without a purpose" "SELECT * FROM api.registry_person('$FATHER', '')"
refused green1 22023 "cannot look a person up without a purpose (helper)" "SELECT * FROM api.registry_person('$FATHER', '  ')"
for who in reviewer.mz super1 admin1 kiosk1; do
	refused "$who" 42501 "cannot look a person up in the registry" "SELECT * FROM api.registry_person('$FATHER', 'curious')"
	refused "$who" 42501 "cannot look an applicant up" "SELECT * FROM api.applicant_candidates('00000000')"
done
# Other people's work.
for who in reviewer.mz admin1 kiosk1; do
	refused "$who" 42501 "cannot list the counter's cases" "SELECT * FROM api.case_list(NULL, 10)"
done
for who in admin1 kiosk1; do
	refused "$who" 42501 "cannot read a case" "SELECT * FROM api.case_get('$case_no')"
done
# Another department's case and tasks: to reviewer.mz they do not exist.
refused reviewer.mz P0002 "cannot read another department's case" "SELECT * FROM api.case_get('$case_no')"
if [ "$routing" = t ]; then
	refused reviewer.mz P0002 "cannot read another department's case timeline" "SELECT * FROM api.case_timeline('$case_no')"
	refused reviewer.mz P0002 "cannot read another department's task" "SELECT * FROM api.task_get($wj_task)"
	refused reviewer.mz P0002 "cannot claim another department's task" "SELECT * FROM api.task_claim($uuid, $wj_task)"
	refused reviewer.mz P0002 "cannot decide another department's task" "SELECT * FROM api.task_decide($uuid, $wj_task, 'approve', NULL)"
	refused reviewer.mz ok "task_list for WJ lists only MZ's own tasks (none of WJ)" \
		"SELECT CASE WHEN count(*) = 0 THEN 0 ELSE 1 / (count(*) * 0) END FROM api.task_list('WJ', NULL, NULL, NULL, NULL, NULL, NULL, 500) WHERE dept_code <> 'MZ'"
	refused reviewer.mz ok "the department summary holds MZ only" \
		"SELECT CASE WHEN count(*) FILTER (WHERE dept_code <> 'MZ') = 0 THEN 0 ELSE 1 / (count(*) * 0) END FROM api.task_dept_summary()"
	refused reviewer.wj ok "WJ's reviewer sees the task (the refusals above are about the department)" \
		"SELECT CASE WHEN count(*) = 1 THEN 0 ELSE 1 / (count(*) * 0) END FROM api.task_get($wj_task)"
	refused reviewer.wj 42501 "a reviewer cannot decide a task it does not hold" "SELECT * FROM api.task_decide($uuid, $wj_task, 'approve', NULL)"
fi
refused kiosk1 42501 "cannot call a ticket" "SELECT api.window_call($uuid, 1)"
refused kiosk1 42501 "cannot read the queue" 'SELECT * FROM api.hall_queue()'
refused reviewer.mz 42501 "cannot close the hall's day" "SELECT api.hall_close_day($uuid, 'x', false)"
refused clerk1 42501 "cannot decide a rating appeal" "SELECT api.rating_decide_appeal($uuid, 1, true, 'x')"
refused clerk2 42501 "cannot read clerk1's drafts (row-level security)" 'SELECT * FROM core.draft'
is "$(state clerk2 "SELECT count(*) FROM api.draft_list() WHERE false")" ok "clerk2 reads only its own draft list"
refused super1 42501 "a supervisor cannot log a green-channel session" "SELECT api.green_end($uuid, 1, 'x', '{}', 'x', 'x', NULL)"
flush

rm -rf "$d"
done_testing
