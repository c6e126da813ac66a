#!/usr/bin/env bash
# Keys that can be replaced, end to end. A station's key: vpoints station
# rotate enrols a second key (here a JWK, as the browser console makes
# it), both sign during the overlap, an Idempotency-Key is the station's
# whichever key retries it, the ledger names the key that signed each
# record, and once the old key is revoked by its key id it is refused
# (401 key-revoked) while the new one goes on. The daemon's signing key:
# after a rotation (previous_signing_keys), GET /v1/public-keys publishes
# both keys as a JWK Set, with which a certificate and a month close
# signed by the earlier key still verify offline, in their compact and
# base45 forms; a JWS naming a key not in the set, or a set naming a key
# by another's id, is refused. Earlier keys given as JWKs keep their
# "nbf" and "exp" in the set.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start
harness_admin

# A key file's public half as an RFC 8037 JWK, as WebCrypto exports it.
jwk_of() {
	/usr/bin/python3 -c 'import json, sys
x = [l.split()[1] for l in open(sys.argv[1]) if l.startswith("public ")][0]
print(json.dumps({"kty": "OKP", "crv": "Ed25519", "x": x, "ext": True,
    "key_ops": ["verify"]}))' "$1"
}
keyid_of() { sed -n 's/^keyid //p' "$1"; }
# A member of the JSON on standard input (a.b.0 paths).
member() {
	/usr/bin/python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v if not isinstance(v, (dict, list)) else json.dumps(v))' "$1"
}

vp community add C01 --name East --population 5000 >/dev/null
vp activity add clean --name Cleaning --points-per-hour 10 >/dev/null
vp volunteer add V-001 --name Zhang --community C01 >/dev/null
"$VPOINTS" keygen --out "$T_DIR/old.key" >/dev/null
"$VPOINTS" keygen --out "$T_DIR/new.key" >/dev/null
"$VPOINTS" keygen --out "$T_DIR/third.key" >/dev/null
old=$(keyid_of "$T_DIR/old.key.pub")
new=$(keyid_of "$T_DIR/new.key.pub")
vp station add S01 --name 'East station' --community C01 \
	--pubkey "$T_DIR/old.key.pub" >/dev/null
is "station S01 enrolled with its first key" "$?" 0
with_old() { VPOINTS_KEY="$T_DIR/old.key" vp "$@"; }
with_new() { VPOINTS_KEY="$T_DIR/new.key" vp "$@"; }
log_shift() { # KEYFN DAYS-AGO
	"$1" shift log V-001 --activity clean --start "$(t_at "-$2 days")" \
		--end "$(t_at "-$2 days +60 minutes")" "${@:3}"
}
log_shift with_old 5 >/dev/null
is "the old key records a shift" "$?" 0
# A link issued with the old key, its answer lost (retried below with
# the new key).
link_old=$(with_old --json volunteer link V-001 --idempotency-key link-1 | member path)

# Rotation: the new key, given as a JWK.
jwk_of "$T_DIR/new.key.pub" >"$T_DIR/new.jwk"
out=$(VPOINTS_KEY="$T_DIR/old.key" vp station rotate S01 --pubkey "$T_DIR/new.jwk" 2>&1); rc=$?
is "a station key may not rotate keys (admin only)" "$rc" 77
like "... 403 admin-only" "$out" "admin key"
out=$(vp station rotate S01 --pubkey "$T_DIR/new.jwk"); rc=$?
is "station rotate enrols a JWK as the second key" "$rc" 0
is "... and prints its key id, the thumbprint" "$out" "$new"
out=$(vp station rotate S01 --pubkey "$T_DIR/new.key.pub" 2>&1); rc=$?
is "the same key twice is refused" "$rc" 1
like "... key-exists" "$out" "enrolled already"
out=$(vp station rotate S01 --pubkey "$T_DIR/third.key.pub" 2>&1); rc=$?
is "a third active key is refused" "$rc" 1
like "... while two are active" "$out" "two active keys already"
jwk_of "$T_DIR/new.key.pub" | sed 's/"kty"/"d": "c2VjcmV0", "kty"/' >"$T_DIR/private.jwk"
out=$(vp station rotate S01 --pubkey "$T_DIR/private.jwk" 2>&1); rc=$?
is "a JWK with its private part is refused before it is sent" "$rc" 65
like "... saying why" "$out" '"d"'
is "the station lists two active keys" \
	"$(vp station list --json | /usr/bin/python3 -c 'import json, sys
s = [s for s in json.load(sys.stdin)["stations"] if s["code"] == "S01"][0]
print(" ".join(k["keyid"] for k in s["keys"] if k["revoked_at"] is None))')" "$old $new"

# The overlap: both keys sign.
log_shift with_old 4 >/dev/null
is "during the overlap the old key still records" "$?" 0
log_shift with_new 3 >/dev/null
is "... and the new key records too" "$?" 0
# A write first sent with the old key and retried with the new one is
# the same request: one shift, the same answer.
a=$(log_shift with_old 2 --idempotency-key retry-1 --json | member id)
b=$(log_shift with_new 2 --idempotency-key retry-1 --json | member id)
is "a retry with the new key of a write the old key sent answers the same" "$b" "$a"
link_new=$(with_new --json volunteer link V-001 --idempotency-key link-1 | member path)
is "... a link's too: the same path, made for the key that issued it" "$link_new" "$link_old"
is "... which opens the page" "$(curl -s -o /dev/null -w '%{http_code}' "$DAEMON_URL$link_new")" 200
is "... and the answer names no key" "$(with_new --json volunteer link V-001 --idempotency-key link-1 | grep -c keyid)" 0
is "... and records it once" \
	"$(pgc_psql "$T_PG" -At -c "SELECT count(*) FROM shifts WHERE started_at::date = '$(t_date '-2 days' +%F)'")" 1

# The ledger names the key that signed each record.
recorders=$(vp shift list V-001 --json | /usr/bin/python3 -c 'import json, sys
print(" ".join(s["recorder"] for s in sorted(json.load(sys.stdin)["shifts"], key=lambda s: s["id"])))')
is "the shifts name the key that recorded each" "$recorders" "$old $old $new $old"
transfers=$(vp balance V-001 --json | /usr/bin/python3 -c 'import json, sys
print(" ".join(t["keyid"] for t in sorted(json.load(sys.stdin)["transfers"], key=lambda t: t["id"])))')
is "... and so do the transfers of points" "$transfers" "$old $old $new $old"

# Revoking the old key by its key id.
out=$(vp station revoke S01 --key "not-a-key-of-S01" 2>&1); rc=$?
is "revoking a key the station does not have is refused" "$rc" 65
like "... unknown-key" "$out" "has no key not-a-key-of-S01"
out=$(vp station revoke S01 --key "$old"); rc=$?
is "station revoke --key revokes the one key" "$rc" 0
is "... and says so" "$out" "station S01: 1 key(s) revoked now"
out=$(log_shift with_old 1 --json 2>&1); rc=$?
is "the revoked key is refused" "$rc" 77
is "... 401 key-revoked" "$(member type <<<"$out")" "urn:vpoints:problem:key-revoked"
log_shift with_new 1 >/dev/null
is "... while the new key goes on" "$?" 0
out=$(vp station revoke S01 --key "$old"); rc=$?
is "revoking it again changes nothing" "$out" "station S01: 0 key(s) revoked now"

# A lost key: revoked, then replaced the same way.
vp station revoke S01 >/dev/null
is "revoking every key of the station" "$?" 0
with_new shift list V-001 >/dev/null 2>&1
is "... refuses the new key too" "$?" 77
out=$(vp station rotate S01 --pubkey "$T_DIR/third.key.pub"); rc=$?
is "a station with no active key gets a new one by rotate" "$rc" 0
VPOINTS_KEY="$T_DIR/third.key" vp shift list V-001 >/dev/null
is "... which signs" "$?" 0
"$VPOINTS" keygen --out "$T_DIR/s02.key" >/dev/null
jwk_of "$T_DIR/s02.key.pub" >"$T_DIR/s02.jwk"
is "station add takes a JWK too" \
	"$(vp station add S02 --name 'West station' --community C01 --pubkey "$T_DIR/s02.jwk")" \
	"$(keyid_of "$T_DIR/s02.key.pub")"

# The daemon's signing key. A certificate and a month close signed now.
with_third() { VPOINTS_KEY="$T_DIR/third.key" vp "$@"; }
with_third certificate issue V-001 --from "$(t_date '-30 days' +%F)" \
	--to "$(t_date '' +%F)" --out "$T_DIR/before.jws" >/dev/null
is "a certificate signed before the rotation" "$?" 0
month=$(t_date '-400 days' +%Y-%m)
vp month close "$month" --json | member jws >"$T_DIR/month.jws"
like "... and a month close" "$(cat "$T_DIR/month.jws")" "."
curl -s "$DAEMON_URL/v1/public-keys" >"$T_DIR/keys-before.json"
daemon_kid=$(member keys.0.kid <"$T_DIR/keys-before.json")
is "the JWK Set has the current key" "$(member keys.0.status <"$T_DIR/keys-before.json")" current
is "... by its key id" "$daemon_kid" "$(keyid_of "$T_DIR/signing.key.pub")"
is "... alone" "$(member keys <"$T_DIR/keys-before.json" | member 1 2>/dev/null)" ""

# Rotate: a new signing key, the old one's public half kept as previous.
daemon_stop
mv "$T_DIR/signing.key" "$T_DIR/signing-1.key"
mv "$T_DIR/signing.key.pub" "$T_DIR/signing-1.key.pub"
# An older key still, given as a JWK that says when it signed.
"$VPOINTS" keygen --out "$T_DIR/signing-0.key" >/dev/null
jwk_of "$T_DIR/signing-0.key.pub" | sed "s/^{/{\"nbf\": $(t_date '-800 days'), \"exp\": $(t_date '-400 days'), /" \
	>"$T_DIR/signing-0.jwk"
echo "previous_signing_keys = $T_DIR/signing-1.key.pub, $T_DIR/signing-0.jwk" >>"$DAEMON_CONF"
daemon_restart
is "vpointsd starts with a new signing key and the earlier one" "$?" 0
curl -s "$DAEMON_URL/v1/public-keys" >"$T_DIR/keys.json"
is "the JWK Set: the new key, current" \
	"$(member keys.0.kid <"$T_DIR/keys.json") $(member keys.0.status <"$T_DIR/keys.json")" \
	"$(keyid_of "$T_DIR/signing.key.pub") current"
is "... and the earlier one, retired" \
	"$(member keys.1.kid <"$T_DIR/keys.json") $(member keys.1.status <"$T_DIR/keys.json")" \
	"$daemon_kid retired"
is "... and the older one with the time it signed, as its file gives it" \
	"$(member keys.2.kid <"$T_DIR/keys.json") $(member keys.2.nbf <"$T_DIR/keys.json") $(member keys.2.exp <"$T_DIR/keys.json")" \
	"$(keyid_of "$T_DIR/signing-0.key.pub") $(t_date '-800 days') $(t_date '-400 days')"
daemon_start_another
is "a second daemon sharing the files publishes the same set" \
	"$(curl -s "$ANOTHER_URL/v1/public-keys")" "$(cat "$T_DIR/keys.json")"

out=$("$VPOINTS" certificate verify "$T_DIR/before.jws" --keys "$T_DIR/keys.json"); rc=$?
is "the certificate signed before the rotation verifies with the set" "$rc" 0
like "... signed by the earlier key" "$out" "valid: signed by key $daemon_kid"
"$VPOINTS" certificate verify "$T_DIR/month.jws" --keys "$T_DIR/keys.json" >/dev/null
is "... and so does the month close" "$?" 0
# The base45 form a QR code holds (jws.h), made here apart from jws.c.
/usr/bin/python3 - "$T_DIR/before.jws" >"$T_DIR/before.b45" <<'EOF'
import base64, sys
h, p, s = open(sys.argv[1]).read().strip().split(".")
d = lambda t: base64.urlsafe_b64decode(t + "=" * (-len(t) % 4))
raw = len(d(h)).to_bytes(2, "big") + d(h) + d(s) + d(p)
a = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
out = ""
for i in range(0, len(raw), 2):
    n = raw[i] * 256 + raw[i + 1] if i + 1 < len(raw) else raw[i]
    out += a[n % 45] + a[n // 45 % 45] + (a[n // 2025] if i + 1 < len(raw) else "")
print("VPJ1:" + out)
EOF
"$VPOINTS" certificate verify "$T_DIR/before.b45" --keys "$T_DIR/keys.json" >/dev/null
is "... and its base45 form" "$?" 0

with_third certificate issue V-001 --from "$(t_date '-30 days' +%F)" \
	--to "$(t_date '' +%F)" --out "$T_DIR/after.jws" >/dev/null
out=$("$VPOINTS" certificate verify "$T_DIR/after.jws" --keys "$T_DIR/keys.json"); rc=$?
is "a certificate signed after the rotation verifies with the set" "$rc" 0
like "... signed by the new key" "$out" "valid: signed by key $(keyid_of "$T_DIR/signing.key.pub")"
out=$("$VPOINTS" certificate verify "$T_DIR/after.jws" --keys "$T_DIR/keys-before.json" 2>&1); rc=$?
is "... but not with the set from before it" "$rc" 1
like "... its key is none of that set's" "$out" "none of the keys in"

# Forgeries: a JWS naming a key the set lacks, and a set that names a
# key by another's id.
"$VPOINTS" keygen --out "$T_DIR/forger.key" >/dev/null
forged=$(/usr/bin/python3 - "$T_DIR/before.jws" "$(keyid_of "$T_DIR/forger.key.pub")" <<'EOF'
import base64, sys
h, p, s = open(sys.argv[1]).read().strip().split(".")
e = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
print(e(('{"alg":"EdDSA","kid":"%s"}' % sys.argv[2]).encode()) + "." + p + "." + s)
EOF
)
printf '%s\n' "$forged" >"$T_DIR/forged.jws"
out=$("$VPOINTS" certificate verify "$T_DIR/forged.jws" --keys "$T_DIR/keys.json" 2>&1); rc=$?
is "a JWS whose kid is not in the set is refused" "$rc" 1
like "... saying so" "$out" "none of the keys in"
/usr/bin/python3 - "$T_DIR/keys.json" "$T_DIR/forger.key.pub" >"$T_DIR/bad-keys.json" <<'EOF'
import json, sys
keys = json.load(open(sys.argv[1]))
x = [l.split()[1] for l in open(sys.argv[2]) if l.startswith("public ")][0]
keys["keys"][1]["x"] = x
print(json.dumps(keys))
EOF
out=$("$VPOINTS" certificate verify "$T_DIR/before.jws" --keys "$T_DIR/bad-keys.json" 2>&1); rc=$?
is "a set that names a key by another key's id is refused" "$rc" 1
like "... as not the key's thumbprint" "$out" "not the key's thumbprint"
out=$("$VPOINTS" certificate verify "$T_DIR/before.jws" 2>&1); rc=$?
is "verify wants --keys or --pubkey" "$rc" 64

# The older key signed only between its nbf and exp: a JWS it signs now
# (as one who found the retired key could) is no certificate, one it
# signed in its time is.
sign_payload_with_older() {	# the payload's JSON
	/usr/bin/python3 - "$T_DIR/signing-0.key" "$(keyid_of "$T_DIR/signing-0.key.pub")" "$1" <<'EOF'
import base64, json, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
seed = [l.split()[1] for l in open(sys.argv[1]) if l.startswith("seed ")][0]
key = Ed25519PrivateKey.from_private_bytes(
    base64.urlsafe_b64decode(seed + "=" * (-len(seed) % 4)))
e = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
h = e(json.dumps({"alg": "EdDSA", "kid": sys.argv[2]}).encode())
p = e(sys.argv[3].encode())
print(h + "." + p + "." + e(key.sign((h + "." + p).encode())))
EOF
}
sign_with_older() {		# issued at $1
	sign_payload_with_older "{\"number\": \"C-FORGED\", \"issued_at\": \"$1\"}"
}
sign_with_older "$(t_date '' +%FT%T%:z)" >"$T_DIR/late.jws"
out=$("$VPOINTS" certificate verify "$T_DIR/late.jws" --keys "$T_DIR/keys.json" 2>&1); rc=$?
is "a JWS the retired key signs after its exp is refused" "$rc" 1
like "... saying the key did not sign then" "$out" "did not sign"
sign_with_older "$(t_date '-600 days' +%FT%T%:z)" >"$T_DIR/timely.jws"
"$VPOINTS" certificate verify "$T_DIR/timely.jws" --keys "$T_DIR/keys.json" >/dev/null 2>&1
is "... one issued within its nbf and exp verifies" "$?" 0
sign_with_older "$(t_date '-900 days' +%FT%T%:z)" >"$T_DIR/early.jws"
"$VPOINTS" certificate verify "$T_DIR/early.jws" --keys "$T_DIR/keys.json" >/dev/null 2>&1
is "... one issued before its nbf is refused" "$?" 1
# A payload that gives no time it was signed at would pass any window.
for payload in '{"number": "C-FORGED", "minutes": 600000}' \
	'{"number": "C-FORGED", "issued_at": 1765000000}' \
	'{"number": "C-FORGED", "issued_at": null}' \
	'{"month": "2026-12", "digest": "00"}'; do
	sign_payload_with_older "$payload" >"$T_DIR/timeless.jws"
	out=$("$VPOINTS" certificate verify "$T_DIR/timeless.jws" --keys "$T_DIR/keys.json" 2>&1)
	is "... one that gives no time it was signed at is refused: $payload" "$?" 1
done
like "... saying so" "$out" "gives no time it was signed at"
# A month close's time is its closed_at.
sign_payload_with_older "{\"month\": \"2026-12\", \"closed_at\": \"$(t_date '' +%FT%T%:z)\"}" >"$T_DIR/close.jws"
"$VPOINTS" certificate verify "$T_DIR/close.jws" --keys "$T_DIR/keys.json" >/dev/null 2>&1
is "... a month close it signs after its exp is refused" "$?" 1
sign_payload_with_older "{\"month\": \"2024-12\", \"closed_at\": \"$(t_date '-600 days' +%FT%T%:z)\"}" >"$T_DIR/close.jws"
"$VPOINTS" certificate verify "$T_DIR/close.jws" --keys "$T_DIR/keys.json" >/dev/null 2>&1
is "... one it signed in its time verifies" "$?" 0

exit 0
