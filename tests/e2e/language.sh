#!/usr/bin/env bash
# The station's client in Chinese against a real vpointsd: under
# LANG=zh_CN.UTF-8 every command a station uses (register, check in and
# out, log a paper shift, balance, redeem with a receipt, help, report,
# certificate) prints Chinese in the programme's words (po/glossary.md);
# under LANG=C the same commands print English; the config file's
# language = and LANGUAGE choose too; CSV and JSON are the same in every
# language. The catalogues are the build tree's (VPOINTS_LOCALEDIR), and
# Chinese works whether or not this machine generated zh_CN.UTF-8.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start "back_entry_days = 36500"
harness_admin

"$VPOINTS" keygen --out "$T_DIR/S01.key" >/dev/null
# The station's client with the environment's language variables set
# here alone (lib.sh pins LC_MESSAGES=C for the other tests).
as() {
	local lang=$1
	shift
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG="$lang" "$VPOINTS" \
		--server "$DAEMON_URL" --key "$T_DIR/S01.key" "$@"
}
cn() { as zh_CN.UTF-8 "$@"; }
en() { as C "$@"; }
setup() { "$@" >/dev/null || t_result fail "set-up: $*"; }

setup vp community add C01 --name 东湖社区 --population 5000
setup vp station add S01 --name 东湖社区新时代文明实践站 --community C01 \
	--pubkey "$T_DIR/S01.key.pub"
setup vp activity add clean --name 环境清洁 --points-per-hour 10
setup en catalog add soap --name 洗衣皂 --category gift --price 5 --stock 10

# Register: a sentence and a record in Chinese.
out=$(cn volunteer add V-001 --name 张三 --consent --phone 13800138000); rc=$?
is "LANG=zh_CN.UTF-8 volunteer add exits 0" "$rc" 0
is "... says in Chinese what it registered" "$out" "志愿者 V-001 已注册：张三，有效，社区 C01，0 积分"
setup cn volunteer add V-002 --name 李四
out=$(cn volunteer show V-001)
like "volunteer show: Chinese labels" "$out" "志愿者编号"
like "... the status in Chinese" "$(grep '^状态' <<<"$out")" "有效"
like "... consent to keep personal data" "$out" "同意保存个人信息"

# Check in, check out, log a paper shift (补录).
out=$(cn shift checkin V-001 --activity clean --start "$(t_at '-5 hours')"); rc=$?
is "shift checkin exits 0" "$rc" 0
id=$(sed -n 's/^服务记录 \([0-9]*\) .*/\1/p' <<<"$out")
like "... says the shift is open, in Chinese" "$out" "服务记录 $id 进行中：志愿者 V-001，clean，开始于 "
out=$(cn shift checkout "$id" --end "$(t_at '-3 hours')")
like "shift checkout: the shift recorded, its hours and points" "$out" \
	"服务记录 $id 已记录：志愿者 V-001，clean，"
like "... 2:00 hours, 20 points" "$out" "2:00 小时，20 积分"
out=$(cn shift log V-001 --activity clean --start "$(t_at '-2 hours')" --end "$(t_at '-1 hours')")
like "shift log (a paper shift)" "$out" "已记录：志愿者 V-001，clean，"
like "... 1:00 hour, 10 points" "$out" "1:00 小时，10 积分"
out=$(cn shift list V-001)
like "shift list: Chinese headings" "$out" "开始时间"
like "... and statuses" "$out" "已记录"

# Balance: points, hours, the transfers under Chinese headings.
out=$(cn balance V-001)
like "balance: the volunteer" "$out" "志愿者    V-001"
like "... points" "$out" "积分      30"
like "... hours of service" "$out" "服务时长  3:00"
like "... transfers under Chinese headings" "$out" "积分变动"

# Redeem with a receipt for a 58 mm printer: Chinese, 32 columns.
out=$(cn redeem V-001 soap --receipt 58mm); rc=$?
is "redeem --receipt 58mm exits 0" "$rc" 0
like "... the receipt's title" "$out" "积分兑换凭证"
like "... the points spent" "$out" "消耗积分"
like "... the points left" "$out" "剩余积分"
like "... the volunteer's name" "$out" "张三"
wide=$(/usr/bin/python3 -c '
import sys, unicodedata
cols = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
print(" ".join(str(cols(l)) for l in sys.stdin.read().splitlines() if cols(l) > 32))' <<<"$out")
is "... no line wider than 32 columns (CJK counted as two)" "$wide" ""

# Help between neighbours: request, accept, complete.
out=$(cn help request V-001 --points 5 --description 帮忙买菜 \
	--deadline "$(t_at '+2 days')")
hid=$(sed -n 's/^互助请求 \([0-9]*\) .*/\1/p' <<<"$out")
like "help request: open, in Chinese" "$out" "互助请求 $hid 进行中：5 积分，求助人 V-001"
out=$(cn help accept "$hid" --helper V-002)
like "help accept: accepted, the helper" "$out" "互助请求 $hid 已接受：5 积分，求助人 V-001，帮助人 V-002"
out=$(cn help complete "$hid" --minutes 30 --activity help)
like "help complete: completed, its shift" "$out" "互助请求 $hid 已完成：5 积分，求助人 V-001，帮助人 V-002，服务记录 "
out=$(cn help list)
like "help list: Chinese headings" "$out" "求助人"

# The monthly report: title, headings, totals in Chinese.
month=$(TZ=Asia/Shanghai t_date '-1 hours' +%Y-%m)
out=$(cn report monthly --month "$month" --level volunteer)
like "report monthly: its title" "$out" "$month 月度报表（按志愿者），社区 C01"
like "... the targets" "$out" "目标：每名志愿者每年服务"
like "... a Chinese heading" "$out" "志愿服务时长（小时）"
like "... the totals row" "$out" "合计"
cn report monthly --month "$month" --level community --format html --out "$T_DIR/report.html"
page=$(cat "$T_DIR/report.html")
like "report --format html: a Chinese page" "$page" '<html lang="zh-CN">'
like "... its title" "$page" "<h1>$month 月度报表（按社区）</h1>"
like "... Chinese headings, as the workbook's" "$page" "<th>社区代码</th>"
like "... the community level's own" "$page" "参加服务志愿者人数"

# The certificate of service.
# Days of the programme's zone (the daemon's), not the machine's.
from=$(TZ=Asia/Shanghai t_date '-2 days' +%F)
to=$(TZ=Asia/Shanghai t_date '' +%F)
out=$(cn certificate issue V-001 --from "$from" --to "$to" \
	--out "$T_DIR/c.jws" --html "$T_DIR/c.html" 2>&1); rc=$?
is "certificate issue exits 0" "$rc" 0
like "... says what it issued, in Chinese" "$out" "已出具：张三（V-001），"
like "... its hours and shifts" "$out" "3:00 小时，2 次服务"
page=$(cat "$T_DIR/c.html")
like "... the page is Chinese" "$page" '<html lang="zh-CN">'
like "... its title" "$page" "<h1>志愿服务证明</h1>"
like "... the issuer" "$page" "出具单位：东湖社区新时代文明实践站"

# A usage error and the usage, in Chinese.
err=$(cn volunteer add 2>&1); rc=$?
is "a usage error in Chinese: exit 64" "$rc" 64
is "... says what is missing" "$(head -n 1 <<<"$err")" "vpoints: volunteer add: 缺少 NUMBER"
like "... then the usage" "$err" "用法：vpoints volunteer add NUMBER"
like "vpoints --help in Chinese" "$(cn --help)" "退出码："

# The same commands under LANG=C: English, as before.
out=$(en volunteer add V-003 --name "Wang Wu")
is "LANG=C volunteer add: English" "$out" "volunteer V-003 registered: Wang Wu, active, community C01, 0 points"
out=$(en balance V-001)
like "LANG=C balance: English" "$out" "volunteer  V-001"
like "... points (5 held for the help request)" "$out" "points     20"
out=$(en shift list V-001)
like "LANG=C shift list: English headings" "$out" "START"
like "... English statuses" "$out" "recorded"
out=$(en redeem V-001 soap --receipt 58mm)
like "LANG=C redeem: an English receipt" "$out" "POINTS REDEMPTION RECEIPT"
like "LANG=C help list: English" "$(en help list)" "REQUESTER"
like "LANG=C report: English" "$(en report monthly --month "$month" --level volunteer)" \
	"Monthly report $month by volunteer, community C01"
out=$(en certificate issue V-001 --from "$from" --to "$to" \
	--out "$T_DIR/e.jws" --html "$T_DIR/e.html" 2>&1)
like "LANG=C certificate issue: English" "$out" "issued: 张三 (V-001), "
like "... an English page" "$(cat "$T_DIR/e.html")" "<h1>Certificate of Volunteer Service</h1>"
like "LANG=C usage: English" "$(en volunteer add 2>&1)" "vpoints: volunteer add: NUMBER is missing"

# What machines read is the same in every language.
is "CSV is the same in Chinese and English" "$(cn volunteer list --csv | md5sum)" \
	"$(en volunteer list --csv | md5sum)"
is "JSON is the same in Chinese and English" "$(cn balance V-001 --json | md5sum)" \
	"$(en balance V-001 --json | md5sum)"

# What chooses the language: LANGUAGE, LC_MESSAGES, the config file.
first() { "$@" --help | head -n 1; }
is "LANGUAGE=zh_CN (LANG=C.UTF-8): Chinese" \
	"$(first env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=zh_CN "$VPOINTS")" \
	"用法：vpoints [全局选项] COMMAND [参数]"
is "LC_MESSAGES=zh_CN.UTF-8: Chinese" \
	"$(first env -u LC_ALL -u LANGUAGE LANG=C LC_MESSAGES=zh_CN.UTF-8 "$VPOINTS")" \
	"用法：vpoints [全局选项] COMMAND [参数]"
is "LANG=zh_CN.GB-none (a locale no machine has): Chinese still" \
	"$(first env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=zh_CN.GB-none "$VPOINTS")" \
	"用法：vpoints [全局选项] COMMAND [参数]"
printf 'language = zh_CN\n' >"$T_DIR/zh.conf"
printf 'language = en\n' >"$T_DIR/en.conf"
is "config language = zh_CN (LANG=C): Chinese" \
	"$(first env VPOINTS_CONFIG="$T_DIR/zh.conf" LANG=C "$VPOINTS")" \
	"用法：vpoints [全局选项] COMMAND [参数]"
is "config language = en (LANG=zh_CN.UTF-8): English" \
	"$(first env -u LC_MESSAGES VPOINTS_CONFIG="$T_DIR/en.conf" LANG=zh_CN.UTF-8 "$VPOINTS")" \
	"usage: vpoints [global options] COMMAND [args]"
out=$(VPOINTS_CONFIG="$T_DIR/zh.conf" en balance V-001)
like "... and for a command that runs" "$out" "积分      15"
err=$(VPOINTS_CONFIG="$T_DIR/zh.conf" en volunteer add 2>&1)
is "... and for what is wrong with a command line" "$(head -n 1 <<<"$err")" \
	"vpoints: volunteer add: 缺少 NUMBER"

is "the daemon logged no error" "$(grep -c "vpointsd\[$DAEMON_PID\] error:" "$DAEMON_LOG")" 0
ok "vpointsd stops cleanly" daemon_stop
