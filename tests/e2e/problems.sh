#!/usr/bin/env bash
# Refusals in the client's words, never the database's: every database
# error becomes a problem type with a sentence (invalid-input, conflict,
# internal-error, database-unavailable, overloaded), and the database's
# own text goes to the daemon's log only. Also: a body cannot rename what
# the path names (PATCH {"number"}), and integers are integers (1e2 and
# 1.0 are refused wherever one is expected).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/signed.sh"

harness_db
daemon_start
admin_new A || { echo "Bail out! no admin key"; exit 1; }

count() { pgc_psql "$T_PG" -At -c "$1"; }
must() {
	call "$@"
	case $STATUS in 2??) ;; *)
		echo "Bail out! $2 $3 $4: $STATUS $(head -c 300 "$T_DIR/body")"
		exit 1 ;;
	esac
}
# The database's words that must never reach a client.
DB_WORDS='relation|constraint|violates|field value|out of range:|syntax for type|SQLSTATE|PL/pgSQL|CONTEXT|vp_'
no_db_words() {
	if grep -qE "$DB_WORDS" "$T_DIR/body"; then
		t_result fail "$1"
		echo "#   got: $(head -c 400 "$T_DIR/body")"
	else
		t_result ok "$1"
	fi
}
logged() {	# desc text: the daemon's log has it
	if grep -qF -- "$2" "$DAEMON_LOG"; then t_result ok "$1"; else
		t_result fail "$1"; echo "#   no '$2' in the daemon's log"; fi
}

must A POST /v1/communities '{"code":"C01","name":"East","population":1000}'
must A POST /v1/activities '{"code":"clean","name":"Cleaning","points_per_hour":10}'
station_new A S01 C01 || { echo "Bail out! no station"; exit 1; }
must S01 POST /v1/volunteers '{"number":"V1","name":"Zhang San"}'
must S01 POST /v1/shifts "{\"volunteer\":\"V1\",\"activity\":\"clean\",\"started_at\":\"$(t_at '-3 hours')\",\"ended_at\":\"$(t_at '-1 hours')\"}"
shift_id=$(field id)

# A value no check of the operation looks at, which the database refuses:
# its class for the client, its words for the log.
call A POST /v1/activities '{"code":"feb","name":"February","points_per_hour":10,"multipliers":[{"name":"x","dates":["2026-02-30"],"percent":200}]}'
answered "a date 2026-02-30 among a multiplier's dates: 422 invalid-input" 422 invalid-input \
	"A date or time of the request is out of range or not valid."
no_db_words "... in the client's words"
logged "... the database's in the daemon's log" 'date/time field value out of range: "2026-02-30"'
call A GET /v1/reports/monthly "month=0000-01&level=community"
answered "a report of the month 0000-01: 422 invalid-input" 422 invalid-input
no_db_words "... in the client's words"
call S01 POST /v1/volunteers '{"number":"a b","name":"Space"}'
answered "a volunteer number with a space: 422 invalid-field" 422 invalid-field '"number" must be'
no_db_words "... in the client's words"
is "... nothing stored" "$(count "SELECT count(*) FROM volunteers")" 1

# Errors from deeper down, made on purpose: an operation replaced for the
# while by one that raises each kind of error.
fn=$(count "SELECT pg_get_functiondef('vp_op_community_list'::regproc)")
printf '%s;\n' "$fn" >"$T_DIR/community_list.sql"
raise() {	# SQLSTATE: GET /v1/communities raises it, with words of the database
	pgc_psql "$T_PG" -q -v ON_ERROR_STOP=1 -c "
CREATE OR REPLACE FUNCTION vp_op_community_list(caller vp_caller, args jsonb,
    OUT status integer, OUT body jsonb) LANGUAGE plpgsql AS \$\$
BEGIN
	RAISE EXCEPTION 'secret words of the database, relation \"x\" ($1)'
	    USING ERRCODE = '$1';
END \$\$;" && call A GET /v1/communities
}
raise 23505
answered "a unique violation no operation mapped: 409 conflict" 409 conflict "exists already"
no_db_words "... in the client's words"
logged "... the database's in the daemon's log" 'secret words of the database, relation "x" (23505)'
raise 23514
answered "a check violation: 422 invalid-input" 422 invalid-input
no_db_words "... in the client's words"
raise 22003
answered "a number out of range: 422 invalid-input" 422 invalid-input "A number of the request is out of range."
raise XX000
answered "an internal error: 500 internal-error" 500 internal-error "The error was logged."
no_db_words "... in the client's words"
logged "... the database's in the daemon's log" 'secret words of the database, relation "x" (XX000)'
raise 53100
answered "the database out of disk: 503 database-unavailable" 503 database-unavailable
no_db_words "... in the client's words"
raise 40001
answered "a serialization failure after every retry: 503 overloaded" 503 overloaded
no_db_words "... in the client's words"
ok "the operation put back" pgc_psql "$T_PG" -q -v ON_ERROR_STOP=1 -f "$T_DIR/community_list.sql"
call A GET /v1/communities
answered "... and answering" 200

# What the path names, the body cannot change.
call S01 PATCH /v1/volunteers/V1 '{"number":"V9","name":"Someone else"}'
answered 'PATCH /v1/volunteers/V1 {"number":"V9"}: 422 invalid-field' 422 invalid-field '"number"'
is "... V1 unchanged, no V9" "$(count "SELECT string_agg(number || ' ' || name, ',') FROM volunteers")" "V1 Zhang San"
call S01 PATCH /v1/volunteers/V1 '{"number":"V1","name":"Zhang Sanfeng"}'
answered 'PATCH /v1/volunteers/V1 {"number":"V1"} (the same): 200' 200
call S01 POST "/v1/shifts/$shift_id/corrections" "{\"id\":$shift_id,\"reason\":\"x\"}"
answered "a correction naming its shift as a number in the body: 422 invalid-field" 422 invalid-field '"id"'
call S01 POST "/v1/shifts/$shift_id/corrections" '{"id":"999999","reason":"x"}'
answered "... or another shift: 422 invalid-field" 422 invalid-field '"id"'
is "... no correction stored" "$(count "SELECT count(*) FROM shifts")" 1

# Integers are integers: 1e2 and 1.0 are refused wherever one is expected.
before=$(count "SELECT (SELECT count(*) FROM catalog_items) || '/' || (SELECT count(*) FROM redemptions) || '/' || (SELECT count(*) FROM help_requests) || '/' || (SELECT count(*) FROM activities) || '/' || (SELECT count(*) FROM communities) || '/' || (SELECT string_agg(hours::text, ',' ORDER BY stars) FROM star_levels)")
for c in 'price 1e2|/v1/catalog|{"code":"a","name":"A","category":"gift","price":1e2,"stock":5}' \
	'price 100.0|/v1/catalog|{"code":"a","name":"A","category":"gift","price":100.0,"stock":5}' \
	'stock 1.0|/v1/catalog|{"code":"a","name":"A","category":"gift","price":5,"stock":1.0}' \
	'points_per_hour 1e1|/v1/activities|{"code":"b","name":"B","points_per_hour":1e1}' \
	'population 1E3|/v1/communities|{"code":"C09","name":"Nine","population":1E3}' \
	'levels [1.0, ...]|/v1/star-levels|{"levels":[1.0,2,3,4,5]}' \
	'points 5.0|/v1/help-requests|{"requester":"V1","points":5.0,"description":"a lift"}'; do
	IFS='|' read -r desc path body <<<"$c"
	key=S01
	case $path in /v1/activities | /v1/communities | /v1/star-levels) key=A ;; esac
	call "$key" POST "$path" "$body"
	answered "$desc: 422 invalid-field" 422 invalid-field "must be"
done
must S01 POST /v1/catalog '{"code":"mug","name":"Mug","category":"gift","price":5,"stock":5}'
call S01 POST /v1/catalog/mug/restock '{"quantity":1e0}'
answered "restock quantity 1e0: 422 invalid-field" 422 invalid-field
call S01 POST /v1/redemptions '{"volunteer":"V1","item":"mug","quantity":1.0}'
answered "redeem quantity 1.0: 422 invalid-field" 422 invalid-field
call S01 POST /v1/redemptions '{"volunteer":"V1","item":"mug","quantity":2E0}'
answered "redeem quantity 2E0: 422 invalid-field" 422 invalid-field
call S01 POST /v1/redemptions '{"volunteer":"V1","item":"mug","quantity":2}'
answered "redeem quantity 2: 201" 201
is "... and the refused ones stored nothing" \
	"$(count "SELECT (SELECT count(*) FROM catalog_items) || '/' || (SELECT count(*) FROM redemptions) || '/' || (SELECT count(*) FROM help_requests) || '/' || (SELECT count(*) FROM activities) || '/' || (SELECT count(*) FROM communities) || '/' || (SELECT string_agg(hours::text, ',' ORDER BY stars) FROM star_levels)")" \
	"$(echo "$before" | awk -F/ -v OFS=/ '{ $1++; $2++; print }')"
is "... the mug's stock: 5 less 2" "$(count "SELECT stock FROM catalog_items WHERE code = 'mug'")" 3

must A GET /v1/audit
is "the ledger is consistent" "$(field ok)" true
ok "vpointsd stops cleanly" daemon_stop
