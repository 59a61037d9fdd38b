# make install puts everything in place; the man pages are clean under mandoc.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
stage=$(mktemp -d "$COUNTERDESK_TMP/stage.XXXXXX")
make -s -C "$COUNTERDESK_TOP" install PREFIX=/usr/local DESTDIR="$stage" >/dev/null 2>&1
ok $? "make install PREFIX=/usr/local DESTDIR=… succeeds"
for f in bin/counterdesk bin/counterdesk-sync share/man/man1/counterdesk.1 share/man/man5/counterdesk.ini.5 \
	share/man/man8/counterdesk-sync.8 share/doc/counterdesk/counterdesk-sync.service share/doc/counterdesk/targets.d/social_insurance.ini \
	share/man/man5/counterdesk-forms.5 share/locale/zh_CN/LC_MESSAGES/counterdesk.mo \
	share/counterdesk/sql/001_roles.sql share/counterdesk/forms/newborn.ini \
	share/counterdesk/holidays/2026.ini share/doc/counterdesk/counterdesk.ini.example; do
	[ -s "$stage/usr/local/$f" ]; ok $? "installed $f"
done
"$stage/usr/local/bin/counterdesk" check id 11010519491231002X >/dev/null; ok $? "the installed binary runs"
for m in "$COUNTERDESK_TOP"/man/*.[1-8]; do
	out=$(mandoc -Tlint -W warning "$m" 2>&1); rc=$?
	is "$rc:$out" "0:" "$(basename "$m") is clean under mandoc -Tlint"
done
# Every command of the CLI is documented in counterdesk(1).
for noun in $("$COUNTERDESK_BIN" --help | awk '/^Commands:/ {on=1; next} on && NF == 0 {exit} on {print $1}'); do
	grep -qE "^\.(It )?Cm $noun( |$)" "$COUNTERDESK_TOP/man/counterdesk.1"; ok $? "counterdesk(1) documents the $noun command"
done
rm -rf "$stage"
done_testing
