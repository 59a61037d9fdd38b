#!/bin/bash
# Hostile text on the terminal: the real counterdesk in tmux under
# LANG=zh_CN.UTF-8. A person of the shared registry whose name and address
# carry ESC [ 2 J (clear the screen), ESC [ H, OSC 52 (write the clipboard)
# and a C1 CSI is looked up at the intake: the name is shown with the
# escapes inert (what follows ESC shows as text), the screen is not cleared and tmux receives no
# clipboard write (set-clipboard is on, so an OSC 52 that got through would
# make a paste buffer). Then quotes, SQL and an over-long string typed into
# the form's text fields are shown and kept literally (the autosaved draft).
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/tap.sh
. "$here/../lib/tap.sh"
# shellcheck source=../lib/tmux.sh
. "$here/../lib/tmux.sh"

zh_setup "hostile text on the terminal" hostile 100 30
tm set-option -g set-clipboard on

# A valid identity number (GB 11643 check character) for the hostile person.
idno=$(python3 -c '
b = "11010119900307001"
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
print(b + "10X98765432"[sum(int(c) * k for c, k in zip(b, w)) % 11])')
name=$(printf '恶\033[2J\033[H意\033]52;c;ZXZpbA==\007名\302\233')
addr=$(printf '北京\033[31m红字\033[0m\033]0;title\007路')
psql -X -q -h "$PGHOST" -U postgres -d counterdesk_shared -v "n=$name" -v "a=$addr" -v "i=$idno" >/dev/null 2>&1 <<'SQL'
DELETE FROM registry.population WHERE id_no = :'i';
INSERT INTO registry.population (id_no, name, sex, birth_date, address, status)
VALUES (:'i', :'n', 'M', '1990-03-07', :'a', 'alive');
SQL
is "$(sql counterdesk_shared "select count(*) from registry.population where id_no = '$idno' and name like '%' || chr(27) || '%'")" 1 \
	"the registry holds a person whose name carries escape sequences"
cleanup_person() {
	sql counterdesk_shared "delete from registry.population where id_no = '$idno'" >/dev/null
	zh_cleanup
}
trap cleanup_person EXIT

start hostile
login_clerk
keys 2
wait_for "办理哪一件事" >/dev/null
type_text "newborn"
wait_gone "退休一件事" >/dev/null
keys Enter
wait_for "公民身份号码" >/dev/null
type_text "$idno"
keys Enter
# The escapes are inert: what follows ESC is shown as text ("[2J"), the ESC
# itself replaced by U+FFFD or dropped, never sent.
check "the look-up shows the hostile name with its escapes inert" wait_match "申请人：恶�?\[2J�?\[H意�?\]52;c;ZXZpbA==�?名"
check "the screen was not cleared: the form is still drawn around the name" wait_for "新生儿信息"
is "$(tm list-buffers | wc -l)" 0 "no OSC 52 reached the terminal (tmux got no clipboard write)"
tm capture-pane -p -e -t "$cur" >"$tmpd/escaped"
is "$(LC_ALL=C grep -c $'\033\\]' "$tmpd/escaped")" 0 "the pane holds no OSC sequence (capture-pane -e)"
is "$(tm display-message -p -t "$cur" '#{pane_title}' | grep -c title)" 0 "the window title was not set by the address"

# Typed text: quotes, SQL and a string longer than the field allows.
type_text "O'Brien \"引号\""
keys Tab
check "quotes are shown as typed" wait_match "新生儿姓名 \* +O'Brien \"引号\""
keys Space Tab
type_text "2025-10-01"
keys Tab
type_text "'; DROP TABLE core.case; --"
keys Tab
check "SQL typed into a field is shown as typed" wait_for "'; DROP TABLE core.case; --"
long=$(head -c 2000 /dev/zero | tr '\0' 'x')
type_text "$long"
keys Tab
check "an over-long value is refused at the field with a message" wait_match "太长：[0-9]+ 个字"
check "the autosave keeps the draft" wait_for "草稿已保存" 15
is "$(sql counterdesk "select to_regclass('core.case') is not null")" t "core.case is still there"
pane=$(tm list-panes -t "$cur" -F '#{pane_pid}' | head -n 1)
victim=$(pgrep -P "$pane" | head -n 1)
[ -n "$victim" ] && kill -9 "$victim"
wait_exit >/dev/null

# The draft, opened again, gives back exactly what was typed.
start hostile2
login_clerk
keys 3
check "the draft is listed" wait_for "新生儿出生一件事"
keys Enter
check "its name field holds the quotes as typed" wait_match "新生儿姓名 \* +O'Brien \"引号\""
check "its birth place holds the SQL as typed" wait_for "'; DROP TABLE core.case; --"
# (Restored from the draft, the name comes back without the control
# characters at all: either way none of them reaches the terminal.)
check "the hostile applicant's name is shown, its escapes inert" wait_match "申请人：恶.*意.*名"
is "$(tm list-buffers | wc -l)" 0 "still no clipboard write"
keys Escape
wait_for "王芳，您好" >/dev/null
keys 3
wait_for "新生儿出生一件事" >/dev/null
keys DC
wait_for "删除草稿" >/dev/null
keys y
check "the draft is discarded" wait_for "草稿已删除"
keys Escape
wait_for "王芳，您好" >/dev/null
keys F10
wait_exit >/dev/null
ok $? "the client quits normally"

done_testing
