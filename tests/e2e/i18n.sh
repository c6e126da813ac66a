#!/usr/bin/env bash
# The catalogues (po/): the template holds every message the sources
# mark, the client's and the browser console's, po/zh_CN.po translates
# every one of them (no untranslated or fuzzy message, formats that
# agree), po/POTFILES names every client source and po/POTFILES.console
# every console module that marks a message, and console/messages.js is
# what po/console.py writes from them. A message marked in client/*.c or
# console/*.js without its Chinese fails here; doc/hacking.md ("Adding a
# message") says how to fix it: make update-po, translate in
# po/zh_CN.po after po/glossary.md, make update-po again.
. "$top_srcdir/tests/lib.sh"

po="$top_srcdir/po"

# po/POTFILES: every client source, and nothing else.
listed=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$po/POTFILES" | sort)
present=$(cd "$top_srcdir" && ls client/*.c | sort)
is "po/POTFILES names every client/*.c" \
	"$(comm -3 <(echo "$listed") <(echo "$present") | tr -d '\t' | tr '\n' ' ')" ""

# po/POTFILES.console: every console module that marks a message with
# t(), N_() or NC_() (console/i18n.js), and nothing else.
listed=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$po/POTFILES.console" | sort)
present=$(cd "$top_srcdir" && grep -lE "(^|[^[:alnum:]_.])(t|N_|NC_)\('" console/*.js | sort)
is "po/POTFILES.console names every console/*.js that marks a message" \
	"$(comm -3 <(echo "$listed") <(echo "$present") | tr -d '\t' | tr '\n' ' ')" ""

# The messages as the sources mark them now, with the flags make
# update-po uses: the client's, then the console's joined to them.
# shellcheck disable=SC2086
(cd "$top_srcdir" && xgettext ${PO_XGETTEXT_FLAGS:?run through make check} \
	-f po/POTFILES -o "$T_DIR/fresh.pot" &&
	xgettext ${PO_XGETTEXT_JS_FLAGS:?run through make check} -j \
	-f po/POTFILES.console -o "$T_DIR/fresh.pot") 2>"$T_DIR/xgettext.err"
is "xgettext extracts the messages of the sources" "$?" 0
ok "... the console's too" grep -q '^#: .*console/app\.js' "$T_DIR/fresh.pot"
ok "... and there are some" grep -q '^msgid "CODE"$' "$T_DIR/fresh.pot"

# The template is up to date: the same messages both ways (comments,
# locations and dates aside).
out=$(msgcmp --use-untranslated "$po/vpoints.pot" "$T_DIR/fresh.pot" 2>&1)
is "po/vpoints.pot holds every message the sources mark (else: make update-po)" "$?" 0
[ -z "$out" ] || echo "$out" | head -n 20 | sed 's/^/#   /'
out=$(msgcmp --use-untranslated "$T_DIR/fresh.pot" "$po/vpoints.pot" 2>&1)
is "... and none they no longer mark (else: make update-po)" "$?" 0
[ -z "$out" ] || echo "$out" | head -n 20 | sed 's/^/#   /'

# Each catalogue is whole (zh_CN translated, en the source said again by
# make update-po's msgen): every message the sources mark is there, none
# untranslated or fuzzy, and msgfmt --check likes its formats.
for lang in zh_CN en; do
	out=$(msgcmp "$po/$lang.po" "$T_DIR/fresh.pot" 2>&1)
	is "po/$lang.po translates every message the sources mark" "$?" 0
	[ -z "$out" ] || echo "$out" | head -n 20 | sed 's/^/#   /'
	stats=$(msgfmt --check --statistics -o /dev/null "$po/$lang.po" 2>&1)
	is "msgfmt --check accepts po/$lang.po" "$?" 0
	is "... all its messages translated ($stats)" "${stats#* }" "translated messages."
	for what in untranslated only-fuzzy; do
		left=$(msgattrib --$what --no-obsolete "$po/$lang.po" | grep -c '^msgid ')
		is "... no ${what#only-} message" "$left" 0
		[ "$left" = 0 ] || msgattrib --$what --no-obsolete "$po/$lang.po" |
			grep -A1 '^msgid ' | head -n 20 | sed 's/^/#   /'
	done
done

# The console's messages as the page reads them: po/console.py writes
# console/messages.js from po/zh_CN.po and the client's tables of refusals
# and headings; it fails on a message the console uses without Chinese.
/usr/bin/python3 "$top_srcdir/po/console.py" "$top_srcdir" "$T_DIR/messages.js" \
	2>"$T_DIR/console.err"
is "every message the console uses has its Chinese in po/zh_CN.po" "$?" 0
[ -s "$T_DIR/console.err" ] && head -n 20 "$T_DIR/console.err" | sed 's/^/#   /'
out=$(diff "$top_srcdir/console/messages.js" "$T_DIR/messages.js")
is "console/messages.js is what po/console.py writes now (else: make update-po)" "$?" 0
[ -z "$out" ] || echo "$out" | head -n 20 | sed 's/^/#   /'
ok "... and holds the Chinese of a console message" \
	grep -qF '"Check-in board": "签到台"' "$T_DIR/messages.js"
ok "... a refusal of client/refusal.c" grep -qF '"invalid-field/required": [' \
	"$T_DIR/messages.js"
ok "... a heading of client/headings.c" grep -qF '"balance": "column\u0004Points left"' \
	"$T_DIR/messages.js"

# The words of the glossary: what it fixes, the catalogue says.
for pair in "志愿者编号:volunteer number" "志愿服务时长:Hours of service" \
	"积分兑换凭证:POINTS REDEMPTION RECEIPT" "签到:check in" "补录:log records"; do
	ok "po/zh_CN.po says ${pair%%:*} (po/glossary.md)" grep -q "${pair%%:*}" "$po/zh_CN.po"
done

# The usage in Chinese fits a terminal of 80 columns, as the English
# does (a CJK character is two columns wide).
wide=$(for c in "" $("$VPOINTS" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'); do
	# shellcheck disable=SC2086
	env -u LC_MESSAGES LC_ALL=zh_CN.UTF-8 "$VPOINTS" $c --help
done | /usr/bin/python3 -c '
import sys, unicodedata
cols = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
print(" ".join(f"{cols(l)}:{l[:20]}" for l in sys.stdin.read().splitlines() if cols(l) > 79))')
is "every line of vpoints --help and of each command's, in Chinese, fits 79 columns" "$wide" ""
is "... and is Chinese" "$(env -u LC_MESSAGES LC_ALL=zh_CN.UTF-8 "$VPOINTS" shift --help | head -n 1 | cut -c1-9)" "用法："
