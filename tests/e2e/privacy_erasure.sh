#!/usr/bin/env bash
# Withdrawn consent and a volunteer who leaves: the personal fields
# (gender, birth month, phone, skills) are erased everywhere they were
# kept -- the volunteer, its history rows, the stored answers that a retry
# of a registration, update or team change gets, anything pg_dump finds
# -- while service records, points and certificates stay under the
# volunteer's number. volunteer_history stays append-only for everything
# else. vpoints volunteer export gives everything held about one
# volunteer, as JSON.
. "$top_srcdir/tests/lib.sh"

harness_db
daemon_start "id_hash_key = 6f1d0c5e2b7a49d3a8e4f6b2c1d0e9f87a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d"
harness_admin

count() { pgc_psql "$T_PG" -At -c "$1"; }
psql_try() { pgc_psql "$T_PG" -v ON_ERROR_STOP=1 -At -c "$1"; }
# Every row the database holds, as text.
dump() { pgc_run "$(pgc_bindir)/pg_dump" --data-only -h "$(pgc_sockdir "$T_PG")" -U vpoints vpoints; }
dump_holds() { dump | grep -q "$1"; }
# How many lengths of members of an export: "history shifts ...".
lengths() {
	/usr/bin/python3 -c '
import json, sys
e = json.load(sys.stdin)
print(" ".join("%s=%d" % (k, len(e[k])) for k in sys.argv[1:]))' "$@"
}
s1() { vp --key "$T_DIR/s1.key" "$@"; }
s2() { vp --key "$T_DIR/s2.key" "$@"; }

ok "community C01" vp community add C01 --name "东城社区" --population 12000
ok "community C02" vp community add C02 --name West --population 8000
ok "activity clean, 60 points an hour" vp activity add clean --name "Street cleaning" --points-per-hour 60
ok "team env" vp team add env --name Environment --kind standing
"$VPOINTS" keygen --out "$T_DIR/s1.key" >/dev/null
"$VPOINTS" keygen --out "$T_DIR/s2.key" >/dev/null
ok "station S01 of C01" vp station add S01 --community C01 --name East --pubkey "$T_DIR/s1.key.pub"
ok "station S02 of C02" vp station add S02 --community C02 --name West --pubkey "$T_DIR/s2.key.pub"

# V-001 gives everything, with consent; then a new phone and a team.
register() {
	s1 --idempotency-key reg-1 "$@" volunteer add V-001 --name "张三" --consent \
		--gender female --birth-month 1990-03 --phone 13812345678 \
		--skill "first aid" --id-number 110101199003077777 --registered-on "$(t_date '-30 days' +%F)"
}
ok "register V-001 with consent and personal fields" register
ok "a new phone" s1 --idempotency-key upd-1 volunteer update V-001 --phone 13900000000 --skill "first aid" --skill "sign language"
ok "V-001 joins env" s1 --idempotency-key join-1 team join env V-001
ok "V-002 for help" s1 volunteer add V-002 --name "Li Si"
ok "a shift of two hours" s1 shift log V-001 --activity clean --start "$(t_at '-50 hours')" --end "$(t_at '-48 hours')" --place "Main St"
ok "an item" s1 catalog add towel --name Towel --category gift --price 10 --stock 5
ok "V-001 redeems a towel" s1 redeem V-001 towel
ok "V-001 asks for help" s1 help request V-001 --points 20 --description "carry the shopping"
help_id=$(count "SELECT max(id) FROM help_requests")
ok "V-002 accepts it" s1 help accept "$help_id" --helper V-002
ok "a certificate" s1 certificate issue V-001 --from "$(t_date '-60 days' +%F)" --to "$(t_date '' +%F)" --out "$T_DIR/cert.jws"

PERSONAL="13812345678 13900000000 first.aid sign.language 1990-03 female"
held() { # what of PERSONAL text $1 holds
	local w found=
	for w in $PERSONAL; do echo "$1" | grep -q "$w" && found="$found $w"; done
	echo "${found# }"
}

# The export, before: everything, with the personal fields.
ok "export V-001 to a file" s1 volunteer export V-001 --out "$T_DIR/v1.json"
is "... readable by its owner only" "$(stat -c %a "$T_DIR/v1.json")" 600
export_before=$(cat "$T_DIR/v1.json")
is "the export holds the volunteer's personal fields" "$(held "$export_before")" "$PERSONAL"
is "... its history, teams, shifts, transfers, redemptions, help, certificates" \
	"$(lengths history teams shifts transfers redemptions help_requests certificates <"$T_DIR/v1.json")" \
	"history=3 teams=1 shifts=1 transfers=3 redemptions=1 help_requests=1 certificates=1"
like "... and what is kept of the ID number" "$export_before" '"id_number_kept": "keyed hash and last four characters"'
ok "... but never the number or its hash" sh -c "! grep -q '110101199003077777\|id_hash' '$T_DIR/v1.json'"
like "export to standard output is the same JSON" "$(s1 volunteer export V-001)" '"phone": "13900000000"'
s2 volunteer export V-001 >/dev/null 2>&1
is "another community's station may not export V-001 (77)" "$?" 77
ok "an admin may" vp volunteer export V-001
ok "before: pg_dump finds the old phone (in the history)" dump_holds 13812345678

# Consent withdrawn.
shifts_before=$(count "SELECT count(*) || '/' || sum(minutes) FROM shifts")
balance_before=$(s1 --json balance V-001)
ok "V-001 withdraws consent" s1 volunteer update V-001 --no-consent --reason "withdrew consent"
show=$(s1 --json volunteer show V-001 --history)
is "show --history holds none of the personal fields" "$(held "$show")" ""
like "... the history still says what happened" "$show" '"reason": "withdrew consent"'
is "... and keeps every row" "$(count "SELECT count(*) FROM volunteer_history h JOIN volunteers v ON v.id = h.volunteer_id WHERE v.number = 'V-001'")" 4
replay=$(register --json 2>&1)
is "a retry of the registration gets its stored answer (0)" "$?" 0
like "... as registered" "$replay" '"number": "V-001"'
is "... without the personal fields" "$(held "$replay")" ""
replay=$(s1 --json --idempotency-key upd-1 volunteer update V-001 --phone 13900000000 --skill "first aid" --skill "sign language" 2>&1)
is "a retry of the update: its stored answer, without them" "$?/$(held "$replay")" "0/"
replay=$(s1 --json --idempotency-key join-1 team join env V-001 2>&1)
is "a retry of the team change: the same" "$?/$(held "$replay")" "0/"
is "... and the retries applied nothing" "$(held "$(s1 --json volunteer show V-001)")" ""
is "pg_dump of the whole database holds none of them" "$(held "$(dump)")" ""
is "service records stay" "$(count "SELECT count(*) || '/' || sum(minutes) FROM shifts")" "$shifts_before"
is "... and points" "$(s1 --json balance V-001)" "$balance_before"
export_after=$(s1 volunteer export V-001)
is "the export after: no personal field" "$(held "$export_after")" ""
is "... the same records" \
	"$(echo "$export_after" | lengths history teams shifts transfers redemptions help_requests certificates)" \
	"history=4 teams=1 shifts=1 transfers=3 redemptions=1 help_requests=1 certificates=1"
like "... under the volunteer's number and name" "$export_after" '"name": "张三"'

# The history stays append-only, but for the erasure.
fails "UPDATE of a history row's reason is refused" psql_try "UPDATE volunteer_history SET reason = 'x'"
fails "... of its data beyond the personal fields" psql_try "UPDATE volunteer_history SET data = vp_history_erased(data) || '{\"name\": \"x\"}'"
fails "... of a personal field to another value" psql_try "UPDATE volunteer_history SET data = data || '{\"phone\": \"1\"}' WHERE data ? 'phone'"
fails "DELETE is refused" psql_try "DELETE FROM volunteer_history"
fails "TRUNCATE is refused" psql_try "TRUNCATE volunteer_history CASCADE"
ok "the erasure itself passes (a no-op now)" psql_try "UPDATE volunteer_history SET data = vp_history_erased(data)"

# A volunteer who leaves: the same.
ok "V-003 registers with consent" s1 --idempotency-key reg-3 volunteer add V-003 --name "王五" --consent --phone 13755556666 --gender male
ok "V-003 leaves" s1 volunteer update V-003 --status left --reason moved
is "V-003 keeps no consent" "$(s1 --json volunteer show V-003 | /usr/bin/python3 -c 'import json,sys; v = json.load(sys.stdin); print(v["consent"], v.get("phone"), v["status"])')" "False None left"
fails "pg_dump holds V-003's phone nowhere" dump_holds 13755556666
s1 volunteer update V-003 --consent --phone 1 >/dev/null 2>&1
is "a volunteer who left cannot give consent (65)" "$?" 65
ok "... but may come back, with consent" s1 volunteer update V-003 --status active --consent --phone 13700000000

ok "audit: the ledger is consistent" vp audit
ok "SIGTERM exits 0" daemon_stop
