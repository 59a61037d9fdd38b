# The shared start of the benchmarks that need a database of their own
# (hall.sh, take_next.sh, queue_page.sh, dashboard.sh). Source it after
# setting top (the source tree) and db (the database's name), then:
#   bench_start TAG   when no cluster is given (make bench gives one), makes a
#                     throwaway one; sets bin and tmp; at exit runs
#                     bench_cleanup_extra (when the script defines it), drops
#                     $db (unless BENCH_KEEP=1, to look at it afterwards) and
#                     removes what it made
#   bench_database    $db afresh: migrated, the demo data; $tmp/bench.ini
#                     names it
#   su_psql ARGS...   psql as the cluster superuser
#   bench_pgbench     sets pgbench (exit 1 when none is installed)
#   bench_seed_sql ITEM NAME_ZH NAME_EN
#                     prints the SQL that loads a one-step 民政 item ITEM and
#                     accepts one case of it through api.case_submit: the
#                     applicant the benchmark's copied cases share
su_psql() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -U postgres -v ON_ERROR_STOP=1 "$@"; }

bench_cleanup() {
	command -v bench_cleanup_extra >/dev/null 2>&1 && bench_cleanup_extra
	[ -n "${BENCH_KEEP:-}" ] || psql -X -q -U postgres -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
	rm -rf "$tmp"
	if [ -n "$own_cluster" ]; then
		"$top/scripts/cluster.sh" destroy "$own_cluster/cluster" >/dev/null 2>&1
		rm -rf "$own_cluster"
	fi
}

bench_start() {
	own_cluster=""
	if [ -z "${COUNTERDESK_CONFIG:-}" ]; then
		own_cluster=$(mktemp -d "/tmp/cd$1.XXXXXX")
		chmod 755 "$own_cluster"
		echo "== a throwaway cluster in $own_cluster"
		COUNTERDESK_THROWAWAY=1 "$top/scripts/cluster.sh" up "$own_cluster/cluster" >"$own_cluster/setup.log" 2>&1 ||
			{ cat "$own_cluster/setup.log"; exit 1; }
		export COUNTERDESK_CONFIG="$own_cluster/cluster/counterdesk.ini" PGHOST="$own_cluster/cluster/run"
		export COUNTERDESK_BIN="$top/build/counterdesk" COUNTERDESK_TMP="$own_cluster"
	fi
	bin=${COUNTERDESK_BIN:-$top/build/counterdesk}
	tmp=$(mktemp -d "${COUNTERDESK_TMP:-/tmp}/$1.XXXXXX")
	trap bench_cleanup EXIT
}

bench_database() {
	echo "== setting up $db"
	su_psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null || exit 1
	sed "s|dbname=counterdesk\$|dbname=$db|" "$COUNTERDESK_CONFIG" >"$tmp/bench.ini"
	"$bin" --config "$tmp/bench.ini" -U postgres db migrate >"$tmp/migrate.log" 2>&1 || { cat "$tmp/migrate.log"; exit 1; }
	for f in "$top"/sql/demo/*.sql; do
		su_psql -d "$db" -1 -f "$f" >/dev/null || exit 1
	done
}

bench_pgbench() {
	pgbench=""
	for v in 15 16 17; do [ -x "/usr/lib/postgresql/$v/bin/pgbench" ] && pgbench="/usr/lib/postgresql/$v/bin/pgbench" && break; done
	[ -n "$pgbench" ] || pgbench=$(command -v pgbench) || { echo "bench: pgbench not found"; exit 1; }
}

bench_seed_sql() {
	cat <<SQL
SELECT count(*) FROM api.forms_load(gen_random_uuid(), \$json\$
{"code": "$1", "version": 1, "name_zh": "$2", "name_en": "$3",
 "applicant": "person", "promised_days": 10, "count_acceptance_day": false,
 "departments": ["MZ"], "groups": [],
 "steps": [{"number": 1, "dept": "MZ", "group": 1, "days": 5, "name_zh": "民政审核", "name_en": "Civil affairs"}],
 "fields": [], "materials": []}
\$json\$::jsonb);
SET SESSION AUTHORIZATION clerk1;
SELECT count(*) FROM api.case_submit(gen_random_uuid(), gen_random_uuid(), '$1', NULL,
	jsonb_build_object('id', gen_random_uuid(), 'kind', 'person', 'name', '基准',
			   'id_no', jsonb_build_object('cipher', 'v1:' || md5('bench'), 'mask', '330702********0001',
						       'blind', left(md5('bench'), 8))),
	'{}', '{}', '{}', NULL, NULL);
RESET SESSION AUTHORIZATION;
SQL
}
