#!/bin/bash
# Shared-data import benchmark (issue: verify materials against shared data):
# `counterdesk shared import population` of a 1,000,000-row extract, against
# a bare psql `\copy` of the same file into an unindexed table, in the same
# run on the same cluster.
#
# The extract is generated here (awk): valid GB 11643 numbers (MOD 11-2 check
# computed in awk, sex in digit 17, real birth dates), Chinese names and
# addresses, about one address in eight with a comma (so quoted), 2 %
# deceased. The import runs twice: replacing the demo register (12,007
# rows), then replacing its own 1,000,000 rows (the monthly re-import).
# The demo register is saved first and put back at the end (with psql), so
# the demo registry stays usable.
set -u
bin=${COUNTERDESK_BIN:?run through make bench}
n=${BENCH_IMPORT_ROWS:-1000000}
shared() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -At -U postgres -d counterdesk_shared -v ON_ERROR_STOP=1 "$@"; }
tmp=$(mktemp -d)
chmod 755 "$tmp"
restore() {
	if [ -s "$tmp/demo.csv" ]; then
		shared <<SQL
BEGIN;
DELETE FROM registry.population;
\copy registry.population FROM '$tmp/demo.csv' WITH (FORMAT csv, HEADER true)
COMMIT;
SQL
		shared -c "VACUUM ANALYZE registry.population"
	fi
	shared -c "DROP TABLE IF EXISTS public.bench_import_baseline"
	rm -rf "$tmp"
}
trap restore EXIT
now() { date +%s.%N; }

echo "== saving the demo population register"
shared -c "\\copy registry.population TO '$tmp/demo.csv' WITH (FORMAT csv, HEADER true)"
demo_rows=$(shared -c "SELECT count(*) FROM registry.population")

echo "== generating $n population rows"
t=$(now)
awk -v n="$n" 'BEGIN {
	split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
	split("1 0 X 9 8 7 6 5 4 3 2", cc, " ")
	split("330702 330703 330781 110105 440113 530681 360426 320102", region, " ")
	split("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗", sur, " ")
	split("伟 芳 娜 敏 静 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚", given, " ")
	split("人民路 解放路 中山路 建设路 和平路 新华路 胜利路 文化路", road, " ")
	split("阳光花园 锦绣家园 幸福里 翠苑小区 金色家园 丽景苑", estate, " ")
	split("31 28 31 30 31 30 31 31 30 31 30 31", mdays, " ")
	print "id_no,name,sex,birth_date,address,status"
	# 1,000 numbers a day (sequence 000-999) per region, from 1950-01-01 on.
	y = 1950; m = 1; d = 1; per = 0; r = 1
	for (i = 0; i < n; i++) {
		if (per == 1000) {
			per = 0
			if (++r > 8) {
				r = 1
				feb = (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28
				dim = (m == 2) ? feb : mdays[m]
				if (++d > dim) { d = 1; if (++m > 12) { m = 1; y++ } }
			}
		}
		seq = per++
		id17 = sprintf("%s%04d%02d%02d%03d", region[r], y, m, d, seq)
		s = 0
		for (k = 1; k <= 17; k++) s += substr(id17, k, 1) * w[k]
		sex = (seq % 2) ? "M" : "F"
		name = sur[1 + i % 20] given[1 + int(i / 20) % 20] ((i % 3) ? given[1 + int(i / 400) % 20] : "")
		addr = "浙江省金华市" road[1 + i % 8] (1 + i % 388) "号"
		if (i % 8 == 0) addr = "\"" addr ", " estate[1 + i % 6] (1 + i % 30) "幢\""
		else if (i % 8 == 1) addr = ""
		printf "%s%s,%s,%s,%04d-%02d-%02d,%s,%s\n", id17, cc[s % 11 + 1], name, sex, y, m, d, addr,
			(i % 50 == 7) ? "deceased" : "alive"
	}
}' >"$tmp/pop.csv"
gen=$(awk -v a="$(now)" -v b="$t" 'BEGIN {printf "%.1f", a - b}')
size=$(du -m "$tmp/pop.csv" | cut -f1)
echo "   $(($(wc -l <"$tmp/pop.csv") - 1)) rows, ${size} MB, generated in ${gen} s"

echo "== baseline: \\copy of the same file into an unindexed table"
shared -c "DROP TABLE IF EXISTS public.bench_import_baseline" \
	-c "CREATE TABLE public.bench_import_baseline (id_no text, name text, sex char(1), birth_date date, address text, status text)"
t=$(now)
shared -c "\\copy public.bench_import_baseline FROM '$tmp/pop.csv' WITH (FORMAT csv, HEADER true)"
base=$(awk -v a="$(now)" -v b="$t" 'BEGIN {printf "%.2f", a - b}')
base_rows=$(shared -c "SELECT count(*) FROM public.bench_import_baseline")
shared -c "DROP TABLE public.bench_import_baseline"

echo "== counterdesk shared import population (replacing the demo register)"
t=$(now)
"$bin" -U postgres shared import population "$tmp/pop.csv" >"$tmp/first.out" 2>&1
rc1=$?
first=$(awk -v a="$(now)" -v b="$t" 'BEGIN {printf "%.2f", a - b}')
cat "$tmp/first.out"
echo "== counterdesk shared import population again (replacing its $n rows)"
t=$(now)
"$bin" -U postgres shared import population "$tmp/pop.csv" >"$tmp/second.out" 2>&1
rc2=$?
second=$(awk -v a="$(now)" -v b="$t" 'BEGIN {printf "%.2f", a - b}')
cat "$tmp/second.out"
loaded=$(shared -c "SELECT count(*) FROM registry.population")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
printf '\n%-52s %12s %12s %8s\n' "figure" "counterdesk" "baseline" "ratio"
printf '%-52s %11ss %11ss %8s\n' "import $n rows, replacing $demo_rows (vs \\copy)" "$first" "$base" "$(ratio "$first" "$base")"
printf '%-52s %11ss %11ss %8s\n' "re-import $n rows, replacing $n (vs \\copy)" "$second" "$base" "$(ratio "$second" "$base")"
printf '%-52s %12s %12s\n' "rows in the register / in the baseline table" "$loaded" "$base_rows"
[ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] && [ "$loaded" -eq "$n" ] && [ "$base_rows" -eq "$n" ] ||
	{ echo "import failed"; exit 1; }
