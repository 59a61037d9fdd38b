# Every action of screens/actions.h (the one list behind the key bindings, F1
# help and the title hints) has its default key in counterdesk(1)'s key table,
# so the manual cannot drift from the program.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
man="$COUNTERDESK_TOP/man/counterdesk.1"
table=$(sed -n '/^\.Ss Keys/,/^\.El/p' "$man")
key_name() {
	case "$1" in
	KEY_F\(*\)) echo "F${1#KEY_F(}" | tr -d ')' ;;
	CD_KEY_ESC) echo Esc ;;
	CD_CTRL\(*\)) echo "Ctrl-$(echo "$1" | sed "s/CD_CTRL('\(.\)')/\1/")" ;;
	"'\\r'") echo Enter ;;
	"'\\t'") echo Tab ;;
	"' '") echo Space ;;
	KEY_BTAB) echo Shift-Tab ;;
	KEY_UP) echo Up ;;
	KEY_DOWN) echo Down ;;
	KEY_LEFT) echo Left ;;
	KEY_RIGHT) echo Right ;;
	KEY_PPAGE) echo PgUp ;;
	KEY_NPAGE) echo PgDn ;;
	KEY_HOME) echo Home ;;
	KEY_END) echo End ;;
	KEY_BACKSPACE) echo Backspace ;;
	KEY_DC) echo Delete ;;
	"'"?"'") echo "$1" | tr -d "'" ;;
	*) echo "$1" ;;
	esac
}
n=0
while IFS='|' read -r name key; do
	n=$((n + 1))
	k=$(key_name "$key")
	printf '%s\n' "$table" | grep -qE "^\.It Cm (.*[ ,])?$(printf '%s' "$k" | sed 's/[][\.*^$?+(){}|/-]/\\&/g')( |,|$)"
	ok $? "counterdesk(1) lists $k ($name)"
done <<LIST
$(sed -n 's/^[[:space:]]*ACTION(\([A-Z_]*\), \([^,]*\), .*/\1|\2/p' "$COUNTERDESK_TOP/screens/actions.h")
LIST
[ "$n" -gt 10 ]; ok $? "actions.h lists the actions ($n found)"
done_testing
