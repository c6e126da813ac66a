#!/usr/bin/env bash
# Regions above the communities and the office keys of a region, end to
# end: tests/regions_check.py builds a city of districts, streets and
# communities through the signed API of a real vpointsd, asks every signed
# route with a street office's key outside its street and inside it,
# checks that each level of regions adds up to the communities' rows over
# random trees, and that a closed month's reports stay byte for byte as
# they were after regions move. Its TAP lines become this test's; the seed
# is fixed (t_seed in tests/lib.sh: VPOINTS_SEED=random draws one,
# VPOINTS_SEED=N replays). Then the client:
# vpoints region, community place, station add --role office, and
# report --level street.
. "$top_srcdir/tests/lib.sh"

seed=$(t_seed)
echo "# seed $seed"

harness_db
daemon_start "back_entry_days = 36500" \
	"id_hash_key = 6f1d0c5e2b7a49d3a8e4f6b2c1d0e9f87a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d"

openssl genpkey -algorithm ed25519 -out "$T_DIR/admin.pem" 2>/dev/null
openssl pkey -in "$T_DIR/admin.pem" -pubout -out "$T_DIR/admin.pub.pem" 2>/dev/null
"$VPOINTSD" --db "$(pgc_conninfo "$T_PG")" -c <(echo "sql_dir = $top_srcdir/sql") \
	--init-admin "$T_DIR/admin.pub.pem" >/dev/null 2>>"$DAEMON_LOG"
is "vpointsd --init-admin enrols the admin key" "$?" 0

T_NOW=$T_NOW /usr/bin/python3 "$top_srcdir/tests/regions_check.py" \
	--server "$DAEMON_URL" --admin-key "$T_DIR/admin.pem" --seed "$seed" \
	--routes "$top_srcdir/common/routes.h" >"$T_DIR/regions.out" 2>&1
rc=$?
while IFS= read -r line; do
	case "$line" in
	"ok - "* | "not ok - "*) ;;
	"ok "*) t_result ok "${line#ok * - }" ;;
	"not ok "*) t_result fail "${line#not ok * - }" ;;
	*) printf '# %s\n' "${line#\# }" ;;
	esac
done <"$T_DIR/regions.out"
is "regions_check.py, seed $seed: every check passed (exit status)" "$rc" 0
closed_reports_check "regions moved after the close"
last=$(tail -n 1 "$T_DIR/regions.out")
is "... through to its summary" "${last%%: *}" "ok - regions check, seed $seed"

# The client, with a key of its own as admin.
harness_admin
this=$(TZ=Asia/Shanghai t_date '' +%Y-%m)
out=$(vp region add N1 --name "North" --level district 2>&1)
is "vpoints region add: a district" "$out" "district N1: North"
out=$(vp region add N1a --name "North A" --level street --parent N1 2>&1)
is "vpoints region add --parent: a street" "$out" "street N1a: North A, in N1"
out=$(vp region add N1b --name "x" --level street 2>&1)
like "vpoints region add: a street needs its parent" "$out" "parent"
out=$(vp community add Q1 --name "Q one" --population 800 --region N1a 2>&1)
like "vpoints community add --region" "$out" "community Q1 added"
out=$(vp community add Q2 --name "Q two" --population 200 2>&1)
like "vpoints community add, in no region" "$out" "community Q2 added"
out=$(vp community place Q2 --region N1a 2>&1)
is "vpoints community place" "$out" "community Q2 is in region N1a"
out=$(vp region rename N1a --name "North Street" 2>&1)
is "vpoints region rename" "$out" "street N1a: North Street, in N1"
vp region add N2 --name "South" --level district >/dev/null
out=$(vp region move N1a --parent N2 2>&1)
is "vpoints region move" "$out" "street N1a: North Street, in N2"
out=$(vp region list --csv 2>&1 | tr -d '\r' | grep '^N1a,')
is "vpoints region list: the street, its parent and communities" "$out" "N1a,street,N2,2,North Street"
out=$(vp region levels --level a 2>&1)
like "vpoints region levels: refused once regions exist" "$out" "levels-in-use"
"$VPOINTS" keygen --out "$T_DIR/office.key" >/dev/null
out=$(vp station add OFF1 --role office --name "North office" --pubkey "$T_DIR/office.key.pub" 2>&1)
like "vpoints station add --role office needs --region" "$out" "--region is required for an office"
ok "vpoints station add --role office --region" \
	vp station add OFF1 --role office --region N1a --name "North office" --pubkey "$T_DIR/office.key.pub"
out=$(vp --key "$T_DIR/office.key" report monthly --month "$this" --level street --csv 2>&1)
like "the office's report by street: its street" "$out" "N1a,North Street,N2,2,1000,"
out=$(vp --key "$T_DIR/office.key" community list --csv 2>&1 | grep -c '^Q')
is "an office lists every community (a shared read)" "$out" 2
out=$(vp --key "$T_DIR/office.key" community add Q3 --name x --population 1 --region N1 2>&1)
like "an office adds no community outside its street" "$out" "(HTTP 403)"
out=$(zh vp report monthly --month "$this" --level district --region N2 2>&1)
like "zh_CN: the report of a region" "$out" "N2 "

is "the daemon logged no error" "$(grep -c "vpointsd\[$DAEMON_PID\] error:" "$DAEMON_LOG")" 0
ok "vpointsd stops cleanly" daemon_stop
