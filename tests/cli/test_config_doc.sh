# Every key the configuration accepts (the table in src/config.c) is
# documented in counterdesk.ini(5) under its section, and the example
# configuration loads.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
man="$COUNTERDESK_TOP/man/counterdesk.ini.5"
n=0
while IFS='|' read -r section key; do
	n=$((n + 1))
	# The section's block: from ".Ss [section]" to the next ".Ss" or ".Sh".
	block=$(awk -v s=".Ss [$section]" 'index($0, s) == 1 {on = 1; next} on && /^\.S[sh] / {exit} on' "$man")
	printf '%s\n' "$block" | grep -qE "^\.It Cm $key( |$)"
	ok $? "counterdesk.ini(5) documents [$section] $key"
done <<LIST
$(sed -n 's/^[[:space:]]*{ "\([a-z_]*\)", "\([a-z_]*\)", KEY_.*/\1|\2/p' "$COUNTERDESK_TOP/src/config.c")
LIST
[ "$n" -gt 10 ]; ok $? "the key table of src/config.c was read ($n keys)"
out=$("$COUNTERDESK_BIN" --config "$COUNTERDESK_TOP/config/counterdesk.ini.example" dept list 2>&1); rc=$?
[ "$rc" -ne 78 ]; ok $? "config/counterdesk.ini.example loads (no configuration error: $rc)"
done_testing
