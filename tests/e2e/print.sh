#!/usr/bin/env bash
# Printed certificates and volunteer cards, end to end. A certificate's
# page (in Chinese, with the facts the national rules name) and its PNG
# carry a QR code that zbarimg decodes to the signed certificate, and
# vpoints certificate verify accepts what was decoded, offline; when the
# JWS is too long for a QR code, its base45 form; when even that is, the
# page says so. Volunteer cards: ten to an A4 sheet, name, number and
# community only, each with a QR code that decodes to the number alone,
# which checks the volunteer in. QR codes in a page are read from its
# inline SVG, drawn to a bitmap module by module (svg_qr below).
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start
harness_admin

if ! command -v zbarimg >/dev/null 2>&1; then
	t_result fail "zbarimg is installed (Debian zbar-tools; ./quickstart installs it)"
	exit 1
fi

# Every QR code (an inline <svg class="qr">) of HTML page $1 as a PBM
# image $2.N.pbm (N from 1, in the page's order), 4 pixels a module, the
# quiet zone as drawn; prints how many.
svg_qr() {
	/usr/bin/python3 - "$1" "$2" <<'EOF'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
svgs = re.findall(r'<svg [^>]*class="qr"[^>]*>.*?</svg>', page, re.S)
for n, svg in enumerate(svgs, 1):
    side = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    path = re.search(r' d="([^"]*)"', svg).group(1)
    dark = [[0] * side for _ in range(side)]
    for x, y, run, back in re.findall(r"M(\d+) (\d+)h(\d+)v1h-(\d+)z", path):
        assert run == back
        for i in range(int(run)):
            dark[int(y)][int(x) + i] = 1
    scale = 4
    with open("%s.%d.pbm" % (sys.argv[2], n), "w") as f:
        f.write("P1\n%d %d\n" % (side * scale, side * scale))
        for row in dark:
            line = " ".join(str(v) for v in row for _ in range(scale))
            for _ in range(scale):
                f.write(line + "\n")
print(len(svgs))
EOF
}

# What zbarimg reads from image $1: the text of its one QR code.
scan() { zbarimg --raw -q --nodbus -Sdisable -Sqrcode.enable "$1"; }

pubkey="$T_DIR/public-key.json"
curl -s "$DAEMON_URL/v1/public-key" >"$pubkey"
from=$(t_date '-30 days' +%F)
to=$(t_date '' +%F)

# A community, a station with a key of its own, activities, volunteers.
vp community add C01 --name 东湖社区 --population 5000 >/dev/null
vp community add C02 --name 西湖社区 --population 3000 >/dev/null
"$VPOINTS" keygen --out "$T_DIR/s01.key" >/dev/null
vp station add S01 --name 东湖社区志愿服务站 --community C01 \
	--pubkey "$T_DIR/s01.key.pub" >/dev/null
is "a station of community C01 with a key of its own" "$?" 0
s01() { VPOINTS_KEY="$T_DIR/s01.key" vp "$@"; }
vp activity add clean --name 环境清洁 --points-per-hour 10 >/dev/null
vp activity add traffic --name 交通引导 --points-per-hour 10 >/dev/null
vp team add T1 --name 文明交通队 --kind specialty >/dev/null
vp volunteer add V-001 --name 张三 --community C01 --consent \
	--phone 13800138000 >/dev/null
vp volunteer add V-002 --name 李四 --community C01 --team T1 >/dev/null
vp volunteer add V-003 --name 王五 --community C02 --team T1 >/dev/null
for i in 04 05 06 07 08 09 10 11 12; do
	vp volunteer add "V-0$i" --name "志愿者$i" --community C01 >/dev/null
done
vp volunteer add V-013 --name 赵六 --community C01 >/dev/null
vp volunteer update V-013 --status left --reason 搬家 >/dev/null
is "13 volunteers registered" \
	"$(pgc_psql "$T_PG" -At -c "SELECT count(*) FROM volunteers")" 13

# V-001 served 4:30: cleaning 2:00 and 1:30, traffic 1:00.
s01 shift log V-001 --activity clean --start "$(t_at '-10 days')" \
	--end "$(t_at '-10 days +120 minutes')" >/dev/null
s01 shift log V-001 --activity clean --start "$(t_at '-9 days')" \
	--end "$(t_at '-9 days +90 minutes')" >/dev/null
s01 shift log V-001 --activity traffic --start "$(t_at '-8 days')" \
	--end "$(t_at '-8 days +60 minutes')" >/dev/null

# The certificate: its JWS, page and QR code, in Chinese as a station
# prints it (the pages speak the client's language).
out=$(zh s01 certificate issue V-001 --from "$from" --to "$to" \
	--out "$T_DIR/c.jws" --html "$T_DIR/c.html" --png "$T_DIR/c.png"); rc=$?
is "certificate issue --out --html --png exits 0" "$rc" 0
number=$(sed -n 's/^服务证明 \(C-[0-9]*-[0-9]*\) 已出具：.*/\1/p' <<<"$out")
like "... and says what it issued" "$out" "张三（V-001），$from 至 $to，4:30 小时，3 次服务"
jws=$(cat "$T_DIR/c.jws")
is "the PNG is a PNG" "$(head -c 8 "$T_DIR/c.png" | od -An -tx1 | tr -d ' \n')" \
	89504e470d0a1a0a
scanned=$(scan "$T_DIR/c.png")
is "zbarimg reads the certificate's JWS from the PNG, as it is (it fits a QR code)" \
	"$scanned" "$jws"
printf '%s\n' "$scanned" >"$T_DIR/scanned.txt"
out=$(vp certificate verify "$T_DIR/scanned.txt" --pubkey "$pubkey"); rc=$?
is "certificate verify accepts what was scanned, offline" "$rc" 0
like "... a certificate of V-001" "$out" "VOLUNTEER       V-001"
like "... its number" "$out" "NUMBER          $number"
like "... 4:30 hours" "$out" "HOURS           4:30"
like "... the kinds of service" "$out" "ACTIVITIES      环境清洁 3:30, 交通引导 1:00"
like "... the issuing station" "$out" "STATION NAME    东湖社区志愿服务站"
payload=$(printf '%s\n' "$scanned" | vp certificate verify - --pubkey "$pubkey" --json)
like "... from standard input too, the payload as signed" "$payload" \
	'"activities": [{"code": "clean", "name": "环境清洁", "shifts": 2, "minutes": 210}'
issued=$(/usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["issued_at"][:10])' <<<"$payload")
n=$(svg_qr "$T_DIR/c.html" "$T_DIR/c-page")
is "the page has one QR code, an inline SVG" "$n" 1
is "... which reads as the JWS too" "$(scan "$T_DIR/c-page.1.pbm")" "$jws"
page=$(cat "$T_DIR/c.html")
like "the page is in Chinese: its title" "$page" "<h1>志愿服务证明</h1>"
like "... the volunteer, number and community" "$page" \
	"兹证明<strong>张三</strong>（志愿者编号：<strong>V-001</strong>）系<strong>东湖社区</strong>注册志愿者"
like "... the hours" "$page" "<th>志愿服务时长</th><td>4.50小时（共3次）</td>"
like "... the kinds of service" "$page" \
	"<th>服务类别</th><td>环境清洁：3.50小时（2次）；交通引导：1.00小时（1次）</td>"
like "... the certificate number" "$page" "<th>证明编号</th><td>$number</td>"
like "... the issuer" "$page" "出具单位：东湖社区志愿服务站"
like "... the date of issue" "$page" "出具日期：$(date -d "$issued" +%Y年%-m月%-d日)"
like "... the service period" "$page" \
	"<th>服务期间</th><td>$(date -d "$from" +%Y年%-m月%-d日)至$(date -d "$to" +%Y年%-m月%-d日)</td>"
is "... and it fetches nothing: no URI but the SVG namespace" \
	"$(grep -o 'https\?://[^"]*' "$T_DIR/c.html" | sort -u)" "http://www.w3.org/2000/svg"
is "... no phone number" "$(grep -c 13800138000 "$T_DIR/c.html")" 0

# A changed character: verification fails.
/usr/bin/python3 -c 'import sys; s = open(sys.argv[1]).read(); i = len(s) // 2; open(sys.argv[2], "w").write(s[:i] + ("A" if s[i] != "A" else "B") + s[i + 1:])' \
	"$T_DIR/scanned.txt" "$T_DIR/tampered.txt"
fails "certificate verify refuses the scanned text with a character changed" \
	vp certificate verify "$T_DIR/tampered.txt" --pubkey "$pubkey"

# A certificate too long for its JWS in a QR code: long names (Chinese
# names are three bytes a character) make a payload of about 2,300 bytes.
long() { /usr/bin/python3 -c 'import sys; print(sys.argv[1] * int(sys.argv[2]))' "$1" "$2"; }
vp community add C03 --name "$(long 长 199)社" --population 100 >/dev/null
"$VPOINTS" keygen --out "$T_DIR/s03.key" >/dev/null
vp station add S03 --name "$(long 远 199)站" --community C03 \
	--pubkey "$T_DIR/s03.key.pub" >/dev/null
vp activity add long1 --name "$(long 甲 60)" --points-per-hour 1 >/dev/null
vp activity add long2 --name "$(long 乙 60)" --points-per-hour 1 >/dev/null
vp volunteer add V-L1 --name "$(long 名 99)" --community C03 >/dev/null
day=5
for a in long1 long2; do
	VPOINTS_KEY="$T_DIR/s03.key" vp shift log V-L1 --activity "$a" \
		--start "$(t_at "-$day days")" --end "$(t_at "-$day days +30 minutes")" >/dev/null
	day=$((day - 1))
done
VPOINTS_KEY="$T_DIR/s03.key" vp certificate issue V-L1 --from "$from" --to "$to" \
	--out "$T_DIR/long.jws" --html "$T_DIR/long.html" --png "$T_DIR/long.png" >/dev/null
is "a long certificate is issued, its page and PNG written" "$?" 0
long_jws=$(cat "$T_DIR/long.jws")
is "... its JWS is too long for a QR code (over 2,953 characters)" \
	"$([ "${#long_jws}" -gt 2953 ] && echo yes || echo "no: ${#long_jws}")" yes
scanned=$(scan "$T_DIR/long.png")
like "... its QR code holds the base45 form" "$scanned" "VPJ1:"
is "... the same as the page's" "$(svg_qr "$T_DIR/long.html" "$T_DIR/long-page" >/dev/null;
	scan "$T_DIR/long-page.1.pbm")" "$scanned"
printf '%s\n' "$scanned" >"$T_DIR/long-scanned.txt"
out=$(vp certificate verify "$T_DIR/long-scanned.txt" --pubkey "$pubkey" --json); rc=$?
is "... which certificate verify accepts" "$rc" 0
is "... as the very payload the JWS signed" "$out" \
	"$(vp certificate verify "$T_DIR/long.jws" --pubkey "$pubkey" --json)"
like "... with the issuing station's long name" "$out" "\"station_name\": \"$(long 远 199)站\""
/usr/bin/python3 -c 'import sys; s = open(sys.argv[1]).read(); i = len(s) // 2; open(sys.argv[2], "w").write(s[:i] + ("A" if s[i] != "A" else "B") + s[i + 1:])' \
	"$T_DIR/long-scanned.txt" "$T_DIR/long-tampered.txt"
fails "... and refuses with a character changed" \
	vp certificate verify "$T_DIR/long-tampered.txt" --pubkey "$pubkey"

# Too long even for the base45 form: the page says so, no PNG.
vp activity add long3 --name "$(long 丙 199)" --points-per-hour 1 >/dev/null
vp activity add long4 --name "$(long 丁 199)" --points-per-hour 1 >/dev/null
for a in long3 long4; do
	VPOINTS_KEY="$T_DIR/s03.key" vp shift log V-L1 --activity "$a" \
		--start "$(t_at "-$day days")" --end "$(t_at "-$day days +30 minutes")" >/dev/null
	day=$((day - 1))
done
err=$(VPOINTS_KEY="$T_DIR/s03.key" zh vp certificate issue V-L1 --from "$from" \
	--to "$to" --out "$T_DIR/longer.jws" --html "$T_DIR/longer.html" \
	--png "$T_DIR/longer.png" 2>&1 >/dev/null); rc=$?
is "a certificate too long for any QR code: exit 65 (no PNG to write)" "$rc" 65
like "... says so" "$err" "证明内容过长"
is "... no PNG" "$([ -e "$T_DIR/longer.png" ] && echo yes || echo no)" no
like "... the page says to verify the text" "$(cat "$T_DIR/longer.html")" "无法生成二维码"
ok "... whose JWS verifies" vp certificate verify "$T_DIR/longer.jws" --pubkey "$pubkey"

# Volunteer cards of a community: the active ones, ten to a sheet.
out=$(zh vp card print --community C01 --out "$T_DIR/cards.html"); rc=$?
is "card print --community C01 exits 0" "$rc" 0
is "... 11 cards on 2 sheets" "$out" "card print: 11 张服务卡，共 2 张 A4 纸：$T_DIR/cards.html"
page=$(cat "$T_DIR/cards.html")
is "... 11 cards in the page" "$(grep -c '<div class="card">' <<<"$page")" 11
is "... 2 sheets" "$(grep -c '<section class="sheet">' <<<"$page")" 2
printed=$(grep -o '<span class="number">[^<]*' <<<"$page" | sed 's/.*>//' | tr '\n' ' ')
is "... the active volunteers of C01 in number order" "$printed" \
	"V-001 V-002 V-004 V-005 V-006 V-007 V-008 V-009 V-010 V-011 V-012 "
n=$(svg_qr "$T_DIR/cards.html" "$T_DIR/card")
is "... 11 QR codes" "$n" 11
scanned=
for i in $(seq 1 "$n"); do scanned+="$(scan "$T_DIR/card.$i.pbm") "; done
is "... each decodes to its card's number, and nothing else" "$scanned" "$printed"
like "... a card shows the name" "$page" '<p class="name">张三</p>'
like "... the community's name" "$page" '<span class="label">所属社区</span>东湖社区'
is "... no phone number (V-001 gave one)" "$(grep -c 13800138000 <<<"$page")" 0
is "... fetches nothing" "$(grep -o 'https\?://[^"]*' <<<"$page" | sort -u)" \
	"http://www.w3.org/2000/svg"

# A scanner types the number: check-in by scan with the existing command.
first=$(scan "$T_DIR/card.2.pbm")
out=$(s01 shift checkin "$first" --activity clean); rc=$?
is "shift checkin with what a card's QR code holds exits 0" "$rc" 0
is "... V-002 is checked in" "$(pgc_psql "$T_PG" -At -c "SELECT v.number FROM checkins c
	JOIN volunteers v ON v.id = c.volunteer_id WHERE c.closed_at IS NULL")" V-002

# A team, named numbers, a station's own community.
zh vp card print --team T1 --out "$T_DIR/team.html" >/dev/null
is "card print --team T1: its members, both communities" \
	"$(grep -o '<span class="number">[^<]*\|<span class="label">所属社区</span>[^<]*' "$T_DIR/team.html" |
	sed 's/.*>//' | tr '\n' ' ')" "V-002 东湖社区 V-003 西湖社区 "
vp card print --volunteers V-003,V-001,V-013 >"$T_DIR/named.html" 2>/dev/null
is "card print --volunteers: those, in that order, whatever their status" \
	"$(grep -o '<span class="number">[^<]*' "$T_DIR/named.html" | sed 's/.*>//' | tr '\n' ' ')" \
	"V-003 V-001 V-013 "
n=$(svg_qr "$T_DIR/named.html" "$T_DIR/named")
is "... the first card's QR code is V-003's number" "$(scan "$T_DIR/named.1.pbm")" V-003
s01 card print --out "$T_DIR/own.html" >/dev/null
is "a station's card print: its own community" \
	"$(grep -c '<div class="card">' "$T_DIR/own.html")" 11
err=$(vp card print --volunteers V-001 --community C01 2>&1 >/dev/null); rc=$?
is "--volunteers with --community: exit 64" "$rc" 64
is "... says why" "$(head -n 1 <<<"$err")" \
	"vpoints: card print: --volunteers, or --community, --team and --status, not both"
vp team add T2 --name 空队 --kind specialty >/dev/null
err=$(vp card print --team T2 2>&1 >/dev/null); rc=$?
is "a team without members: exit 65" "$rc" 65
is "... nothing to print" "$err" "vpoints: card print: no volunteers to print"
vp card print --volunteers V-001,V-999 >/dev/null 2>&1
is "an unknown number: exit 65" "$?" 65

# --online: the ledger holds this very certificate, not revoked; one
# signed with the daemon's key (as a thief of it could) under a real
# number is another, which the offline check cannot tell.
out=$(vp certificate verify "$T_DIR/c.jws" --pubkey "$pubkey" --online 2>&1); rc=$?
is "certificate verify --online: the ledger holds it (0)" "$rc" 0
like "... saying so" "$out" "the ledger holds this certificate, not revoked"
/usr/bin/python3 - "$T_DIR/signing.key" "$jws" >"$T_DIR/forged.jws" <<'EOF'
import base64, json, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
seed = [l.split()[1] for l in open(sys.argv[1]) if l.startswith("seed ")][0]
key = Ed25519PrivateKey.from_private_bytes(
    base64.urlsafe_b64decode(seed + "=" * (-len(seed) % 4)))
d = lambda t: base64.urlsafe_b64decode(t + "=" * (-len(t) % 4))
e = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
h, p, _ = sys.argv[2].split(".")
doc = json.loads(d(p))
doc["minutes"] = 60000
p = e(json.dumps(doc, ensure_ascii=False).encode())
print(h + "." + p + "." + e(key.sign((h + "." + p).encode())))
EOF
vp certificate verify "$T_DIR/forged.jws" --pubkey "$pubkey" >/dev/null 2>&1
is "a certificate signed with the daemon's key under a real number verifies offline" "$?" 0
out=$(vp certificate verify "$T_DIR/forged.jws" --pubkey "$pubkey" --online 2>&1); rc=$?
is "... not --online (1)" "$rc" 1
like "... the ledger's certificate of its number is another" "$out" "the ledger's certificate $number is another one"
ok "the certificate is revoked" s01 certificate revoke "$number" --reason "issued in error"
out=$(vp certificate verify "$T_DIR/c.jws" --pubkey "$pubkey" --online 2>&1); rc=$?
is "... and verify --online says so (1)" "$rc" 1
like "... revoked" "$out" "c.jws: revoked at "
like "... with the reason" "$out" ": issued in error"

is "the daemon logged no error" "$(grep -c "vpointsd\[$DAEMON_PID\] error:" "$DAEMON_LOG")" 0
ok "vpointsd stops cleanly" daemon_stop
