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
