#!/usr/bin/env bash
# Signed requests: keys, stations, every refusal, replay, idempotent
# retries, and a request signed by an independent implementation.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start
harness_admin

SIGTOOL="/usr/bin/python3 $top_srcdir/tests/sigtool.py"
sigtool() { $SIGTOOL --server "$DAEMON_URL" "$@"; }
count() { pgc_psql "$T_PG" -At -c "$1"; }

# Keys.
"$VPOINTS" keygen --out "$T_DIR/admin.key" >/dev/null 2>&1
is "keygen refuses to overwrite a key (78)" "$?" 78
is "the secret key file is 0600" "$(stat -c %a "$T_DIR/admin.key")" 600
cp -p "$T_DIR/admin.key" "$T_DIR/loose.key"
chmod 644 "$T_DIR/loose.key"
out=$(vp --key "$T_DIR/loose.key" community list 2>&1)
is "a key file readable by others is refused (78)" "$?" 78
like "... saying why" "$out" "readable by group or others"

# Admin commands with the init-admin key.
ok "community add" vp community add C01 --name "东城社区" --population 12000
ok "a second community" vp community add C02 --name "West" --population 8000
like "community list" "$(vp community list)" "东城社区"
vp community add C01 --name again --population 1 >/dev/null 2>&1
is "a duplicate community is refused by the ledger (1)" "$?" 1
vp community add C03 --name x --population -5 >/dev/null 2>&1
is "a negative population is refused (65)" "$?" 65

keyid=$("$VPOINTS" keygen --out "$T_DIR/s1.key")
out=$(vp station add S01 --community C01 --name "Station one" --pubkey "$T_DIR/s1.key.pub")
is "station add prints the key id" "$out" "$keyid"
like "station list shows it" "$(vp station list)" "S01              station C01              active   $keyid"
ok "the station's key signs requests" vp --key "$T_DIR/s1.key" community list
out=$(vp --key "$T_DIR/s1.key" community add C09 --name x --population 1 2>&1)
is "a station key on an admin route: 77" "$?" 77
like "... refused as admin-only (403)" "$out" "(HTTP 403)"
vp station add S02 --name "No community" --pubkey "$T_DIR/s1.key.pub" >/dev/null 2>&1
is "a station needs a community (64)" "$?" 64
vp station add S02 --community C01 --name "Same key" --pubkey "$T_DIR/s1.key.pub" >/dev/null 2>&1
is "one key, one station (1)" "$?" 1

# Interoperability: an OpenSSL key and a signer that shares no code.
openssl genpkey -algorithm ed25519 -out "$T_DIR/ossl.pem" 2>/dev/null
openssl pkey -in "$T_DIR/ossl.pem" -pubout -out "$T_DIR/ossl.pub.pem" 2>/dev/null
ossl_keyid=$($SIGTOOL --key "$T_DIR/ossl.pem" --server x --path / --keyid-only)
out=$(vp station add OPS --role admin --name "OpenSSL admin" --pubkey "$T_DIR/ossl.pub.pem")
is "a PEM public key enrols; both sides agree on the RFC 7638 key id" "$out" "$ossl_keyid"
out=$(sigtool --key "$T_DIR/ossl.pem" --path /v1/communities)
like "an independently signed GET is accepted" "$out" "200"
like "... and answered" "$out" '"code": "C02"'
out=$(sigtool --key "$T_DIR/ossl.pem" --method POST --path /v1/communities \
	--body '{"code":"C10","name":"Ten","population":10}' --idem interop-1 --expires 60)
like "an independently signed write is accepted" "$out" "201"

# Every refusal, made by changing a real signed request.
refused() { # desc expected-status slug sigtool-args...
	local desc=$1 status=$2 slug=$3 out
	shift 3
	out=$(sigtool --key "$T_DIR/ossl.pem" "$@")
	like "$desc: $status" "$(echo "$out" | head -n 1)" "$status"
	like "$desc: $slug" "$out" "urn:vpoints:problem:$slug"
}
W=(--method POST --path /v1/communities --body '{"code":"C11","name":"Eleven","population":11}')
refused "no signature" 401 signature-missing --path /v1/communities --break no-signature
refused "alg other than ed25519" 401 signature-alg-unsupported --path /v1/communities --alg hmac-sha256
refused "created 400 s ago" 401 signature-too-old --path /v1/communities --created -400
refused "created 60 s ahead" 401 signature-in-future --path /v1/communities --created 60
refused "expires in the past" 401 signature-expired --path /v1/communities --expires -10
refused "a body without Content-Digest" 401 content-digest-missing "${W[@]}" --idem r1 --break no-digest
refused "a Content-Digest of another body" 401 content-digest-mismatch "${W[@]}" --idem r2 --break bad-digest
refused "the body changed after signing" 401 content-digest-mismatch "${W[@]}" --idem r3 --break body
refused "the path changed after signing" 401 signature-invalid --path /v1/communities --tamper-path /v1/stations
refused "the query changed after signing" 401 signature-invalid --path /v1/communities --break query
refused "the Idempotency-Key changed after signing" 401 signature-invalid "${W[@]}" --idem r4 --break idem
refused "Idempotency-Key not covered" 401 signature-coverage-incomplete "${W[@]}" --idem r5 --break omit-idem
refused "a wrong signature" 401 signature-invalid --path /v1/communities --break bad-signature
refused "a short nonce" 401 signature-nonce-invalid --path /v1/communities --nonce abcd
refused "an unknown key id" 401 key-unknown --path /v1/communities --keyid="$keyid"x
openssl genpkey -algorithm ed25519 -out "$T_DIR/stranger.pem" 2>/dev/null
refused "a key nobody enrolled" 401 key-unknown --path /v1/communities --key "$T_DIR/stranger.pem"
refused "a write without Idempotency-Key" 400 idempotency-key-missing "${W[@]}"
out=$(sigtool --key "$T_DIR/ossl.pem" --path /v1/communities --nonce 00112233445566778899aabbccddeeff)
like "a fresh nonce passes" "$out" "200"
refused "the same nonce again" 401 signature-replayed --path /v1/communities --nonce 00112233445566778899aabbccddeeff
# Only a request that reaches the ledger uses up its nonce (doc/api.md):
# one the daemon refused before leaves it, a refusal of the ledger not.
refused "a body that is not JSON, nonce N1" 400 invalid-json --method POST --path /v1/communities \
	--idem n1 --body '{"code":' --nonce 11112233445566778899aabbccddeeff
like "... N1 is still unused: a good request with it passes" \
	"$(sigtool --key "$T_DIR/ossl.pem" --path /v1/communities --nonce 11112233445566778899aabbccddeeff | head -n 1)" 200
refused "a write the ledger refuses (community-exists), nonce N2" 409 community-exists --method POST \
	--path /v1/communities --idem n2 --body '{"code":"C01","name":"x","population":1}' \
	--nonce 22222233445566778899aabbccddeeff
refused "... N2 is used up" 401 signature-replayed --path /v1/communities --nonce 22222233445566778899aabbccddeeff
refused "a body that is not JSON" 400 invalid-json --method POST --path /v1/communities --idem j1 --body '{"code":'
refused "a JSON array body" 400 invalid-json --method POST --path /v1/communities --idem j2 --body '[1]'
refused "duplicate JSON keys" 400 invalid-json --method POST --path /v1/communities --idem j3 --body '{"code":"A","code":"B"}'
refused "a missing field" 422 invalid-field --method POST --path /v1/communities --idem j4 --body '{"code":"C12","population":1}'
refused "a field of the wrong type" 422 invalid-field --method POST --path /v1/communities --idem j5 --body '{"code":"C12","name":"x","population":"many"}'
refused "a huge number" 422 invalid-field --method POST --path /v1/communities --idem j6 --body '{"code":"C12","name":"x","population":1e300}'
refused "SQL metacharacters in a code" 422 invalid-field --method POST --path /v1/communities --idem j7 --body "{\"code\":\"x'; DROP TABLE communities; --\",\"name\":\"x\",\"population\":1}"
is "no refused write changed anything" "$(count "SELECT count(*) FROM communities WHERE code = 'C11'")" 0

# One signed write replayed 1,000 times applies once.
out=$(sigtool --key "$T_DIR/ossl.pem" --method POST --path /v1/communities \
	--body '{"code":"R1","name":"Replayed","population":5}' --idem replay-1 --repeat 1000)
is "1,000 replays: one 201, 999 refused" "$out" "201:1 401:999"
is "the write is in the ledger once" "$(count "SELECT count(*) FROM communities WHERE code = 'R1'")" 1

# 50 concurrent retries with one Idempotency-Key: one write, one answer.
pids=()
for i in $(seq 1 50); do
	vp --json --idempotency-key same-key-50 community add C50 --name Fifty \
		--population 50 >"$T_DIR/c50.$i" 2>&1 &
	pids+=($!)
done
wait "${pids[@]}"
is "50 concurrent retries all succeed" "$(cat "$T_DIR"/c50.* | sort -u | wc -l)" 1
like "... with the same answer" "$(cat "$T_DIR/c50.1")" '"code": "C50"'
is "... and one write" "$(count "SELECT count(*) FROM communities WHERE code = 'C50'")" 1
is "... recorded once" "$(count "SELECT count(*) FROM admin_actions WHERE subject = 'C50'")" 1
out=$(vp --idempotency-key same-key-50 community add C51 --name Other --population 51 2>&1)
is "the same key with another request: 65" "$?" 65
like "... refused as reused (422)" "$out" "(HTTP 422)"
vp --idempotency-key refused-1 community add C01 --name Dup --population 1 >/dev/null 2>&1
out=$(vp --json --idempotency-key refused-1 community add C01 --name Dup --population 1 2>&1)
like "a refused write's retry gets the stored refusal" "$out" "community-exists"

# Revocation: a signed, recorded admin action, effective at once.
ok "station revoke" vp station revoke S01
like "the station list shows it" "$(vp station list)" "S01              station C01              revoked"
out=$(vp --key "$T_DIR/s1.key" community list 2>&1)
is "a revoked key is refused (77)" "$?" 77
like "... as key-revoked" "$out" "key-revoked"
is "the revocation is recorded" "$(count "SELECT count(*) FROM admin_actions WHERE action = 'station-revoke' AND subject = 'S01'")" 1
admin_code=$(count "SELECT code FROM stations WHERE code LIKE 'admin-%'")
ok "revoking the OpenSSL admin" vp station revoke OPS
out=$(vp station revoke "$admin_code" 2>&1)
like "the last admin cannot be revoked" "$out" "last-admin"
ok "the last admin still works" vp community list
