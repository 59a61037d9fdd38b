#!/bin/sh
# A private PostgreSQL cluster for the demo or the tests, on a Unix socket only.
#   cluster.sh up DIR        create (first time), start, migrate, load demo data, write DIR/counterdesk.ini
#   cluster.sh stop DIR      stop the server
#   cluster.sh destroy DIR   stop and remove everything under DIR that this script made
# PostgreSQL refuses to run as root: as root, the server runs as the postgres user.
set -eu

cmd=${1:?usage: cluster.sh up|stop|destroy DIR}
dir=${2:?usage: cluster.sh up|stop|destroy DIR}
top=$(cd "$(dirname "$0")/.." && pwd)
data="$dir/pgdata"
run="$dir/run"
log="$dir/log"
ini="$dir/counterdesk.ini"
bin="$top/build/counterdesk"

pgbin=""
for v in 15 16 17; do
	if [ -x "/usr/lib/postgresql/$v/bin/initdb" ]; then pgbin="/usr/lib/postgresql/$v/bin"; break; fi
done
[ -n "$pgbin" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql-15)"; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
	owner=postgres
	as_owner() { runuser -u postgres -- "$@"; }
else
	owner=$(id -un)
	as_owner() { "$@"; }
fi

# Set-up runs as the cluster superuser through peer authentication.
psql_su() { psql -X -q -v ON_ERROR_STOP=1 -h "$run" -U postgres "$@"; }

running() { [ -f "$data/postmaster.pid" ] && as_owner "$pgbin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

create_cluster() {
	mkdir -p "$dir"
	chmod 755 "$dir"
	if ! as_owner test -x "$dir"; then
		echo "The server runs as '$owner', who cannot enter $dir."
		echo "Move the project to a directory that user can reach (e.g. under /srv or /tmp)."
		exit 1
	fi
	mkdir -p "$data" "$run" "$log"
	chown "$owner" "$data" "$run" "$log"
	chmod 700 "$data"
	as_owner "$pgbin/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 \
		--auth-local=peer --auth-host=reject >"$log/initdb.log"
	write_auth
	cat >>"$data/postgresql.conf" <<CONF

# counterdesk private cluster
listen_addresses = ''
unix_socket_directories = '$run'
password_encryption = 'scram-sha-256'
lc_messages = 'C'
max_connections = 100
shared_buffers = 64MB
CONF
	if [ "${COUNTERDESK_THROWAWAY:-0}" = 1 ]; then
		# Nothing here outlives the test run: trade durability for speed.
		printf "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n" >>"$data/postgresql.conf"
	fi
}

# pg_hba.conf and pg_ident.conf, written afresh on every `up` so that a
# cluster made by an older version of this script is brought up to date.
# Staff authenticate with SCRAM as in production; only the set-up superuser
# comes in through peer authentication, mapped from the OS users that run
# this script. The main database reads the shared-data registers through
# postgres_fdw as cd_registry_reader: that connection is made by the server
# itself (OS user $owner) over the socket, so peer authentication mapped to
# that one login needs no password anywhere; the login is good for nothing
# else (rejected everywhere but counterdesk_shared).
write_auth() {
	me=$(id -un)
	cat >"$data/pg_hba.conf" <<HBA
# TYPE  DATABASE            USER                METHOD
local   counterdesk_shared  cd_registry_reader  peer map=registry
local   all                 cd_registry_reader  reject
local   all                 counterdesk_sync    peer map=sync
local   all                 postgres            peer map=setup
local   all                 all                 scram-sha-256
HBA
	{
		echo "setup postgres postgres"
		echo "setup $me postgres"
		[ "$owner" != "$me" ] && echo "setup $owner postgres"
		[ -n "${SUDO_USER:-}" ] && echo "setup $SUDO_USER postgres"
		echo "registry $owner cd_registry_reader"
		echo "sync $me counterdesk_sync"
		[ "$owner" != "$me" ] && echo "sync $owner counterdesk_sync"
		[ -n "${SUDO_USER:-}" ] && echo "sync $SUDO_USER counterdesk_sync"
	} >"$data/pg_ident.conf"
	chown "$owner" "$data/pg_hba.conf" "$data/pg_ident.conf"
}

# A login with no password and no special rights, for peer authentication
# through the pg_ident maps above. ROLE is a constant of this script.
peer_login() { # DATABASE ROLE
	psql_su -d "$1" <<SQL
DO \$l\$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = '$2') THEN
		CREATE ROLE $2 LOGIN;
	END IF;
END
\$l\$;
ALTER ROLE $2 LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD NULL;
SQL
}

# The read-only login of the shared-data database (sql/shared/001_registers.sql
# makes the group NOLOGIN; here it becomes the login the FDW uses).
registry_reader() {
	peer_login counterdesk_shared cd_registry_reader
	psql_su -d counterdesk_shared <<'SQL'
GRANT USAGE ON SCHEMA registry TO cd_registry_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA registry TO cd_registry_reader;
SQL
}

# Whether this build of counterdesk has the command NOUN VERB.
has_command() { "$bin" "$1" --help 2>&1 | grep -Eq "counterdesk $1 $2([^a-z]|\$)"; }

write_ini() {
	cat >"$ini" <<INI
; Written by scripts/cluster.sh for this private cluster. See counterdesk.ini(5).
[database]
conninfo = host=$run dbname=counterdesk

[shared_data]
conninfo = host=$run dbname=counterdesk_shared user=cd_registry_reader

[crypto]
key_file = $dir/counterdesk.key

[centre]
code = 330702001
name = 金华市婺城区政务服务中心
region = 330702

[ui]
language =
idle_lock_minutes = 10

[intake]
commitment_days = 5

[print]
command =
directory = $dir/receipts

[paths]
sql = $top/sql
forms = $top/forms
holidays = $top/config/holidays
hall = $top/config/hall.ini
targets = $dir/targets.d
INI
}

# Delivery to department systems (docs/sync.md): the worker's login
# (peer-mapped, no password), a demo target database in this cluster and a
# spool directory, and the targets loaded. The demo (not a throwaway test
# cluster) also starts the worker, so deliveries happen while you work.
sync_setup() {
	peer_login counterdesk counterdesk_sync
	psql_su -d counterdesk <<'SQL'
GRANT cd_sync TO counterdesk_sync;
SQL
	ensure_db counterdesk_target_demo
	psql_su -d counterdesk_target_demo <<'SQL'
CREATE TABLE IF NOT EXISTS public.received_event (
	event_id uuid PRIMARY KEY, type text NOT NULL, case_no text, item text,
	payload jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT clock_timestamp());
GRANT SELECT, INSERT ON public.received_event TO counterdesk_sync;
SQL
	mkdir -p "$dir/targets.d" "$dir/spool/civil_affairs"
	cat >"$dir/targets.d/social_insurance.ini" <<INI
; 人社 and 医保: a PostgreSQL database (demo: counterdesk_target_demo). See docs/sync.md.
[target]
name = social_insurance
kind = postgres
departments = RS, YB
dsn = host=$run dbname=counterdesk_target_demo user=counterdesk_sync
statement = INSERT INTO public.received_event (event_id, type, case_no, item, payload) SELECT * FROM unnest(\$1::uuid[], \$2::text[], \$3::text[], \$4::text[], \$5::jsonb[]) ON CONFLICT (event_id) DO NOTHING
params = id, type, aggregateid, payload.item, payload
INI
	cat >"$dir/targets.d/civil_affairs.ini" <<INI
; 民政, 公安, 卫健: a legacy system that picks up JSON files.
[target]
name = civil_affairs
kind = spool
departments = MZ, GA, WJ
directory = $dir/spool/civil_affairs
INI
	has_command sync load && "$bin" --config "$ini" -U postgres sync load >/dev/null
	if [ "${COUNTERDESK_THROWAWAY:-0}" != 1 ] && [ -x "$top/build/counterdesk-sync" ]; then
		stop_sync
		"$top/build/counterdesk-sync" --config "$ini" -U counterdesk_sync >>"$log/sync.log" 2>&1 &
		echo $! >"$dir/sync.pid"
	fi
}

stop_sync() {
	if [ -f "$dir/sync.pid" ]; then
		kill "$(cat "$dir/sync.pid")" 2>/dev/null || true
		rm -f "$dir/sync.pid"
	fi
}

start() {
	running && return 0
	as_owner "$pgbin/pg_ctl" -D "$data" -l "$log/postgresql.log" -w -t 60 start >/dev/null
}

ensure_db() {
	exists=$(psql_su -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'")
	[ "$exists" = 1 ] || psql_su -d postgres -c "CREATE DATABASE $1"
}

load_shared() {
	ensure_db counterdesk_shared
	loaded=$(psql_su -d counterdesk_shared -Atc "SELECT to_regclass('registry.population') IS NOT NULL")
	if [ "$loaded" != t ]; then
		psql_su -d counterdesk_shared -1 -f "$top/sql/shared/001_registers.sql"
		psql_su -d counterdesk_shared -1 -f "$top/sql/shared/demo.sql"
	fi
}

up() {
	if [ -f "$data/PG_VERSION" ]; then
		write_auth
		if running; then as_owner "$pgbin/pg_ctl" -D "$data" reload >/dev/null; fi
	else
		create_cluster
	fi
	start
	write_ini
	[ -f "$dir/counterdesk.key" ] || "$bin" key generate "$dir/counterdesk.key" >/dev/null
	ensure_db counterdesk
	load_shared
	registry_reader
	"$bin" --config "$ini" -U postgres db migrate
	has_command hall load && "$bin" --config "$ini" -U postgres hall load  # the hall: config/hall.ini
	for f in "$top"/sql/demo/*.sql; do
		[ -f "$f" ] && psql_su -d counterdesk -1 -f "$f"
	done
	# Working-day calendars and service items, from the files, through the
	# same commands an administrator uses (skipped by a build without them).
	if has_command calendar load; then
		"$bin" --config "$ini" -U postgres calendar load
	fi
	if has_command forms load; then
		"$bin" --config "$ini" -U postgres forms load
	fi
	sync_setup
	# The demo (not a test cluster) starts with a few cases in the queues.
	if [ "${COUNTERDESK_THROWAWAY:-0}" != 1 ] && has_command task list &&
	   [ "$(psql_su -d counterdesk -Atc 'SELECT count(*) FROM core.case')" = 0 ]; then
		"$top/scripts/demo_cases.sh" "$bin" "$ini" || echo "cluster.sh: the demo cases could not be made" >&2
	fi
	echo "Cluster ready: $run (config $ini)"
}

case "$cmd" in
up) up ;;
stop)
	stop_sync
	if running; then as_owner "$pgbin/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
	echo "Stopped." ;;
destroy)
	stop_sync
	if running; then as_owner "$pgbin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null; fi
	rm -rf "$data" "$run" "$log" "$ini" "$dir/counterdesk.key" "$dir/targets.d" "$dir/spool"
	rmdir "$dir" 2>/dev/null || true
	echo "Removed." ;;
*) echo "usage: cluster.sh up|stop|destroy DIR"; exit 2 ;;
esac
