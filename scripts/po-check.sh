#!/bin/sh
# Builds the translation template from every source file (and the database's
# messages, which the client translates) and lists what po/zh_CN.po does not
# translate yet. Exit 1 when anything is missing.
#   po-check.sh            check
#   po-check.sh --update   also merge the new template into po/zh_CN.po
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$top"

ls src/*.c src/*.h screens/*.c screens/*.h >"$tmp/files"
xgettext --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=cd_error_set:3 \
	--add-comments=TRANSLATORS --package-name=counterdesk --no-location \
	-f "$tmp/files" -o "$tmp/code.pot"
# Each line of sql/messages.txt is one message the server may raise.
awk 'BEGIN { print "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n" }
     NF { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); printf "msgid \"%s\"\nmsgstr \"\"\n\n", $0 }' \
	sql/messages.txt >"$tmp/sql.pot"
msgcat --use-first -o "$tmp/counterdesk.pot" "$tmp/code.pot" "$tmp/sql.pot"

# po/zh_CN.po and the per-feature fragments po/zh_CN.d/*.po make one catalogue.
msgcat --use-first -o "$tmp/all.po" po/zh_CN.po po/zh_CN.d/*.po 2>/dev/null || cp po/zh_CN.po "$tmp/all.po"
msgmerge --quiet --no-fuzzy-matching -o "$tmp/merged.po" "$tmp/all.po" "$tmp/counterdesk.pot"
# One line per untranslated message, its pieces joined: a message with a
# newline in it starts with an empty piece (msgid ""), like the header.
msgattrib --untranslated --no-obsolete "$tmp/merged.po" |
	awk '/^msgid /{ m = substr($0, 7); c = 1; next }
	     c && /^"/{ m = m $0; next }
	     c { if (m != "\"\"") print "msgid " m; c = 0 }' >"$tmp/missing" || true
if [ "${1:-}" = "--update" ]; then
	# Only po/zh_CN.po is rewritten; the fragments' messages move into it.
	cp "$tmp/merged.po" po/zh_CN.po
	rm -f po/zh_CN.d/*.po
	cp "$tmp/counterdesk.pot" po/counterdesk.pot
fi
n=$(wc -l <"$tmp/missing")
if [ "$n" -gt 0 ]; then
	echo "po/zh_CN.po lacks $n translations:"
	cat "$tmp/missing"
	exit 1
fi
echo "po/zh_CN.po translates every message."
