#!/usr/bin/env bash
# vpoints import: volunteers and paper records of shifts from CSV (UTF-8
# with a byte order mark, GB18030) and XLSX, with the right counts; bad
# rows reported exactly (row and reason) and the rest imported; --dry-run
# changes nothing; a second run imports nothing; an import killed halfway
# and run again ends with every row exactly once. And vpoints export
# national, read back by Python's csv and openpyxl, matches the ledger.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start "id_hash_key = 6f1d0c5e2b7a49d3a8e4f6b2c1d0e9f87a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d"
harness_admin

vp community add C01 --name 东城社区 --population 1000 >/dev/null
vp community add C02 --name West --population 1000 >/dev/null
vp activity add clean --name 清洁 --points-per-hour 10 >/dev/null
vp activity add visit --name 探访 --points-per-hour 20 >/dev/null
"$VPOINTS" keygen --out "$T_DIR/s1.key" >/dev/null
vp station add S01 --community C01 --name East --pubkey "$T_DIR/s1.key.pub" >/dev/null
s1() { vp --key "$T_DIR/s1.key" "$@"; }
q() { pgc_psql "$T_PG" -At -c "$1"; }
ok "a volunteer of another community" vp volunteer add W001 --name Other --community C02

D1=$(t_date '-3 days' +%F)
D2=$(t_date '-2 days' +%F)

# Volunteers, CSV in UTF-8 with a byte order mark, Chinese headings. Row 4
# gives a phone without consent, row 6 a number taken by row 2, row 7 a
# bad gender, row 8 a bad date, row 9 an ID number too short, row 12 a
# registration before the back-entry window; row 10 is blank.
printf '\xef\xbb\xbf' >"$T_DIR/vols.csv"
cat >>"$T_DIR/vols.csv" <<CSV
姓名,志愿者编号,手机号,同意授权,性别,身份证号,平台编号,注册日期
张三,V001,13800000001,是,男,110101199001011234,P-1001,$D1
李四,V002,,是,女,,P-1002,
王五,V003,13800000003,,,,,
赵六,V004,13800000004,同意,其他,110101199202021234,,$(t_date '-2 days' +%Y/%-m/%-d)
钱七,V001,,,,,,
孙八,V005,,,x,,,
周九,V006,,,,,,2026-02-30
吴十,V007,,,,12,,

郑一,V008,,否,,,,
冯二,V009,,,,,,$(t_date '-400 days' +%F)
CSV
s1 import volunteers "$T_DIR/vols.csv" >"$T_DIR/out" 2>"$T_DIR/err"
is "the CSV (UTF-8, BOM) of volunteers: exit 65, some rows refused" "$?" 65
is "... every bad row reported with its row and reason, then the counts" \
	"$(sed 's/^\(row 12: [^:]*: "registered_on"\).*/\1/' "$T_DIR/out")" \
"row 4: consent-required: Gender, birth month, phone and skills are kept only with the volunteer's consent (\"consent\": true).
row 6: volunteer-exists: A volunteer with number V001 exists already.
row 7: invalid-field: \"gender\" must be female, male or other
row 8: invalid-field: \"2026-02-30\" is not a date (YYYY-MM-DD)
row 9: invalid-field: \"id_number\" must be 4 to 32 letters and digits
row 12: back-entry-window: \"registered_on\"
10 rows: 4 imported, 0 imported before, 6 refused."
is "... nothing on standard error" "$(cat "$T_DIR/err")" ""
is "... the good rows are in the ledger" \
	"$(q "SELECT string_agg(number || ':' || name || ':' || coalesce(phone, '-') || ':' || coalesce(gender, '-') || ':' || coalesce(platform_number, '-') || ':' || coalesce(id_last4, '-'), ' ' ORDER BY number) FROM volunteers WHERE number LIKE 'V%'")" \
	"V001:张三:13800000001:male:P-1001:1234 V002:李四:-:female:P-1002:- V004:赵六:13800000004:other:-:1234 V008:郑一:-:-:-:-"
