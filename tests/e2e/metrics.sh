#!/usr/bin/env bash
# GET /metrics: the Prometheus text, value by value after known requests,
# line by line for its syntax and by Prometheus's own promtool, the
# database's time by operation moving with the requests, and without the
# ledger's points while the database is down.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start
harness_admin


# Scrape into $T_DIR/metrics; the HTTP status is the output.
scrape() {
	local s
	s=$(http_status GET /metrics)
	cp "$T_DIR/body" "$T_DIR/metrics"
	echo "$s"
}
# The value of one series, written as in the scrape; empty if absent.
sample() { awk -v s="$1" '$1 == s { print $2 }' "$T_DIR/metrics"; }
requests() { # ROUTE METHOD STATUS
	sample "vpointsd_http_requests_total{route=\"$1\",method=\"$2\",status=\"$3\"}"
}
refusals() { sample "vpointsd_signature_refusals_total{reason=\"$1\"}"; }
# The database's time of an operation: db_count OP, db_sum OP.
db_count() { sample "vpointsd_db_seconds_count{operation=\"$1\"}"; }
db_sum() { sample "vpointsd_db_seconds_sum{operation=\"$1\"}"; }
# True if $1 > $2, as decimal numbers.
greater() { /usr/bin/python3 -c "import sys; sys.exit(not float(sys.argv[1]) > float(sys.argv[2]))" "$1" "${2:-0}"; }
# Prometheus's own checker of the exposition format and its naming rules
# (a counter ends in _total, nothing else does, ...): no output, exit 0.
PROMTOOL=$(command -v promtool || echo /usr/bin/promtool)
promtool_ok() {
	local out
	out=$("$PROMTOOL" check metrics <"$T_DIR/metrics" 2>&1) || { echo "$out"; return 1; }
	[ -z "$out" ] || { echo "$out"; return 1; }
}
# The sum of a family's values, or of the samples matching a regex.
total() { awk -v re="$1" '$1 ~ re { n += $2 } END { print n + 0 }' "$T_DIR/metrics"; }

# The exposition format 0.0.4, checked line by line: comments, names,
# labels and values; HELP and TYPE once, before the family's samples,
# which are not interleaved with another family's; no series twice;
# histogram buckets cumulative, ending at +Inf = _count.
syntax_ok() {
	/usr/bin/python3 - "$T_DIR/metrics" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
errors = []
if not text.endswith("\n"):
    errors.append("no final line feed")
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r"^(%s)(?:\{(%s(?:,%s)*)?,?\})? (\S+)(?: -?[0-9]+)?$" % (NAME, LABEL, LABEL))
COMMENT = re.compile(r"^# (HELP|TYPE) (%s) (.*)$" % NAME)
helps, types, series, done = {}, {}, set(), set()
current, series_of_current = None, set()
buckets = {}
def family(name):
    for suffix in ("_bucket", "_sum", "_count"):
        base = name[:-len(suffix)]
        if name.endswith(suffix) and types.get(base) in ("histogram", "summary"):
            return base
    return name
for n, line in enumerate(text.split("\n")[:-1], 1):
    m = COMMENT.match(line)
    if m:
        kind, name, rest = m.groups()
        table = helps if kind == "HELP" else types
        if name in table:
            errors.append("%d: a second %s for %s" % (n, kind, name))
        if name in done:
            errors.append("%d: %s of %s apart from its family" % (n, kind, name))
        if name != current:
            if current is not None:
                done.add(current)
            current, series_of_current = name, set()
        elif series_of_current:
            errors.append("%d: %s of %s after its samples" % (n, kind, name))
        if kind == "TYPE" and rest not in ("counter", "gauge", "histogram", "summary", "untyped"):
            errors.append("%d: type %r" % (n, rest))
        table[name] = rest
        continue
    if line.startswith("#"):
        continue
    m = SAMPLE.match(line)
    if not m:
        errors.append("%d: not a sample: %r" % (n, line))
        continue
    name, labels, value = m.group(1), m.group(2) or "", m.group(3)
    try:
        float(value)
    except ValueError:
        errors.append("%d: value %r" % (n, value))
    fam = family(name)
    if fam not in helps or fam not in types:
        errors.append("%d: %s has no HELP and TYPE before it" % (n, fam))
    if fam != current:
        if fam in done:
            errors.append("%d: samples of %s are not together" % (n, fam))
        if current is not None:
            done.add(current)
        current, series_of_current = fam, set()
    pairs = re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', labels)
    names = [p[0] for p in pairs]
    if len(set(names)) != len(names):
        errors.append("%d: a label twice" % n)
    key = (name, tuple(sorted(pairs)))
    if key in series:
        errors.append("%d: series %s{%s} twice" % (n, name, labels))
    series.add(key)
    series_of_current.add(name)
    if types.get(fam) == "histogram":
        others = tuple(sorted(p for p in pairs if p[0] != "le"))
        if name == fam + "_bucket":
            buckets.setdefault((fam, others), []).append((dict(pairs).get("le"), float(value)))
        elif name == fam + "_count":
            b = buckets.get((fam, others), [])
            if not b or b[-1][0] != "+Inf" or b[-1][1] != float(value):
                errors.append("%d: %s: last bucket is not +Inf = _count" % (n, fam))
            if any(b[i][1] > b[i + 1][1] for i in range(len(b) - 1)):
                errors.append("%d: %s: buckets not cumulative" % (n, fam))
            if any(float(b[i][0]) >= float(b[i + 1][0]) for i in range(len(b) - 1)):
                errors.append("%d: %s: bounds not increasing" % (n, fam))
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
EOF
}

# Before any API request.
s=$(scrape)
is "GET /metrics answers 200 without a signature" "$s" 200
is "Content-Type of the text format 0.0.4" "$(http_header Content-Type)" \
	"text/plain; version=0.0.4; charset=utf-8"
ok "the scrape's syntax is valid" syntax_ok
ok "promtool check metrics finds nothing" promtool_ok
is "vpointsd_up 1" "$(sample vpointsd_up)" 1
is "build_info names the version" \
	"$(sample "vpointsd_build_info{version=\"$("$VPOINTSD" --version | cut -d' ' -f2)\"}")" 1
start=$(sample vpointsd_start_time_seconds)
ok "the start time is between the test's start and now" test "$start" -ge "$T_NOW" -a "$start" -le "$(date +%s)"
is "no API request counted yet" "$(total '^vpointsd_http_requests_total\\{route="/v1')" 0
is "every refusal reason is there at 0" "$(total '^vpointsd_signature_refusals_total')" 0
is "... signature-expired among them" "$(refusals signature-expired)" 0
is "the scrape itself is not in its own answer" "$(requests /metrics GET 200)" ""
is "no points issued yet" "$(sample vpointsd_points_issued)" 0
is "no points redeemed yet" "$(sample vpointsd_points_redeemed)" 0
is "no gauge ends in _total" "$(grep -c '^vpointsd_points_[a-z]*_total' "$T_DIR/metrics")" 0
is "the database's time: no operation yet" "$(db_count shift_log)" ""
is "... but the scrape's own statement, timed before its text is made" "$(db_count metrics)" 1

# Known requests: signed ones, refused ones, unknown routes.
ok "community add C01" vp community add C01 --name East --population 1000
ok "community add C02" vp community add C02 --name West --population 2000
fails "community add C01 again" vp community add C01 --name East --population 1000
ok "community list" vp community list
ok "community list again" vp community list
is "an unsigned API request: 401" "$(http_status GET /v1/communities)" 401
like "... signature-missing" "$(http_body)" "signature-missing"
"$VPOINTS" keygen --out "$T_DIR/stranger.key" >/dev/null
fails "a key nobody enrolled" vp --key "$T_DIR/stranger.key" community list
is "an unknown path: 404" "$(http_status GET /no/such/path)" 404
fails "an unknown volunteer (404 on a route with {})" vp volunteer show V-404

# A shift earns 20 points; a redemption spends 15 of them, a void gives
# 15 back, a second redemption spends 5.
ok "activity clean" vp activity add clean --name Cleaning --points-per-hour 10
"$VPOINTS" keygen --out "$T_DIR/s1.key" >/dev/null
ok "station S01" vp station add S01 --community C01 --name East --pubkey "$T_DIR/s1.key.pub"
s1() { vp --key "$T_DIR/s1.key" "$@"; }
ok "volunteer V-001" s1 volunteer add V-001 --name "Volunteer One"
ok "a two-hour shift" s1 shift log V-001 --activity clean --start "$(t_at '-3 hours')" --end "$(t_at '-1 hours')"
ok "a book" s1 catalog add book --name Book --category book --price 15 --stock 5
ok "a pen" s1 catalog add pen --name Pen --category gift --price 5 --stock 5
rid=$(s1 --json redeem V-001 book | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
ok "redeem a book" test -n "$rid"
ok "void it" s1 redemption void "$rid" --reason "wrong item"
ok "redeem a pen" s1 redeem V-001 pen

# A revoked key: refused by vp_call, counted too.
"$VPOINTS" keygen --out "$T_DIR/s2.key" >/dev/null
ok "station S02" vp station add S02 --community C02 --name West --pubkey "$T_DIR/s2.key.pub"
ok "revoke S02" vp station revoke S02
fails "S02's key is refused" vp --key "$T_DIR/s2.key" community list

s=$(scrape)
is "scrape: 200" "$s" 200
ok "the scrape's syntax is still valid" syntax_ok
ok "promtool check metrics still finds nothing" promtool_ok
is "POST /v1/communities 201: 2" "$(requests /v1/communities POST 201)" 2
is "POST /v1/communities 409: 1" "$(requests /v1/communities POST 409)" 1
is "GET /v1/communities 200: 2" "$(requests /v1/communities GET 200)" 2
is "GET /v1/communities 401: 3 (unsigned, unknown key, revoked key)" \
	"$(requests /v1/communities GET 401)" 3
is "the route pattern, not the path: GET /v1/volunteers/{} 404" \
	"$(requests '/v1/volunteers/{}' GET 404)" 1
is "no series names a raw path" "$(grep -c 'V-404\|/no/such' "$T_DIR/metrics")" 0
is "unknown paths are route=\"other\"" "$(requests other GET 404)" 1
is "POST /v1/shifts 201: 1" "$(requests /v1/shifts POST 201)" 1
is "POST /v1/redemptions/{}/void 201: 1" "$(requests '/v1/redemptions/{}/void' POST 201)" 1
is "POST /v1/stations/{}/revoke 201: 1" "$(requests '/v1/stations/{}/revoke' POST 201)" 1
is "the previous scrape: GET /metrics 200: 1" "$(requests /metrics GET 200)" 1
is "refusals: signature-missing 1" "$(refusals signature-missing)" 1
is "refusals: key-unknown 1" "$(refusals key-unknown)" 1
is "refusals: key-revoked 1 (refused in vp_call)" "$(refusals key-revoked)" 1
is "refusals: signature-expired 0" "$(refusals signature-expired)" 0
is "refusals: 3 in all" "$(total '^vpointsd_signature_refusals_total')" 3
is "histogram: _count = all requests counted" \
	"$(sample vpointsd_http_request_duration_seconds_count)" \
	"$(total '^vpointsd_http_requests_total')"
is "histogram: le=+Inf = _count" \
	"$(sample 'vpointsd_http_request_duration_seconds_bucket{le="+Inf"}')" \
	"$(sample vpointsd_http_request_duration_seconds_count)"
ok "histogram: _sum is positive" /usr/bin/python3 -c "import sys; sys.exit(not float('$(sample vpointsd_http_request_duration_seconds_sum)') > 0)"
is "points issued: 20" "$(sample vpointsd_points_issued)" 20
is "points redeemed: 15 - 15 + 5 = 5" "$(sample vpointsd_points_redeemed)" 5
is "... as the ledger says" "$(pgc_psql "$T_PG" -At -c "SELECT issued || ' ' || redeemed FROM vp_metrics()")" "20 5"
is "pool: 4 connections up (db_pool_size)" "$(sample vpointsd_db_connections)" 4
for g in vpointsd_db_connections_busy vpointsd_db_requests_waiting \
    vpointsd_db_errors_total vpointsd_db_reconnects_total; do
	ok "pool: $g is a whole number" grep -Eq "^$g [0-9]+\$" "$T_DIR/metrics"
done
is "pool: no reconnect yet" "$(sample vpointsd_db_reconnects_total)" 0

# The database's time by operation: one statement per request that got to
# vp_call, refused or not; the key look-ups; the previous scrape's.
is "db time: shift_log 1 statement" "$(db_count shift_log)" 1
is "db time: community_add 3 (2 added, 1 refused by the ledger)" "$(db_count community_add)" 3
is "db time: community_list 3 (2 answered, 1 revoked key)" "$(db_count community_list)" 3
is "db time: redeem 2" "$(db_count redeem)" 2
is "db time: redemption_void 1" "$(db_count redemption_void)" 1
is "db time: the two scrapes' statements" "$(db_count metrics)" 2
ok "db time: key look-ups (admin, S01, S02, the stranger's)" test "$(db_count key)" -ge 4
ok "db time: shift_log's sum is positive" greater "$(db_sum shift_log)" 0
is "db time: shift_log's +Inf bucket = its count" \
	"$(sample 'vpointsd_db_seconds_bucket{operation="shift_log",le="+Inf"}')" 1
is "db time: no operation of a route that never ran" "$(db_count report_monthly)" ""
is "db time: every count = its +Inf bucket" \
	"$(total '^vpointsd_db_seconds_count')" "$(total '^vpointsd_db_seconds_bucket\\{.*le="\\+Inf"')"
shift_count=$(db_count shift_log) shift_sum=$(db_sum shift_log)
redeem_sum=$(db_sum redeem)
ok "another shift" s1 shift log V-001 --activity clean --start "$(t_at '-6 hours')" --end "$(t_at '-5 hours')"
fails "a refused shift (unknown volunteer)" s1 shift log V-404 --activity clean --start "$(t_at '-6 hours')" --end "$(t_at '-5 hours')"
s=$(scrape)
ok "... promtool still finds nothing" promtool_ok
is "db time: shift_log moved by 2" "$(db_count shift_log)" $((shift_count + 2))
ok "db time: shift_log's sum grew" greater "$(db_sum shift_log)" "$shift_sum"
is "db time: redeem did not move" "$(db_sum redeem)" "$redeem_sum"
is "db time: the scrapes' statements: 3" "$(db_count metrics)" 3

# Without the database: still 200, the ledger's points left out.
pgc_stop "$T_PG" fast
ok "healthz turns 503" wait_health 10 503
s=$(scrape)
is "scrape without the database: 200" "$s" 200
ok "... valid" syntax_ok
ok "... promtool finds nothing" promtool_ok
is "... a statement never sent is not timed" "$(db_count metrics)" 3
is "... no points issued" "$(grep -c points_issued "$T_DIR/metrics")" 0
is "... no points redeemed" "$(grep -c points_redeemed "$T_DIR/metrics")" 0
is "... no connection up" "$(sample vpointsd_db_connections)" 0
is "... still up" "$(sample vpointsd_up)" 1
pgc_start "$T_PG"
ok "the database is back" wait_health 10 200
s=$(scrape)
is "points are back with the database" "$(sample vpointsd_points_issued)" 30
ok "reconnects are counted" test "$(sample vpointsd_db_reconnects_total)" -ge 1

ok "SIGTERM exits 0" daemon_stop
