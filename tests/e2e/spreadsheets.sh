#!/usr/bin/env bash
# Spreadsheets and receipts through the real client: every list and
# report as a workbook (--format xlsx, made in Chinese: zh), read back by
# openpyxl (tests/xlsx_check.py) and compared cell by cell with the JSON
# answer of the same request; CSV with and without the byte-order mark;
# --out; and the redemption receipt for a 58 mm receipt printer and for
# A4.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start "back_entry_days = 36500"
harness_admin

"$VPOINTS" keygen --out "$T_DIR/S01.key" >/dev/null
s1() { vp --key "$T_DIR/S01.key" "$@"; }
# Nothing may fail while the data set is made.
setup() { "$@" >/dev/null || t_result fail "set-up: $*"; }

# A data set with Chinese in it, and some of everything.
setup vp community add C01 --name "东城社区" --population 12000
setup vp community add C02 --name "West Side" --population 8000
setup vp station add S01 --community C01 --name "东城服务站" --pubkey "$T_DIR/S01.key.pub"
setup vp activity add clean --name "清洁家园" --points-per-hour 10 --daily-cap 100 \
	--multiplier "夜间,22:00,06:00,150" --holiday "国庆,2026-10-01;2026-10-02,200"
setup vp activity add read --name "Reading to the old" --points-per-hour 12
setup vp star-levels --set 1,2,3,4,5
setup vp team add T01 --name "环保志愿服务队" --kind standing --community C01
setup vp team add CITY --name "City help" --kind specialty
# The shifts are on the 10th of a month past; a month before it is closed.
month=$(t_date '-40 days' +%Y-%m)
year=${month%-*}
on=$(t_date '-60 days' +%F)
setup s1 volunteer add V-001 --name "张三" --consent --gender female --phone 13800000000 \
	--skill "摄影" --skill "急救" --team T01 --birth-month 1980-05 --registered-on "$on"
setup s1 volunteer add V-002 --name "Li Si" --registered-on "$on"
setup s1 volunteer add V-003 --name "欧阳娜娜娜娜娜娜娜娜娜娜" --registered-on "$on"
setup s1 shift log V-001 --activity clean --start "$month-10 09:00" --end "$month-10 11:00" \
	--place "社区广场" --content "清扫落叶，整理草坪" --served "居民" --lead "王主任"
setup s1 shift log V-002 --activity read --start "$month-10 10:00" --end "$month-10 11:30"
setup s1 shift log V-003 --activity clean --start "$month-10 13:00" --end "$month-10 14:00"
setup s1 shift checkin V-003 --activity clean --start "$(t_at '-1 hours')"
setup s1 catalog add towel --name "毛巾" --category gift --price 5 --stock 10
setup s1 catalog add bag --name "环保购物袋（大号，可重复使用，印有社区标志）" --category gift --price 3 --stock 5
setup s1 catalog add lamp --name "A very long English name for a reading lamp with a shade" \
	--category gift --price 1 --stock 5
setup s1 redeem V-001 towel
setup s1 help request V-001 --points 3 --description "帮忙买菜，周六上午"
setup s1 help accept 1 --helper V-002
setup vp month close "$(t_date '-100 days' +%Y-%m)"

# xlsx_same KIND MEMBER WHO COMMAND...: the workbook of COMMAND run by WHO
# (vp, the admin, or s1) read back and compared with its --json answer
# (and, for what the client derives, its --csv); one result.
xlsx_same() {
	local kind=$1 member=$2 who=$3 out rc
	shift 3
	rm -f "$T_DIR/book.xlsx"
	"$who" "$@" --json >"$T_DIR/book.json" 2>"$T_DIR/book.err" &&
		"$who" "$@" --csv >"$T_DIR/book.csv" 2>>"$T_DIR/book.err" &&
		zh "$who" "$@" --format xlsx --out "$T_DIR/book.xlsx" 2>>"$T_DIR/book.err"
	rc=$?
	if [ "$rc" = 0 ]; then
		out=$(/usr/bin/python3 "$top_srcdir/tests/xlsx_check.py" "$kind" \
			"$T_DIR/book.xlsx" "$T_DIR/book.json" "$T_DIR/book.csv" $member 2>&1)
		rc=$?
	else
		out=$(cat "$T_DIR/book.err")
	fi
	if [ "$rc" = 0 ]; then
		t_result ok "$* --format xlsx: every cell as the JSON answer (${out##*$'\n'})"
	else
		t_result fail "$* --format xlsx: every cell as the JSON answer"
		echo "$out" | head -n 40 | sed 's/^/#   /'
	fi
}

# Every list, and the records that print as tables.
xlsx_same list volunteers vp volunteer list
xlsx_same list open+shifts s1 shift list V-001
xlsx_same list open+shifts s1 shift list V-003
xlsx_same list items s1 catalog list
xlsx_same list help_requests vp help list
xlsx_same list teams vp team list
xlsx_same list stations vp station list
xlsx_same list communities vp community list
xlsx_same list months vp month list
xlsx_same list activities vp activity list
xlsx_same list levels vp star-levels
xlsx_same list transfers vp balance V-001
xlsx_same list problems vp audit
xlsx_same record "" vp volunteer show V-001
# The outbox: two writes queued while nothing answered.
export VPOINTS_OUTBOX="$T_DIR/outbox"
nowhere="http://127.0.0.1:$(harness_free_port)"
s1 --server "$nowhere" --retries 0 volunteer add V-010 --name "王五" >/dev/null 2>&1
s1 --server "$nowhere" --retries 0 shift checkin V-001 --activity clean --place "图书馆" >/dev/null 2>&1
is "two writes queued in the outbox" "$(ls "$VPOINTS_OUTBOX" | grep -c .)" 2
xlsx_same list entries vp outbox list
vp volunteer show V-001 --history --json >"$T_DIR/history.json"
vp volunteer show V-001 --history --csv >"$T_DIR/history.csv"
zh vp volunteer show V-001 --history --format xlsx --out "$T_DIR/history.xlsx"
out=$(/usr/bin/python3 "$top_srcdir/tests/xlsx_check.py" list "$T_DIR/history.xlsx" \
	"$T_DIR/history.json" "$T_DIR/history.csv" history 1 2>&1)
is "volunteer show --history: its second sheet is the history, cell by cell" "$?" 0
[ "${out%% *}" -gt 0 ] 2>/dev/null || echo "$out" | sed 's/^/#   /'

# Reports: every level, monthly and annual, each with its totals row, the
# new star levels and what it covers.
for level in volunteer team community station; do
	for period in "monthly --month $month" "annual --year $year"; do
		# shellcheck disable=SC2086
		vp report $period --level "$level" --json >"$T_DIR/report.json"
		# shellcheck disable=SC2086
		zh vp report $period --level "$level" --format xlsx --out "$T_DIR/report.xlsx"
		out=$(/usr/bin/python3 "$top_srcdir/tests/xlsx_check.py" report \
			"$T_DIR/report.xlsx" "$T_DIR/report.json" 2>&1)
		rc=$?
		is "report ${period%% *} --level $level --format xlsx: every cell as the JSON answer (${out##*$'\n'})" "$rc" 0
		[ "$rc" = 0 ] || echo "$out" | head -n 40 | sed 's/^/#   /'
	done
done
levels=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["new_star_levels"]))' \
	<(vp report monthly --month "$month" --level volunteer --json))
is "... the month's report has new star levels to put in their sheet" "$levels" 3

# A workbook is a file: never text on a terminal; only for what prints
# tables; and only the workbook goes to standard output.
out=$(script -qec "$(printf '%q ' "$VPOINTS" --server "$DAEMON_URL" volunteer list --format xlsx)" /dev/null)
is "a workbook to a terminal is refused (64)" "$?" 64
like "... saying how to write it" "$out" "--out FILE"
vp volunteer list --format xlsx >"$T_DIR/piped.xlsx" 2>"$T_DIR/piped.err"
is "a workbook to a pipe or file: exit 0" "$?" 0
is "... it is a zip file (PK)" "$(head -c 2 "$T_DIR/piped.xlsx")" "PK"
is "... and nothing on standard error" "$(cat "$T_DIR/piped.err")" ""
s1 volunteer show V-001 --history --format xlsx >"$T_DIR/shown.xlsx" 2>/dev/null
is "... what a command says beside its tables stays out of the workbook" "$(head -c 2 "$T_DIR/shown.xlsx")" "PK"
before=$(pgc_psql "$T_PG" -At -c "SELECT count(*) FROM volunteers")
out=$(s1 volunteer add V-009 --name x --format xlsx --out "$T_DIR/none.xlsx" 2>&1)
is "--format xlsx for a command that prints no table: exit 64" "$?" 64
like "... saying so" "$out" "--format xlsx is for lists, records and reports"
is "... before sending anything" "$(pgc_psql "$T_PG" -At -c "SELECT count(*) FROM volunteers")" "$before"
is "... and writing no file" "$(ls "$T_DIR"/none.xlsx* 2>/dev/null)" ""
out=$(vp volunteer list --format html 2>&1)
is "--format html for a list: exit 64" "$?" 64
is "--format json is --json" "$(vp --format json volunteer list)" "$(vp --json volunteer list)"
out=$(vp volunteer list --format json --csv 2>&1)
is "--format json with --csv: exit 64" "$?" 64

# --out: whole or not at all.
vp volunteer list --csv --out "$T_DIR/list.csv"
is "--out writes the file" "$(cat "$T_DIR/list.csv")" "$(vp volunteer list --csv)"
is "... through a .tmp that is gone" "$(ls "$T_DIR"/list.csv.tmp 2>/dev/null)" ""
vp volunteer show V-404 --csv --out "$T_DIR/list.csv" 2>/dev/null
is "a command that fails: exit 65" "$?" 65
is "... leaves the file as it was" "$(cat "$T_DIR/list.csv")" "$(vp volunteer list --csv)"
is "... and no .tmp" "$(ls "$T_DIR"/list.csv.tmp 2>/dev/null)" ""
vp report monthly --month "$month" --level community --format html --out "$T_DIR/report.html"
like "report --format html --out: the page" "$(cat "$T_DIR/report.html")" "<!DOCTYPE html>"

# CSV for Excel: the byte-order mark with --bom or the config's bom = yes.
bytes() { head -c 3 | od -An -tx1 | tr -d ' \n'; }
is "--csv starts with the header, no byte-order mark" "$(vp volunteer list --csv | bytes)" "6e756d"
is "--csv --bom starts with EF BB BF" "$(vp volunteer list --csv --bom | bytes)" "efbbbf"
is "... then the same CSV" "$(vp volunteer list --csv --bom | tail -c +4)" "$(vp volunteer list --csv)"
is "... once, however many rows" "$(vp volunteer list --csv --bom | grep -c $'\xef\xbb\xbf')" 1
printf 'bom = yes\n' >"$T_DIR/bom.conf"
is "the config's bom = yes" "$(vp --config "$T_DIR/bom.conf" volunteer list --csv | bytes)" "efbbbf"
is "... --no-bom overrides it" "$(vp --config "$T_DIR/bom.conf" volunteer list --csv --no-bom | bytes)" "6e756d"
is "... a table has none" "$(vp --config "$T_DIR/bom.conf" volunteer list | bytes)" "4e554d"
is "report --csv --bom: the daemon's CSV after the mark" \
	"$(vp report monthly --month "$month" --level volunteer --csv --bom | bytes)" "efbbbf"
vp volunteer list --csv --bom --out "$T_DIR/bom.csv"
is "--out of a CSV with --bom: the file starts with it" "$(bytes <"$T_DIR/bom.csv")" "efbbbf"
printf 'bom = maybe\n' >"$T_DIR/badbom.conf"
vp --config "$T_DIR/badbom.conf" volunteer list >/dev/null 2>&1
is "bom = maybe in the config: exit 78" "$?" 78

# Receipts: 32 columns for a 58 mm printer, CJK counted as two, wrapped and
# nothing lost; 80 for A4.
# receipt_fits WIDTH FILE JSON: every line at most WIDTH columns (East
# Asian wide and full-width characters two), and every value of the
# redemption, its spaces aside, in the receipt.
receipt_fits() {
	/usr/bin/python3 - "$@" <<'EOF'
import json, sys, unicodedata
width, text, answer = int(sys.argv[1]), open(sys.argv[2]).read(), json.load(open(sys.argv[3]))
cols = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
wide = [l for l in text.splitlines() if cols(l) > width]
flat = "".join(text.split())
lost = [k for k in ("receipt", "station", "volunteer", "volunteer_name", "name", "quantity", "points", "balance")
	if "".join(str(answer[k]).split()) not in flat]
for l in wide: print(f"{cols(l)} columns: {l}")
for k in lost: print(f"lost: {k} = {answer[k]}")
sys.exit(1 if wide or lost else 0)
EOF
}
for item in bag lamp; do
	out=$(s1 --idempotency-key "receipt-$item" redeem V-003 "$item" --receipt 58mm)
	is "redeem $item --receipt 58mm: exit 0" "$?" 0
	printf '%s\n' "$out" >"$T_DIR/receipt.txt"
	# The redemption, and the name of the volunteer, as the daemon has them.
	s1 --idempotency-key "receipt-$item" --json redeem V-003 "$item" |
		/usr/bin/python3 -c 'import json, sys; r = json.load(sys.stdin); r["volunteer_name"] = sys.argv[1]; json.dump(r, sys.stdout, ensure_ascii=False)' \
		"$(s1 --json volunteer show V-003 | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["name"])')" \
		>"$T_DIR/$item.json"
	out=$(receipt_fits 32 "$T_DIR/receipt.txt" "$T_DIR/$item.json")
	rc=$?
	is "... no line wider than 32 columns, nothing lost ($(wc -l <"$T_DIR/receipt.txt") lines)" "$rc" 0
	[ -z "$out" ] || { echo "$out"; sed 's/^/#   |/' "$T_DIR/receipt.txt"; } | sed 's/^/#   /'
done
like "... the volunteer's name on it, wrapped after 18 columns" "$(cat "$T_DIR/receipt.txt")" \
	"$(printf 'name          欧阳娜娜娜娜娜娜娜\n              娜娜娜')"
like "... an English name wrapped at a space" "$(s1 --idempotency-key receipt-lamp redeem V-003 lamp --receipt 58mm)" \
	"$(printf 'item          A very long\n              English name')"
s1 --idempotency-key receipt-bag redeem V-003 bag --receipt a4 >"$T_DIR/a4.txt"
receipt_fits 80 "$T_DIR/a4.txt" "$T_DIR/bag.json" >/dev/null 2>&1
is "redeem --receipt a4: 80 columns, nothing lost" "$?" 0
is "... the item's name on one line" "$(grep -c '环保购物袋（大号，可重复使用，印有社区标志）' "$T_DIR/a4.txt")" 1
printf 'receipt = 58mm\n' >"$T_DIR/receipt.conf"
is "the config's receipt = 58mm is the default" \
	"$(s1 --config "$T_DIR/receipt.conf" --idempotency-key receipt-bag redeem V-003 bag | head -n 1)" \
	"================================"
is "... --receipt a4 overrides it" \
	"$(s1 --config "$T_DIR/receipt.conf" --idempotency-key receipt-bag redeem V-003 bag --receipt a4 | head -n 1 | wc -c)" 81
is "redeem --csv: the record as before" \
	"$(s1 --idempotency-key receipt-bag redeem V-003 bag --csv | head -n 1 | tr -d '\r')" \
	"id,receipt,at,station,volunteer,item,name,category,quantity,points,balance,voided_at,void_reason"
