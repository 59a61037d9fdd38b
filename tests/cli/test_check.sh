# counterdesk check: the validators from the command line, exit codes and JSON.
. "$COUNTERDESK_TOP/tests/lib/tap.sh"
cd_() { LANG=C.UTF-8 LANGUAGE= "$COUNTERDESK_BIN" "$@"; }

for v in 11010519491231002X 440524188001010014 360426199101010071; do
	out=$(cd_ check id "$v" 2>&1); ok $? "valid identity number $v"
	is "$out" "$v" "prints the normalised number for $v"
done
out=$(cd_ check id 44011320141005001x); is "$out" 44011320141005001X "lower-case x normalised"
out=$(cd_ check id 150102880730303); is "$out" 150102198807303035 "15-digit number converted"

for v in 110105194912310021 36042619910102009X 360426199113010079 990426199112010074 T60426199101010078 ""; do
	cd_ check id "$v" >/dev/null 2>&1; is $? 1 "invalid identity number '$v' exits 1"
done
err=$(cd_ check id 110105194912310021 2>&1 >/dev/null)
like "$err" "X" "the reason names the expected check character"

out=$(cd_ check id 110105194912310021 --json); rc=$?
is "$rc" 1 "--json still exits 1 when invalid"
like "$out" '^\{"valid":false,"reason":"[^"]+","normalized":null\}$' "JSON for an invalid number"
out=$(cd_ --json check id 11010519491231002X)
is "$out" '{"valid":true,"reason":null,"normalized":"11010519491231002X"}' "JSON for a valid number"

for v in 91350100M000100Y43 91110000600037341L 121200004013590816 91310115MA1K3BTP2B; do
	cd_ check uscc "$v" >/dev/null 2>&1; ok $? "valid credit code $v"
done
for v in 91110000600037341N 9111000060003IOZSV; do
	cd_ check uscc "$v" >/dev/null 2>&1; is $? 1 "invalid credit code $v"
done

cd_ check phone 13812345678 >/dev/null; ok $? "valid mobile number"
out=$(cd_ check phone "+86 138-1234-5678"); is "$out" 13812345678 "+86 and separators removed"
cd_ check phone 12812345678 >/dev/null 2>&1; is $? 1 "mobile number with second digit 2 refused"

err=$(LANG=zh_CN.UTF-8 LANGUAGE= "$COUNTERDESK_BIN" check id 110105194912310021 2>&1 >/dev/null)
has_chinese "$err" "the reason is in Chinese under zh_CN.UTF-8"

cd_ check >/dev/null 2>&1; is $? 2 "check without arguments is a usage error"
cd_ check passport X >/dev/null 2>&1; is $? 2 "unknown kind is a usage error"
cd_ check id 1 2 >/dev/null 2>&1; is $? 2 "two values is a usage error"
cd_ check --help >/dev/null; is $? 0 "check --help exits 0"
cd_ --help >/dev/null; is $? 0 "--help exits 0"
cd_ frobnicate >/dev/null 2>&1; is $? 2 "unknown command exits 2"
long=$(head -c 100000 /dev/zero | tr '\0' 1)
cd_ check id "$long" >/dev/null 2>&1; is $? 1 "a 100,000-character value is refused, not a crash"
cd_ check id "$(printf '1101051949\033[2J1231002X')" >/dev/null 2>&1; is $? 1 "escape sequences refused"
done_testing
