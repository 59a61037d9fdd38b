# A backup taken while clerks work restores into a new cluster, and the
# audit chain verifies there: two clerks accept cases in a loop, the roles
# (pg_dumpall --roles-only) and the database (pg_dump, custom format) are
# dumped meanwhile, a new cluster is made with initdb in a scratch
# directory, and everything is restored into it. The restored database
# passes `counterdesk audit verify`, also against a seal signed before the
# dump, and holds a consistent snapshot: every case with its audit row.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
. "$COUNTERDESK_TOP/tests/lib/cli.sh"
export LANG=C.UTF-8 LANGUAGE=
bin="$COUNTERDESK_BIN"
su_psql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -U postgres -v ON_ERROR_STOP=1 "$@"; }
d=$(mktemp -d "$COUNTERDESK_TMP/backup.XXXXXX")
chmod 755 "$d"
run=$$
FATHER=330702198803151237
MOTHER=330702199007222465

pgbin=""
for v in 15 16 17; do
	[ -x "/usr/lib/postgresql/$v/bin/initdb" ] && { pgbin="/usr/lib/postgresql/$v/bin"; break; }
done
if [ "$(id -u)" -eq 0 ]; then as_pg() { runuser -u postgres -- "$@"; }; owner=postgres
else as_pg() { "$@"; }; owner=$(id -un); fi

new="$d/cluster"
loops=""
cleanup() {
	for p in $loops; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -f "$new/pgdata/postmaster.pid" ] && as_pg "$pgbin/pg_ctl" -D "$new/pgdata" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$d"
}
trap cleanup EXIT

# --- clerks at work
clerk_loop() { # LOGIN: accepts newborn cases until $d/stop exists
	i=0
	while [ ! -f "$d/stop" ]; do
		i=$((i + 1))
		as "$1" case new --item newborn --applicant "$FATHER" --idempotency-key "backup-$run-$1-$i" \
			--field child_name=张小明 --field child_sex=男 --field child_birth_date=2026-11-20 \
			--field birth_place=金华市中心医院 --field birth_cert_no=Q330012345 --field child_ethnicity=汉族 \
			--field "father_idno=$FATHER" --field father_name=张伟 --field "mother_idno=$MOTHER" \
			--field registered_with=随父 --field household_address=浙江省金华市婺城区城北街道8号 \
			--field card_bank=中国银行 --field card_delivery=窗口领取 --field contact_phone=13912345678 \
			--material parents_id_cards=provided --material household_register=provided \
			--material marriage_certificate=provided --material birth_medical_certificate=provided \
			--material card_photo=provided >/dev/null 2>&1 && echo ok >>"$d/$1.done"
	done
}
"$bin" audit keygen "$d/seal.key" >/dev/null
out=$(as super1 audit seal --secret-key "$d/seal.key" 2>&1); ok $? "a supervisor seals the chain before the backup"
before=$(su_psql -d counterdesk -c 'SELECT count(*) FROM core.case')
clerk_loop clerk1 & loops="$loops $!"
clerk_loop clerk2 & loops="$loops $!"
# Dump once both clerks have accepted cases, i.e. while they are working.
end=$(($(date +%s) + 30))
while [ "$(cat "$d"/clerk*.done 2>/dev/null | wc -l)" -lt 4 ] && [ "$(date +%s)" -lt "$end" ]; do sleep 0.1; done
pg_dumpall -U postgres --roles-only -f "$d/roles.sql"; ok $? "pg_dumpall --roles-only while the clerks work"
pg_dump -U postgres -d counterdesk -Fc -f "$d/counterdesk.dump"; ok $? "pg_dump -Fc while the clerks work"
n1=$(cat "$d"/clerk*.done 2>/dev/null | wc -l)
sleep 0.5
touch "$d/stop"
wait $loops 2>/dev/null
loops=""
n2=$(cat "$d"/clerk*.done 2>/dev/null | wc -l)
after=$(su_psql -d counterdesk -c 'SELECT count(*) FROM core.case')
[ "$n1" -ge 4 ]; ok $? "the clerks had accepted $n1 cases when the dump started"
[ "$after" -gt "$before" ]; ok $? "the clerks accepted $((after - before)) cases in all ($n2 runs)"

# --- a new cluster
mkdir -p "$new/pgdata" "$new/run" "$new/log"
chown "$owner" "$new/pgdata" "$new/run" "$new/log"
chmod 700 "$new/pgdata"
as_pg "$pgbin/initdb" -D "$new/pgdata" -U postgres -E UTF8 --locale=C.UTF-8 >"$d/initdb.log" 2>&1
ok $? "initdb makes a new cluster"
# The same authentication as the original: staff by SCRAM, set-up by peer.
cp "$COUNTERDESK_CLUSTER/pgdata/pg_hba.conf" "$COUNTERDESK_CLUSTER/pgdata/pg_ident.conf" "$new/pgdata/"
chown "$owner" "$new/pgdata/pg_hba.conf" "$new/pgdata/pg_ident.conf"
printf "listen_addresses = ''\nunix_socket_directories = '%s'\nfsync = off\n" "$new/run" >>"$new/pgdata/postgresql.conf"
as_pg "$pgbin/pg_ctl" -D "$new/pgdata" -l "$new/log/postgresql.log" -w -t 60 start >/dev/null
ok $? "the new cluster starts"
new_psql() { PGHOST="$new/run" su_psql "$@"; }

# --- restore: the roles first (cluster-wide), then the database
PGHOST="$new/run" psql -X -q -U postgres -d postgres -f "$d/roles.sql" >"$d/roles.log" 2>&1
is "$(grep -c ERROR "$d/roles.log" | tr -d ' ')" 1 "the roles restore (the only error: role postgres exists)"
new_psql -d postgres -c 'CREATE DATABASE counterdesk'
PGHOST="$new/run" pg_restore -U postgres -d counterdesk --exit-on-error "$d/counterdesk.dump" 2>"$d/restore.log"
ok $? "pg_restore loads the dump without an error"
[ -s "$d/restore.log" ] && sed 's/^/# /' "$d/restore.log" | head -5
restored=$(new_psql -d counterdesk -c 'SELECT count(*) FROM core.case')
[ "$restored" -gt "$before" ] && [ "$restored" -le "$after" ]
ok $? "the restored database holds the cases up to the dump ($restored; $before before, $after after)"
is "$(new_psql -d counterdesk -c "SELECT count(*) FROM core.case c WHERE NOT EXISTS
	(SELECT 1 FROM core.audit a WHERE a.object = 'case:' || c.case_no)")" 0 \
	"a consistent snapshot: every restored case has its audit row"

# --- audit verify on the restored database, as a supervisor logging in by SCRAM
sed "s|host=[^ ]*run |host=$new/run |" "$COUNTERDESK_CONFIG" >"$d/new.ini"
grep -q "host=$new/run dbname=counterdesk" "$d/new.ini"; ok $? "a configuration for the new cluster"
out=$(PGPASSWORD=super1-demo "$bin" --config "$d/new.ini" -U super1 audit verify 2>&1); rc=$?
is "$rc" 0 "counterdesk audit verify passes on the restored database"
like "$out" 'intact: [0-9]+ rows checked' "$out"
out=$(PGPASSWORD=super1-demo "$bin" --config "$d/new.ini" -U super1 audit verify --public-key "$d/seal.key.pub" 2>&1)
is $? 0 "and so does the sealed check, recomputed in the client"
like "$out" 'sealed audit chain is intact' "the seal made before the backup verifies"
out=$(PGPASSWORD=clerk1-demo "$bin" --config "$d/new.ini" -U clerk1 case show "$(new_psql -d counterdesk -c 'SELECT max(case_no) FROM core.case')" 2>&1)
is $? 0 "a clerk logs in to the restored cluster with the same password and reads a case"

done_testing
