# Helpers for terminal end-to-end tests: the real counterdesk in tmux (a real
# pty), read back with capture-pane. Source after tests/lib/tap.sh; set
# $sock (the private tmux socket name), $tmpd (a scratch directory where
# start() writes NAME.status) and $cur (the session keys and checks go to).
# Checks poll the screen until the text appears: no fixed sleeps.

tm() { tmux -u -L "$sock" -f /dev/null "$@"; }

now_ms() { date +%s%3N; }

screen_text() { tm capture-pane -p -t "$cur" 2>/dev/null; }

keys() { tm send-keys -t "$cur" "$@"; }

type_text() { tm send-keys -t "$cur" -l -- "$1"; } # literally, as an input method sends it

# wait_for TEXT [SECONDS]: until TEXT (a fixed string) is on the screen.
wait_for() {
	local text=$1 end=$(($(now_ms) + ${2:-10} * 1000))
	while :; do
		screen_text | grep -qF -- "$text" && return 0
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.05
	done
}

# wait_match REGEX [SECONDS]: until a line matches the extended regex.
wait_match() {
	local re=$1 end=$(($(now_ms) + ${2:-10} * 1000))
	while :; do
		screen_text | grep -qE -- "$re" && return 0
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.05
	done
}

wait_gone() {
	local text=$1 end=$(($(now_ms) + ${2:-10} * 1000))
	while :; do
		screen_text | grep -qF -- "$text" || return 0
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.05
	done
}

wait_exit() {
	local end=$(($(now_ms) + ${1:-10} * 1000)) f="$tmpd/$cur.status"
	while :; do
		if [ -s "$f" ]; then
			cat "$f"
			return 0
		fi
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.05
	done
}

show_on_failure() { [ "$1" -eq 0 ] || screen_text | sed 's/^/#   | /'; }

check() { # DESCRIPTION COMMAND...
	local desc=$1
	shift
	"$@"
	local rc=$?
	ok $rc "$desc"
	show_on_failure $rc
}

# zh_setup NAME TAG WIDTH HEIGHT: the common start of a Chinese-screen test.
# Checks what it needs (tmux, the zh_CN.UTF-8 locale, superuser access to
# the test cluster through PGHOST: a missing locale or cluster is a SKIP),
# makes the private tmux server ($sock) and scratch directory ($tmpd),
# removed at exit, and defines start NAME: counterdesk in a new WIDTHxHEIGHT
# session in Chinese, its exit status written to $tmpd/NAME.status.
zh_setup() {
	local name=$1 tag=$2
	zh_width=$3 zh_height=$4
	bin=${COUNTERDESK_BIN:?set COUNTERDESK_BIN (run through make check)}
	config=${COUNTERDESK_CONFIG:?set COUNTERDESK_CONFIG (run through make check)}
	localedir=${COUNTERDESK_LOCALEDIR:-}
	if ! command -v tmux >/dev/null 2>&1; then
		ok 1 "tmux is installed (scripts/deps.sh installs it)"
		done_testing
		exit 1
	fi
	if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
		ok 0 "$name # SKIP zh_CN.UTF-8 locale not generated (scripts/deps.sh does it as root)"
		done_testing
		exit 0
	fi
	if [ -z "${PGHOST:-}" ] || [ "$(sql counterdesk 'select 1')" != 1 ]; then
		ok 0 "$name # SKIP no superuser access to the test cluster (PGHOST)"
		done_testing
		exit 0
	fi
	sock="cd$tag$$"
	tmpd=$(mktemp -d "/tmp/counterdesk-e2e-$tag.XXXXXX")
	trap zh_cleanup EXIT
	trap 'exit 130' INT TERM
	tm new-session -d -s keep -x "$zh_width" -y "$zh_height" "sleep 3600" \; set-option -g remain-on-exit on
}

zh_cleanup() {
	tm kill-server >/dev/null 2>&1
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"
	rm -rf "$tmpd"
}

start() {
	local name=$1 cmd
	# START_TZ: the terminal's time zone (test_time_zone_screen.sh).
	cmd=$(printf '%q ' env -u LC_ALL -u LANGUAGE -u LC_MESSAGES TERM=tmux-256color LANG=zh_CN.UTF-8 \
		${START_TZ:+TZ=$START_TZ} COUNTERDESK_CONFIG="$config" COUNTERDESK_LOCALEDIR="$localedir" PGUSER= "$bin")
	tm new-session -d -s "$name" -x "$zh_width" -y "$zh_height" \
		"$cmd; echo \$? >$(printf '%q' "$tmpd/$name.status")"
	cur=$name
}

sql() { # DATABASE QUERY: one value per line, as the cluster superuser
	psql -X -q -At -h "${PGHOST:-}" -U postgres -d "$1" -c "$2" 2>/dev/null
}

login_clerk() { # clerk1 (王芳) logs in and the home screen is up
	wait_for "登录" >/dev/null
	type_text clerk1
	keys Tab
	type_text clerk1-demo
	keys Enter
	wait_for "王芳，您好" 15 >/dev/null
}
