#!/usr/bin/env bash
# The golden transcript: a fixed script of requests covering every route of
# common/routes.h (successes and refusals) sent by tests/golden.py to a
# fresh vpointsd, its answers normalised (times near the base time,
# generated ids) and compared byte for byte with tests/golden/answers.txt.
# After a deliberate change of an answer, write the new transcript with
# GOLDEN_UPDATE=1 and review its diff.
. "$top_srcdir/tests/lib.sh"

expected="$top_srcdir/tests/golden/answers.txt"
got="$T_DIR/answers.txt"

harness_db
# The script's stations record shifts of June 2024, whatever the date.
daemon_start "id_hash_key = 6f1d0c5e2b7a49d3a8e4f6b2c1d0e9f87a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d" \
	"back_entry_days = 36500" "console_dir = $top_srcdir/tests/fixtures/console"

# An OpenSSL key, enrolled as admin by its PEM public key.
openssl genpkey -algorithm ed25519 -out "$T_DIR/admin.pem" 2>/dev/null
openssl pkey -in "$T_DIR/admin.pem" -pubout -out "$T_DIR/admin.pub.pem" 2>/dev/null
ok "vpointsd --init-admin enrols the admin key" "$VPOINTSD" --db "$(pgc_conninfo "$T_PG")" \
	-c <(echo "sql_dir = $top_srcdir/sql") --init-admin "$T_DIR/admin.pub.pem"

/usr/bin/python3 "$top_srcdir/tests/golden.py" --server "$DAEMON_URL" \
	--admin-key "$T_DIR/admin.pem" --out "$got" --raw-out "$T_DIR/raw.txt" 2>"$T_DIR/golden.err"
is "the script ran to its end" "$?" 0
sed 's/^/# /' "$T_DIR/golden.err"
echo "# $(grep -c '^== ' "$got") requests"

# Every route of common/routes.h is asked at least once.
coverage=$(/usr/bin/python3 - "$top_srcdir/common/routes.h" "$got" <<'PY'
import re, sys
routes = re.findall(r'R\(\w+,\s*"(\w+)",\s*"([^"]+)"', open(sys.argv[1]).read())
asked = set()
for line in open(sys.argv[2], encoding="utf-8"):
    m = re.match(r"(GET|HEAD|POST|PATCH|PUT|DELETE) (/[^?\s]*)", line)
    if m:
        asked.add((m.group(1), tuple(m.group(2).split("/"))))
def covered(method, pattern):
    want = pattern.split("/")
    return any(m == method and len(p) == len(want) and all(
        w == "{}" or w == s for w, s in zip(want, p)) for m, p in asked)
missing = ["%s %s" % r for r in routes if not covered(*r)]
if len(routes) < 40:
    missing.append("(only %d routes read)" % len(routes))
print("%d %s" % (len(routes), ", ".join(missing) or "none"))
PY
)
is "routes of common/routes.h (${coverage%% *}) that no request asks" "${coverage#* }" none

if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
	cp "$got" "$expected"
	echo "# wrote $expected"
fi
if diff -u "$expected" "$got" >"$T_DIR/answers.diff"; then
	t_result ok "every answer is byte for byte the golden one"
else
	t_result fail "every answer is byte for byte the golden one"
	head -n 200 "$T_DIR/answers.diff" | sed 's/^/# /'
fi
ok "SIGTERM exits 0" daemon_stop
