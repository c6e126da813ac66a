#!/usr/bin/env bash
# No national ID number at rest on a station machine, nor in a log: a
# registration with an ID number that finds no vpointsd is not queued
# (exit 69, the desk runs it again online); an entry an older vpoints
# queued with one loses it when it is moved to failed/; --id-number -
# reads it from standard input (not the command line or shell history);
# the daemon's log and PostgreSQL's hold none of the numbers sent, taken
# or refused.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start "id_hash_key = 6f1d0c5e2b7a49d3a8e4f6b2c1d0e9f87a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d"
harness_admin

count() { pgc_psql "$T_PG" -At -c "$1"; }
s1() { "$VPOINTS" --server "$DAEMON_URL" --key "$T_DIR/s1.key" "$@"; }
# Every file on the "station machine" and the logs, searched for $1.
found_on_station() { grep -rl "$1" "$T_DIR/state" "$XDG_STATE_HOME" "$XDG_CONFIG_HOME" "$T_DIR/client.err" 2>/dev/null; }
ids_in_logs() { grep -c "1101011990030[0-9]7777\|110101200001010022\|110101198802020033" "$DAEMON_LOG" "$T_PG/postgres.log" | grep -v ':0$'; }

export VPOINTS_OUTBOX="$T_DIR/state/outbox"
mkdir -p "$XDG_STATE_HOME" "$XDG_CONFIG_HOME"
: >"$T_DIR/client.err"

ok "community C01" vp community add C01 --name East --population 12000
"$VPOINTS" keygen --out "$T_DIR/s1.key" >/dev/null
ok "station S01" vp station add S01 --community C01 --name "East station" --pubkey "$T_DIR/s1.key.pub"
ok "register V-001 with an ID number" s1 volunteer add V-001 --name "张三" --id-number 110101199003077777

# --id-number -: from standard input, not the command line.
out=$(echo 110101200001010022 | s1 --json volunteer add V-002 --name "Li Si" --id-number - 2>>"$T_DIR/client.err")
is "--id-number - reads the number from standard input" "$(echo "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id_last4"])')" 0022
: | s1 volunteer add V-003 --name Nobody --id-number - >/dev/null 2>&1
is "... and without one refuses (65)" "$?" 65

# Offline: a registration with an ID number is not queued.
ok "the daemon stops" daemon_stop
out=$(s1 --retries 0 volunteer add V-004 --name "王五" --id-number 110101199003017777 2>&1)
rc=$?
echo "$out" >>"$T_DIR/client.err"
is "an add with an ID number and no daemon is not queued (69)" "$rc" 69
like "... saying why and what to do" "$out" "an ID number is never kept on this machine"
like "... and the key to run it again under, should it have been done" "$out" \
	"it may have been done: run the same command again with --idempotency-key "
is "... no entry was made" "$(ls -A "$VPOINTS_OUTBOX" 2>/dev/null)" ""
is "no file of the station holds the number" "$(found_on_station 110101199003017777)" ""
out=$(echo 110101199003027777 | s1 --retries 0 volunteer add V-005 --name Five --id-number - 2>&1)
is "... nor when it came on standard input (69)" "$?" 69
is "... still no entry" "$(ls -A "$VPOINTS_OUTBOX" 2>/dev/null)" ""
out=$(s1 --retries 0 volunteer add V-006 --name Six --consent --phone 13800000000 2>&1)
is "an add without an ID number is queued as before (75)" "$?" 75
# Personal fields without consent: the daemon would refuse them, and no
# file keeps them meanwhile.
out=$(s1 --retries 0 volunteer add V-020 --name Twenty --phone 13955506666 2>&1)
is "an add with a phone and no consent is not queued (65)" "$?" 65
like "... saying why" "$out" "kept only with the volunteer's consent (--consent)"
is "... no file of the station holds the phone" "$(found_on_station 13955506666)" ""
# With consent, queued; refused on flush (V-001 exists): what goes to
# failed/ keeps no personal field.
out=$(s1 --retries 0 volunteer add V-001 --name Again --consent --phone 13955504444 --gender female 2>&1)
is "an add of a number taken, with consent and a phone, is queued (75)" "$?" 75

# An entry an older vpoints queued with an ID number, refused on flush
# (V-001 exists): what goes to failed/ has no ID number.
cat >"$VPOINTS_OUTBOX/00000007" <<'ENTRY'
{
  "what": "volunteer add",
  "queued_at": "2026-01-05T09:00:00+08:00",
  "method": "POST",
  "path": "/v1/volunteers",
  "idempotency_key": "legacy-entry-1",
  "body": "{\"number\":\"V-001\",\"name\":\"x\",\"id_number\":\"110101199003087777\"}"
}
ENTRY
chmod 600 "$VPOINTS_OUTBOX/00000007"
daemon_start "id_hash_key = 6f1d0c5e2b7a49d3a8e4f6b2c1d0e9f87a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d"
out=$(s1 outbox flush 2>&1)
is "flush: one sent, the old entry refused (1)" "$?" 1
like "... as said" "$out" "1 sent, 2 refused, 0 kept"
is "... the entry queued months ago, that it may have been done then" \
	"$(grep -c 'outbox 00000007 (volunteer add): queued more than a day ago' <<<"$out") $(grep -c 'queued more than a day ago' <<<"$out")" "1 1"
ok "the refused entry is in failed/" test -f "$VPOINTS_OUTBOX/failed/00000007"
is "... without its ID number" "$(found_on_station 110101199003087777)" ""
like "... but with the rest of its body" "$(cat "$VPOINTS_OUTBOX/failed/00000007")" '\"number\":\"V-001\"'
is "the refused add with consent keeps neither phone nor gender" \
	"$(found_on_station 13955504444; grep -l '\\"gender\\"' "$VPOINTS_OUTBOX"/failed/*)" ""
like "... but its name" "$(cat "$VPOINTS_OUTBOX"/failed/*)" '\"name\":\"Again\"'
is "V-006 was registered from the outbox" "$(count "SELECT count(*) FROM volunteers WHERE number = 'V-006'")" 1

# Logs: nothing of the numbers sent, taken, refused as a duplicate or as
# malformed.
s1 volunteer add V-008 --name Dup --id-number 110101199003077777 2>>"$T_DIR/client.err"
is "a duplicate is refused (1)" "$?" 1
s1 volunteer add V-009 --name Long --id-number 1101011990030777771101011990030777 2>>"$T_DIR/client.err"
is "an ID number of 34 characters is refused (65)" "$?" 65
s1 volunteer add V-010 --name Odd --id-number "110101-198802020033" 2>>"$T_DIR/client.err"
is "... and one with a dash (65)" "$?" 65
s1 --json volunteer add V-011 --name Raw --id-number 110101198802020033 >/dev/null 2>>"$T_DIR/client.err"
is "... a good one is taken (0)" "$?" 0
is "the daemon's log and PostgreSQL's hold no ID number" "$(ids_in_logs)" ""

# Nor does the idempotency record's fingerprint: a hash of the request's
# bytes would give the number away to whoever tries the few that fit.
openssl genpkey -algorithm ed25519 -out "$T_DIR/s9.pem" 2>/dev/null
openssl pkey -in "$T_DIR/s9.pem" -pubout -out "$T_DIR/s9.pub.pem" 2>/dev/null
ok "station S09 with an OpenSSL key" vp station add S09 --community C01 --name Nine --pubkey "$T_DIR/s9.pub.pem"
body='{"number":"V-012","name":"Twelve","id_number":"110101197001010044"}'
signed() {
	/usr/bin/python3 "$top_srcdir/tests/sigtool.py" --key "$T_DIR/s9.pem" --server "$DAEMON_URL" \
		--method POST --path /v1/volunteers --idem fp-1 --body "$1"
}
like "a registration sent byte for byte" "$(signed "$body")" 201
fingerprint=$(count "SELECT fingerprint FROM idempotency WHERE idem_key = 'fp-1'")
tried=$(/usr/bin/python3 - "$fingerprint" <<'PY'
import hashlib, sys
head = b"POST\0/v1/volunteers\0\0"
for day in range(1, 32):   # born in January 1970, ending 0044
    number = "110101197001%02d0044" % day
    body = ('{"number":"V-012","name":"Twelve","id_number":"%s"}' % number).encode()
    if hashlib.sha256(head + body).hexdigest() == sys.argv[1]:
        print("found " + number)
        sys.exit(0)
print("not found")
PY
)
is "... its stored fingerprint is no hash of the bytes with any number tried" "$tried" "not found"
like "a retry of the same bytes gets the stored answer" "$(signed "$body")" 201
is "... and registers nothing more" "$(count "SELECT count(*) FROM volunteers WHERE number = 'V-012'")" 1
like "the same key with another ID number is another request (422)" \
	"$(signed '{"number":"V-012","name":"Twelve","id_number":"110101197001020044"}')" idempotency-key-reused
# Nor of a phone number: a million tries, and kept a day after consent
# went, or for a request refused for want of it, as this one is.
signed_patch() {
	/usr/bin/python3 "$top_srcdir/tests/sigtool.py" --key "$T_DIR/s9.pem" --server "$DAEMON_URL" \
		--method PATCH --path /v1/volunteers/V-012 --idem fp-2 --body "$1"
}
like "a phone for a volunteer without consent is refused" "$(signed_patch '{"phone":"13955504321"}')" consent-required
fingerprint=$(count "SELECT fingerprint FROM idempotency WHERE idem_key = 'fp-2'")
tried=$(/usr/bin/python3 - "$fingerprint" <<'PY'
import hashlib, sys
head = b"PATCH\0/v1/volunteers/V-012\0\0"
for n in range(10000):
    phone = "1395550%04d" % n
    for body in ('{"phone":"%s"}' % phone, '{"phone":"%s","number":"V-012"}' % phone):
        if hashlib.sha256(head + body.encode()).hexdigest() == sys.argv[1]:
            print("found " + phone)
            sys.exit(0)
print("not found")
PY
)
is "... and its stored fingerprint is no hash of the bytes with any phone tried" "$tried" "not found"
like "... a retry gets the stored refusal" "$(signed_patch '{"phone":"13955504321"}')" consent-required
like "... another phone under the same key is another request (422)" \
	"$(signed_patch '{"phone":"13955504322"}')" idempotency-key-reused
# A search typed as a volunteer's number (a phone, a name) that names
# nobody: the access log shows the route, not what was typed.
out=$(s1 volunteer show 13955507777 2>&1)
is "a look-up of a number nobody has: refused (65)" "$?" 65
is "... the daemon's log holds no trace of it" "$(grep -c 13955507777 "$DAEMON_LOG")" 0
like "... but the route and the 404" "$(cat "$DAEMON_LOG")" "GET /v1/volunteers/{} 404"
for path in /v1/volunteers/13955501111/ /v1/volunteers/13955501111/x; do
	/usr/bin/python3 "$top_srcdir/tests/sigtool.py" --key "$T_DIR/s9.pem" --server "$DAEMON_URL" \
		--method GET --path "$path" >/dev/null 2>&1
done
/usr/bin/python3 "$top_srcdir/tests/sigtool.py" --key "$T_DIR/s9.pem" --server "$DAEMON_URL" \
	--method DELETE --path /v1/volunteers/13955501111 >/dev/null 2>&1
is "a number in a path no route takes, or with a method none has, is not logged" \
	"$(grep -c 13955501111 "$DAEMON_LOG")" 0
for typed in "Wang Fang" "+8613955508888" "张三" "zhangweiqiangzhangweiqiangzhangweiqiang"; do
	s1 volunteer show "$typed" >/dev/null 2>&1
	is "a search for \"$typed\" where a number goes is refused" "$?" 65
done
is "... and none of them reaches the daemon's log, nor their encoding" \
	"$(grep -c 'Wang\|8613955508888\|%E5%BC%A0\|zhangwei' "$DAEMON_LOG")" 0
like "... a path no route takes is logged as far as it is a route's" "$(cat "$DAEMON_LOG")" \
	"GET /v1/volunteers/... 404"
is "nor what the client wrote to its standard error" "$(grep -c "1101011990030[0-9]7777\|110101198802020033" "$T_DIR/client.err")" 0
ok "SIGTERM exits 0" daemon_stop
