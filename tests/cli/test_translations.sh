# Every message a clerk can see has a Chinese translation, and the catalogue compiles.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
out=$("$COUNTERDESK_TOP/scripts/po-check.sh" 2>&1); rc=$?
is "$rc" 0 "po/zh_CN.po translates every message in src/, screens/ and sql/messages.txt"
[ "$rc" -eq 0 ] || diag "$(printf '%s' "$out" | head -30)"
msgfmt --check -o /dev/null "$COUNTERDESK_TOP/po/zh_CN.po"; ok $? "po/zh_CN.po passes msgfmt --check"
for f in "$COUNTERDESK_TOP"/po/zh_CN.d/*.po; do
	[ -e "$f" ] || continue
	msgfmt --check -o /dev/null "$f"; ok $? "$(basename "$f") passes msgfmt --check"
done
done_testing
