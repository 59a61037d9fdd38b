#!/bin/sh
# make bench: every benchmark script in this directory, one after another,
# against the throwaway cluster that scripts/check.sh set up.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
status=0
for b in "$dir"/*.sh; do
	case "$(basename "$b")" in run.sh | lib.sh) continue ;; esac
	echo
	echo "#### $(basename "$b")"
	bash "$b" || { echo "benchmark $(basename "$b") failed"; status=1; }
done
exit $status
