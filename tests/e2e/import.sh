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
"row 4: consent-required: Gender, birth month, phone, skills and party membership are kept only with the volunteer's consent.
row 6: volunteer-exists: A volunteer with number V001 exists already.
row 7: invalid-field: \"gender\" must be one of: female, male, other.
row 8: invalid-field: \"2026-02-30\" is not a date (YYYY-MM-DD)
row 9: invalid-field: \"id_number\" must be 4 to 32 letters and digits
row 12: back-entry-window: \"registered_on\"
10 rows: 4 imported, 0 imported before, 6 refused."
is "... nothing on standard error" "$(cat "$T_DIR/err")" ""
is "... the good rows are in the ledger" \
	"$(q "SELECT string_agg(number || ':' || name || ':' || coalesce(phone, '-') || ':' || coalesce(gender, '-') || ':' || coalesce(platform_number, '-') || ':' || coalesce(id_last4, '-'), ' ' ORDER BY number) FROM volunteers WHERE number LIKE 'V%'")" \
	"V001:张三:13800000001:male:P-1001:1234 V002:李四:-:female:P-1002:- V004:赵六:13800000004:other:-:1234 V008:郑一:-:-:-:-"

s1 import volunteers "$T_DIR/vols.csv" >"$T_DIR/out" 2>&1
is "the same file again: the same refusals, nothing imported twice" \
	"$(tail -n 1 "$T_DIR/out")" "10 rows: 0 imported, 4 imported before, 6 refused."
is "... still 4 of them in the ledger" "$(q "SELECT count(*) FROM volunteers WHERE number LIKE 'V%'")" 4

# The row keys the ledger keeps are keyed by the station's key: a plain
# hash of a row would confirm a guess of the phone in it, kept after the
# volunteer's consent went.
cat >"$T_DIR/keys.csv" <<CSV
姓名,志愿者编号,手机号,同意授权
甲,K001,13900004321,是
CSV
s1 import volunteers "$T_DIR/keys.csv" >"$T_DIR/out" 2>&1
is "a row with a phone: imported" "$(tail -n 1 "$T_DIR/out")" "1 rows: 1 imported, 0 imported before, 0 refused."
row_key=$(q "SELECT row_key FROM import_rows WHERE subject = 'K001'")
tried=$(/usr/bin/python3 - "$row_key" <<'PY'
import hashlib, json, sys
for n in range(10000):
    row = {"consent": True, "name": "甲", "number": "K001", "phone": "1390000%04d" % n}
    text = json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    h = hashlib.blake2b(b"vpoints import 1\0volunteer\0keys.csv\0" + text.encode(), digest_size=16)
    if h.hexdigest() == sys.argv[1]:
        print("found " + row["phone"])
        sys.exit(0)
print("not found")
PY
)
is "... its key is no plain hash of the row with any phone tried" "$tried" "not found"

# GB18030, as Excel in China saves CSV: made with iconv, read as found.
cat <<CSV | iconv -f UTF-8 -t GB18030 >"$T_DIR/vols-gb.csv"
姓名,志愿者编号,队伍,同意授权,技能
陈一,G001,,是,护理、驾驶
陈二,G002,,,
陈三,V002,,,
CSV
before=$(q "SELECT count(*) || '/' || (SELECT count(*) FROM volunteer_history) || '/' || (SELECT count(*) FROM import_rows) FROM volunteers")
s1 import volunteers --dry-run "$T_DIR/vols-gb.csv" >"$T_DIR/out" 2>&1
is "a dry run of the GB18030 file reports what would happen" "$(cat "$T_DIR/out")" \
"row 4: volunteer-exists: A volunteer with number V002 exists already.
Dry run of 3 rows: 2 would be imported, 0 were imported before, 1 would be refused; nothing was changed."
is "... and changes nothing" "$(q "SELECT count(*) || '/' || (SELECT count(*) FROM volunteer_history) || '/' || (SELECT count(*) FROM import_rows) FROM volunteers")" "$before"
s1 import volunteers "$T_DIR/vols-gb.csv" >"$T_DIR/out" 2>&1
is "the GB18030 file for real" "$(tail -n 1 "$T_DIR/out")" "3 rows: 2 imported, 0 imported before, 1 refused."
is "... its names and skills read right" "$(q "SELECT string_agg(name || ':' || coalesce(array_to_string(skills, '+'), '-'), ' ' ORDER BY number) FROM volunteers WHERE number LIKE 'G%'")" \
	"陈一:护理+驾驶 陈二:-"
fails "--encoding utf-8 refuses the GB18030 file" s1 import volunteers --encoding utf-8 "$T_DIR/vols-gb.csv"
like "... saying so" "$(cat "$T_DIR/last.out")" "the file is not UTF-8 text (try --encoding gb18030)"

# XLSX made by openpyxl: a title above the headings, English headings in
# another order, a mapping file for one of them, numbers and dates as
# Excel keeps them.
/usr/bin/python3 - "$T_DIR/vols.xlsx" "$(t_date '-1 days' +%F)" <<'PY'
import sys, datetime
from openpyxl import Workbook
wb = Workbook()
ws = wb.active
ws.append(["东城社区志愿者名单"])
ws.append(["Full name", "number", "consent", "phone", "registered_on"])
day = datetime.date.fromisoformat(sys.argv[2])
ws.append(["Xlsx One", "X001", "yes", 13900000001, day])
ws.append(["Xlsx Two", "X002", None, None, None])
ws.append([None, "X003", None, None, None])
wb.save(sys.argv[1])
PY
echo "name = Full name" >"$T_DIR/columns"
s1 import volunteers --columns "$T_DIR/columns" "$T_DIR/vols.xlsx" >"$T_DIR/out" 2>&1
is "the workbook of volunteers, a heading mapped" "$(cat "$T_DIR/out")" \
"row 5: invalid-field: \"name\" is required.
3 rows: 2 imported, 0 imported before, 1 refused."
# X002 is registered on the daemon's today, in the programme's zone.
is "... its cells read right" "$(q "SELECT string_agg(number || ':' || name || ':' || coalesce(phone, '-') || ':' || registered_on, ' ' ORDER BY number) FROM volunteers WHERE number LIKE 'X%'")" \
	"X001:Xlsx One:13900000001:$(t_date '-1 days' +%F) X002:Xlsx Two:-:$(TZ=Asia/Shanghai t_date '' +%F)"
fails "without the mapping, the workbook has no name column" s1 import volunteers "$T_DIR/vols.xlsx"
like "... saying which" "$(cat "$T_DIR/last.out")" "no column is headed 姓名|name (the field name)"
head -c 1000 "$T_DIR/vols.xlsx" >"$T_DIR/cut.xlsx"
fails "a workbook cut short is refused" s1 import volunteers "$T_DIR/cut.xlsx"
like "... with a clear reason" "$(cat "$T_DIR/last.out")" "not a workbook (not a zip file, or cut short)"
printf 'number,name\nT1,"open\n' >"$T_DIR/cut.csv"
fails "a CSV cut inside a quoted cell is refused" s1 import volunteers "$T_DIR/cut.csv"
like "... naming its row" "$(cat "$T_DIR/last.out")" "cut.csv: row 2: a quoted cell is never closed (is the file cut short?)"
is "... and nothing of either was imported" "$(q "SELECT count(*) FROM volunteers WHERE number = 'T1'")" 0

# Paper records of shifts, CSV in UTF-8 without a BOM. Row 3 overlaps row
# 2, row 4 names no volunteer of the ledger, row 5 ends before it starts,
# row 6 has no such date, row 7 names a volunteer of another community.
cat >"$T_DIR/shifts.csv" <<CSV
志愿者编号,活动代码,服务日期,开始时间,结束时间,服务地点,服务内容
V001,clean,$D1,08:00,10:30,东城公园,清扫落叶
V001,clean,$D1,10:00,11:00,,
V999,clean,$D1,08:00,09:00,,
V002,visit,$D1,15:00,14:00,,
V002,visit,2026-02-30,15:00,16:00,,
W001,clean,$D1,08:00,09:00,,
V002,visit,$(t_date '-3 days' +%Y/%-m/%-d),9:00,11:15,"敬老院, 二楼",陪老人聊天
V004,,$D2,08:00,09:00,,
CSV
s1 import shifts --activity clean "$T_DIR/shifts.csv" >"$T_DIR/out" 2>"$T_DIR/err"
is "the shifts CSV: exit 65, the bad rows refused" "$?" 65
is "... each reported with its row and reason" "$(sed 's/: shift [0-9]*, /: shift N, /' "$T_DIR/out")" \
"row 3: shift-overlap: Volunteer V001 has another shift at that time: shift N, $D1 08:00 to $D1 10:30.
row 4: unknown-volunteer: No volunteer has number V999.
row 5: end-before-start: A shift must end after it starts ($D1 15:00 to $D1 14:00).
row 6: invalid-field: \"2026-02-30\" is not a date (YYYY-MM-DD)
row 7: outside-community: Station S01 acts for its own community only.
8 rows: 3 imported, 0 imported before, 5 refused."
is "... the good rows are shifts with their points" \
	"$(q "SELECT string_agg(v.number || ':' || a.code || ':' || s.minutes || ':' || s.points || ':' || coalesce(s.place, '-'), ' ' ORDER BY v.number, s.started_at) FROM shifts s JOIN volunteers v ON v.id = s.volunteer_id JOIN activities a ON a.id = s.activity_id")" \
	"V001:clean:150:25:东城公园 V002:visit:135:45:敬老院, 二楼 V004:clean:60:10:-"
# The daemon's refusals of rows carry their values, so the client says
# them in the user's language (client/refusal.c), numbers and all.
out=$(zh s1 import shifts --activity clean --dry-run "$T_DIR/shifts.csv" 2>&1)
like "a refused row in Chinese, with the other shift and its times" \
	"$(sed 's/服务记录 [0-9]*，/服务记录 N，/' <<<"$out")" \
	"第 3 行：shift-overlap：志愿者 V001 在该时段已有服务记录：服务记录 N，$D1 08:00 至 $D1 10:30。"
s1 import shifts --activity clean "$T_DIR/shifts.csv" >"$T_DIR/out" 2>&1
is "the shifts file again imports nothing" "$(tail -n 1 "$T_DIR/out")" "8 rows: 0 imported, 3 imported before, 5 refused."
is "... still 3 shifts" "$(q "SELECT count(*) FROM shifts")" 3

# Shifts in a workbook: start and end as Excel dates and times.
/usr/bin/python3 - "$T_DIR/shifts.xlsx" "$D2" <<'PY'
import sys, datetime
from openpyxl import Workbook
wb = Workbook()
ws = wb.active
ws.append(["volunteer", "activity", "start", "end", "content"])
day = datetime.date.fromisoformat(sys.argv[2])
at = lambda h, m: datetime.datetime.combine(day, datetime.time(h, m))
ws.append(["X001", "visit", at(13, 0), at(14, 30), "读报"])
ws.append(["X002", "clean", at(13, 0), at(13, 45), None])
ws.append(["X002", "clean", at(13, 30), at(14, 0), None])
wb.save(sys.argv[1])
PY
s1 import shifts "$T_DIR/shifts.xlsx" >"$T_DIR/out" 2>&1
is "the workbook of shifts" "$(sed 's/: shift [0-9]*, /: shift N, /' "$T_DIR/out")" \
"row 4: shift-overlap: Volunteer X002 has another shift at that time: shift N, $D2 13:00 to $D2 13:45.
3 rows: 2 imported, 0 imported before, 1 refused."
# Read in the programme's zone (the daemon's Asia/Shanghai), whatever this machine's.
is "... its times read right" \
	"$(q "SET timezone TO 'Asia/Shanghai'; SELECT string_agg(v.number || ':' || to_char(s.started_at, 'YYYY-MM-DD HH24:MI') || ':' || s.minutes, ' ' ORDER BY v.number) FROM shifts s JOIN volunteers v ON v.id = s.volunteer_id WHERE v.number LIKE 'X%'" | tail -n 1)" \
	"X001:$D2 13:00:90 X002:$D2 13:00:45"

# An import killed halfway, then run again: every row exactly once. 60
# volunteers, 50 shifts each (25 days, two a day), in batches of 10.
{
	echo "number,name"
	for i in $(seq -w 1 60); do echo "K$i,Volunteer $i"; done
} >"$T_DIR/many-vols.csv"
ok "60 more volunteers" s1 import volunteers "$T_DIR/many-vols.csv"
{
	echo "volunteer,activity,date,start,end"
	for d in $(seq 2 26); do
		day=$(t_date "-$d days" +%F)
		for i in $(seq -w 1 60); do
			echo "K$i,clean,$day,06:00,07:00"
			echo "K$i,visit,$day,07:00,07:30"
		done
	done
} >"$T_DIR/many.csv"
imported() { q "SELECT count(*) FROM import_rows WHERE kind = 'shift'"; }
start=$(imported)
# The client itself in the background (not a function's subshell), so
# that the kill reaches it.
"$VPOINTS" --server "$DAEMON_URL" --key "$T_DIR/s1.key" import shifts \
	--batch 10 "$T_DIR/many.csv" >"$T_DIR/killed.out" 2>&1 &
client=$!
# Wait (for as long as it takes) until some batches are in, then kill.
while kill -0 "$client" 2>/dev/null && [ "$(imported)" -lt $((start + 300)) ]; do
	sleep 0.05
done
kill -KILL "$client" 2>/dev/null
wait "$client" 2>/dev/null
cut=$(( $(imported) - start ))
is "the client was killed halfway (some rows in, not all)" \
	"$([ "$cut" -ge 300 ] && [ "$cut" -lt 3000 ] && echo yes)" yes
s1 import shifts --batch 200 "$T_DIR/many.csv" >"$T_DIR/out" 2>&1
is "run again, it imports the rest and nothing twice" "$(tail -n 1 "$T_DIR/out")" \
	"3000 rows: $((3000 - cut)) imported, $cut imported before, 0 refused."
is "... every row is in the ledger exactly once" \
	"$(q "SELECT count(*) || '/' || count(DISTINCT (volunteer_id, started_at)) FROM shifts s JOIN volunteers v ON v.id = s.volunteer_id WHERE v.number LIKE 'K%'")" \
	"3000/3000"

# The export for the national platform, read back by Python's csv and
# openpyxl, matches the ledger (in the daemon's time zone).
s1 volunteer update K01 --platform-number 33010212345 >/dev/null
from=$(t_date '-30 days' +%F)
to=$(t_date '' +%F)
ok "export national as CSV" s1 export national --from "$from" --to "$to" --format csv --out "$T_DIR/national.csv"
ok "export national as XLSX" s1 export national --from "$from" --to "$to" --format xlsx --out "$T_DIR/national.xlsx"
q "SET timezone TO 'Asia/Shanghai';
SELECT json_agg(json_build_array(v.name, coalesce(v.platform_number, ''),
    coalesce(s.activity_name, a.name), to_char(s.started_at, 'YYYY-MM-DD'),
    to_char(s.started_at, 'HH24:MI'), to_char(s.ended_at, 'HH24:MI'),
    round(s.minutes / 60.0, 2)::text, coalesce(s.place, ''),
    coalesce(s.content, ''), c.name) ORDER BY s.started_at, s.id)
FROM shifts s JOIN volunteers v ON v.id = s.volunteer_id
JOIN activities a ON a.id = s.activity_id
JOIN communities c ON c.id = s.community_id
WHERE c.code = 'C01'" | tail -n 1 >"$T_DIR/ledger.json"
is "the export read back matches the ledger" "$(/usr/bin/python3 - "$T_DIR" <<'PY'
import csv, json, sys
from openpyxl import load_workbook
d = sys.argv[1]
want = json.load(open(d + "/ledger.json"))
head = ["姓名", "志愿者编号", "活动名称", "服务日期", "开始时间", "结束时间",
    "服务时长（小时）", "服务地点", "服务内容", "组织单位"]
with open(d + "/national.csv", newline="", encoding="utf-8-sig") as f:
    rows = list(csv.reader(f, strict=True))
problems = []
if rows[0] != head:
    problems.append("csv header %r" % rows[0])
if rows[1:] != want:
    problems.append("csv rows differ: %d against %d" % (len(rows) - 1, len(want)))
ws = load_workbook(d + "/national.xlsx").active
cells = [[("" if c is None else c) for c in r] for r in ws.iter_rows(values_only=True)]
if [str(c) for c in cells[0]] != head:
    problems.append("xlsx header %r" % cells[0])
got = [[str(c) if i != 6 else "%.2f" % c for i, c in enumerate(r)] for r in cells[1:]]
if got != want:
    problems.append("xlsx rows differ: %r" % ([x for x in zip(got, want) if x[0] != x[1]][:1],))
print("; ".join(problems) or "same %d records" % len(want))
PY
)" "same 3005 records"
like "... the platform number is there, never an ID number" "$(grep -c 33010212345 "$T_DIR/national.csv"; grep -c 110101199 "$T_DIR/national.csv")" "50
0"
fails "a station key exports no other community" s1 export national --from "$from" --to "$to" --community C02
like "... saying so" "$(cat "$T_DIR/last.out")" "outside-community"

# Batches of shifts at once (--connections): a batch that names a
# volunteer of a batch in flight waits for it, so each row sees the rows
# before it as one batch at a time would. One row a batch, eight at once:
# row 2 is imported, rows 3 to 8 overlap it, row 9 is row 2 again (its
# key), row 10 is another volunteer's.
day=$(t_date '-1 days' +%F)
{
	echo "volunteer,activity,date,start,end,place"
	echo "K01,clean,$day,09:00,10:00,A"
	for p in B C D E F G; do echo "K01,clean,$day,09:30,10:30,$p"; done
	echo "K01,clean,$day,09:00,10:00,A"
	echo "K02,clean,$day,09:00,10:00,A"
} >"$T_DIR/at-once.csv"
s1 import shifts --batch 1 --connections 8 "$T_DIR/at-once.csv" \
	>"$T_DIR/out" 2>&1
is "eight batches at once: the rows refused as one at a time would" \
	"$(sed 's/: shift [0-9]*, /: shift N, /' "$T_DIR/out")" \
	"$(for r in 3 4 5 6 7 8; do echo "row $r: shift-overlap: Volunteer K01 has another shift at that time: shift N, $day 09:00 to $day 10:00."; done)
9 rows: 2 imported, 1 imported before, 6 refused."
fails "--connections 9 is refused" s1 import shifts --connections 9 \
	"$T_DIR/at-once.csv"
like "... saying so" "$(cat "$T_DIR/last.out")" \
	"--connections must be from 1 to 8"

# The ID numbers of the imports are nowhere in clear: not in the daemon's
# log, PostgreSQL's, the database (its every table, as pg_dump writes
# it) or what the client printed.
pg_dump -h "$(pgc_sockdir "$T_PG")" -U vpoints -d vpoints >"$T_DIR/dump.sql"
is "the database dumps" "$?" 0
is "no ID number of an import is in a log or the database" \
	"$(cat "$DAEMON_LOG" "$T_PG/postgres.log" "$T_DIR/dump.sql" "$T_DIR"/*.out \
	    2>/dev/null | grep -c '110101199001011234\|110101199202021234')" 0
is "... though the hash of one is" "$(q "SELECT count(*) FROM volunteers WHERE id_last4 = '1234'")" 2

ok "SIGTERM exits 0" daemon_stop
