#!/bin/sh
# make check: a throwaway cluster in a temporary directory, every test suite,
# and no server left running. The last line is "N passed, N failed".
#   check.sh          every test
#   check.sh --bench  the benchmarks instead
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/counterdesk-check.XXXXXX)
chmod 755 "$tmp"
cleanup() { "$top/scripts/cluster.sh" destroy "$tmp/cluster" >/dev/null 2>&1; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== setting up a throwaway cluster in $tmp/cluster"
if ! COUNTERDESK_THROWAWAY=1 "$top/scripts/cluster.sh" up "$tmp/cluster" >"$tmp/setup.log" 2>&1; then
	cat "$tmp/setup.log"
	echo "0 passed, 1 failed"
	exit 1
fi

export COUNTERDESK_TOP="$top"
export COUNTERDESK_BIN="$top/build/counterdesk"
export COUNTERDESK_CONFIG="$tmp/cluster/counterdesk.ini"
export COUNTERDESK_CLUSTER="$tmp/cluster"
export COUNTERDESK_LOCALEDIR="$top/build/locale"
export COUNTERDESK_TMP="$tmp"
export PGHOST="$tmp/cluster/run"
export PGDATABASE=counterdesk

if [ "${1:-}" = "--bench" ]; then
	# Not exec: the EXIT trap must still remove the cluster afterwards.
	"$top/tests/bench/run.sh"
	exit $?
fi
"$top/tests/run.sh"
