# Configuration errors: file, section, key and what was expected; exit 78.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
d=$(mktemp -d "$COUNTERDESK_TMP/config.XXXXXX")
good="$COUNTERDESK_CONFIG"
run() { LANG=C.UTF-8 "$COUNTERDESK_BIN" --config "$1" dept list 2>&1; }

out=$(run "$d/missing.ini"); rc=$?
is "$rc" 78 "a missing file exits 78"
like "$out" "missing.ini" "names the missing file"

sed 's/^region = .*/region = 33070/' "$good" >"$d/region.ini"
out=$(run "$d/region.ini"); rc=$?
is "$rc" 78 "a 5-digit region code exits 78"
like "$out" 'region.ini: \[centre\] region: expected a 6-digit region code' "names file, section, key and expectation"

sed 's/^idle_lock_minutes = .*/idle_lock_minutes = soon/' "$good" >"$d/idle.ini"
out=$(run "$d/idle.ini"); is $? 78 "a non-numeric idle lock exits 78"
like "$out" '\[ui\] idle_lock_minutes' "names [ui] idle_lock_minutes"

sed 's/^\[crypto\]/[crypto]\nkey_flie = x/' "$good" >"$d/typo.ini"
out=$(run "$d/typo.ini"); is $? 78 "an unknown (misspelt) key exits 78"
like "$out" '\[crypto\] key_flie: unknown key' "names the unknown key"

printf '[nonsense]\nx = 1\n' >"$d/typo2.ini"; cat "$good" >>"$d/typo2.ini"
out=$(run "$d/typo2.ini"); is $? 78 "an unknown section exits 78"
like "$out" 'nonsense' "names the unknown section"

grep -v '^key_file' "$good" >"$d/nokey.ini"
out=$(run "$d/nokey.ini"); is $? 78 "a missing required key exits 78"
like "$out" '\[crypto\] key_file' "names the missing key"

sed 's/^conninfo = \(.*\)counterdesk$/conninfo = \1counterdesk password=secret/' "$good" >"$d/pw.ini"
out=$(run "$d/pw.ini"); is $? 78 "a password in the connection string is refused"

printf '[database\nconninfo = x\n' >"$d/syntax.ini"
out=$(run "$d/syntax.ini"); is $? 78 "a syntax error exits 78"
like "$out" 'syntax.ini' "the syntax error names the file"

out=$(COUNTERDESK_CONFIG="$d/region.ini" LANG=C.UTF-8 "$COUNTERDESK_BIN" dept list 2>&1); is $? 78 "\$COUNTERDESK_CONFIG is read"
out=$(LANG=zh_CN.UTF-8 "$COUNTERDESK_BIN" --config "$d/region.ini" dept list 2>&1)
has_chinese "$out" "the configuration error is in Chinese under zh_CN"
rm -rf "$d"
done_testing
