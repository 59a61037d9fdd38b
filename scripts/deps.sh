#!/bin/sh
# Installs the Debian packages counterdesk needs, when they are missing.
# As root it runs apt-get; otherwise it prints the one line to run and stops.
set -eu

PACKAGES="gcc make pkg-config libpq-dev libncurses-dev libsodium-dev libiniparser-dev
libcmocka-dev libjansson-dev gettext locales tzdata postgresql-15 postgresql-client-15 postgresql-15-pgtap
tmux mandoc valgrind jq clang libclang-rt-14-dev"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "counterdesk needs these Debian packages. Run:"
		echo "  sudo apt-get install -y$missing"
		exit 1
	fi
	echo "Installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# The Chinese UI needs a zh_CN.UTF-8 locale; Debian often generates only C.UTF-8.
if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf8$'; then
	if [ "$(id -u)" -eq 0 ]; then
		if grep -q '^# *zh_CN.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then
			sed -i 's/^# *\(zh_CN.UTF-8 UTF-8\)/\1/' /etc/locale.gen
		elif ! grep -q '^zh_CN.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then
			echo 'zh_CN.UTF-8 UTF-8' >>/etc/locale.gen
		fi
		locale-gen >/dev/null 2>&1 || echo "warning: could not generate zh_CN.UTF-8; the UI will be in English"
	else
		echo "note: zh_CN.UTF-8 is not generated; the UI will be in English."
		echo "  sudo sh -c \"echo 'zh_CN.UTF-8 UTF-8' >>/etc/locale.gen && locale-gen\""
	fi
fi
