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
